/**
 * Signed checkpoints: every interval (and soon after sessions end) the service signs the Merkle root of
 * the records stored since the previous checkpoint (contract/trail.ts), chained to that checkpoint's hash,
 * and marks each record with the checkpoint that signed it. Safe with several replicas: a transaction-level
 * advisory lock lets one of them sign at a time, and the others skip that round.
 */
import canonicalize from "canonicalize";
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { SessionStatuses } from "../../contract/enums.js";
import { merkleRoot } from "../../contract/merkle.js";
import {
  CHECKPOINT_VERSION,
  type CheckpointPayload,
  checkpointHash,
  completionLeaf,
  endLeaf,
  eventLeaf,
  type Leaf,
  leafHashes,
  orderLeaves,
  sessionLeaf,
  spansOf,
} from "../../contract/trail.js";
import type { Db } from "../../db/connection.js";
import { type Rows, rowsOf } from "../../db/rows.js";
import { type CheckpointRow, checkpoints, sessionEvents, sessions } from "../../db/schema.js";
import { Periodic } from "../periodic.js";
import type { SigningKey } from "./signing-key.js";

/** Records of each kind one checkpoint signs at most; a backlog is signed by several in a row. */
export const CHECKPOINT_BATCH = 5_000;
/** Key of the advisory lock the replicas take to sign. */
const LOCK_KEY = 0x5b_c4_ec_01;

export interface CheckpointerOptions {
  intervalMs: number;
  /** How long after a session ends its end is signed (ends close together share one checkpoint). */
  endDelayMs?: number;
  batch?: number;
  now?: () => Date;
  logger?: { error(message: string, err?: unknown): void };
}

export class Checkpointer {
  private soon: NodeJS.Timeout | undefined;
  private readonly rounds: Periodic<CheckpointRow[]>;

  constructor(
    private readonly db: Db,
    private readonly key: SigningKey,
    private readonly options: CheckpointerOptions,
  ) {
    this.rounds = new Periodic(
      async () => {
        const signed: CheckpointRow[] = [];
        for (;;) {
          const c = await this.checkpoint();
          if (!c) return signed;
          signed.push(c);
        }
      },
      {
        intervalMs: options.intervalMs,
        fallback: () => [],
        onError: (err) => this.options.logger?.error("checkpoint failed", err),
      },
    );
  }

  start() {
    this.rounds.start();
  }

  async stop() {
    if (this.soon) clearTimeout(this.soon);
    this.soon = undefined;
    await this.rounds.stop();
  }

