/**
 * The records waiting for delivery: the journal plus what only this process knows about them (see
 * {@link PendingStore}).
 */

import { type DropReason, DropReasons } from "../contract/enums.js";
import { messageOf } from "./errors.js";
import type { JournalRecord } from "./journal/format.js";
import {
  type ClaimResult,
  describeWriteError,
  type Journal,
  type JournalFailure,
} from "./journal/journal.js";
import { RecordKinds } from "./records.js";
import type { DropCounts, JournalStatus, Logger } from "./types.js";

/** A pending record plus the version this process appended (0 for records claimed from other files). */
export interface PendingRecord extends JournalRecord {
  version: number;
}

/**
 * The journal plus what only this process knows: the version of each record it appended (so an
 * acknowledgement of an older version never acknowledges a newer one), and an in-memory fallback for
 * records the journal could not write (disk full, read-only data dir), so delivery still works while the
 * service is reachable.
 *
 * The fallback holds at most `maxVolatile` records; beyond that the oldest is dropped and counted
 * (`memory_cap`). Records still held in memory when the store closes and the journal still cannot take
 * them are counted too (`journal_full` or `journal_unwritable`). Once the journal can be written again,
 * the records held in memory move into it, oldest first.
 *
 * @example
 * ```ts
 * const store = new PendingStore(new Journal({ dataDir }), 1000);
 * const v = store.append({ key: "e1", kind: "event", at: Date.now(), body });
 * store.ack([{ key: "e1", version: v }]);
 * ```
 */
export class PendingStore {
  private readonly versions = new Map<string, number>();
  private readonly volatile = new Map<string, PendingRecord>();
  /** Keys of start records that may be pending (verified on use: the bound may have dropped one). */
  private readonly startKeys = new Set<string>();
  private readonly dropListeners = new Set<(reason: DropReason, records: number, message: string) => void>();
  private readonly healthListeners = new Set<() => void>();
  private counter = 0;
  private closed = false;
  /** The last append's failure, for a journal that failed without saying why (a thrown non-I/O error). */
  private appendFailure: JournalFailure | null = null;
  /** The failure last told to the logger and the listeners, to report each change once. */
  private reportedFailure: string | null = null;

  constructor(
    readonly journal: Journal,
    private readonly maxVolatile: number,
    private readonly logger?: Logger,
    private readonly now: () => number = Date.now,
  ) {
    journal.onDrop((keys, reason) => {
      for (const key of keys) this.versions.delete(key);
      this.emitDrop(
        reason,
        keys.length,
        reason === DropReasons.expired
          ? "older than the journal's age bound"
          : "the journal was at its bound (journalMaxEvents)",
      );
    });
  }

  /** Why the journal cannot be written, or `null` when it can (as far as the last write knows). */
  get failure(): JournalFailure | null {
    return this.journal.failure ?? this.appendFailure;
  }

  /** {@link PendingStore.failure} for an operator, e.g. `disk full (ENOSPC)`. */
  get unwritable(): string | null {
    return this.failure?.description ?? null;
  }

  /** Records held in memory only, because the journal could not take them. */
  get inMemory(): number {
    return this.volatile.size;
  }

  /**
   * Calls `listener` whenever records are dropped (why, how many, a one-line explanation). Returns the
   * unsubscribe function.
   */
  onDrop(listener: (reason: DropReason, records: number, message: string) => void): () => void {
    this.dropListeners.add(listener);
    return () => {
      this.dropListeners.delete(listener);
    };
  }

  /** Calls `listener` when the journal starts or stops failing. Returns the unsubscribe function. */
  onHealthChange(listener: () => void): () => void {
    this.healthListeners.add(listener);
    return () => {
      this.healthListeners.delete(listener);
    };
  }

  /** Appends (or replaces) a record; returns its version. Never throws. */
  append(record: JournalRecord): number {
    const version = ++this.counter;
    this.versions.set(record.key, version);
    if (record.kind === RecordKinds.START) this.startKeys.add(record.key);
    // Older records held in memory go first, so the journal keeps the order they were recorded in.
    let error = this.migrate();
    if (error === undefined) {
      try {
        this.journal.append(record);
        this.appendFailure = null;
        if (this.closed) this.journal.close();
        this.checkHealth();
        return version;
      } catch (e) {
        error = e;
      }
    }
    // An I/O failure is the journal's to report; anything else (a journal that threw without one) is kept here.
    this.appendFailure = this.journal.failure ? null : describeWriteError(error);
    if (this.closed) {
      // Nobody delivers after close: a record that cannot be journaled now is lost, and says so.
      this.versions.delete(record.key);
      this.lose(1);
    } else {
      this.keepInMemory({ ...record, version });
    }
    this.checkHealth();
    return version;
  }

