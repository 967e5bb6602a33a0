import { ForbiddenReasons } from "../../contract/errors.js";
import { QUERY_LIMITS } from "../../contract/limits.js";
import { builder } from "../builder.js";
import { badInput, forbidden } from "../errors.js";
import {
  AGGREGATE_KEYS,
  type AggregateRow as AggregateRowData,
  ANOMALY_BASELINES,
  ANOMALY_METRICS,
  type Anomaly as AnomalyData,
  type ComponentDuration as ComponentDurationData,
  type ComponentErrorRate as ComponentErrorRateData,
  type ComponentStats as ComponentStatsData,
  type ComponentUsage as ComponentUsageData,
  DEFAULT_ANOMALY_THRESHOLD,
  GRAPH_NODE_TYPES,
  type GraphEdge as GraphEdgeData,
  type GraphNode as GraphNodeData,
  SEARCH_INDEXES,
  type SearchHit as SearchHitData,
  type SessionGraph as SessionGraphData,
  TREND_METRICS,
  type Trend as TrendData,
  type TrendPoint as TrendPointData,
} from "../services/analytics/index.js";
import { EXPORT_FORMATS, exportRows, formatRows } from "../services/export.js";
import { canAudit } from "./access.js";
import { describedValues } from "./session-enums.js";
import { parseFilter, SessionFilter } from "./session-inputs.js";
import { Session } from "./session-types.js";

const list = (values: readonly string[]) => values.join(", ");
/** The shared window argument of the per-component analytics. */
const daysDescription = `Window length in days, 1 … ${QUERY_LIMITS.days} (default 7): sessions started in the last days × 24 h.`;

/** Analytics of SPEC §8; every field needs sessions:read. Definitions are in services/analytics.ts. */

const ComponentStats = builder.objectRef<ComponentStatsData>("ComponentStats").implement({
  description: "A component's sessions started in the window.",
  fields: (t) => ({
    component: t.exposeString("component", { description: "The component." }),
    totalSessions: t.exposeInt("totalSessions", { description: "Sessions started in the window." }),
    activeSessions: t.exposeInt("activeSessions", {
      description: "Sessions started in the window that are still ACTIVE.",
    }),
    endedSessions: t.exposeInt("endedSessions", {
      description: "Sessions started in the window that are ENDED or ABANDONED (finished).",
    }),
    failedSessions: t.exposeInt("failedSessions", {
      description: "Sessions started in the window that were ABANDONED or ended with ERROR.",
    }),
    avgDurationSeconds: t.exposeFloat("avgDurationSeconds", {
      nullable: true,
      description: "Mean duration of the finished ones, in seconds; null when none finished.",
    }),
    p95DurationSeconds: t.exposeFloat("p95DurationSeconds", {
      nullable: true,
      description:
        "95th percentile (continuous) of the finished ones' durations, in seconds; null when none finished.",
    }),
    errorRate: t.exposeFloat("errorRate", { description: "failedSessions / totalSessions (0–1)." }),
  }),
});

const ComponentDuration = builder.objectRef<ComponentDurationData>("ComponentDuration").implement({
  description: "Mean duration of a component's finished sessions in the window.",
  fields: (t) => ({
    component: t.exposeString("component", { description: "The component." }),
    avgDurationSeconds: t.exposeFloat("avgDurationSeconds", {
      description: "Mean duration in seconds of its ENDED and ABANDONED sessions started in the window.",
    }),
    sessionCount: t.exposeInt("sessionCount", { description: "Finished sessions averaged." }),
  }),
});

const ComponentUsage = builder.objectRef<ComponentUsageData>("ComponentUsage").implement({
  description: "How much a component was used in the window.",
  fields: (t) => ({
    component: t.exposeString("component", { description: "The component." }),
    sessionCount: t.exposeInt("sessionCount", { description: "Sessions started in the window." }),
    totalDurationSeconds: t.exposeFloat("totalDurationSeconds", {
      description: "Sum of the finished sessions' durations, in seconds; 0 when none finished.",
    }),
    qualityScore: t.exposeFloat("qualityScore", {
      nullable: true,
      description:
        "0–100: share of finished sessions that ended cleanly (EXIT) with no sequence gap, as session_quality_score; null when none finished.",
    }),
    lastActiveAt: t.expose("lastActiveAt", {
      type: "DateTime",
      description:
        "Latest sign of life among the window's sessions: endedAt, or lastSeenAt for those still ACTIVE.",
    }),
  }),
});

