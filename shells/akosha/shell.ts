import type { AggregateKey, SearchIndex, SessionFilter } from "../../client/gql/graphql.js";
import {
  AggregateQuery,
  DetectQuery,
  GraphQuery,
  SearchQuery,
  TrendsQuery,
} from "../../client/operations/shells.js";
import { AdminShell, type AdminShellOptions } from "../core/admin-shell.js";
import { bars, formatNumber, seconds, sparkline } from "../core/charts.js";
import type { ShellRuntime } from "../core/runtime.js";

const KEYS: AggregateKey[] = ["COMPONENT", "TYPE", "ACTOR", "HOSTNAME", "STATUS", "DAY", "HOUR"];

function groupKeys(query: string | string[]): AggregateKey[] {
  const names = (Array.isArray(query) ? query : query.split(/[\s,]+/))
    .filter(Boolean)
    .map((k) => k.toUpperCase());
  const bad = names.filter((k) => !KEYS.includes(k as AggregateKey));
  if (bad.length || names.length === 0) {
    throw new Error(
      `group by one or more of ${KEYS.map((k) => k.toLowerCase()).join(", ")} (got "${String(query)}")`,
    );
  }
  return names as AggregateKey[];
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
          limit: Number(limit),
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
    );
    this.helper(
      "search",
      "search(query, index = 'all', limit = 10)",
      "Full-text search over session metadata and command text, ranked",
      async (query: string, index = "all", limit = 10) => {
        if (typeof query !== "string" || !query.trim())
          throw new Error("search(query): give some words to look for");
        const data = await runtime.query(SearchQuery, {
          query,
          index: String(index).toUpperCase() as SearchIndex,
          limit: Number(limit),
        });
        if (data.searchSessions.length === 0) this.print(`nothing matches "${query}"`);
        return this.table(
          data.searchSessions.map((h) => ({
            score: h.score.toFixed(3),
            in: h.index.toLowerCase(),
            session: h.sessionId.slice(0, 8),
            at: time(h.at),
            snippet: h.snippet,
          })),
        );
      },
    );
    this.helper(
      "detect",
      "detect(metric = 'session_duration', threshold = 3.5, window = '7d')",
      "Anomalies: session_duration, sessions_per_hour, error_rate, commands_per_session",
      async (metric = "session_duration", threshold?: number, window: number | string = "7d") => {
        const data = await runtime.query(DetectQuery, {
          metric,
          threshold: threshold == null ? null : Number(threshold),
          windowSeconds: seconds(window),
        });
        const found = data.detectAnomalies;
        if (found.length === 0) {
          this.print(`no ${metric} anomalies in the last ${window}`);
          return this.table([]);
        }
        this.print(
          bars(found.slice(0, 15).map((a) => ({ label: `${a.component} ${time(a.at)}`, value: a.score }))),
        );
        return this.table(
          found.map((a) => ({
            at: time(a.at),
            component: a.component,
            value: formatNumber(a.value),
            baseline: formatNumber(a.baseline),
            score: a.score.toFixed(2),
            reason: a.reason,
          })),
        );
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
          depth: Number(depth),
        });
        const g = data.sessionGraph;
        const label = new Map(g.nodes.map((n) => [n.id, `${n.type}:${n.label}`]));
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
        return { ...g, nodes: this.table(g.nodes.map((n) => ({ ...n }))) };
      },
    );
    this.helper(
      "trends",
      "trends(metric = 'sessions', window = '24h', granularity = '1h')",
      "A metric per time bucket (sessions, avg_duration, error_rate, commands) with its direction",
      async (
        metric = "sessions",
        window: number | string = "24h",
        granularity: number | string = "1h",
        component?: string,
      ) => {
        const data = await runtime.query(TrendsQuery, {
          metric,
          windowSeconds: seconds(window),
          granularitySeconds: seconds(granularity),
          component: component ?? null,
        });
        const t = data.sessionTrends;
        const values = t.points.map((p) => p.value);
        const arrow = t.direction === "UP" ? "↗" : t.direction === "DOWN" ? "↘" : "→";
        this.print(
          `${metric} over ${window} by ${granularity}: ${sparkline(values)}  ${arrow} ${t.direction.toLowerCase()} (slope ${formatNumber(t.slope)}/bucket), max ${formatNumber(Math.max(0, ...values))}`,
        );
        return t;
      },
    );
  }
}
