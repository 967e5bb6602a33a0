/**
 * Verifying the trail: stored records against their hash chains (contract/chain.ts) and against the
 * signed checkpoints that cover them (contract/trail.ts), either everything the service stores
 * ({@link TrailVerifier}, fed the `GET /trail.ndjson` stream) or one session's signed bundle
 * ({@link verifyBundle}, offline). Both say what is wrong as problems, one per thing found, each naming
 * the checkpoint, session and seq it is about.
 *
 * What each check catches:
 *   content hash   an event's text, time, kind, payload or seq edited after capture
 *   links          a stored hash edited with its content, an event inserted or moved
 *   seq ranges     an event deleted; an event recorded after the session's end
 *   session hash   a session's actor, component, start time, user, host or pid edited
 *   spans, roots   anything a checkpoint signed that is no longer stored as signed, even when every hash
 *                  around it was recomputed; a session deleted whole
 *   signatures     a checkpoint edited; the checkpoint chain: one deleted or replaced
 *   bundle digest  a bundle edited or truncated after export
 */
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from "jose";
import { completionHash, eventHash, sessionHash } from "./chain.js";
import { SessionStatuses } from "./enums.js";
import { leafHash, merkleRoot, rootFromProof } from "./merkle.js";
import type { TombstonePayload, TombstoneSpan, TrailTombstone } from "./tombstone.js";
import {
  type CheckpointPayload,
  checkpointHash,
  completionLeaf,
  endLeaf,
  eventLeaf,
  type Leaf,
  type LeafKind,
  leafHashes,
  orderLeaves,
  type Span,
  type StoredEvent,
  type StoredSession,
  sessionLeaf,
  sessionLeaves,
  spansOf,
} from "./trail.js";

export const SIGNING_ALG = "EdDSA";

/** Verifies a compact JWS against a key set (the service's /.well-known/jwks.json, or a copy of it). */
export async function verifySigned(jws: string, jwks: JSONWebKeySet): Promise<Uint8Array> {
  const { payload } = await compactVerify(jws, createLocalJWKSet(jwks), { algorithms: [SIGNING_ALG] });
  return payload;
}

/** A stored session as the trail carries it. */
export interface TrailSession extends StoredSession {
  status: string;
  checkpoint: number | null;
  endCheckpoint: number | null;
  receivedAt?: Date | string | null;
}

/** A stored event as the trail carries it. */
export interface TrailEvent extends StoredEvent {
  checkpoint: number | null;
  completionCheckpoint: number | null;
  /** What a chained completion added, as sent: what its completion hash covers. */
  completionResult?: Record<string, unknown> | null;
  /** Whether its hash matched its content when it arrived (false: the shell's chain was broken then). */
  hashOk?: boolean | null;
  receivedAt?: Date | string | null;
}

/** A stored checkpoint. */
export interface TrailCheckpoint {
  seq: number;
  at: Date | string;
  kid: string;
  prevHash: string;
  root: string;
  size: number;
  sessions: number;
  events: number;
  completions: number;
  ends: number;
  jws: string;
  hash: string;
}

/** One thing found wrong. */
export interface Problem {
  checkpoint?: number;
  session?: string;
  /** An event's seq, or the session's end. */
  seq?: number | "end";
  /** The bundle itself (not what it holds). */
  bundle?: true;
  what: string;
}

