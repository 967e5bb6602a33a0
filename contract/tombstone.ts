/**
 * What a purge leaves of a session: a tombstone, signed with the trail's key, so a verifier tells a purge
 * from a deletion. It keeps no content — no text, actor, user or host — only what proves which records
 * went: the session's id, component, times, chain hashes and counts, and for each checkpoint that signed
 * its records the span it had there (how many leaves and their Merkle root, contract/trail.ts). A
 * checkpoint whose signed span for a session equals that session's tombstone span lost exactly those
 * records to the purge and nothing else.
 */
import canonicalize from "canonicalize";
import { merkleRoot } from "./merkle.js";
import { leafHashes, type StoredEvent, type StoredSession, sessionLeaves } from "./trail.js";

export const TOMBSTONE_VERSION = 1;

/** A session's part of one checkpoint, as its tombstone keeps it. */
export interface TombstoneSpan {
  checkpoint: number;
  size: number;
  root: string;
}

/** What a tombstone's JWS signs, as canonical JSON. */
export interface TombstonePayload {
  v: number;
  type: "tombstone";
  session: string;
  component: string;
  status: string;
  startedAt: string;
  endedAt: string | null;
  sessionHash: string | null;
  endHash: string | null;
  lastSeq: number | null;
  events: number;
  /** One per checkpoint that signed its records, by checkpoint. */
  spans: TombstoneSpan[];
  /** The token subject that purged it, or `retention` for the scheduled pass. */
  purgedBy: string;
  purgedAt: string;
  /** Why: the retention policy, or the purge request's cut-off. */
  reason: string;
}

/** A stored tombstone as the trail carries it. */
export interface TrailTombstone {
  sessionId: string;
  jws: string;
}

/** A session with the checkpoints that signed it, as a tombstone is made from. */
type SignedSession = StoredSession & {
  status: string;
  checkpoint: number | null;
  endCheckpoint: number | null;
};
type SignedEvent = StoredEvent & { checkpoint: number | null; completionCheckpoint: number | null };

/** The spans a session's stored records make in each checkpoint that signed them, by checkpoint. */
export function tombstoneSpans(session: SignedSession, events: readonly SignedEvent[]): TombstoneSpan[] {
  return [...sessionLeaves(session, events)]
    .sort(([a], [b]) => a - b)
    .map(([checkpoint, list]) => ({
      checkpoint,
      size: list.length,
      root: merkleRoot(leafHashes(list.map((l) => l.leaf))),
    }));
}

const iso = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).toISOString());

/** The payload of a session's tombstone, from its records as stored. */
export function tombstonePayload(
  session: SignedSession,
  events: readonly SignedEvent[],
  by: { purgedBy: string; purgedAt: Date; reason: string },
): TombstonePayload {
  return {
    v: TOMBSTONE_VERSION,
    type: "tombstone",
    session: session.id.toLowerCase(),
    component: session.component,
    status: session.status,
    startedAt: iso(session.startedAt)!,
    endedAt: iso(session.endedAt),
    sessionHash: session.sessionHash ?? null,
    endHash: session.endHash ?? null,
    lastSeq: session.lastSeq ?? null,
    events: events.length,
    spans: tombstoneSpans(session, events),
    purgedBy: by.purgedBy,
    purgedAt: by.purgedAt.toISOString(),
    reason: by.reason,
  };
}

export const tombstoneBytes = (p: TombstonePayload) => new TextEncoder().encode(canonicalize(p));
