import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { createPubSub } from "graphql-yoga";
import { Redis } from "ioredis";
import { redactUrl } from "../config/redact-url.js";
import type { ReviewVerdict } from "../contract/enums.js";
import type { SessionEventRow, SessionRow } from "../db/schema.js";

/**
 * Payloads cross Redis as JSON, so dates travel as ISO strings; `revive*` turns them back into rows.
 */
export type Wire<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};
export type SessionWire = Wire<SessionRow>;
export type EventWire = Wire<SessionEventRow>;

/** A change of the review queue, as `reviewQueueChanged` sends it. */
export interface ReviewQueueChange {
  sessionId: string;
  component: string;
  /** QUEUED: an ended session now waits for review; REVIEWED: a verdict was recorded. */
  change: "QUEUED" | "REVIEWED";
  verdict: ReviewVerdict | null;
  reviewer: string | null;
  at: string;
}

export type Topics = {
  "session:started": [SessionWire];
  "session:ended": [SessionWire];
  /** A session the reaper had abandoned came back (a heartbeat or an event from it). */
  "session:resumed": [SessionWire];
  "session:event": [sessionId: string, payload: EventWire];
  /** Every event of every session, with its session's component (live feeds across sessions). */
  "events:all": [EventWire & { component: string }];
  /** Something changed the number of active sessions of `component`. */
  "sessions:changed": [{ component: string }];
  /** A session joined the review queue (it ended and needs review) or left it (a verdict). */
  "review:queue": [ReviewQueueChange];
};

/** Whether what is published now reaches the subscribers: "down" while Redis is unreachable. */
export type LiveFeedState = "up" | "down";

/**
 * The health of the fan-out. In-process fan-out is always up. Through Redis, writes never wait for it or
 * fail because of it: a publish that Redis cannot take is dropped (the change is stored; subscribers get it
 * from the database when they resume), and subscriptions end when the feed goes down, so their clients
 * resubscribe with a resume point once it is back (see api/schema/session-subscriptions.ts).
 */
export interface LiveFeed {
  readonly state: LiveFeedState;
  /** Why the feed is down (the Redis client's last error), while it is. */
  readonly reason: string | undefined;
  /** Calls `listener` on every change of state; returns the removal. */
  onChange(listener: (state: LiveFeedState) => void): () => void;
  /** Resolves once the subscription to `topic` is active on Redis (SUBSCRIBE acknowledged). */
  subscribed(topic: string): Promise<void>;
}

export type PubSub = ReturnType<typeof createPubSub<Topics>> & { liveFeed: LiveFeed };

export interface PubSubHandle {
  pubsub: PubSub;
  kind: "memory" | "redis";
  close(): Promise<void>;
}

/**
 * Namespaces channels, so deployments (or test runs) sharing one Redis never hear each other.
 * Yoga's pub/sub reads only `detail` from events, so renaming `type` on the way is invisible to it.
 */
function prefixed(target: EventTarget, prefix: string): EventTarget {
  return {
    dispatchEvent: (event: Event) =>
      target.dispatchEvent(new CustomEvent(prefix + event.type, { detail: (event as CustomEvent).detail })),
    addEventListener: (type: string, listener: EventListenerOrEventListenerObject | null) =>
      target.addEventListener(prefix + type, listener),
    removeEventListener: (type: string, listener: EventListenerOrEventListenerObject | null) =>
      target.removeEventListener(prefix + type, listener),
  };
}

const alwaysUp: LiveFeed = {
  state: "up",
  reason: undefined,
  onChange: () => () => {},
  subscribed: () => Promise.resolve(),
};

/**
 * The two Redis connections as the Redis event target uses them, with every command's outcome handled:
 * the event target calls `publish`, `subscribe` and `unsubscribe` without looking at their promises, and a
 * rejected one (Redis down past `maxRetriesPerRequest`) would otherwise end the process. Tracks the feed's
 * state from both connections' events.
 */
