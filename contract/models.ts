import { z } from "zod";
import {
  ACTOR_KINDS,
  CAPTURE_MODES,
  CaptureModes,
  COMMAND_OUTCOMES,
  COMPLETENESS,
  DROP_REASONS,
  END_REASONS,
  EndReasons,
  SESSION_STATUSES,
} from "./enums.js";
import { type BadInputReason, BadInputReasons, ErrorCodes, ForbiddenReasons } from "./errors.js";
import { DEFAULT_SESSION_TYPE, EVENT_MODEL_VERSION, LIMITS, PATTERNS } from "./limits.js";
import { ID_REF_FORMS, parseIdRef } from "./short-id.js";

/**
 * The event models: the one definition that validates API input and is published as JSON Schema
 * (draft 2020-12) under `/schemas`. Version of the models: {@link EVENT_MODEL_VERSION}.
 *
 * Each model comes in two forms that differ only in their timestamps: the wire form (`…Model`, ISO 8601
 * strings, as published and as a producer sends them) and the parsed form (`…Input`, `Date`s, as the
 * GraphQL `DateTime` scalar hands them over), which the API checks once at its boundary.
 */

/** Where an input breaks the contract (a path inside the value checked) and why. */
export interface InputProblem {
  path: (string | number)[];
  message: string;
  reason: BadInputReason;
}

// With the `u` flag a surrogate pair is one code point, so this matches unpaired surrogates only.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * What keeps `text` out of Postgres (text and jsonb cannot hold U+0000; jsonb refuses an unpaired
 * surrogate, and text would store it altered), if anything.
 */
export function unstorableText(text: string): Omit<InputProblem, "path"> | undefined {
  if (text.includes("\u0000"))
    return { message: "must not contain NUL characters", reason: BadInputReasons.NUL_CHARACTER };
  if (LONE_SURROGATE.test(text))
    return {
      message: "must be well-formed Unicode (no lone surrogates)",
      reason: BadInputReasons.LONE_SURROGATE,
    };
  return undefined;
}

/**
 * The first problem of a JSON value: nesting deeper than `maxDepth` levels (the value itself being level
 * 1), or a key or string {@link unstorableText}. Walks with an explicit stack, never recursion, so even a
 * value nested thousands deep is answered, not a stack overflow; the byte limits are checked after it.
 */
export function jsonProblem(value: unknown, maxDepth: number = LIMITS.jsonDepth): InputProblem | undefined {
  const pending: { node: unknown; path: (string | number)[]; depth: number }[] = [
    { node: value, path: [], depth: 0 },
  ];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { node, path, depth } = item;
    if (typeof node === "string") {
      const bad = unstorableText(node);
      if (bad) return { path, ...bad };
    }
    if (node === null || typeof node !== "object") continue;
    if (depth >= maxDepth) {
      const message = `must be nested at most ${maxDepth} levels deep (objects and arrays)`;
      return { path: [], message, reason: BadInputReasons.JSON_TOO_DEEP };
    }
    const isArray = Array.isArray(node);
    for (const [key, child] of Object.entries(node)) {
      const bad = isArray ? undefined : unstorableText(key);
      if (bad) return { path, message: `key ${JSON.stringify(key)} ${bad.message}`, reason: bad.reason };
      pending.push({ node: child, path: [...path, isArray ? Number(key) : key], depth: depth + 1 });
    }
  }
  return undefined;
}

/** A string Postgres stores as it is (see {@link unstorableText}). */
const storableText = () =>
  z.string().superRefine((text, ctx) => {
    const bad = unstorableText(text);
    if (bad) ctx.addIssue({ code: "custom", message: bad.message, params: { reason: bad.reason } });
  });

const matching = (pattern: string, message = `must match ${pattern}`) =>
  z.string().regex(new RegExp(pattern), message);
// No `i` flag anywhere: JSON Schema patterns have no flags, and the published schema must accept the same ids.
export const uuidModel = matching(PATTERNS.uuid, "must be a UUID");
const isoDate = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" });
const shortText = (max: number) => storableText().max(max, `must be at most ${max} characters`);
const between = (min: number, max: number) =>
  z
    .number()
    .int()
    .min(min, `must be between ${min} and ${max}`)
    .max(max, `must be between ${min} and ${max}`);

/** Why a session was started (`requireReason`), with the ticket it names. */
export const sessionReasonModel = z
  .object({
    text: shortText(LIMITS.reasonChars).refine((t) => t.trim().length > 0, "must not be empty"),
    ticketRef: matching(PATTERNS.ticketRef, "must be a ticket reference such as OPS-1234").nullish(),
  })
  .meta({ title: "SessionReason", description: "Why the session was started, and the ticket it names." });