/** A problem as one line: `session <id> seq 5: …`, `checkpoint 3: …`, `bundle: …`. */
export function describeProblem(p: Problem): string {
  const where: string[] = [];
  if (p.bundle) where.push("bundle");
  if (p.checkpoint !== undefined) where.push(`checkpoint ${p.checkpoint}`);
  if (p.session) where.push(`session ${p.session}`);
  if (p.seq === "end") where.push("end");
  else if (p.seq !== undefined) where.push(`seq ${p.seq}`);
  return `${where.join(" ")}: ${p.what}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const seqText = (from: number, to: number) => (from === to ? `seq ${from}` : `seqs ${from}–${to}`);

/** Sorted, disjoint ranges of seqs. */
class SeqRanges {
  private readonly ranges: [number, number][] = [];

  /** Adds n; false when it was there already. */
  add(n: number): boolean {
    const r = this.ranges;
    let lo = 0;
    let hi = r.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r[mid]![1] < n) lo = mid + 1;
      else hi = mid;
    }
    const at = r[lo];
    if (at && at[0] <= n && n <= at[1]) return false;
    const before = r[lo - 1];
    const joinsBefore = before !== undefined && before[1] === n - 1;
    const joinsAfter = at !== undefined && at[0] === n + 1;
    if (joinsBefore && joinsAfter) {
      before[1] = at[1];
      r.splice(lo, 1);
    } else if (joinsBefore) before[1] = n;
    else if (joinsAfter) at[0] = n;
    else r.splice(lo, 0, [n, n]);
    return true;
  }

  get min(): number | undefined {
    return this.ranges[0]?.[0];
  }

  get max(): number | undefined {
    return this.ranges.at(-1)?.[1];
  }

  /** The ranges of seqs from `lo` to `hi` not here. */
  missing(lo: number, hi: number): [number, number][] {
    const gaps: [number, number][] = [];
    let next = lo;
    for (const [a, b] of this.ranges) {
      if (b < next) continue;
      if (a > hi) break;
      if (a > next) gaps.push([next, Math.min(a - 1, hi)]);
      next = b + 1;
    }
    if (next <= hi) gaps.push([next, hi]);
    return gaps;
  }

  /** The ranges of seqs here above `n`. */
  above(n: number): [number, number][] {
    return this.ranges.filter(([, b]) => b > n).map(([a, b]) => [Math.max(a, n + 1), b] as [number, number]);
  }

  toJSON(): [number, number][] {
    return this.ranges.map(([a, b]) => [a, b]);
  }
}

interface ChainState {
  seen: boolean;
  startHash: string | null;
  end?: { lastSeq: number | null; endHash: string | null; endPrevHash: string | null };
  /** Event hashes kept until the link from their successor is checked. */
  hashes: Map<number, string>;
  /** The prevHash of events whose predecessor has not been seen yet. */
  waiting: Map<number, string | null>;
  seqs: SeqRanges;
}

/** The content of a stored event as its hash covers it: as captured, before a later completion. */
export function capturedContent(e: StoredEvent) {
  const completed = !!e.completionHash;
  return {
    eventId: e.id,
    sessionId: e.sessionId,
    seq: e.seq,
    kind: e.kind,
    at: e.at,
    text: e.text ?? null,
    durationMs: completed ? null : (e.durationMs ?? null),
    outcome: completed ? null : (e.outcome ?? null),
    errorClass: completed ? null : (e.errorClass ?? null),
    redactions: e.redactions ?? 0,
    payload: e.capturePayload ?? e.payload ?? {},
  };
}

/**
 * Checks sessions' hash chains as their records arrive, in any order: each event's content against its
 * hash, each link against the hash before it, the seqs against the end, and each session's identity
 * against the hash the service stored for it. Memory stays small for records that arrive in seq order:
 * a hash is dropped once the link from its successor is checked.
 */
export class ChainChecker {
  private readonly states = new Map<string, ChainState>();
  private readonly found: Problem[] = [];
  /** Sessions with a problem found by this checker. */
  readonly troubled = new Set<string>();

  private state(id: string): ChainState {
    const key = id.toLowerCase();
    let s = this.states.get(key);
    if (!s) {
      s = { seen: false, startHash: null, hashes: new Map(), waiting: new Map(), seqs: new SeqRanges() };
      this.states.set(key, s);
    }
    return s;
  }

  private problem(session: string, seq: number | "end" | undefined, what: string) {
    const id = session.toLowerCase();
    this.troubled.add(id);
    this.found.push(seq === undefined ? { session: id, what } : { session: id, seq, what });
  }

  /** A session's identity (its session leaf). */
  identity(s: StoredSession) {
    const st = this.state(s.id);
    st.seen = true;
    st.startHash = s.startHash ?? null;
    if (s.sessionHash && sessionHash({ ...s, startHash: s.startHash ?? null }) !== s.sessionHash)
      this.problem(
        s.id,
        undefined,
        "its identity (actor, component, type, start time, user, host or pid) does not match its hash: altered after it was stored",
      );
    const first = st.waiting.get(1);
    if (first !== undefined) {
      st.waiting.delete(1);
      if (st.startHash !== null && first !== st.startHash)
        this.problem(s.id, 1, "not chained to the session's start (the start or seq 1 was altered)");
    }
  }

  /** A session's end (its end leaf). */
  end(s: StoredSession) {
    this.state(s.id).end = {
      lastSeq: s.lastSeq ?? null,
      endHash: s.endHash ?? null,
      endPrevHash: s.endPrevHash ?? null,
    };
  }

  event(e: TrailEvent) {
    const st = this.state(e.sessionId);
    const { seq } = e;
    if (!st.seqs.add(seq)) return this.problem(e.sessionId, seq, "appears twice");
    if (e.hash === null || e.hash === undefined) {
      if (st.startHash !== null)
        this.problem(e.sessionId, seq, "has no hash though its session is chained: its hash was removed");
      return;
    }
    if (eventHash(e.prevHash ?? "", capturedContent(e)) !== e.hash)
      this.problem(
        e.sessionId,
        seq,
        e.hashOk === false
          ? "does not match its hash, as it arrived (the shell's chain was already broken at capture)"
          : "its content (text, time, kind, seq or payload) does not match its hash: altered after capture",
      );
    if (e.completionHash) {
      const c = {
        outcome: e.outcome ?? "",
        durationMs: e.durationMs ?? null,
        errorClass: e.errorClass ?? null,
        result: e.completionResult ?? null,
      };
      if (completionHash(e.hash, c) !== e.completionHash)
        this.problem(
          e.sessionId,
          seq,
          "its completion (outcome, duration, error class or result) does not match its hash",
        );
    }
    // The link back, to the event before (or the start), when that is known; else it waits for it.
    if (seq === 1 && st.seen) {
      if (st.startHash !== null && e.prevHash !== st.startHash)
        this.problem(e.sessionId, 1, "not chained to the session's start (the start or seq 1 was altered)");
    } else {
      const before = st.hashes.get(seq - 1);
      if (before === undefined) st.waiting.set(seq, e.prevHash ?? null);
      else if (before !== e.prevHash)
        this.problem(
          e.sessionId,
          seq,
          `not chained to seq ${seq - 1} (seq ${seq - 1}'s hash was changed, or an event was inserted)`,
        );
      else st.hashes.delete(seq - 1);
    }
    // The link from the event after, if it came first.
    const after = st.waiting.get(seq + 1);
    if (after !== undefined) {
      st.waiting.delete(seq + 1);
      if (after !== e.hash)
        this.problem(
          e.sessionId,
          seq + 1,
          `not chained to seq ${seq} (seq ${seq}'s hash was changed, or an event was inserted)`,
        );
      else return;
    }
    st.hashes.set(seq, e.hash);
  }

  /**
   * The problems found, once every record was seen. `partial`: only part of the store was read (from a
   * date on), so a session or the seqs before what was read are not missing.
   */
  finish(o: { partial?: boolean } = {}): Problem[] {
    for (const [id, st] of this.states) {
      if (!st.seen && !o.partial) this.problem(id, undefined, "its events are stored but the session is not");
      const lastSeq = st.end?.lastSeq ?? null;
      const upTo = Math.max(lastSeq ?? 0, st.seqs.max ?? 0);
      const from = st.seen ? 1 : (st.seqs.min ?? 1);
      for (const [a, b] of st.seqs.missing(from, upTo))
        this.problem(id, a, `${seqText(a, b)} ${a === b ? "is" : "are"} missing from the record`);
      if (lastSeq !== null)
        for (const [a, b] of st.seqs.above(lastSeq))
          this.problem(
            id,
            a,
            `${seqText(a, b)} recorded after the session's end, which names seq ${lastSeq} as its last`,
          );
      const end = st.end;
      if (end?.endHash && lastSeq !== null) {
        const expected = lastSeq === 0 ? (st.seen ? st.startHash : undefined) : st.hashes.get(lastSeq);
        if (expected !== undefined && expected !== null && expected !== end.endPrevHash)
          this.problem(id, "end", `not chained to seq ${lastSeq} (the end or seq ${lastSeq} was altered)`);
      }
    }
    return this.found;
  }
}

