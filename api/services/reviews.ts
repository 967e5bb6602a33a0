/**
 * The auditor's side of a session: its sensitive periods (from the `sensitive_begin` / `sensitive_end`
 * events its shell recorded), the review queue, and the verdicts reviewers record.
 */
import { and, asc, eq, inArray, ne, type SQL, sql } from "drizzle-orm";
import {
  EventKinds,
  type ReviewCause,
  ReviewCauses,
  type ReviewVerdict,
  ReviewVerdicts,
  SessionStatuses,
} from "../../contract/enums.js";
import { ForbiddenReasons } from "../../contract/errors.js";
import { LIMITS, QUERY_LIMITS } from "../../contract/limits.js";
import type { Db } from "../../db/connection.js";
import {
  type SessionReviewRow,
  type SessionRow,
  sessionEvents,
  sessionReviews,
  sessions,
} from "../../db/schema.js";
import { badInput, conflict, forbidden, notFound } from "../errors.js";
import type { PubSub } from "../pubsub.js";
import type { AnalyticsService } from "./analytics/index.js";
import { type SessionService, sensitiveSql } from "./sessions.js";

/** One stretch of sensitive mode: from `sensitive(reason)` to `end_sensitive()` (or the session's end). */
export interface SensitivePeriod {
  reason: string | null;
  ticketRef: string | null;
  beganAt: Date;
  beginSeq: number;
  /** Null while it lasts, or when the shell stopped without recording its end (see `endedBy`). */
  endedAt: Date | null;
  endSeq: number | null;
  /** `end_sensitive` (the operator), `session_end` (the shell ended in it), null when no end was recorded. */
  endedBy: string | null;
}

/** How far back anomaly detection looks for the sessions it puts in the queue. */
export const ANOMALY_REVIEW_WINDOW_SECONDS = 7 * 86_400;

const unreviewed = sql`not exists (select 1 from ${sessionReviews} where ${sessionReviews.sessionId} = ${sessions.id})`;

export interface ReviewOptions {
  db: Db;
  pubsub: PubSub;
  analytics: AnalyticsService;
  sessions: SessionService;
  /** Components whose every session needs a review (`review: required` in the configuration). */
  reviewRequired?: readonly string[];
  /** Told of every FLAGGED verdict (alerts). */
  onFlagged?: (review: SessionReviewRow, session: SessionRow) => void;
}

export class Reviews {
  readonly reviewRequired: ReadonlySet<string>;

  constructor(private readonly options: ReviewOptions) {
    this.reviewRequired = new Set(options.reviewRequired ?? []);
  }

  private get db() {
    return this.options.db;
  }

  /** The sensitive periods of a session, oldest first. */
  async sensitivePeriods(sessionId: string): Promise<SensitivePeriod[]> {
    const rows = await this.db
      .select({
        seq: sessionEvents.seq,
        kind: sessionEvents.kind,
        at: sessionEvents.at,
        text: sessionEvents.text,
        payload: sessionEvents.payload,
      })
      .from(sessionEvents)
      .where(
        and(
          eq(sessionEvents.sessionId, sessionId),
          inArray(sessionEvents.kind, [EventKinds.SENSITIVE_BEGIN, EventKinds.SENSITIVE_END]),
        ),
      )
      .orderBy(asc(sessionEvents.seq));
    const periods: SensitivePeriod[] = [];
    let open: SensitivePeriod | undefined;
    for (const r of rows) {
      if (r.kind === EventKinds.SENSITIVE_BEGIN) {
        const ticket = r.payload.ticketRef;
        open = {
          reason: r.text,
          ticketRef: typeof ticket === "string" ? ticket : null,
          beganAt: r.at,
          beginSeq: r.seq,
          endedAt: null,
          endSeq: null,
          endedBy: null,
        };
        periods.push(open);
      } else if (open) {
        open.endedAt = r.at;
        open.endSeq = r.seq;
        open.endedBy = typeof r.payload.endedBy === "string" ? r.payload.endedBy : "end_sensitive";
        open = undefined;
      }
    }
    return periods;
  }

