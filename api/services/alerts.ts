/**
 * Alert webhooks: what on-call must hear of (an abandoned session, a sensitive period beginning, an anomaly,
 * a FLAGGED verdict, a broken hash chain, a command a STRICT shell refused) posted, signed, to the targets
 * the configuration names (`alerts: [{ url, events, secret }]`).
 *
 * Nothing is lost to a crash or a replica: every alert is found in what the database stores (a sweep over
 * the last `lookbackMs`, run every `intervalMs` and soon after a write that may raise one), and queued in
 * `alert_deliveries` under a deterministic event id, unique per target, so however many replicas find it,
 * it is queued once. A replica claims due rows with a lease (SKIP LOCKED) before posting; a failed post is
 * retried with exponential backoff until `maxAttempts`, then marked FAILED. Each delivery is recorded
 * (`alertDeliveries`) and counted (`alert_deliveries_total`, `alert_delivery_failures_total`). Payloads
 * name the session, never its command text.
 */
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, or, type SQL, sql } from "drizzle-orm";
import { Counter, Gauge, type Registry } from "prom-client";
import { redactUrl } from "../../config/redact-url.js";
import { VERSION } from "../../config/version.js";
import { ALERT_EVENT_HEADER, ALERT_EVENT_ID_HEADER, signAlert } from "../../contract/alert-signature.js";
import {
  type AlertDeliveryStatus,
  AlertDeliveryStatuses,
  type AlertKind,
  AlertKinds,
  EventKinds,
  ReviewVerdicts,
  SessionStatuses,
  STRICT_REFUSED_ERROR_CLASS,
} from "../../contract/enums.js";
import { shortId } from "../../contract/short-id.js";
import type { Db } from "../../db/connection.js";
import {
  type AlertDeliveryRow,
  alertDeliveries,
  type SessionEventRow,
  type SessionRow,
  sessionEvents,
  sessionReviews,
  sessions,
  sqlText,
} from "../../db/schema.js";
import { Periodic } from "../periodic.js";
import type { AnalyticsService } from "./analytics/index.js";
import { ANOMALY_REVIEW_WINDOW_SECONDS } from "./reviews.js";
import type { SessionService } from "./sessions.js";

export interface AlertTarget {
  url: string;
  events: readonly AlertKind[];
  /** The HMAC-SHA256 key of its signatures (contract/alert-signature.ts). */
  secret: string;
}

export interface AlertOptions {
  db: Db;
  sessions: SessionService;
  analytics: AnalyticsService;
  registry: Registry;
  targets: readonly AlertTarget[];
  now?: () => Date;
  logger?: { warn?(o: object, message: string): void; error(message: string, err?: unknown): void };
  /** How far back a sweep looks for alerts not yet queued; default an hour (what a restart catches up). */
  lookbackMs?: number;
  /** Milliseconds between sweeps and delivery rounds; default 10 s. */
  intervalMs?: number;
  /** The first retry's delay; each next one doubles, up to `maxDelayMs`. Default 5 s and 15 min. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Attempts before a delivery is marked FAILED; default 10. */
  maxAttempts?: number;
  /** How long a post may take; default 10 s. */
  timeoutMs?: number;
  /** Milliseconds between anomaly checks (they read analytics); default a minute. */
  anomalyIntervalMs?: number;
  /** How soon a write that may raise an alert is swept for it; default 200 ms. */
  nudgeDelayMs?: number;
}

/** One alert found in the store, before it is queued for its targets. */
interface Found {
  eventId: string;
  kind: AlertKind;
  sessionId: string;
  at: Date;
  detail: Record<string, unknown>;
}

export interface AlertDeliveryFilter {
  status?: AlertDeliveryStatus | undefined;
  kind?: AlertKind | undefined;
  sessionId?: string | undefined;
}

const PENDING = sqlText(AlertDeliveryStatuses.PENDING);
const SENSITIVE_BEGIN = sqlText(EventKinds.SENSITIVE_BEGIN);
const STRICT_REFUSED = sqlText(STRICT_REFUSED_ERROR_CLASS);
const ABANDONED = sqlText(SessionStatuses.ABANDONED);
/** A row may be read by a sweep only after its transaction commits: each sweep overlaps the last by this. */
const SWEEP_OVERLAP_MS = 60_000;
/** How long a replica holds a claimed delivery; longer than any post may take. */
const leaseMs = (timeoutMs: number) => timeoutMs * 3;
const CLAIM_BATCH = 50;

