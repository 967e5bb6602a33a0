import type { AccessLogRow } from "../../db/schema.js";
import { builder } from "../builder.js";
import type { Viewer } from "../services/access-log.js";
import { idPage, sessionIdArg } from "./id-page.js";
import { Session } from "./session-types.js";

/** Who read command text (README, "Trust"): the access log for admins, "viewed by" on a session. */

const ACCESS_PAGE_MAX = 500;

const AccessRecord = builder.objectRef<AccessLogRow>("AccessRecord").implement({
  description:
    "A read of command text: who, which session, by which route or GraphQL operation, how many events, when (reads close together are summed in one record).",
  fields: (t) => ({
    id: t.id({ resolve: (r) => String(r.id), description: "Its place in the log; newer is larger." }),
    at: t.field({ type: "DateTime", resolve: (r) => r.at, description: "When it was recorded." }),
    subject: t.exposeString("subject", { description: "The reader: the token's subject." }),
    sessionId: t.id({
      nullable: true,
      resolve: (r) => r.sessionId,
      description: "The session read; null for a read of the whole trail (GET /trail.ndjson).",
    }),
    route: t.exposeString("route", {
      description: "How: `graphql <operation type> <operation name>`, or the HTTP route.",
    }),
    events: t.exposeInt("events", { description: "Events whose text it returned." }),
  }),
});

const AccessRecordPage = builder
  .objectRef<{ rows: AccessLogRow[]; hasNextPage: boolean }>("AccessRecordPage")
  .implement({
    description: "A page of the access log, newest first.",
    fields: (t) => ({
      records: t.field({
        type: [AccessRecord],
        description: "The records of this page.",
        resolve: (p) => p.rows,
      }),
      hasNextPage: t.exposeBoolean("hasNextPage", { description: "True when older records follow." }),
      endCursor: t.string({
        nullable: true,
        description: "Pass as after for the next page; null when the page is empty.",
        resolve: (p) => (p.rows.length ? String(p.rows.at(-1)!.id) : null),
      }),
    }),
  });

const AccessLogFilter = builder.inputType("AccessLogFilter", {
  description: "Which access records; every field given must match.",
  fields: (t) => ({
    subject: t.string({ description: "Reads by this token subject." }),
    sessionId: t.id({ description: "Reads of this session." }),
    since: t.field({ type: "DateTime", description: "Recorded at or after." }),
    until: t.field({ type: "DateTime", description: "Recorded before." }),
  }),
});

const SessionViewer = builder.objectRef<Viewer>("SessionViewer").implement({
  description: "Someone who read a session's command text.",
  fields: (t) => ({
    subject: t.exposeString("subject", { description: "The reader: the token's subject." }),
    events: t.exposeInt("events", { description: "Events' text returned to them, over all their reads." }),
    reads: t.exposeInt("reads", { description: "Access records (reads close together are one)." }),
    firstAt: t.field({ type: "DateTime", description: "Their first read of it.", resolve: (v) => v.firstAt }),
    lastAt: t.field({ type: "DateTime", description: "Their latest read of it.", resolve: (v) => v.lastAt }),
  }),
});

builder.objectField(Session, "viewedBy", (t) =>
  t.field({
    type: [SessionViewer],
    description: "Who read this session's command text, the latest reader first. Needs audit:read.",
    authScopes: { audit: true },
    resolve: (s, _args, ctx) => ctx.services.access.viewers(s.id),
  }),
);

builder.queryFields((t) => ({
  accessLog: t.field({
    type: AccessRecordPage,
    description: "Who read command text, newest first, a page at a time. Needs admin.",
    authScopes: { admin: true },
    args: {
      filter: t.arg({ type: AccessLogFilter, description: "Which records; omit for all." }),
      first: t.arg.int({
        defaultValue: 50,
        description: `Records per page, 1 … ${ACCESS_PAGE_MAX} (default 50).`,
      }),
      after: t.arg.string({ description: "The endCursor of the previous page." }),
    },
    resolve: (_root, args, ctx) => {
      const { first, after } = idPage(args, "accessLog", ACCESS_PAGE_MAX);
      const f = args.filter ?? {};
      return ctx.services.access.list(
        {
          subject: f.subject ?? undefined,
          sessionId: sessionIdArg(f.sessionId, "filter.sessionId"),
          since: f.since ?? undefined,
          until: f.until ?? undefined,
        },
        first,
        after,
      );
    },
  }),
}));