/** The leaves a checkpoint's records make, as it signed them. */
export function checkpointLeaves(
  seq: number,
  records: {
    sessions: readonly StoredSession[];
    events: readonly TrailEvent[];
    ends: readonly StoredSession[];
  },
): Leaf[] {
  const leaves: Leaf[] = records.sessions.map(sessionLeaf);
  for (const e of records.events) {
    if (e.checkpoint === seq) leaves.push(eventLeaf(e, e.completionCheckpoint === seq));
    else if (e.completionCheckpoint === seq) leaves.push(completionLeaf(e));
  }
  leaves.push(...records.ends.map(endLeaf));
  return orderLeaves(leaves);
}

const decode = (payload: Uint8Array): CheckpointPayload =>
  JSON.parse(new TextDecoder().decode(payload)) as CheckpointPayload;

/**
 * A checkpoint's signature and stored columns: the payload it signed, or null with the problems found.
 */
export async function checkCheckpoint(
  c: TrailCheckpoint,
  jwks: JSONWebKeySet,
  problems: Problem[],
): Promise<CheckpointPayload | null> {
  const at = (what: string) => problems.push({ checkpoint: c.seq, what });
  if (c.hash !== checkpointHash(c.jws)) at("its stored hash is not the hash of its signed form");
  let payload: CheckpointPayload;
  try {
    payload = decode(await verifySigned(c.jws, jwks));
  } catch (err) {
    at(
      `its signature does not verify with the service's keys (${(err as Error).message}): altered, or not signed by this service`,
    );
    return null;
  }
  const stored: [string, unknown, unknown][] = [
    ["seq", c.seq, payload.seq],
    ["time", new Date(c.at).toISOString(), payload.at],
    ["previous hash", c.prevHash, payload.prev],
    ["root", c.root, payload.root],
    ["size", c.size, payload.size],
    ["session count", c.sessions, payload.sessions],
    ["event count", c.events, payload.events],
    ["completion count", c.completions, payload.completions],
    ["end count", c.ends, payload.ends],
  ];
  for (const [name, mine, signed] of stored)
    if (mine !== signed)
      at(`its stored ${name} (${String(mine)}) differs from the signed one (${String(signed)})`);
  return payload;
}

