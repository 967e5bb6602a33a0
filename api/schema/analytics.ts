import { ForbiddenReasons } from "../../contract/errors.js";
import { builder } from "../builder.js";
import { badInput, forbidden } from "../errors.js";
import {
  AGGREGATE_KEYS,
  type AggregateRow as AggregateRowData,
  type Anomaly as AnomalyData,
  type ComponentDuration as ComponentDurationData,
  type ComponentErrorRate as ComponentErrorRateData,
  type ComponentStats as ComponentStatsData,
  type ComponentUsage as ComponentUsageData,
  DEFAULT_ANOMALY_THRESHOLD,
  type GraphEdge as GraphEdgeData,
  type GraphNode as GraphNodeData,
  LIMITS,
  SEARCH_INDEXES,
  type SearchHit as SearchHitData,
  type SessionGraph as SessionGraphData,
  type Trend as TrendData,
  type TrendPoint as TrendPointData,
} from "../services/analytics/index.js";
import { EXPORT_FORMATS, exportRows, formatRows } from "../services/export.js";
import { canAudit } from "./access.js";
import { parseFilter, SessionFilter } from "./session-inputs.js";
import { Session } from "./session-types.js";

/** Analytics of SPEC §8; every field needs sessions:read. Definitions are in services/analytics.ts. */

const ComponentStats = builder.objectRef<ComponentStatsData>("ComponentStats").implement({
  description: "A component's sessions started in the window.",
  fields: (t) => ({
    component: t.exposeString("component"),
    totalSessions: t.exposeInt("totalSessions"),
    activeSessions: t.exposeInt("activeSessions", { description: "Of those, still ACTIVE." }),
    endedSessions: t.exposeInt("endedSessions", { description: "Of those, ENDED or ABANDONED." }),
    failedSessions: t.exposeInt("failedSessions", {
      description: "Of those, ABANDONED or ended with ERROR.",
    }),
    avgDurationSeconds: t.exposeFloat("avgDurationSeconds", {
      nullable: true,
      description: "Mean duration of the finished ones; null when none finished.",
    }),
    p95DurationSeconds: t.exposeFloat("p95DurationSeconds", {
      nullable: true,
      description: "95th percentile (continuous) of the finished ones' durations.",
    }),
    errorRate: t.exposeFloat("errorRate", { description: "failedSessions / totalSessions (0–1)." }),
  }),
});

const ComponentDuration = builder.objectRef<ComponentDurationData>("ComponentDuration").implement({
  description: "Mean duration of a component's finished sessions in the window.",
  fields: (t) => ({
    component: t.exposeString("component"),
    avgDurationSeconds: t.exposeFloat("avgDurationSeconds"),
    sessionCount: t.exposeInt("sessionCount", { description: "Finished sessions averaged." }),
  }),
});

const ComponentUsage = builder.objectRef<ComponentUsageData>("ComponentUsage").implement({
  description: "How much a component was used in the window.",
  fields: (t) => ({
    component: t.exposeString("component"),
    sessionCount: t.exposeInt("sessionCount"),
    totalDurationSeconds: t.exposeFloat("totalDurationSeconds", {
      description: "Sum of the finished sessions' durations.",
    }),
    qualityScore: t.exposeFloat("qualityScore", {
      nullable: true,
      description:
        "0–100: share of finished sessions that ended cleanly (EXIT) with no sequence gap, as session_quality_score; null when none finished.",
    }),
    lastActiveAt: t.expose("lastActiveAt", {
      type: "DateTime",
      description: "Latest end (or heartbeat, for active sessions) among the window's sessions.",
    }),
  }),
});

const ComponentErrorRate = builder.objectRef<ComponentErrorRateData>("ComponentErrorRate").implement({
  description: "A component's failures in the window.",
  fields: (t) => ({
    component: t.exposeString("component"),
    totalSessions: t.exposeInt("totalSessions"),
    failedSessions: t.exposeInt("failedSessions"),
    errorRate: t.exposeFloat("errorRate"),
    mostCommonError: t.exposeString("mostCommonError", {
      nullable: true,
      description: "Most frequent errorClass among the events of those sessions (ties: alphabetical).",
    }),
  }),
});

const ExportFormat = builder.enumType("ExportFormat", { values: EXPORT_FORMATS });
const AggregateKey = builder.enumType("AggregateKey", {
  values: AGGREGATE_KEYS,
  description: "DAY and HOUR are UTC.",
});
const SearchIndex = builder.enumType("SearchIndex", { values: SEARCH_INDEXES });
const TrendDirection = builder.enumType("TrendDirection", { values: ["UP", "DOWN", "FLAT"] as const });

const AggregateRow = builder.objectRef<AggregateRowData>("AggregateRow").implement({
  fields: (t) => ({
    key: t.expose("key", {
      type: "JSON",
      description: 'The group, e.g. { "component": "akosha", "day": "2026-11-24" }.',
    }),
    count: t.exposeInt("count"),
    avgDurationSeconds: t.exposeFloat("avgDurationSeconds", { nullable: true }),
    errorCount: t.exposeInt("errorCount", { description: "Events with outcome error (sum of errorCount)." }),
    failedSessions: t.exposeInt("failedSessions"),
  }),
});

