/**
 * The product's one short form of an id, and how an operator may refer to a session without typing all of
 * it. Session ids are UUID v7: their first hex digits are a timestamp, so sessions opened around the same
 * time share them; the short form is therefore the LAST 8 hex digits, which are random.
 *
 * A reference (`idRef`) is any of: the full id, a prefix of at least {@link MIN_ID_PREFIX} hex digits
 * (hyphens may be typed or left out), or the short form. The service's `SessionFilter.idRef`, the CLI, the
 * dashboard and the shells all read references with {@link parseIdRef} and match them with
 * {@link matchesIdRef}, so the same text finds the same sessions everywhere.
 */

/** Hex digits of the short form. */
export const SHORT_ID_LENGTH = 8;

/** The fewest hex digits a prefix reference may have. */
export const MIN_ID_PREFIX = 4;

/** The accepted forms, for messages. */
export const ID_REF_FORMS = `a full id, a prefix of at least ${MIN_ID_PREFIX} hex digits, or the short id (its last ${SHORT_ID_LENGTH} hex digits)`;

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const HEX_REF = /^[0-9a-f-]+$/i;

/** An id's 32 hex digits in lower case, without hyphens; `undefined` when it is not a UUID. */
function uuidHex(id: string): string | undefined {
  return UUID.test(id) ? id.replace(/-/g, "").toLowerCase() : undefined;
}

/** `0193c0de00007000800000000a1b2c3d` → `0193c0de-0000-7000-8000-00000a1b2c3d`. */
function canonical(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The short form of an id: its last 8 hex digits, lower case. What is not a UUID is returned unchanged.
 *
 * @example
 * shortId("0193c0de-0000-7000-8000-00000a1b2c3d"); // "0a1b2c3d"
 */
export function shortId(id: string): string {
  const hex = uuidHex(id);
  return hex ? hex.slice(-SHORT_ID_LENGTH) : id;
}

/**
 * A parsed reference: a whole id (`kind: "id"`, canonical, lower case) or some hex digits (`kind: "ref"`,
 * a prefix or the short form); `hex` is its digits either way, lower case without hyphens.
 */
export type IdRef = { kind: "id"; id: string; hex: string } | { kind: "ref"; hex: string };

/**
 * Reads an id reference; `null` when the text cannot be one (not hex digits and hyphens, fewer than
 * {@link MIN_ID_PREFIX} digits, or more than an id has).
 *
 * @example
 * parseIdRef("0193C0DE-0000-7000-8000-00000A1B2C3D"); // { kind: "id", id: "0193c0de-0000-7000-8000-00000a1b2c3d", hex: "0193c0de…2c3d" }
 * parseIdRef("0a1b2c3d");                              // { kind: "ref", hex: "0a1b2c3d" }
 * parseIdRef("xyz");                                   // null
 */
export function parseIdRef(text: string): IdRef | null {
  if (typeof text !== "string") return null;
  const ref = text.trim();
  if (!HEX_REF.test(ref)) return null;
  const hex = ref.replace(/-/g, "").toLowerCase();
  if (hex.length < MIN_ID_PREFIX || hex.length > 32) return null;
  return hex.length === 32 ? { kind: "id", id: canonical(hex), hex } : { kind: "ref", hex };
}

/**
 * Whether `ref` refers to `id`: the same id, a prefix of it, or (exactly 8 digits) its short form.
 *
 * @example
 * matchesIdRef("0193c0de-0000-7000-8000-00000a1b2c3d", parseIdRef("0193c0de")!); // true (prefix)
 * matchesIdRef("0193c0de-0000-7000-8000-00000a1b2c3d", "0a1b2c3d");              // true (short form)
 */
export function matchesIdRef(id: string, ref: IdRef | string | null): boolean {
  const parsed = typeof ref === "string" ? parseIdRef(ref) : ref;
  if (!parsed) return false;
  const hex = id.replace(/-/g, "").toLowerCase();
  if (parsed.kind === "id") return hex === parsed.hex;
  return hex.startsWith(parsed.hex) || (parsed.hex.length === SHORT_ID_LENGTH && hex.endsWith(parsed.hex));
}

/** What a reference found among candidates. */
export type IdRefMatch<T> =
  | { kind: "one"; item: T }
  | { kind: "none" }
  | { kind: "many"; items: T[] }
  | { kind: "invalid" };

/**
 * Resolves a reference among `items` (by `idOf`): exactly one, none, several (ambiguous), or a text that
 * is no reference at all.
 *
 * @example
 * const hit = findByIdRef(sessions, "0a1b2c3d", (s) => s.id);
 * if (hit.kind === "one") show(hit.item);
 */
export function findByIdRef<T>(items: readonly T[], ref: string, idOf: (item: T) => string): IdRefMatch<T> {
  const parsed = parseIdRef(ref);
  if (!parsed) return { kind: "invalid" };
  const hits = items.filter((item) => matchesIdRef(idOf(item), parsed));
  if (hits.length === 0) return { kind: "none" };
  if (hits.length === 1) return { kind: "one", item: hits[0] as T };
  return { kind: "many", items: hits };
}
