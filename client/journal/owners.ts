/**
 * Who owns a journal file, and every file of a journal directory as `session-buddy buffer status` sees it:
 * owners are identified by host tag, pid and a random id (format.ts names them), and a file is an
 * orphan once its owner is gone — never while a journal of this process still uses it.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { DropCounts, JournalStatus } from "../types.js";
import { addDrops, totalDrops } from "./drops.js";
import {
  decodeFile,
  type JournalFileName,
  type JournalRecord,
  journalDir,
  journalHostTag,
  parseJournalFileName,
} from "./format.js";
import { errno, listDir, unwritableReason } from "./fs.js";

/** One file as seen by {@link Journal.inspect}. */
export interface JournalFileInfo {
  name: string;
  host: string;
  pid: number;
  /** Whether the file was written on this host. */
  sameHost: boolean;
  /** Whether the owner is alive (always `true` for another host's files that are not stale). */
  ownerAlive: boolean;
  /** The owner closed it cleanly with records left. */
  closed: boolean;
  /** Pending records in this file. */
  records: number;
  bytes: number;
  oldestAt: number | null;
  dropped: number;
  corrupt: number;
}

/** {@link JournalStatus} of a whole journal directory, with per-file details. `inMemory` is always 0 here. */
export interface JournalInspection extends JournalStatus {
  dir: string;
  details: JournalFileInfo[];
}

/** Owners alive in this process: another journal of this process must never be claimed as an orphan. */
export const liveOwners = new Set<string>();

export function compareOldest(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a - b;
}

export function newOwner(): string {
  return `${journalHostTag()}-${process.pid}-${randomBytes(6).toString("hex")}`;
}

export function ownerAlive(parsed: JournalFileName): boolean {
  // Our own pid: only journals registered in this process are alive; any other file with our pid is a
  // leftover of an earlier process that had the same pid (common in containers, where shells run as pid 1).
  if (parsed.pid === process.pid) return liveOwners.has(parsed.owner);
  if (!Number.isSafeInteger(parsed.pid) || parsed.pid <= 0) return false;
  try {
    process.kill(parsed.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else. Anything unexpected: assume alive, because
    // claiming a live owner's file is worse than waiting.
    return errno(error) !== "ESRCH";
  }
}

/**
 * Status of every journal file in a data dir, read without claiming or modifying anything (for
 * `session-buddy buffer status`). Records present in several files count once; an unterminated last
 * line of a live owner's file is a write in progress, not corruption.
 *
 * @example
 * ```ts
 * const { depth, files, details } = inspectJournal(dataDir);
 * ```
 */
export function inspectJournal(dataDir: string, options: { now?: () => number } = {}): JournalInspection {
  const dir = journalDir(dataDir);
  const now = (options.now ?? Date.now)();
  const host = journalHostTag();
  const details: JournalFileInfo[] = [];
  const all = new Map<string, JournalRecord>();
  const gone = new Set<string>();
  let dropped: DropCounts = {};
  let corrupt = 0;
  for (const name of listDir(dir).sort()) {
    const parsed = parseJournalFileName(name);
    if (!parsed || parsed.tmp) continue;
    let text: string;
    let bytes: number;
    try {
      const path = join(dir, name);
      text = readFileSync(path, "utf8");
      bytes = Buffer.byteLength(text);
    } catch (error) {
      if (errno(error) === "ENOENT") continue; // claimed or compacted meanwhile
      throw error;
    }
    const sameHost = parsed.host === host;
    const alive = parsed.tag !== "closed" && (sameHost ? ownerAlive(parsed) : true);
    const file = decodeFile(text);
    const fileCorrupt = file.corrupt - (alive && file.tornTail ? 1 : 0);
    for (const [k, r] of file.records) if (!all.has(k)) all.set(k, r);
    for (const k of file.gone) gone.add(k);
    dropped = addDrops(dropped, file.unreportedByReason);
    corrupt += fileCorrupt;
    details.push({
      name,
      host: parsed.host,
      pid: parsed.pid,
      sameHost,
      ownerAlive: alive,
      closed: parsed.tag === "closed",
      records: file.records.size,
      bytes,
      oldestAt: file.oldestAt,
      dropped: file.unreportedDrops,
      corrupt: fileCorrupt,
    });
  }
  let depth = 0;
  let oldest: number | null = null;
  for (const [k, r] of all) {
    if (gone.has(k)) continue;
    depth++;
    if (oldest === null || r.at < oldest) oldest = r.at;
  }
  return {
    dir,
    depth,
    oldestPendingSeconds: oldest === null ? null : Math.max(0, (now - oldest) / 1000),
    files: details.length,
    dropped: totalDrops(dropped),
    droppedByReason: dropped,
    corrupt,
    inMemory: 0,
    unwritable: unwritableReason(dir),
    details,
  };
}