const ComponentErrorRate = builder.objectRef<ComponentErrorRateData>("ComponentErrorRate").implement({
  description: "A component's failures in the window.",
  fields: (t) => ({
    component: t.exposeString("component", { description: "The component." }),
    totalSessions: t.exposeInt("totalSessions", { description: "Sessions started in the window." }),
    failedSessions: t.exposeInt("failedSessions", {
      description: "Sessions started in the window that were ABANDONED or ended with ERROR.",
    }),
    errorRate: t.exposeFloat("errorRate", { description: "failedSessions / totalSessions (0–1)." }),
    mostCommonError: t.exposeString("mostCommonError", {
      nullable: true,
      description:
        "Most frequent errorClass among the events of the window's sessions (ties: alphabetical); null when none has one.",
    }),
  }),
});

const ExportFormat = builder.enumType("ExportFormat", {
  description: "The text format of an export; both carry the fields of Session, oldest session first.",
  values: describedValues(EXPORT_FORMATS, {
    NDJSON: "One JSON object per session per line.",
    CSV: "RFC 4180 with a header row and CRLF line ends; JSON columns hold JSON text.",
  }),
});
const AggregateKey = builder.enumType("AggregateKey", {
  description: "A dimension to group sessions by; DAY and HOUR are UTC, of startedAt.",
  values: describedValues(AGGREGATE_KEYS, {
    COMPONENT: "The component (key name component).",
    TYPE: "The session type (key name type).",
    ACTOR: "The token subject that started it (key name actor).",
    ACTOR_KIND:
      "Who was at the prompt, HUMAN, AI_AGENT or AUTOMATION as Session.actorKind; null when unknown (key name actorKind).",
    HOSTNAME: "The reported host; null when none (key name hostname).",
    STATUS: "ACTIVE, ENDED or ABANDONED (key name status).",
    DAY: "The UTC day it started, e.g. 2026-11-24 (key name day).",
    HOUR: "The UTC hour it started, e.g. 2026-11-24T10:00:00Z (key name hour).",
  }),
});
const SearchIndex = builder.enumType("SearchIndex", {
  description: "What a full-text search looks through.",
  values: describedValues(SEARCH_INDEXES, {
    SESSIONS:
      "Each session's identity (component, componentType, shellType, type, actor, username, hostname) and its metadata's string values.",
    COMMANDS: "Event text (what was typed); needs audit:read.",
    ALL: "Both; without audit:read, sessions only.",
  }),
});
const TrendDirection = builder.enumType("TrendDirection", {
  description:
    "Which way a trend goes: the least-squares change over the window against 10 % of the mean value.",
  values: describedValues(["UP", "DOWN", "FLAT"] as const, {
    UP: "The fitted change over the window is more than 10 % of the mean, upwards.",
    DOWN: "The fitted change over the window is more than 10 % of the mean, downwards.",
    FLAT: "Neither (or the mean is 0).",
  }),
});

const AggregateRow = builder.objectRef<AggregateRowData>("AggregateRow").implement({
  description: "One group of sessions.",
  fields: (t) => ({
    key: t.expose("key", {
      type: "JSON",
      description:
        'The group, a JSON object with one string (or null) per groupBy key, e.g. { "component": "akosha", "day": "2026-11-24" }.',
    }),
    count: t.exposeInt("count", { description: "Sessions in the group." }),
    avgDurationSeconds: t.exposeFloat("avgDurationSeconds", {
      nullable: true,
      description: "Mean duration of the group's finished sessions, in seconds; null when none finished.",
    }),
    errorCount: t.exposeInt("errorCount", {
      description: "Events with outcome error in the group's sessions (sum of their errorCount).",
    }),
    failedSessions: t.exposeInt("failedSessions", { description: "Sessions ABANDONED or ended with ERROR." }),
  }),
});

