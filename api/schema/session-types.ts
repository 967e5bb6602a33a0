import { LIMITS, QUERY_LIMITS } from "../../contract/limits.js";
import type {
  RecordEventsResult as RecordEventsResultData,
  RejectedEvent as RejectedEventData,
} from "../../contract/models.js";
import type { InterruptionRecord, SessionEventRow, SessionRow } from "../../db/schema.js";
import { builder } from "../builder.js";
import type { Context } from "../context.js";
import { badInput } from "../errors.js";
import { completenessOf } from "../services/chain.js";
import { eventCursor } from "../services/cursors.js";
import { type ComponentQuality as ComponentQualityData, DELAY_THRESHOLD_MS } from "../services/sessions.js";
import { canAudit } from "./access.js";
import {
  ActorKind,
  ActorKindSource,
  CaptureMode,
  CommandOutcome,
  Completeness,
  EndReason,
  SessionStatus,
} from "./session-enums.js";

const PageInfo = builder
  .objectRef<{
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  }>("PageInfo")
  .implement({
    description:
      "Where a page of a connection sits; cursors are opaque strings, valid only for the same field.",
    fields: (t) => ({
      hasNextPage: t.exposeBoolean("hasNextPage", {
        description: "True when more items follow: ask again with after set to endCursor.",
      }),
      hasPreviousPage: t.exposeBoolean("hasPreviousPage", {
        description:
          "True when the page was asked for after a position (after, or afterSeq above 0); it does not check that items precede it.",
      }),
      startCursor: t.exposeString("startCursor", {
        nullable: true,
        description: "The cursor of the page's first edge; null when the page is empty.",
      }),
      endCursor: t.exposeString("endCursor", {
        nullable: true,
        description:
          "The cursor of the page's last edge, to pass as after for the next page; null when the page is empty.",
      }),
    }),
  });

export const SessionEvent = builder.objectRef<SessionEventRow>("SessionEvent").implement({
  description: "One event of a session; stored once by id, ordered by seq.",
  fields: (t) => ({
    id: t.exposeID("id", {
      description: "The eventId the client chose (a UUID); the event is stored once under it.",
    }),
    sessionId: t.exposeID("sessionId", { description: "The session the event belongs to." }),
    seq: t.exposeInt("seq", {
      description: "Position in the session, from 1, unique per session; a missing number is a sequence gap.",
    }),
    kind: t.exposeString("kind", {
      description:
        "What happened: command, error, note, workflow_step, check, … (lower-case, at most 64 characters).",
    }),
    at: t.expose("at", {
      type: "DateTime",
      description: "Capture time on the client (when the command was typed), never re-stamped.",
    }),
    text: t.string({
      nullable: true,
      description: `What was typed (at most ${LIMITS.textBytes / 1024} KiB UTF-8), secrets masked at the source. Null without audit:read (then textHidden is true) or when the event carries no text.`,
      resolve: (e, _args, ctx, info) => {
        if (!canAudit(ctx)) return null;
        if (e.text != null && ctx.identity) {
          const op = info.operation;
          ctx.services.access.note(
            ctx.identity.sub,
            e.sessionId,
            `graphql ${op.operation} ${op.name?.value ?? "(anonymous)"}`,
            op.operation,
            1,
            ctx.request,
          );
        }
        return e.text;
      },
    }),
    textHidden: t.boolean({
      description: "True when the event has text this token may not read (no audit:read); false otherwise.",
      resolve: (e, _args, ctx) => e.text != null && !canAudit(ctx),
    }),
    durationMs: t.exposeFloat("durationMs", {
      nullable: true,
      description: "How long it ran, in milliseconds; null while a command runs or when not reported.",
    }),
    outcome: t.expose("outcome", {
      type: CommandOutcome,
      nullable: true,
      description:
        "How it finished; null while a command runs (its completion is re-sent with the same id) or for events without one.",
    }),
    errorClass: t.exposeString("errorClass", {
      nullable: true,
      description:
        "The error's class or code (e.g. TypeError, Exit3), at most 256 characters; null when none.",
    }),
    redactions: t.exposeInt("redactions", {
      description: "How many secrets were masked in text (0 when none).",
    }),
    payload: t.expose("payload", {
      type: "JSON",
      description: `Producer-specific details as a JSON object (at most ${LIMITS.payloadBytes / 1024} KiB serialised; {} when none), e.g. a workflow step's exit code and stderr tail.`,
    }),
    receivedAt: t.expose("receivedAt", {
      type: "DateTime",
      description: "When the service stored the event (service clock).",
    }),
    hash: t.exposeString("hash", {
      nullable: true,
      description:
        "Its chain hash as the shell computed it at capture (SHA-256, hex); null for an unchained client.",
    }),
    prevHash: t.exposeString("prevHash", {
      nullable: true,
      description: "The hash it is chained to: the previous seq's, or the session's startHash for seq 1.",
    }),
    hashOk: t.exposeBoolean("hashOk", {
      nullable: true,
      description:
        "Whether its content and prevHash hash to hash, checked when stored; false marks the session BROKEN; null when unchained.",
    }),
    completionHash: t.exposeString("completionHash", {
      nullable: true,
      description:
        "For a command completed after capture: the hash of its completion (outcome, duration, error class, result), chained to hash; null otherwise.",
    }),
  }),
});

