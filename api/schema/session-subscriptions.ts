import { filter, pipe } from "graphql-yoga";
import { ErrorCodes } from "../../contract/errors.js";
import type { SessionEventRow, SessionRow } from "../../db/schema.js";
import { builder } from "../builder.js";
import type { Context } from "../context.js";
import { badInput, DomainError } from "../errors.js";
import { eventFromWire, sessionFromWire, type Topics } from "../pubsub.js";
import type { SessionChange } from "../services/sessions.js";
import { parseSessionId, parseText } from "./session-inputs.js";
import { Session, SessionEvent } from "./session-types.js";

const matches = (
  s: { component: string; type: string },
  args: { component?: string | null; type?: string | null },
) => (!args.component || s.component === args.component) && (!args.type || s.type === args.type);

/**
 * Stands in the stream where the live feed went down (Redis unreachable): what was published meanwhile may
 * never arrive, so the subscription ends with SERVICE_UNAVAILABLE and the client subscribes again, with
 * its resume point, once the feed is back.
 */
export const INTERRUPTED = Symbol("live feed interrupted");

const liveFeedDown = () =>
  new DomainError(
    ErrorCodes.SERVICE_UNAVAILABLE,
    "the live feed is down (Redis is unreachable); subscribe again with `after` to resume without a gap",
  );

/** The payload, or the error that ends the subscription where the live feed went down. */
export function unlessInterrupted<T>(payload: T | typeof INTERRUPTED): T {
  if (payload === INTERRUPTED) throw liveFeedDown();
  return payload;
}

const RESUME_DESCRIPTION =
  "Resume point: first replay, oldest first, what is stored at or after this instant, then go live. Pass the last receivedAt (starts), endReceivedAt (ends) or resumedAt (comebacks) you saw, a few seconds earlier when replicas' clocks may differ, and skip what you already have. Omit for live only.";

builder.subscriptionFields((t) => {
  /** The filters and resume point the two session feeds share. */
  const sessionFeedArgs = () => ({
    component: t.arg.string({ description: "Only sessions of this component; omit for all." }),
    type: t.arg.string({
      description: "Only sessions of this type (admin_shell, workflow, cli, …); omit for all.",
    }),
    after: t.arg({ type: "DateTime", description: RESUME_DESCRIPTION }),
  });
  /** A live feed of sessions of one kind, replayed from `after` first (see `replayThenLiveSessions`). */
  const sessionFeed = (kind: SessionChange, description: string) =>
    t.field({
      type: Session,
      description,
      authScopes: { read: true },
      args: sessionFeedArgs(),
      subscribe: (_root, args, ctx) => replayThenLiveSessions(ctx, kind, args),
      resolve: unlessInterrupted,
    });
  return {
    sessionStarted: sessionFeed(
      "started",
      "A new session was stored (not on a repeated start of a known id). With `after`, the ones stored since come first. Ends with SERVICE_UNAVAILABLE when the live feed goes down: subscribe again with `after`. Needs sessions:read.",
    ),
    sessionEnded: sessionFeed(
      "ended",
      "A session ended, or the reaper abandoned it (and again if a late end corrects an abandon); not on a repeated end. With `after`, the ones ended since come first (each in its current state). Ends with SERVICE_UNAVAILABLE when the live feed goes down: subscribe again with `after`. Needs sessions:read.",
    ),
    sessionResumed: sessionFeed(
      "resumed",
      "A session the reaper had ABANDONED came back: a heartbeat or an event from it made it ACTIVE again (its interruptions count and interruptedPeriods say when it was silent). With `after`, the ones that came back since come first (each once, in its current state, by its latest resumedAt). Ends with SERVICE_UNAVAILABLE when the live feed goes down: subscribe again with `after`. Needs sessions:read.",
    ),
    sessionEvents: t.field({
      type: SessionEvent,
      description:
        "One session's events: the stored ones after afterSeq in seq order, then live ones, with no gap and no duplicate. A command comes again when it completes (same id, now with outcome). Ends with SERVICE_UNAVAILABLE when the live feed goes down: subscribe again with afterSeq. Command text needs audit:read. Needs sessions:read.",
      authScopes: { read: true },
      args: {
        sessionId: t.arg.id({
          required: true,
          description: "The session's UUID; an unknown session is BAD_USER_INPUT.",
        }),
        afterSeq: t.arg.int({
          description: "Replay only events with a higher seq; omit (or 0) to replay all.",
        }),
      },
      subscribe: (_root, args, ctx) =>
        replayThenLive(ctx, parseSessionId(args.sessionId), args.afterSeq ?? 0),
      resolve: unlessInterrupted,
    }),
    liveEvents: t.field({
      type: SessionEvent,
      description:
        "Every session's events as they are stored, and commands again as they complete (no replay); optionally one component's, or some kinds. Ends with SERVICE_UNAVAILABLE when the live feed goes down: subscribe again, and read what was missed from the sessions' events. Command text needs audit:read. Needs sessions:read.",
      authScopes: { read: true },
      args: {
        component: t.arg.string({ description: "Only events of this component's sessions; omit for all." }),
        kinds: t.arg.stringList({ description: "Only events of these kinds; omit (or empty) for all." }),
      },
      subscribe: (_root, args, ctx) =>
        pipe(
          untilDown(ctx, ctx.services.pubsub.subscribe("events:all"), "events:all").stream(),
          filter(
            (e) =>
              e === INTERRUPTED ||
              ((!args.component || e.component === args.component) &&
                (!args.kinds?.length || args.kinds.includes(e.kind))),
          ),
        ),
      resolve: (payload) => eventFromWire(unlessInterrupted(payload)),
    }),
    activeSessionCount: t.int({
      description:
        "The number of ACTIVE sessions: the current count at once, then each time it changes (a start, an end, an abandon, a comeback). Ends with SERVICE_UNAVAILABLE when the live feed goes down: subscribe again (the first value is then the count now). Needs sessions:read.",
      authScopes: { read: true },
      args: {
        component: t.arg.string({ description: "Count only this component's sessions; omit for all." }),
        after: t.arg({
          type: "DateTime",
          description:
            "Resume point, as on sessionStarted, sessionEnded and sessionResumed: the count is a state, not a history, so what happened after it is the count now, which always comes first.",
        }),
      },
      subscribe: (_root, args, ctx) => activeCounts(ctx, parseText("component", args.component) ?? null),
      resolve: unlessInterrupted,
    }),
  };
});