function sessionSummary(s: SessionRow | undefined, id: string) {
  if (!s) return { id, shortId: shortId(id) };
  return {
    id: s.id,
    shortId: shortId(s.id),
    component: s.component,
    actor: s.actor,
    user: s.username,
    host: s.hostname,
    status: s.status,
    actorKind: s.actorKind,
    delegatedBy: s.delegatedBy,
    reason: s.reasonText,
    ticketRef: s.reasonTicket,
    startedAt: s.startedAt.toISOString(),
    endedAt: s.endedAt?.toISOString() ?? null,
  };
}

export class Alerts {
  private readonly targets: readonly AlertTarget[];
  private readonly wanted: ReadonlySet<AlertKind>;
  private readonly rounds: Periodic<void>;
  private readonly now: () => Date;
  private sweptFrom: Date | undefined;
  private lastAnomalyCheck = 0;
  private soon: NodeJS.Timeout | undefined;
  /** The round due when the earliest retry is (the periodic round may be later than a short backoff). */
  private retryTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  private readonly inFlight = new AbortController();
  private readonly delivered: Counter<"kind">;
  private readonly failures: Counter<"kind" | "final">;

  constructor(private readonly o: AlertOptions) {
    this.targets = o.targets;
    this.wanted = new Set(o.targets.flatMap((t) => t.events));
    this.now = o.now ?? (() => new Date());
    this.rounds = new Periodic(() => this.round(), {
      intervalMs: o.intervalMs ?? 10_000,
      fallback: () => undefined,
      onError: (err) => o.logger?.error("alerts: a round failed; the next one tries again", err),
    });
    const registers = [o.registry];
    this.delivered = new Counter({
      name: "alert_deliveries_total",
      help: "Alert webhooks delivered (a 2xx answer), by alert kind",
      labelNames: ["kind"],
      registers,
    });
    this.failures = new Counter({
      name: "alert_delivery_failures_total",
      help: 'Alert webhook attempts that failed, by alert kind; final="true" when it was the last attempt',
      labelNames: ["kind", "final"],
      registers,
    });
    const db = o.db;
    new Gauge({
      name: "alert_deliveries_pending",
      help: "Alert webhooks queued or waiting for a retry",
      registers,
      async collect() {
        const [r] = await db
          .select({ n: sql<number>`count(*)`.mapWith(Number) })
          .from(alertDeliveries)
          .where(sql`${alertDeliveries.status} = ${PENDING}`);
        this.set(r?.n ?? 0);
      },
    });
  }

  /** Whether any target wants `kind`. */
  wants(kind: AlertKind): boolean {
    return this.wanted.has(kind);
  }

  start() {
    if (this.targets.length === 0) return;
    this.rounds.start();
    void this.rounds.run();
  }

