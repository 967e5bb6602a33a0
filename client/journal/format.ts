/**
 * The journal's on-disk format: file names and lines. Pure functions, no I/O.
 *
 * File names: `<host>-<pid>-<rand>.jnl`, with the variants `.closed.jnl`, `.claim<N>.jnl` and `.tmp`
 * (see {@link Journal} for what each means).
 *
 * Each line is one JSON object whose first member is a CRC-32 of the rest of the line:
 * `{"sum":"1a2b3c4d","op":"rec","key":"…","kind":"event","at":1732400000000,"body":{…}}`.
 * Ops: `rec` (a pending record), `ack` (keys delivered), `drop` (keys discarded, `n` added to the unreported
 * drop count of its `reason`; a line without one counts as `overflow`) and `reported` (`n` drops told to the
 * service, per reason in `reasons`). A line that fails its checksum or does not parse — typically the last
 * one, torn by a `kill -9` mid-write — is skipped and counted.
 */

import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { crc32 } from "node:zlib";
import { dataPaths } from "../../config/paths.js";
import type { DropReason } from "../../contract/enums.js";
import type { DropCounts } from "../types.js";
import { addDrops, subtractDrops, subtractTotal, toDropReason, totalDrops } from "./drops.js";

/** One pending record. `key` is unique per record (e.g. the eventId); `at` is the capture time in ms. */
export interface JournalRecord {
  key: string;
  kind: string;
  at: number;
  body: unknown;
}

/** One decoded journal line. */
export type JournalEntry =
  | ({ op: "rec" } & JournalRecord)
  | { op: "ack"; keys: string[] }
  | { op: "drop"; keys: string[]; n: number; reason?: DropReason }
  | { op: "reported"; n: number; reasons?: DropCounts };

const FILE_RE = /^([0-9a-f]{8})-(\d+)-([0-9a-f]{12})(?:\.(closed|claim\d+))?\.(jnl|tmp)$/;
const LINE_RE = /^\{"sum":"([0-9a-f]{8})",(.+)$/s;
const LINE_HEAD = '{"sum":"';
let cachedHostTag: string | undefined;
/**
 * The 8-hex-digit tag of this host used in journal file names.
 *
 * @example
 * ```ts
 * journalHostTag(); // "3f1c9a2e"
 * ```
 */
export function journalHostTag(): string {
  cachedHostTag ??= createHash("sha1").update(hostname()).digest("hex").slice(0, 8);
  return cachedHostTag;
}

/**
 * The journal directory of a data dir.
 *
 * @example
 * ```ts
 * journalDir("/home/ops/.session-buddy"); // "/home/ops/.session-buddy/journal"
 * ```
 */
export function journalDir(dataDir: string): string {
  return dataPaths(dataDir).journal;
}

/** A parsed journal file name. */
export interface JournalFileName {
  host: string;
  pid: number;
  /** `<host>-<pid>-<rand>`: everything an owner's files share. */
  owner: string;
  /** `"closed"`, `"claim<N>"` or `""`. */
  tag: string;
  tmp: boolean;
}

/**
 * Parses a journal file name; `null` for files that are not the journal's.
 *
 * @example
 * ```ts
 * parseJournalFileName("3f1c9a2e-4242-0123456789ab.closed.jnl")?.pid; // 4242
 * ```
 */
export function parseJournalFileName(name: string): JournalFileName | null {
  const m = FILE_RE.exec(name);
  if (!m) return null;
  const [, host = "", pid = "", rand = ""] = m;
  return { host, pid: Number(pid), owner: `${host}-${pid}-${rand}`, tag: m[4] ?? "", tmp: m[5] === "tmp" };
}

/**
 * Encodes one journal line (with its trailing newline).
 *
 * The checksum covers the exact bytes after it, so the line stays plain JSON for `jq` and friends while a
 * torn or bit-flipped line is still detected.
 *
 * @example
 * ```ts
 * encodeJournalLine({ op: "ack", keys: ["e1"] }); // '{"sum":"…","op":"ack","keys":["e1"]}\n'
 * ```
 */
export function encodeJournalLine(entry: JournalEntry): string {
  const rest = JSON.stringify(entry).slice(1);
  return `${LINE_HEAD}${checksum(rest)}",${rest}\n`;
}

/**
 * Decodes one journal line (without its newline); `null` when the checksum, the JSON or the shape is wrong.
 *
 * @example
 * ```ts
 * decodeJournalLine(encodeJournalLine({ op: "reported", n: 2 }).trimEnd()); // { op: "reported", n: 2 }
 * ```
 */
export function decodeJournalLine(line: string): JournalEntry | null {
  const m = LINE_RE.exec(line);
  if (!m) return null;
  const [, sum, rest = ""] = m;
  if (checksum(rest) !== sum) return null;
  let value: unknown;
  try {
    value = JSON.parse(`{${rest}`);
  } catch {
    return null;
  }
  return toEntry(value);
}
/** What one journal file says, decoded by {@link decodeFile}. */
export interface DecodedFile {
  /** Records pending according to this file alone, in append order. */
  records: Map<string, JournalRecord>;
  /** Keys acknowledged or dropped in this file: they may have been written to another file of the owner. */
  gone: Set<string>;
  /** Drops not reported to the service yet. */
  unreportedDrops: number;
  /** {@link DecodedFile.unreportedDrops} per reason. */
  unreportedByReason: DropCounts;
  corrupt: number;
  /** The last line had no newline and did not decode (a torn write). Counted in `corrupt` too. */
  tornTail: boolean;
  oldestAt: number | null;
}

/**
 * Decodes a whole journal file: the records it leaves pending and its unreported drops.
 *
 * @example
 * ```ts
 * const { records, unreportedByReason, corrupt } = decodeFile(readFileSync(path, "utf8"));
 * ```
 */
export function decodeFile(text: string): DecodedFile {
  const records = new Map<string, JournalRecord>();
  const gone = new Set<string>();
  let drops: DropCounts = {};
  let reported: DropCounts = {};
  let reportedUnsaid = 0;
  let corrupt = 0;
  let tornTail = false;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const entry = decodeJournalLine(line);
    if (!entry) {
      corrupt++;
      if (i === lines.length - 1) tornTail = true;
      continue;
    }
    switch (entry.op) {
      case "rec":
        records.set(entry.key, { key: entry.key, kind: entry.kind, at: entry.at, body: entry.body });
        break;
      case "ack":
        for (const k of entry.keys) {
          records.delete(k);
          gone.add(k);
        }
        break;
      case "drop":
        for (const k of entry.keys) {
          records.delete(k);
          gone.add(k);
        }
        drops = addDrops(drops, { [toDropReason(entry.reason)]: entry.n });
        break;
      case "reported":
        if (entry.reasons) reported = addDrops(reported, entry.reasons);
        else reportedUnsaid += entry.n;
        break;
    }
  }
  let oldestAt: number | null = null;
  for (const r of records.values()) if (oldestAt === null || r.at < oldestAt) oldestAt = r.at;
  const unreportedByReason = subtractTotal(subtractDrops(drops, reported), reportedUnsaid);
  return {
    records,
    gone,
    unreportedDrops: totalDrops(unreportedByReason),
    unreportedByReason,
    corrupt,
    tornTail,
    oldestAt,
  };
}

