/**
 * The trail as verifiers read it: every checkpoint with the records it signed, streamed (`GET
 * /trail.ndjson`, checked by `session-buddy verify --all`), and one session's signed bundle (`GET
 * /trail/sessions/<id>`, written by `session-buddy export --signed`, checked offline by `session-buddy
 * verify FILE`). Both carry the records as stored, so the verifier recomputes every hash and root itself
 * (contract/verify.ts); nothing here vouches for them.
 */
import canonicalize from "canonicalize";
import { type AnyColumn, and, asc, eq, gt, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { SessionStatuses } from "../../contract/enums.js";
import { MerkleTree } from "../../contract/merkle.js";
import { leafHashes, sessionLeaves } from "../../contract/trail.js";
import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  type Bundle,
  type BundleManifest,
  type BundleProof,
  bundleDigest,
  checkpointLeaves,
  seqRanges,
  type TrailCheckpoint,
  type TrailEvent,
  type TrailLine,
  type TrailSession,
} from "../../contract/verify.js";
import type { Db } from "../../db/connection.js";
import { checkpoints, sessionEvents, sessions, tombstones } from "../../db/schema.js";
import type { SigningKey } from "./signing-key.js";

/** The session columns a trail line carries (not the environment, metadata or counters). */
export const sessionColumns = {
  id: sessions.id,
  component: sessions.component,
  type: sessions.type,
  actor: sessions.actor,
  startedAt: sessions.startedAt,
  username: sessions.username,
  hostname: sessions.hostname,
  pid: sessions.pid,
  reasonText: sessions.reasonText,
  reasonTicket: sessions.reasonTicket,
  actorKind: sessions.actorKind,
  actorKindSource: sessions.actorKindSource,
  delegatedBy: sessions.delegatedBy,
  startHash: sessions.startHash,
  sessionHash: sessions.sessionHash,
  status: sessions.status,
  endedAt: sessions.endedAt,
  endReason: sessions.endReason,
  exitCode: sessions.exitCode,
  lastSeq: sessions.lastSeq,
  endHash: sessions.endHash,
  endPrevHash: sessions.endPrevHash,
  checkpoint: sessions.checkpoint,
  endCheckpoint: sessions.endCheckpoint,
  receivedAt: sessions.receivedAt,
};

export const eventColumns = {
  id: sessionEvents.id,
  sessionId: sessionEvents.sessionId,
  seq: sessionEvents.seq,
  kind: sessionEvents.kind,
  at: sessionEvents.at,
  text: sessionEvents.text,
  redactions: sessionEvents.redactions,
  hash: sessionEvents.hash,
  prevHash: sessionEvents.prevHash,
  hashOk: sessionEvents.hashOk,
  outcome: sessionEvents.outcome,
  durationMs: sessionEvents.durationMs,
  errorClass: sessionEvents.errorClass,
  payload: sessionEvents.payload,
  capturePayload: sessionEvents.capturePayload,
  completionHash: sessionEvents.completionHash,
  completionResult: sessionEvents.completionResult,
  checkpoint: sessionEvents.checkpoint,
  completionCheckpoint: sessionEvents.completionCheckpoint,
  receivedAt: sessionEvents.receivedAt,
};

const checkpointRow = (c: typeof checkpoints.$inferSelect): TrailCheckpoint => ({
  ...c,
  at: c.at.toISOString(),
});

/** Checkpoints read per round trip, and about how many records they may sign together. */
const PAGE_CHECKPOINTS = 500;
const PAGE_RECORDS = 20_000;
const UNSIGNED_PAGE = 5_000;

const emptyGroup = () => ({
  sessions: [] as TrailSession[],
  events: [] as TrailEvent[],
  ends: [] as TrailSession[],
});