const SessionReason = builder
  .objectRef<{ text: string; ticketRef: string | null }>("SessionReason")
  .implement({
    description:
      "Why a session was started, as the operator gave it at the prompt or in SESSION_BUDDY_REASON.",
    fields: (t) => ({
      text: t.exposeString("text", { description: "The reason as given." }),
      ticketRef: t.exposeString("ticketRef", {
        nullable: true,
        description: "The ticket it names (the first reference such as OPS-1234 in the text), if any.",
      }),
    }),
  });

const SeqRange = builder.objectRef<{ from: number; to: number }>("SeqRange").implement({
  description: "A stretch of missing seqs, both ends included.",
  fields: (t) => ({
    from: t.exposeInt("from", { description: "The first missing seq." }),
    to: t.exposeInt("to", { description: "The last missing seq (equal to from for one)." }),
  }),
});

const SessionEventEdge = builder
  .objectRef<{ cursor: string; node: SessionEventRow }>("SessionEventEdge")
  .implement({
    description: "One event of a page, with its cursor.",
    fields: (t) => ({
      cursor: t.exposeString("cursor", {
        description: "Opaque position of this event; pass it as after to continue after it.",
      }),
      node: t.field({ type: SessionEvent, description: "The event.", resolve: (e) => e.node }),
    }),
  });

const SessionEventConnection = builder
  .objectRef<{
    sessionId: string;
    edges: { cursor: string; node: SessionEventRow }[];
    pageInfo: {
      hasNextPage: boolean;
      hasPreviousPage: boolean;
      startCursor: string | null;
      endCursor: string | null;
    };
  }>("SessionEventConnection")
  .implement({
    description: "A page of a session's events, in seq order.",
    fields: (t) => ({
      edges: t.field({
        type: [SessionEventEdge],
        description: "The page's events.",
        resolve: (c) => c.edges,
      }),
      pageInfo: t.field({
        type: PageInfo,
        description: "Cursors and whether more follow.",
        resolve: (c) => c.pageInfo,
      }),
      totalCount: t.int({
        description: "All events stored for the session, whatever the page.",
        resolve: (c, _a, ctx) => ctx.services.sessions.eventCount(c.sessionId),
      }),
    }),
  });

