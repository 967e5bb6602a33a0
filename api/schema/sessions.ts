import {
  clientHealthInput,
  heartbeatIdsInput,
  sessionEndInput,
  sessionStartInput,
} from "../../contract/models.js";
import { builder } from "../builder.js";
import { requireIdentity } from "./access.js";
import { CommandOutcome } from "./session-enums.js";
import {
  ClientHealthInput,
  EndSessionInput,
  parseEventBatch,
  parseFilter,
  parseInput,
  parseSessionId,
  SessionEventInput,
  SessionFilter,
  StartSessionInput,
} from "./session-inputs.js";
import {
  ComponentQuality,
  RecordEventsResult,
  Session,
  SessionConnection,
  SessionEvent,
} from "./session-types.js";

/** The session queries and the writes of producers (SPEC §5); every input is checked here, once. */

builder.queryFields((t) => ({
  sessionQuality: t.field({
    type: [ComponentQuality],
    authScopes: { read: true },
    args: { days: t.arg.int({ defaultValue: 1 }), component: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.sessions.quality(args.days ?? 1, args.component),
  }),
  session: t.field({
    type: Session,
    nullable: true,
    authScopes: { read: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.sessions.get(parseSessionId(args.id)),
  }),
  sessions: t.field({
    type: SessionConnection,
    authScopes: { read: true },
    args: {
      filter: t.arg({ type: SessionFilter }),
      first: t.arg.int({ defaultValue: 50 }),
      after: t.arg.string(),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.sessions.list(parseFilter(args.filter), args.first ?? 50, args.after),
  }),
  recentEvents: t.field({
    type: [SessionEvent],
    description:
      "Events across sessions, newest first, e.g. failed workflow steps: kind workflow_step, outcome error.",
    authScopes: { read: true },
    args: {
      component: t.arg.string(),
      type: t.arg.string({ description: "The session type (admin_shell, workflow, cli, …)." }),
      kind: t.arg.string(),
      outcome: t.arg({ type: CommandOutcome }),
      limit: t.arg.int({ defaultValue: 50 }),
    },
    resolve: (_root, args, ctx) => ctx.services.sessions.recentEvents({ ...args, limit: args.limit ?? 50 }),
  }),
  activeSessions: t.field({
    type: [Session],
    authScopes: { read: true },
    args: { component: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.sessions.active(args.component),
  }),
}));

builder.mutationFields((t) => ({
  startSession: t.field({
    type: Session,
    authScopes: { write: true },
    args: { input: t.arg({ type: StartSessionInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const who = requireIdentity(ctx);
      return ctx.services.sessions.start(who, parseInput(sessionStartInput, input, "session start"));
    },
  }),
  endSession: t.field({
    type: Session,
    authScopes: { write: true },
    args: { input: t.arg({ type: EndSessionInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const who = requireIdentity(ctx);
      return ctx.services.sessions.end(who, parseInput(sessionEndInput, input, "session end"));
    },
  }),
  heartbeat: t.int({
    authScopes: { write: true },
    args: {
      ids: t.arg.idList({ required: true }),
      client: t.arg({ type: ClientHealthInput }),
    },
    resolve: (_root, args, ctx) => {
      const who = requireIdentity(ctx);
      const ids = parseInput(heartbeatIdsInput, args.ids, "heartbeat");
      const health = args.client ? parseInput(clientHealthInput, args.client, "client health") : null;
      return ctx.services.sessions.heartbeat(who, ids, health);
    },
  }),
  recordEvents: t.field({
    type: RecordEventsResult,
    authScopes: { write: true },
    args: { events: t.arg({ type: [SessionEventInput], required: true }) },
    resolve: (_root, args, ctx) => {
      const who = requireIdentity(ctx);
      const { valid, invalid } = parseEventBatch(args.events);
      return ctx.services.sessions.recordEvents(who, valid, invalid);
    },
  }),
}));
