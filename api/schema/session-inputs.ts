import type { z } from "zod";
import { CaptureModes, EndReasons } from "../../contract/enums.js";
import { DEFAULT_SESSION_TYPE, EVENT_MODEL_VERSION, LIMITS, PATTERNS } from "../../contract/limits.js";
import {
  describeIssues,
  reasonOf,
  type SessionEventIn,
  type SessionFilter as SessionFilterData,
  sessionEventInput,
  sessionFilterModel,
  uuidModel,
} from "../../contract/models.js";
import { MIN_ID_PREFIX, SHORT_ID_LENGTH } from "../../contract/short-id.js";
import { builder } from "../builder.js";
import { badInput } from "../errors.js";
import { checkText } from "../services/analytics/index.js";
import type { InvalidEvent } from "../services/sessions.js";
import { ActorKind, CaptureMode, Completeness, EndReason, SessionStatus } from "./session-enums.js";

/** The GraphQL form of {@link sessionFilterModel}; its fields are type-checked against the model's type. */
export const SessionFilter = builder.inputRef<SessionFilterData>("SessionFilter").implement({
  description: `Which sessions to cover: every field given narrows (they combine with AND), none is required. Text fields match exactly and hold at most ${LIMITS.filterTextChars} characters.`,
  fields: (t) => ({
    type: t.string({ description: "Only this session type (admin_shell, workflow, cli, …)." }),
    component: t.string({ description: "Only this component." }),
    status: t.field({ type: SessionStatus, description: "Only sessions in this status." }),
    completeness: t.field({
      type: Completeness,
      description: "Only sessions whose record is this complete (see Session.completeness).",
    }),
    actor: t.string({ description: "Only sessions started by this token subject." }),
    actorKind: t.field({ type: ActorKind, description: "Only sessions of this actor kind." }),
    username: t.string({ description: "Only sessions reporting this OS user." }),
    hostname: t.string({ description: "Only sessions reporting this host." }),
    ticketRef: t.string({ description: "Only sessions whose reason names this ticket (e.g. OPS-1234)." }),
    hasReason: t.boolean({ description: "Only sessions with (true) or without (false) a reason." }),
    sensitive: t.boolean({
      description: "Only sessions with (true) or without (false) a sensitive period (see Session.sensitive).",
    }),
    startedAfter: t.field({
      type: "DateTime",
      description: "Only sessions with startedAt at or after this time.",
    }),
    startedBefore: t.field({
      type: "DateTime",
      description: "Only sessions with startedAt before this time (exclusive).",
    }),
    minDurationSeconds: t.float({
      description: `Only ENDED or ABANDONED sessions that lasted at least this many seconds (0 … ${LIMITS.filterDurationSeconds}).`,
    }),
    delayed: t.boolean({ description: "Only sessions whose delayed flag is this value." }),
    changedAfter: t.field({
      type: "DateTime",
      description:
        "Only sessions whose start or end the service received, or that came back from ABANDONED, after this time (catch-up of live feeds).",
    }),
    idRef: t.string({
      description: `Only the sessions this reference names: a full id (exactly that one), a prefix of at least ${MIN_ID_PREFIX} hex digits, or the short id — the last ${SHORT_ID_LENGTH} hex digits (exactly ${SHORT_ID_LENGTH} digits match as a prefix or as the short id). Hyphens are optional, case does not matter; anything else is BAD_USER_INPUT. Several sessions may match: ask for first: 2 to learn whether the reference is unique.`,
    }),
  }),
});

export const SessionReasonInput = builder.inputType("SessionReasonInput", {
  description: "Why a session is started: the operator's words, and the ticket they name.",
  fields: (t) => ({
    text: t.string({
      required: true,
      description: `The reason as given, 1–${LIMITS.reasonChars} characters (not only spaces).`,
    }),
    ticketRef: t.string({
      description: `A ticket reference matching ${PATTERNS.ticketRef}, e.g. OPS-1234.`,
    }),
  }),
});