/**
 * A stored tombstone's signed payload, or the reason it does not verify (not signed by the service's
 * keys, not a tombstone, or signed for another session than the row it is stored as).
 */
export async function readTombstone(
  t: TrailTombstone,
  jwks: JSONWebKeySet,
): Promise<{ payload: TombstonePayload } | { problem: string }> {
  let payload: TombstonePayload;
  try {
    payload = JSON.parse(new TextDecoder().decode(await verifySigned(t.jws, jwks))) as TombstonePayload;
  } catch (err) {
    return {
      problem: `its tombstone's signature does not verify with the service's keys (${(err as Error).message}): forged or altered`,
    };
  }
  if (payload.type !== "tombstone" || !Array.isArray(payload.spans))
    return { problem: "its tombstone's signed form is not a tombstone" };
  if (payload.session !== t.sessionId.toLowerCase())
    return { problem: `its tombstone was signed for session ${payload.session}` };
  return { payload };
}

/** How a checkpoint's spans compare with the leaves stored for it; problems for sessions that differ. */
function compareSpans(
  seq: number,
  signed: readonly Span[],
  leaves: readonly Leaf[],
  describe: (session: string, signedSize: number, storedSize: number) => string,
): Map<string, string> {
  const stored = new Map(spansOf(leaves).map((s) => [s.session, s]));
  const differ = new Map<string, string>();
  for (const s of signed) {
    const mine = stored.get(s.session);
    stored.delete(s.session);
    if (!mine) differ.set(s.session, describe(s.session, s.size, 0));
    else if (mine.root !== s.root || mine.size !== s.size)
      differ.set(s.session, describe(s.session, s.size, mine.size));
  }
  for (const s of stored.values())
    differ.set(
      s.session,
      `${plural(s.size, "record")} claim checkpoint ${seq}, which signed none of this session's`,
    );
  return differ;
}

/** What is wrong with a session whose records in checkpoint `seq` differ from its signed span. */
const spanDiffers = (seq: number) => (_session: string, signed: number, stored: number) =>
  stored === 0
    ? `deleted: checkpoint ${seq} signed ${plural(signed, "record")} of it, none is stored as signed`
    : `checkpoint ${seq} signed ${plural(signed, "record")} of it, ${stored} ${stored === 1 ? "is" : "are"} stored and they differ from what was signed (altered, deleted or inserted after signing)`;

/** What a verification read, for its summary line. */
export interface VerifyCounts {
  checkpoints: number;
  sessions: number;
  events: number;
  /** Records not signed by any checkpoint yet (stored since the latest one). */
  unsigned: number;
  /** Sessions purged, each accounted for by a valid tombstone. */
  purged: number;
}

export interface VerifyReport {
  problems: Problem[];
  /** What is worth knowing and not wrong (unsigned records, where the keys came from). */
  notes: string[];
  counts: VerifyCounts;
}

type Records = { sessions: TrailSession[]; events: TrailEvent[]; ends: TrailSession[] };
const noRecords = (): Records => ({ sessions: [], events: [], ends: [] });

/**
 * Verifies the whole trail as `GET /trail.ndjson` streams it: each checkpoint (or the mark of one that is
 * missing) followed by the records it signed, then the records not signed yet. Call the methods in
 * stream order and {@link finish} at the end.
 *
 * @example
 * const v = new TrailVerifier(jwks);
 * for await (const line of lines) await v.line(line);
 * const { problems } = await v.finish();
 */
