import { filter, pipe } from "graphql-yoga";
import type { SessionEventRow, SessionRow } from "../../db/schema.js";
import { Scopes } from "../../auth/jwt.js";
import { builder } from "../builder.js";
import type { Context } from "../context.js";
import { badInput, unauthenticated } from "../errors.js";
import { eventFromWire, sessionFromWire } from "../pubsub.js";

export const SessionStatus = builder.enumType("SessionStatus", {
  values: ["ACTIVE", "ENDED", "ABANDONED"] as const,
});
export const EndReason = builder.enumType("EndReason", {
  values: ["EXIT", "SIGINT", "SIGTERM", "SIGHUP", "ERROR", "ABANDONED"] as const,
});
export const CaptureMode = builder.enumType("CaptureMode", { values: ["BUFFERED", "STRICT"] as const });

const canAudit = (ctx: Context) => {
  const s = ctx.identity?.scopes;
  return Boolean(s && (s.has(Scopes.AUDIT) || s.has(Scopes.ADMIN)));
};

function identity(ctx: Context) {
  if (!ctx.identity) throw unauthenticated(ctx.authFailure?.message);
  return ctx.identity;
}

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
    outcome: t.exposeString("outcome", { nullable: true }),
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
const SessionConnection = builder.objectRef<SessionPage>("SessionConnection").implement({
  fields: (t) => ({
    edges: t.field({ type: [SessionEdge], resolve: (c) => c.edges }),
    pageInfo: t.field({ type: PageInfo, resolve: (c) => c.pageInfo }),
    totalCount: t.int({ resolve: (c) => c.totalCount() }),
  }),
});

export const SessionFilter = builder.inputType("SessionFilter", {
  fields: (t) => ({
    type: t.string(),
    component: t.string(),
    status: t.field({ type: SessionStatus }),
    actor: t.string(),
    username: t.string(),
    hostname: t.string(),
    startedAfter: t.field({ type: "DateTime" }),
    startedBefore: t.field({ type: "DateTime" }),
    minDurationSeconds: t.float(),
    delayed: t.boolean(),
    changedAfter: t.field({
      type: "DateTime",
      description: "Sessions the service saw start or end after this time (catch-up of live feeds).",
    }),
  }),
});

const StartSessionInput = builder.inputType("StartSessionInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    type: t.string({ defaultValue: "admin_shell" }),
    component: t.string({ required: true }),
    componentType: t.string(),
    componentVersion: t.string(),
    shellType: t.string(),
    adapters: t.stringList(),
    startedAt: t.field({ type: "DateTime" }),
    pid: t.int(),
    username: t.string(),
    hostname: t.string(),
    environment: t.field({ type: "JSON" }),
    metadata: t.field({ type: "JSON" }),
    captureMode: t.field({ type: CaptureMode, defaultValue: "BUFFERED" }),
    eventId: t.id(),
    eventVersion: t.string({ defaultValue: "1.0" }),
  }),
});

const EndSessionInput = builder.inputType("EndSessionInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    endedAt: t.field({ type: "DateTime" }),
    endReason: t.field({ type: EndReason, defaultValue: "EXIT" }),
    exitCode: t.int(),
    metadata: t.field({ type: "JSON" }),
  }),
});

const SessionEventInput = builder.inputType("SessionEventInput", {
  fields: (t) => ({
    eventId: t.id({ required: true }),
    sessionId: t.id({ required: true }),
    seq: t.int({ required: true }),
    kind: t.string({ required: true }),
    at: t.field({ type: "DateTime", required: true }),
    text: t.string(),
    durationMs: t.float(),
    outcome: t.string(),
    errorClass: t.string(),
    redactions: t.int(),
    payload: t.field({ type: "JSON" }),
  }),
});

const ClientHealthInput = builder.inputType("ClientHealthInput", {
  fields: (t) => ({
    journalDepth: t.int(),
    oldestPendingSeconds: t.float(),
    breaker: t.string(),
    dropped: t.int(),
  }),
});

const RejectedEvent = builder
  .objectRef<{ eventId: string; code: string; message: string }>("RejectedEvent")
  .implement({
    fields: (t) => ({
      eventId: t.exposeID("eventId"),
      code: t.exposeString("code"),
      message: t.exposeString("message"),
    }),
  });

