/**
 * Append-only on-disk journal of records not yet acknowledged by the service.
 *
 * Layout: `<dataDir>/journal/`, one file per live journal instance, named
 * `<host>-<pid>-<rand>.jnl` where `<host>` is a hash of the hostname (a data dir on a shared home directory
 * must not let one host judge another host's pids), `<pid>` the owner process and `<rand>` a random id (pids
 * are reused; two journals in one process must not collide). Variants of the same name space:
 * - `<owner>.closed.jnl` — the owner closed cleanly with records left; anyone may claim it at once.
 * - `<owner>.claim<N>.jnl` — a file this owner claimed and has not merged into its own file yet.
 * - `<owner>.tmp` — a compaction in progress; removed by claimers once the owner is dead.
 *
 * Each line is one JSON object whose first member is a CRC-32 of the rest of the line:
 * `{"sum":"1a2b3c4d","op":"rec","key":"…","kind":"event","at":1732400000000,"body":{…}}`.
 * Ops: `rec` (a pending record), `ack` (keys delivered), `drop` (keys discarded by the bounds, `n` added to
 * the unreported drop count) and `reported` (`n` drops told to the service). A line that fails its checksum
 * or does not parse — typically the last one, torn by a `kill -9` mid-write — is skipped and counted.
 *
 * Delivery is at-least-once from the journal's point of view (a crash between delivery and the `ack` line
 * replays a record); the service stores each `key`/eventId once, which makes it exactly-once end to end.
 *
 * A full or read-only disk: `append` throws (the caller keeps the record elsewhere), while `ack`, drops and
 * `reported` lines change the pending set in memory even when their line cannot be written, so a delivered
 * record is never sent again by this process. Once a write failed, the file no longer says exactly what is
 * pending; the next write (at most every `writeRetryMs`) first rewrites it from memory by a compaction, and
 * only then appends. A crash before that replays records already delivered: duplicates the service ignores.
 */

import { closeSync, fsyncSync, statSync } from "node:fs";
import { join } from "node:path";
import { DROP_REASONS, type DropReason, DropReasons } from "../../contract/enums.js";
import { JOURNAL_BOUNDS } from "../../contract/limits.js";
import type { DropCounts, JournalStatus, Logger } from "../types.js";
import { addDrops, subtractDrops, subtractTotal, totalDrops } from "./drops.js";
import {
  decodeFile,
  encodeJournalLine,
  type JournalFileName,
  type JournalRecord,
  journalDir,
  journalHostTag,
  parseJournalFileName,
  validateRecord,
} from "./format.js";
import {
  describeWriteError,
  errno,
  fsyncDir,
  type JournalFailure,
  type JournalFs,
  listDir,
  message,
  NODE_JOURNAL_FS,
  readText,
  tryUnlink,
  writeAll,
} from "./fs.js";
import {
  compareOldest,
  inspectJournal,
  type JournalInspection,
  liveOwners,
  newOwner,
  ownerAlive,
} from "./owners.js";

export {
  decodeJournalLine,
  encodeJournalLine,
  type JournalEntry,
  type JournalFileName,
  type JournalRecord,
  journalDir,
  journalHostTag,
  parseJournalFileName,
} from "./format.js";
export { describeWriteError, type JournalFailure, type JournalFs, NODE_JOURNAL_FS } from "./fs.js";
export { inspectJournal, type JournalFileInfo, type JournalInspection } from "./owners.js";

export const FsyncPolicies = { ALWAYS: "always", INTERVAL: "interval", NEVER: "never" } as const;
/** When appended data is forced to stable storage (see {@link JournalOptions.fsync}). */
export type FsyncPolicy = (typeof FsyncPolicies)[keyof typeof FsyncPolicies];

export const JOURNAL_DEFAULTS = {
  maxPending: JOURNAL_BOUNDS.maxEvents,
  maxAgeMs: JOURNAL_BOUNDS.maxAgeDays * 24 * 60 * 60 * 1000,
  fsync: FsyncPolicies.INTERVAL,
  fsyncIntervalMs: 1000,
  syncKinds: ["end"],
  compactThreshold: 256,
  foreignStaleMs: 24 * 60 * 60 * 1000,
  writeRetryMs: 1000,
} as const;