/**
 * The messages of a pub/sub subscription until the live feed goes down, and then {@link INTERRUPTED}.
 * `ready` resolves once the subscription is active (with Redis, SUBSCRIBE acknowledged), so what is stored
 * after it also arrives live: read the database after `ready`, and nothing falls between the two. It
 * resolves with {@link INTERRUPTED} instead when the feed went down first. A subscription asked for while
 * the feed is down is refused with SERVICE_UNAVAILABLE, so the client tries again later.
 */
export function untilDown<T>(ctx: Context, source: AsyncIterable<T>, channel: string) {
  const feed = ctx.services.pubsub.liveFeed;
  if (feed.state === "down") throw liveFeedDown();
  let off = () => {};
  const down = new Promise<typeof INTERRUPTED>((resolve) => {
    off = feed.onChange((state) => {
      if (state === "down") resolve(INTERRUPTED);
    });
  });
  const live = source[Symbol.asyncIterator]();
  // Asking for the first message is what subscribes (the pub/sub's listener is added on the first `next`).
  let pending = live.next();
  const ready: Promise<undefined | typeof INTERRUPTED> = Promise.race([
    feed.subscribed(channel).then(
      () => undefined,
      (): typeof INTERRUPTED => INTERRUPTED,
    ),
    down,
  ]);
  const close = async () => {
    off();
    await live.return?.();
  };
  return {
    ready,
    /** The next message; `undefined` when the subscription ended, {@link INTERRUPTED} when the feed went down. */
    async next(): Promise<T | typeof INTERRUPTED | undefined> {
      const r = await Promise.race([pending, down]);
      if (r === INTERRUPTED) return INTERRUPTED;
      if (r.done) return undefined;
      pending = live.next();
      return r.value;
    },
    close,
    /** The messages as a stream that ends after {@link INTERRUPTED}. */
    async *stream(): AsyncGenerator<T | typeof INTERRUPTED> {
      try {
        for (;;) {
          const message = await this.next();
          if (message === undefined) return;
          yield message;
          if (message === INTERRUPTED) return;
        }
      } finally {
        await close();
      }
    },
  };
}

