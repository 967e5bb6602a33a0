import type { z } from "zod";
import { CaptureModes, EndReasons } from "../../contract/enums.js";
import { DEFAULT_SESSION_TYPE, EVENT_MODEL_VERSION, LIMITS } from "../../contract/limits.js";
import {
  type ClientHealth as ClientHealthData,
  describeIssues,
  type SessionEventIn,
  type SessionFilter as SessionFilterData,
  sessionEventInput,
  sessionFilterModel,
  uuidModel,
} from "../../contract/models.js";
import { builder } from "../builder.js";
import { badInput } from "../errors.js";
import { CaptureMode, EndReason, SessionStatus } from "./session-enums.js";

/** The GraphQL form of {@link sessionFilterModel}; its fields are type-checked against the model's type. */
export const SessionFilter = builder.inputRef<SessionFilterData>("SessionFilter").implement({
  fields: (t) => ({
    type: t.string(),
    component: t.string(),
    status: t.field({ type: SessionStatus }),
    actor: t.string(),
    username: t.string(),
    hostname: t.string(),
    startedAfter: t.field({ type: "DateTime" }),
    startedBefore: t.field({ type: "DateTime" }),
    minDurationSeconds: t.float(),
    delayed: t.boolean(),
    changedAfter: t.field({
      type: "DateTime",
      description: "Sessions the service saw start or end after this time (catch-up of live feeds).",
    }),
  }),
});

export const StartSessionInput = builder.inputType("StartSessionInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    type: t.string({ defaultValue: DEFAULT_SESSION_TYPE }),
    component: t.string({ required: true }),
    componentType: t.string(),
    componentVersion: t.string(),
    shellType: t.string(),
    adapters: t.stringList(),
    startedAt: t.field({ type: "DateTime" }),
    pid: t.int(),
    username: t.string(),
    hostname: t.string(),
    environment: t.field({ type: "JSON" }),
    metadata: t.field({ type: "JSON" }),
    captureMode: t.field({ type: CaptureMode, defaultValue: CaptureModes.BUFFERED }),
    eventId: t.id(),
    eventVersion: t.string({ defaultValue: EVENT_MODEL_VERSION }),
  }),
});

export const EndSessionInput = builder.inputType("EndSessionInput", {
  fields: (t) => ({
    id: t.id({ required: true }),
    endedAt: t.field({ type: "DateTime" }),
    endReason: t.field({ type: EndReason, defaultValue: EndReasons.EXIT }),
    exitCode: t.int(),
    metadata: t.field({ type: "JSON" }),
  }),
});

export const SessionEventInput = builder.inputType("SessionEventInput", {
  fields: (t) => ({
    eventId: t.id({ required: true }),
    sessionId: t.id({ required: true }),
    seq: t.int({ required: true }),
    kind: t.string({ required: true }),
    at: t.field({ type: "DateTime", required: true }),
    text: t.string(),
    durationMs: t.float(),
    // Text, not the CommandOutcome enum: an unknown outcome must reject this one event (checked against
    // the model below), not fail GraphQL validation of the whole batch.
    outcome: t.string({ description: "ok or error (a CommandOutcome); anything else rejects this event." }),
    errorClass: t.string(),
    redactions: t.int(),
    payload: t.field({ type: "JSON" }),
  }),
});

export const ClientHealthInput = builder.inputRef<ClientHealthData>("ClientHealthInput").implement({
  fields: (t) => ({
    journalDepth: t.int(),
    oldestPendingSeconds: t.float(),
    breaker: t.string(),
    dropped: t.int(),
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
  if (!r.success) throw badInput(`invalid ${what}: ${describeIssues(r.error)}`);
  return r.data;
}

export function parseFilter(filter: object | null | undefined): SessionFilterData | undefined {
  return filter ? parseInput(sessionFilterModel, filter, "filter") : undefined;
}

export function parseSessionId(id: unknown): string {
  if (!uuidModel.safeParse(id).success) throw badInput("id must be a UUID");
  return id as string;
}

/**
 * A batch of events: too many refuses the whole batch; otherwise each event is checked on its own, so one
 * bad event is rejected and the others still count.
 */
export function parseEventBatch(events: readonly { eventId: unknown; kind: string }[]) {
  if (events.length > LIMITS.batchEvents) {
    throw badInput(`a batch holds at most ${LIMITS.batchEvents} events; got ${events.length}`);
  }
  const valid: SessionEventIn[] = [];
  const invalid: { eventId: string; kind: string; message: string }[] = [];
  for (const e of events) {
    const r = sessionEventInput.safeParse(dropNulls(e));
    if (r.success) valid.push(r.data);
    else invalid.push({ eventId: String(e.eventId), kind: e.kind, message: describeIssues(r.error) });
  }
  return { valid, invalid };
}