/** Options of {@link Journal}. */
export interface JournalOptions {
  /** The client's data dir; the journal lives in `<dataDir>/journal`. */
  dataDir: string;
  /** Pending records kept before the oldest are dropped (`ClientLimits.maxJournalEvents`). Default 1000. */
  maxPending?: number;
  /** Pending records captured longer ago than this are dropped (`ClientLimits.maxJournalAgeMs`). Default 7 days. */
  maxAgeMs?: number;
  /**
   * Fsync policy. Default `"interval"`: data is fsynced at most `fsyncIntervalMs` after it was written, and
   * records whose kind is in `syncKinds` (default `["end"]`) are fsynced before `append` returns.
   *
   * Why: every `write` already reaches the kernel synchronously, so a killed or crashing process loses
   * nothing; fsync only protects against a host crash or power loss. Paying an fsync (milliseconds on
   * some disks) per typed command would slow the operator for little gain, while the end record — written
   * once, on the exit path, with nothing after it to recover from — is worth making durable at once.
   * `"always"` fsyncs every append (auditors who want no window at all); `"never"` leaves it to the OS.
   */
  fsync?: FsyncPolicy;
  /** Upper bound of the unsynced window under the `"interval"` policy. Default 1000 ms. */
  fsyncIntervalMs?: number;
  /** Record kinds fsynced on append unless the policy is `"never"`. Default `["end"]`. */
  syncKinds?: readonly string[];
  /** Dead lines (acknowledged, dropped, superseded) that trigger an automatic compaction. Default 256. */
  compactThreshold?: number;
  /**
   * Files of another host are claimed only when closed, or when untouched for this long (their pids cannot
   * be checked from here). Default 24 h.
   */
  foreignStaleMs?: number;
  /** Clock, injectable for tests. Default `Date.now`. */
  now?: () => number;
  logger?: Logger;
  /**
   * The calls that create and change files. Default {@link NODE_JOURNAL_FS}; tests wrap it to make writes
   * fail with ENOSPC or EROFS without a real full or read-only disk.
   */
  fs?: JournalFs;
  /**
   * While the journal cannot be written, how long after a failed write the next one is tried (earlier
   * appends fail at once, without touching the disk). Default 1000 ms.
   */
  writeRetryMs?: number;
}

/** What {@link Journal.claimOrphans} took over. */
export interface ClaimResult {
  /** Files renamed into this journal's name space. */
  files: number;
  /** Pending records that joined this journal (after de-duplication and bounds). */
  records: number;
  /** Corrupt or torn lines skipped in the claimed files. */
  corrupt: number;
}

/**
 * The journal of one client instance.
 *
 * `append` is synchronous, so an end record written from an `exit` handler is on disk before the process
 * is gone. Not safe to share between threads; share the directory between processes instead.
 *
 * @example
 * ```ts
 * const journal = new Journal({ dataDir: "/home/ops/.session-buddy" });
 * journal.claimOrphans();
 * journal.append({ key: eventId, kind: "event", at: Date.now(), body: input });
 * for (const r of journal.pending(200)) await send(r);
 * journal.ack([eventId]);
 * journal.close();
 * ```
 */
export class Journal {
  /** `<dataDir>/journal`. */
  readonly dir: string;
  private readonly maxPending: number;
  private readonly maxAgeMs: number;
  private readonly fsyncPolicy: FsyncPolicy;
  private readonly fsyncIntervalMs: number;
  private readonly syncKinds: ReadonlySet<string>;
  private readonly compactThreshold: number;
  private readonly foreignStaleMs: number;
  private readonly now: () => number;
  private readonly logger: Logger | undefined;
  private readonly fs: JournalFs;
  private readonly writeRetryMs: number;
  private readonly dropListeners = new Set<(keys: readonly string[], reason: DropReason) => void>();