const SearchHit = builder.objectRef<SearchHitData>("SearchHit").implement({
  fields: (t) => ({
    index: t.field({ type: SearchIndex, resolve: (h) => h.index }),
    sessionId: t.exposeID("sessionId"),
    eventId: t.exposeID("eventId", { nullable: true, description: "Set for command (event text) hits." }),
    score: t.exposeFloat("score", { description: "ts_rank of the match." }),
    snippet: t.exposeString("snippet", { description: "The matching text, terms marked «like this»." }),
    at: t.expose("at", { type: "DateTime" }),
  }),
});

const Anomaly = builder.objectRef<AnomalyData>("Anomaly").implement({
  fields: (t) => ({
    metric: t.exposeString("metric"),
    at: t.expose("at", { type: "DateTime", description: "Session start, or the start of the hour." }),
    value: t.exposeFloat("value"),
    baseline: t.exposeFloat("baseline", { description: "Median of the metric's baseline, same unit." }),
    score: t.exposeFloat("score", { description: "Robust (modified) z-score; negative below the baseline." }),
    component: t.exposeString("component"),
    sessionId: t.exposeID("sessionId", { nullable: true }),
    sampleSize: t.exposeInt("sampleSize", {
      nullable: true,
      description: "Sessions in the hour, or baseline observations for per-session metrics.",
    }),
    reason: t.exposeString("reason"),
  }),
});

const GraphNode = builder.objectRef<GraphNodeData>("GraphNode").implement({
  fields: (t) => ({
    id: t.exposeID("id", { description: "type:label, e.g. actor:alice or session:<uuid>." }),
    type: t.exposeString("type", { description: "actor, component, host or session." }),
    label: t.exposeString("label"),
    weight: t.exposeFloat("weight", { description: "Sessions in the window; commands for a session." }),
    depth: t.exposeInt("depth", { description: "Breadth-first distance from the matching nodes." }),
  }),
});

const GraphEdge = builder.objectRef<GraphEdgeData>("GraphEdge").implement({
  fields: (t) => ({
    source: t.exposeID("source"),
    target: t.exposeID("target"),
    type: t.exposeString("type"),
    weight: t.exposeFloat("weight", { description: "Sessions the two share (1 for a session's own edges)." }),
  }),
});

const SessionGraph = builder.objectRef<SessionGraphData>("SessionGraph").implement({
  fields: (t) => ({
    nodes: t.field({ type: [GraphNode], resolve: (g) => g.nodes }),
    edges: t.field({ type: [GraphEdge], resolve: (g) => g.edges }),
    truncated: t.exposeBoolean("truncated", {
      description: "True when maxNodes stopped the search: more nodes were reachable.",
    }),
    maxNodes: t.exposeInt("maxNodes"),
    depth: t.exposeInt("depth"),
  }),
});

const TrendPoint = builder.objectRef<TrendPointData>("TrendPoint").implement({
  fields: (t) => ({
    bucketStart: t.expose("bucketStart", { type: "DateTime" }),
    value: t.exposeFloat("value"),
    sessions: t.exposeInt("sessions", { description: "Sessions started in the bucket." }),
  }),
});

const Trend = builder.objectRef<TrendData>("Trend").implement({
  fields: (t) => ({
    metric: t.exposeString("metric"),
    points: t.field({ type: [TrendPoint], resolve: (tr) => tr.points }),
    direction: t.field({ type: TrendDirection, resolve: (tr) => tr.direction }),
    slope: t.exposeFloat("slope", { description: "Least-squares change of the value per bucket." }),
    windowStart: t.expose("windowStart", { type: "DateTime" }),
    granularitySeconds: t.exposeInt("granularitySeconds"),
  }),
});

