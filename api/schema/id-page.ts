import { PATTERNS } from "../../contract/limits.js";
import { badInput } from "../errors.js";

/** Admin logs paged newest first by their identity id (the access log, alert deliveries). */

const UUID = new RegExp(PATTERNS.uuid);

/**
 * `first` (1 … `max`, default 50) and `after` (the id the previous page ended at) of a page of `query`;
 * anything else, a forged cursor included, is BAD_USER_INPUT.
 */
export function idPage(
  args: { first?: number | null; after?: string | null },
  query: string,
  max: number,
): { first: number; after: number | undefined } {
  const first = args.first ?? 50;
  if (first < 1 || first > max) throw badInput(`first must be 1 … ${max}`);
  if (args.after == null) return { first, after: undefined };
  if (!/^[1-9]\d{0,15}$/.test(args.after)) throw badInput(`after is not a cursor of ${query}`);
  return { first, after: Number(args.after) };
}

/** An optional session id argument, lower-cased; not a UUID is BAD_USER_INPUT naming `name`. */
export function sessionIdArg(value: string | number | null | undefined, name: string): string | undefined {
  if (value == null) return undefined;
  const id = String(value);
  if (!UUID.test(id)) throw badInput(`${name} must be a UUID`);
  return id.toLowerCase();
}