  private owner: string;
  private fd: number | null = null;
  private fileExists = false;
  private dirSynced = true;
  private dirty = false;
  private lastSyncAt = 0;
  private timer: NodeJS.Timeout | null = null;
  /** The last write failed (cleared by the next write that succeeds). */
  private failed: JournalFailure | null = null;
  private failedError: unknown = null;
  /** A write failed since the last compaction: the file may not say what is pending until one rewrote it. */
  private stale = false;
  /** `performance.now()` before which writes fail at once with `failedError`. */
  private retryAt = 0;
  /** Lines in the own file that no longer describe a pending record. */
  private deadLines = 0;
  private claimCounter = 0;
  private claimedFiles: string[] = [];
  private readonly records = new Map<string, JournalRecord>();
  /**
   * A lower bound of every pending record's `at`, so the expiry check of each append is O(1) unless
   * something may really have expired (a full scan per append made a 10 000-record journal cost ~0.3 ms
   * per event). Only ever lowered between scans; a scan recomputes it.
   */
  private minAt = Number.POSITIVE_INFINITY;
  private unreportedDrops: DropCounts = {};
  private corruptLines = 0;

  constructor(options: JournalOptions) {
    this.dir = journalDir(options.dataDir);
    this.maxPending = Math.max(1, Math.floor(options.maxPending ?? JOURNAL_DEFAULTS.maxPending));
    this.maxAgeMs = Math.max(0, options.maxAgeMs ?? JOURNAL_DEFAULTS.maxAgeMs);
    this.fsyncPolicy = options.fsync ?? JOURNAL_DEFAULTS.fsync;
    this.fsyncIntervalMs = Math.max(0, options.fsyncIntervalMs ?? JOURNAL_DEFAULTS.fsyncIntervalMs);
    this.syncKinds = new Set(options.syncKinds ?? JOURNAL_DEFAULTS.syncKinds);
    this.compactThreshold = Math.max(1, options.compactThreshold ?? JOURNAL_DEFAULTS.compactThreshold);
    this.foreignStaleMs = options.foreignStaleMs ?? JOURNAL_DEFAULTS.foreignStaleMs;
    this.now = options.now ?? Date.now;
    this.logger = options.logger;
    this.fs = options.fs ?? NODE_JOURNAL_FS;
    this.writeRetryMs = Math.max(0, options.writeRetryMs ?? JOURNAL_DEFAULTS.writeRetryMs);
    this.owner = newOwner();
    liveOwners.add(this.owner);
    try {
      this.fs.mkdir(this.dir, 0o700);
    } catch (error) {
      // A read-only data dir must not stop a shell from starting: appends fail (and are kept elsewhere)
      // until the directory can be created.
      this.fail(error);
      this.retryAt = 0;
    }
  }

  /** Path of this journal's own file (it exists only while it holds something). */
  get path(): string {
    return join(this.dir, `${this.owner}.jnl`);
  }

  /** Number of pending records. */
  get depth(): number {
    return this.records.size;
  }

  /** Drops not yet reported to the service (persisted; survives restarts through claiming). */
  get dropped(): number {
    return totalDrops(this.unreportedDrops);
  }

  /** {@link Journal.dropped} per reason. */
  get droppedByReason(): DropCounts {
    return { ...this.unreportedDrops };
  }

  /** Why the journal cannot be written, or `null` when the last write succeeded. */
  get failure(): JournalFailure | null {
    return this.failed;
  }

  /**
   * After a failed write, tries to rewrite the file from memory — once the retry delay passed, or at once
   * with `now`. Returns whether the journal can be written again: only a write that succeeded says so (a
   * journal with nothing to rewrite stays failed until its next append succeeds). Never throws.
   *
   * @example
   * ```ts
   * if (journal.retry()) moveMemoryRecordsToDisk();
   * ```
   */
  retry(now = false): boolean {
    if (this.failed === null) return true;
    try {
      this.recover(now);
    } catch {
      return false;
    }
    return this.failed === null;
  }

  /**
   * Calls `listener` with the keys this journal drops (bounds, expiry) and why. Returns the unsubscribe
   * function.
   *
   * @example
   * ```ts
   * journal.onDrop((keys, reason) => console.warn(`${keys.length} dropped (${reason})`));
   * ```
   */
  onDrop(listener: (keys: readonly string[], reason: DropReason) => void): () => void {
    this.dropListeners.add(listener);
    return () => {
      this.dropListeners.delete(listener);
    };
  }