/** The records of checkpoints `from`..`to` (inclusive), grouped by the checkpoint that signed them. */
async function recordsOf(db: Db, from: number, to: number | null) {
  const within = (col: AnyColumn) => (to === null ? gt(col, from - 1) : and(gt(col, from - 1), lte(col, to)));
  const [signedSessions, events, ends] = await Promise.all([
    db.select(sessionColumns).from(sessions).where(within(sessions.checkpoint)),
    db
      .select(eventColumns)
      .from(sessionEvents)
      .where(
        or(
          within(sessionEvents.checkpoint),
          and(
            within(sessionEvents.completionCheckpoint),
            sql`${sessionEvents.completionCheckpoint} is distinct from ${sessionEvents.checkpoint}`,
          ),
        ),
      )
      .orderBy(asc(sessionEvents.sessionId), asc(sessionEvents.seq)),
    db.select(sessionColumns).from(sessions).where(within(sessions.endCheckpoint)),
  ]);
  const groups = new Map<number, { sessions: TrailSession[]; events: TrailEvent[]; ends: TrailSession[] }>();
  const group = (seq: number) => {
    const g = groups.get(seq) ?? emptyGroup();
    groups.set(seq, g);
    return g;
  };
  const inRange = (n: number | null): n is number => n !== null && n >= from && (to === null || n <= to);
  for (const s of signedSessions) group(s.checkpoint!).sessions.push(s);
  for (const e of events) {
    if (inRange(e.checkpoint)) group(e.checkpoint).events.push(e);
    if (inRange(e.completionCheckpoint) && e.completionCheckpoint !== e.checkpoint)
      group(e.completionCheckpoint).events.push(e);
  }
  for (const s of ends) group(s.endCheckpoint!).ends.push(s);
  return groups;
}

function* linesOf(seq: number, row: TrailCheckpoint | null, g: ReturnType<typeof emptyGroup> | undefined) {
  yield row
    ? ({ type: "checkpoint", seq, checkpoint: row } as const)
    : ({ type: "checkpoint", seq, missing: true } as const);
  if (!g) return;
  for (const session of g.sessions) yield { type: "session", session } as const;
  for (const event of g.events) yield { type: "event", event } as const;
  for (const session of g.ends) yield { type: "end", session } as const;
}

/**
 * The whole trail, as the lines of `GET /trail.ndjson`: the tombstones of purged sessions; each checkpoint
 * in order (or the mark of a seq records name but no stored checkpoint has) followed by the records it
 * signed; then the records not signed yet; then a `done` line, so a reader can tell a complete stream from a cut one. `since`: start at
 * the first checkpoint signed at or after that time (the verifier then checks only what it reads).
 *
 * @example
 * for await (const line of streamTrail(db)) res.write(`${JSON.stringify(line)}\n`);
 */
export async function* streamTrail(db: Db, o: { since?: Date } = {}): AsyncGenerator<TrailLine> {
  // Purged sessions first, so the verifier knows what each checkpoint lost to a purge.
  for await (const tombstone of pages<{ sessionId: string; jws: string }>((last) =>
    db
      .select({ sessionId: tombstones.sessionId, jws: tombstones.jws })
      .from(tombstones)
      .where(last ? gt(tombstones.sessionId, last.sessionId) : undefined)
      .orderBy(asc(tombstones.sessionId))
      .limit(UNSIGNED_PAGE),
  ))
    yield { type: "tombstone", tombstone };
  let after = 0;
  if (o.since) {
    const [before] = await db
      .select({ seq: sql<number>`coalesce(max(${checkpoints.seq}), 0)`.mapWith(Number) })
      .from(checkpoints)
      .where(lt(checkpoints.at, o.since));
    after = before?.seq ?? 0;
  }
  let emitted = 0;
  let records = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(checkpoints)
      .where(gt(checkpoints.seq, after))
      .orderBy(asc(checkpoints.seq))
      .limit(PAGE_CHECKPOINTS);
    if (rows.length === 0) break;
    // As many checkpoints as together signed about PAGE_RECORDS records (at least one).
    let total = 0;
    let take = 0;
    while (take < rows.length && (take === 0 || total + rows[take]!.size <= PAGE_RECORDS))
      total += rows[take++]!.size;
    const page = rows.slice(0, take);
    const to = page.at(-1)!.seq;
    const groups = await recordsOf(db, after + 1, to);
    const bySeq = new Map(page.map((r) => [r.seq, r]));
    for (let seq = after + 1; seq <= to; seq++) {
      const row = bySeq.get(seq);
      const g = groups.get(seq);
      if (!row && !g) {
        yield { type: "checkpoint", seq, missing: true };
        emitted++;
        continue;
      }
      for (const line of linesOf(seq, row ? checkpointRow(row) : null, g)) {
        if (line.type !== "checkpoint") records++;
        yield line;
      }
      emitted++;
    }
    after = to;
  }
  // Records naming a checkpoint after the last one stored: that one was deleted.
  const orphans = await recordsOf(db, after + 1, null);
  for (const seq of [...orphans.keys()].sort((a, b) => a - b))
    for (const line of linesOf(seq, null, orphans.get(seq))) {
      if (line.type !== "checkpoint") records++;
      else emitted++;
      yield line;
    }

  yield { type: "unsigned" };
  for await (const session of pages<TrailSession>((last) =>
    db
      .select(sessionColumns)
      .from(sessions)
      .where(and(isNull(sessions.checkpoint), last ? gt(sessions.id, last.id) : undefined))
      .orderBy(asc(sessions.id))
      .limit(UNSIGNED_PAGE),
  )) {
    records++;
    yield { type: "session", session };
  }
  for await (const event of pages<TrailEvent>((last) =>
    db
      .select(eventColumns)
      .from(sessionEvents)
      .where(
        and(
          isNull(sessionEvents.checkpoint),
          last
            ? sql`(${sessionEvents.sessionId}, ${sessionEvents.seq}) > (${last.sessionId}::uuid, ${last.seq}::int)`
            : undefined,
        ),
      )
      .orderBy(asc(sessionEvents.sessionId), asc(sessionEvents.seq))
      .limit(UNSIGNED_PAGE),
  )) {
    records++;
    yield { type: "event", event };
  }
  for await (const session of pages<TrailSession>((last) =>
    db
      .select(sessionColumns)
      .from(sessions)
      .where(
        and(
          isNull(sessions.endCheckpoint),
          eq(sessions.status, SessionStatuses.ENDED),
          last ? gt(sessions.id, last.id) : undefined,
        ),
      )
      .orderBy(asc(sessions.id))
      .limit(UNSIGNED_PAGE),
  )) {
    records++;
    yield { type: "end", session };
  }
  yield { type: "done", checkpoints: emitted, records };
}

