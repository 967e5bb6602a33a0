import { and, asc, gte, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/connection.js";
import { eventSearchVector, type SessionRow, sessionEvents, sessions } from "../../db/schema.js";
import { badInput } from "../errors.js";
import { rowsOf } from "./metrics.js";
import type { SessionFilter, SessionService } from "./sessions.js";

/**
 * The analytics of SPEC §8: the seven SessionAnalytics queries (with `activeSessions` in SessionService
 * and the export in export.ts) and Akosha's five. Every query is parameterised SQL run in the database;
 * windows are measured from the service clock, so tests can pin it.
 *
 * Shared definitions (also documented in the README):
 * - a window of `days` holds the sessions whose startedAt is at or after now − days × 24 h;
 * - finished = status ENDED or ABANDONED; durations (seconds) average over finished sessions;
 * - failed = status ABANDONED, or ended with endReason ERROR (or ABANDONED);
 * - clean = ENDED with EXIT and no sequence gap (event_count = max_seq), as in `session_quality_score`.
 */

const FINISHED = sql`(status <> 'ACTIVE' and ended_at is not null)`;
const FAILED = sql`(status = 'ABANDONED' or coalesce(end_reason in ('ERROR', 'ABANDONED'), false))`;
const CLEAN = sql`(status = 'ENDED' and end_reason = 'EXIT' and event_count = max_seq)`;
/** date_part stays in float8 (extract() computes in numeric, several times slower over a window). */
const DURATION = sql`date_part('epoch', ended_at - started_at)`;
/** Timestamps leave the database as epoch milliseconds: both drivers return the same number. */
const epochMs = (expr: SQL) => sql`round(date_part('epoch', ${expr}) * 1000)`;
const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

const DAY_MS = 86_400_000;

export const LIMITS = {
  days: 3650,
  rows: 1000,
  exportRows: 10_000,
  searchHits: 100,
  queryChars: 256,
  graphDepth: 4,
  graphNodes: 1000,
  buckets: 1000,
  windowSeconds: 366 * 86_400,
} as const;

export const ANOMALY_METRICS = [
  "session_duration",
  "sessions_per_hour",
  "error_rate",
  "commands_per_session",
] as const;
export type AnomalyMetric = (typeof ANOMALY_METRICS)[number];

export const TREND_METRICS = ["sessions", "avg_duration", "error_rate", "commands"] as const;
export type TrendMetric = (typeof TREND_METRICS)[number];

export const AGGREGATE_KEYS = ["COMPONENT", "TYPE", "ACTOR", "HOSTNAME", "STATUS", "DAY", "HOUR"] as const;
export type AggregateKey = (typeof AGGREGATE_KEYS)[number];

export const SEARCH_INDEXES = ["SESSIONS", "COMMANDS", "ALL"] as const;
export type SearchIndex = (typeof SEARCH_INDEXES)[number];

export const GRAPH_NODE_TYPES = ["actor", "component", "host", "session"] as const;
export type GraphNodeType = (typeof GRAPH_NODE_TYPES)[number];

/** Modified z-score (Iglewicz & Hoaglin): a score at or above this is an outlier (their 3.5). */
export const DEFAULT_ANOMALY_THRESHOLD = 3.5;

export interface ComponentStats {
  component: string;
  totalSessions: number;
  activeSessions: number;
  endedSessions: number;
  failedSessions: number;
  avgDurationSeconds: number | null;
  p95DurationSeconds: number | null;
  errorRate: number;
}

export interface ComponentDuration {
  component: string;
  avgDurationSeconds: number;
  sessionCount: number;
}

export interface ComponentUsage {
  component: string;
  sessionCount: number;
  totalDurationSeconds: number;
  qualityScore: number | null;
  lastActiveAt: Date;
}

export interface ComponentErrorRate {
  component: string;
  totalSessions: number;
  failedSessions: number;
  errorRate: number;
  mostCommonError: string | null;
}

export interface AggregateRow {
  key: Record<string, string | null>;
  count: number;
  avgDurationSeconds: number | null;
  errorCount: number;
  failedSessions: number;
}

export interface SearchHit {
  index: "SESSIONS" | "COMMANDS";
  sessionId: string;
  eventId: string | null;
  score: number;
  snippet: string;
  at: Date;
}

export interface Anomaly {
  metric: AnomalyMetric;
  at: Date;
  value: number;
  baseline: number;
  score: number;
  component: string;
  sessionId: string | null;
  sampleSize: number | null;
  reason: string;
}

export interface GraphNode {
  id: string;
  type: GraphNodeType;
  label: string;
  weight: number;
  depth: number;
}

export interface GraphEdge {
  source: string;
  target: string;
  type: string;
  weight: number;
}

export interface SessionGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  truncated: boolean;
  maxNodes: number;
  depth: number;
}

export interface TrendPoint {
  bucketStart: Date;
  value: number;
  sessions: number;
}