const SearchHit = builder.objectRef<SearchHitData>("SearchHit").implement({
  description: "One full-text match: a session, or one of its events.",
  fields: (t) => ({
    index: t.field({
      type: SearchIndex,
      description: "Where it matched: SESSIONS or COMMANDS (never ALL).",
      resolve: (h) => h.index,
    }),
    sessionId: t.exposeID("sessionId", {
      description: "The session matched, or the session of the event matched.",
    }),
    session: t.field({
      type: Session,
      description: "That session (who, which component, when), so a hit can be shown without another query.",
      resolve: (h) => h.session,
    }),
    eventId: t.exposeID("eventId", {
      nullable: true,
      description: "The event, for command (event text) hits; null for session hits.",
    }),
    score: t.exposeFloat("score", { description: "ts_rank of the match; higher is better." }),
    snippet: t.exposeString("snippet", {
      description:
        "The matching text around every query word it contains, each marked «like this»; passages far apart are joined with … .",
    }),
    at: t.expose("at", { type: "DateTime", description: "The session's startedAt, or the event's at." }),
  }),
});

const AnomalyBaseline = builder.enumType("AnomalyBaseline", {
  description: "What an anomaly was scored against.",
  values: describedValues(ANOMALY_BASELINES, {
    BEFORE: "The metric's own history: the max(7 days, window) before the window.",
    WINDOW:
      "The window itself, because the period before it held too few observations (a young deployment, a new component); the median and MAD are robust to the outlier among them.",
  }),
});

const Anomaly = builder.objectRef<AnomalyData>("Anomaly").implement({
  description: "A value far above its metric's own baseline.",
  fields: (t) => ({
    metric: t.exposeString("metric", {
      description: `The metric asked for: one of ${list(ANOMALY_METRICS)}.`,
    }),
    at: t.expose("at", {
      type: "DateTime",
      description: "The session's startedAt (per-session metrics), or the start of the hour (hourly ones).",
    }),
    value: t.exposeFloat("value", {
      description:
        "The observation, in the metric's unit: seconds, commands, sessions started in the hour, or the hour's failed share (0–1).",
    }),
    baseline: t.exposeFloat("baseline", { description: "Median of the metric's baseline, same unit." }),
    baselineSource: t.field({
      type: AnomalyBaseline,
      description: "Which baseline: the period before the window, or the window itself (too little history).",
      resolve: (a) => a.baselineSource,
    }),
    score: t.exposeFloat("score", {
      description:
        "Robust (modified) z-score against the baseline, at least the threshold (per-session metrics: on ln(1 + value)).",
    }),
    component: t.exposeString("component", { description: "The component." }),
    sessionId: t.exposeID("sessionId", {
      nullable: true,
      description: "The session, for session_duration and commands_per_session; null for the hourly metrics.",
    }),
    sampleSize: t.exposeInt("sampleSize", {
      nullable: true,
      description: "Sessions in the hour, or baseline observations (sessions) for per-session metrics.",
    }),
    reason: t.exposeString("reason", {
      description:
        "One line for people saying what is unusual, by how much and against which baseline (over the N days before, or over this window when there were too few earlier observations); never shortened.",
    }),
  }),
});

const GraphNode = builder.objectRef<GraphNodeData>("GraphNode").implement({
  description: "An actor, component, host or session of the graph.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "type:label, e.g. actor:alice or session:<uuid>." }),
    type: t.exposeString("type", { description: `${list(GRAPH_NODE_TYPES)}.` }),
    label: t.exposeString("label", {
      description: "The actor's, component's or host's name, or the session's id.",
    }),
    weight: t.exposeFloat("weight", { description: "Sessions in the window; commands for a session." }),
    depth: t.exposeInt("depth", { description: "Breadth-first distance from the matching nodes." }),
  }),
});

const GraphEdge = builder.objectRef<GraphEdgeData>("GraphEdge").implement({
  description: "A link between two nodes of the graph.",
  fields: (t) => ({
    source: t.exposeID("source", { description: "The id of one end (a GraphNode id)." }),
    target: t.exposeID("target", { description: "The id of the other end (a GraphNode id)." }),
    type: t.exposeString("type", {
      description:
        "The ends' types: actor_component, actor_host, component_host, actor_session, session_component or session_host.",
    }),
    weight: t.exposeFloat("weight", { description: "Sessions the two share (1 for a session's own edges)." }),
  }),
});