  /**
   * Journals a record. Synchronous; throws on I/O errors (disk full, read-only), in which case the record
   * is not pending — and, for `writeRetryMs` after a failure, at once without trying the disk. A record
   * with a key already pending replaces it in place.
   *
   * Overflow (`maxPending`) and expiry (`maxAgeMs`) drop the oldest pending records and count them.
   *
   * @example
   * ```ts
   * journal.append({ key: "0193…", kind: "end", at: Date.now(), body: { reason: "SIGTERM" } });
   * ```
   */
  append(record: JournalRecord): void {
    validateRecord(record);
    const rec: JournalRecord = { key: record.key, kind: record.kind, at: record.at, body: record.body };
    const replacing = this.records.has(rec.key);
    const plan = this.keysToDrop(1 - (replacing ? 1 : 0), rec.key);
    const lines = [encodeJournalLine({ op: "rec", ...rec }), ...dropLines(plan)];
    const sync =
      this.fsyncPolicy === FsyncPolicies.ALWAYS ||
      (this.fsyncPolicy !== FsyncPolicies.NEVER && this.syncKinds.has(rec.kind));
    this.writeLines(lines, sync);
    this.records.set(rec.key, rec);
    if (rec.at < this.minAt) this.minAt = rec.at;
    if (replacing) this.deadLines++;
    this.applyDrops(plan);
  }

  /**
   * Marks records delivered; unknown keys are ignored. Returns how many were pending. Compacts the file
   * automatically once enough of it is dead (or removes it when nothing is left).
   *
   * Never throws: when the `ack` line cannot be written (disk full), the records still leave the pending
   * set, so they are not sent again; the file catches up when it can be written again (see the module
   * comment), and a crash before that replays them as duplicates the service ignores.
   *
   * @example
   * ```ts
   * journal.ack(batch.map((r) => r.key));
   * ```
   */
  ack(keys: Iterable<string>): number {
    const hit = [...new Set(keys)].filter((k) => this.records.has(k));
    if (hit.length === 0) return 0;
    this.forget(hit);
    this.deadLines += hit.length + 1;
    this.tryWriteLines(
      [encodeJournalLine({ op: "ack", keys: hit })],
      this.fsyncPolicy === FsyncPolicies.ALWAYS,
    );
    this.maybeCompact();
    return hit.length;
  }

  /**
   * Pending records in delivery order: claimed records first (oldest file first), then this process's own,
   * each in append order. Expired records are dropped first.
   *
   * @example
   * ```ts
   * const batch = journal.pending(200);
   * ```
   */
  pending(limit = Number.POSITIVE_INFINITY): JournalRecord[] {
    this.prune();
    const out: JournalRecord[] = [];
    for (const r of this.records.values()) {
      if (out.length >= limit) break;
      out.push(r);
    }
    return out;
  }

  /**
   * The pending record under `key`, if any (no expiry check).
   *
   * @example
   * ```ts
   * const start = journal.get(`start:${sessionId}`);
   * ```
   */
  get(key: string): JournalRecord | undefined {
    return this.records.get(key);
  }

  /**
   * Pending records in delivery order, lazily and without the expiry check of {@link Journal.pending}: a
   * sender that needs only the first batch of a large journal must not pay for all of it. Records may be
   * acknowledged while iterating.
   *
   * @example
   * ```ts
   * for (const r of journal.entries()) if (r.kind === "event") { batch.push(r); if (batch.length === 200) break; }
   * ```
   */
  entries(): IterableIterator<JournalRecord> {
    return this.records.values();
  }

  /**
   * Whether a key is still pending.
   *
   * @example
   * ```ts
   * if (!journal.has(eventId)) console.log("delivered");
   * ```
   */
  has(key: string): boolean {
    return this.records.has(key);
  }

  /**
   * This journal's status for heartbeats and banners. `files` counts the files this journal holds (its own
   * and any claimed ones not merged yet); use {@link Journal.inspect} for the whole directory.
   *
   * @example
   * ```ts
   * const { depth, oldestPendingSeconds, dropped } = journal.status();
   * ```
   */
  status(): JournalStatus {
    this.prune();
    let oldest: number | null = null;
    for (const r of this.records.values()) if (oldest === null || r.at < oldest) oldest = r.at;
    return {
      depth: this.records.size,
      oldestPendingSeconds: oldest === null ? null : Math.max(0, (this.now() - oldest) / 1000),
      files: (this.fileExists ? 1 : 0) + this.claimedFiles.length,
      dropped: this.dropped,
      droppedByReason: this.droppedByReason,
      corrupt: this.corruptLines,
      inMemory: 0,
      unwritable: this.failed?.description ?? null,
    };
  }

