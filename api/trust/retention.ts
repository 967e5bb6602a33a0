/**
 * Retention, purge and legal holds (README, "Trust"). A purge removes ended sessions older than a cut-off
 * with all their events and leaves a signed tombstone for each (contract/tombstone.ts), so a verifier
 * tells a purge from a deletion. It never touches:
 *   - a session under a legal hold (a trigger refuses that delete too, whatever the caller),
 *   - a session that ended less than the minimum age ago (`SESSION_BUDDY_RETENTION_MIN_DAYS`),
 *   - an active session, or one with records no checkpoint has signed yet (a tombstone could not prove
 *     them), or one signed by a checkpoint without per-session spans (form 1).
 * Deletes run in transactions marked `set local session_buddy.purge = 'on'`, the one path the
 * append-only triggers let through, under an advisory lock so replicas purge one at a time.
 */
import { and, asc, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import { SessionStatuses } from "../../contract/enums.js";
import { LIMITS } from "../../contract/limits.js";
import { tombstoneBytes, tombstonePayload } from "../../contract/tombstone.js";
import type { TrailEvent, TrailSession } from "../../contract/verify.js";
import type { Db } from "../../db/connection.js";
import { type Rows, rowsOf } from "../../db/rows.js";
import {
  alertDeliveries,
  type LegalHoldRow,
  legalHolds,
  sessionEvents,
  sessions,
  tombstones,
} from "../../db/schema.js";
import { badInput, conflict, notFound } from "../errors.js";
import { Periodic } from "../periodic.js";
import type { SigningKey } from "./signing-key.js";
import { eventColumns, sessionColumns } from "./trail.js";

const DAY_MS = 86_400_000;
/** Key of the advisory lock a purge holds while it deletes. */
const LOCK_KEY = 0x5b_c4_ec_02;
/** Sessions purged per transaction. */
const PURGE_BATCH = 100;
/** Sessions a result lists by name at most. */
const LISTED = 100;

export interface RetentionPolicy {
  /** Seconds an ended session is kept; null keeps it for ever. */
  defaultSeconds: number | null;
  /** Per component, overriding the default. */
  components: Readonly<Record<string, number | null>>;
  /** Days since its end below which no session is purged. */
  minDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  defaultSeconds: 365 * 86_400,
  components: {},
  minDays: 30,
};

/** A policy whose periods are shorter than its minimum age is a configuration error: say which. */
export function checkPolicy(p: RetentionPolicy): void {
  const min = p.minDays * 86_400;
  const short = Object.entries({ default: p.defaultSeconds, ...p.components }).filter(
    ([, s]) => s !== null && s < min,
  );
  if (short.length > 0)
    throw new Error(
      `retention ${short.map(([k, s]) => `${k === "default" ? "default" : `for ${k}`} (${Math.round((s ?? 0) / 86_400)} days)`).join(", ")} is below the minimum age of ${p.minDays} days (SESSION_BUDDY_RETENTION_MIN_DAYS)`,
    );
}

/** A session a purge would remove, or removed. */
export interface PurgedSession {
  id: string;
  component: string;
  actor: string;
  status: string;
  startedAt: Date;
  endedAt: Date | null;
  events: number;
}

export interface PurgeResult {
  dryRun: boolean;
  /** The cut-off used: the one asked for, or the minimum age's when that is earlier. */
  cutoff: Date;
  /** True when the minimum age moved the cut-off earlier than asked. */
  clamped: boolean;
  /** The minimum age, days. */
  minDays: number;
  component: string | null;
  /** Sessions purged (or, in a dry run, that would be). */
  count: number;
  events: number;
  /** The first of them. */
  sessions: PurgedSession[];
  /** Sessions older than the cut-off kept, and why. */
  held: number;
  unsigned: number;
  active: number;
}

export interface PurgeRequest {
  before: Date;
  component?: string | null | undefined;
  /** Every component but these (the default period covers those without one of their own). */
  exceptComponents?: readonly string[];
  dryRun: boolean;
  /** Who asks: a token subject, or `retention` for the scheduled pass. */
  by: string;
  /** Why, as the tombstone says. */
  reason?: string;
}

export interface RetentionOptions {
  policy?: RetentionPolicy;
  /** The connection purges delete through (a `session_buddy_purge` member); default the service's own. */
  purgeDb?: Db;
  now?: () => Date;
  intervalMs?: number;
  /** Signs what is unsigned before a purge, so a session that ended long ago is not kept only for that. */
  checkpoint?: () => Promise<unknown>;
  /** Counts sessions purged, by component. */
  onPurged?: (component: string, by: "retention" | "admin", count: number) => void;
  logger?: { info(o: object, message: string): void; error(message: string, err?: unknown): void };
}

/** A session's tombstone row, or null. */
export async function tombstoneOf(db: Db, sessionId: string) {
  const [row] = await db.select().from(tombstones).where(eq(tombstones.sessionId, sessionId));
  return row ?? null;
}

/** Whether a session has records no checkpoint has signed yet (SQL over the row `s`). */
const UNSIGNED = sql`(s.checkpoint is null or (s.status = ${SessionStatuses.ENDED} and s.end_checkpoint is null)
  or exists (select 1 from session_events e where e.session_id = s.id
    and (e.checkpoint is null or (e.outcome is not null and e.completion_checkpoint is null))))`;
const HELD = sql`exists (select 1 from legal_holds h where h.session_id = s.id and h.released_at is null)`;

/** A batch whose sessions changed while it was purging them: rolled back and read again. */
class PurgeRace extends Error {}

export class Retention {
  private readonly passes: Periodic<PurgeResult[]>;
  readonly policy: RetentionPolicy;

  constructor(
    private readonly db: Db,
    private readonly key: SigningKey | undefined,
    private readonly options: RetentionOptions = {},
  ) {
    this.policy = options.policy ?? DEFAULT_RETENTION;
    checkPolicy(this.policy);
    this.passes = new Periodic(() => this.runPass(), {
      intervalMs: options.intervalMs ?? 3_600_000,
      fallback: () => [],
      onError: (err) => this.options.logger?.error("retention pass failed", err),
    });
  }

  private now() {
    return this.options.now?.() ?? new Date();
  }

  // ── Legal holds ────────────────────────────────────────────────────────────────────────────────

  /** Places a legal hold; CONFLICT when the session is held already, NOT_FOUND when there is none. */
  async hold(sessionId: string, reason: string, by: string): Promise<LegalHoldRow> {
    const text = reason.trim();
    if (text.length === 0) throw badInput("a legal hold needs a reason");
    if (text.length > LIMITS.reasonChars)
      throw badInput(`the reason is longer than ${LIMITS.reasonChars} characters`);
    const [session] = await this.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(eq(sessions.id, sessionId));
    if (!session) {
      const purged = await tombstoneOf(this.db, sessionId);
      throw notFound(
        purged
          ? `session ${sessionId} was purged at ${purged.purgedAt.toISOString()}; there is nothing left to hold`
          : `no session ${sessionId}`,
      );
    }
    const [row] = await this.db
      .insert(legalHolds)
      .values({ sessionId, reason: text, heldBy: by, heldAt: this.now() })
      .onConflictDoNothing()
      .returning();
    if (row) return row;
    const held = await this.activeHold(sessionId);
    throw conflict(
      `session ${sessionId} is already held (by ${held?.heldBy ?? "someone"} since ${held?.heldAt.toISOString() ?? "before"}: ${held?.reason ?? ""})`,
    );
  }

  /** Lifts a session's legal hold; NOT_FOUND when it has none. */
  async release(sessionId: string, by: string): Promise<LegalHoldRow> {
    const [row] = await this.db
      .update(legalHolds)
      .set({ releasedAt: this.now(), releasedBy: by })
      .where(and(eq(legalHolds.sessionId, sessionId), isNull(legalHolds.releasedAt)))
      .returning();
    if (!row) throw notFound(`session ${sessionId} is not under a legal hold`);
    return row;
  }

  async activeHold(sessionId: string): Promise<LegalHoldRow | null> {
    const [row] = await this.db
      .select()
      .from(legalHolds)
      .where(and(eq(legalHolds.sessionId, sessionId), isNull(legalHolds.releasedAt)));
    return row ?? null;
  }

  // ── Purge ──────────────────────────────────────────────────────────────────────────────────────

  /** The cut-off a request gets: never later than the minimum age allows. */
  cutoffFor(before: Date): { cutoff: Date; clamped: boolean } {
    const latest = new Date(this.now().getTime() - this.policy.minDays * DAY_MS);
    return before.getTime() > latest.getTime()
      ? { cutoff: latest, clamped: true }
      : { cutoff: before, clamped: false };
  }

  /**
   * Purges (or, with `dryRun`, only lists) the sessions that ended before the cut-off, of one component
   * or all. Held, unsigned and active sessions are kept and counted.
   *
   * @example
   * const plan = await retention.purge({ before: new Date(Date.now() - 90 * 86_400_000), dryRun: true, by: "ops" });
   */
  async purge(r: PurgeRequest): Promise<PurgeResult> {
    if (Number.isNaN(r.before.getTime())) throw badInput("before must be a date");
    if (!r.dryRun && !this.key)
      throw conflict("this service has no signing key, so it cannot sign the tombstones a purge leaves");
    const { cutoff, clamped } = this.cutoffFor(r.before);
    const component = r.component ?? null;
    if (!r.dryRun) await this.options.checkpoint?.();
    const scope = sql`coalesce(s.ended_at, s.last_seen_at) < ${cutoff.toISOString()}::timestamptz
      ${component === null ? sql`` : sql`and s.component = ${component}`}
      ${
        r.exceptComponents?.length
          ? sql`and s.component not in (${sql.join(
              r.exceptComponents.map((c) => sql`${c}`),
              sql`, `,
            )})`
          : sql``
      }`;
    const [kept] = rowsOf(
      (await this.db.execute(sql`select
          count(*) filter (where s.status = ${SessionStatuses.ACTIVE})::int as active,
          count(*) filter (where s.status <> ${SessionStatuses.ACTIVE} and ${HELD})::int as held,
          count(*) filter (where s.status <> ${SessionStatuses.ACTIVE} and not ${HELD} and ${UNSIGNED})::int as unsigned
        from sessions s where ${scope}`)) as Rows<{ active: number; held: number; unsigned: number }>,
    );
    const eligible = sql`${scope} and s.status <> ${SessionStatuses.ACTIVE} and not ${HELD} and not ${UNSIGNED}`;
    const result: PurgeResult = {
      dryRun: r.dryRun,
      cutoff,
      clamped,
      minDays: this.policy.minDays,
      component,
      count: 0,
      events: 0,
      sessions: [],
      held: kept?.held ?? 0,
      unsigned: kept?.unsigned ?? 0,
      active: kept?.active ?? 0,
    };
    if (r.dryRun) {
      const [total] = rowsOf(
        (await this.db.execute(
          sql`select count(*)::int as count, coalesce(sum(s.event_count), 0)::int as events from sessions s where ${eligible}`,
        )) as Rows<{ count: number; events: number }>,
      );
      result.count = total?.count ?? 0;
      result.events = total?.events ?? 0;
      result.sessions = await this.listed(eligible, LISTED);
      return result;
    }
    const reason =
      r.reason ?? `ended before ${cutoff.toISOString()}${component ? ` (component ${component})` : ""}`;
    let races = 0;
    for (;;) {
      const batch = await this.purgeBatch(eligible, r.by, reason).catch((err: unknown) => {
        const e = err as { cause?: { code?: string; message?: string }; code?: string; message?: string };
        const message = e.cause?.message ?? e.message ?? "";
        // Held since it was read: the trigger refused its delete; read the batch again without it.
        const raced = err instanceof PurgeRace || /under a legal hold/.test(message);
        if (raced && ++races <= 3) return "again" as const;
        if ((e.cause?.code ?? e.code) === "42501" && /permission denied/.test(message))
          throw conflict(
            `the service's database role may not purge (${message}): set SESSION_BUDDY_PURGE_DATABASE_URL to a member of session_buddy_purge (db/optional/roles.sql)`,
          );
        throw err;
      });
      if (batch === "again") continue;
      if (batch === null) break;
      for (const s of batch) {
        result.count++;
        result.events += s.events;
        if (result.sessions.length < LISTED) result.sessions.push(s);
        this.options.onPurged?.(s.component, r.by === "retention" ? "retention" : "admin", 1);
      }
      if (batch.length < PURGE_BATCH) break;
    }
    if (result.count > 0)
      this.options.logger?.info(
        { purged: result.count, events: result.events, by: r.by, cutoff: cutoff.toISOString(), component },
        "sessions purged",
      );
    return result;
  }

  private async listed(where: ReturnType<typeof sql>, limit: number): Promise<PurgedSession[]> {
    const rows = rowsOf(
      (await this.db.execute(sql`select s.id, s.component, s.actor, s.status, s.started_at, s.ended_at, s.event_count
        from sessions s where ${where} order by coalesce(s.ended_at, s.last_seen_at), s.id limit ${limit}`)) as Rows<{
        id: string;
        component: string;
        actor: string;
        status: string;
        started_at: string | Date;
        ended_at: string | Date | null;
        event_count: number;
      }>,
    );
    return rows.map((s) => ({
      id: s.id,
      component: s.component,
      actor: s.actor,
      status: s.status,
      startedAt: new Date(s.started_at),
      endedAt: s.ended_at === null ? null : new Date(s.ended_at),
      events: s.event_count,
    }));
  }

  /**
   * One transaction: up to PURGE_BATCH sessions tombstoned and deleted (replicas wait their turn on the
   * lock, then find what the other purged gone); null when none of those found could be purged.
   */
  private async purgeBatch(eligible: ReturnType<typeof sql>, by: string, reason: string) {
    const key = this.key!;
    return (this.options.purgeDb ?? this.db).transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_KEY})`);
      await tx.execute(sql`set local session_buddy.purge = 'on'`);
      const ids = rowsOf(
        (await tx.execute(
          sql`select s.id from sessions s where ${eligible} order by coalesce(s.ended_at, s.last_seen_at), s.id limit ${PURGE_BATCH}`,
        )) as Rows<{ id: string }>,
      ).map((r) => r.id);
      if (ids.length === 0) return [];
      const rows = (await tx
        .select(sessionColumns)
        .from(sessions)
        .where(inArray(sessions.id, ids))) as TrailSession[];
      const events = (await tx
        .select(eventColumns)
        .from(sessionEvents)
        .where(inArray(sessionEvents.sessionId, ids))
        .orderBy(asc(sessionEvents.sessionId), asc(sessionEvents.seq))) as TrailEvent[];
      const eventsOf = new Map<string, TrailEvent[]>();
      for (const e of events) {
        const list = eventsOf.get(e.sessionId) ?? [];
        list.push(e);
        eventsOf.set(e.sessionId, list);
      }
      const spanless = await this.spanlessCheckpoints(tx, rows, events);
      const purgedAt = this.now();
      const done: PurgedSession[] = [];
      const stones: (typeof tombstones.$inferInsert)[] = [];
      for (const s of rows) {
        const mine = eventsOf.get(s.id) ?? [];
        const payload = tombstonePayload(s, mine, { purgedBy: by, purgedAt, reason });
        // A form-1 checkpoint signed no spans: a tombstone could not show what it removed, so keep it.
        if (payload.spans.some((sp) => spanless.has(sp.checkpoint))) continue;
        stones.push({
          sessionId: s.id,
          component: s.component,
          events: mine.length,
          purgedBy: by,
          purgedAt,
          kid: key.kid,
          jws: await key.sign(tombstoneBytes(payload)),
        });
        done.push({
          id: s.id,
          component: s.component,
          actor: s.actor,
          status: s.status,
          startedAt: new Date(s.startedAt),
          endedAt: s.endedAt == null ? null : new Date(s.endedAt),
          events: mine.length,
        });
      }
      const gone = done.map((d) => d.id);
      if (gone.length > 0) {
        // No row locks (the purge role has no UPDATE, which SELECT … FOR UPDATE needs): the deletes say
        // what they removed, and anything that changed since it was read (an event arrived, a session came
        // back or was held) rolls the batch back, to be read again.
        const removed = await tx
          .delete(sessionEvents)
          .where(inArray(sessionEvents.sessionId, gone))
          .returning({ sessionId: sessionEvents.sessionId });
        const per = new Map<string, number>();
        for (const e of removed) per.set(e.sessionId, (per.get(e.sessionId) ?? 0) + 1);
        // What alerts said of them names their actor and host: it goes with them.
        await tx.delete(alertDeliveries).where(inArray(alertDeliveries.sessionId, gone));
        const deleted = await tx
          .delete(sessions)
          .where(and(inArray(sessions.id, gone), ne(sessions.status, SessionStatuses.ACTIVE)))
          .returning({ id: sessions.id });
        if (deleted.length !== gone.length || done.some((d) => (per.get(d.id) ?? 0) !== d.events))
          throw new PurgeRace();
        await tx.insert(tombstones).values(stones);
      }
      // Sessions kept for a form-1 checkpoint would come back every batch: stop when a batch purged none.
      return gone.length === 0 ? null : done;
    });
  }

  /** Of the checkpoints these records name, those that signed no per-session spans (form 1). */
  private async spanlessCheckpoints(
    tx: Parameters<Parameters<Db["transaction"]>[0]>[0],
    rows: readonly TrailSession[],
    events: readonly TrailEvent[],
  ): Promise<Set<number>> {
    const seqs = new Set<number>();
    for (const s of rows) for (const c of [s.checkpoint, s.endCheckpoint]) if (c !== null) seqs.add(c);
    for (const e of events)
      for (const c of [e.checkpoint, e.completionCheckpoint]) if (c !== null) seqs.add(c);
    if (seqs.size === 0) return new Set();
    const found = rowsOf(
      (await tx.execute(
        sql`select seq, jws from checkpoints where seq in (${sql.join(
          [...seqs].map((n) => sql`${n}`),
          sql`, `,
        )})`,
      )) as Rows<{ seq: number; jws: string }>,
    );
    const spanless = new Set<number>();
    for (const c of found) {
      const body = c.jws.split(".")[1] ?? "";
      try {
        const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as { spans?: unknown };
        if (!Array.isArray(payload.spans)) spanless.add(c.seq);
      } catch {
        spanless.add(c.seq);
      }
    }
    return spanless;
  }

  // ── The scheduled pass ─────────────────────────────────────────────────────────────────────────

  /** The purges a pass makes: each component with a period of its own, then the default for the rest. */
  private passRequests(): PurgeRequest[] {
    const now = this.now().getTime();
    const own = Object.entries(this.policy.components);
    const keep = (seconds: number) => `${Math.round(seconds / 86_400)} days`;
    const requests: PurgeRequest[] = [];
    for (const [component, seconds] of own)
      if (seconds !== null)
        requests.push({
          before: new Date(now - seconds * 1000),
          component,
          dryRun: false,
          by: "retention",
          reason: `retention: ${component} keeps ${keep(seconds)}`,
        });
    const seconds = this.policy.defaultSeconds;
    if (seconds !== null)
      requests.push({
        before: new Date(now - seconds * 1000),
        exceptComponents: own.map(([c]) => c),
        dryRun: false,
        by: "retention",
        reason: `retention: keeps ${keep(seconds)}`,
      });
    return requests;
  }

  /**
   * One retention pass now: each component's policy, then the default over the components without
   * one. Concurrent calls share the pass in flight; replicas take turns on the purge lock. Resolves
   * with what each purge did (none on failure, which is logged; the next pass tries again).
   */
  pass(): Promise<PurgeResult[]> {
    return this.passes.run();
  }

  private async runPass(): Promise<PurgeResult[]> {
    if (!this.key) return [];
    const results: PurgeResult[] = [];
    for (const r of this.passRequests()) results.push(await this.purge(r));
    return results;
  }

  start() {
    if (this.key) this.passes.start();
  }

  stop(): Promise<void> {
    return this.passes.stop();
  }
}
