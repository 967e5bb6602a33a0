/**
 * Sensitive mode and the review queue in the API: Session.sensitive / sensitivePeriods / reviews /
 * reviewCauses, pendingReviews, reviewSession, and the live sensitiveAccess and reviewQueueChanged feeds.
 */
import { filter, pipe } from "graphql-yoga";
import { EventKinds, REVIEW_CAUSES, REVIEW_VERDICTS } from "../../contract/enums.js";
import type { SessionReviewRow } from "../../db/schema.js";
import { builder } from "../builder.js";
import type { Context } from "../context.js";
import type { ReviewQueueChange } from "../pubsub.js";
import { eventFromWire } from "../pubsub.js";
import type { SensitivePeriod } from "../services/reviews.js";
import { requireIdentity } from "./access.js";
import { describedValues } from "./session-enums.js";
import { parseSessionId, parseText } from "./session-inputs.js";
import { INTERRUPTED, unlessInterrupted, untilDown } from "./session-subscriptions.js";
import { Session, SessionConnection } from "./session-types.js";

export const ReviewVerdict = builder.enumType("ReviewVerdict", {
  description: "A reviewer's verdict on an ended session.",
  values: describedValues(REVIEW_VERDICTS, {
    APPROVED: "What was done was justified and as expected.",
    FLAGGED: "Something needs a closer look (the note says what); on-call are alerted.",
  }),
});

export const ReviewCause = builder.enumType("ReviewCause", {
  description: "Why a session needs a review.",
  values: describedValues(REVIEW_CAUSES, {
    SENSITIVE: "It had a sensitive period (sensitive(reason) at the prompt).",
    ANOMALY:
      "Anomaly detection flags it now: a session_duration or commands_per_session outlier of the last 7 days.",
    REQUIRED: "Its component is configured review: required.",
  }),
});

const SensitivePeriodRef = builder.objectRef<SensitivePeriod>("SensitivePeriod").implement({
  description:
    "One stretch of sensitive mode, from sensitive(reason) to end_sensitive() or the session's end.",
  fields: (t) => ({
    reason: t.exposeString("reason", {
      nullable: true,
      description: "Why, as the operator gave it (redacted at the source like command text).",
    }),
    ticketRef: t.exposeString("ticketRef", {
      nullable: true,
      description: "The ticket the reason names (e.g. OPS-1234), if any.",
    }),
    beganAt: t.field({ type: "DateTime", resolve: (p) => p.beganAt, description: "When it began." }),
    beginSeq: t.exposeInt("beginSeq", { description: "The seq of its sensitive_begin event." }),
    endedAt: t.field({
      type: "DateTime",
      nullable: true,
      resolve: (p) => p.endedAt,
      description:
        "When it ended; null while it lasts, or when the shell stopped without recording its end (a crash, an abandoned session).",
    }),
    endSeq: t.exposeInt("endSeq", { nullable: true, description: "The seq of its sensitive_end event." }),
    endedBy: t.exposeString("endedBy", {
      nullable: true,
      description:
        "end_sensitive (the operator left it) or session_end (the session ended in it); null when no end was recorded.",
    }),
  }),
});

export const SessionReview = builder.objectRef<SessionReviewRow>("SessionReview").implement({
  description: "A reviewer's verdict on a session. Permanent: a later review adds one, the latest stands.",
  fields: (t) => ({
    id: t.id({ resolve: (r) => String(r.id), description: "The review's number." }),
    sessionId: t.exposeID("sessionId", { description: "The session reviewed." }),
    verdict: t.field({ type: ReviewVerdict, resolve: (r) => r.verdict, description: "The verdict." }),
    note: t.exposeString("note", { nullable: true, description: "What the reviewer noted." }),
    reviewer: t.exposeString("reviewer", { description: "The token subject who reviewed it." }),
    reviewedAt: t.field({ type: "DateTime", resolve: (r) => r.reviewedAt, description: "When." }),
  }),
});

builder.objectFields(Session, (t) => ({
  sensitive: t.boolean({
    description: "Whether it had a sensitive period (see sensitivePeriods).",
    resolve: (s, _args, ctx) => ctx.services.reviews.isSensitive(s.id),
  }),
  sensitivePeriods: t.field({
    type: [SensitivePeriodRef],
    description: "Its sensitive periods, oldest first.",
    resolve: (s, _args, ctx) => ctx.services.reviews.sensitivePeriods(s.id),
  }),
  reviews: t.field({
    type: [SessionReview],
    description: "Its reviews, oldest first; the last is the verdict that stands.",
    resolve: (s, _args, ctx) => ctx.services.reviews.reviewsOf(s.id),
  }),
  reviewCauses: t.field({
    type: [ReviewCause],
    description: "Why it needs a review (whether or not it has one yet); empty when nothing calls for one.",
    resolve: (s, _args, ctx) => ctx.services.reviews.causesOf(s),
  }),
}));

