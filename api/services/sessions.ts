import {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  ne,
  not,
  notInArray,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import type { Identity } from "../../auth/jwt.js";
import { BROKEN_AT_END } from "../../contract/completeness.js";
import {
  ActorKindSources,
  type CommandOutcome,
  CommandOutcomes,
  EndReasons,
  EventKinds,
  Scopes,
  SessionStatuses,
} from "../../contract/enums.js";
import { type BadInputReason, ErrorCodes, ForbiddenReasons } from "../../contract/errors.js";
import { LIMITS, QUERY_LIMITS } from "../../contract/limits.js";
import type {
  ClientHealth,
  RecordEventsResult,
  SessionEnd,
  SessionEventIn,
  SessionFilter,
  SessionStart,
} from "../../contract/models.js";
import { ID_REF_FORMS, parseIdRef, SHORT_ID_LENGTH } from "../../contract/short-id.js";
import type { Db, Tx } from "../../db/connection.js";
import { type SessionEventRow, type SessionRow, sessionEvents, sessions, sqlText } from "../../db/schema.js";
import { badInput, conflict, forbidden, notFound } from "../errors.js";
import { eventToWire, type PubSub, sessionToWire } from "../pubsub.js";
import {
  brokenAt,
  checkLinks,
  completenessSql,
  completionMatches,
  endChain,
  eventChain,
  missingSeqRanges,
  payloadOf,
  startChain,
} from "./chain.js";
import { sessionCursor } from "./cursors.js";
import type { Metrics } from "./metrics.js";

/** A start or end that reaches the service later than this after capture is flagged `delayed`. */
export const DELAY_THRESHOLD_MS = 60_000;

export interface ComponentQuality {
  component: string;
  totalSessions: number;
  activeSessions: number;
  finishedSessions: number;
  cleanEndRate: number | null;
  abandonedRate: number | null;
  delayedRate: number;
  qualityScore: number | null;
}

export interface SessionServiceOptions {
  db: Db;
  pubsub: PubSub;
  metrics?: Metrics | undefined;
  now?: () => Date;
}

/** An event of a batch that broke the contract, refused at the GraphQL boundary before any query. */
export interface InvalidEvent {
  eventId: string;
  /** The event's kind when it is a valid one, else "unknown" (a metric label). */
  kind: string;
  message: string;
  reason?: BadInputReason | undefined;
}

const isAdmin = (who: Identity) => who.scopes.has(Scopes.ADMIN);

/** The components a token is limited to by its `components` claim; undefined when it may write for any. */
const limitedTo = (who: Identity) => (isAdmin(who) ? undefined : who.components);

/** Whether the token may write for `component` (its `components` claim, when it has one). */
const componentAllowed = (who: Identity, component: string) => limitedTo(who)?.includes(component) ?? true;

const componentRefusal = (who: Identity, component: string) =>
  `this token may report only for ${who.components?.join(", ")}, not for ${component}`;

/**
 * The first event of each eventId in a batch (inserted) and the later ones (handled as re-sends of it, so
 * they count as duplicates or complete it, as when sent in a later batch).
 */
function splitRepeats(events: readonly SessionEventIn[]) {
  const seen = new Set<string>();
  const firsts: SessionEventIn[] = [];
  const repeats: SessionEventIn[] = [];
  for (const e of events) {
    if (seen.has(e.eventId)) repeats.push(e);
    else {
      seen.add(e.eventId);
      firsts.push(e);
    }
  }
  return { firsts, repeats };
}

/** Every write checks the claim against the session's component, so a limited token writes nowhere else. */
function assertComponentAllowed(who: Identity, component: string) {
  if (!componentAllowed(who, component))
    throw forbidden(componentRefusal(who, component), ForbiddenReasons.TOKEN_COMPONENTS);
}

/** What the live session feeds report, each at the instant (a column) it was received. */
export type SessionChange = "started" | "ended" | "resumed";
const changeInstant = {
  started: sessions.receivedAt,
  ended: sessions.endReceivedAt,
  resumed: sessions.resumedAt,
} as const satisfies Record<SessionChange, unknown>;

/** A timestamp bound as a parameter in raw SQL, typed so both drivers read it the same. */
const tsParam = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** A timestamp column as an ISO 8601 instant in UTC, millisecond precision (as the wire carries them). */
const isoUtc = (column: SQL | typeof sessions.endedAt) =>
  sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** `0193c0de00007000800000000a1b2c3d` → `0193c0de-0000-7000-8000-00000a1b2c3d`. */
const canonicalUuid = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/**
 * The sessions an id reference names (see contract/short-id.ts): the id itself; or the ids starting with
 * the digits, a range of the primary key; or, for exactly 8 digits, also the ids ending with them (the
 * short form), through the `sessions_short_id_idx` expression index.
 */
function idRefSql(text: string): SQL {
  const ref = parseIdRef(text);
  if (!ref) throw badInput(`idRef must be ${ID_REF_FORMS}; hyphens are optional`);
  if (ref.kind === "id") return eq(sessions.id, ref.id);
  const prefix = and(
    gte(sessions.id, canonicalUuid(ref.hex.padEnd(32, "0"))),
    lte(sessions.id, canonicalUuid(ref.hex.padEnd(32, "f"))),
  )!;
  if (ref.hex.length !== SHORT_ID_LENGTH) return prefix;
  // The expression (the length a literal) must be the index's for the planner to use it.
  return or(prefix, sql`right((${sessions.id})::text, ${sqlText(SHORT_ID_LENGTH)}) = ${ref.hex}`)!;
}

/**
 * When an event shows its session alive: the moment it describes (capture time, plus the duration of a
 * completed command, which ran until then), never later than its receipt. The capture time rather than
 * the receipt, so that a journal replayed long after its shell died does not make it look alive then.
 */
export const signOfLife = (e: Pick<SessionEventIn, "at" | "durationMs">, receivedAt: Date): number =>
  Math.min(e.at.getTime() + (e.durationMs ?? 0), receivedAt.getTime());

/**
 * The session domain: every write runs in a transaction and publishes only after it commits, so a
 * subscriber never hears of something a reader cannot yet see. Input arrives checked against the
 * contract models (at the GraphQL boundary); what is left here are the rules that need stored state.
 */
/** An unchained command's completion merges its payload; the payload as captured is kept when it changes. */
const unchainedCompletionPayload = (
  stored: Record<string, unknown>,
  adds: Record<string, unknown> | null | undefined,
) =>
  adds && Object.keys(adds).length > 0
    ? { payload: { ...stored, ...adds }, capturePayload: stored }
    : { payload: stored };

const SENSITIVE_BEGIN = sqlText(EventKinds.SENSITIVE_BEGIN);

/** Whether session `s` has a sensitive period (it uses the partial index over sensitive events). */
export const sensitiveSql = sql`exists (select 1 from ${sessionEvents} where ${sessionEvents.sessionId} = ${sessions.id} and ${sessionEvents.kind} = ${SENSITIVE_BEGIN})`;

export class SessionService {
  private readonly db: Db;
  private readonly pubsub: PubSub;
  private readonly metrics: Metrics | undefined;
  /** The service clock (receipt times, the reaper's cutoff); tests pin it. */
  readonly now: () => Date;
  private readonly endedListeners: ((row: SessionRow) => void)[] = [];

  /**
   * Calls `listener` with each session this replica ends or abandons (once per end it stores: not on a
   * repeated end), after the change is committed: the checkpointer asks for a checkpoint, the review queue
   * announces what now waits for review. A listener must not throw (it is told, not awaited).
   */
  onEnded(listener: (row: SessionRow) => void): void {
    this.endedListeners.push(listener);
  }

  private ended(row: SessionRow): void {
    for (const listener of this.endedListeners) listener(row);
  }

  private readonly recordedListeners: ((rows: readonly SessionEventRow[]) => void)[] = [];

  /**
   * Calls `listener` with the events each batch stored or completed, after it committed (alerts look for a
   * sensitive period beginning or a STRICT refusal). Like {@link onEnded}, it is told, not awaited.
   */
  onRecorded(listener: (rows: readonly SessionEventRow[]) => void): void {
    this.recordedListeners.push(listener);
  }

  constructor(options: SessionServiceOptions) {
    this.db = options.db;
    this.pubsub = options.pubsub;
    this.metrics = options.metrics;
    this.now = options.now ?? (() => new Date());
  }

  async start(who: Identity, input: SessionStart): Promise<SessionRow> {
    assertComponentAllowed(who, input.component);
    const now = this.now();
    const startedAt = input.startedAt ?? now;
    if (startedAt.getTime() > now.getTime() + 5 * 60_000) throw badInput("startedAt is in the future");
    // The token decides who is at the prompt when it says so; otherwise what the shell detected.
    const kind = {
      actorKind: who.actorKind ?? input.actorKind ?? null,
      actorKindSource: who.actorKind
        ? ActorKindSources.TOKEN
        : input.actorKind
          ? ActorKindSources.SHELL
          : null,
      delegatedBy: who.delegatedBy ?? null,
    };
    const inserted = await this.db
      .insert(sessions)
      .values({
        id: input.id,
        type: input.type,
        component: input.component,
        componentType: input.componentType ?? null,
        componentVersion: input.componentVersion ?? null,
        shellType: input.shellType ?? null,
        adapters: input.adapters ?? [],
        status: SessionStatuses.ACTIVE,
        startedAt,
        lastSeenAt: now,
        receivedAt: now,
        delayed: now.getTime() - startedAt.getTime() > DELAY_THRESHOLD_MS,
        captureMode: input.captureMode,
        actor: who.sub,
        username: input.username ?? null,
        hostname: input.hostname ?? null,
        pid: input.pid ?? null,
        environment: input.environment ?? {},
        metadata: input.metadata ?? {},
        reasonText: input.reason?.text ?? null,
        reasonTicket: input.reason?.ticketRef ?? null,
        ...kind,
        startEventId: input.eventId ?? null,
        eventVersion: input.eventVersion,
        ...startChain(input, who.sub, startedAt, kind),
      })
      .onConflictDoNothing({ target: sessions.id })
      .returning()
      .catch((err: unknown) => {
        // The tombstone trigger: a purged session's id is never stored again.
        if (/it was purged/.test(String((err as { cause?: Error }).cause?.message ?? (err as Error).message)))
          throw conflict(`session ${input.id} was purged; its id is not used again`);
        throw err;
      });
    const row = inserted[0];
    if (row) {
      this.metrics?.sessionStarted(row);
      await this.pubsub.publish("session:started", sessionToWire(row));
      await this.pubsub.publish("sessions:changed", { component: row.component });
      return row;
    }
    const existing = await this.get(input.id);
    if (!existing) throw conflict(`session ${input.id} could not be stored`);
    this.assertOwner(who, existing);
    assertComponentAllowed(who, existing.component);
    return existing;
  }

  async end(who: Identity, input: SessionEnd): Promise<SessionRow> {
    const now = this.now();
    const existing = await this.get(input.id);
    if (!existing) throw notFound(`no session ${input.id}`);
    this.assertOwner(who, existing);
    assertComponentAllowed(who, existing.component);
    if (existing.status === SessionStatuses.ENDED) return existing;
    const endedAt = input.endedAt ?? now;
    if (endedAt.getTime() < existing.startedAt.getTime()) throw badInput("endedAt is before startedAt");
    const late = now.getTime() - endedAt.getTime() > DELAY_THRESHOLD_MS;
    const { endOk, ...chain } = endChain(input);
    const updated = await this.db
      .update(sessions)
      .set({
        ...chain,
        ...(endOk ? {} : { brokenSeq: brokenAt(BROKEN_AT_END) }),
        status: SessionStatuses.ENDED,
        endedAt,
        endReason: input.endReason,
        exitCode: input.exitCode ?? null,
        endReceivedAt: now,
        lastSeenAt: now,
        delayed: existing.delayed || late,
        ...(input.metadata ? { metadata: { ...existing.metadata, ...input.metadata } } : {}),
      })
      .where(and(eq(sessions.id, input.id), ne(sessions.status, SessionStatuses.ENDED)))
      .returning();
    let row = updated[0];
    if (!row) return (await this.get(input.id)) ?? existing;
    if (chain.endHash) {
      await checkLinks(this.db, [row.id], []);
      row = (await this.get(row.id)) ?? row;
    }
    this.metrics?.sessionEnded(row, existing.status);
    this.ended(row);
    await this.pubsub.publish("session:ended", sessionToWire(row));
    if (existing.status === SessionStatuses.ACTIVE)
      await this.pubsub.publish("sessions:changed", { component: row.component });
    return row;
  }

  /**
   * `ids` are UUIDs, at most `LIMITS.heartbeatIds` of them. Sessions of other subjects are not touched
   * (nor counted); one of the caller's own outside its token's components claim refuses the whole heartbeat.
   * A heartbeat is a live process's word that it holds the session open, so one for a session the reaper
   * ABANDONED brings it back (see {@link resume}); one for an ENDED session is ignored.
   */
  async heartbeat(who: Identity, ids: string[], health?: ClientHealth | null): Promise<number> {
    if (ids.length === 0) return 0;
    await this.assertComponentsAllowed(who, ids);
    const now = this.now();
    const clientHealth = health ? { ...health, reportedAt: now.toISOString() } : undefined;
    const mine = and(inArray(sessions.id, ids), isAdmin(who) ? undefined : eq(sessions.actor, who.sub))!;
    const { touched, resumed } = await this.db.transaction(async (tx) => {
      const resumed = await this.resume(tx, mine, now, now);
      const touched = await tx
        .update(sessions)
        .set({
          lastSeenAt: sql`greatest(${sessions.lastSeenAt}, ${tsParam(now)})`,
          ...(clientHealth ? { clientHealth } : {}),
        })
        .where(and(mine, eq(sessions.status, SessionStatuses.ACTIVE)))
        .returning({ id: sessions.id, component: sessions.component });
      return { touched, resumed };
    });
    await this.published(resumed);
    if (health) this.metrics?.clientHealth(touched[0]?.component ?? "unknown", health);
    return touched.length;
  }

  /**
   * Brings back the ABANDONED sessions matching `where` (the reaper abandoned them; an ENDED session never
   * comes back): ACTIVE again, endedAt, endReason and endReceivedAt cleared, lastSeenAt moved to `signAt`
   * if later, and the interruption kept on the record — its last sign of life before (the endedAt the
   * reaper gave it), when it was abandoned and when it came back (`now`). One conditional UPDATE: when two
   * replicas hear from the session at once, the second finds it ACTIVE (Postgres re-checks the condition
   * on the row the first one changed) and changes nothing, so each comeback is counted once.
   */
  private resume(tx: Tx | Db, where: SQL, now: Date, signAt: Date): Promise<SessionRow[]> {
    const periods = sessions.interruptedPeriods;
    const kept = sql`case when jsonb_array_length(${periods}) >= ${sqlText(LIMITS.interruptionPeriods)} then ${periods} - 0 else ${periods} end`;
    const period = sql`jsonb_build_object('from', ${isoUtc(sessions.endedAt)}, 'abandonedAt', ${isoUtc(sessions.endReceivedAt)}, 'to', ${now.toISOString()}::text)`;
    return tx
      .update(sessions)
      .set({
        status: SessionStatuses.ACTIVE,
        endedAt: null,
        endReason: null,
        endReceivedAt: null,
        lastSeenAt: sql`greatest(${sessions.lastSeenAt}, ${tsParam(signAt)})`,
        interruptions: sql`${sessions.interruptions} + 1`,
        interruptedPeriods: sql`${kept} || jsonb_build_array(${period})`,
        resumedAt: now,
      })
      .where(and(where, eq(sessions.status, SessionStatuses.ABANDONED)))
      .returning();
  }

  /** After the commit that brought `resumed` back: metrics and the live feeds (comebacks, active counts). */
  private async published(resumed: readonly SessionRow[]) {
    for (const row of resumed) {
      this.metrics?.sessionResumed(row);
      await this.pubsub.publish("session:resumed", sessionToWire(row));
    }
    for (const component of new Set(resumed.map((r) => r.component))) {
      await this.pubsub.publish("sessions:changed", { component });
    }
  }

  /**
   * Stores a batch of valid events once each. A repeated eventId (stored before, or earlier in the same
   * batch) is a duplicate, unless it completes a command recorded before it ran (adds duration and
   * outcome), which is accepted once. Events that broke the contract were rejected at the boundary and
   * arrive in `invalid`. Every event sent is counted once: accepted + duplicates + rejected = sent.
   *
   * Every event of the caller's session is a sign of life, stored or not (a duplicate, a conflict): it
   * moves lastSeenAt to {@link signOfLife} when that is later, and never back. An ABANDONED session's
   * endedAt (its last sign of life) moves the same way; one that an event shows alive after the reaper
   * abandoned it comes back ({@link resume}). An event captured before the abandon (a journal delivered
   * late, a replay after the shell was killed) does not: it proves nothing about the time since.
   */
  async recordEvents(
    who: Identity,
    valid: readonly SessionEventIn[],
    invalid: readonly InvalidEvent[] = [],
  ): Promise<RecordEventsResult> {
    const result: RecordEventsResult = { accepted: 0, duplicates: 0, rejected: [] };
    for (const { eventId, kind, message, reason } of invalid) {
      result.rejected.push({
        eventId,
        code: ErrorCodes.BAD_USER_INPUT,
        ...(reason ? { reason } : {}),
        message,
      });
      this.metrics?.eventRejected("unknown", kind, "invalid");
    }
    if (valid.length === 0) return result;

    const sessionIds = [...new Set(valid.map((e) => e.sessionId))];
    const owners = await this.db
      .select({
        id: sessions.id,
        actor: sessions.actor,
        component: sessions.component,
        status: sessions.status,
        lastSeenAt: sessions.lastSeenAt,
        endReceivedAt: sessions.endReceivedAt,
      })
      .from(sessions)
      .where(inArray(sessions.id, sessionIds));
    const byId = new Map(owners.map((o) => [o.id, o]));
    const accepted: SessionEventIn[] = [];
    for (const e of valid) {
      const owner = byId.get(e.sessionId);
      if (!owner) {
        result.rejected.push({
          eventId: e.eventId,
          code: ErrorCodes.NOT_FOUND,
          message: `no session ${e.sessionId}`,
        });
        this.metrics?.eventRejected("unknown", e.kind, "not_found");
      } else if (owner.actor !== who.sub && !isAdmin(who)) {
        result.rejected.push({
          eventId: e.eventId,
          code: ErrorCodes.FORBIDDEN,
          reason: ForbiddenReasons.NOT_OWNER,
          message: `session ${e.sessionId} belongs to another subject`,
        });
        this.metrics?.eventRejected(owner.component, e.kind, "forbidden");
      } else if (!componentAllowed(who, owner.component)) {
        result.rejected.push({
          eventId: e.eventId,
          code: ErrorCodes.FORBIDDEN,
          reason: ForbiddenReasons.TOKEN_COMPONENTS,
          message: componentRefusal(who, owner.component),
        });
        this.metrics?.eventRejected(owner.component, e.kind, "forbidden");
      } else accepted.push(e);
    }
    if (accepted.length === 0) return result;
    const { firsts, repeats } = splitRepeats(accepted);

    const started = performance.now();
    const now = this.now();
    const signs = new Map<string, number>();
    for (const e of accepted)
      signs.set(e.sessionId, Math.max(signs.get(e.sessionId) ?? 0, signOfLife(e, now)));
    const published: SessionEventRow[] = [];
    const resumed: SessionRow[] = [];
    await this.db.transaction(async (tx) => {
      const inserted = await tx
        .insert(sessionEvents)
        .values(
          firsts.map((e) => ({
            id: e.eventId,
            sessionId: e.sessionId,
            seq: e.seq,
            kind: e.kind,
            at: e.at,
            text: e.text ?? null,
            durationMs: e.durationMs ?? null,
            outcome: e.outcome ?? null,
            errorClass: e.errorClass ?? null,
            redactions: e.redactions ?? 0,
            ...payloadOf(e.payload ?? {}, e),
            receivedAt: now,
            ...eventChain(e),
          })),
        )
        .onConflictDoNothing()
        .returning();
      const insertedIds = new Set(inserted.map((r) => r.id));
      published.push(...inserted);

      // What was not inserted, then the repeats: each a re-send of an event stored before or just now.
      const rest = [...firsts.filter((e) => !insertedIds.has(e.eventId)), ...repeats];
      const completed: SessionEventRow[] = [];
      const brokenCompletions: { sessionId: string; seq: number }[] = [];
      if (rest.length > 0) {
        const existing = await tx
          .select()
          .from(sessionEvents)
          .where(
            inArray(
              sessionEvents.id,
              rest.map((e) => e.eventId),
            ),
          );
        const existingById = new Map(existing.map((r) => [r.id, r]));
        const seen = new Set<string>();
        for (const e of rest) {
          const stored = existingById.get(e.eventId);
          if (!stored) {
            result.rejected.push({
              eventId: e.eventId,
              code: ErrorCodes.CONFLICT,
              message: `seq ${e.seq} of session ${e.sessionId} is taken by another event`,
            });
            continue;
          }
          if (stored.sessionId !== e.sessionId || stored.seq !== e.seq) {
            result.rejected.push({
              eventId: e.eventId,
              code: ErrorCodes.CONFLICT,
              message: `event ${e.eventId} was stored with another session or seq`,
            });
            continue;
          }
          const completes = stored.outcome == null && e.outcome != null && !seen.has(e.eventId);
          if (!completes) {
            result.duplicates++;
            continue;
          }
          seen.add(e.eventId);
          // A chained command's completion must carry a hash chained to the command's own: one that does
          // not match is stored all the same, and its session says BROKEN at that seq.
          const chained = stored.hash !== null;
          if (chained && (e.hash !== stored.hash || !completionMatches(stored.hash!, e)))
            brokenCompletions.push({ sessionId: stored.sessionId, seq: stored.seq });
          const [row] = await tx
            .update(sessionEvents)
            .set({
              outcome: e.outcome ?? null,
              durationMs: e.durationMs ?? stored.durationMs,
              errorClass: e.errorClass ?? stored.errorClass,
              ...(chained
                ? { ...payloadOf(stored.payload, e), completionHash: e.completionHash ?? null }
                : unchainedCompletionPayload(stored.payload, e.payload)),
            })
            .where(and(eq(sessionEvents.id, e.eventId), sql`${sessionEvents.outcome} is null`))
            .returning();
          if (row) completed.push(row);
          else result.duplicates++;
        }
      }
      published.push(...completed);
      result.accepted += inserted.length + completed.length;
      for (const b of brokenCompletions)
        await tx
          .update(sessions)
          .set({ brokenSeq: brokenAt(b.seq) })
          .where(eq(sessions.id, b.sessionId));
      const chained = inserted.filter((r) => r.hash !== null || r.prevHash !== null);
      await checkLinks(
        tx,
        [...new Set(chained.map((r) => r.sessionId))],
        chained.map((r) => r.id),
      );

      // Counters per session, from exactly what this transaction changed.
      const perSession = new Map<
        string,
        { events: number; commands: number; errors: number; maxSeq: number }
      >();
      const bump = (id: string) => {
        let c = perSession.get(id);
        if (!c) {
          c = { events: 0, commands: 0, errors: 0, maxSeq: 0 };
          perSession.set(id, c);
        }
        return c;
      };
      for (const r of inserted) {
        const c = bump(r.sessionId);
        c.events++;
        if (r.kind === "command") c.commands++;
        if (r.outcome === CommandOutcomes.error) c.errors++;
        c.maxSeq = Math.max(c.maxSeq, r.seq);
      }
      for (const r of completed) if (r.outcome === CommandOutcomes.error) bump(r.sessionId).errors++;
      for (const [id, sign] of signs) {
        const owner = byId.get(id)!;
        const signAt = new Date(sign);
        // The read above is only a hint (most sessions are ACTIVE and skip this); the UPDATE decides.
        if (
          owner.status === SessionStatuses.ABANDONED &&
          owner.endReceivedAt &&
          sign > owner.endReceivedAt.getTime()
        ) {
          resumed.push(
            ...(await this.resume(
              tx,
              and(eq(sessions.id, id), lt(sessions.endReceivedAt, signAt))!,
              now,
              signAt,
            )),
          );
        }
        const c = perSession.get(id);
        if (!c && sign <= owner.lastSeenAt.getTime()) continue;
        const later = (column: typeof sessions.lastSeenAt | typeof sessions.endedAt) =>
          sql`greatest(${column}, ${tsParam(signAt)})`;
        await tx
          .update(sessions)
          .set({
            ...(c
              ? {
                  eventCount: sql`${sessions.eventCount} + ${c.events}`,
                  commandCount: sql`${sessions.commandCount} + ${c.commands}`,
                  errorCount: sql`${sessions.errorCount} + ${c.errors}`,
                  maxSeq: sql`greatest(${sessions.maxSeq}, ${c.maxSeq})`,
                }
              : {}),
            lastSeenAt: later(sessions.lastSeenAt),
            endedAt: sql`case when ${sessions.status} = ${sqlText(SessionStatuses.ABANDONED)} then ${later(sessions.endedAt)} else ${sessions.endedAt} end`,
          })
          .where(eq(sessions.id, id));
      }
    });
    await this.published(resumed);
    if (published.length) for (const listener of this.recordedListeners) listener(published);
    const seconds = (performance.now() - started) / 1000;
    for (const r of published) {
      this.metrics?.eventAccepted(byId.get(r.sessionId)?.component ?? "unknown", r.kind, seconds);
      const wire = eventToWire(r);
      await this.pubsub.publish("session:event", r.sessionId, wire);
      await this.pubsub.publish("events:all", { ...wire, component: byId.get(r.sessionId)?.component ?? "" });
    }
    return result;
  }

  /** `id` is a UUID (the column's type: anything else would be a database error, not a miss). */
  async get(id: string): Promise<SessionRow | undefined> {
    const [row] = await this.db.select().from(sessions).where(eq(sessions.id, id));
    return row;
  }

  async getMany(ids: readonly string[]): Promise<SessionRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .select()
      .from(sessions)
      .where(inArray(sessions.id, [...ids]));
  }

  /** {@link assertComponentAllowed} for the caller's own sessions among `ids`, in one query. */
  private async assertComponentsAllowed(who: Identity, ids: string[]) {
    const allowed = limitedTo(who);
    if (!allowed) return;
    const [outside] = await this.db
      .select({ component: sessions.component })
      .from(sessions)
      .where(
        and(
          inArray(sessions.id, ids),
          eq(sessions.actor, who.sub),
          notInArray(sessions.component, [...allowed]),
        ),
      )
      .limit(1);
    if (outside) assertComponentAllowed(who, outside.component);
  }

  private assertOwner(who: Identity, row: SessionRow) {
    if (row.actor !== who.sub && !isAdmin(who))
      throw forbidden(`session ${row.id} belongs to another subject`, ForbiddenReasons.NOT_OWNER);
  }

  filterSql(filter: SessionFilter | null | undefined): SQL | undefined {
    if (!filter) return undefined;
    const parts: (SQL | undefined)[] = [];
    if (filter.type) parts.push(eq(sessions.type, filter.type));
    if (filter.component) parts.push(eq(sessions.component, filter.component));
    if (filter.status) parts.push(eq(sessions.status, filter.status));
    if (filter.completeness) parts.push(sql`${completenessSql} = ${filter.completeness}`);
    if (filter.actor) parts.push(eq(sessions.actor, filter.actor));
    if (filter.username) parts.push(eq(sessions.username, filter.username));
    if (filter.hostname) parts.push(eq(sessions.hostname, filter.hostname));
    if (filter.ticketRef) parts.push(eq(sessions.reasonTicket, filter.ticketRef));
    if (filter.actorKind) parts.push(eq(sessions.actorKind, filter.actorKind));
    if (filter.hasReason != null)
      parts.push(filter.hasReason ? isNotNull(sessions.reasonText) : isNull(sessions.reasonText));
    if (filter.sensitive != null) parts.push(filter.sensitive ? sensitiveSql : not(sensitiveSql));
    if (filter.startedAfter) parts.push(gte(sessions.startedAt, filter.startedAfter));
    if (filter.startedBefore) parts.push(lt(sessions.startedAt, filter.startedBefore));
    if (filter.delayed != null) parts.push(eq(sessions.delayed, filter.delayed));
    if (filter.changedAfter) {
      parts.push(
        or(
          gt(sessions.receivedAt, filter.changedAfter),
          gt(sessions.endReceivedAt, filter.changedAfter),
          gt(sessions.resumedAt, filter.changedAfter),
        ),
      );
    }
    if (filter.idRef) parts.push(idRefSql(filter.idRef));
    if (filter.minDurationSeconds != null) {
      parts.push(
        sql`${sessions.endedAt} is not null and extract(epoch from (${sessions.endedAt} - ${sessions.startedAt})) >= ${filter.minDurationSeconds}`,
      );
    }
    return and(...parts);
  }

  /** Newest first, keyset-paginated on (startedAt, id). */
  list(filter: SessionFilter | null | undefined, first: number, after?: string | null) {
    return this.page(this.filterSql(filter), first, after);
  }

  /**
   * The sessions `where` selects, newest first, keyset-paginated on (startedAt, id): the page of every
   * SessionConnection (`sessions`, `pendingReviews`). `totalCount` is counted only when asked for.
   */
  async page(where: SQL | undefined, first: number, after?: string | null) {
    if (!Number.isInteger(first) || first < 0 || first > QUERY_LIMITS.page)
      throw badInput(`first must be between 0 and ${QUERY_LIMITS.page}`);
    let page = where;
    if (after) {
      const c = sessionCursor.decode(after);
      page = and(
        where,
        or(
          lt(sessions.startedAt, c.startedAt),
          and(eq(sessions.startedAt, c.startedAt), lt(sessions.id, c.id)),
        ),
      );
    }
    const rows = await this.db
      .select()
      .from(sessions)
      .where(page)
      .orderBy(desc(sessions.startedAt), desc(sessions.id))
      .limit(first + 1);
    const hasNextPage = rows.length > first;
    const nodes = rows.slice(0, first);
    return {
      edges: nodes.map((node) => ({ cursor: sessionCursor.encode(node), node })),
      pageInfo: {
        hasNextPage,
        hasPreviousPage: Boolean(after),
        startCursor: nodes[0] ? sessionCursor.encode(nodes[0]) : null,
        endCursor: nodes.at(-1) ? sessionCursor.encode(nodes.at(-1)!) : null,
      },
      totalCount: async () => {
        const [r] = await this.db.select({ n: count() }).from(sessions).where(where);
        return Number(r?.n ?? 0);
      },
    };
  }

  async active(component?: string | null): Promise<SessionRow[]> {
    return this.db
      .select()
      .from(sessions)
      .where(
        and(
          eq(sessions.status, SessionStatuses.ACTIVE),
          component ? eq(sessions.component, component) : undefined,
        ),
      )
      .orderBy(desc(sessions.startedAt))
      .limit(10_000);
  }

  async activeCount(component?: string | null): Promise<number> {
    const [r] = await this.db
      .select({ n: count() })
      .from(sessions)
      .where(
        and(
          eq(sessions.status, SessionStatuses.ACTIVE),
          component ? eq(sessions.component, component) : undefined,
        ),
      );
    return Number(r?.n ?? 0);
  }

  /**
   * Sessions started (`started`: received), ended (`ended`: end received, abandons included) or brought
   * back from ABANDONED (`resumed`: its latest comeback) at or after `since`, oldest first, keyset-paged on
   * (that instant, id) past `after`: what a live feed resuming from `since` replays before it goes live.
   */
  async changedSince(
    change: SessionChange,
    since: Date,
    filter: { component?: string | null; type?: string | null },
    limit: number,
    after?: { at: Date; id: string },
  ): Promise<SessionRow[]> {
    const at = changeInstant[change];
    return this.db
      .select()
      .from(sessions)
      .where(
        and(
          gte(at, since),
          filter.component ? eq(sessions.component, filter.component) : undefined,
          filter.type ? eq(sessions.type, filter.type) : undefined,
          after ? or(gt(at, after.at), and(eq(at, after.at), gt(sessions.id, after.id))) : undefined,
        ),
      )
      .orderBy(asc(at), asc(sessions.id))
      .limit(limit);
  }

  /** Events in seq order after `afterSeq`. */
  async events(sessionId: string, afterSeq: number, limit: number): Promise<SessionEventRow[]> {
    return this.db
      .select()
      .from(sessionEvents)
      .where(and(eq(sessionEvents.sessionId, sessionId), gt(sessionEvents.seq, afterSeq)))
      .orderBy(asc(sessionEvents.seq))
      .limit(limit);
  }

  /**
   * Events across sessions, newest first (`at`), with their session's component and type: failed workflow
   * steps, recent errors of a component, and the like.
   */
  async recentEvents(filter: {
    component?: string | null;
    type?: string | null;
    kind?: string | null;
    outcome?: CommandOutcome | null;
    limit: number;
  }): Promise<(SessionEventRow & { component: string; sessionType: string })[]> {
    if (!Number.isInteger(filter.limit) || filter.limit < 1 || filter.limit > QUERY_LIMITS.page) {
      throw badInput(`limit must be between 1 and ${QUERY_LIMITS.page}`);
    }
    const rows = await this.db
      .select({ event: sessionEvents, component: sessions.component, sessionType: sessions.type })
      .from(sessionEvents)
      .innerJoin(sessions, eq(sessions.id, sessionEvents.sessionId))
      .where(
        and(
          filter.component ? eq(sessions.component, filter.component) : undefined,
          filter.type ? eq(sessions.type, filter.type) : undefined,
          filter.kind ? eq(sessionEvents.kind, filter.kind) : undefined,
          filter.outcome ? eq(sessionEvents.outcome, filter.outcome) : undefined,
        ),
      )
      .orderBy(desc(sessionEvents.at), desc(sessionEvents.id))
      .limit(filter.limit);
    return rows.map((r) => ({ ...r.event, component: r.component, sessionType: r.sessionType }));
  }

  /**
   * Per component over the last `days`: how sessions ended. Clean = ENDED with EXIT; the quality score is
   * the share of finished sessions that ended cleanly with no sequence gap (as the Prometheus gauge).
   */
  async quality(days: number, component?: string | null): Promise<ComponentQuality[]> {
    if (!(days > 0 && days <= QUERY_LIMITS.days))
      throw badInput(`days must be between 1 and ${QUERY_LIMITS.days}`);
    const since = new Date(this.now().getTime() - days * 86_400_000);
    const rows = await this.db
      .select({
        component: sessions.component,
        total: sql<number>`count(*)::int`,
        active: sql<number>`(count(*) filter (where ${sessions.status} = ${sqlText(SessionStatuses.ACTIVE)}))::int`,
        finished: sql<number>`(count(*) filter (where ${sessions.status} <> ${sqlText(SessionStatuses.ACTIVE)}))::int`,
        clean: sql<number>`(count(*) filter (where ${sessions.status} = ${sqlText(SessionStatuses.ENDED)} and ${sessions.endReason} = ${sqlText(EndReasons.EXIT)}))::int`,
        cleanNoGap: sql<number>`(count(*) filter (where ${sessions.status} = ${sqlText(SessionStatuses.ENDED)} and ${sessions.endReason} = ${sqlText(EndReasons.EXIT)} and ${sessions.eventCount} = ${sessions.maxSeq}))::int`,
        abandoned: sql<number>`(count(*) filter (where ${sessions.status} = ${sqlText(SessionStatuses.ABANDONED)}))::int`,
        delayed: sql<number>`(count(*) filter (where ${sessions.delayed}))::int`,
      })
      .from(sessions)
      .where(and(gte(sessions.startedAt, since), component ? eq(sessions.component, component) : undefined))
      .groupBy(sessions.component)
      .orderBy(sessions.component);
    return rows.map((r) => {
      const finished = Number(r.finished);
      const total = Number(r.total);
      return {
        component: r.component,
        totalSessions: total,
        activeSessions: Number(r.active),
        finishedSessions: finished,
        cleanEndRate: finished ? Number(r.clean) / finished : null,
        abandonedRate: finished ? Number(r.abandoned) / finished : null,
        delayedRate: total ? Number(r.delayed) / total : 0,
        qualityScore: finished ? (100 * Number(r.cleanNoGap)) / finished : null,
      };
    });
  }

  /** The seqs missing from a session's record (see `Session.missingSeqRanges`). */
  missingSeqRanges(s: SessionRow) {
    return missingSeqRanges(this.db, s);
  }

  async eventCount(sessionId: string): Promise<number> {
    const [r] = await this.db
      .select({ n: count() })
      .from(sessionEvents)
      .where(eq(sessionEvents.sessionId, sessionId));
    return Number(r?.n ?? 0);
  }

  /**
   * Marks sessions silent for longer than `abandonAfterSeconds` as ABANDONED. Each row changes once even
   * with several replicas reaping at the same moment: the update is conditional on ACTIVE and rows are
   * claimed with SKIP LOCKED.
   */
  async reap(abandonAfterSeconds: number, batch = 500): Promise<SessionRow[]> {
    const cutoff = new Date(this.now().getTime() - abandonAfterSeconds * 1000);
    const rows = (await this.db.execute(sql`
      update ${sessions} set
        status = ${sqlText(SessionStatuses.ABANDONED)},
        end_reason = ${sqlText(EndReasons.ABANDONED)},
        ended_at = greatest(${sessions.lastSeenAt}, ${sessions.startedAt}),
        end_received_at = ${this.now().toISOString()}::timestamptz
      where ${sessions.id} in (
        select id from ${sessions}
        where status = ${sqlText(SessionStatuses.ACTIVE)} and ${lte(sessions.lastSeenAt, cutoff)}
        order by last_seen_at
        limit ${batch}
        for update skip locked
      ) and status = ${sqlText(SessionStatuses.ACTIVE)}
      returning id`)) as unknown as { id: string }[] | { rows: { id: string }[] };
    const ids = (Array.isArray(rows) ? rows : rows.rows).map((r) => r.id);
    const reaped = await this.getMany(ids);
    for (const row of reaped) {
      this.metrics?.sessionEnded(row, SessionStatuses.ACTIVE);
      this.ended(row);
      await this.pubsub.publish("session:ended", sessionToWire(row));
    }
    for (const component of new Set(reaped.map((r) => r.component))) {
      await this.pubsub.publish("sessions:changed", { component });
    }
    return reaped;
  }
}
