import type { SessionsByRefQuery } from "../client/gql/graphql.js";
import { request } from "../client/graphql-http.js";
import { SessionsByRefQuery as SessionsByRef } from "../client/operations/cli.js";
import { parseIdRef } from "../contract/short-id.js";

/** A session a reference may mean, as the list of candidates shows it. */
export type Candidate = SessionsByRefQuery["sessions"]["edges"][number]["node"];

/** What a reference found: one session, none, or several (`total` of them; the newest are listed). */
export type Found =
  | { kind: "one"; id: string }
  | { kind: "none" }
  | { kind: "many"; items: Candidate[]; total: number };

/** Candidates listed when a reference is ambiguous. */
const SHOWN = 20;

/**
 * What a person may type for a session: a whole id, a prefix of at least 4 hex digits or the short id
 * (hyphens optional); the text itself, trimmed, or undefined when it can be none of them.
 */
export function sessionRefText(text: string): string | undefined {
  return parseIdRef(text) ? text.trim() : undefined;
}

/** The forms a reference may take, for messages. */
export const SESSION_REF_FORMS =
  "a session id, a prefix of at least 4 hex digits of it, or its short id (the last 8 hex digits, as the tables show)";

/**
 * Resolves what a person typed for a session through the service's `SessionFilter.idRef`, which matches
 * a whole id, a prefix or the short id.
 *
 * @example
 * const found = await findSession({ url, token }, "0a1b2c3d");
 * if (found.kind === "one") show(found.id);
 */
export async function findSession(http: { url: string; token: string }, ref: string): Promise<Found> {
  const data = await request(http, SessionsByRef, { ref, first: SHOWN });
  const items = data.sessions.edges.map((e) => e.node);
  const total = data.sessions.totalCount;
  if (items.length === 0) return { kind: "none" };
  if (items.length === 1 && total <= 1) return { kind: "one", id: items[0]!.id };
  return { kind: "many", items, total };
}

/**
 * The one session a reference names, or `fail(message)` thrown: the reference is malformed, matches
 * nothing, or matches several.
 *
 * @example
 * const id = await oneSessionId(http, "0a1b2c3d", (m) => new UserError(m));
 */
export async function oneSessionId(
  http: { url: string; token: string },
  ref: string,
  fail: (message: string) => Error,
): Promise<string> {
  const typed = sessionRefText(ref);
  if (!typed) throw fail(`the session must be ${SESSION_REF_FORMS}`);
  const found = await findSession(http, typed);
  if (found.kind === "none") throw fail(`no session matches ${typed}`);
  if (found.kind === "many")
    throw fail(`${typed} matches ${found.total} sessions: give more digits or the full id`);
  return found.id;
}