builder.queryFields((t) => ({
  pendingReviews: t.field({
    type: SessionConnection,
    description:
      "Ended (or abandoned) sessions that need a review and have none yet — sensitive ones, those anomaly detection flags, and every session of a component configured review: required — newest first. Each node's reviewCauses says why. Needs audit:review.",
    authScopes: { review: true },
    args: {
      component: t.arg.string({ description: "Only this component's sessions; omit for all." }),
      first: t.arg.int({ defaultValue: 20, description: "Page size, 0 … 100." }),
      after: t.arg.string({ description: "A cursor from a previous page's endCursor." }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.reviews.pending(parseText("component", args.component), args.first ?? 20, args.after),
  }),
}));

builder.mutationFields((t) => ({
  reviewSession: t.field({
    type: SessionReview,
    description:
      "Records a verdict on an ended session, with the reviewer (the token's subject) and time. FORBIDDEN (reason SELF_REVIEW) on a session the reviewer started; CONFLICT while it is ACTIVE; NOT_FOUND for an unknown id; FLAGGED needs a note. Needs audit:review.",
    authScopes: { review: true },
    args: {
      id: t.arg.id({ required: true, description: "The session's UUID." }),
      verdict: t.arg({ type: ReviewVerdict, required: true, description: "APPROVED or FLAGGED." }),
      note: t.arg.string({ description: "What the reviewer found, 1–500 characters; required to flag." }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.reviews.review({
        sessionId: parseSessionId(args.id),
        verdict: args.verdict,
        note: args.note,
        reviewer: requireIdentity(ctx).sub,
      }),
  }),
}));

interface SensitiveAccessData {
  sessionId: string;
  component: string;
  seq: number;
  at: Date;
  reason: string | null;
  ticketRef: string | null;
}

const SensitiveAccess = builder.objectRef<SensitiveAccessData>("SensitiveAccess").implement({
  description: "Sensitive mode began in a session.",
  fields: (t) => ({
    sessionId: t.exposeID("sessionId", { description: "The session." }),
    component: t.exposeString("component", { description: "Its component." }),
    seq: t.exposeInt("seq", { description: "The seq of the sensitive_begin event." }),
    at: t.field({
      type: "DateTime",
      resolve: (a) => a.at,
      description: "When it began (the shell's clock).",
    }),
    reason: t.exposeString("reason", { nullable: true, description: "Why, as the operator gave it." }),
    ticketRef: t.exposeString("ticketRef", { nullable: true, description: "The ticket it names, if any." }),
    session: t.field({
      type: Session,
      nullable: true,
      description: "The session as stored now (who, where); null if it is gone.",
      resolve: (a, _args, ctx) => ctx.services.sessions.get(a.sessionId),
    }),
  }),
});

const ReviewQueueChangeRef = builder.objectRef<ReviewQueueChange>("ReviewQueueChange").implement({
  description: "The review queue changed: a session joined it or was reviewed.",
  fields: (t) => ({
    sessionId: t.exposeID("sessionId", { description: "The session." }),
    component: t.exposeString("component", { description: "Its component." }),
    change: t.exposeString("change", {
      description:
        "QUEUED: it ended and needs review (sensitive, or its component requires review); REVIEWED: a verdict was recorded.",
    }),
    verdict: t.field({
      type: ReviewVerdict,
      nullable: true,
      resolve: (c) => c.verdict,
      description: "The verdict, for REVIEWED.",
    }),
    reviewer: t.exposeString("reviewer", { nullable: true, description: "Who reviewed it, for REVIEWED." }),
    at: t.field({ type: "DateTime", resolve: (c) => new Date(c.at), description: "When it changed." }),
  }),
});

const sensitiveFrom = (e: ReturnType<typeof eventFromWire> & { component: string }): SensitiveAccessData => {
  const ticket = e.payload.ticketRef;
  return {
    sessionId: e.sessionId,
    component: e.component,
    seq: e.seq,
    at: e.at,
    reason: e.text,
    ticketRef: typeof ticket === "string" ? ticket : null,
  };
};

builder.subscriptionFields((t) => ({
  sensitiveAccess: t.field({
    type: SensitiveAccess,
    description:
      "Sensitive mode beginning in any session (optionally one component's), the moment its sensitive_begin event is stored. No replay: read Session.sensitivePeriods for what began meanwhile. Ends with SERVICE_UNAVAILABLE when the live feed goes down. Needs sessions:read.",
    authScopes: { read: true },
    args: { component: t.arg.string({ description: "Only this component's sessions; omit for all." }) },
    subscribe: (_root, args, ctx: Context) =>
      pipe(
        untilDown(ctx, ctx.services.pubsub.subscribe("events:all"), "events:all").stream(),
        filter(
          (e) =>
            e === INTERRUPTED ||
            (e.kind === EventKinds.SENSITIVE_BEGIN && (!args.component || e.component === args.component)),
        ),
      ),
    resolve: (payload) => {
      const e = unlessInterrupted(payload);
      return sensitiveFrom({ ...eventFromWire(e), component: e.component });
    },
  }),
  reviewQueueChanged: t.field({
    type: ReviewQueueChangeRef,
    description:
      "The review queue changing: an ended session that needs review (sensitive, or of a component that requires review), or a verdict. No replay: read pendingReviews for the queue now. Ends with SERVICE_UNAVAILABLE when the live feed goes down. Needs audit:review.",
    authScopes: { review: true },
    args: { component: t.arg.string({ description: "Only this component's sessions; omit for all." }) },
    subscribe: (_root, args, ctx: Context) =>
      pipe(
        untilDown(ctx, ctx.services.pubsub.subscribe("review:queue"), "review:queue").stream(),
        filter((c) => c === INTERRUPTED || !args.component || c.component === args.component),
      ),
    resolve: (payload) => unlessInterrupted(payload),
  }),
}));
