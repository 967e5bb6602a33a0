import type { AggregateKey, SearchIndex, SessionFilter } from "../../client/gql/graphql.js";
import {
  AggregateQuery,
  DetectQuery,
  GraphQuery,
  SearchQuery,
  TrendsQuery,
} from "../../client/operations/shells.js";
import { durationText, parseDuration } from "../../contract/duration.js";
import { PATTERNS, QUERY_LIMITS } from "../../contract/limits.js";
import { shortId } from "../../contract/short-id.js";
import { AdminShell, type AdminShellOptions } from "../core/admin-shell.js";
import { UsageError } from "../core/args.js";
import { bars, formatNumber, sparkline } from "../core/charts.js";
import { fields, summarised } from "../core/result.js";
import type { ShellRuntime } from "../core/runtime.js";

/** The service's closed sets and bounds for these queries (§8 of the contract). */
const KEYS = ["component", "type", "actor", "actor_kind", "hostname", "status", "day", "hour"] as const;
const INDEXES = ["all", "sessions", "commands"] as const;
const ANOMALY_METRICS = [
  "session_duration",
  "sessions_per_hour",
  "error_rate",
  "commands_per_session",
] as const;
const TREND_METRICS = ["sessions", "avg_duration", "error_rate", "commands"] as const;
const NODE_TYPES = ["actor", "component", "host", "session"] as const;
const FILTER_KEYS = [
  "type",
  "component",
  "status",
  "actor",
  "actorKind",
  "username",
  "hostname",
  "startedAfter",
  "startedBefore",
  "minDurationSeconds",
  "delayed",
  "changedAfter",
] as const;
const QUERY_CHARS = 256;
const MAX_BUCKETS = QUERY_LIMITS.buckets;
const DAY = 86_400;

function groupKeys(query: string | string[]): AggregateKey[] {
  const names = (Array.isArray(query) ? query : query.split(/[\s,]+/)).filter(Boolean);
  return [...new Set(names.map((k) => k.toUpperCase() as AggregateKey))];
}

const time = (iso: string) => iso.slice(0, 16).replace("T", " ");