export interface Trend {
  metric: TrendMetric;
  points: TrendPoint[];
  direction: "UP" | "DOWN" | "FLAT";
  slope: number;
  windowStart: Date;
  granularitySeconds: number;
}

const num = (v: unknown): number => Number(v ?? 0);
const numOrNull = (v: unknown): number | null => (v == null ? null : Number(v));

function boundedInt(
  name: string,
  value: number | null | undefined,
  fallback: number,
  min: number,
  max: number,
) {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw badInput(`${name} must be between ${min} and ${max}`);
  return v;
}

/** Free text from a caller: bounded, and no NUL (Postgres text cannot hold it). */
export function checkText(name: string, value: string, max: number = LIMITS.queryChars): string {
  if (value.length > max) throw badInput(`${name} must be at most ${max} characters`);
  if (value.includes("\u0000")) throw badInput(`${name} must not contain NUL characters`);
  return value;
}

/** Checks the free-text fields of a SessionFilter the same way. */
export function checkFilter(filter: SessionFilter | null | undefined): SessionFilter | null | undefined {
  if (!filter) return filter;
  for (const key of ["type", "component", "actor", "username", "hostname"] as const) {
    const v = filter[key];
    if (typeof v === "string") checkText(`filter.${key}`, v);
  }
  if (filter.startedAfter && Number.isNaN(filter.startedAfter.getTime()))
    throw badInput("invalid startedAfter");
  if (filter.startedBefore && Number.isNaN(filter.startedBefore.getTime()))
    throw badInput("invalid startedBefore");
  if (filter.minDurationSeconds != null && !Number.isFinite(filter.minDurationSeconds))
    throw badInput("minDurationSeconds must be a number");
  return filter;
}

