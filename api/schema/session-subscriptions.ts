import { filter, pipe } from "graphql-yoga";
import type { SessionEventRow } from "../../db/schema.js";
import { builder } from "../builder.js";
import type { Context } from "../context.js";
import { badInput } from "../errors.js";
import { eventFromWire, sessionFromWire } from "../pubsub.js";
import { parseSessionId } from "./session-inputs.js";
import { Session, SessionEvent } from "./session-types.js";

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
    subscribe: (_root, args, ctx) => replayThenLive(ctx, parseSessionId(args.sessionId), args.afterSeq ?? 0),
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