  /**
   * Records that drops were reported to the service (e.g. after a heartbeat carrying them was
   * acknowledged), so they are not reported again: `reported` per reason, or a number (taken from the
   * reasons in {@link DROP_REASONS} order). Drops that happened meanwhile stay counted. Never throws: the
   * count changes in memory even when the line cannot be written.
   *
   * @example
   * ```ts
   * const drops = journal.droppedByReason;
   * await heartbeat({ droppedByReason: drops });
   * journal.markDroppedReported(drops);
   * ```
   */
  markDroppedReported(reported: DropCounts | number): void {
    const asked =
      typeof reported === "number"
        ? subtractDrops(this.unreportedDrops, subtractTotal(this.unreportedDrops, Math.floor(reported)))
        : reported;
    // What was asked, but never more than is unreported.
    const k = subtractDrops(this.unreportedDrops, subtractDrops(this.unreportedDrops, asked));
    const n = totalDrops(k);
    if (n === 0) return;
    this.unreportedDrops = subtractDrops(this.unreportedDrops, k);
    this.deadLines++;
    this.tryWriteLines([encodeJournalLine({ op: "reported", n, reasons: k })], false);
    this.maybeCompact();
  }

  /**
   * Returns the unreported drop count and marks it reported in one step.
   *
   * @example
   * ```ts
   * const dropped = journal.takeDropped();
   * ```
   */
  takeDropped(): number {
    const n = this.dropped;
    this.markDroppedReported(this.unreportedDrops);
    return n;
  }

  /**
   * Counts `n` records that never reached this journal (or left it unsent) as dropped for `reason`, so the
   * next heartbeat reports them; persisted like the journal's own drops when the disk allows.
   *
   * @example
   * ```ts
   * journal.countDrops("memory_cap", 1);
   * ```
   */
  countDrops(reason: DropReason, n: number): void {
    const k = Math.floor(n);
    if (!(k > 0)) return;
    this.unreportedDrops = addDrops(this.unreportedDrops, { [reason]: k });
    this.deadLines++;
    this.tryWriteLines([encodeJournalLine({ op: "drop", keys: [], n: k, reason })], false);
  }

  /**
   * Drops expired records and enforces `maxPending` (both count as drops). Returns how many were dropped.
   *
   * @example
   * ```ts
   * journal.prune();
   * ```
   */
  prune(): number {
    const plan = this.keysToDrop(0);
    const n = plan.overflow.length + plan.expired.length;
    if (n === 0) return 0;
    // Called from status()/pending(): a full disk must not break heartbeats. The worst outcome is that the
    // records reappear after a crash and are delivered late.
    this.tryWriteLines(dropLines(plan), false);
    this.applyDrops(plan);
    this.maybeCompact();
    return n;
  }