  async isSensitive(sessionId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ seq: sessionEvents.seq })
      .from(sessionEvents)
      .where(and(eq(sessionEvents.sessionId, sessionId), eq(sessionEvents.kind, EventKinds.SENSITIVE_BEGIN)))
      .limit(1);
    return row !== undefined;
  }

  /** A session's reviews, oldest first; the last is its current verdict. */
  reviewsOf(sessionId: string): Promise<SessionReviewRow[]> {
    return this.db
      .select()
      .from(sessionReviews)
      .where(eq(sessionReviews.sessionId, sessionId))
      .orderBy(asc(sessionReviews.id));
  }

  /**
   * The sessions anomaly detection flags now: per-session outliers (session_duration, commands_per_session)
   * over the last {@link ANOMALY_REVIEW_WINDOW_SECONDS}.
   */
  async anomalousSessionIds(component?: string | null): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const metric of ["session_duration", "commands_per_session"]) {
      const found = await this.options.analytics.detectAnomalies(
        metric,
        null,
        ANOMALY_REVIEW_WINDOW_SECONDS,
        {
          component: component ?? null,
          limit: QUERY_LIMITS.page,
        },
      );
      for (const a of found) if (a.sessionId) ids.add(a.sessionId);
    }
    return ids;
  }

  /** Why `session` needs a review (empty: it does not). */
  async causesOf(session: SessionRow, anomalous?: ReadonlySet<string>): Promise<ReviewCause[]> {
    const causes: ReviewCause[] = [];
    if (await this.isSensitive(session.id)) causes.push(ReviewCauses.SENSITIVE);
    const flagged = anomalous ?? (await this.anomalousSessionIds(session.component));
    if (flagged.has(session.id)) causes.push(ReviewCauses.ANOMALY);
    if (this.reviewRequired.has(session.component)) causes.push(ReviewCauses.REQUIRED);
    return causes;
  }

  /** What makes an unreviewed ended session pending, as SQL over `sessions`. */
  private needsReviewSql(anomalous: ReadonlySet<string>): SQL {
    const causes: SQL[] = [sensitiveSql];
    if (this.reviewRequired.size > 0) causes.push(inArray(sessions.component, [...this.reviewRequired]));
    if (anomalous.size > 0) causes.push(inArray(sessions.id, [...anomalous]));
    return sql`(${sql.join(causes, sql` or `)})`;
  }

  /**
   * Ended (or abandoned) sessions that need a review and have none yet, newest first, keyset-paginated like
   * `sessions`. Each node's `reviewCauses` says why it is here.
   */
  async pending(component: string | null | undefined, first: number, after?: string | null) {
    const anomalous = await this.anomalousSessionIds(component);
    const where = and(
      ne(sessions.status, SessionStatuses.ACTIVE),
      component ? eq(sessions.component, component) : undefined,
      unreviewed,
      this.needsReviewSql(anomalous),
    );
    return this.options.sessions.page(where, first, after);
  }

  /**
   * Records a verdict on an ended session. Nobody reviews their own session (FORBIDDEN, reason
   * SELF_REVIEW); a FLAGGED verdict needs a note saying what is wrong; an ACTIVE session is CONFLICT
   * (review it once it ended). A session may be reviewed again: the latest verdict stands, all are kept.
   */
  async review(input: {
    sessionId: string;
    verdict: ReviewVerdict;
    note: string | null | undefined;
    reviewer: string;
  }): Promise<SessionReviewRow> {
    const note = input.note?.trim() || null;
    if (note && note.length > LIMITS.reasonChars)
      throw badInput(`note must be at most ${LIMITS.reasonChars} characters`);
    if (input.verdict === ReviewVerdicts.FLAGGED && !note)
      throw badInput("a FLAGGED verdict needs a note saying what is wrong");
    const [session] = await this.db.select().from(sessions).where(eq(sessions.id, input.sessionId));
    if (!session) throw notFound(`no session ${input.sessionId}`);
    if (session.actor === input.reviewer)
      throw forbidden(
        `${input.reviewer} started session ${session.id}: nobody reviews their own session; ask another reviewer`,
        ForbiddenReasons.SELF_REVIEW,
      );
    if (session.status === SessionStatuses.ACTIVE)
      throw conflict(`session ${session.id} is still ACTIVE: review it once it has ended`);
    const [row] = await this.db
      .insert(sessionReviews)
      .values({ sessionId: session.id, verdict: input.verdict, note, reviewer: input.reviewer })
      .returning();
    const review = row as SessionReviewRow;
    this.options.pubsub.publish("review:queue", {
      sessionId: session.id,
      component: session.component,
      change: "REVIEWED",
      verdict: review.verdict,
      reviewer: review.reviewer,
      at: review.reviewedAt.toISOString(),
    });
    if (review.verdict === ReviewVerdicts.FLAGGED) this.options.onFlagged?.(review, session);
    return review;
  }

  /**
   * Tells the queue's watchers that `session` (just ended) waits for review, when it is sensitive or its
   * component requires review. Anomaly-flagged sessions join the queue when detection flags them, which is
   * read by `pendingReviews`, not announced.
   */
  async announceEnded(session: SessionRow): Promise<void> {
    if (session.status === SessionStatuses.ACTIVE) return;
    const queued = this.reviewRequired.has(session.component) || (await this.isSensitive(session.id));
    if (!queued) return;
    const [reviewed] = await this.db
      .select({ id: sessionReviews.id })
      .from(sessionReviews)
      .where(eq(sessionReviews.sessionId, session.id))
      .limit(1);
    if (reviewed) return;
    this.options.pubsub.publish("review:queue", {
      sessionId: session.id,
      component: session.component,
      change: "QUEUED",
      verdict: null,
      reviewer: null,
      at: (session.endedAt ?? session.lastSeenAt).toISOString(),
    });
  }
}