const RecordEventsResult = builder
  .objectRef<{
    accepted: number;
    duplicates: number;
    rejected: { eventId: string; code: string; message: string }[];
  }>("RecordEventsResult")
  .implement({
    fields: (t) => ({
      accepted: t.exposeInt("accepted"),
      duplicates: t.exposeInt("duplicates"),
      rejected: t.field({ type: [RejectedEvent], resolve: (r) => r.rejected }),
    }),
  });

/** GraphQL parses dates to Date; the event models describe the wire format (ISO strings). */
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : d);
const dropNulls = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

const ComponentQuality = builder
  .objectRef<import("../services/sessions.js").ComponentQuality>("ComponentQuality")
  .implement({
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

builder.queryFields((t) => ({
  sessionQuality: t.field({
    type: [ComponentQuality],
    authScopes: { read: true },
    args: { days: t.arg.int({ defaultValue: 1 }), component: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.sessions.quality(args.days ?? 1, args.component),
  }),
  session: t.field({
    type: Session,
    nullable: true,
    authScopes: { read: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.sessions.get(String(args.id)),
  }),
  sessions: t.field({
    type: SessionConnection,
    authScopes: { read: true },
    args: {
      filter: t.arg({ type: SessionFilter }),
      first: t.arg.int({ defaultValue: 50 }),
      after: t.arg.string(),
    },
    resolve: (_root, args, ctx) => ctx.services.sessions.list(args.filter, args.first ?? 50, args.after),
  }),
  recentEvents: t.field({
    type: [SessionEvent],
    description:
      "Events across sessions, newest first, e.g. failed workflow steps: kind workflow_step, outcome error.",
    authScopes: { read: true },
    args: {
      component: t.arg.string(),
      type: t.arg.string({ description: "The session type (admin_shell, workflow, cli, …)." }),
      kind: t.arg.string(),
      outcome: t.arg.string(),
      limit: t.arg.int({ defaultValue: 50 }),
    },
    resolve: (_root, args, ctx) => ctx.services.sessions.recentEvents({ ...args, limit: args.limit ?? 50 }),
  }),
  activeSessions: t.field({
    type: [Session],
    authScopes: { read: true },
    args: { component: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.sessions.active(args.component),
  }),
}));

builder.mutationFields((t) => ({
  startSession: t.field({
    type: Session,
    authScopes: { write: true },
    args: { input: t.arg({ type: StartSessionInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      ctx.services.sessions.start(
        identity(ctx),
        dropNulls({ ...input, id: String(input.id), startedAt: iso(input.startedAt) }),
      ),
  }),
  endSession: t.field({
    type: Session,
    authScopes: { write: true },
    args: { input: t.arg({ type: EndSessionInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      ctx.services.sessions.end(
        identity(ctx),
        dropNulls({ ...input, id: String(input.id), endedAt: iso(input.endedAt) }),
      ),
  }),
  heartbeat: t.int({
    authScopes: { write: true },
    args: {
      ids: t.arg.idList({ required: true }),
      client: t.arg({ type: ClientHealthInput }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.sessions.heartbeat(identity(ctx), args.ids.map(String), args.client),
  }),
  recordEvents: t.field({
    type: RecordEventsResult,
    authScopes: { write: true },
    args: { events: t.arg({ type: [SessionEventInput], required: true }) },
    resolve: (_root, args, ctx) =>
      ctx.services.sessions.recordEvents(
        identity(ctx),
        args.events.map((e) =>
          dropNulls({ ...e, eventId: String(e.eventId), sessionId: String(e.sessionId), at: iso(e.at) }),
        ),
      ),
  }),
}));

const matches = (
  s: { component: string; type: string },
  args: { component?: string | null; type?: string | null },
) => (!args.component || s.component === args.component) && (!args.type || s.type === args.type);

builder.subscriptionFields((t) => ({
  sessionStarted: t.field({
    type: Session,
    authScopes: { read: true },
    args: { component: t.arg.string(), type: t.arg.string() },
    subscribe: (_root, args, ctx) =>
      pipe(
        ctx.services.pubsub.subscribe("session:started"),
        filter((s) => matches(s, args)),
      ),
    resolve: (payload) => sessionFromWire(payload),
  }),
  sessionEnded: t.field({
    type: Session,
    description: "A session ended, or the reaper abandoned it (and again if a late end corrects an abandon).",
    authScopes: { read: true },
    args: { component: t.arg.string(), type: t.arg.string() },
    subscribe: (_root, args, ctx) =>
      pipe(
        ctx.services.pubsub.subscribe("session:ended"),
        filter((s) => matches(s, args)),
      ),
    resolve: (payload) => sessionFromWire(payload),
  }),
  sessionEvents: t.field({
    type: SessionEvent,
    description: "Stored events after afterSeq in seq order, then live ones: no gap, no duplicate.",
    authScopes: { read: true },
    args: { sessionId: t.arg.id({ required: true }), afterSeq: t.arg.int() },
    subscribe: (_root, args, ctx) => replayThenLive(ctx, String(args.sessionId), args.afterSeq ?? 0),
    resolve: (payload) => payload,
  }),
  liveEvents: t.field({
    type: SessionEvent,
    description:
      "Every session's events as they arrive (no replay); optionally one component's, or some kinds.",
    authScopes: { read: true },
    args: { component: t.arg.string(), kinds: t.arg.stringList() },
    subscribe: (_root, args, ctx) =>
      pipe(
        ctx.services.pubsub.subscribe("events:all"),
        filter(
          (e) =>
            (!args.component || e.component === args.component) &&
            (!args.kinds?.length || args.kinds.includes(e.kind)),
        ),
      ),
    resolve: (payload) => eventFromWire(payload),
  }),
  activeSessionCount: t.int({
    authScopes: { read: true },
    args: { component: t.arg.string() },
    subscribe: (_root, args, ctx) => activeCounts(ctx, args.component ?? null),
    resolve: (n) => n,
  }),
}));

/**
 * Listens first, then reads what is stored, then yields live events. A live event whose seq jumps past
 * what was yielded triggers a read of the missing range, which closes the window between subscribing and
 * the subscription being active (Redis SUBSCRIBE is asynchronous). Keys include the completion state, so
 * a command's completion is delivered once after its start.
 */
async function* replayThenLive(
  ctx: Context,
  sessionId: string,
  afterSeq: number,
): AsyncGenerator<SessionEventRow> {
  const session = await ctx.services.sessions.get(sessionId);
  if (!session) throw badInput(`no session ${sessionId}`);
  const live = ctx.services.pubsub.subscribe("session:event", sessionId)[Symbol.asyncIterator]();
  const first = live.next();
  const seen = new Set<string>();
  const key = (e: SessionEventRow) => `${e.id}:${e.outcome == null ? "open" : "done"}`;
  let maxSeq = afterSeq;
  const fresh = (rows: SessionEventRow[]) => {
    const out: SessionEventRow[] = [];
    for (const r of rows) {
      if (seen.has(key(r))) continue;
      seen.add(key(r));
      if (r.outcome != null) seen.add(`${r.id}:open`);
      maxSeq = Math.max(maxSeq, r.seq);
      out.push(r);
    }
    return out;
  };
  try {
    for (let cursorSeq = afterSeq; ; ) {
      const page = await ctx.services.sessions.events(sessionId, cursorSeq, 500);
      yield* fresh(page);
      if (page.length < 500) break;
      cursorSeq = page.at(-1)!.seq;
    }
    let next = first;
    for (;;) {
      const r = await next;
      if (r.done) return;
      const event = eventFromWire(r.value);
      if (event.seq > maxSeq + 1) {
        const missing = await ctx.services.sessions.events(sessionId, maxSeq, event.seq - maxSeq - 1);
        yield* fresh(missing);
      }
      yield* fresh([event]);
      next = live.next();
    }
  } finally {
    await live.return?.();
  }
}

async function* activeCounts(ctx: Context, component: string | null): AsyncGenerator<number> {
  const changes = ctx.services.pubsub.subscribe("sessions:changed")[Symbol.asyncIterator]();
  const first = changes.next();
  let last = await ctx.services.sessions.activeCount(component);
  yield last;
  try {
    let next = first;
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = changes.next();
      if (component && r.value.component !== component) continue;
      const n = await ctx.services.sessions.activeCount(component);
      if (n !== last) {
        last = n;
        yield n;
      }
    }
  } finally {
    await changes.return?.();
  }
}