const SessionInterruption = builder.objectRef<InterruptionRecord>("SessionInterruption").implement({
  description:
    "A stretch during which the reaper had the session ABANDONED and it came back: the service heard nothing for the abandon timeout (an outage, a network partition, a suspended machine), then a heartbeat or an event from it.",
  fields: (t) => ({
    from: t.field({
      type: "DateTime",
      description:
        "Its last sign of life before the silence: the endedAt the reaper gave it (see lastSeenAt).",
      resolve: (p) => new Date(p.from),
    }),
    abandonedAt: t.field({
      type: "DateTime",
      description: "When the reaper abandoned it (service clock); between from and to.",
      resolve: (p) => new Date(p.abandonedAt),
    }),
    to: t.field({
      type: "DateTime",
      description: "When the service heard from it again and made it ACTIVE (service clock).",
      resolve: (p) => new Date(p.to),
    }),
    seconds: t.float({
      description: "to − from in seconds: how long the service did not hear from it.",
      resolve: (p) => (Date.parse(p.to) - Date.parse(p.from)) / 1000,
    }),
  }),
});

export const Session = builder.objectRef<SessionRow>("Session").implement({
  description: "One session of a producer (an admin shell, a workflow run, a CLI run).",
  fields: (t) => ({
    id: t.exposeID("id", {
      description:
        "The UUID the client chose (v7 recommended); a repeated start with it returns this session.",
    }),
    type: t.exposeString("type", {
      description: "What produced it: admin_shell for shells; workflow, cli, … for other producers.",
    }),
    component: t.exposeString("component", {
      description: "The reporting component, e.g. crackerjack (letters, digits, _ and -, at most 64).",
    }),
    componentType: t.exposeString("componentType", {
      nullable: true,
      description:
        "The component's role (orchestrator, manager, foundation, inspector, diviner, builder, …); null when not reported.",
    }),
    componentVersion: t.exposeString("componentVersion", {
      nullable: true,
      description: "The component's version; null when not reported.",
    }),
    shellType: t.exposeString("shellType", {
      nullable: true,
      description: "The shell's class name, e.g. CrackerjackShell; null when not reported.",
    }),
    adapters: t.exposeStringList("adapters", {
      description: "Adapters the component reported (e.g. postgres); empty when none.",
    }),
    status: t.field({
      type: SessionStatus,
      description: "ACTIVE, ENDED or ABANDONED.",
      resolve: (s) => s.status,
    }),
    startedAt: t.expose("startedAt", {
      type: "DateTime",
      description:
        "Capture time of the start on the client (the service's receipt time when the start carried none); never re-stamped.",
    }),
    endedAt: t.expose("endedAt", {
      type: "DateTime",
      nullable: true,
      description:
        "Capture time of the end on the client; for an ABANDONED session its last sign of life (lastSeenAt when it was abandoned, moved on by events received later that were captured before the abandon). Null while ACTIVE.",
    }),
    lastSeenAt: t.expose("lastSeenAt", {
      type: "DateTime",
      description:
        "Its last sign of life, never moving back: the service's receipt of its start, a heartbeat or its end, or the latest moment an event received from it describes (capture time, plus a completed command's duration; at most the event's receipt). Capture time rather than receipt, so that events delivered late (a journal replayed after the shell died) date its life truly.",
    }),
    receivedAt: t.expose("receivedAt", {
      type: "DateTime",
      description: "When the service first learned of the session (service clock).",
    }),
    delayed: t.exposeBoolean("delayed", {
      description: `True when its start or end reached the service more than ${DELAY_THRESHOLD_MS / 1000} s after capture.`,
    }),
    endReceivedAt: t.expose("endReceivedAt", {
      type: "DateTime",
      nullable: true,
      description:
        "When the service learned of the end, or abandoned the session (service clock); null while ACTIVE.",
    }),
    interruptions: t.exposeInt("interruptions", {
      description:
        "How many times the reaper abandoned the session and a heartbeat or event from it brought it back (0 for most).",
    }),
    interruptedPeriods: t.field({
      type: [SessionInterruption],
      description: `Those interruptions, oldest first (the latest ${LIMITS.interruptionPeriods} when there were more); empty when none.`,
      resolve: (s) => s.interruptedPeriods,
    }),
    resumedAt: t.expose("resumedAt", {
      type: "DateTime",
      nullable: true,
      description:
        "When it last came back from ABANDONED (service clock), the resume point of sessionResumed; null when it never did.",
    }),
    completeness: t.field({
      type: Completeness,
      description:
        "How complete its record is: IN_PROGRESS, COMPLETE, GAPPED, TRUNCATED or BROKEN (the worst that applies).",
      resolve: (s) => completenessOf(s),
    }),
    missingSeqRanges: t.field({
      type: [SeqRange],
      description:
        "The seqs missing up to the end's lastSeq (or the highest seq stored), as ranges; empty when none.",
      resolve: (s, _a, ctx) => ctx.services.sessions.missingSeqRanges(s),
    }),
    chained: t.boolean({
      description:
        "Whether its shell hash-chained the record (startHash sent); an unchained session is checked for gaps only.",
      resolve: (s) => s.startHash !== null,
    }),
    brokenSeq: t.exposeInt("brokenSeq", {
      nullable: true,
      description:
        "Where its chain first failed to match: 0 the start, n event n, -1 the end; null when every link matched.",
    }),
    lastSeq: t.exposeInt("lastSeq", {
      nullable: true,
      description: "The last seq its end names; null until ended (or for a client that does not say).",
    }),
    startHash: t.exposeString("startHash", {
      nullable: true,
      description: "The root of its hash chain as the shell sent it; null when unchained.",
    }),
    sessionHash: t.exposeString("sessionHash", {
      nullable: true,
      description:
        "The service's hash over the identity it stored (id, component, type, actor, start time, user, host, pid) and startHash.",
    }),
    endHash: t.exposeString("endHash", {
      nullable: true,
      description: "The end's chain hash as the shell sent it; null until ended or when unchained.",
    }),
    durationSeconds: t.float({
      nullable: true,
      description:
        "endedAt − startedAt in seconds, for ENDED and ABANDONED sessions (for ABANDONED ones: start to last sign of life), interruptions included; null while ACTIVE.",
      resolve: (s) => (s.endedAt ? (s.endedAt.getTime() - s.startedAt.getTime()) / 1000 : null),
    }),
    endReason: t.field({
      type: EndReason,
      nullable: true,
      description: "How it ended; null while ACTIVE.",
      resolve: (s) => s.endReason,
    }),
    exitCode: t.exposeInt("exitCode", {
      nullable: true,
      description: `The process's exit code (−${LIMITS.exitCodeMax} … ${LIMITS.exitCodeMax}) as the end reported it; null while ACTIVE, when abandoned, or when not reported.`,
    }),
    captureMode: t.field({
      type: CaptureMode,
      description: "The capture mode the producer ran in (BUFFERED unless the start said STRICT).",
      resolve: (s) => s.captureMode,
    }),
    reason: t.field({
      type: SessionReason,
      nullable: true,
      description:
        "Why it was started (required for components configured requireReason); null when none was given.",
      resolve: (s) => (s.reasonText == null ? null : { text: s.reasonText, ticketRef: s.reasonTicket }),
    }),
    actor: t.exposeString("actor", {
      description: "Who opened it: the sub of the token that started it, never taken from the request body.",
    }),
    actorKind: t.field({
      type: ActorKind,
      nullable: true,
      description:
        "Who was at the prompt: the token's actor_kind claim when it has one, else what the shell detected (actorKindSource says which); null when neither said.",
      resolve: (s) => s.actorKind,
    }),
    actorKindSource: t.field({
      type: ActorKindSource,
      nullable: true,
      description: "What decided actorKind: TOKEN or SHELL; null when it is unknown.",
      resolve: (s) => s.actorKindSource,
    }),
    delegatedBy: t.exposeString("delegatedBy", {
      nullable: true,
      description:
        "Who delegated to the actor: the token's RFC 8693 act claim (its sub), e.g. the person an AI agent acts for.",
    }),
    username: t.exposeString("username", {
      nullable: true,
      description: "The OS user the producer reported (not verified, unlike actor); null when not reported.",
    }),
    hostname: t.exposeString("hostname", {
      nullable: true,
      description: "The host the producer ran on; null when not reported.",
    }),
    pid: t.exposeInt("pid", {
      nullable: true,
      description: `The producer's process id (1 … ${LIMITS.pidMax}); null when not reported.`,
    }),
    environment: t.expose("environment", {
      type: "JSON",
      description: `The producer's runtime as a JSON object: nodeVersion, platform, cwd (at most ${LIMITS.cwdChars} characters), …; {} when none.`,
    }),
    metadata: t.expose("metadata", {
      type: "JSON",
      description: `Free-form JSON object from the start (at most ${LIMITS.metadataBytes / 1024} KiB serialised), with the end's metadata merged in (its keys win); {} when none.`,
    }),
    commandCount: t.exposeInt("commandCount", { description: "Stored events of kind command." }),
    errorCount: t.exposeInt("errorCount", {
      description:
        "Stored events with outcome error, of any kind (a command counts once it completes with error); an interrupted command is not an error.",
    }),
    eventCount: t.exposeInt("eventCount", {
      description: "Stored events of every kind; below the highest seq when some never arrived (a gap).",
    }),
    clientHealth: t.expose("clientHealth", {
      type: "JSON",
      nullable: true,
      description:
        "The delivery health its client last reported with a heartbeat (the fields of ClientHealthInput, and reportedAt, service clock); null when never reported.",
    }),
    events: t.field({
      type: SessionEventConnection,
      description:
        "The session's events in seq order, a page at a time; text follows the audit:read rule of SessionEvent.text.",
      args: {
        first: t.arg.int({
          defaultValue: 100,
          description: `Events per page, 0 … ${QUERY_LIMITS.page} (default 100).`,
        }),
        after: t.arg.string({
          description:
            "Continue after this cursor (an endCursor or edge cursor of this field); omit for the first page.",
        }),
        afterSeq: t.arg.int({
          description:
            "Continue after this seq instead (a resume point, as in the sessionEvents subscription); not together with after.",
        }),
      },
      resolve: async (s, args, ctx) => {
        const first = args.first ?? 100;
        if (first < 0 || first > QUERY_LIMITS.page)
          throw badInput(`first must be between 0 and ${QUERY_LIMITS.page}`);
        const afterSeq = eventsAfter(args.after, args.afterSeq);
        const rows = await ctx.services.sessions.events(s.id, afterSeq, first + 1);
        const nodes = rows.slice(0, first);
        const cursorOf = (node: SessionEventRow | undefined) => (node ? eventCursor.encode(node.seq) : null);
        return {
          sessionId: s.id,
          edges: nodes.map((node) => ({ cursor: eventCursor.encode(node.seq), node })),
          pageInfo: {
            hasNextPage: rows.length > first,
            hasPreviousPage: afterSeq > 0,
            startCursor: cursorOf(nodes[0]),
            endCursor: cursorOf(nodes.at(-1)),
          },
        };
      },
    }),
  }),
});

