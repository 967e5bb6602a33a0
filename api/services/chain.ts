/**
 * The service's side of the hash chain (contract/chain.ts): recompute what the shell hashed at ingest,
 * store the hashes with a flag where they do not match, check the links between stored records, and say
 * how complete a session's record is.
 *
 * Nothing here drops a record: an event whose hash does not match is stored with `hash_ok = false` and
 * its session's `broken_seq` names the first place the chain failed, so `completeness` says BROKEN.
 */

import { type SQL, sql } from "drizzle-orm";
import { completionHash, endHash, eventHash, sessionHash, startHash } from "../../contract/chain.js";
import { BROKEN_AT_END } from "../../contract/completeness.js";
import { Completenesses, SessionStatuses } from "../../contract/enums.js";
import type { SessionEnd, SessionEventIn, SessionStart } from "../../contract/models.js";
import type { Db, Tx } from "../../db/connection.js";
import { type Rows, rowsOf } from "../../db/rows.js";
import { sessionEvents, sessions, sqlText } from "../../db/schema.js";

/** The chain columns of a session starting. */
export function startChain(
  input: SessionStart,
  actor: string,
  startedAt: Date,
  kind: { actorKind: string | null; actorKindSource: string | null; delegatedBy: string | null },
) {
  const root = input.hash ?? null;
  const ok = root === null || startHash(input) === root;
  return {
    startHash: root,
    sessionHash: sessionHash({
      id: input.id,
      component: input.component,
      type: input.type,
      actor,
      startedAt,
      username: input.username ?? null,
      hostname: input.hostname ?? null,
      pid: input.pid ?? null,
      startHash: root,
      reasonText: input.reason?.text ?? null,
      reasonTicket: input.reason?.ticketRef ?? null,
      ...kind,
    }),
    brokenSeq: ok ? null : 0,
  };
}

/** The completion an event carries, when it carries one. */
const completionIn = (e: SessionEventIn) =>
  e.outcome
    ? { outcome: e.outcome, durationMs: e.durationMs, errorClass: e.errorClass, result: e.result }
    : null;

/** Whether a completion sent for a command whose hash is `commandHash` hashes to what it claims. */
export function completionMatches(commandHash: string, e: SessionEventIn): boolean {
  const c = completionIn(e);
  return !!c && !!e.completionHash && completionHash(commandHash, c) === e.completionHash;
}

/**
 * The payload stored for an event: as captured, with what a completion adds (and the captured one kept),
 * and a chained completion's result as sent (what its completion hash covers).
 */
export function payloadOf(stored: Record<string, unknown>, e: SessionEventIn) {
  const adds = e.result && Object.keys(e.result).length > 0 ? e.result : null;
  const completionResult = e.completionHash ? (e.result ?? null) : null;
  return adds
    ? { payload: { ...stored, ...adds }, capturePayload: stored, completionResult }
    : { payload: stored, completionResult };
}

/**
 * The chain columns of an event arriving: its hash as sent, and whether its content (as captured: without
 * a completion that came with it) and prevHash hash to it, and the completion to its completion hash.
 */
export function eventChain(e: SessionEventIn) {
  const completionHash = e.completionHash ?? null;
  if (!e.hash) return { hash: null, prevHash: e.prevHash ?? null, hashOk: null, completionHash };
  const captured = completionHash ? { ...e, outcome: null, durationMs: null, errorClass: null } : e;
  const ok =
    !!e.prevHash &&
    eventHash(e.prevHash, captured) === e.hash &&
    (!completionHash || completionMatches(e.hash, e));
  return { hash: e.hash, prevHash: e.prevHash ?? null, hashOk: ok, completionHash };
}

/** The chain columns of a session ending. */
export function endChain(input: SessionEnd) {
  const lastSeq = input.lastSeq ?? null;
  if (!input.hash) return { lastSeq, endHash: null, endPrevHash: input.prevHash ?? null, endOk: true };
  const ok =
    !!input.prevHash && lastSeq !== null && endHash(input.prevHash, { ...input, lastSeq }) === input.hash;
  return { lastSeq, endHash: input.hash, endPrevHash: input.prevHash ?? null, endOk: ok };
}

/** `broken_seq` moved to `seq` when that is earlier along the chain (the start, then events, then the end). */
export const brokenAt = (seq: number): SQL =>
  sql`(case when ${sessions.brokenSeq} is null or ${sessions.brokenSeq} = ${BROKEN_AT_END} then ${seq}::int
    when ${seq}::int = ${BROKEN_AT_END} then ${sessions.brokenSeq}
    else least(${sessions.brokenSeq}, ${seq}::int) end)`;

/**
 * Finds links that do not match among the events of `eventIds` and their successors (each event's
 * prevHash against the stored hash before it, seq 1's against the start), and the end's against its last
 * event, and lowers those sessions' `broken_seq`. Links to a record not stored yet are checked when it
 * arrives.
 */
