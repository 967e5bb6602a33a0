import type { LegalHoldRow } from "../../db/schema.js";
import { builder } from "../builder.js";
import type { PurgedSession, PurgeResult } from "../trust/retention.js";
import { requireIdentity } from "./access.js";
import { parseSessionId, parseText } from "./session-inputs.js";
import { Session } from "./session-types.js";

/** Retention, purge and legal holds (README, "Trust"): for admins; a session's hold is on the session. */

const days = (seconds: number | null) => (seconds === null ? null : seconds / 86_400);

const LegalHold = builder.objectRef<LegalHoldRow>("LegalHold").implement({
  description: "A legal hold: a purge never removes a session while it is held.",
  fields: (t) => ({
    sessionId: t.id({ resolve: (h) => h.sessionId, description: "The session held." }),
    reason: t.exposeString("reason", { description: "Why, as given when it was placed." }),
    heldBy: t.exposeString("heldBy", { description: "Who placed it: the token's subject." }),
    heldAt: t.field({ type: "DateTime", resolve: (h) => h.heldAt, description: "When it was placed." }),
    releasedBy: t.exposeString("releasedBy", {
      nullable: true,
      description: "Who released it; null while it holds.",
    }),
    releasedAt: t.field({
      type: "DateTime",
      nullable: true,
      resolve: (h) => h.releasedAt,
      description: "When it was released; null while it holds.",
    }),
  }),
});

const PurgedSessionRef = builder.objectRef<PurgedSession>("PurgedSession").implement({
  description: "A session a purge removed (or, in a dry run, would remove).",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The session's UUID." }),
    component: t.exposeString("component", { description: "Its component." }),
    actor: t.exposeString("actor", { description: "Who ran it." }),
    status: t.exposeString("status", { description: "ENDED or ABANDONED." }),
    startedAt: t.field({ type: "DateTime", resolve: (s) => s.startedAt, description: "Its start." }),
    endedAt: t.field({
      type: "DateTime",
      nullable: true,
      resolve: (s) => s.endedAt,
      description: "Its end (for an abandoned session, its last sign of life).",
    }),
    events: t.exposeInt("events", { description: "Its events." }),
  }),
});

const PurgeResultRef = builder.objectRef<PurgeResult>("PurgeResult").implement({
  description:
    "What a purge did, or in a dry run would do: the sessions that go, and those older than the cut-off that are kept and why.",
  fields: (t) => ({
    dryRun: t.exposeBoolean("dryRun", { description: "True when nothing was removed." }),
    cutoff: t.field({
      type: "DateTime",
      resolve: (r) => r.cutoff,
      description: "Sessions that ended before this go: the before asked for, or the minimum age's cut-off.",
    }),
    clamped: t.exposeBoolean("clamped", {
      description: "True when the minimum age (SESSION_BUDDY_RETENTION_MIN_DAYS) moved the cut-off earlier.",
    }),
    minDays: t.exposeFloat("minDays", {
      description: "The minimum age in days: nothing that ended more recently is purged.",
    }),
    component: t.exposeString("component", { nullable: true, description: "The component; null for all." }),
    count: t.exposeInt("count", { description: "Sessions purged (or that would be)." }),
    events: t.exposeInt("events", { description: "Their events." }),
    sessions: t.field({
      type: [PurgedSessionRef],
      resolve: (r) => r.sessions,
      description: "The first 100 of them, oldest first.",
    }),
    held: t.exposeInt("held", { description: "Kept: under a legal hold." }),
    unsigned: t.exposeInt("unsigned", {
      description: "Kept: records no checkpoint has signed yet (a tombstone could not prove them).",
    }),
    active: t.exposeInt("active", { description: "Kept: still active." }),
  }),
});

const RetentionPeriod = builder
  .objectRef<{ component: string; days: number | null }>("RetentionPeriod")
  .implement({
    description: "How long one component's ended sessions are kept.",
    fields: (t) => ({
      component: t.exposeString("component", { description: "The component." }),
      days: t.float({
        nullable: true,
        resolve: (p) => p.days,
        description: "Days after its end a session is kept; null for ever.",
      }),
    }),
  });

const RetentionPolicyRef = builder
  .objectRef<{
    defaultDays: number | null;
    components: { component: string; days: number | null }[];
    minDays: number;
  }>("RetentionPolicy")
  .implement({
    description: "What the scheduled retention pass purges, and the minimum age no purge goes below.",
    fields: (t) => ({
      defaultDays: t.float({
        nullable: true,
        resolve: (p) => p.defaultDays,
        description:
          "Days after its end a session is kept, for components without a period of their own; null for ever.",
      }),
      components: t.field({
        type: [RetentionPeriod],
        resolve: (p) => p.components,
        description: "Components with a period of their own.",
      }),
      minDays: t.float({
        resolve: (p) => p.minDays,
        description: "No session that ended less than this many days ago is purged, by any path.",
      }),
    }),
  });

builder.objectField(Session, "legalHold", (t) =>
  t.field({
    type: LegalHold,
    nullable: true,
    description: "The legal hold on this session, if any: a purge never removes it while it holds.",
    resolve: (s, _args, ctx) => ctx.services.retention.activeHold(s.id),
  }),
);

builder.queryFields((t) => ({
  retentionPolicy: t.field({
    type: RetentionPolicyRef,
    description: "The retention policy in force. Needs admin.",
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => {
      const p = ctx.services.retention.policy;
      return {
        defaultDays: days(p.defaultSeconds),
        components: Object.entries(p.components).map(([component, s]) => ({ component, days: days(s) })),
        minDays: p.minDays,
      };
    },
  }),
}));

builder.mutationFields((t) => ({
  holdSession: t.field({
    type: LegalHold,
    description:
      "Places a legal hold on a session: no purge removes it until it is released. CONFLICT when it is held already, NOT_FOUND when there is no such session. Needs admin.",
    authScopes: { admin: true },
    args: {
      id: t.arg.id({ required: true, description: "The session's UUID." }),
      reason: t.arg.string({ required: true, description: "Why (a case or ticket), 1–500 characters." }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.retention.hold(parseSessionId(args.id), args.reason, requireIdentity(ctx).sub),
  }),
  releaseHold: t.field({
    type: LegalHold,
    description:
      "Releases a session's legal hold (the hold stays on record, with who released it and when). NOT_FOUND when it has none. Needs admin.",
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true, description: "The session's UUID." }) },
    resolve: (_root, args, ctx) =>
      ctx.services.retention.release(parseSessionId(args.id), requireIdentity(ctx).sub),
  }),
  purgeSessions: t.field({
    type: PurgeResultRef,
    description:
      "Removes the sessions that ended before `before` (of one component, or all) with their events, each leaving a signed tombstone so verify tells the purge from tampering. A dry run by default: pass dryRun: false to remove. Never removes a held or active session, one with unsigned records, or one younger than the minimum age. Needs admin.",
    authScopes: { admin: true },
    args: {
      before: t.arg({ type: "DateTime", required: true, description: "Sessions that ended before this go." }),
      component: t.arg.string({ description: "Only this component's sessions; omit for all." }),
      dryRun: t.arg.boolean({
        defaultValue: true,
        description: "True (the default): only say what would go. False: remove it.",
      }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.retention.purge({
        before: args.before,
        component: parseText("component", args.component),
        dryRun: args.dryRun ?? true,
        by: requireIdentity(ctx).sub,
      }),
  }),
}));