export class TrailVerifier {
  private readonly chain = new ChainChecker();
  private readonly problems: Problem[] = [];
  private readonly notes: string[] = [];
  private readonly counts: VerifyCounts = {
    checkpoints: 0,
    sessions: 0,
    events: 0,
    unsigned: 0,
    purged: 0,
  };
  /** The spans valid tombstones give purged sessions, by checkpoint, then session. */
  private readonly purgedSpans = new Map<number, Map<string, TombstoneSpan & { at: string }>>();
  private current: { seq: number; row: TrailCheckpoint | null; records: Records } | null = null;
  private previous: { seq: number; hash: string } | null = null;
  /** Whether any checkpoint (or the mark of a missing one) was read yet. */
  private started = false;
  private latest: { seq: number; at: Date } | null = null;
  private unsignedMode = false;
  private readonly spanProblems: { session: string; checkpoint: number; what: string }[] = [];
  private done = false;
  /** Checkpoint hashes a witness kept (a copy of GET /checkpoints taken earlier), by seq. */
  private readonly witnessed = new Map<number, string>();
  private readonly seen = new Set<number>();

  constructor(
    private readonly jwks: JSONWebKeySet,
    private readonly o: { partial?: boolean } = {},
  ) {}

  /**
   * Copies of checkpoints a witness kept (from GET /checkpoints, earlier): each must still be stored as
   * it was. Catches what the store alone cannot: records rewritten with the newest checkpoints deleted and
   * signed afresh. Call before the stream's lines.
   */
  async witness(copies: readonly TrailCheckpoint[], label = "the witness copy") {
    for (const c of copies) {
      const before = this.problems.length;
      const payload = await checkCheckpoint(c, this.jwks, this.problems);
      // A copy that does not verify says nothing about the store; it is reported as the copy's own problem.
      for (const p of this.problems.splice(before))
        this.problems.push({ ...p, what: `in ${label}: ${p.what}` });
      if (payload) this.witnessed.set(c.seq, checkpointHash(c.jws));
    }
    this.witnessLabel = label;
  }
  private witnessLabel = "the witness copy";

  /** One line of the stream, parsed. */
  async line(line: TrailLine): Promise<void> {
    switch (line.type) {
      case "checkpoint":
        return this.checkpoint(
          line.missing ? { seq: line.seq, row: null } : { seq: line.seq, row: line.checkpoint },
        );
      case "session":
        return this.record("sessions", line.session);
      case "end":
        return this.record("ends", line.session);
      case "event":
        return this.record("events", line.event);
      case "tombstone":
        return this.tombstone(line.tombstone);
      case "unsigned":
        await this.close();
        this.unsignedMode = true;
        return;
      case "done":
        this.done = true;
        return;
    }
  }

  /** A purged session's tombstone (the stream sends them before the checkpoints). */
  private async tombstone(t: TrailTombstone) {
    const read = await readTombstone(t, this.jwks);
    const session = t.sessionId.toLowerCase();
    if ("problem" in read) {
      this.problems.push({ session, what: read.problem });
      return;
    }
    this.counts.purged++;
    for (const span of read.payload.spans) {
      const spans = this.purgedSpans.get(span.checkpoint) ?? new Map();
      spans.set(session, { ...span, at: read.payload.purgedAt });
      this.purgedSpans.set(span.checkpoint, spans);
    }
  }

  private record<K extends keyof Records>(kind: K, r: Records[K][number]) {
    if (this.unsignedMode) {
      this.counts.unsigned++;
      if (kind === "sessions") {
        this.chain.identity(r as TrailSession);
        this.counts.sessions++;
      } else if (kind === "ends") this.chain.end(r as TrailSession);
      else {
        this.chain.event(r as TrailEvent);
        this.counts.events++;
      }
      return;
    }
    if (!this.current) throw new TypeError(`a ${kind} record before any checkpoint`);
    (this.current.records[kind] as Records[K][number][]).push(r);
  }

  private async checkpoint(c: { seq: number; row: TrailCheckpoint | null }) {
    await this.close();
    this.current = { seq: c.seq, row: c.row, records: noRecords() };
  }

