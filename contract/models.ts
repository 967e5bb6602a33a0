import { z } from "zod";

/**
 * The event models: the one definition that validates API input and is published as JSON Schema
 * (draft 2020-12) under `/schemas`. Version of the models: {@link EVENT_MODEL_VERSION}.
 */
export const EVENT_MODEL_VERSION = "1.0";

export const LIMITS = {
  metadataBytes: 16 * 1024,
  textBytes: 8 * 1024,
  batchEvents: 1000,
  heartbeatIds: 1000,
  cwdChars: 500,
  environmentBytes: 16 * 1024,
  payloadBytes: 16 * 1024,
  requestBytes: 2 * 1024 * 1024,
} as const;

const uuid = z
  .string()
  // No `i` flag: JSON Schema patterns have no flags, and the published schema must accept the same ids.
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "must be a UUID");
const isoDate = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" });
const shortText = (max: number) => z.string().max(max, `must be at most ${max} characters`);

const jsonObject = (maxBytes: number, what: string) =>
  z
    .record(z.string(), z.unknown())
    .refine(
      (v) => Buffer.byteLength(JSON.stringify(v), "utf8") <= maxBytes,
      `${what} must be at most ${maxBytes / 1024} KiB serialised`,
    );

export const componentName = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "must match ^[a-zA-Z0-9_-]{1,64}$");

export const sessionStartModel = z
  .object({
    id: uuid,
    type: z
      .string()
      .regex(/^[a-zA-Z0-9_.-]{1,64}$/, "must match ^[a-zA-Z0-9_.-]{1,64}$")
      .default("admin_shell"),
    component: componentName,
    componentType: shortText(64).nullish(),
    componentVersion: shortText(64).nullish(),
    shellType: shortText(128).nullish(),
    adapters: z.array(shortText(64)).max(64).nullish(),
    startedAt: isoDate.nullish(),
    pid: z
      .number()
      .int()
      .min(1, "must be between 1 and 4194304")
      .max(4194304, "must be between 1 and 4194304")
      .nullish(),
    username: shortText(256).nullish(),
    hostname: shortText(256).nullish(),
    environment: jsonObject(LIMITS.environmentBytes, "environment")
      .refine(
        (env) => typeof env.cwd !== "string" || env.cwd.length <= LIMITS.cwdChars,
        `environment.cwd must be at most ${LIMITS.cwdChars} characters`,
      )
      .nullish(),
    metadata: jsonObject(LIMITS.metadataBytes, "metadata").nullish(),
    captureMode: z.enum(["BUFFERED", "STRICT"]).default("BUFFERED"),
    eventId: shortText(64).nullish(),
    eventVersion: z
      .literal(EVENT_MODEL_VERSION, {
        error: `unsupported version; this service speaks ${EVENT_MODEL_VERSION}`,
      })
      .default(EVENT_MODEL_VERSION),
  })
  .meta({ title: "SessionStart", description: "A session starting: sent once, idempotent by id." });

export const sessionEndModel = z
  .object({
    id: uuid,
    endedAt: isoDate.nullish(),
    endReason: z.enum(["EXIT", "SIGINT", "SIGTERM", "SIGHUP", "ERROR", "ABANDONED"]).default("EXIT"),
    exitCode: z.number().int().min(-255).max(255).nullish(),
    metadata: jsonObject(LIMITS.metadataBytes, "metadata").nullish(),
  })
  .meta({ title: "SessionEnd", description: "A session ending: ending twice is idempotent." });

export const sessionEventModel = z
  .object({
    eventId: uuid,
    sessionId: uuid,
    seq: z.number().int().min(1, "must be at least 1"),
    kind: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "must match ^[a-z][a-z0-9_]{0,63}$"),
    at: isoDate,
    text: z
      .string()
      .refine(
        (t) => Buffer.byteLength(t, "utf8") <= LIMITS.textBytes,
        `text must be at most ${LIMITS.textBytes / 1024} KiB`,
      )
      .nullish(),
    durationMs: z.number().min(0).nullish(),
    outcome: z.enum(["ok", "error"]).nullish(),
    errorClass: shortText(256).nullish(),
    redactions: z.number().int().min(0).nullish(),
    payload: jsonObject(LIMITS.payloadBytes, "payload").nullish(),
  })
  .meta({
    title: "SessionEvent",
    description: "One event of a session, stored once by eventId, ordered by seq.",
  });

export const recordEventsResultModel = z
  .object({
    accepted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.array(z.object({ eventId: z.string(), code: z.string(), message: z.string() })),
  })
  .meta({ title: "RecordEventsResult", description: "What the service did with a batch of events." });

export type SessionStart = z.output<typeof sessionStartModel>;
export type SessionEnd = z.output<typeof sessionEndModel>;
export type SessionEventIn = z.output<typeof sessionEventModel>;

/** The models published under `/schemas/<name>.json`. */
export const publishedModels = {
  "session-start": sessionStartModel,
  "session-end": sessionEndModel,
  "session-event": sessionEventModel,
  "record-events-result": recordEventsResultModel,
} as const;

/** One readable line per problem: `field: message`. */
export function describeIssues(error: z.ZodError, prefix = ""): string {
  return error.issues
    .map((i) => `${prefix}${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message}`)
    .join("; ");
}