async function* pages<T>(next: (last: T | undefined) => Promise<T[]>): AsyncGenerator<T> {
  let last: T | undefined;
  for (;;) {
    const page = await next(last);
    yield* page;
    if (page.length < UNSIGNED_PAGE) return;
    last = page.at(-1);
  }
}

/**
 * One session's signed bundle: the session and its events as stored, each record's inclusion proof in
 * the checkpoint that signed it, those checkpoints, the service's public keys, and the service's
 * signature over all of it (so a bundle cut or edited after export is told apart from the store). Null
 * when there is no such session.
 */
export async function buildBundle(
  db: Db,
  key: SigningKey,
  sessionId: string,
  now = new Date(),
): Promise<Bundle | null> {
  const [session] = await db.select(sessionColumns).from(sessions).where(eq(sessions.id, sessionId));
  if (!session) return null;
  const events = await db
    .select(eventColumns)
    .from(sessionEvents)
    .where(eq(sessionEvents.sessionId, sessionId))
    .orderBy(asc(sessionEvents.seq));
  const mine = sessionLeaves(session, events);
  const covering = [...mine.keys()].sort((a, b) => a - b);
  const proofs: BundleProof[] = [];
  for (const seq of covering) {
    const all = checkpointLeaves(seq, (await recordsOf(db, seq, seq)).get(seq) ?? emptyGroup());
    const tree = new MerkleTree(leafHashes(all));
    const index = new Map(all.map((l, i) => [l.data, i]));
    for (const { leaf, seq: eventSeq } of mine.get(seq) ?? []) {
      const i = index.get(leaf.data);
      // A record of this session that its checkpoint's records do not hold cannot be proved: the bundle
      // goes without that proof and the verifier names it.
      if (i !== undefined)
        proofs.push({ leaf: leaf.kind, seq: eventSeq, checkpoint: seq, index: i, path: tree.proof(i) });
    }
  }
  const signedBy =
    covering.length > 0
      ? (
          await db
            .select()
            .from(checkpoints)
            .where(inArray(checkpoints.seq, covering))
            .orderBy(asc(checkpoints.seq))
        ).map(checkpointRow)
      : [];
  const content = { session, events, proofs, checkpoints: signedBy };
  // What is signed is what a reader parses back: dates as ISO strings.
  const parsed = JSON.parse(JSON.stringify(content)) as typeof content;
  const exportedAt = now.toISOString();
  const manifest: BundleManifest = {
    v: BUNDLE_VERSION,
    session: session.id.toLowerCase(),
    exportedAt,
    events: events.length,
    seqs: seqRanges(events.map((e) => e.seq)),
    digest: bundleDigest(parsed),
  };
  const signature = await key.sign(new TextEncoder().encode(canonicalize(manifest)));
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    exportedAt,
    keys: key.jwks,
    ...parsed,
    signature,
  };
}