  /** Checks the checkpoint read so far against its records. */
  private async close() {
    const cur = this.current;
    this.current = null;
    if (!cur) return;
    const { seq, row, records } = cur;
    this.counts.checkpoints++;
    this.counts.sessions += records.sessions.length;
    this.counts.events += records.events.filter((e) => e.checkpoint === seq).length;
    for (const s of records.sessions) this.chain.identity(s);
    for (const e of records.events) if (e.checkpoint === seq) this.chain.event(e);
    for (const s of records.ends) this.chain.end(s);

    const prev = this.previous;
    const started = this.started;
    this.started = true;
    if (prev && seq > prev.seq + 1)
      for (let missing = prev.seq + 1; missing < seq; missing++)
        this.problems.push({
          checkpoint: missing,
          what: "missing: the checkpoint after it chains past it (deleted)",
        });
    if (!row) {
      this.seen.add(seq);
      this.problems.push({
        checkpoint: seq,
        what: `missing: ${plural(records.sessions.length + records.events.length + records.ends.length, "stored record")} name it as their checkpoint, but it is not stored (deleted)`,
      });
      this.previous = null;
      return;
    }
    const payload = await checkCheckpoint(row, this.jwks, this.problems);
    const signedPrev = payload?.prev ?? row.prevHash;
    if (prev && prev.seq === seq - 1 && signedPrev !== prev.hash)
      this.problems.push({
        checkpoint: seq,
        what: `not chained to checkpoint ${seq - 1} (checkpoint ${seq - 1} was altered or replaced)`,
      });
    if (!prev && seq === 1 && signedPrev !== "")
      this.problems.push({ checkpoint: 1, what: "the first checkpoint chains to one before it" });
    if (!prev && !started && seq > 1 && !this.o.partial)
      for (let missing = 1; missing < seq; missing++)
        this.problems.push({ checkpoint: missing, what: "missing: checkpoints start later (deleted)" });
    this.previous = { seq, hash: checkpointHash(row.jws) };
    this.seen.add(seq);
    const kept = this.witnessed.get(seq);
    if (kept !== undefined && kept !== this.previous.hash)
      this.problems.push({
        checkpoint: seq,
        what: `differs from ${this.witnessLabel}: replaced after it was witnessed (the records it signed may have been rewritten)`,
      });
    if (!this.latest || seq > this.latest.seq) this.latest = { seq, at: new Date(row.at) };

    const leaves = checkpointLeaves(seq, records);
    const root = payload?.root ?? row.root;
    const purged = this.purgedSpans.get(seq);
    if (!purged && merkleRoot(leafHashes(leaves)) === root) return;
    if (purged && payload) {
      if (!payload.spans) {
        for (const session of purged.keys())
          this.problems.push({
            checkpoint: seq,
            session,
            what: "purged, but this checkpoint (form 1) signed no per-session spans, so its tombstone cannot show what it removed",
          });
        return;
      }
      // A purged session's signed span must be exactly what its tombstone kept, and nothing of it stored.
      const signedBy = new Map(payload.spans.map((sp) => [sp.session, sp]));
      for (const [session, kept] of purged) {
        const signed = signedBy.get(session);
        const stored = leaves.filter((l) => l.sessionId === session).length;
        if (!signed)
          this.problems.push({
            checkpoint: seq,
            session,
            what: `its tombstone names checkpoint ${seq}, which signed none of this session's records`,
          });
        else if (signed.size !== kept.size || signed.root !== kept.root)
          this.problems.push({
            checkpoint: seq,
            session,
            what: `purged at ${kept.at}, but what it removed differs from what checkpoint ${seq} signed (${plural(signed.size, "record")} signed, ${kept.size} purged): altered before the purge`,
          });
        else if (stored > 0)
          this.problems.push({
            checkpoint: seq,
            session,
            what: `purged at ${kept.at}, but ${plural(stored, "record")} of it ${stored === 1 ? "is" : "are"} stored again`,
          });
      }
      const spans = payload.spans.filter((sp) => !purged.has(sp.session));
      const rest = leaves.filter((l) => !purged.has(l.sessionId));
      const differ = compareSpans(seq, spans, rest, spanDiffers(seq));
      for (const [session, what] of differ) this.spanProblems.push({ session, checkpoint: seq, what });
      return;
    }
    if (payload?.spans) {
      const differ = compareSpans(seq, payload.spans, leaves, spanDiffers(seq));
      for (const [session, what] of differ) this.spanProblems.push({ session, checkpoint: seq, what });
      if (differ.size > 0) return;
    }
    this.problems.push({
      checkpoint: seq,
      what: `its records do not hash to the signed root (signed ${plural(payload?.size ?? row.size, "record")}, ${leaves.length} stored): altered, deleted or inserted after signing`,
    });
  }

  async finish(): Promise<VerifyReport> {
    await this.close();
    if (!this.done)
      this.problems.push({
        what: "the trail's stream ended early: what follows the last record was not checked",
      });
    const first = Math.min(...this.seen);
    for (const seq of this.witnessed.keys())
      if (!this.seen.has(seq) && !(this.o.partial && !(seq > first)))
        this.problems.push({
          checkpoint: seq,
          what: `in ${this.witnessLabel}, but not stored any more (deleted)`,
        });
    const chainProblems = this.chain.finish({ partial: this.o.partial ?? false });
    // A session whose own records say what is wrong needs no second line saying its span differs.
    for (const s of this.spanProblems)
      if (!this.chain.troubled.has(s.session))
        this.problems.push({ checkpoint: s.checkpoint, session: s.session, what: s.what });
    if (this.counts.unsigned > 0)
      this.notes.push(
        `${plural(this.counts.unsigned, "record")} stored since the latest checkpoint ${this.latest ? `(${this.latest.seq}, at ${this.latest.at.toISOString()}) ` : ""}${this.counts.unsigned === 1 ? "is" : "are"} not signed yet; the next checkpoint signs them`,
      );
    return { problems: [...this.problems, ...chainProblems], notes: this.notes, counts: this.counts };
  }
}