/** A JSON object within `LIMITS.jsonDepth` and `maxBytes`, every key and string storable. */
const jsonObject = (maxBytes: number, what: string) =>
  z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const problem = jsonProblem(value);
    if (problem) {
      const { path, message, reason } = problem;
      ctx.addIssue({ code: "custom", path, message, params: { reason } });
    } else if (Buffer.byteLength(JSON.stringify(value), "utf8") > maxBytes) {
      ctx.addIssue({ code: "custom", message: `${what} must be at most ${maxBytes / 1024} KiB serialised` });
    }
  });

export const componentName = matching(PATTERNS.componentName);

const chainHashModel = matching(PATTERNS.hash);

export const sessionStartModel = z
  .object({
    id: uuidModel,
    type: matching(PATTERNS.sessionType).default(DEFAULT_SESSION_TYPE),
    component: componentName,
    componentType: shortText(64).nullish(),
    componentVersion: shortText(64).nullish(),
    shellType: shortText(128).nullish(),
    adapters: z.array(shortText(64)).max(64).nullish(),
    startedAt: isoDate.nullish(),
    pid: between(1, LIMITS.pidMax).nullish(),
    username: shortText(256).nullish(),
    hostname: shortText(256).nullish(),
    environment: jsonObject(LIMITS.environmentBytes, "environment")
      .refine(
        (env) => typeof env.cwd !== "string" || env.cwd.length <= LIMITS.cwdChars,
        `environment.cwd must be at most ${LIMITS.cwdChars} characters`,
      )
      .nullish(),
    metadata: jsonObject(LIMITS.metadataBytes, "metadata").nullish(),
    captureMode: z.enum(CAPTURE_MODES).default(CaptureModes.BUFFERED),
    reason: sessionReasonModel.nullish(),
    /** Who the shell detected at the prompt; a token's `actor_kind` claim decides over it. */
    actorKind: z.enum(ACTOR_KINDS).nullish(),
    eventId: shortText(64).nullish(),
    eventVersion: z
      .literal(EVENT_MODEL_VERSION, {
        error: `unsupported version; this service speaks ${EVENT_MODEL_VERSION}`,
      })
      .default(EVENT_MODEL_VERSION),
    hash: chainHashModel.nullish(),
  })
  .meta({ title: "SessionStart", description: "A session starting: sent once, idempotent by id." });

export const sessionEndModel = z
  .object({
    id: uuidModel,
    endedAt: isoDate.nullish(),
    endReason: z.enum(END_REASONS).default(EndReasons.EXIT),
    exitCode: z.number().int().min(-LIMITS.exitCodeMax).max(LIMITS.exitCodeMax).nullish(),
    metadata: jsonObject(LIMITS.metadataBytes, "metadata").nullish(),
    lastSeq: z.number().int().min(0).max(LIMITS.seqMax).nullish(),
    hash: chainHashModel.nullish(),
    prevHash: chainHashModel.nullish(),
  })
  .meta({ title: "SessionEnd", description: "A session ending: ending twice is idempotent." });

export const sessionEventModel = z
  .object({
    eventId: uuidModel,
    sessionId: uuidModel,
    seq: z.number().int().min(1, "must be at least 1").max(LIMITS.seqMax),
    kind: matching(PATTERNS.eventKind),
    at: isoDate,
    text: storableText()
      .refine(
        (t) => Buffer.byteLength(t, "utf8") <= LIMITS.textBytes,
        `text must be at most ${LIMITS.textBytes / 1024} KiB`,
      )
      .nullish(),
    durationMs: z.number().min(0).nullish(),
    outcome: z.enum(COMMAND_OUTCOMES).nullish(),
    errorClass: shortText(256).nullish(),
    redactions: z.number().int().min(0).nullish(),
    payload: jsonObject(LIMITS.payloadBytes, "payload").nullish(),
    hash: chainHashModel.nullish(),
    prevHash: chainHashModel.nullish(),
    result: jsonObject(LIMITS.payloadBytes, "result").nullish(),
    completionHash: chainHashModel.nullish(),
  })
  .meta({
    title: "SessionEvent",
    description: "One event of a session, stored once by eventId, ordered by seq.",
  });

export const sessionStartInput = sessionStartModel.extend({ startedAt: z.date().nullish() });
export const sessionEndInput = sessionEndModel.extend({ endedAt: z.date().nullish() });
export const sessionEventInput = sessionEventModel.extend({ at: z.date() });

/** The ids of one `heartbeat` call. */
export const heartbeatIdsInput = z
  .array(z.string())
  .max(LIMITS.heartbeatIds, `at most ${LIMITS.heartbeatIds} ids per heartbeat`)
  .refine((ids) => ids.every((id) => uuidModel.safeParse(id).success), "every id must be a UUID");

