/**
 * What a signed checkpoint covers: the leaves of its Merkle tree (contract/merkle.ts), one per stored
 * record, in an order anyone holding the records can rebuild. A record is covered once, by the first
 * checkpoint after it was stored:
 *
 *   session     its identity as stored (immutable): id, component, type, actor, start time, user, host,
 *               pid, the shell's root hash and the service's session hash
 *   event       its content as captured (immutable) and its chain hashes; with its completion when the
 *               command was already completed when the event was covered
 *   completion  a command's outcome, duration, error class and payload, when it arrived after its event
 *               was covered
 *   end         the shell's end: time, reason, exit code, last seq and its chain hashes
 *
 * Leaves are ordered by session id, then session < events by seq < completions by seq < end. Each leaf
 * is the RFC 8785 canonical JSON of its fields, hashed as RFC 6962 leaf.
 *
 * A checkpoint also signs one span per session it covers: how many of its leaves and their own Merkle
 * root. A session's leaves are contiguous in the order, so a verifier can name the session whose records
 * were deleted or altered after signing, not only say that a root differs.
 */
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { identityFields, iso, orNull, type SessionIdentity } from "./chain.js";
import { leafHash, merkleRoot } from "./merkle.js";

export const LEAF_KINDS = ["session", "event", "completion", "end"] as const;
export type LeafKind = (typeof LEAF_KINDS)[number];

/** A stored session's columns that a session or end leaf covers: its identity, its hashes and its end. */
export interface StoredSession extends SessionIdentity {
  sessionHash?: string | null;
  endedAt?: Date | string | null;
  endReason?: string | null;
  exitCode?: number | null;
  lastSeq?: number | null;
  endHash?: string | null;
  endPrevHash?: string | null;
}

/** A stored event's columns that an event or completion leaf covers. */
export interface StoredEvent {
  id: string;
  sessionId: string;
  seq: number;
  kind: string;
  at: Date | string;
  text?: string | null;
  redactions?: number | null;
  hash?: string | null;
  prevHash?: string | null;
  outcome?: string | null;
  durationMs?: number | null;
  errorClass?: string | null;
  payload?: Record<string, unknown> | null;
  /** The payload as captured, when a later completion added to it. */
  capturePayload?: Record<string, unknown> | null;
  completionHash?: string | null;
}

export interface Leaf {
  kind: LeafKind;
  sessionId: string;
  /** The event's seq for event and completion leaves; null for session and end leaves. */
  seq: number | null;
  /** The canonical JSON hashed. */
  data: string;
}

const json = (fields: Record<string, unknown>): string => {
  const text = canonicalize(fields);
  if (text === undefined) throw new TypeError("leaf fields must be JSON");
  return text;
};

export function sessionLeaf(s: StoredSession): Leaf {
  const id = s.id.toLowerCase();
  return {
    kind: "session",
    sessionId: id,
    seq: null,
    data: json({
      leaf: "session",
      ...identityFields(s),
      startHash: orNull(s.startHash),
      sessionHash: orNull(s.sessionHash),
    }),
  };
}

const completionFields = (e: StoredEvent) => ({
  outcome: orNull(e.outcome),
  durationMs: orNull(e.durationMs),
  errorClass: orNull(e.errorClass),
  payload: e.payload ?? {},
  completionHash: orNull(e.completionHash),
});

/**
 * An event's leaf. `withCompletion` when its completion is covered by the same checkpoint (it was
 * completed when covered); otherwise the leaf holds the event as captured, before any completion.
 */
export function eventLeaf(e: StoredEvent, withCompletion: boolean): Leaf {
  const sessionId = e.sessionId.toLowerCase();
  const base = {
    leaf: "event",
    id: e.id.toLowerCase(),
    sessionId,
    seq: e.seq,
    kind: e.kind,
    at: iso(e.at),
    text: orNull(e.text),
    redactions: e.redactions ?? 0,
    hash: orNull(e.hash),
    prevHash: orNull(e.prevHash),
  };
  const data = withCompletion
    ? json({ ...base, completion: completionFields(e) })
    : json({ ...base, completion: null, payload: e.capturePayload ?? e.payload ?? {} });
  return { kind: "event", sessionId, seq: e.seq, data };
}