/** A line of the `GET /trail.ndjson` stream. */
export type TrailLine =
  | { type: "checkpoint"; seq: number; missing?: false; checkpoint: TrailCheckpoint }
  | { type: "checkpoint"; seq: number; missing: true }
  | { type: "session"; session: TrailSession }
  | { type: "end"; session: TrailSession }
  | { type: "event"; event: TrailEvent }
  | { type: "tombstone"; tombstone: TrailTombstone }
  | { type: "unsigned" }
  | { type: "done"; checkpoints: number; records: number };

// ── Bundles ────────────────────────────────────────────────────────────────────────────────────────

export const BUNDLE_FORMAT = "session-buddy-bundle";
export const BUNDLE_VERSION = 1;

/** A record's inclusion proof: its leaf's position in a checkpoint's tree and its audit path. */
export interface BundleProof {
  leaf: LeafKind;
  /** The event's seq for event and completion leaves; null for the session and end leaves. */
  seq: number | null;
  checkpoint: number;
  index: number;
  path: string[];
}

/** One session's signed record, verifiable offline. */
export interface Bundle {
  format: typeof BUNDLE_FORMAT;
  version: number;
  exportedAt: string;
  /** The service's public keys when it exported (check them against its /.well-known/jwks.json). */
  keys: JSONWebKeySet;
  session: TrailSession;
  events: TrailEvent[];
  proofs: BundleProof[];
  checkpoints: TrailCheckpoint[];
  /** A JWS over the {@link BundleManifest}. */
  signature: string;
}

/** What a bundle's signature signs. */
export interface BundleManifest {
  v: number;
  session: string;
  exportedAt: string;
  events: number;
  /** The seqs of the events exported, as ranges. */
  seqs: [number, number][];
  /** SHA-256 (hex) of the canonical JSON of {session, events, proofs, checkpoints}. */
  digest: string;
}

export function bundleDigest(b: Pick<Bundle, "session" | "events" | "proofs" | "checkpoints">): string {
  const text = canonicalize({
    session: b.session,
    events: b.events,
    proofs: b.proofs,
    checkpoints: b.checkpoints,
  });
  return createHash("sha256")
    .update(text ?? "")
    .digest("hex");
}

/** The seqs of events as ranges. */
export function seqRanges(seqs: Iterable<number>): [number, number][] {
  const r = new SeqRanges();
  for (const s of seqs) r.add(s);
  return r.toJSON();
}

const isBundle = (b: unknown): b is Bundle => {
  const x = b as Partial<Bundle> | null;
  return (
    !!x &&
    typeof x === "object" &&
    x.format === BUNDLE_FORMAT &&
    typeof x.signature === "string" &&
    !!x.session &&
    Array.isArray(x.events) &&
    Array.isArray(x.proofs) &&
    Array.isArray(x.checkpoints)
  );
};

/** What a leaf is, as a problem about it says (its seq, if any, is named before). */
const leafName = (kind: LeafKind) =>
  kind === "event"
    ? "the event"
    : kind === "completion"
      ? "its completion"
      : kind === "session"
        ? "its identity"
        : "its end";

/**
 * Verifies a bundle offline: its signature and digest, each checkpoint's signature, each record's
 * inclusion proof against the root its checkpoint signed, that the bundle holds every record of the
 * session a checkpoint signed, and the session's hash chain. `keys`: the service's public keys (its
 * /.well-known/jwks.json); without them the keys the bundle carries are used, and a note says so.
 */
