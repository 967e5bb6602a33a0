import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { createPubSub } from "graphql-yoga";
import { Redis } from "ioredis";
import { redactUrl } from "../config/redact-url.js";
import type { SessionEventRow, SessionRow } from "../db/schema.js";

/**
 * Payloads cross Redis as JSON, so dates travel as ISO strings; `revive*` turns them back into rows.
 */
export type Wire<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};
export type SessionWire = Wire<SessionRow>;
export type EventWire = Wire<SessionEventRow>;

export type Topics = {
  "session:started": [SessionWire];
  "session:ended": [SessionWire];
  "session:event": [sessionId: string, payload: EventWire];
  /** Every event of every session, with its session's component (live feeds across sessions). */
  "events:all": [EventWire & { component: string }];
  /** Something changed the number of active sessions of `component`. */
  "sessions:changed": [{ component: string }];
};

export type PubSub = ReturnType<typeof createPubSub<Topics>>;

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

/** In-process fan-out by default; with a Redis URL, every replica publishes and hears through Redis. */
export async function openPubSub(
  redisUrl?: string,
  options: { channelPrefix?: string } = {},
): Promise<PubSubHandle> {
  if (!redisUrl) return { pubsub: createPubSub<Topics>(), kind: "memory", close: async () => {} };
  const redisOptions = { lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: true };
  const publishClient = new Redis(redisUrl, redisOptions);
  const subscribeClient = new Redis(redisUrl, redisOptions);
  try {
    await Promise.all([publishClient.connect(), subscribeClient.connect()]);
  } catch (err) {
    publishClient.disconnect();
    subscribeClient.disconnect();
    throw new Error(`cannot reach Redis at ${redactUrl(redisUrl)}: ${(err as Error).message}`);
  }
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  const pubsub = createPubSub<Topics>({
    eventTarget: prefixed(
      eventTarget as unknown as EventTarget,
      options.channelPrefix ?? "session-buddy:",
    ) as never,
  });
  return {
    pubsub,
    kind: "redis",
    async close() {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
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
  };
}

export function eventToWire(row: SessionEventRow): EventWire {
  return { ...row, at: row.at.toISOString(), receivedAt: row.receivedAt.toISOString() };
}

export function eventFromWire(w: EventWire): SessionEventRow {
  return { ...w, at: new Date(w.at), receivedAt: new Date(w.receivedAt) };
}