const SessionGraph = builder.objectRef<SessionGraphData>("SessionGraph").implement({
  description: "Actors, components, hosts and sessions of a window, and how they link.",
  fields: (t) => ({
    nodes: t.field({
      type: [GraphNode],
      description: "The nodes, in the order the walk reached them.",
      resolve: (g) => g.nodes,
    }),
    edges: t.field({
      type: [GraphEdge],
      description: "The links between the nodes returned.",
      resolve: (g) => g.edges,
    }),
    truncated: t.exposeBoolean("truncated", {
      description: "True when maxNodes stopped the search: more nodes were reachable.",
    }),
    maxNodes: t.exposeInt("maxNodes", { description: "The bound on nodes that applied." }),
    depth: t.exposeInt("depth", { description: "The depth that applied." }),
  }),
});

const TrendPoint = builder.objectRef<TrendPointData>("TrendPoint").implement({
  description: "One bucket of a trend.",
  fields: (t) => ({
    bucketStart: t.expose("bucketStart", {
      type: "DateTime",
      description: "Start of the bucket (inclusive).",
    }),
    value: t.exposeFloat("value", {
      description:
        "The metric for the sessions started in the bucket: their count, mean finished duration (seconds), failed share (0–1) or commands; 0 when empty.",
    }),
    sessions: t.exposeInt("sessions", { description: "Sessions started in the bucket." }),
  }),
});

const Trend = builder.objectRef<TrendData>("Trend").implement({
  description: "A metric per time bucket, with its direction.",
  fields: (t) => ({
    metric: t.exposeString("metric", { description: `The metric asked for: one of ${list(TREND_METRICS)}.` }),
    points: t.field({
      type: [TrendPoint],
      description: "One point per bucket, oldest first; the last bucket ends now.",
      resolve: (tr) => tr.points,
    }),
    direction: t.field({
      type: TrendDirection,
      description: "UP, DOWN or FLAT.",
      resolve: (tr) => tr.direction,
    }),
    slope: t.exposeFloat("slope", { description: "Least-squares change of the value per bucket." }),
    windowStart: t.expose("windowStart", {
      type: "DateTime",
      description: "Start of the first bucket: the window rounded up to whole buckets, back from now.",
    }),
    granularitySeconds: t.exposeInt("granularitySeconds", {
      description: "Length of one bucket, in seconds.",
    }),
  }),
});