export const StartSessionInput = builder.inputType("StartSessionInput", {
  description:
    "A session starting. Sent once per session; sending it again with the same id changes nothing.",
  fields: (t) => ({
    id: t.id({
      required: true,
      description:
        "A UUID the client chooses (v7 recommended); the session's identity, so retries never duplicate it.",
    }),
    type: t.string({
      defaultValue: DEFAULT_SESSION_TYPE,
      description: `The session type, matching ${PATTERNS.sessionType} (default ${DEFAULT_SESSION_TYPE}).`,
    }),
    component: t.string({
      required: true,
      description: `The reporting component, matching ${PATTERNS.componentName}; must be in the token's components claim when it has one.`,
    }),
    componentType: t.string({
      description: "The component's role (orchestrator, inspector, …), at most 64 characters.",
    }),
    componentVersion: t.string({ description: "The component's version, at most 64 characters." }),
    shellType: t.string({
      description: "The shell's class name, e.g. CrackerjackShell, at most 128 characters.",
    }),
    adapters: t.stringList({
      description: "Adapters the component uses: at most 64, each at most 64 characters.",
    }),
    startedAt: t.field({
      type: "DateTime",
      description:
        "Capture time on the client; default: when the service receives the start. At most 5 minutes in the future.",
    }),
    pid: t.int({ description: `The producer's process id, 1 … ${LIMITS.pidMax}.` }),
    username: t.string({
      description: "The OS user, at most 256 characters (the actor comes from the token).",
    }),
    hostname: t.string({ description: "The host, at most 256 characters." }),
    environment: t.field({
      type: "JSON",
      description: `A JSON object of the runtime (nodeVersion, platform, cwd, …), at most ${LIMITS.environmentBytes / 1024} KiB serialised and ${LIMITS.jsonDepth} levels deep; cwd at most ${LIMITS.cwdChars} characters.`,
    }),
    metadata: t.field({
      type: "JSON",
      description: `A free-form JSON object, at most ${LIMITS.metadataBytes / 1024} KiB serialised and ${LIMITS.jsonDepth} levels deep; its string values are searchable.`,
    }),
    captureMode: t.field({
      type: CaptureMode,
      defaultValue: CaptureModes.BUFFERED,
      description: `How the producer runs: ${CaptureModes.BUFFERED} (default) or ${CaptureModes.STRICT}.`,
    }),
    actorKind: t.field({
      type: ActorKind,
      description:
        "Who the shell detected at the prompt; the token's actor_kind claim decides over it. Hashed with the start when given.",
    }),
    reason: t.field({
      type: SessionReasonInput,
      description:
        "Why the session is started (required by components configured requireReason); part of its identity and hashed with the start.",
    }),
    eventId: t.id({
      description: "The client's id for this start record, at most 64 characters; stored, not echoed.",
    }),
    eventVersion: t.string({
      defaultValue: EVENT_MODEL_VERSION,
      description: `Version of the event models the client speaks; only ${EVENT_MODEL_VERSION} is accepted.`,
    }),
    hash: t.string({
      description:
        "The root of the session's hash chain: SHA-256 (64 hex digits) over the canonical start (see the README's Trust section). The service recomputes it; a mismatch marks the session BROKEN. Omit for an unchained client.",
    }),
  }),
});

export const EndSessionInput = builder.inputType("EndSessionInput", {
  description:
    "A session ending. Ending an ENDED session again changes nothing; ending an ABANDONED one makes it ENDED.",
  fields: (t) => ({
    id: t.id({
      required: true,
      description: "The session's UUID; it must exist and belong to the token's subject.",
    }),
    endedAt: t.field({
      type: "DateTime",
      description:
        "Capture time on the client; default: when the service receives the end. Not before startedAt.",
    }),
    endReason: t.field({
      type: EndReason,
      defaultValue: EndReasons.EXIT,
      description: "How it ended (default EXIT).",
    }),
    exitCode: t.int({
      description: `The process's exit code, −${LIMITS.exitCodeMax} … ${LIMITS.exitCodeMax}.`,
    }),
    metadata: t.field({
      type: "JSON",
      description: `A JSON object (at most ${LIMITS.metadataBytes / 1024} KiB serialised, ${LIMITS.jsonDepth} levels deep) merged into the session's metadata; its keys replace the start's.`,
    }),
    lastSeq: t.int({
      description:
        "The last seq the client recorded (0 when none): every seq up to it must be stored for the session to be COMPLETE.",
    }),
    hash: t.string({
      description:
        "The end's chain hash, over prevHash and the canonical end (64 hex digits). Omit for an unchained client.",
    }),
    prevHash: t.string({
      description: "The hash the end is chained to: seq lastSeq's hash, or the start's when lastSeq is 0.",
    }),
  }),
});