/** What a client reports of its own delivery with a heartbeat. */
export const clientHealthInput = z.object({
  journalDepth: z.number().int().nullish(),
  oldestPendingSeconds: z.number().nullish(),
  breaker: storableText().nullish(),
  dropped: z.number().int().nullish(),
  droppedByReason: z.partialRecord(z.enum(DROP_REASONS), z.number().int().min(0)).nullish(),
  journalError: shortText(500).nullish(),
});
export type ClientHealth = z.output<typeof clientHealthInput>;

const rejectedEventModel = z.object({
  eventId: z.string(),
  /** What went wrong; the client switches on this (with `reason`), never on `message`. */
  code: z.enum(ErrorCodes),
  /**
   * For FORBIDDEN: whether the token (TOKEN_COMPONENTS) or the session (NOT_OWNER) is the cause; for
   * BAD_USER_INPUT: one of the {@link BadInputReasons} when the refusal has one.
   */
  reason: z.enum({ ...ForbiddenReasons, ...BadInputReasons }).nullish(),
  message: z.string(),
});

export const recordEventsResultModel = z
  .object({
    accepted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.array(rejectedEventModel),
  })
  .meta({ title: "RecordEventsResult", description: "What the service did with a batch of events." });

export type SessionStart = z.output<typeof sessionStartInput>;
export type SessionEnd = z.output<typeof sessionEndInput>;
export type SessionEventIn = z.output<typeof sessionEventInput>;
export type RejectedEvent = z.output<typeof rejectedEventModel>;
export type RecordEventsResult = z.output<typeof recordEventsResultModel>;

const filterText = shortText(LIMITS.filterTextChars);
const filterDuration = z.number().min(0).max(LIMITS.filterDurationSeconds);

/** Which sessions a list, an export or an aggregate covers; every field narrows, none is required. */
export const sessionFilterModel = z.object({
  type: filterText.nullish(),
  component: filterText.nullish(),
  status: z.enum(SESSION_STATUSES).nullish(),
  completeness: z.enum(COMPLETENESS).nullish(),
  actor: filterText.nullish(),
  username: filterText.nullish(),
  hostname: filterText.nullish(),
  /** Sessions of this actor kind. */
  actorKind: z.enum(ACTOR_KINDS).nullish(),
  /** Sessions whose reason names this ticket. */
  ticketRef: filterText.nullish(),
  /** Sessions with (true) or without (false) a reason. */
  hasReason: z.boolean().nullish(),
  /** Sessions with (true) or without (false) a sensitive period. */
  sensitive: z.boolean().nullish(),
  startedAfter: z.date().nullish(),
  startedBefore: z.date().nullish(),
  minDurationSeconds: filterDuration.nullish(),
  delayed: z.boolean().nullish(),
  /**
   * Started, ended or resumed (as received by the service) after this time: a live feed's catch-up after
   * a gap.
   */
  changedAfter: z.date().nullish(),
  /** A reference to sessions by id: the full id, a hex prefix of it, or its short form (see short-id.ts). */
  idRef: z
    .string()
    .refine((ref) => parseIdRef(ref) !== null, `must be ${ID_REF_FORMS}; hyphens are optional`)
    .nullish(),
});
export type SessionFilter = z.output<typeof sessionFilterModel>;

const paramDate = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), "must be a date, e.g. 2026-11-24 or 2026-11-24T10:00:00Z")
  .transform((s) => new Date(s));

/**
 * The same filter as URL query parameters, where every value arrives as text. A live feed's
 * `changedAfter` has no meaning for a one-off read, so it is not a parameter.
 */
const paramBoolean = z
  .enum(["true", "false"], { error: "must be true or false" })
  .transform((v) => v === "true")
  .optional();

export const sessionFilterParams = sessionFilterModel.omit({ changedAfter: true }).extend({
  startedAfter: paramDate.optional(),
  startedBefore: paramDate.optional(),
  minDurationSeconds: z.coerce.number().pipe(filterDuration).optional(),
  delayed: paramBoolean,
  hasReason: paramBoolean,
  sensitive: paramBoolean,
});

/** The models published under `/schemas/<name>.json`. */
export const publishedModels = {
  "session-start": sessionStartModel,
  "session-end": sessionEndModel,
  "session-event": sessionEventModel,
  "record-events-result": recordEventsResultModel,
} as const;

/** The {@link BadInputReasons} of the first issue that has one, for `extensions.reason`. */
export function reasonOf(error: z.ZodError): BadInputReason | undefined {
  for (const issue of error.issues) {
    const reason = (issue as { params?: { reason?: BadInputReason } }).params?.reason;
    if (reason) return reason;
  }
  return undefined;
}

/** One readable line per problem: `field: message`. */
export function describeIssues(error: z.ZodError, prefix = ""): string {
  return error.issues
    .map((i) => `${prefix}${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message}`)
    .join("; ");
}