/** The leaf of a command's completion that arrived after its event was covered. */
export function completionLeaf(e: StoredEvent): Leaf {
  const sessionId = e.sessionId.toLowerCase();
  return {
    kind: "completion",
    sessionId,
    seq: e.seq,
    data: json({ leaf: "completion", id: e.id.toLowerCase(), sessionId, seq: e.seq, ...completionFields(e) }),
  };
}

export function endLeaf(s: StoredSession): Leaf {
  const id = s.id.toLowerCase();
  return {
    kind: "end",
    sessionId: id,
    seq: null,
    data: json({
      leaf: "end",
      id,
      endedAt: iso(s.endedAt),
      endReason: orNull(s.endReason),
      exitCode: orNull(s.exitCode),
      lastSeq: orNull(s.lastSeq),
      endHash: orNull(s.endHash),
      endPrevHash: orNull(s.endPrevHash),
    }),
  };
}

const KIND_ORDER: Record<LeafKind, number> = { session: 0, event: 1, completion: 2, end: 3 };

/** Leaves in checkpoint order: by session id, then kind, then seq. */
export function orderLeaves(leaves: readonly Leaf[]): Leaf[] {
  return [...leaves].sort(
    (a, b) =>
      (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      (a.seq ?? 0) - (b.seq ?? 0),
  );
}

/** The leaves a session's records make in each checkpoint that signed them. */
export function sessionLeaves(
  session: StoredSession & { checkpoint: number | null; endCheckpoint: number | null },
  events: readonly (StoredEvent & { checkpoint: number | null; completionCheckpoint: number | null })[],
) {
  const byCheckpoint = new Map<number, { leaf: Leaf; seq: number | null }[]>();
  const add = (checkpoint: number | null, leaf: Leaf) => {
    if (checkpoint === null) return;
    const list = byCheckpoint.get(checkpoint) ?? [];
    list.push({ leaf, seq: leaf.seq });
    byCheckpoint.set(checkpoint, list);
  };
  add(session.checkpoint, sessionLeaf(session));
  for (const e of events) {
    add(e.checkpoint, eventLeaf(e, e.checkpoint !== null && e.completionCheckpoint === e.checkpoint));
    if (e.completionCheckpoint !== null && e.completionCheckpoint !== e.checkpoint)
      add(e.completionCheckpoint, completionLeaf(e));
  }
  if (session.endCheckpoint !== null) add(session.endCheckpoint, endLeaf(session));
  for (const [c, list] of byCheckpoint) {
    const ordered = orderLeaves(list.map((l) => l.leaf));
    byCheckpoint.set(
      c,
      ordered.map((leaf) => ({ leaf, seq: leaf.seq })),
    );
  }
  return byCheckpoint;
}

/** The RFC 6962 leaf hashes of leaves, in the order given. */
export const leafHashes = (leaves: readonly Leaf[]): Buffer[] => leaves.map((l) => leafHash(l.data));

/** A session's part of a checkpoint: its leaves' count and Merkle root. */
export interface Span {
  session: string;
  size: number;
  root: string;
}

/** The spans of leaves already in checkpoint order (one per session, in that order). */
export function spansOf(ordered: readonly Leaf[]): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < ordered.length; ) {
    const session = ordered[i]!.sessionId;
    let j = i;
    while (j < ordered.length && ordered[j]!.sessionId === session) j++;
    spans.push({ session, size: j - i, root: merkleRoot(leafHashes(ordered.slice(i, j))) });
    i = j;
  }
  return spans;
}

/** The version of the signed payload's form: 2 adds the per-session spans (1 had none). */
export const CHECKPOINT_VERSION = 2;
/** What a checkpoint's JWS signs, as canonical JSON. */
export interface CheckpointPayload {
  v: number;
  seq: number;
  at: string;
  prev: string;
  root: string;
  size: number;
  sessions: number;
  events: number;
  completions: number;
  ends: number;
  /** Per session covered, in leaf order: its leaves' count and root (since v2). */
  spans?: Span[];
}

export const checkpointHash = (jws: string) => createHash("sha256").update(jws).digest("hex");