  /**
   * Takes over the journal files of dead owners (and files closed by their owners) in the same directory.
   * Each file is renamed into this journal's name space first, and `rename` is atomic, so when several
   * processes claim at once exactly one wins each file. Claimed records join the pending set (ahead of this
   * process's own) and are merged into this journal's file by a compaction.
   *
   * Files of live owners are never touched. Limits: a dead owner whose pid was reused by an unrelated live
   * process is not recognised until that process exits (clean exits avoid this by closing the journal,
   * which marks the file claimable); another host's files are claimed only when closed or stale.
   *
   * @example
   * ```ts
   * const { records } = journal.claimOrphans();
   * if (records > 0) void flush();
   * ```
   */
  claimOrphans(): ClaimResult {
    const now = this.now();
    const host = journalHostTag();
    const claimed: string[] = [];
    for (const name of listDir(this.dir)) {
      const parsed = parseJournalFileName(name);
      if (!parsed || parsed.owner === this.owner) continue;
      const src = join(this.dir, name);
      if (parsed.tmp) {
        // An unfinished compaction: the file it would have replaced still holds the data.
        if (parsed.host === host && !ownerAlive(parsed)) tryUnlink(src);
        continue;
      }
      if (!this.isClaimable(parsed, src, host, now)) continue;
      const target = join(this.dir, `${this.owner}.claim${++this.claimCounter}.jnl`);
      try {
        this.fs.rename(src, target);
      } catch (error) {
        if (errno(error) === "ENOENT") continue; // another claimer won this file
        throw error;
      }
      claimed.push(target);
    }
    if (claimed.length === 0) return { files: 0, records: 0, corrupt: 0 };
    this.claimedFiles.push(...claimed);

    const decoded = claimed.map((path) => ({ path, file: decodeFile(readText(path)) }));
    decoded.sort((a, b) => compareOldest(a.file.oldestAt, b.file.oldestAt));
    const gone = new Set<string>();
    let corrupt = 0;
    for (const { file } of decoded) {
      for (const k of file.gone) gone.add(k);
      corrupt += file.corrupt;
      this.unreportedDrops = addDrops(this.unreportedDrops, file.unreportedByReason);
    }
    const merged = new Map<string, JournalRecord>();
    for (const { file } of decoded) {
      for (const [k, r] of file.records)
        if (!gone.has(k) && !this.records.has(k) && !merged.has(k)) merged.set(k, r);
    }
    const own = [...this.records];
    this.records.clear();
    for (const [k, r] of merged) {
      this.records.set(k, r);
      if (r.at < this.minAt) this.minAt = r.at;
    }
    for (const [k, r] of own) this.records.set(k, r);
    this.corruptLines += corrupt;
    if (corrupt > 0) this.logger?.warn(`journal: skipped ${corrupt} corrupt line(s) in claimed files`);

    // Bounds apply to claimed records too; the merge below persists the resulting drop count.
    this.applyDrops(this.keysToDrop(0));
    const records = [...merged.keys()].filter((k) => this.records.has(k)).length;
    try {
      this.compact();
    } catch (error) {
      // The claimed files stay in our name space and are merged by a later compaction.
      this.logger?.warn(`journal: merging claimed files failed: ${message(error)}`);
    }
    return { files: claimed.length, records, corrupt };
  }