/** The topic of each session feed, and what identifies one of its messages (a session in a state). */
const feeds = {
  started: { topic: "session:started", key: (s: SessionRow) => s.id, at: (s: SessionRow) => s.receivedAt },
  // A session may be abandoned, come back and be abandoned again: the comebacks tell those apart.
  ended: {
    topic: "session:ended",
    key: (s: SessionRow) => `${s.id}:${s.status}:${s.interruptions}`,
    at: (s: SessionRow) => s.endReceivedAt,
  },
  resumed: {
    topic: "session:resumed",
    key: (s: SessionRow) => `${s.id}:${s.interruptions}`,
    at: (s: SessionRow) => s.resumedAt,
  },
} as const satisfies Record<
  SessionChange,
  { topic: keyof Topics; key: (s: SessionRow) => string; at: (s: SessionRow) => Date | null }
>;

/**
 * sessionStarted, sessionEnded and sessionResumed: with `after`, the stored sessions that started (ended,
 * came back) at or after it, oldest first, then the live ones; without, only live ones. Listens first and
 * replays once the subscription is active, so nothing falls between replay and live; a live message for a
 * session the replay already gave (in the same state) is not repeated.
 */
async function* replayThenLiveSessions(
  ctx: Context,
  change: SessionChange,
  args: { component?: string | null; type?: string | null; after?: Date | null },
): AsyncGenerator<SessionRow | typeof INTERRUPTED> {
  const { topic, key, at } = feeds[change];
  const live = untilDown(ctx, ctx.services.pubsub.subscribe(topic), topic);
  const replayed = new Set<string>();
  try {
    if (args.after) {
      if ((await live.ready) === INTERRUPTED) {
        yield INTERRUPTED;
        return;
      }
      const filter = { component: args.component, type: args.type };
      for (let cursor: { at: Date; id: string } | undefined; ; ) {
        const page = await ctx.services.sessions.changedSince(change, args.after, filter, 500, cursor);
        for (const s of page) {
          replayed.add(key(s));
          yield s;
        }
        const last = page.at(-1);
        if (page.length < 500 || !last) break;
        cursor = { at: at(last)!, id: last.id };
      }
    }
    for await (const message of live.stream()) {
      if (message === INTERRUPTED) {
        yield INTERRUPTED;
        return;
      }
      const session = sessionFromWire(message);
      if (matches(session, args) && !replayed.has(key(session))) yield session;
    }
  } finally {
    await live.close();
  }
}

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
): AsyncGenerator<SessionEventRow | typeof INTERRUPTED> {
  const session = await ctx.services.sessions.get(sessionId);
  if (!session) throw badInput(`no session ${sessionId}`);
  const live = untilDown(
    ctx,
    ctx.services.pubsub.subscribe("session:event", sessionId),
    `session:event:${sessionId}`,
  );
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
    for await (const message of live.stream()) {
      if (message === INTERRUPTED) {
        yield INTERRUPTED;
        return;
      }
      const event = eventFromWire(message);
      if (event.seq > maxSeq + 1) {
        const missing = await ctx.services.sessions.events(sessionId, maxSeq, event.seq - maxSeq - 1);
        yield* fresh(missing);
      }
      yield* fresh([event]);
    }
  } finally {
    await live.close();
  }
}

async function* activeCounts(
  ctx: Context,
  component: string | null,
): AsyncGenerator<number | typeof INTERRUPTED> {
  const changes = untilDown(ctx, ctx.services.pubsub.subscribe("sessions:changed"), "sessions:changed");
  try {
    let last = await ctx.services.sessions.activeCount(component);
    yield last;
    for (;;) {
      const message = await changes.next();
      if (message === undefined) return;
      if (message === INTERRUPTED) {
        yield INTERRUPTED;
        return;
      }
      if (component && message.component !== component) continue;
      const n = await ctx.services.sessions.activeCount(component);
      if (n !== last) {
        last = n;
        yield n;
      }
    }
  } finally {
    await changes.close();
  }
}