export async function checkLinks(tx: Db | Tx, sessionIds: readonly string[], eventIds: readonly string[]) {
  if (sessionIds.length === 0) return;
  const ids = sql.join(
    sessionIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const events =
    eventIds.length > 0
      ? sql`
    with touched as (
      select session_id, seq from ${sessionEvents} where id in (${sql.join(
        eventIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})
    ), near as (
      select session_id, seq from touched union select session_id, seq + 1 from touched
    )
    select b.session_id, min(b.seq) as seq
    from near n
    join ${sessionEvents} b on b.session_id = n.session_id and b.seq = n.seq
    join ${sessions} s on s.id = b.session_id
    left join ${sessionEvents} p on p.session_id = b.session_id and p.seq = b.seq - 1
    where (b.hash is not null or b.prev_hash is not null)
      and ((b.seq = 1 and b.prev_hash is distinct from s.start_hash)
        or (b.seq > 1 and p.id is not null and b.prev_hash is distinct from p.hash)
        or b.hash_ok is false)
    group by b.session_id
    union all`
      : sql``;
  const result = await tx.execute(sql`${events}
    select s.id as session_id, ${BROKEN_AT_END} as seq
    from ${sessions} s
    left join ${sessionEvents} l on l.session_id = s.id and l.seq = s.last_seq
    where s.id in (${ids}) and s.end_hash is not null
      and ((s.last_seq = 0 and s.end_prev_hash is distinct from s.start_hash)
        or (l.id is not null and s.end_prev_hash is distinct from l.hash))`);
  const found = new Map<string, number>();
  for (const r of raw(result)) {
    const id = String(r.session_id);
    const seq = Number(r.seq);
    const prior = found.get(id);
    // The end (-1) counts only when no event failed: the first failure along the chain is named.
    if (prior === undefined || (seq >= 0 && (prior < 0 || seq < prior))) found.set(id, seq);
  }
  for (const [id, seq] of found)
    await tx
      .update(sessions)
      .set({ brokenSeq: brokenAt(seq) })
      .where(sql`${sessions.id} = ${id}::uuid`);
}

/**
 * A session's completeness as SQL over its own columns (usable in a filter and a select): BROKEN when a
 * link failed or events lie beyond the end; GAPPED when fewer seqs are stored than the end (or the
 * highest seq) says; TRUNCATED when abandoned; IN_PROGRESS when live; COMPLETE otherwise.
 */
export const completenessSql: SQL<string> = sql<string>`(case
  when ${sessions.brokenSeq} is not null
    or (${sessions.lastSeq} is not null and ${sessions.maxSeq} > ${sessions.lastSeq})
    then ${sqlText(Completenesses.BROKEN)}
  when ${sessions.eventCount} < greatest(coalesce(${sessions.lastSeq}, 0), ${sessions.maxSeq})
    then ${sqlText(Completenesses.GAPPED)}
  when ${sessions.status} = ${sqlText(SessionStatuses.ABANDONED)} then ${sqlText(Completenesses.TRUNCATED)}
  when ${sessions.status} = ${sqlText(SessionStatuses.ACTIVE)} then ${sqlText(Completenesses.IN_PROGRESS)}
  else ${sqlText(Completenesses.COMPLETE)} end)`;

/** The same rule over a loaded row. */
export function completenessOf(s: {
  brokenSeq: number | null;
  lastSeq: number | null;
  maxSeq: number;
  eventCount: number;
  status: string;
}) {
  if (s.brokenSeq !== null || (s.lastSeq !== null && s.maxSeq > s.lastSeq)) return Completenesses.BROKEN;
  if (s.eventCount < Math.max(s.lastSeq ?? 0, s.maxSeq)) return Completenesses.GAPPED;
  if (s.status === SessionStatuses.ABANDONED) return Completenesses.TRUNCATED;
  if (s.status === SessionStatuses.ACTIVE) return Completenesses.IN_PROGRESS;
  return Completenesses.COMPLETE;
}

/** The seqs missing from a session's record, as ranges, up to the end's lastSeq (or the highest seq). */
export async function missingSeqRanges(
  tx: Db | Tx,
  session: { id: string; lastSeq: number | null; maxSeq: number; eventCount: number },
): Promise<{ from: number; to: number }[]> {
  const upTo = Math.max(session.lastSeq ?? 0, session.maxSeq);
  if (session.eventCount >= upTo) return [];
  const result = await tx.execute(sql`
    select prev + 1 as "from", seq - 1 as "to" from (
      select seq, lag(seq, 1, 0) over (order by seq) as prev
      from ${sessionEvents} where session_id = ${session.id}::uuid
    ) t
    where seq > prev + 1
    order by 1`);
  const ranges = raw(result).map((r) => ({ from: Number(r.from), to: Number(r.to) }));
  // max_seq is the highest seq stored: what the end names beyond it is missing too.
  if (session.maxSeq < upTo) ranges.push({ from: session.maxSeq + 1, to: upTo });
  return ranges;
}

type RawRow = Record<string, unknown>;
const raw = (result: unknown): RawRow[] => rowsOf(result as Rows<RawRow>);