/** Where a page of events starts: after an opaque cursor, or after a seq (a resume point); not both. */
function eventsAfter(after: string | null | undefined, afterSeq: number | null | undefined): number {
  if (after && afterSeq != null) throw badInput("give after or afterSeq, not both");
  if (afterSeq == null) return after ? eventCursor.decode(after) : 0;
  if (afterSeq < 0) throw badInput("afterSeq must be at least 0");
  return afterSeq;
}

const SessionEdge = builder.objectRef<{ cursor: string; node: SessionRow }>("SessionEdge").implement({
  description: "One session of a page, with its cursor.",
  fields: (t) => ({
    cursor: t.exposeString("cursor", {
      description: "Opaque position of this session; pass it as after to continue after it.",
    }),
    node: t.field({ type: Session, description: "The session.", resolve: (e) => e.node }),
  }),
});

type SessionPage = Awaited<ReturnType<Context["services"]["sessions"]["list"]>>;
export const SessionConnection = builder.objectRef<SessionPage>("SessionConnection").implement({
  description: "A page of sessions, newest first (by startedAt, then id).",
  fields: (t) => ({
    edges: t.field({ type: [SessionEdge], description: "The page's sessions.", resolve: (c) => c.edges }),
    pageInfo: t.field({
      type: PageInfo,
      description: "Cursors and whether more follow.",
      resolve: (c) => c.pageInfo,
    }),
    totalCount: t.int({
      description: "All sessions matching the filter, whatever the page (counted only when asked for).",
      resolve: (c) => c.totalCount(),
    }),
  }),
});

