import type {
  RecordEventsResult as RecordEventsResultData,
  RejectedEvent as RejectedEventData,
} from "../../contract/models.js";
import type { SessionEventRow, SessionRow } from "../../db/schema.js";
import { builder } from "../builder.js";
import type { Context } from "../context.js";
import { badInput } from "../errors.js";
import type { ComponentQuality as ComponentQualityData } from "../services/sessions.js";
import { canAudit } from "./access.js";
import { CaptureMode, CommandOutcome, EndReason, SessionStatus } from "./session-enums.js";

const PageInfo = builder
  .objectRef<{
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  }>("PageInfo")
  .implement({
    fields: (t) => ({
      hasNextPage: t.exposeBoolean("hasNextPage"),
      hasPreviousPage: t.exposeBoolean("hasPreviousPage"),
      startCursor: t.exposeString("startCursor", { nullable: true }),
      endCursor: t.exposeString("endCursor", { nullable: true }),
    }),
  });

export const SessionEvent = builder.objectRef<SessionEventRow>("SessionEvent").implement({
  description: "One event of a session; stored once by id, ordered by seq.",
  fields: (t) => ({
    id: t.exposeID("id"),
    sessionId: t.exposeID("sessionId"),
    seq: t.exposeInt("seq"),
    kind: t.exposeString("kind"),
    at: t.expose("at", { type: "DateTime" }),
    text: t.string({
      nullable: true,
      description: "Redacted at the source; null unless the token has audit:read.",
      resolve: (e, _args, ctx) => (canAudit(ctx) ? e.text : null),
    }),
    textHidden: t.boolean({
      description: "True when the event has text this token may not read.",
      resolve: (e, _args, ctx) => e.text != null && !canAudit(ctx),
    }),
    durationMs: t.exposeFloat("durationMs", { nullable: true }),
    outcome: t.expose("outcome", { type: CommandOutcome, nullable: true }),
    errorClass: t.exposeString("errorClass", { nullable: true }),
    redactions: t.exposeInt("redactions"),
    payload: t.expose("payload", { type: "JSON" }),
    receivedAt: t.expose("receivedAt", { type: "DateTime" }),
  }),
});

const SessionEventEdge = builder
  .objectRef<{ cursor: string; node: SessionEventRow }>("SessionEventEdge")
  .implement({
    fields: (t) => ({
      cursor: t.exposeString("cursor"),
      node: t.field({ type: SessionEvent, resolve: (e) => e.node }),
    }),
  });

const SessionEventConnection = builder
  .objectRef<{
    sessionId: string;
    edges: { cursor: string; node: SessionEventRow }[];
    pageInfo: {
      hasNextPage: boolean;
      hasPreviousPage: boolean;
      startCursor: string | null;
      endCursor: string | null;
    };
  }>("SessionEventConnection")
  .implement({
    fields: (t) => ({
      edges: t.field({ type: [SessionEventEdge], resolve: (c) => c.edges }),
      pageInfo: t.field({ type: PageInfo, resolve: (c) => c.pageInfo }),
      totalCount: t.int({ resolve: (c, _a, ctx) => ctx.services.sessions.eventCount(c.sessionId) }),
    }),
  });

