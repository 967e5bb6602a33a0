/**
 * The records the client journals: a session's start, its events and its end, each under a key that makes
 * a replay harmless.
 */

import type { JournalRecord } from "./journal/format.js";

/** Kinds of journal records the client writes. */
export const RecordKinds = { START: "start", EVENT: "event", END: "end" } as const;
export type RecordKind = (typeof RecordKinds)[keyof typeof RecordKinds];

/**
 * Journal keys: an event's key is its eventId (what the service de-duplicates on); a session's start and
 * end are keyed by the session id with a prefix, so each session has at most one of each pending.
 *
 * @example
 * ```ts
 * recordKeys.start("0193…"); // "start:0193…"
 * ```
 */
export const recordKeys = {
  start: (sessionId: string) => `start:${sessionId}`,
  end: (sessionId: string) => `end:${sessionId}`,
  event: (eventId: string) => eventId,
} as const;

/**
 * The session a record belongs to (`undefined` for a record that names none).
 *
 * @example
 * ```ts
 * sessionOf({ key: "e1", kind: "event", at: 0, body: { sessionId: "s1" } }); // "s1"
 * ```
 */
export function sessionOf(record: JournalRecord): string | undefined {
  const body = record.body as { id?: unknown; sessionId?: unknown } | null;
  const id = record.kind === RecordKinds.EVENT ? body?.sessionId : body?.id;
  return typeof id === "string" ? id : undefined;
}