/** `%`, `_` and `\` in a caller's text match themselves in ILIKE. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const SNIPPET_OPTIONS =
  'StartSel=«, StopSel=», MaxWords=24, MinWords=8, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "';

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${Math.round(s % 60)}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${m % 60}m`;
}

const pct = (x: number) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%`;
const hourLabel = (d: Date) => `${d.toISOString().slice(0, 16)}Z`;

export interface AnalyticsOptions {
  db: Db;
  sessions: SessionService;
  now?: () => Date;
}

export class AnalyticsService {
  private readonly db: Db;
  private readonly sessionService: SessionService;
  private readonly now: () => Date;

  constructor(options: AnalyticsOptions) {
    this.db = options.db;
    this.sessionService = options.sessions;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Runs one analytics query in a read-only transaction with more sort/hash memory than the server
   * default (4 MB), so window sorts and full-text bitmaps stay in memory instead of spilling or going
   * lossy.
   */
  private async rows<T>(query: SQL): Promise<T[]> {
    return this.db.transaction(
      async (tx) => {
        await tx.execute(sql`set local work_mem = '64MB'`);
        return rowsOf((await tx.execute(query)) as unknown as T[] | { rows: T[] });
      },
      { accessMode: "read only" },
    );
  }

  private since(days: number | null | undefined): Date {
    const d = boundedInt("days", days, 7, 1, LIMITS.days);
    return new Date(this.now().getTime() - d * DAY_MS);
  }

  private componentClause(component: string | null | undefined): SQL {
    return component ? sql` and component = ${checkText("component", component)}` : sql``;
  }

  /** Per component: sessions started in the window, how many are active, durations, failures. */
  async sessionStats(days?: number | null, component?: string | null): Promise<ComponentStats[]> {
    const rows = await this.rows<Record<string, unknown>>(sql`
      select component,
        count(*)::int as total,
        (count(*) filter (where status = 'ACTIVE'))::int as active,
        (count(*) filter (where ${FINISHED}))::int as finished,
        (count(*) filter (where ${FAILED}))::int as failed,
        avg(${DURATION}) filter (where ${FINISHED}) as avg,
        percentile_cont(0.95) within group (order by ${DURATION}) filter (where ${FINISHED}) as p95
      from sessions
      where started_at >= ${ts(this.since(days))}${this.componentClause(component)}
      group by component
      order by component`);
    return rows.map((r) => ({
      component: String(r.component),
      totalSessions: num(r.total),
      activeSessions: num(r.active),
      endedSessions: num(r.finished),
      failedSessions: num(r.failed),
      avgDurationSeconds: numOrNull(r.avg),
      p95DurationSeconds: numOrNull(r.p95),
      errorRate: num(r.failed) / Math.max(1, num(r.total)),
    }));
  }

  /** Sessions started in [start, end), oldest first. */
  async sessionsByTimeRange(start: Date, end: Date, first?: number | null): Promise<SessionRow[]> {
    const n = boundedInt("first", first, 100, 0, LIMITS.rows);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) throw badInput("invalid date");
    if (end.getTime() < start.getTime()) throw badInput("end must not be before start");
    return this.db
      .select()
      .from(sessions)
      .where(and(gte(sessions.startedAt, start), lt(sessions.startedAt, end)))
      .orderBy(asc(sessions.startedAt), asc(sessions.id))
      .limit(n);
  }

  /** Per component: mean duration of the finished sessions of the window (components without one are left out). */
  async averageSessionDuration(
    days?: number | null,
    component?: string | null,
  ): Promise<ComponentDuration[]> {
    const rows = await this.rows<Record<string, unknown>>(sql`
      select component, avg(${DURATION}) as avg, count(*)::int as n
      from sessions
      where started_at >= ${ts(this.since(days))} and ${FINISHED}${this.componentClause(component)}
      group by component
      order by component`);
    return rows.map((r) => ({
      component: String(r.component),
      avgDurationSeconds: num(r.avg),
      sessionCount: num(r.n),
    }));
  }

  /** Components by sessions started in the window, busiest first. */
  async mostActiveComponents(days?: number | null, limit?: number | null): Promise<ComponentUsage[]> {
    const n = boundedInt("limit", limit, 10, 1, LIMITS.rows);
    const rows = await this.rows<Record<string, unknown>>(sql`
      select component,
        count(*)::int as n,
        coalesce(sum(${DURATION}) filter (where ${FINISHED}), 0)::float8 as total,
        (100.0 * count(*) filter (where ${CLEAN}) / nullif(count(*) filter (where ${FINISHED}), 0))::float8 as quality,
        ${epochMs(sql`max(coalesce(ended_at, last_seen_at))`)} as last
      from sessions
      where started_at >= ${ts(this.since(days))}
      group by component
      order by n desc, component
      limit ${n}`);
    return rows.map((r) => ({
      component: String(r.component),
      sessionCount: num(r.n),
      totalDurationSeconds: num(r.total),
      qualityScore: numOrNull(r.quality),
      lastActiveAt: new Date(num(r.last)),
    }));
  }

  /** Per component: failed share of the window's sessions, and the most frequent errorClass of their events. */
  async sessionErrorRate(days?: number | null, component?: string | null): Promise<ComponentErrorRate[]> {
    const since = ts(this.since(days));
    const componentClause = this.componentClause(component);
    const rows = await this.rows<Record<string, unknown>>(sql`
      with totals as (
        select component, count(*)::int as total, (count(*) filter (where ${FAILED}))::int as failed
        from sessions
        where started_at >= ${since}${componentClause}
        group by component
      ),
      errs as (
        select s.component, e.error_class, count(*) as n
        from sessions s join session_events e on e.session_id = s.id
        where s.started_at >= ${since}${componentClause} and e.error_class is not null
        group by s.component, e.error_class
      ),
      top as (
        select distinct on (component) component, error_class
        from errs order by component, n desc, error_class
      )
      select t.component, t.total, t.failed, t.failed::float8 / t.total as rate, top.error_class
      from totals t left join top on top.component = t.component
      order by rate desc, t.component`);
    return rows.map((r) => ({
      component: String(r.component),
      totalSessions: num(r.total),
      failedSessions: num(r.failed),
      errorRate: num(r.rate),
      mostCommonError: r.error_class == null ? null : String(r.error_class),
    }));
  }

  /** Groups the sessions matching `filter` by the keys, largest groups first. */
  async aggregateSessions(
    groupBy: readonly AggregateKey[],
    filter: SessionFilter | null | undefined,
    limit?: number | null,
  ): Promise<AggregateRow[]> {
    const n = boundedInt("limit", limit, 100, 1, LIMITS.rows);
    const keys = [...new Set(groupBy)];
    if (keys.length === 0) throw badInput("groupBy needs at least one key");
    const exprs: Record<AggregateKey, { name: string; expr: SQL }> = {
      COMPONENT: { name: "component", expr: sql`component` },
      TYPE: { name: "type", expr: sql`type` },
      ACTOR: { name: "actor", expr: sql`actor` },
      HOSTNAME: { name: "hostname", expr: sql`hostname` },
      STATUS: { name: "status", expr: sql`status` },
      DAY: { name: "day", expr: sql`to_char(started_at at time zone 'UTC', 'YYYY-MM-DD')` },
      HOUR: { name: "hour", expr: sql`to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24":00:00Z"')` },
    };
    // Aliases k0…k6 come from positions in a fixed list, never from the caller.
    const alias = (i: number) => sql.raw(`k${i}`);
    const selected = sql.join(
      keys.map((k, i) => sql`${exprs[k].expr} as ${alias(i)}`),
      sql`, `,
    );
    const grouped = sql.join(
      keys.map((_, i) => alias(i)),
      sql`, `,
    );
    const where = this.sessionService.filterSql(checkFilter(filter)) ?? sql`true`;
    const rows = await this.rows<Record<string, unknown>>(sql`
      select ${selected},
        count(*)::int as n,
        avg(${DURATION}) filter (where ${FINISHED}) as avg,
        coalesce(sum(error_count), 0)::float8 as errors,
        (count(*) filter (where ${FAILED}))::int as failed
      from sessions
      where ${where}
      group by ${grouped}
      order by n desc, ${grouped}
      limit ${n}`);
    return rows.map((r) => ({
      key: Object.fromEntries(
        keys.map((k, i) => [exprs[k].name, r[`k${i}`] == null ? null : String(r[`k${i}`])]),
      ),
      count: num(r.n),
      avgDurationSeconds: numOrNull(r.avg),
      errorCount: num(r.errors),
      failedSessions: num(r.failed),
    }));
  }

  /**
   * Postgres full-text search (`websearch_to_tsquery`: quotes, `or`, `-`; never a syntax error) over the
   * session document (identity fields and metadata) and event text, ranked by `ts_rank`. Command hits are
   * returned only when `commands` is allowed (they reveal text only audit:read may see).
   */
  async searchSessions(
    query: string,
    index: SearchIndex,
    limit: number | null | undefined,
    commandsAllowed: boolean,
  ): Promise<SearchHit[]> {
    const n = boundedInt("limit", limit, 10, 1, LIMITS.searchHits);
    const q = checkText("query", query).trim();
    if (!q) throw badInput("query must not be empty");
    const wantSessions = index !== "COMMANDS";
    const wantCommands = index !== "SESSIONS" && commandsAllowed;
    const tsq = sql`websearch_to_tsquery('english'::regconfig, ${q})`;
    const svec = sql`${sessions.searchVector}`;
    const evec = eventSearchVector(sessionEvents);
    const parts: SQL[] = [];
    if (wantSessions) {
      parts.push(sql`(select 'SESSIONS'::text as idx, id as session_id, null::uuid as event_id,
          ts_rank(${svec}, ${tsq})::float8 as score, started_at as at
        from sessions where ${svec} @@ ${tsq}
        order by score desc, at desc, session_id limit ${n})`);
    }
    if (wantCommands) {
      parts.push(sql`(select 'COMMANDS'::text as idx, session_id, id as event_id,
          ts_rank(${evec}, ${tsq})::float8 as score, at
        from session_events where ${evec} @@ ${tsq}
        order by score desc, at desc, session_id, event_id limit ${n})`);
    }
    if (parts.length === 0) return [];
    const rows = await this.rows<Record<string, unknown>>(sql`
      with top as (
        select * from (${sql.join(parts, sql` union all `)}) hits
        order by score desc, at desc, session_id, event_id nulls first
        limit ${n}
      )
      select top.idx, top.session_id::text as session_id, top.event_id::text as event_id, top.score,
        ${epochMs(sql`top.at`)} as at,
        case when top.event_id is null then
          ts_headline('english'::regconfig,
            (select concat_ws(' ', s.component, s.component_type, s.shell_type, s.type, s.actor, s.username,
                s.hostname, (select string_agg(value, ' ') from jsonb_each_text(s.metadata)))
             from sessions s where s.id = top.session_id),
            ${tsq}, ${SNIPPET_OPTIONS})
        else
          ts_headline('english'::regconfig,
            (select e.text from session_events e where e.id = top.event_id), ${tsq}, ${SNIPPET_OPTIONS})
        end as snippet
      from top
      order by top.score desc, top.at desc, top.session_id, top.event_id nulls first`);
    return rows.map((r) => ({
      index: r.idx === "COMMANDS" ? "COMMANDS" : "SESSIONS",
      sessionId: String(r.session_id),
      eventId: r.event_id == null ? null : String(r.event_id),
      score: num(r.score),
      snippet: String(r.snippet ?? ""),
      at: new Date(num(r.at)),
    }));
  }

  /**
   * Values far above a metric's own recent history, by the modified z-score of Iglewicz & Hoaglin:
   * score = (x − median) / (1.4826 × MAD) over the baseline (1.2533 × mean absolute deviation when the
   * MAD is 0), with a floor on the scale so a flat baseline does not flag trivial changes. Only values
   * above the baseline are anomalies (long sessions, command storms, surges, failure spikes): drops are
   * ordinary at night and at weekends.
   *
   * - session_duration, commands_per_session: one observation per finished session, on a log scale
   *   (x = ln(1 + v): both are right-skewed); baseline per component and session type (at least 10
   *   sessions); scale floor 0.25 (a flat baseline needs a ×2.4 jump to reach the default threshold).
   * - sessions_per_hour: sessions started per component and hour (hours aligned to now; empty hours 0),
   *   against the same hour of the day in the baseline; scale floor √median (Poisson noise).
   * - error_rate: failed share per component and hour, for hours with at least 5 sessions, against all
   *   baseline hours (at least 10); scale floor √(p(1−p)/n) at the pooled baseline rate p (binomial noise).
   *
   * Candidates are the observations of the last `windowSeconds` (default 24 h; hourly metrics round it up
   * to whole hours); the baseline is the max(7 days, window) before it. Largest score first.
   */
  async detectAnomalies(
    metric: string,
    threshold?: number | null,
    windowSeconds?: number | null,
    options: { component?: string | null; limit?: number | null } = {},
  ): Promise<Anomaly[]> {
    if (!(ANOMALY_METRICS as readonly string[]).includes(metric))
      throw badInput(`metric must be one of ${ANOMALY_METRICS.join(", ")}`);
    const t = threshold ?? DEFAULT_ANOMALY_THRESHOLD;
    if (!Number.isFinite(t) || t <= 0 || t > 100) throw badInput("threshold must be above 0 and at most 100");
    const w = boundedInt("windowSeconds", windowSeconds, 86_400, 60, 30 * 86_400);
    const limit = boundedInt("limit", options.limit, 100, 1, LIMITS.rows);
    const component = options.component ? checkText("component", options.component) : null;
    const now = this.now();
    if (metric === "session_duration" || metric === "commands_per_session") {
      return this.perSessionAnomalies(metric, t, w, now, component, limit);
    }
    return this.hourlyAnomalies(metric as "sessions_per_hour" | "error_rate", t, w, now, component, limit);
  }

  private async perSessionAnomalies(
    metric: "session_duration" | "commands_per_session",
    threshold: number,
    windowSeconds: number,
    now: Date,
    component: string | null,
    limit: number,
  ): Promise<Anomaly[]> {
    const windowStart = new Date(now.getTime() - windowSeconds * 1000);
    const baseStart = new Date(windowStart.getTime() - Math.max(7 * DAY_MS, windowSeconds * 1000));
    const value = metric === "session_duration" ? DURATION : sql`command_count::float8`;
    const rows = await this.rows<Record<string, unknown>>(sql`
      with obs as materialized (
        select id, component, type, started_at, ${value} as v, ln(1 + greatest(${value}, 0)) as x
        from sessions
        where started_at >= ${ts(baseStart)} and ${FINISHED}${this.componentClause(component)}
      ),
      base as (
        select component, type, percentile_cont(0.5) within group (order by x) as med, count(*) as n
        from obs where started_at < ${ts(windowStart)}
        group by component, type
        having count(*) >= 10
      ),
      spread as (
        select o.component, o.type,
          percentile_cont(0.5) within group (order by abs(o.x - b.med)) as mad,
          avg(abs(o.x - b.med)) as mean_ad
        from obs o join base b on b.component = o.component and b.type = o.type
        where o.started_at < ${ts(windowStart)}
        group by o.component, o.type
      ),
      scored as (
        select o.id, o.component, o.started_at, o.v, exp(b.med) - 1 as med_v, b.n,
          (o.x - b.med) / greatest(case when s.mad > 0 then 1.4826 * s.mad else 1.2533 * s.mean_ad end, 0.25)
            as score
        from obs o
        join base b on b.component = o.component and b.type = o.type
        join spread s on s.component = o.component and s.type = o.type
        where o.started_at >= ${ts(windowStart)}
      )
      select id::text as id, component, ${epochMs(sql`started_at`)} as at, v, med_v, n::int as n, score
      from scored
      where score >= ${threshold}
      order by score desc, started_at desc, id
      limit ${limit}`);
    return rows.map((r) => {
      const v = num(r.v);
      const med = num(r.med_v);
      const score = num(r.score);
      const id = String(r.id);
      const what =
        metric === "session_duration"
          ? `lasted ${formatSeconds(v)} against a baseline median of ${formatSeconds(med)}`
          : `ran ${v} commands against a baseline median of ${med}`;
      return {
        metric,
        at: new Date(num(r.at)),
        value: v,
        baseline: med,
        score,
        component: String(r.component),
        sessionId: id,
        sampleSize: num(r.n),
        reason: `session ${id} of ${r.component} ${what} (robust z ${score.toFixed(1)})`,
      };
    });
  }

  private async hourlyAnomalies(
    metric: "sessions_per_hour" | "error_rate",
    threshold: number,
    windowSeconds: number,
    now: Date,
    component: string | null,
    limit: number,
  ): Promise<Anomaly[]> {
    const hour = 3_600_000;
    const windowHours = Math.ceil(windowSeconds / 3600);
    const baseHours = Math.max(168, windowHours);
    const windowStart = new Date(now.getTime() - windowHours * hour);
    const baseStart = new Date(windowStart.getTime() - baseHours * hour);
    const rateMetric = metric === "error_rate";
    // sessions_per_hour compares an hour with the same hour of the day (daily seasonality), and counts
    // are at least Poisson-noisy; error_rate compares with every hour, and a rate is at least
    // binomially noisy at the component's pooled baseline rate.
    const group = rateMetric
      ? sql`0`
      : sql`(round(extract(epoch from (${ts(now)} - g.bucket)) / 3600)::int % 24)`;
    const noise = rateMetric
      ? sql`sqrt(greatest(b.pooled, 0.01) * (1 - least(greatest(b.pooled, 0.01), 0.99)) / v.n)`
      : sql`sqrt(greatest(b.med, 1))`;
    const rows = await this.rows<Record<string, unknown>>(sql`
      with counts as (
        select component, date_bin('1 hour'::interval, started_at, ${ts(now)}) as bucket,
          count(*)::float8 as n, (count(*) filter (where ${FAILED}))::float8 as f
        from sessions
        where started_at >= ${ts(baseStart)} and started_at < ${ts(now)}${this.componentClause(component)}
        group by 1, 2
      ),
      grid as (
        select c.component, g.bucket
        from (select distinct component from counts) c
        cross join generate_series(${ts(baseStart)}, ${ts(now)} - interval '1 hour', interval '1 hour') g(bucket)
      ),
      valued as materialized (
        select g.component, g.bucket, ${group} as grp, coalesce(c.n, 0) as n, coalesce(c.f, 0) as f,
          ${rateMetric ? sql`c.f / c.n` : sql`coalesce(c.n, 0)`} as x
        from grid g left join counts c on c.component = g.component and c.bucket = g.bucket
        ${rateMetric ? sql`where c.n >= 5` : sql``}
      ),
      base as (
        select component, grp, percentile_cont(0.5) within group (order by x) as med,
          sum(f) / nullif(sum(n), 0) as pooled
        from valued where bucket < ${ts(windowStart)}
        group by component, grp
        having count(*) >= ${rateMetric ? 10 : 5}
      ),
      spread as (
        select v.component, v.grp,
          percentile_cont(0.5) within group (order by abs(v.x - b.med)) as mad,
          avg(abs(v.x - b.med)) as mean_ad
        from valued v join base b on b.component = v.component and b.grp = v.grp
        where v.bucket < ${ts(windowStart)}
        group by v.component, v.grp
      ),
      scored as (
        select v.component, v.bucket, v.x, v.n, b.med,
          (v.x - b.med) / greatest(case when s.mad > 0 then 1.4826 * s.mad else 1.2533 * s.mean_ad end, ${noise})
            as score
        from valued v
        join base b on b.component = v.component and b.grp = v.grp
        join spread s on s.component = v.component and s.grp = v.grp
        where v.bucket >= ${ts(windowStart)}
      )
      select component, ${epochMs(sql`bucket`)} as at, x, n::int as n, med, score
      from scored
      where score >= ${threshold}
      order by score desc, bucket desc, component
      limit ${limit}`);
    return rows.map((r) => {
      const x = num(r.x);
      const med = num(r.med);
      const score = num(r.score);
      const at = new Date(num(r.at));
      const n = num(r.n);
      const what = rateMetric
        ? `${pct(x)} of ${n} sessions failed in the hour from ${hourLabel(at)} against a baseline median of ${pct(med)}`
        : `${x} sessions started in the hour from ${hourLabel(at)} against a median of ${med} in that hour of the day`;
      return {
        metric,
        at,
        value: x,
        baseline: med,
        score,
        component: String(r.component),
        sessionId: null,
        sampleSize: n,
        reason: `${r.component}: ${what} (robust z ${score.toFixed(1)})`,
      };
    });
  }

  /**
   * Per bucket of `granularitySeconds`, ending now and covering the window (rounded up to whole buckets):
   * sessions started, the mean duration of those that finished, their failed share, or their commands.
   * Empty buckets are 0. `slope` is the least-squares slope per bucket; `direction` is UP or DOWN when
   * the fitted change over the window exceeds 10 % of the mean value, FLAT otherwise.
   */
  async sessionTrends(
    metric: string,
    windowSeconds: number,
    granularitySeconds: number,
    component?: string | null,
  ): Promise<Trend> {
    if (!(TREND_METRICS as readonly string[]).includes(metric))
      throw badInput(`metric must be one of ${TREND_METRICS.join(", ")}`);
    const w = boundedInt("windowSeconds", windowSeconds, 0, 60, LIMITS.windowSeconds);
    const g = boundedInt("granularitySeconds", granularitySeconds, 0, 1, LIMITS.windowSeconds);
    const buckets = Math.ceil(w / g);
    if (buckets > LIMITS.buckets)
      throw badInput(`window / granularity gives ${buckets} buckets; at most ${LIMITS.buckets} are allowed`);
    const now = this.now();
    const start = new Date(now.getTime() - buckets * g * 1000);
    // Only the aggregate the metric needs (beside the count every point reports).
    const aggregate: Record<TrendMetric, { expr: SQL; value: SQL }> = {
      sessions: { expr: sql`null::float8`, value: sql`a.n` },
      avg_duration: { expr: sql`avg(${DURATION}) filter (where ${FINISHED})`, value: sql`a.x` },
      error_rate: {
        expr: sql`(count(*) filter (where ${FAILED}))::float8`,
        value: sql`a.x / nullif(a.n, 0)`,
      },
      commands: { expr: sql`coalesce(sum(command_count), 0)::float8`, value: sql`a.x` },
    };
    const chosen = aggregate[metric as TrendMetric];
    const rows = await this.rows<Record<string, unknown>>(sql`
      with a as (
        select floor(date_part('epoch', started_at - ${ts(start)}) / ${g})::int as i,
          count(*)::float8 as n,
          ${chosen.expr} as x
        from sessions
        where started_at >= ${ts(start)} and started_at < ${ts(now)}${this.componentClause(component)}
        group by 1
      ),
      pts as (
        select g.i, coalesce(${chosen.value}, 0)::float8 as v, coalesce(a.n, 0)::float8 as n
        from generate_series(0, ${buckets - 1}) g(i) left join a on a.i = g.i
      )
      select i, v, n, coalesce(regr_slope(v, i) over (), 0) as slope, avg(v) over () as mean
      from pts order by i`);
    const slope = num(rows[0]?.slope);
    const mean = num(rows[0]?.mean);
    const change = (slope * Math.max(0, buckets - 1)) / (Math.abs(mean) || 1);
    const direction = mean === 0 || Math.abs(change) <= 0.1 ? "FLAT" : change > 0 ? "UP" : "DOWN";
    return {
      metric: metric as TrendMetric,
      points: rows.map((r) => ({
        bucketStart: new Date(start.getTime() + num(r.i) * g * 1000),
        value: num(r.v),
        sessions: num(r.n),
      })),
      direction,
      slope,
      windowStart: start,
      granularitySeconds: g,
    };
  }

  /**
   * The who/what/where graph of the window's sessions: actors, components and hosts (weight: sessions)
   * and sessions (weight: commands). Sessions link to their actor, component and host (weight 1);
   * entities link to each other with the number of sessions they share. Breadth-first from the nodes
   * whose label contains `query` (case-insensitive; a session by its id), to `depth`; entities are added
   * before sessions at each level, heaviest and newest first, until `maxNodes` — then `truncated` is set.
   */
  async sessionGraph(options: {
    query?: string | null;
    nodeType?: string | null;
    depth?: number | null;
    days?: number | null;
    maxNodes?: number | null;
  }): Promise<SessionGraph> {
    const depth = boundedInt("depth", options.depth, 2, 0, LIMITS.graphDepth);
    const maxNodes = boundedInt("maxNodes", options.maxNodes, 200, 1, LIMITS.graphNodes);
    const since = this.since(options.days);
    const nodeType = options.nodeType ?? null;
    if (nodeType != null && !(GRAPH_NODE_TYPES as readonly string[]).includes(nodeType))
      throw badInput(`nodeType must be one of ${GRAPH_NODE_TYPES.join(", ")}`);
    const query = options.query ? checkText("query", options.query).trim() : "";

    const nodes = new Map<string, GraphNode>();
    const sessionRows = new Map<string, GraphSessionRow>();
    let truncated = false;
    const add = (type: GraphNodeType, label: string, d: number): boolean => {
      const id = `${type}:${label}`;
      if (nodes.has(id)) return false;
      if (nodes.size >= maxNodes) {
        truncated = true;
        return false;
      }
      nodes.set(id, { id, type, label, weight: 0, depth: d });
      return true;
    };

    // Level 0: the matching nodes, heaviest first.
    const entityColumns = { actor: sql`actor`, component: sql`component`, host: sql`hostname` } as const;
    const seedTypes = (nodeType ? [nodeType] : GRAPH_NODE_TYPES) as GraphNodeType[];
    for (const type of seedTypes) {
      if (type === "session") {
        if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(query)) {
          if (query || nodeType !== "session") continue;
        }
        const found = await this.graphSessions(
          query ? sql`id = ${query.toLowerCase()}::uuid` : sql`started_at >= ${ts(since)}`,
          maxNodes + 1,
        );
        for (const s of found) if (add("session", s.id, 0)) sessionRows.set(s.id, s);
        continue;
      }
      const column = entityColumns[type];
      const match = query ? sql` and ${column} ilike ${likePattern(query)} escape '\\'` : sql``;
      const found = await this.rows<{ label: string }>(sql`
        select ${column} as label, count(*) as n
        from sessions
        where started_at >= ${ts(since)} and ${column} is not null${match}
        group by 1 order by n desc, 1
        limit ${maxNodes + 1}`);
      for (const r of found) add(type, String(r.label), 0);
    }

    let frontier = [...nodes.values()];
    for (let d = 1; d <= depth && frontier.length > 0 && !truncated; d++) {
      const next: GraphNode[] = [];
      const sessionFrontier = frontier.filter((n) => n.type === "session");
      const entities = this.entitySets(frontier);
      // Entities first: those of the frontier's sessions, then those sharing sessions with frontier entities.
      for (const n of sessionFrontier) {
        const s = sessionRows.get(n.label);
        if (!s) continue;
        for (const [type, label] of sessionEntities(s))
          if (add(type, label, d)) next.push(nodes.get(`${type}:${label}`)!);
      }
      if (entities.any) {
        const triples = await this.triples(since, entities);
        const neighbours = new Map<string, { type: GraphNodeType; label: string; weight: number }>();
        for (const t of triples) {
          const linked =
            entities.actors.includes(t.actor) ||
            entities.components.includes(t.component) ||
            (t.hostname != null && entities.hosts.includes(t.hostname));
          if (!linked) continue;
          for (const [type, label] of sessionEntities(t)) {
            const key = `${type}:${label}`;
            const cur = neighbours.get(key);
            if (cur) cur.weight += t.n;
            else neighbours.set(key, { type, label, weight: t.n });
          }
        }
        const ordered = [...neighbours.values()].sort(
          (a, b) => b.weight - a.weight || a.label.localeCompare(b.label),
        );
        for (const nb of ordered)
          if (add(nb.type, nb.label, d)) next.push(nodes.get(`${nb.type}:${nb.label}`)!);
        // Then the sessions of the frontier entities, newest first, as far as the bound allows.
        const room = maxNodes - nodes.size;
        const found = await this.graphSessions(
          sql`started_at >= ${ts(since)} and ${this.entityMatch(entities)}`,
          room + 1,
        );
        for (const s of found) {
          if (add("session", s.id, d)) {
            sessionRows.set(s.id, s);
            next.push(nodes.get(`session:${s.id}`)!);
          }
        }
      }
      frontier = next;
    }

    // Weights and edges, exactly, for what is in the graph.
    const all = this.entitySets([...nodes.values()]);
    const edges = new Map<string, GraphEdge>();
    const link = (source: string, target: string, type: string, weight: number) => {
      if (!nodes.has(source) || !nodes.has(target)) return;
      const key = `${source}|${target}`;
      const e = edges.get(key);
      if (e) e.weight += weight;
      else edges.set(key, { source, target, type, weight });
    };
    if (all.any) {
      for (const t of await this.triples(since, all)) {
        const a = `actor:${t.actor}`;
        const c = `component:${t.component}`;
        const h = t.hostname == null ? null : `host:${t.hostname}`;
        for (const key of [a, c, h]) {
          const node = key ? nodes.get(key) : undefined;
          if (node) node.weight += t.n;
        }
        link(a, c, "actor_component", t.n);
        if (h) {
          link(a, h, "actor_host", t.n);
          link(c, h, "component_host", t.n);
        }
      }
    }
    for (const s of sessionRows.values()) {
      const id = `session:${s.id}`;
      if (!nodes.has(id)) continue;
      nodes.get(id)!.weight = s.commandCount;
      link(`actor:${s.actor}`, id, "actor_session", 1);
      link(id, `component:${s.component}`, "session_component", 1);
      if (s.hostname != null) link(id, `host:${s.hostname}`, "session_host", 1);
    }
    return { nodes: [...nodes.values()], edges: [...edges.values()], truncated, maxNodes, depth };
  }

  private entitySets(list: GraphNode[]) {
    const pick = (type: GraphNodeType) => list.filter((n) => n.type === type).map((n) => n.label);
    const actors = pick("actor");
    const components = pick("component");
    const hosts = pick("host");
    return { actors, components, hosts, any: actors.length + components.length + hosts.length > 0 };
  }

  private entityMatch(e: { actors: string[]; components: string[]; hosts: string[] }): SQL {
    // Arrays travel as one JSON parameter each: the same on both drivers.
    const arr = (v: string[]) => sql`array(select jsonb_array_elements_text(${JSON.stringify(v)}::jsonb))`;
    return sql`(actor = any(${arr(e.actors)}) or component = any(${arr(e.components)}) or hostname = any(${arr(e.hosts)}))`;
  }

  private async triples(since: Date, e: { actors: string[]; components: string[]; hosts: string[] }) {
    const rows = await this.rows<Record<string, unknown>>(sql`
      select actor, component, hostname, count(*)::int as n
      from sessions
      where started_at >= ${ts(since)} and ${this.entityMatch(e)}
      group by 1, 2, 3`);
    return rows.map((r) => ({
      actor: String(r.actor),
      component: String(r.component),
      hostname: r.hostname == null ? null : String(r.hostname),
      n: num(r.n),
    }));
  }

  private async graphSessions(where: SQL, limit: number): Promise<GraphSessionRow[]> {
    const rows = await this.rows<Record<string, unknown>>(sql`
      select id::text as id, actor, component, hostname, command_count
      from sessions where ${where}
      order by started_at desc, id desc
      limit ${limit}`);
    return rows.map((r) => ({
      id: String(r.id),
      actor: String(r.actor),
      component: String(r.component),
      hostname: r.hostname == null ? null : String(r.hostname),
      commandCount: num(r.command_count),
    }));
  }
}

interface GraphSessionRow {
  id: string;
  actor: string;
  component: string;
  hostname: string | null;
  commandCount: number;
}

function sessionEntities(s: {
  actor: string;
  component: string;
  hostname: string | null;
}): [GraphNodeType, string][] {
  const out: [GraphNodeType, string][] = [
    ["actor", s.actor],
    ["component", s.component],
  ];
  if (s.hostname != null) out.push(["host", s.hostname]);
  return out;
}