export const Session = builder.objectRef<SessionRow>("Session").implement({
  description: "One session of a producer (an admin shell, a workflow run, a CLI run).",
  fields: (t) => ({
    id: t.exposeID("id"),
    type: t.exposeString("type"),
    component: t.exposeString("component"),
    componentType: t.exposeString("componentType", { nullable: true }),
    componentVersion: t.exposeString("componentVersion", { nullable: true }),
    shellType: t.exposeString("shellType", { nullable: true }),
    adapters: t.exposeStringList("adapters"),
    status: t.field({ type: SessionStatus, resolve: (s) => s.status }),
    startedAt: t.expose("startedAt", { type: "DateTime" }),
    endedAt: t.expose("endedAt", { type: "DateTime", nullable: true }),
    lastSeenAt: t.expose("lastSeenAt", { type: "DateTime" }),
    receivedAt: t.expose("receivedAt", { type: "DateTime" }),
    delayed: t.exposeBoolean("delayed"),
    endReceivedAt: t.expose("endReceivedAt", {
      type: "DateTime",
      nullable: true,
      description: "When the service learned of the end (or abandoned the session).",
    }),
    durationSeconds: t.float({
      nullable: true,
      description: "endedAt − startedAt (capture times) once the session has ended; null while active.",
      resolve: (s) => (s.endedAt ? (s.endedAt.getTime() - s.startedAt.getTime()) / 1000 : null),
    }),
    endReason: t.field({ type: EndReason, nullable: true, resolve: (s) => s.endReason }),
    exitCode: t.exposeInt("exitCode", { nullable: true }),
    captureMode: t.field({ type: CaptureMode, resolve: (s) => s.captureMode }),
    actor: t.exposeString("actor", {
      description: "The token's subject; never taken from the request body.",
    }),
    username: t.exposeString("username", { nullable: true }),
    hostname: t.exposeString("hostname", { nullable: true }),
    pid: t.exposeInt("pid", { nullable: true }),
    environment: t.expose("environment", { type: "JSON" }),
    metadata: t.expose("metadata", { type: "JSON" }),
    commandCount: t.exposeInt("commandCount"),
    errorCount: t.exposeInt("errorCount"),
    eventCount: t.exposeInt("eventCount"),
    clientHealth: t.expose("clientHealth", { type: "JSON", nullable: true }),
    events: t.field({
      type: SessionEventConnection,
      args: { first: t.arg.int({ defaultValue: 100 }), after: t.arg.string() },
      resolve: async (s, args, ctx) => {
        const first = args.first ?? 100;
        if (first < 0 || first > 1000) throw badInput("first must be between 0 and 1000");
        const afterSeq = args.after ? Number(args.after) : 0;
        if (!Number.isInteger(afterSeq) || afterSeq < 0) throw badInput("invalid cursor");
        const rows = await ctx.services.sessions.events(s.id, afterSeq, first + 1);
        const nodes = rows.slice(0, first);
        return {
          sessionId: s.id,
          edges: nodes.map((node) => ({ cursor: String(node.seq), node })),
          pageInfo: {
            hasNextPage: rows.length > first,
            hasPreviousPage: afterSeq > 0,
            startCursor: nodes[0] ? String(nodes[0].seq) : null,
            endCursor: nodes.at(-1) ? String(nodes.at(-1)!.seq) : null,
          },
        };
      },
    }),
  }),
});

const SessionEdge = builder.objectRef<{ cursor: string; node: SessionRow }>("SessionEdge").implement({
  fields: (t) => ({
    cursor: t.exposeString("cursor"),
    node: t.field({ type: Session, resolve: (e) => e.node }),
  }),
});

type SessionPage = Awaited<ReturnType<Context["services"]["sessions"]["list"]>>;
export const SessionConnection = builder.objectRef<SessionPage>("SessionConnection").implement({
  fields: (t) => ({
    edges: t.field({ type: [SessionEdge], resolve: (c) => c.edges }),
    pageInfo: t.field({ type: PageInfo, resolve: (c) => c.pageInfo }),
    totalCount: t.int({ resolve: (c) => c.totalCount() }),
  }),
});

const RejectedEvent = builder.objectRef<RejectedEventData>("RejectedEvent").implement({
  description: "An event the service refused; switch on code and reason, the message is for people.",
  fields: (t) => ({
    eventId: t.exposeID("eventId"),
    code: t.exposeString("code", { description: "One of the service's error codes, e.g. NOT_FOUND." }),
    reason: t.exposeString("reason", {
      nullable: true,
      description: "For FORBIDDEN: TOKEN_COMPONENTS (the token) or NOT_OWNER (the session); else null.",
    }),
    message: t.exposeString("message"),
  }),
});

export const RecordEventsResult = builder.objectRef<RecordEventsResultData>("RecordEventsResult").implement({
  fields: (t) => ({
    accepted: t.exposeInt("accepted"),
    duplicates: t.exposeInt("duplicates"),
    rejected: t.field({ type: [RejectedEvent], resolve: (r) => r.rejected }),
  }),
});

export const ComponentQuality = builder.objectRef<ComponentQualityData>("ComponentQuality").implement({
  description: "How a component's sessions ended over a window.",
  fields: (t) => ({
    component: t.exposeString("component"),
    totalSessions: t.exposeInt("totalSessions"),
    activeSessions: t.exposeInt("activeSessions"),
    finishedSessions: t.exposeInt("finishedSessions"),
    cleanEndRate: t.exposeFloat("cleanEndRate", {
      nullable: true,
      description: "Share (0–1) of finished sessions that ended with EXIT; null when none finished.",
    }),
    abandonedRate: t.exposeFloat("abandonedRate", { nullable: true }),
    delayedRate: t.exposeFloat("delayedRate", { description: "Share (0–1) of sessions flagged delayed." }),
    qualityScore: t.exposeFloat("qualityScore", {
      nullable: true,
      description: "0–100: finished sessions that ended cleanly with no sequence gap.",
    }),
  }),
});