function toEntry(value: unknown): JournalEntry | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  switch (v.op) {
    case "rec":
      if (typeof v.key !== "string" || typeof v.kind !== "string" || typeof v.at !== "number") return null;
      return { op: "rec", key: v.key, kind: v.kind, at: v.at, body: v.body };
    case "ack":
      return isStringArray(v.keys) ? { op: "ack", keys: v.keys } : null;
    case "drop":
      if (!isStringArray(v.keys) || !isCount(v.n)) return null;
      return {
        op: "drop",
        keys: v.keys,
        n: v.n,
        ...(v.reason !== undefined ? { reason: toDropReason(v.reason) } : {}),
      };
    case "reported": {
      if (!isCount(v.n)) return null;
      if (v.reasons === undefined) return { op: "reported", n: v.n };
      const reasons = toCounts(v.reasons);
      return reasons && totalDrops(reasons) === v.n ? { op: "reported", n: v.n, reasons } : null;
    }
    default:
      return null;
  }
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((k) => typeof k === "string");
}

function toCounts(v: unknown): DropCounts | null {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return null;
  let out: DropCounts = {};
  for (const [reason, n] of Object.entries(v)) {
    if (!isCount(n)) return null;
    out = addDrops(out, { [toDropReason(reason)]: n });
  }
  return out;
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}

/**
 * Throws a `TypeError` unless `record` can be journaled (a non-empty key, a kind, a finite capture time).
 *
 * @example
 * ```ts
 * validateRecord({ key: "e1", kind: "event", at: Date.now(), body: {} });
 * ```
 */
export function validateRecord(record: JournalRecord): void {
  if (typeof record?.key !== "string" || record.key === "")
    throw new TypeError("journal record needs a non-empty key");
  if (typeof record.kind !== "string") throw new TypeError("journal record needs a kind");
  if (typeof record.at !== "number" || !Number.isFinite(record.at))
    throw new TypeError("journal record needs a finite at");
}

function checksum(text: string): string {
  return crc32(text).toString(16).padStart(8, "0");
}