  /**
   * Acknowledges records, each only if its pending version is the one given. Returns how many. A journal
   * that cannot write the acknowledgement still forgets the records (see `Journal.ack`): delivered once
   * is never sent again by this process.
   */
  ack(items: readonly { key: string; version: number }[]): number {
    const keys: string[] = [];
    let n = 0;
    for (const { key, version } of items) {
      if ((this.versions.get(key) ?? 0) !== version) continue;
      this.versions.delete(key);
      if (this.volatile.delete(key)) n++;
      else keys.push(key);
    }
    if (keys.length > 0) n += this.journal.ack(keys);
    this.checkHealth();
    return n;
  }

  /**
   * Counts records this store never kept, or took out unsent, as dropped for `reason` (persisted with the
   * journal's drops, reported by the next heartbeat).
   */
  countDrop(reason: DropReason, records: number, message: string): void {
    this.journal.countDrops(reason, records);
    this.emitDrop(reason, records, message);
  }

  /**
   * After the journal failed: tries it again once its retry delay passed and, when it can be written,
   * moves the records held in memory into it. Never throws.
   */
  retryJournal(): void {
    if (this.journal.retry()) this.migrate();
    this.checkHealth();
  }

  /** Whether the pending record under `key` is held in memory only (the journal could not take it). */
  heldInMemory(key: string): boolean {
    return this.volatile.has(key);
  }

  /** Whether a key is pending (journal or memory). */
  has(key: string): boolean {
    return this.volatile.has(key) || this.journal.has(key);
  }

  /** The version of a pending key appended by this process (0 when claimed, undefined when not pending). */
  versionOf(key: string): number | undefined {
    return this.has(key) ? (this.versions.get(key) ?? 0) : undefined;
  }

  /** The pending record under `key`, if any. */
  get(key: string): PendingRecord | undefined {
    const v = this.volatile.get(key);
    if (v) return v;
    const r = this.journal.get(key);
    return r ? { ...r, version: this.versions.get(key) ?? 0 } : undefined;
  }

  /** Pending records in delivery order, lazily (a sender needing one batch must not copy them all). */
  *iterate(): Generator<PendingRecord> {
    for (const r of this.journal.entries()) yield { ...r, version: this.versions.get(r.key) ?? 0 };
    for (const r of [...this.volatile.values()]) yield r;
  }

  /** Pending start records, in the order they were journaled. */
  *starts(): Generator<PendingRecord> {
    for (const key of this.startKeys) {
      const r = this.get(key);
      if (r) yield r;
      else this.startKeys.delete(key);
    }
  }

  /** Pending records in delivery order. */
  pending(): PendingRecord[] {
    const out: PendingRecord[] = [];
    for (const r of this.journal.pending()) out.push({ ...r, version: this.versions.get(r.key) ?? 0 });
    for (const r of this.volatile.values()) out.push(r);
    return out;
  }

  /** The journal's status with the records held in memory and why the journal cannot be written. */
  status(): JournalStatus {
    const s = this.journal.status();
    let oldest = s.oldestPendingSeconds;
    const now = this.now();
    for (const r of this.volatile.values()) {
      const age = Math.max(0, (now - r.at) / 1000);
      if (oldest === null || age > oldest) oldest = age;
    }
    return {
      ...s,
      depth: s.depth + this.volatile.size,
      oldestPendingSeconds: oldest,
      inMemory: this.volatile.size,
      unwritable: this.unwritable,
    };
  }

  /** Pending records, in the journal and in memory. */
  get depth(): number {
    return this.journal.depth + this.volatile.size;
  }

  /** Drops not reported to the service yet. */
  get dropped(): number {
    return this.journal.dropped;
  }

  /** {@link PendingStore.dropped} per reason. */
  get droppedByReason(): DropCounts {
    return this.journal.droppedByReason;
  }

  /** Records that these drops were reported to the service (see `Journal.markDroppedReported`). */
  markDroppedReported(reported: DropCounts): void {
    this.journal.markDroppedReported(reported);
    this.checkHealth();
  }