export const SessionEventInput = builder.inputType("SessionEventInput", {
  description:
    "One event of a session. An event that breaks the contract (a limit, a pattern) is rejected on its own; the rest of the batch still counts.",
  fields: (t) => ({
    eventId: t.id({
      required: true,
      description:
        "A UUID the client chooses; sending it again is a duplicate, or completes a command recorded without an outcome.",
    }),
    sessionId: t.id({
      required: true,
      description:
        "The session's UUID; it must have started (else NOT_FOUND), belong to the token's subject and be of a component its claim allows.",
    }),
    seq: t.int({
      required: true,
      description: `Position in the session, 1 … ${LIMITS.seqMax}; another event claiming a taken seq is rejected with CONFLICT.`,
    }),
    kind: t.string({
      required: true,
      description: `What happened, matching ${PATTERNS.eventKind}: command, error, note, workflow_step, …; command counts in commandCount.`,
    }),
    at: t.field({ type: "DateTime", required: true, description: "Capture time on the client." }),
    text: t.string({
      description: `What was typed, at most ${LIMITS.textBytes / 1024} KiB UTF-8, secrets already masked by the client; readable only with audit:read.`,
    }),
    durationMs: t.float({
      description: "How long it ran, in milliseconds (≥ 0); usually sent with the completion.",
    }),
    // Text, not the CommandOutcome enum: an unknown outcome must reject this one event (checked against
    // the model below), not fail GraphQL validation of the whole batch.
    outcome: t.string({
      description: "ok, error or interrupted (a CommandOutcome); anything else rejects this event.",
    }),
    errorClass: t.string({ description: "The error's class or code, at most 256 characters." }),
    redactions: t.int({ description: "How many secrets the client masked in text, ≥ 0 (default 0)." }),
    payload: t.field({
      type: "JSON",
      description: `A JSON object of details, at most ${LIMITS.payloadBytes / 1024} KiB serialised and ${LIMITS.jsonDepth} levels deep; a legacy completion's payload is merged into the stored one.`,
    }),
    hash: t.string({
      description:
        "The event's chain hash: SHA-256 (64 hex digits) over prevHash and the canonical event. The service recomputes it; a mismatch is stored and marks the session BROKEN.",
    }),
    prevHash: t.string({
      description: "The hash this event is chained to: the previous seq's hash, or the start's for seq 1.",
    }),
    result: t.field({
      type: "JSON",
      description: `With a completion: what it adds to the command's payload (a JSON object, at most ${LIMITS.payloadBytes / 1024} KiB serialised), so payload stays as captured.`,
    }),
    completionHash: t.string({
      description:
        "With a completion of a chained command: SHA-256 (64 hex digits) over the command's hash and the canonical completion (outcome, durationMs, errorClass, result). A mismatch is stored and marks the session BROKEN.",
    }),
  }),
});

// Untyped like the other inputs with a JSON field; the heartbeat checks it against clientHealthInput.
export const ClientHealthInput = builder.inputType("ClientHealthInput", {
  description:
    "How the client's own delivery is doing; stored on the heartbeat's sessions as clientHealth and exported as metrics.",
  fields: (t) => ({
    journalDepth: t.int({ description: "Records waiting in the client's on-disk journal." }),
    oldestPendingSeconds: t.float({
      description: "Age of the oldest waiting record, in seconds; null when none waits.",
    }),
    breaker: t.string({
      description: "The client's circuit-breaker state, e.g. closed, open or half-open.",
    }),
    dropped: t.int({ description: "Records the client could not keep, for any reason (droppedByReason)." }),
    droppedByReason: t.field({
      type: "JSON",
      description:
        'The drops per reason, e.g. {"memory_cap": 3}: overflow, expired, memory_cap, journal_full, journal_unwritable or malformed.',
    }),
    journalError: t.string({
      description: "Why the journal cannot be written, e.g. disk full (ENOSPC); else null.",
    }),
  }),
});

/** GraphQL hands an omitted optional field over as null; a model applies its default only when absent. */
const dropNulls = (o: object) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

/**
 * Checks GraphQL input against a contract model, once, into the types the services take; a violation
 * answers BAD_USER_INPUT with one `field: problem` line per issue.
 */
export function parseInput<S extends z.ZodType>(model: S, input: object, what: string): z.output<S> {
  const r = model.safeParse(Array.isArray(input) ? input : dropNulls(input));
  if (!r.success) {
    const reason = reasonOf(r.error);
    throw badInput(`invalid ${what}: ${describeIssues(r.error)}`, reason ? { reason } : {});
  }
  return r.data;
}

export function parseFilter(filter: object | null | undefined): SessionFilterData | undefined {
  return filter ? parseInput(sessionFilterModel, filter, "filter") : undefined;
}

/** An optional free-text argument of a query (a component, a kind, …), checked as the analytics' are. */
export const parseText = (name: string, value: string | null | undefined) =>
  value == null ? value : checkText(name, value);

export function parseSessionId(id: unknown): string {
  if (!uuidModel.safeParse(id).success) throw badInput("id must be a UUID");
  return id as string;
}

const KIND = new RegExp(PATTERNS.eventKind);

/**
 * A batch of events: too many refuses the whole batch; otherwise each event is checked on its own, so one
 * bad event is rejected and the others still count.
 */
export function parseEventBatch(events: readonly { eventId: unknown; kind: string }[]) {
  if (events.length > LIMITS.batchEvents) {
    throw badInput(`a batch holds at most ${LIMITS.batchEvents} events; got ${events.length}`);
  }
  const valid: SessionEventIn[] = [];
  const invalid: InvalidEvent[] = [];
  for (const e of events) {
    const r = sessionEventInput.safeParse(dropNulls(e));
    if (r.success) valid.push(r.data);
    else {
      const message = describeIssues(r.error);
      // The kind labels a metric: one that breaks the pattern is counted as "unknown", not as itself.
      const kind = KIND.test(e.kind) ? e.kind : "unknown";
      invalid.push({ eventId: String(e.eventId), kind, message, reason: reasonOf(r.error) });
    }
  }
  return { valid, invalid };
}
