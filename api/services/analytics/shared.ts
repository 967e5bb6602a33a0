import { type SQL, sql } from "drizzle-orm";
import { QUERY_LIMITS } from "../../../contract/limits.js";
import { type SessionFilter, unstorableText } from "../../../contract/models.js";
import type { Db } from "../../../db/connection.js";
import type { SessionRow } from "../../../db/schema.js";
import { badInput } from "../../errors.js";
import type { SessionService } from "../sessions.js";

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

export const FINISHED = sql`(status <> 'ACTIVE' and ended_at is not null)`;
export const FAILED = sql`(status = 'ABANDONED' or coalesce(end_reason in ('ERROR', 'ABANDONED'), false))`;
export const CLEAN = sql`(status = 'ENDED' and end_reason = 'EXIT' and event_count = max_seq)`;
/** date_part stays in float8 (extract() computes in numeric, several times slower over a window). */
export const DURATION = sql`date_part('epoch', ended_at - started_at)`;
/** Timestamps leave the database as epoch milliseconds: both drivers return the same number. */
export const epochMs = (expr: SQL) => sql`round(date_part('epoch', ${expr}) * 1000)`;
export const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

export const DAY_MS = 86_400_000;

export const ANOMALY_METRICS = [
  "session_duration",
  "sessions_per_hour",
  "error_rate",
  "commands_per_session",
] as const;
export type AnomalyMetric = (typeof ANOMALY_METRICS)[number];

export const TREND_METRICS = ["sessions", "avg_duration", "error_rate", "commands"] as const;
export type TrendMetric = (typeof TREND_METRICS)[number];

export const AGGREGATE_KEYS = [
  "COMPONENT",
  "TYPE",
  "ACTOR",
  "ACTOR_KIND",
  "HOSTNAME",
  "STATUS",
  "DAY",
  "HOUR",
] as const;
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
  /** The session matched (or the session of the event matched), as stored. */
  session: SessionRow;
  eventId: string | null;
  score: number;
  snippet: string;
  at: Date;
}

/**
 * What an anomaly was scored against: the period before the window (BEFORE), or, when that held too few
 * observations (a young deployment, a new component), the window itself (WINDOW).
 */
export const ANOMALY_BASELINES = ["BEFORE", "WINDOW"] as const;
export type AnomalyBaseline = (typeof ANOMALY_BASELINES)[number];

export interface Anomaly {
  metric: AnomalyMetric;
  baselineSource: AnomalyBaseline;
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

export const num = (v: unknown): number => Number(v ?? 0);
export const numOrNull = (v: unknown): number | null => (v == null ? null : Number(v));

export function boundedInt(
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

/** Free text from a caller: bounded, and storable (no NUL, which Postgres text cannot hold). */
export function checkText(name: string, value: string, max: number = QUERY_LIMITS.queryChars): string {
  if (value.length > max) throw badInput(`${name} must be at most ${max} characters`);
  const bad = unstorableText(value);
  if (bad) throw badInput(`${name} ${bad.message}`, { reason: bad.reason });
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
export const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export const SNIPPET_OPTIONS =
  'StartSel=«, StopSel=», MaxWords=24, MinWords=8, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "';
/** The passage a snippet adds for a query word its fragments missed: one short fragment around it. */
export const WORD_SNIPPET_OPTIONS =
  "StartSel=«, StopSel=», MaxWords=12, MinWords=4, ShortWord=2, MaxFragments=1";
/** Query words a snippet makes sure to show (each may add one passage). */
export const SNIPPET_WORDS = 8;

export const pct = (x: number) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%`;
export const hourLabel = (d: Date) => `${d.toISOString().slice(0, 16)}Z`;

export interface AnalyticsOptions {
  db: Db;
  sessions: SessionService;
  now?: () => Date;
}

/** What every analytics query runs with: the database, the sessions, the clock and the shared clauses. */
export interface AnalyticsQuery {
  db: Db;
  sessions: SessionService;
  now: () => Date;
  /** Runs one query read-only with enough sort memory (see AnalyticsService). */
  rows<T>(query: SQL): Promise<T[]>;
  /** The start of a window of `days` (default 7). */
  since(days: number | null | undefined): Date;
  /** ` and component = …`, or nothing. */
  componentClause(component: string | null | undefined): SQL;
}