const RejectedEvent = builder.objectRef<RejectedEventData>("RejectedEvent").implement({
  description: "An event the service refused; switch on code and reason, the message is for people.",
  fields: (t) => ({
    eventId: t.exposeID("eventId", { description: "The eventId as sent." }),
    code: t.exposeString("code", {
      description:
        "An error code: BAD_USER_INPUT (breaks the contract), NOT_FOUND (no such session yet: its start has not arrived), FORBIDDEN (see reason) or CONFLICT (its seq is taken, or the id was stored with another session or seq).",
    }),
    reason: t.exposeString("reason", {
      nullable: true,
      description:
        "For FORBIDDEN: TOKEN_COMPONENTS (the token) or NOT_OWNER (the session); for BAD_USER_INPUT: NUL_CHARACTER, LONE_SURROGATE or JSON_TOO_DEEP when one applies; else null.",
    }),
    message: t.exposeString("message", {
      description: "What was wrong, for people; may change between versions.",
    }),
  }),
});

export const RecordEventsResult = builder.objectRef<RecordEventsResultData>("RecordEventsResult").implement({
  description:
    "What the service did with a batch of events: each event sent is counted once, in accepted, duplicates or rejected.",
  fields: (t) => ({
    accepted: t.exposeInt("accepted", {
      description: "Events stored by this call, counting commands it completed (outcome and duration added).",
    }),
    duplicates: t.exposeInt("duplicates", {
      description:
        "Events already stored (before, or earlier in this batch) under the same eventId, session and seq; nothing changed. Safe to drop.",
    }),
    rejected: t.field({
      type: [RejectedEvent],
      description:
        "Events refused one by one; the others in the batch still count. Empty when all were taken.",
      resolve: (r) => r.rejected,
    }),
  }),
});