  /**
   * Rewrites this journal's file with only the pending records (and the unreported drop count), via a
   * temporary file and an atomic rename, and deletes merged claimed files. Removes the file when nothing is
   * left.
   *
   * @example
   * ```ts
   * journal.compact();
   * ```
   */
  compact(): void {
    const lines: string[] = [];
    for (const reason of DROP_REASONS) {
      const n = this.unreportedDrops[reason] ?? 0;
      if (n > 0) lines.push(encodeJournalLine({ op: "drop", keys: [], n, reason }));
    }
    for (const r of this.records.values()) lines.push(encodeJournalLine({ op: "rec", ...r }));
    const sync = this.fsyncPolicy !== FsyncPolicies.NEVER;
    if (lines.length === 0) {
      this.closeFd();
      tryUnlink(this.path);
      this.fileExists = false;
    } else {
      const tmp = join(this.dir, `${this.owner}.tmp`);
      try {
        const fd = this.fs.open(tmp, "w", 0o600);
        try {
          writeAll(this.fs, fd, Buffer.from(lines.join(""), "utf8"));
          if (sync) fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        this.closeFd();
        this.fs.rename(tmp, this.path);
      } catch (error) {
        tryUnlink(tmp);
        throw this.fail(error);
      }
      this.fileExists = true;
      if (sync) fsyncDir(this.dir);
    }
    // The file says exactly what is pending again; data written says the disk takes writes again.
    this.stale = false;
    if (lines.length > 0) {
      this.failed = null;
      this.failedError = null;
    }
    // Only after the merged file is in place: a crash before this leaves duplicates, never a loss.
    for (const path of this.claimedFiles) tryUnlink(path);
    this.claimedFiles = [];
    this.deadLines = 0;
  }

  /**
   * Releases the file. Nothing left: the file is removed. Records left: the file is fsynced and renamed
   * `<owner>.closed.jnl`, so the next client or `session-buddy buffer replay` claims it without waiting to
   * see this pid die; this instance then starts empty under a new name. Idempotent.
   *
   * @example
   * ```ts
   * process.on("exit", () => journal.close());
   * ```
   */
  close(): void {
    try {
      if (this.records.size === 0 && this.dropped === 0) {
        this.compact();
      } else {
        // After a failed write the file may not say what is pending: one last rewrite, whatever the retry
        // delay. Should it fail too, the file is handed over as it is (at worst replaying delivered records).
        if (this.stale || this.claimedFiles.length > 0 || this.deadLines > 0) {
          try {
            this.compact();
          } catch (error) {
            this.logger?.warn(`journal: compaction on close failed: ${message(error)}`);
          }
        }
        this.closeFd();
        if (this.fileExists) this.fs.rename(this.path, join(this.dir, `${this.owner}.closed.jnl`));
      }
    } finally {
      this.closeFd();
      liveOwners.delete(this.owner);
      this.owner = newOwner();
      liveOwners.add(this.owner);
      this.fileExists = false;
      this.claimedFiles = [];
      this.records.clear();
      this.unreportedDrops = {};
      this.corruptLines = 0;
      this.deadLines = 0;
    }
  }

  /**
   * Status of every journal file in a data dir, read without claiming or modifying anything (see
   * {@link inspectJournal}).
   */
  static inspect(dataDir: string, options: { now?: () => number } = {}): JournalInspection {
    return inspectJournal(dataDir, options);
  }

  /**
   * Fsyncs written data now (no-op when nothing is unsynced), e.g. before a deliberate `process.exit`.
   *
   * @example
   * ```ts
   * journal.sync();
   * ```
   */
  sync(): void {
    if (this.fd === null || !this.dirty) return;
    fsyncSync(this.fd);
    if (!this.dirSynced) {
      fsyncDir(this.dir);
      this.dirSynced = true;
    }
    this.dirty = false;
    this.lastSyncAt = this.now();
  }

  private isClaimable(parsed: JournalFileName, path: string, host: string, now: number): boolean {
    if (parsed.tag === "closed") return true;
    if (parsed.host === host) return !ownerAlive(parsed);
    try {
      return now - statSync(path).mtimeMs >= this.foreignStaleMs;
    } catch {
      return false;
    }
  }

  /** Keys to drop so that `incoming` more records fit (`overflow`) and nothing is `expired`; oldest first. */
  private keysToDrop(incoming: number, keep?: string): DropPlan {
    const out: DropPlan = { overflow: [], expired: [] };
    const cutoff = this.now() - this.maxAgeMs;
    let excess = this.records.size + incoming - this.maxPending;
    const scanAll = this.minAt < cutoff;
    if (excess <= 0 && !scanAll) return out;
    let min = Number.POSITIVE_INFINITY;
    for (const r of this.records.values()) {
      if (r.key === keep) {
        if (r.at < min) min = r.at;
        continue;
      }
      if (excess > 0) {
        out.overflow.push(r.key);
        excess--;
      } else if (r.at < cutoff) {
        out.expired.push(r.key);
      } else {
        if (!scanAll) return out; // nothing can have expired: the rest stays
        if (r.at < min) min = r.at;
      }
    }
    if (scanAll) this.minAt = min;
    return out;
  }

  private forget(keys: readonly string[]): void {
    for (const k of keys) this.records.delete(k);
  }

  /** Forgets the planned keys, counts them per reason, and tells the listeners. */
  private applyDrops(plan: DropPlan): void {
    for (const reason of [DropReasons.overflow, DropReasons.expired] as const) {
      const keys = plan[reason];
      if (keys.length === 0) continue;
      this.forget(keys);
      this.unreportedDrops = addDrops(this.unreportedDrops, { [reason]: keys.length });
      this.deadLines += keys.length + 1;
      this.logger?.warn(
        reason === DropReasons.overflow
          ? `journal full: dropped the ${keys.length} oldest pending record(s) (bound ${this.maxPending})`
          : `journal: dropped ${keys.length} pending record(s) older than the age bound`,
      );
      for (const listener of [...this.dropListeners]) {
        try {
          listener(keys, reason);
        } catch (error) {
          this.logger?.warn(`journal: drop listener failed: ${message(error)}`);
        }
      }
    }
  }

  private maybeCompact(): void {
    // A stale file is rewritten by the next write that is due (see writeLines), not on every ack.
    if (this.stale) return;
    const empty = this.records.size === 0 && this.dropped === 0;
    if (
      !(empty && this.fileExists) &&
      !(this.deadLines >= this.compactThreshold && this.deadLines >= this.records.size)
    ) {
      return;
    }
    try {
      this.compact();
    } catch (error) {
      this.logger?.warn(`journal: compaction failed: ${message(error)}`);
    }
  }

  /**
   * Appends lines; throws when they could not be written. After a failure, nothing is written before the
   * retry delay passed and a compaction rewrote the file from memory: a line torn by the failure, or one
   * that was never written (an `ack`), must not be what the file says after it.
   */
  private writeLines(lines: readonly string[], sync: boolean): void {
    if (this.failed) {
      if (performance.now() < this.retryAt) throw this.failedError;
      if (this.stale) this.recover(true);
    }
    try {
      writeAll(this.fs, this.openFd(), Buffer.from(lines.join(""), "utf8"));
    } catch (error) {
      throw this.fail(error);
    }
    this.failed = null;
    this.failedError = null;
    this.dirty = true;
    if (
      sync ||
      (this.fsyncPolicy === FsyncPolicies.INTERVAL && this.now() - this.lastSyncAt >= this.fsyncIntervalMs)
    ) {
      // The data already reached the kernel, so an fsync error (EIO) must not make the caller believe the
      // record was not journaled.
      try {
        this.sync();
      } catch (error) {
        this.logger?.warn(`journal: fsync failed: ${message(error)}`);
      }
    }
  }

  /** Rewrites a stale file from memory (see {@link stale}); throws while that is not possible yet. */
  private recover(now: boolean): void {
    if (!now && performance.now() < this.retryAt) throw this.failedError;
    try {
      this.fs.mkdir(this.dir, 0o700);
    } catch (error) {
      throw this.fail(error);
    }
    this.compact();
  }

  /** {@link writeLines} for lines whose loss only costs a replay or a late count: never throws. */
  private tryWriteLines(lines: readonly string[], sync: boolean): void {
    try {
      this.writeLines(lines, sync);
    } catch {
      // Recorded in `failed`; the pending set in memory is already right and the file catches up later.
    }
  }

  /** Enters (or stays in) the failed state; returns the error for the caller to throw. */
  private fail(error: unknown): unknown {
    this.failed = describeWriteError(error);
    this.failedError = error;
    this.stale = true;
    this.retryAt = performance.now() + this.writeRetryMs;
    return error;
  }

  private openFd(): number {
    if (this.fd !== null) return this.fd;
    liveOwners.add(this.owner);
    this.fd = this.fs.open(this.path, "a", 0o600);
    this.fileExists = true;
    this.dirSynced = false;
    this.lastSyncAt = this.now();
    if (this.fsyncPolicy === FsyncPolicies.INTERVAL && this.timer === null) {
      // Bounds the unsynced window when appends stop; unref'd so it never keeps a shell alive.
      this.timer = setInterval(
        () => {
          try {
            this.sync();
          } catch (error) {
            this.logger?.warn(`journal: fsync failed: ${message(error)}`);
          }
        },
        Math.max(1, this.fsyncIntervalMs),
      );
      this.timer.unref();
    }
    return this.fd;
  }

  private closeFd(): void {
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      if (this.dirty && this.fsyncPolicy !== FsyncPolicies.NEVER) fsyncSync(fd);
    } catch (error) {
      this.logger?.warn(`journal: fsync failed: ${message(error)}`);
    } finally {
      this.dirty = false;
      closeSync(fd);
    }
  }
}

/** Keys {@link Journal} drops, per reason. */
interface DropPlan {
  overflow: string[];
  expired: string[];
}

function dropLines(plan: DropPlan): string[] {
  const lines: string[] = [];
  for (const reason of [DropReasons.overflow, DropReasons.expired] as const) {
    const keys = plan[reason];
    if (keys.length > 0) lines.push(encodeJournalLine({ op: "drop", keys, n: keys.length, reason }));
  }
  return lines;
}