builder.queryFields((t) => ({
  sessionStats: t.field({
    type: [ComponentStats],
    description: "Per component, the sessions started in the last `days` × 24 h (by component).",
    authScopes: { read: true },
    args: { days: t.arg.int({ defaultValue: 7 }), component: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.analytics.sessionStats(args.days, args.component),
  }),
  sessionsByTimeRange: t.field({
    type: [Session],
    description: "Sessions started in [start, end), oldest first.",
    authScopes: { read: true },
    args: {
      start: t.arg({ type: "DateTime", required: true }),
      end: t.arg({ type: "DateTime", required: true }),
      first: t.arg.int({ defaultValue: 100 }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.analytics.sessionsByTimeRange(args.start, args.end, args.first),
  }),
  averageSessionDuration: t.field({
    type: [ComponentDuration],
    description: "Per component, the mean duration of the window's finished sessions.",
    authScopes: { read: true },
    args: { days: t.arg.int({ defaultValue: 7 }), component: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.analytics.averageSessionDuration(args.days, args.component),
  }),
  mostActiveComponents: t.field({
    type: [ComponentUsage],
    description: "Components by sessions started in the window, busiest first.",
    authScopes: { read: true },
    args: { days: t.arg.int({ defaultValue: 7 }), limit: t.arg.int({ defaultValue: 10 }) },
    resolve: (_root, args, ctx) => ctx.services.analytics.mostActiveComponents(args.days, args.limit),
  }),
  sessionErrorRate: t.field({
    type: [ComponentErrorRate],
    description: "Per component, the failed share of the window's sessions, highest first.",
    authScopes: { read: true },
    args: { days: t.arg.int({ defaultValue: 7 }), component: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.analytics.sessionErrorRate(args.days, args.component),
  }),
  exportSessions: t.string({
    description: `Sessions matching the filter, oldest first, as NDJSON or CSV; at most ${LIMITS.exportRows} (default 1000). Stream larger exports from GET /export/sessions.ndjson or .csv.`,
    authScopes: { read: true },
    args: {
      filter: t.arg({ type: SessionFilter }),
      format: t.arg({ type: ExportFormat, defaultValue: "NDJSON" }),
      limit: t.arg.int({ defaultValue: 1000 }),
    },
    resolve: async (_root, args, ctx) => {
      const limit = args.limit ?? 1000;
      if (!Number.isInteger(limit) || limit < 0 || limit > LIMITS.exportRows)
        throw badInput(`limit must be between 0 and ${LIMITS.exportRows}`);
      const where = ctx.services.sessions.filterSql(parseFilter(args.filter));
      return formatRows(args.format ?? "NDJSON", await exportRows(ctx.services.db, where, limit));
    },
  }),
  aggregateSessions: t.field({
    type: [AggregateRow],
    description: "Sessions matching the filter grouped by the keys, largest groups first.",
    authScopes: { read: true },
    args: {
      groupBy: t.arg({ type: [AggregateKey], required: true }),
      filter: t.arg({ type: SessionFilter }),
      limit: t.arg.int({ defaultValue: 100 }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.analytics.aggregateSessions(args.groupBy, parseFilter(args.filter), args.limit),
  }),
  searchSessions: t.field({
    type: [SearchHit],
    description:
      'Full-text search (web-search syntax: words, "phrases", or, -not) over sessions (identity and metadata) and command text, best first. Command hits need audit:read; without it ALL searches sessions only.',
    authScopes: { read: true },
    args: {
      query: t.arg.string({ required: true }),
      index: t.arg({ type: SearchIndex, defaultValue: "ALL" }),
      limit: t.arg.int({ defaultValue: 10 }),
    },
    resolve: (_root, args, ctx) => {
      const index = args.index ?? "ALL";
      if (index === "COMMANDS" && !canAudit(ctx))
        throw forbidden("searching command text needs the audit:read scope", ForbiddenReasons.TOKEN_SCOPE);
      return ctx.services.analytics.searchSessions(args.query, index, args.limit, canAudit(ctx));
    },
  }),
  detectAnomalies: t.field({
    type: [Anomaly],
    description: `Outliers by robust z-score against the metric's own baseline (metrics: session_duration, sessions_per_hour, error_rate, commands_per_session; threshold default ${DEFAULT_ANOMALY_THRESHOLD}; window default 86400 s).`,
    authScopes: { read: true },
    args: {
      metric: t.arg.string({ required: true }),
      threshold: t.arg.float(),
      windowSeconds: t.arg.int(),
      component: t.arg.string(),
      limit: t.arg.int({ defaultValue: 100 }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.analytics.detectAnomalies(args.metric, args.threshold, args.windowSeconds, {
        component: args.component,
        limit: args.limit,
      }),
  }),
  sessionGraph: t.field({
    type: SessionGraph,
    description:
      "Actors, components, hosts and sessions of the last `days`, breadth-first from the nodes matching `query` to `depth`, at most `maxNodes`.",
    authScopes: { read: true },
    args: {
      query: t.arg.string(),
      nodeType: t.arg.string({ description: "actor, component, host or session" }),
      depth: t.arg.int({ defaultValue: 2 }),
      days: t.arg.int({ defaultValue: 7 }),
      maxNodes: t.arg.int({ defaultValue: 200 }),
    },
    resolve: (_root, args, ctx) => ctx.services.analytics.sessionGraph(args),
  }),
  sessionTrends: t.field({
    type: Trend,
    description:
      "A metric (sessions, avg_duration, error_rate, commands) per bucket over the window, empty buckets 0, with its direction.",
    authScopes: { read: true },
    args: {
      metric: t.arg.string({ required: true }),
      windowSeconds: t.arg.int({ required: true }),
      granularitySeconds: t.arg.int({ required: true }),
      component: t.arg.string(),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.analytics.sessionTrends(
        args.metric,
        args.windowSeconds,
        args.granularitySeconds,
        args.component,
      ),
  }),
}));