export async function verifyBundle(input: unknown, keys?: JSONWebKeySet): Promise<VerifyReport> {
  const problems: Problem[] = [];
  const notes: string[] = [];
  const counts: VerifyCounts = { checkpoints: 0, sessions: 0, events: 0, unsigned: 0, purged: 0 };
  if (!isBundle(input)) {
    problems.push({
      bundle: true,
      what: `not a Session-Buddy bundle (expected "format": "${BUNDLE_FORMAT}")`,
    });
    return { problems, notes, counts };
  }
  const b = input;
  if (b.version !== BUNDLE_VERSION)
    problems.push({
      bundle: true,
      what: `version ${String(b.version)} is not one this verifier knows (${BUNDLE_VERSION})`,
    });
  const jwks = keys ?? b.keys;
  if (!keys)
    notes.push(
      "checked against the keys the bundle carries: pass --key with a copy of the service's /.well-known/jwks.json to check them independently",
    );
  const session = b.session.id.toLowerCase();

  // The bundle as exported.
  try {
    const manifest = JSON.parse(
      new TextDecoder().decode(await verifySigned(b.signature, jwks)),
    ) as BundleManifest;
    if (manifest.session !== session)
      problems.push({
        bundle: true,
        what: `its signature is for session ${manifest.session}, not ${session}`,
      });
    if (manifest.digest !== bundleDigest(b)) {
      const held = new Set(b.events.map((e) => e.seq));
      const gone: number[] = [];
      for (const [from, to] of manifest.seqs) for (let q = from; q <= to; q++) if (!held.has(q)) gone.push(q);
      const removed = seqRanges(gone).map(([from, to]) => seqText(from, to));
      problems.push({
        bundle: true,
        what:
          gone.length > 0
            ? `truncated after export: it holds ${b.events.length} of the ${manifest.events} events exported (${removed.join(", ")} removed)`
            : "altered after export: its content does not match the signed digest",
      });
    }
  } catch (err) {
    problems.push({
      bundle: true,
      what: `its signature does not verify with the service's keys (${(err as Error).message}): altered, or not exported by this service`,
    });
  }

  // The checkpoints it carries.
  const signed = new Map<number, CheckpointPayload>();
  const bySeq = [...b.checkpoints].sort((x, y) => x.seq - y.seq);
  for (const c of bySeq) {
    counts.checkpoints++;
    const payload = await checkCheckpoint(c, jwks, problems);
    if (payload) signed.set(c.seq, payload);
  }
  for (let i = 1; i < bySeq.length; i++) {
    const [before, c] = [bySeq[i - 1]!, bySeq[i]!];
    const prev = signed.get(c.seq)?.prev;
    if (c.seq === before.seq + 1 && prev !== undefined && prev !== checkpointHash(before.jws))
      problems.push({
        checkpoint: c.seq,
        what: `not chained to checkpoint ${before.seq} (altered or replaced)`,
      });
  }

  // Each record against the root that signed it.
  const proofs = new Map(b.proofs.map((p) => [`${p.checkpoint}/${p.leaf}/${p.seq ?? ""}`, p]));
  const chain = new ChainChecker();
  const troubled = new Set<string>();
  const leaves = sessionLeaves(b.session, b.events);
  for (const [c, list] of leaves) {
    const payload = signed.get(c);
    if (!payload) {
      if (!b.checkpoints.some((x) => x.seq === c))
        problems.push({
          checkpoint: c,
          session,
          what: `${plural(list.length, "record")} name it as their checkpoint, but the bundle does not carry it`,
        });
      continue;
    }
    for (const { leaf, seq } of list) {
      const proof = proofs.get(`${c}/${leaf.kind}/${seq ?? ""}`);
      const name = leafName(leaf.kind);
      const where: Problem = {
        checkpoint: c,
        session,
        ...(seq !== null ? { seq } : leaf.kind === "end" ? { seq: "end" as const } : {}),
        what: "",
      };
      if (!proof) {
        troubled.add(`${leaf.kind}/${seq}`);
        problems.push({ ...where, what: `${name} has no inclusion proof in the bundle` });
      } else if (rootFromProof(leafHash(leaf.data), proof.index, payload.size, proof.path) !== payload.root) {
        troubled.add(`${leaf.kind}/${seq}`);
        problems.push({
          ...where,
          what: `${name} is not what checkpoint ${c} signed: altered after signing`,
        });
      }
    }
    const span = payload.spans?.find((s) => s.session === session);
    if (span && troubled.size === 0) {
      const mine = spansOf(list.map((l) => l.leaf))[0];
      if (!mine || mine.size !== span.size || mine.root !== span.root)
        problems.push({
          checkpoint: c,
          session,
          what: `checkpoint ${c} signed ${plural(span.size, "record")} of this session, the bundle holds ${mine?.size ?? 0} that match: records were removed or altered`,
        });
    }
  }

  chain.identity(b.session);
  if (b.session.status === SessionStatuses.ENDED) chain.end(b.session);
  for (const e of b.events) {
    if (e.sessionId.toLowerCase() !== session) {
      problems.push({ session, seq: e.seq, what: `belongs to session ${e.sessionId}, not this one` });
      continue;
    }
    chain.event(e);
  }
  counts.sessions = 1;
  counts.events = b.events.length;
  counts.unsigned =
    (b.session.checkpoint === null ? 1 : 0) + b.events.filter((e) => e.checkpoint === null).length;
  if (counts.unsigned > 0)
    notes.push(`${plural(counts.unsigned, "record")} had not been signed by a checkpoint yet when exported`);
  problems.push(...chain.finish());
  return { problems, notes, counts };
}