function guardedRedis(publisher: Redis, subscriber: Redis, prefix: string) {
  const listeners = new Set<(state: LiveFeedState) => void>();
  const subscriptions = new Map<string, Promise<void>>();
  let state: LiveFeedState = "up";
  let reason: string | undefined;
  const update = () => {
    const next: LiveFeedState = publisher.status === "ready" && subscriber.status === "ready" ? "up" : "down";
    if (next === state) return;
    state = next;
    if (next === "up") reason = undefined;
    for (const l of listeners) l(next);
  };
  for (const client of [publisher, subscriber]) {
    client.on("error", (err: Error) => {
      reason = err.message;
    });
    for (const event of ["ready", "close", "reconnecting", "end"]) client.on(event, update);
  }
  const liveFeed: LiveFeed = {
    get state() {
      return state;
    },
    get reason() {
      return reason;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    subscribed: (topic) => subscriptions.get(prefix + topic) ?? Promise.resolve(),
  };
  const dropped = (err: Error) => {
    reason = err.message;
  };
  const publishClient = {
    publish(channel: string, message: string) {
      publisher.publish(channel, message).catch(dropped);
    },
  };
  const subscribeClient = {
    on: (event: string, listener: (channel: string, message: string) => void) =>
      subscriber.on(event, listener),
    subscribe(channel: string) {
      const acknowledged = subscriber.subscribe(channel).then(() => {});
      // A failed SUBSCRIBE (Redis down) ends the subscriptions waiting for it, through `subscribed`.
      acknowledged.catch(dropped);
      subscriptions.set(channel, acknowledged);
    },
    unsubscribe(channel: string) {
      subscriptions.delete(channel);
      subscriber.unsubscribe(channel).catch(dropped);
    },
  };
  return { liveFeed, publishClient, subscribeClient };
}

/** In-process fan-out by default; with a Redis URL, every replica publishes and hears through Redis. */
export async function openPubSub(
  redisUrl?: string,
  options: { channelPrefix?: string } = {},
): Promise<PubSubHandle> {
  if (!redisUrl) {
    return {
      pubsub: Object.assign(createPubSub<Topics>(), { liveFeed: alwaysUp }),
      kind: "memory",
      close: async () => {},
    };
  }
  const redisOptions = { lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: true };
  const publisher = new Redis(redisUrl, redisOptions);
  const subscriber = new Redis(redisUrl, redisOptions);
  try {
    await Promise.all([publisher.connect(), subscriber.connect()]);
  } catch (err) {
    publisher.disconnect();
    subscriber.disconnect();
    throw new Error(`cannot reach Redis at ${redactUrl(redisUrl)}: ${(err as Error).message}`);
  }
  const prefix = options.channelPrefix ?? "session-buddy:";
  const { liveFeed, publishClient, subscribeClient } = guardedRedis(publisher, subscriber, prefix);
  const eventTarget = createRedisEventTarget({
    publishClient: publishClient as unknown as Redis,
    subscribeClient: subscribeClient as unknown as Redis,
  });
  const pubsub = createPubSub<Topics>({
    eventTarget: prefixed(eventTarget as unknown as EventTarget, prefix) as never,
  });
  return {
    pubsub: Object.assign(pubsub, { liveFeed }),
    kind: "redis",
    async close() {
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}

const toIso = (d: Date | null) => (d ? d.toISOString() : null);

export function sessionToWire(row: SessionRow): SessionWire {
  return {
    ...row,
    startedAt: row.startedAt.toISOString(),
    endedAt: toIso(row.endedAt),
    lastSeenAt: row.lastSeenAt.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
    endReceivedAt: toIso(row.endReceivedAt),
    resumedAt: toIso(row.resumedAt),
  };
}

export function sessionFromWire(w: SessionWire): SessionRow {
  const d = (s: string | null) => (s ? new Date(s) : null);
  return {
    ...w,
    startedAt: new Date(w.startedAt),
    endedAt: d(w.endedAt),
    lastSeenAt: new Date(w.lastSeenAt),
    receivedAt: new Date(w.receivedAt),
    endReceivedAt: d(w.endReceivedAt),
    resumedAt: d(w.resumedAt),
  };
}

export function eventToWire(row: SessionEventRow): EventWire {
  return { ...row, at: row.at.toISOString(), receivedAt: row.receivedAt.toISOString() };
}

export function eventFromWire(w: EventWire): SessionEventRow {
  return { ...w, at: new Date(w.at), receivedAt: new Date(w.receivedAt) };
}
