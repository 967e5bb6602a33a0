import { and, asc, gte, lt, type SQL, sql } from "drizzle-orm";
import { QUERY_LIMITS } from "../../../contract/limits.js";
import type { SessionFilter } from "../../../contract/models.js";
import type { Db } from "../../../db/connection.js";
import { rowsOf } from "../../../db/rows.js";
import { type SessionRow, sessions } from "../../../db/schema.js";
import { badInput } from "../../errors.js";
import type { SessionService } from "../sessions.js";
import { detectAnomalies } from "./anomalies.js";
import { sessionGraph } from "./graph.js";
import { searchSessions } from "./search.js";
import {
  type AggregateKey,
  type AggregateRow,
  type AnalyticsOptions,
  type AnalyticsQuery,
  boundedInt,
  CLEAN,
  type ComponentDuration,
  type ComponentErrorRate,
  type ComponentStats,
  type ComponentUsage,
  checkFilter,
  checkText,
  DAY_MS,
  DURATION,
  epochMs,
  FAILED,
  FINISHED,
  num,
  numOrNull,
  ts,
} from "./shared.js";
import { sessionTrends } from "./trends.js";

export * from "./shared.js";

/** The arguments of a query function after its {@link AnalyticsQuery}. */
type Args<F> = F extends (q: AnalyticsQuery, ...rest: infer A) => unknown ? A : never;

export class AnalyticsService {
  private readonly db: Db;
  private readonly sessionService: SessionService;
  private readonly now: () => Date;
  /** The context the query modules (search, anomalies, trends, graph) run with. */
  private readonly query: AnalyticsQuery;

  constructor(options: AnalyticsOptions) {
    this.db = options.db;
    this.sessionService = options.sessions;
    this.now = options.now ?? (() => new Date());
    this.query = {
      db: this.db,
      sessions: this.sessionService,
      now: this.now,
      rows: (q) => this.rows(q),
      since: (d) => this.since(d),
      componentClause: (c) => this.componentClause(c),
    };
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
    const d = boundedInt("days", days, 7, 1, QUERY_LIMITS.days);
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
    const n = boundedInt("first", first, 100, 0, QUERY_LIMITS.page);
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
    const n = boundedInt("limit", limit, 10, 1, QUERY_LIMITS.page);
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

  /**
   * Groups the sessions matching `filter` by the keys, largest groups first; with `days`, only those
   * started in the window of that many days (measured from the service clock, as sessionStats is).
   */
  async aggregateSessions(
    groupBy: readonly AggregateKey[],
    filter: SessionFilter | null | undefined,
    limit?: number | null,
    days?: number | null,
  ): Promise<AggregateRow[]> {
    const n = boundedInt("limit", limit, 100, 1, QUERY_LIMITS.page);
    const window = days == null ? sql`` : sql` and started_at >= ${ts(this.since(days))}`;
    const keys = [...new Set(groupBy)];
    if (keys.length === 0) throw badInput("groupBy needs at least one key");
    const exprs: Record<AggregateKey, { name: string; expr: SQL }> = {
      COMPONENT: { name: "component", expr: sql`component` },
      TYPE: { name: "type", expr: sql`type` },
      ACTOR: { name: "actor", expr: sql`actor` },
      ACTOR_KIND: { name: "actorKind", expr: sql`actor_kind` },
      HOSTNAME: { name: "hostname", expr: sql`hostname` },
      STATUS: { name: "status", expr: sql`status` },
      DAY: { name: "day", expr: sql`to_char(started_at at time zone 'UTC', 'YYYY-MM-DD')` },
      HOUR: { name: "hour", expr: sql`to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24":00:00Z"')` },
    };
    // Aliases k0, k1, … come from positions in a fixed list, never from the caller.
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
      where ${where}${window}
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

  searchSessions(...args: Args<typeof searchSessions>) {
    return searchSessions(this.query, ...args);
  }

  detectAnomalies(...args: Args<typeof detectAnomalies>) {
    return detectAnomalies(this.query, ...args);
  }

  sessionTrends(...args: Args<typeof sessionTrends>) {
    return sessionTrends(this.query, ...args);
  }

  sessionGraph(...args: Args<typeof sessionGraph>) {
    return sessionGraph(this.query, ...args);
  }
}
