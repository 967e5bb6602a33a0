import { ALERT_DELIVERY_STATUSES, ALERT_KINDS } from "../../contract/enums.js";
import type { AlertDeliveryRow } from "../../db/schema.js";
import { builder } from "../builder.js";
import { idPage, sessionIdArg } from "./id-page.js";
import { describedValues } from "./session-enums.js";

/** Alert webhooks (README, "Alerts"): the record of each delivery, for admins. */

const DELIVERY_PAGE_MAX = 500;

const AlertKind = builder.enumType("AlertKind", {
  description: "What an alert webhook tells of (the events of an alerts target in the configuration).",
  values: describedValues(ALERT_KINDS, {
    session_abandoned: "The reaper marked a session abandoned (its shell went silent).",
    sensitive_begin: "An operator entered sensitive mode (with the reason given).",
    anomaly: "Anomaly detection flagged an ended session (its duration or command count is an outlier).",
    session_flagged: "A reviewer recorded a FLAGGED verdict.",
    chain_broken: "A session's hash chain did not match at ingest (a record was altered, lost or forged).",
    strict_refused: "A STRICT shell refused to run a command because the service did not acknowledge it.",
  }),
});

const AlertDeliveryStatus = builder.enumType("AlertDeliveryStatus", {
  description: "Where a delivery stands.",
  values: describedValues(ALERT_DELIVERY_STATUSES, {
    PENDING: "Queued, or waiting for its next attempt after a failure.",
    DELIVERED: "The target answered 2xx.",
    FAILED: "Given up after the last attempt (or its target is no longer configured).",
  }),
});

const AlertDelivery = builder.objectRef<AlertDeliveryRow>("AlertDelivery").implement({
  description: "One alert for one webhook target, and how its delivery went.",
  fields: (t) => ({
    id: t.id({ resolve: (r) => String(r.id), description: "Its place in the record; newer is larger." }),
    eventId: t.exposeString("eventId", {
      description:
        "The alert's id, the same for every target and every attempt (the Session-Buddy-Event-Id header).",
    }),
    kind: t.field({ type: AlertKind, resolve: (r) => r.kind, description: "What it tells of." }),
    target: t.exposeString("target", { description: "The webhook's URL (credentials removed)." }),
    sessionId: t.id({ nullable: true, resolve: (r) => r.sessionId, description: "The session it is about." }),
    component: t.exposeString("component", { nullable: true, description: "That session's component." }),
    payload: t.field({
      type: "JSON",
      resolve: (r) => r.payload,
      description: "The body posted (never command text).",
    }),
    status: t.field({ type: AlertDeliveryStatus, resolve: (r) => r.status, description: "Where it stands." }),
    attempts: t.exposeInt("attempts", { description: "Posts made so far." }),
    nextAttemptAt: t.field({
      type: "DateTime",
      nullable: true,
      resolve: (r) => (r.status === "PENDING" ? r.nextAttemptAt : null),
      description: "When it is posted next; null once delivered or failed.",
    }),
    lastStatus: t.exposeInt("lastStatus", {
      nullable: true,
      description: "The HTTP status of the last attempt; null when it got no answer.",
    }),
    lastError: t.exposeString("lastError", {
      nullable: true,
      description:
        "Why the last attempt failed (e.g. HTTP 503, ECONNREFUSED, timed out); null after a success.",
    }),
    createdAt: t.field({ type: "DateTime", resolve: (r) => r.createdAt, description: "When it was queued." }),
    deliveredAt: t.field({
      type: "DateTime",
      nullable: true,
      resolve: (r) => r.deliveredAt,
      description: "When the target acknowledged it.",
    }),
  }),
});

const AlertDeliveryPage = builder
  .objectRef<{ rows: AlertDeliveryRow[]; hasNextPage: boolean }>("AlertDeliveryPage")
  .implement({
    description: "A page of alert deliveries, newest first.",
    fields: (t) => ({
      deliveries: t.field({
        type: [AlertDelivery],
        description: "The deliveries of this page.",
        resolve: (p) => p.rows,
      }),
      hasNextPage: t.exposeBoolean("hasNextPage", { description: "True when older deliveries follow." }),
      endCursor: t.string({
        nullable: true,
        description: "Pass as after for the next page; null when the page is empty.",
        resolve: (p) => (p.rows.length ? String(p.rows.at(-1)!.id) : null),
      }),
    }),
  });

const AlertDeliveryFilter = builder.inputType("AlertDeliveryFilter", {
  description: "Which deliveries; every field given must match.",
  fields: (t) => ({
    status: t.field({ type: AlertDeliveryStatus, description: "Only those in this state." }),
    kind: t.field({ type: AlertKind, description: "Only alerts of this kind." }),
    sessionId: t.id({ description: "Only alerts about this session." }),
  }),
});

builder.queryFields((t) => ({
  alertDeliveries: t.field({
    type: AlertDeliveryPage,
    description: "The alert webhooks posted or waiting, newest first, a page at a time. Needs admin.",
    authScopes: { admin: true },
    args: {
      filter: t.arg({ type: AlertDeliveryFilter, description: "Which deliveries; omit for all." }),
      first: t.arg.int({
        defaultValue: 50,
        description: `Deliveries per page, 1 … ${DELIVERY_PAGE_MAX} (default 50).`,
      }),
      after: t.arg.string({ description: "The endCursor of the previous page." }),
    },
    resolve: (_root, args, ctx) => {
      const { first, after } = idPage(args, "alertDeliveries", DELIVERY_PAGE_MAX);
      const f = args.filter ?? {};
      return ctx.services.alerts.list(
        {
          status: f.status ?? undefined,
          kind: f.kind ?? undefined,
          sessionId: sessionIdArg(f.sessionId, "filter.sessionId"),
        },
        first,
        after,
      );
    },
  }),
}));
