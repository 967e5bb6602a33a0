/**
 * The records waiting for delivery: the journal plus what only this process knows about them (see
 * {@link PendingStore}).
 */

import { messageOf } from "./errors.js";
import type { JournalRecord } from "./journal/format.js";
import type { ClaimResult, Journal } from "./journal/journal.js";
import { RecordKinds } from "./records.js";
import type { JournalStatus, Logger } from "./types.js";

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
 * @example
 * ```ts
 * const store = new PendingStore(new Journal({ dataDir }));
 * const v = store.append({ key: "e1", kind: "event", at: Date.now(), body });
 * store.ack([{ key: "e1", version: v }]);
 * ```
 */
export class PendingStore {
  private readonly versions = new Map<string, number>();
  private readonly volatile = new Map<string, PendingRecord>();
  /** Keys of start records that may be pending (verified on use: the bound may have dropped one). */
  private readonly startKeys = new Set<string>();
  private counter = 0;
  private closed = false;
  private journalError: string | null = null;

  constructor(
    readonly journal: Journal,
    private readonly maxVolatile: number,
    private readonly logger?: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Why the journal cannot be written, when it cannot. */
  get unwritable(): string | null {
    return this.journalError;
  }

  /** Appends (or replaces) a record; returns its version. Never throws. */
  append(record: JournalRecord): number {
    const version = ++this.counter;
    this.versions.set(record.key, version);
    if (record.kind === RecordKinds.START) this.startKeys.add(record.key);
    try {
      this.journal.append(record);
      this.volatile.delete(record.key);
      if (this.journalError !== null) {
        this.journalError = null;
        this.logger?.warn("journal: writable again");
      }
      if (this.closed) this.journal.close();
    } catch (error) {
      if (this.journalError === null) {
        this.logger?.error(
          `journal: cannot write to ${this.journal.dir} (${messageOf(error)}); pending records are kept in memory only and are lost if the process dies`,
        );
      }
      this.journalError = messageOf(error);
      this.volatile.delete(record.key);
      this.volatile.set(record.key, { ...record, version });
      if (this.volatile.size > this.maxVolatile) {
        const oldest = this.volatile.keys().next().value;
        if (oldest !== undefined) this.volatile.delete(oldest);
      }
    }
    return version;
  }

  /** Acknowledges records, each only if its pending version is the one given. Returns how many. */
  ack(items: readonly { key: string; version: number }[]): number {
    const keys: string[] = [];
    let n = 0;
    for (const { key, version } of items) {
      if ((this.versions.get(key) ?? 0) !== version) continue;
      this.versions.delete(key);
      if (this.volatile.delete(key)) n++;
      else keys.push(key);
    }
    if (keys.length > 0) {
      try {
        n += this.journal.ack(keys);
      } catch (error) {
        // The records stay pending and are sent again: a duplicate the service ignores, never a loss.
        this.logger?.warn(`journal: could not record an acknowledgement: ${messageOf(error)}`);
      }
    }
    return n;
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

  status(): JournalStatus {
    const s = this.journal.status();
    if (this.volatile.size === 0) return s;
    let oldest = s.oldestPendingSeconds;
    const now = this.now();
    for (const r of this.volatile.values()) {
      const age = Math.max(0, (now - r.at) / 1000);
      if (oldest === null || age > oldest) oldest = age;
    }
    return { ...s, depth: s.depth + this.volatile.size, oldestPendingSeconds: oldest };
  }

  get depth(): number {
    return this.journal.depth + this.volatile.size;
  }

  get dropped(): number {
    return this.journal.dropped;
  }

  markDroppedReported(n: number): void {
    try {
      this.journal.markDroppedReported(n);
    } catch (error) {
      this.logger?.warn(`journal: could not record reported drops: ${messageOf(error)}`);
    }
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
   * held only in memory get one last chance to be written. Appends after this go to a fresh file that is
   * closed again at once, so an end written on the exit path after shutdown is never lost. Idempotent.
   */
  close(): void {
    this.closed = true;
    for (const r of [...this.volatile.values()]) {
      try {
        this.journal.append(r);
        this.volatile.delete(r.key);
      } catch {
        break;
      }
    }
    if (this.volatile.size > 0) {
      this.logger?.error(
        `journal: ${this.volatile.size} pending record(s) could not be written and are lost`,
      );
      this.volatile.clear();
    }
    try {
      this.journal.close();
    } catch (error) {
      this.logger?.error(`journal: closing failed: ${messageOf(error)}`);
    }
  }
}