  async stop() {
    if (this.soon) clearTimeout(this.soon);
    this.soon = undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer.timer);
    this.retryTimer = undefined;
    this.inFlight.abort();
    await this.rounds.stop();
  }

  /** A write that may have raised an alert: sweep and deliver soon (not per write: calls within the delay share one). */
  nudge() {
    if (this.soon || !this.rounds.started) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.rounds.run();
    }, this.o.nudgeDelayMs ?? 200);
    this.soon.unref();
  }

  /** Runs a round at `at` (the next retry), unless one is already set for sooner. */
  private wakeAt(at: Date) {
    if (!this.rounds.started || (this.retryTimer && this.retryTimer.at <= at.getTime())) return;
    if (this.retryTimer) clearTimeout(this.retryTimer.timer);
    const timer = setTimeout(
      () => {
        this.retryTimer = undefined;
        void this.rounds.run();
      },
      Math.max(0, at.getTime() - this.now().getTime()),
    );
    timer.unref();
    this.retryTimer = { at: at.getTime(), timer };
  }

  /** Tells of the events a batch stored or completed: a sensitive begin or a STRICT refusal nudges. */
  noticeEvents(rows: readonly SessionEventRow[]) {
    if (
      rows.some(
        (r) =>
          (r.kind === EventKinds.SENSITIVE_BEGIN && this.wants(AlertKinds.sensitive_begin)) ||
          (r.errorClass === STRICT_REFUSED_ERROR_CLASS && this.wants(AlertKinds.strict_refused)),
      )
    )
      this.nudge();
  }

  /** One sweep and the deliveries due; concurrent calls share the round in flight. */
  run(): Promise<void> {
    return this.rounds.run();
  }

  private async round() {
    await this.sweep();
    await this.deliverDue();
  }

  /** Queues, for each target that wants it, every alert stored since the last sweep. Returns how many. */
  async sweep(): Promise<number> {
    if (this.targets.length === 0) return 0;
    const started = this.now();
    const floor = new Date(started.getTime() - (this.o.lookbackMs ?? 3_600_000));
    const since = this.sweptFrom && this.sweptFrom > floor ? this.sweptFrom : floor;
    const found: Found[] = [];
    if (this.wants(AlertKinds.session_abandoned)) found.push(...(await this.abandoned(since)));
    if (this.wants(AlertKinds.sensitive_begin) || this.wants(AlertKinds.strict_refused))
      found.push(...(await this.eventAlerts(since)));
    if (this.wants(AlertKinds.session_flagged)) found.push(...(await this.flagged(since)));
    if (this.wants(AlertKinds.chain_broken)) found.push(...(await this.broken(since)));
    if (
      this.wants(AlertKinds.anomaly) &&
      started.getTime() - this.lastAnomalyCheck >= (this.o.anomalyIntervalMs ?? 60_000)
    ) {
      found.push(...(await this.anomalies(floor)));
      this.lastAnomalyCheck = started.getTime();
    }
    const queued = await this.queue(found);
    this.sweptFrom = new Date(started.getTime() - SWEEP_OVERLAP_MS);
    return queued;
  }

  private async abandoned(since: Date): Promise<Found[]> {
    const rows = await this.o.db
      .select({ id: sessions.id, at: sessions.endReceivedAt, lastSeenAt: sessions.lastSeenAt })
      .from(sessions)
      .where(and(sql`${sessions.status} = ${ABANDONED}`, gte(sessions.endReceivedAt, since)));
    return rows.map((r) => ({
      eventId: `${AlertKinds.session_abandoned}:${r.id}:${r.at!.getTime()}`,
      kind: AlertKinds.session_abandoned,
      sessionId: r.id,
      at: r.at!,
      detail: { lastSeenAt: r.lastSeenAt.toISOString() },
    }));
  }

  private async eventAlerts(since: Date): Promise<Found[]> {
    const rows = await this.o.db
      .select({
        id: sessionEvents.id,
        sessionId: sessionEvents.sessionId,
        seq: sessionEvents.seq,
        kind: sessionEvents.kind,
        at: sessionEvents.at,
        text: sessionEvents.text,
        payload: sessionEvents.payload,
        errorClass: sessionEvents.errorClass,
      })
      .from(sessionEvents)
      .where(
        and(
          sql`(${sessionEvents.kind} = ${SENSITIVE_BEGIN} or ${sessionEvents.errorClass} = ${STRICT_REFUSED})`,
          gte(sessionEvents.receivedAt, since),
        ),
      );
    const found: Found[] = [];
    for (const r of rows) {
      if (r.kind === EventKinds.SENSITIVE_BEGIN && this.wants(AlertKinds.sensitive_begin)) {
        const ticket = r.payload.ticketRef;
        found.push({
          eventId: `${AlertKinds.sensitive_begin}:${r.id}`,
          kind: AlertKinds.sensitive_begin,
          sessionId: r.sessionId,
          at: r.at,
          // The reason is the operator's justification (as sensitiveAccess tells it), not command text.
          detail: { seq: r.seq, reason: r.text, ticketRef: typeof ticket === "string" ? ticket : null },
        });
      }
      if (r.errorClass === STRICT_REFUSED_ERROR_CLASS && this.wants(AlertKinds.strict_refused)) {
        found.push({
          eventId: `${AlertKinds.strict_refused}:${r.id}`,
          kind: AlertKinds.strict_refused,
          sessionId: r.sessionId,
          at: r.at,
          detail: { seq: r.seq, eventKind: r.kind },
        });
      }
    }
    return found;
  }

  private async flagged(since: Date): Promise<Found[]> {
    const rows = await this.o.db
      .select()
      .from(sessionReviews)
      .where(and(eq(sessionReviews.verdict, ReviewVerdicts.FLAGGED), gte(sessionReviews.reviewedAt, since)));
    return rows.map((r) => ({
      eventId: `${AlertKinds.session_flagged}:${r.id}`,
      kind: AlertKinds.session_flagged,
      sessionId: r.sessionId,
      at: r.reviewedAt,
      detail: { reviewer: r.reviewer, note: r.note, reviewedAt: r.reviewedAt.toISOString() },
    }));
  }

  private async broken(since: Date): Promise<Found[]> {
    const rows = await this.o.db
      .select({ id: sessions.id, brokenSeq: sessions.brokenSeq, at: sessions.lastSeenAt })
      .from(sessions)
      .where(and(isNotNull(sessions.brokenSeq), gte(sessions.lastSeenAt, since)));
    return rows.map((r) => ({
      eventId: `${AlertKinds.chain_broken}:${r.id}`,
      kind: AlertKinds.chain_broken,
      sessionId: r.id,
      at: r.at,
      detail: {
        brokenSeq: r.brokenSeq,
        where:
          r.brokenSeq === 0 ? "the start" : r.brokenSeq === -1 ? "the end" : `event ${String(r.brokenSeq)}`,
      },
    }));
  }

  /** The per-session outliers the review queue also flags, for sessions that ended since `since`. */
  private async anomalies(since: Date): Promise<Found[]> {
    const found: Found[] = [];
    for (const metric of ["session_duration", "commands_per_session"]) {
      const outliers = await this.o.analytics.detectAnomalies(metric, null, ANOMALY_REVIEW_WINDOW_SECONDS, {
        limit: 500,
      });
      const rows = new Map(
        (await this.o.sessions.getMany(outliers.flatMap((a) => (a.sessionId ? [a.sessionId] : [])))).map(
          (r) => [r.id, r],
        ),
      );
      for (const a of outliers) {
        const row = a.sessionId ? rows.get(a.sessionId) : undefined;
        if (!row || (row.endReceivedAt ?? row.lastSeenAt) < since) continue;
        found.push({
          eventId: `${AlertKinds.anomaly}:${row.id}:${metric}`,
          kind: AlertKinds.anomaly,
          sessionId: row.id,
          at: a.at,
          detail: { metric, value: a.value, baseline: a.baseline, score: a.score, reason: a.reason },
        });
      }
    }
    return found;
  }

  private async queue(found: readonly Found[]): Promise<number> {
    if (found.length === 0) return 0;
    const byId = new Map(
      (await this.o.sessions.getMany([...new Set(found.map((f) => f.sessionId))])).map((r) => [r.id, r]),
    );
    const values = found.flatMap((f) => {
      const session = byId.get(f.sessionId);
      const payload = {
        id: f.eventId,
        type: f.kind,
        at: f.at.toISOString(),
        session: sessionSummary(session, f.sessionId),
        detail: f.detail,
      };
      return this.targets
        .filter((t) => t.events.includes(f.kind))
        .map((t) => ({
          eventId: f.eventId,
          kind: f.kind,
          target: redactUrl(t.url),
          sessionId: f.sessionId,
          component: session?.component ?? null,
          payload,
          nextAttemptAt: this.now(),
        }));
    });
    let queued = 0;
    for (let i = 0; i < values.length; i += 500) {
      const rows = await this.o.db
        .insert(alertDeliveries)
        .values(values.slice(i, i + 500))
        .onConflictDoNothing({ target: [alertDeliveries.eventId, alertDeliveries.target] })
        .returning({ id: alertDeliveries.id });
      queued += rows.length;
    }
    return queued;
  }

  /** Claims and posts what is due, a batch at a time, until nothing due is left unclaimed. */
  async deliverDue(): Promise<void> {
    for (let round = 0; round < 20; round++) {
      const claimed = await this.claim();
      await Promise.all(claimed.map((row) => this.deliver(row)));
      if (claimed.length < CLAIM_BATCH) return;
    }
  }

  private async claim(): Promise<AlertDeliveryRow[]> {
    const now = this.now();
    const due = this.o.db
      .select({ id: alertDeliveries.id })
      .from(alertDeliveries)
      .where(
        and(
          sql`${alertDeliveries.status} = ${PENDING}`,
          lte(alertDeliveries.nextAttemptAt, now),
          or(isNull(alertDeliveries.leaseUntil), lt(alertDeliveries.leaseUntil, now)),
        ),
      )
      .orderBy(asc(alertDeliveries.nextAttemptAt))
      .limit(CLAIM_BATCH)
      .for("update", { skipLocked: true });
    return this.o.db
      .update(alertDeliveries)
      .set({
        leaseUntil: new Date(now.getTime() + leaseMs(this.o.timeoutMs ?? 10_000)),
        attempts: sql`${alertDeliveries.attempts} + 1`,
      })
      .where(and(inArray(alertDeliveries.id, due), sql`${alertDeliveries.status} = ${PENDING}`))
      .returning();
  }

  private async deliver(row: AlertDeliveryRow) {
    const target = this.targets.find((t) => redactUrl(t.url) === row.target);
    let status: number | null = null;
    let error: string | null = null;
    if (!target) error = "the target is no longer configured";
    else {
      const body = JSON.stringify(row.payload);
      try {
        const res = await fetch(target.url, {
          method: "POST",
          redirect: "manual",
          headers: {
            "content-type": "application/json",
            "user-agent": `Session-Buddy/${VERSION}`,
            [ALERT_EVENT_ID_HEADER]: row.eventId,
            [ALERT_EVENT_HEADER]: row.kind,
            "session-buddy-signature": signAlert(
              target.secret,
              body,
              Math.floor(this.now().getTime() / 1000),
            ),
          },
          body,
          signal: AbortSignal.any([this.inFlight.signal, AbortSignal.timeout(this.o.timeoutMs ?? 10_000)]),
        });
        status = res.status;
        await res.arrayBuffer().catch(() => undefined);
        if (!res.ok) error = `HTTP ${res.status}`;
      } catch (err) {
        // Stopping: the lease runs out and another replica (or this one, restarted) posts it again.
        if (this.inFlight.signal.aborted) return;
        const e = err as Error & { cause?: { code?: string; message?: string } };
        error = e.name === "TimeoutError" ? "timed out" : (e.cause?.code ?? e.cause?.message ?? e.message);
      }
    }
    const now = this.now();
    const mine = and(eq(alertDeliveries.id, row.id), eq(alertDeliveries.leaseUntil, row.leaseUntil!));
    if (error === null) {
      this.delivered.inc({ kind: row.kind });
      await this.o.db
        .update(alertDeliveries)
        .set({
          status: AlertDeliveryStatuses.DELIVERED,
          deliveredAt: now,
          leaseUntil: null,
          lastStatus: status,
          lastError: null,
        })
        .where(mine);
      return;
    }
    const final = !target || row.attempts >= (this.o.maxAttempts ?? 10);
    this.failures.inc({ kind: row.kind, final: String(final) });
    this.o.logger?.warn?.(
      { eventId: row.eventId, target: row.target, attempt: row.attempts, error },
      final ? "alert delivery failed; giving up" : "alert delivery failed; will retry",
    );
    const delay = Math.min(
      (this.o.baseDelayMs ?? 5_000) * 2 ** (row.attempts - 1),
      this.o.maxDelayMs ?? 15 * 60_000,
    );
    const next = new Date(now.getTime() + delay);
    await this.o.db
      .update(alertDeliveries)
      .set({
        ...(final ? { status: AlertDeliveryStatuses.FAILED } : { nextAttemptAt: next }),
        leaseUntil: null,
        lastStatus: status,
        lastError: error.slice(0, 500),
      })
      .where(mine);
    if (!final) this.wakeAt(next);
  }

  /** Delivery records matching the filter, newest first, `first` after the record with id `after`. */
  async list(filter: AlertDeliveryFilter, first: number, after?: number) {
    const where: SQL[] = [];
    if (filter.status) where.push(eq(alertDeliveries.status, filter.status));
    if (filter.kind) where.push(eq(alertDeliveries.kind, filter.kind));
    if (filter.sessionId) where.push(eq(alertDeliveries.sessionId, filter.sessionId));
    if (after !== undefined) where.push(lt(alertDeliveries.id, after));
    const rows = await this.o.db
      .select()
      .from(alertDeliveries)
      .where(and(...where))
      .orderBy(desc(alertDeliveries.id))
      .limit(first + 1);
    return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
  }
}