  /** Asks for a checkpoint shortly (a session ended); calls close together share it. */
  nudge() {
    if (this.soon || !this.rounds.started) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.run();
    }, this.options.endDelayMs ?? 1_000);
    this.soon.unref();
  }

  /**
   * Signs checkpoints until nothing is left unsigned; concurrent calls share the run in flight. Resolves
   * with the checkpoints this replica signed (none when another one holds the lock, or on failure, which
   * is logged: what was not signed is signed by the next run).
   */
  run(): Promise<CheckpointRow[]> {
    return this.rounds.run();
  }

  /** Signs one checkpoint over what is unsigned now; null when nothing is, or another replica is signing. */
  async checkpoint(): Promise<CheckpointRow | null> {
    const limit = this.options.batch ?? CHECKPOINT_BATCH;
    return this.db.transaction(async (tx) => {
      const locked = await tx.execute(sql`select pg_try_advisory_xact_lock(${LOCK_KEY}) as ok`);
      const lock = rowsOf(locked as Rows<{ ok: boolean }>);
      if (!lock[0]?.ok) return null;
      const newSessions = await tx.select().from(sessions).where(isNull(sessions.checkpoint)).limit(limit);
      const newEvents = await tx
        .select()
        .from(sessionEvents)
        .where(isNull(sessionEvents.checkpoint))
        .orderBy(sessionEvents.sessionId, sessionEvents.seq)
        .limit(limit);
      const completions = await tx
        .select()
        .from(sessionEvents)
        .where(
          and(
            isNotNull(sessionEvents.checkpoint),
            isNull(sessionEvents.completionCheckpoint),
            isNotNull(sessionEvents.outcome),
          ),
        )
        .limit(limit);
      const ends = await tx
        .select()
        .from(sessions)
        .where(and(isNull(sessions.endCheckpoint), eq(sessions.status, SessionStatuses.ENDED)))
        .limit(limit);
      if (newSessions.length + newEvents.length + completions.length + ends.length === 0) return null;

      const leaves: Leaf[] = [
        ...newSessions.map(sessionLeaf),
        ...newEvents.map((e) => eventLeaf(e, e.outcome !== null)),
        ...completions.map(completionLeaf),
        ...ends.map(endLeaf),
      ];
      const ordered = orderLeaves(leaves);
      const [last] = await tx.select().from(checkpoints).orderBy(desc(checkpoints.seq)).limit(1);
      const payload: CheckpointPayload = {
        v: CHECKPOINT_VERSION,
        seq: (last?.seq ?? 0) + 1,
        at: (this.options.now?.() ?? new Date()).toISOString(),
        prev: last?.hash ?? "",
        root: merkleRoot(leafHashes(ordered)),
        size: leaves.length,
        sessions: newSessions.length,
        events: newEvents.length,
        completions: completions.length,
        ends: ends.length,
        spans: spansOf(ordered),
      };
      const jws = await this.key.sign(new TextEncoder().encode(canonicalize(payload)));
      const [row] = await tx
        .insert(checkpoints)
        .values({
          seq: payload.seq,
          at: new Date(payload.at),
          kid: this.key.kid,
          prevHash: payload.prev,
          root: payload.root,
          size: payload.size,
          sessions: payload.sessions,
          events: payload.events,
          completions: payload.completions,
          ends: payload.ends,
          jws,
          hash: checkpointHash(jws),
        })
        .returning();
      const seq = payload.seq;
      const ids = <T extends { id: string }>(rows: readonly T[]) => rows.map((r) => r.id);
      if (newSessions.length > 0)
        await tx
          .update(sessions)
          .set({ checkpoint: seq })
          .where(inArray(sessions.id, ids(newSessions)));
      // Only what was read completed is signed completed: a completion stored since is signed next time.
      const completed = newEvents.filter((e) => e.outcome !== null);
      const open = newEvents.filter((e) => e.outcome === null);
      if (completed.length > 0)
        await tx
          .update(sessionEvents)
          .set({ checkpoint: seq, completionCheckpoint: seq })
          .where(inArray(sessionEvents.id, ids(completed)));
      if (open.length > 0)
        await tx
          .update(sessionEvents)
          .set({ checkpoint: seq })
          .where(inArray(sessionEvents.id, ids(open)));
      if (completions.length > 0)
        await tx
          .update(sessionEvents)
          .set({ completionCheckpoint: seq })
          .where(inArray(sessionEvents.id, ids(completions)));
      if (ends.length > 0)
        await tx
          .update(sessions)
          .set({ endCheckpoint: seq })
          .where(inArray(sessions.id, ids(ends)));
      return row ?? null;
    });
  }
}

/** Checkpoints a page holds at most (GET /checkpoints and the `checkpoints` query). */
export const CHECKPOINT_PAGE_MAX = 1_000;

/**
 * A page of checkpoints after seq `after`, oldest first; `next` is the `after` of the next page (null at
 * the end).
 *
 * @example
 * const { checkpoints, next } = await checkpointPage(db, 0, 100);
 */
export async function checkpointPage(db: Db, after: number, limit: number) {
  const rows = await db
    .select()
    .from(checkpoints)
    .where(gt(checkpoints.seq, after))
    .orderBy(asc(checkpoints.seq))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { checkpoints: page, next: rows.length > limit ? (page.at(-1)?.seq ?? null) : null };
}