builder.queryFields((t) => ({
  sessionStats: t.field({
    type: [ComponentStats],
    description:
      "Per component (alphabetical), the sessions started in the last `days` × 24 h: counts, durations and error rate. Needs sessions:read.",
    authScopes: { read: true },
    args: {
      days: t.arg.int({ defaultValue: 7, description: daysDescription }),
      component: t.arg.string({ description: "Only this component; omit for all." }),
    },
    resolve: (_root, args, ctx) => ctx.services.analytics.sessionStats(args.days, args.component),
  }),
  sessionsByTimeRange: t.field({
    type: [Session],
    description: "Sessions started in [start, end), oldest first. Needs sessions:read.",
    authScopes: { read: true },
    args: {
      start: t.arg({ type: "DateTime", required: true, description: "Earliest startedAt (inclusive)." }),
      end: t.arg({
        type: "DateTime",
        required: true,
        description: "Latest startedAt (exclusive); not before start.",
      }),
      first: t.arg.int({
        defaultValue: 100,
        description: `At most this many sessions, 0 … ${QUERY_LIMITS.page} (default 100).`,
      }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.analytics.sessionsByTimeRange(args.start, args.end, args.first),
  }),
  averageSessionDuration: t.field({
    type: [ComponentDuration],
    description:
      "Per component (alphabetical), the mean duration of the window's finished (ENDED or ABANDONED) sessions; components with none are left out. Needs sessions:read.",
    authScopes: { read: true },
    args: {
      days: t.arg.int({ defaultValue: 7, description: daysDescription }),
      component: t.arg.string({ description: "Only this component; omit for all." }),
    },
    resolve: (_root, args, ctx) => ctx.services.analytics.averageSessionDuration(args.days, args.component),
  }),
  mostActiveComponents: t.field({
    type: [ComponentUsage],
    description:
      "Components by sessions started in the window, busiest first (ties alphabetical). Needs sessions:read.",
    authScopes: { read: true },
    args: {
      days: t.arg.int({ defaultValue: 7, description: daysDescription }),
      limit: t.arg.int({
        defaultValue: 10,
        description: `At most this many components, 1 … ${QUERY_LIMITS.page} (default 10).`,
      }),
    },
    resolve: (_root, args, ctx) => ctx.services.analytics.mostActiveComponents(args.days, args.limit),
  }),
  sessionErrorRate: t.field({
    type: [ComponentErrorRate],
    description:
      "Per component, the failed share (ABANDONED or ended with ERROR) of the window's sessions, highest first, with the most common errorClass. Needs sessions:read.",
    authScopes: { read: true },
    args: {
      days: t.arg.int({ defaultValue: 7, description: daysDescription }),
      component: t.arg.string({ description: "Only this component; omit for all." }),
    },
    resolve: (_root, args, ctx) => ctx.services.analytics.sessionErrorRate(args.days, args.component),
  }),
  exportSessions: t.string({
    description: `Sessions matching the filter, oldest first, as NDJSON or CSV; at most ${QUERY_LIMITS.exportRows} (default 1000). Stream larger exports from GET /export/sessions.ndjson or .csv. Needs sessions:read.`,
    authScopes: { read: true },
    args: {
      filter: t.arg({ type: SessionFilter, description: "Which sessions; omit for all." }),
      format: t.arg({ type: ExportFormat, defaultValue: "NDJSON", description: "NDJSON (default) or CSV." }),
      limit: t.arg.int({
        defaultValue: 1000,
        description: `At most this many sessions, 0 … ${QUERY_LIMITS.exportRows} (default 1000).`,
      }),
    },
    resolve: async (_root, args, ctx) => {
      const limit = args.limit ?? 1000;
      if (!Number.isInteger(limit) || limit < 0 || limit > QUERY_LIMITS.exportRows)
        throw badInput(`limit must be between 0 and ${QUERY_LIMITS.exportRows}`);
      const where = ctx.services.sessions.filterSql(parseFilter(args.filter));
      return formatRows(args.format ?? "NDJSON", await exportRows(ctx.services.db, where, limit));
    },
  }),
  aggregateSessions: t.field({
    type: [AggregateRow],
    description:
      "Sessions matching the filter grouped by the keys, largest groups first: count, mean duration, error events, failed sessions. Needs sessions:read.",
    authScopes: { read: true },
    args: {
      groupBy: t.arg({
        type: [AggregateKey],
        required: true,
        description: "The keys to group by, at least one; repeats are ignored.",
      }),
      filter: t.arg({ type: SessionFilter, description: "Which sessions; omit for all." }),
      limit: t.arg.int({
        defaultValue: 100,
        description: `At most this many groups, 1 … ${QUERY_LIMITS.page} (default 100).`,
      }),
      days: t.arg.int({
        description: `Only sessions started in the last days × 24 h of the service clock (as sessionStats counts them), besides the filter: 1 … ${QUERY_LIMITS.days}; omit for no window.`,
      }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.analytics.aggregateSessions(args.groupBy, parseFilter(args.filter), args.limit, args.days),
  }),
  searchSessions: t.field({
    type: [SearchHit],
    description:
      'Full-text search (web-search syntax: words, "phrases", or, -not) over sessions (identity and metadata) and command text, best first. Command hits need audit:read; without it ALL searches sessions only. Needs sessions:read.',
    authScopes: { read: true },
    args: {
      query: t.arg.string({
        required: true,
        description: `What to look for, in web-search syntax (English stemming), at most ${QUERY_LIMITS.queryChars} characters; not blank. Any text is safe.`,
      }),
      index: t.arg({
        type: SearchIndex,
        defaultValue: "ALL",
        description: "Where to look (default ALL); COMMANDS without audit:read is FORBIDDEN.",
      }),
      limit: t.arg.int({
        defaultValue: 10,
        description: `At most this many hits, 1 … ${QUERY_LIMITS.searchHits} (default 10).`,
      }),
      filter: t.arg({
        type: SessionFilter,
        description: "Only hits in sessions that match (component, actor, startedAfter, …); omit for all.",
      }),
    },
    resolve: async (_root, args, ctx) => {
      const index = args.index ?? "ALL";
      if (index === "COMMANDS" && !canAudit(ctx))
        throw forbidden("searching command text needs the audit:read scope", ForbiddenReasons.TOKEN_SCOPE);
      const hits = await ctx.services.analytics.searchSessions(
        args.query,
        index,
        args.limit,
        canAudit(ctx),
        parseFilter(args.filter),
      );
      // A command hit's snippet is command text: who saw it is recorded like any other read of it.
      if (ctx.identity)
        for (const h of hits)
          if (h.index === "COMMANDS")
            ctx.services.access.note(
              ctx.identity.sub,
              h.sessionId,
              "graphql searchSessions",
              "search",
              1,
              ctx.request,
            );
      return hits;
    },
  }),
  detectAnomalies: t.field({
    type: [Anomaly],
    description: `Outliers by robust (modified) z-score against the metric's own baseline, highest score first; only values above the baseline count. Candidates are the last windowSeconds, the baseline the max(7 days, window) before them — or, where that holds too few observations (a young deployment), the window itself (see baselineSource). Needs sessions:read.`,
    authScopes: { read: true },
    args: {
      metric: t.arg.string({ required: true, description: `One of ${list(ANOMALY_METRICS)}.` }),
      threshold: t.arg.float({
        description: `The smallest score reported, above 0 and at most 100 (default ${DEFAULT_ANOMALY_THRESHOLD}).`,
      }),
      windowSeconds: t.arg.int({
        description:
          "How far back candidates go, in seconds: 60 … 2592000 (30 days), default 86400; hourly metrics round it up to whole hours.",
      }),
      component: t.arg.string({ description: "Only this component; omit for all." }),
      limit: t.arg.int({
        defaultValue: 100,
        description: `At most this many anomalies, 1 … ${QUERY_LIMITS.page} (default 100).`,
      }),
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
      "Actors, components, hosts and sessions of the last `days`, breadth-first from the nodes matching `query` to `depth`, at most `maxNodes`. Needs sessions:read.",
    authScopes: { read: true },
    args: {
      query: t.arg.string({
        description: `Start from nodes whose label contains this (case-insensitive), or the session with this id; at most ${QUERY_LIMITS.queryChars} characters. Omit to start from every node of nodeType (without one: every actor, component and host).`,
      }),
      nodeType: t.arg.string({
        description: `Start only from nodes of this type: ${list(GRAPH_NODE_TYPES)}.`,
      }),
      depth: t.arg.int({
        defaultValue: 2,
        description: `Levels to walk from the start nodes, 0 … ${QUERY_LIMITS.graphDepth} (default 2).`,
      }),
      days: t.arg.int({ defaultValue: 7, description: daysDescription }),
      maxNodes: t.arg.int({
        defaultValue: 200,
        description: `At most this many nodes, 1 … ${QUERY_LIMITS.graphNodes} (default 200); reaching it sets truncated.`,
      }),
    },
    resolve: (_root, args, ctx) => ctx.services.analytics.sessionGraph(args),
  }),
  sessionTrends: t.field({
    type: Trend,
    description:
      "A metric per bucket over the window ending now, empty buckets 0, with its least-squares slope and direction. Needs sessions:read.",
    authScopes: { read: true },
    args: {
      metric: t.arg.string({
        required: true,
        description: `One of ${list(TREND_METRICS)}: sessions started, mean duration of those finished (seconds), their failed share, their commands.`,
      }),
      windowSeconds: t.arg.int({
        required: true,
        description: `How far back, in seconds: 60 … ${QUERY_LIMITS.windowSeconds} (${QUERY_LIMITS.windowSeconds / 86_400} days); rounded up to whole buckets.`,
      }),
      granularitySeconds: t.arg.int({
        required: true,
        description: `Length of one bucket, in seconds, at least 1; at most ${QUERY_LIMITS.buckets} buckets per window.`,
      }),
      component: t.arg.string({ description: "Only this component; omit for all." }),
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