  /** Takes over orphaned journal files (see {@link Journal.claimOrphans}); never throws. */
  claim(): ClaimResult {
    try {
      const result = this.journal.claimOrphans();
      if (result.records > 0) {
        for (const r of this.journal.entries()) if (r.kind === RecordKinds.START) this.startKeys.add(r.key);
      }
      return result;
    } catch (error) {
      this.logger?.warn(`journal: could not claim orphaned files: ${messageOf(error)}`);
      return { files: 0, records: 0, corrupt: 0 };
    }
  }

  /**
   * Closes the journal (a file with records left becomes `<owner>.closed.jnl`, claimable at once). Records
   * held only in memory get one last chance to be written, whatever the retry delay; those that cannot be
   * are counted as dropped and logged. Appends after this go to a fresh file that is closed again at once,
   * so an end written on the exit path after shutdown is never lost while the disk can take it. Idempotent.
   */
  close(): void {
    this.closed = true;
    if (this.volatile.size > 0 && this.journal.retry(true)) this.migrate();
    if (this.volatile.size > 0) {
      for (const key of this.volatile.keys()) this.versions.delete(key);
      const n = this.volatile.size;
      this.volatile.clear();
      this.lose(n);
    }
    try {
      this.journal.close();
    } catch (error) {
      this.logger?.error(`journal: closing failed: ${messageOf(error)}`);
    }
    this.checkHealth();
  }

  /** Holds a record the journal could not take; the oldest goes when the memory bound is reached. */
  private keepInMemory(record: PendingRecord): void {
    // A journaled older version must not be sent (and acknowledged) in place of this one.
    if (this.journal.has(record.key)) this.journal.ack([record.key]);
    this.volatile.delete(record.key);
    this.volatile.set(record.key, record);
    if (this.volatile.size <= this.maxVolatile) return;
    const oldest = this.volatile.keys().next().value;
    if (oldest === undefined) return;
    this.volatile.delete(oldest);
    this.versions.delete(oldest);
    this.countDrop(
      DropReasons.memory_cap,
      1,
      `the journal cannot be written (${this.unwritable}) and ${this.maxVolatile} records are already held in memory`,
    );
  }

  /**
   * Moves the records held in memory into the journal, oldest first. Returns what the journal threw when
   * it still fails, `undefined` once nothing is held in memory.
   */
  private migrate(): unknown {
    for (const r of [...this.volatile.values()]) {
      try {
        this.journal.append(r);
      } catch (error) {
        return error ?? new Error("the journal refused the record");
      }
      this.volatile.delete(r.key);
    }
    return undefined;
  }

  /** Counts `n` records held in memory only as lost: the journal cannot take them and nobody delivers. */
  private lose(n: number): void {
    const failure = this.failure;
    const reason = failure?.dropReason ?? DropReasons.journal_unwritable;
    const why = failure?.description ?? "the journal cannot be written";
    this.logger?.error(
      `journal: ${n} pending record(s) could not be written (${why}) and are lost; counted as dropped (${reason})`,
    );
    this.countDrop(reason, n, `held in memory only when the client closed (${why})`);
  }

  private emitDrop(reason: DropReason, records: number, message: string): void {
    for (const listener of [...this.dropListeners]) {
      try {
        listener(reason, records, message);
      } catch (error) {
        this.logger?.warn(`journal: drop listener failed: ${messageOf(error)}`);
      }
    }
    this.notifyHealth();
  }

  /** Logs and tells the listeners when the journal starts, changes or stops failing. */
  private checkHealth(): void {
    const failure = this.failure;
    const key = failure ? failure.code : null;
    if (key === this.reportedFailure) return;
    const before = this.reportedFailure;
    this.reportedFailure = key;
    if (failure) {
      this.logger?.error(
        `journal: cannot write to ${this.journal.dir} (${failure.description}); pending records are kept in memory only (at most ${this.maxVolatile}) and are lost if the process dies`,
      );
    } else if (before !== null) {
      this.logger?.warn(`journal: ${this.journal.dir} can be written again`);
    }
    this.notifyHealth();
  }

  private notifyHealth(): void {
    for (const listener of [...this.healthListeners]) {
      try {
        listener();
      } catch (error) {
        this.logger?.warn(`journal: health listener failed: ${messageOf(error)}`);
      }
    }
  }
}
