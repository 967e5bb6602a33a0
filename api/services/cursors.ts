import { BadInputReasons } from "../../contract/errors.js";
import { LIMITS, PATTERNS } from "../../contract/limits.js";
import { badInput } from "../errors.js";

/**
 * The pagination cursors of the API, encoded and decoded here only. A cursor is opaque to clients
 * (base64url of a keyset position); decoding accepts exactly what `encode` produces, so a forged,
 * truncated or foreign cursor answers BAD_USER_INPUT (reason BAD_CURSOR) before any query runs.
 */

/** The position of a session in the newest-first list: its (startedAt, id). */
export interface SessionPosition {
  startedAt: Date;
  id: string;
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = new RegExp(PATTERNS.uuid);
const EVENT_POSITION = /^e\|(0|[1-9]\d{0,9})$/;

const badCursor = () => badInput("invalid cursor", { reason: BadInputReasons.BAD_CURSOR });
const encode = (text: string) => Buffer.from(text, "utf8").toString("base64url");

/** The text inside a cursor, when `cursor` is canonical base64url (Node's decoder skips stray bytes). */
function unwrap(cursor: string): string {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  if (encode(text) !== cursor) throw badCursor();
  return text;
}

/** Cursors of `sessions(after:)`. */
export const sessionCursor = {
  encode: (row: SessionPosition) => encode(`${row.startedAt.toISOString()}|${row.id}`),
  decode(cursor: string): SessionPosition {
    const parts = unwrap(cursor).split("|");
    const [at = "", id = ""] = parts;
    const startedAt = new Date(at);
    const valid =
      parts.length === 2 &&
      ISO_MS.test(at) &&
      !Number.isNaN(startedAt.getTime()) &&
      startedAt.toISOString() === at &&
      UUID.test(id);
    if (!valid) throw badCursor();
    return { startedAt, id };
  },
};

/** Cursors of `Session.events(after:)`: a position in seq order (events after this seq). */
export const eventCursor = {
  encode: (seq: number) => encode(`e|${seq}`),
  decode(cursor: string): number {
    const m = EVENT_POSITION.exec(unwrap(cursor));
    const seq = m ? Number(m[1]) : Number.NaN;
    if (!(seq >= 0 && seq <= LIMITS.seqMax)) throw badCursor();
    return seq;
  },
};