export const ComponentQuality = builder.objectRef<ComponentQualityData>("ComponentQuality").implement({
  description: "How a component's sessions started in the window ended.",
  fields: (t) => ({
    component: t.exposeString("component", { description: "The component." }),
    totalSessions: t.exposeInt("totalSessions", { description: "Sessions started in the window." }),
    activeSessions: t.exposeInt("activeSessions", {
      description: "Sessions started in the window that are still ACTIVE.",
    }),
    finishedSessions: t.exposeInt("finishedSessions", {
      description: "Sessions started in the window that are ENDED or ABANDONED (finished).",
    }),
    cleanEndRate: t.exposeFloat("cleanEndRate", {
      nullable: true,
      description: "Share (0–1) of finished sessions that ENDED with EXIT; null when none finished.",
    }),
    abandonedRate: t.exposeFloat("abandonedRate", {
      nullable: true,
      description: "Share (0–1) of finished sessions that were ABANDONED; null when none finished.",
    }),
    delayedRate: t.exposeFloat("delayedRate", {
      description: "Share (0–1) of all the window's sessions flagged delayed; 0 when there are none.",
    }),
    qualityScore: t.exposeFloat("qualityScore", {
      nullable: true,
      description:
        "0–100: share of finished sessions that ENDED with EXIT with no sequence gap, as the session_quality_score gauge; null when none finished.",
    }),
  }),
});