/** Akosha (diviner): analytics over every component's sessions — aggregates, search, anomalies, graph, trends. */
export class AkoshaShell extends AdminShell {
  constructor(runtime: ShellRuntime, options: AdminShellOptions = {}) {
    super(
      { name: "akosha", componentType: "diviner", adapters: ["postgres-fts", "robust-z", "graph"] },
      options,
    );
    this.helper(
      "aggregate",
      "aggregate(query = 'component', filters = {}, limit = 20)",
      "Sessions grouped by component, type, actor, hostname, status, day or hour",
      async (query: string | string[] = "component", filters: SessionFilter = {}, limit = 20) => {
        const data = await runtime.query(AggregateQuery, {
          groupBy: groupKeys(query),
          filter: filters,
          limit,
        });
        if (data.aggregateSessions.length === 0) this.print("no sessions match");
        return this.table(
          data.aggregateSessions.map((r) => ({
            ...(r.key as Record<string, unknown>),
            count: r.count,
            "avg duration s": r.avgDurationSeconds == null ? "—" : formatNumber(r.avgDurationSeconds),
            failed: r.failedSessions,
            errors: r.errorCount,
          })),
        );
      },
      {
        args: [
          { name: "query", kind: "choices", oneOf: KEYS, ignoreCase: true, what: "what to group by" },
          {
            name: "filters",
            kind: "object",
            what: "a session filter",
            keys: FILTER_KEYS,
            example: "{ component: 'crackerjack', status: 'ABANDONED' }",
          },
          { name: "limit", kind: "int", min: 1, max: QUERY_LIMITS.page },
        ],
      },
    );
    this.helper(
      "search",
      "search(query, index = 'all', limit = 10)",
      "Full-text search over session metadata and command text, ranked",
      async (query: string, index = "all", limit = 10) => {
        const data = await runtime.query(SearchQuery, {
          query,
          index: index.toUpperCase() as SearchIndex,
          limit,
        });
        if (data.searchSessions.length === 0) this.print(`nothing matches "${query}"`);
        return this.table(
          data.searchSessions.map((h) => ({
            score: h.score.toFixed(3),
            in: h.index.toLowerCase(),
            session: shortId(h.sessionId),
            at: time(h.at),
            snippet: h.snippet,
          })),
        );
      },
      {
        args: [
          {
            name: "query",
            kind: "string",
            required: true,
            maxLength: QUERY_CHARS,
            patternText: `words to look for (web-search syntax: "a phrase", or, -word; at most ${QUERY_CHARS} characters)`,
          },
          { name: "index", kind: "string", oneOf: INDEXES, ignoreCase: true },
          { name: "limit", kind: "int", min: 1, max: 100 },
        ],
      },
    );
    this.helper(
      "detect",
      "detect(metric = 'session_duration', threshold = 3.5, window = '7d')",
      "Anomalies: session_duration, sessions_per_hour, error_rate, commands_per_session",
      async (metric = "session_duration", threshold?: number, window: number | string = "7d") => {
        const data = await runtime.query(DetectQuery, {
          metric,
          threshold: threshold ?? null,
          windowSeconds: parseDuration(window)!,
        });
        const found = data.detectAnomalies;
        const over = typeof window === "number" ? durationText(window) : window;
        if (found.length === 0) {
          this.print(`no ${metric} anomalies in the last ${over}`);
          return this.table([]);
        }
        this.print(
          bars(found.slice(0, 15).map((a) => ({ label: `${a.component} ${time(a.at)}`, value: a.score }))),
        );
        return this.table(
          found.map((a) => ({
            at: time(a.at),
            component: a.component,
            session: a.sessionId ? shortId(a.sessionId) : "",
            value: formatNumber(a.value),
            baseline: formatNumber(a.baseline),
            score: a.score.toFixed(2),
            reason: a.reason,
          })),
          { wrap: ["reason"] },
        );
      },
      {
        args: [
          { name: "metric", kind: "string", oneOf: ANOMALY_METRICS },
          { name: "threshold", kind: "number", min: 0, above: true, max: 100 },
          { name: "window", kind: "duration", min: 60, max: 30 * DAY },
        ],
      },
    );
    this.helper(
      "graph",
      "graph(query?, node_type?, depth = 2)",
      "Who used what where: actors, components, hosts and sessions, breadth-first",
      async (query?: string, nodeType?: string, depth = 2) => {
        const data = await runtime.query(GraphQuery, {
          query: query ?? null,
          nodeType: nodeType ?? null,
          depth,
        });
        const g = data.sessionGraph;
        const label = new Map(
          g.nodes.map((n) => [n.id, `${n.type}:${n.type === "session" ? shortId(n.label) : n.label}`]),
        );
        this.print(
          `${g.nodes.length} nodes, ${g.edges.length} edges, depth ${g.depth}${g.truncated ? ` — truncated at ${g.maxNodes} nodes` : ""}`,
        );
        const heaviest = [...g.edges].sort((a, b) => b.weight - a.weight).slice(0, 20);
        if (heaviest.length) {
          this.print(
            bars(
              heaviest.map((e) => ({
                label: `${label.get(e.source)} → ${label.get(e.target)}`,
                value: e.weight,
              })),
            ),
          );
        }
        const byType = new Map<string, number>();
        for (const n of g.nodes) byType.set(n.type, (byType.get(n.type) ?? 0) + 1);
        return summarised({ ...g }, (r) => {
          const kinds = [...byType].map(([t, n]) => `${n} ${t}${n === 1 ? "" : "s"}`).join(", ");
          return `graph: ${r.nodes.length} nodes (${kinds || "none"}), ${r.edges.length} edges, depth ${r.depth}${
            r.truncated ? ", truncated" : ""
          } — ${fields("nodes", "edges")}`;
        });
      },
      {
        args: [
          {
            name: "query",
            kind: "string",
            maxLength: QUERY_CHARS,
            patternText: `text a node's label contains, or a session id (at most ${QUERY_CHARS} characters)`,
          },
          { name: "node_type", kind: "string", oneOf: NODE_TYPES },
          { name: "depth", kind: "int", min: 0, max: 4 },
        ],
      },
    );
    this.helper(
      "trends",
      "trends(metric = 'sessions', window = '24h', granularity = '1h', component?)",
      "A metric per time bucket (sessions, avg_duration, error_rate, commands) with its direction",
      async (
        metric = "sessions",
        window: number | string = "24h",
        granularity: number | string = "1h",
        component?: string,
      ) => {
        const windowSeconds = parseDuration(window)!;
        const granularitySeconds = parseDuration(granularity)!;
        if (Math.ceil(windowSeconds / granularitySeconds) > MAX_BUCKETS) {
          throw new UsageError(
            `trends(metric, window, granularity) — at most ${MAX_BUCKETS} buckets: ${durationText(windowSeconds)} by ${durationText(granularitySeconds)} makes ${Math.ceil(windowSeconds / granularitySeconds)}; use a coarser granularity`,
          );
        }
        const data = await runtime.query(TrendsQuery, {
          metric,
          windowSeconds,
          granularitySeconds,
          component: component ?? null,
        });
        const t = data.sessionTrends;
        const values = t.points.map((p) => p.value);
        const arrow = t.direction === "UP" ? "↗" : t.direction === "DOWN" ? "↘" : "→";
        const over = typeof window === "number" ? durationText(window) : window;
        const by = typeof granularity === "number" ? durationText(granularity) : granularity;
        this.print(
          `${metric} over ${over} by ${by}: ${sparkline(values)}  ${arrow} ${t.direction.toLowerCase()} (slope ${formatNumber(t.slope)}/bucket), max ${formatNumber(Math.max(0, ...values))}`,
        );
        return summarised({ ...t }, (r) => {
          const total = r.points.reduce((sum, p) => sum + p.value, 0);
          return `${r.metric}: ${r.points.length} points, ${r.direction.toLowerCase()}, slope ${formatNumber(r.slope)}/bucket, total ${formatNumber(total)} — ${fields("points", "slope", "direction")}`;
        });
      },
      {
        args: [
          { name: "metric", kind: "string", oneOf: TREND_METRICS },
          { name: "window", kind: "duration", min: 60, max: 366 * DAY },
          { name: "granularity", kind: "duration", min: 1, max: 366 * DAY },
          {
            name: "component",
            kind: "string",
            pattern: new RegExp(PATTERNS.componentName),
            patternText: "a component name such as 'crackerjack'",
          },
        ],
      },
    );
  }
}
