import { LIMITS, QUERY_LIMITS } from "../../contract/limits.js";
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
  parseText,
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
    description:
      "Per component (alphabetical), how the sessions started in the last `days` × 24 h ended: clean-end, abandoned and delayed shares and the quality score. Needs sessions:read.",
    authScopes: { read: true },
    args: {
      days: t.arg.int({
        defaultValue: 1,
        description: `Window length in days, 1 … ${QUERY_LIMITS.days} (default 1).`,
      }),
      component: t.arg.string({ description: "Only this component; omit for all." }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.sessions.quality(args.days ?? 1, parseText("component", args.component)),
  }),
  session: t.field({
    type: Session,
    nullable: true,
    description: "One session by id; null when there is none. Needs sessions:read.",
    authScopes: { read: true },
    args: {
      id: t.arg.id({ required: true, description: "The session's UUID (anything else is BAD_USER_INPUT)." }),
    },
    resolve: (_root, args, ctx) => ctx.services.sessions.get(parseSessionId(args.id)),
  }),
  sessions: t.field({
    type: SessionConnection,
    description:
      "Sessions matching the filter, newest first (startedAt, then id), a page at a time. Needs sessions:read.",
    authScopes: { read: true },
    args: {
      filter: t.arg({ type: SessionFilter, description: "Which sessions; omit for all." }),
      first: t.arg.int({
        defaultValue: 50,
        description: `Sessions per page, 0 … ${QUERY_LIMITS.page} (default 50).`,
      }),
      after: t.arg.string({
        description:
          "Continue after this cursor (an endCursor or edge cursor of this field); omit for the first page.",
      }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.sessions.list(parseFilter(args.filter), args.first ?? 50, args.after),
  }),
  recentEvents: t.field({
    type: [SessionEvent],
    description:
      "Events across sessions, newest first (by at), e.g. failed workflow steps: kind workflow_step, outcome error. Command text needs audit:read. Needs sessions:read.",
    authScopes: { read: true },
    args: {
      component: t.arg.string({ description: "Only events of this component's sessions." }),
      type: t.arg.string({
        description: "Only events of sessions of this type (admin_shell, workflow, cli, …).",
      }),
      kind: t.arg.string({ description: "Only events of this kind (command, workflow_step, …)." }),
      outcome: t.arg({ type: CommandOutcome, description: "Only events with this outcome." }),
      limit: t.arg.int({
        defaultValue: 50,
        description: `At most this many events, 1 … ${QUERY_LIMITS.page} (default 50).`,
      }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.sessions.recentEvents({
        component: parseText("component", args.component),
        type: parseText("type", args.type),
        kind: parseText("kind", args.kind),
        outcome: args.outcome,
        limit: args.limit ?? 50,
      }),
  }),
  activeSessions: t.field({
    type: [Session],
    description: "Sessions still ACTIVE, newest first (at most 10000). Needs sessions:read.",
    authScopes: { read: true },
    args: { component: t.arg.string({ description: "Only this component; omit for all." }) },
    resolve: (_root, args, ctx) => ctx.services.sessions.active(parseText("component", args.component)),
  }),
}));

builder.mutationFields((t) => ({
  startSession: t.field({
    type: Session,
    description:
      "Records a session's start and returns the session; actor is the token's subject. The same id again returns the stored session unchanged (FORBIDDEN when another subject started it). Needs sessions:write, and the component in the token's components claim when it has one.",
    authScopes: { write: true },
    args: { input: t.arg({ type: StartSessionInput, required: true, description: "The start." }) },
    resolve: (_root, { input }, ctx) => {
      const who = requireIdentity(ctx);
      return ctx.services.sessions.start(who, parseInput(sessionStartInput, input, "session start"));
    },
  }),
  endSession: t.field({
    type: Session,
    description:
      "Records a session's end and returns the session. Ending an ENDED session returns it unchanged; a late end turns an ABANDONED one into ENDED with its true end time. NOT_FOUND for an unknown id, FORBIDDEN for another subject's session. Needs sessions:write, and the session's component in the token's components claim when it has one.",
    authScopes: { write: true },
    args: { input: t.arg({ type: EndSessionInput, required: true, description: "The end." }) },
    resolve: (_root, { input }, ctx) => {
      const who = requireIdentity(ctx);
      return ctx.services.sessions.end(who, parseInput(sessionEndInput, input, "session end"));
    },
  }),
  heartbeat: t.int({
    description:
      "Keeps sessions alive (sets lastSeenAt) so the reaper does not abandon them, and brings back one the reaper ABANDONED (ACTIVE again, the interruption kept in interruptedPeriods, published by sessionResumed); returns how many were touched: those now ACTIVE and the token subject's. Other ids (ENDED sessions among them) are ignored. Needs sessions:write; one of the subject's sessions outside the token's components claim refuses the whole call (FORBIDDEN).",
    authScopes: { write: true },
    args: {
      ids: t.arg.idList({
        required: true,
        description: `The sessions' UUIDs, at most ${LIMITS.heartbeatIds}.`,
      }),
      client: t.arg({
        type: ClientHealthInput,
        description:
          "The client's delivery health, stored on the touched sessions; omit to leave it as it was.",
      }),
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
    description:
      "Stores a batch of events, each once by eventId, for sessions the token's subject started; rejects bad events one by one and keeps the good ones. Every event of such a session, stored or not, is a sign of life (see Session.lastSeenAt); one captured after the reaper abandoned its session brings the session back, as a heartbeat does. Needs sessions:write; an event of a session outside the token's components claim is rejected (FORBIDDEN).",
    authScopes: { write: true },
    args: {
      events: t.arg({
        type: [SessionEventInput],
        required: true,
        description: `The events, at most ${LIMITS.batchEvents} (more refuses the whole batch with BAD_USER_INPUT).`,
      }),
    },
    resolve: (_root, args, ctx) => {
      const who = requireIdentity(ctx);
      const { valid, invalid } = parseEventBatch(args.events);
      return ctx.services.sessions.recordEvents(who, valid, invalid);
    },
  }),
}));
