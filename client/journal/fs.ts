/**
 * The journal's file system: the calls through which it creates and changes files (replaceable in tests,
 * see client/testing/faulty-fs.ts), what a failed write means for an operator, and the small read and
 * delete helpers the journal and its inspection share.
 */
import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statfsSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { DropReasons } from "../../contract/enums.js";

/**
 * The file-system calls through which the journal creates and changes files (see {@link JournalOptions.fs}).
 * Reads, fsyncs and deletions go to `node:fs` directly.
 */
export interface JournalFs {
  /** `fs.mkdirSync(path, { recursive: true, mode })`. */
  mkdir(path: string, mode: number): void;
  /** `fs.openSync(path, flags, mode)`; the journal opens with `"a"` (append) and `"w"` (compaction). */
  open(path: string, flags: string, mode: number): number;
  /** `fs.writeSync(fd, buffer, offset, length)`: the number of bytes written. */
  write(fd: number, buffer: Buffer, offset: number, length: number): number;
  /** `fs.renameSync(from, to)`. */
  rename(from: string, to: string): void;
}

/** {@link JournalFs} on `node:fs`. */
export const NODE_JOURNAL_FS: JournalFs = {
  mkdir: (path, mode) => {
    mkdirSync(path, { recursive: true, mode });
  },
  open: (path, flags, mode) => openSync(path, flags, mode),
  write: (fd, buffer, offset, length) => writeSync(fd, buffer, offset, length),
  rename: (from, to) => renameSync(from, to),
};

/** Why the journal cannot be written, while it cannot (see {@link Journal.failure}). */
export interface JournalFailure {
  /** The errno code of the last failed write, e.g. `ENOSPC`, `EROFS` (`EIO` when the error had none). */
  code: string;
  /** For an operator, e.g. `disk full (ENOSPC)`, `read-only file system (EROFS)`. */
  description: string;
  /** The reason records lost to this failure are counted under. */
  dropReason: typeof DropReasons.journal_full | typeof DropReasons.journal_unwritable;
}

/**
 * A write error as a {@link JournalFailure}.
 *
 * @example
 * ```ts
 * describeWriteError(Object.assign(new Error("no space"), { code: "ENOSPC" })).description;
 * // "disk full (ENOSPC)"
 * ```
 */
export function describeWriteError(error: unknown): JournalFailure {
  const known = errno(error);
  const code = known ?? "EIO";
  const full = code === "ENOSPC" || code === "EDQUOT";
  const what =
    code === "ENOSPC"
      ? "disk full"
      : code === "EDQUOT"
        ? "disk quota exceeded"
        : code === "EROFS"
          ? "read-only file system"
          : code === "EACCES" || code === "EPERM"
            ? "permission denied"
            : code === "EIO" && known
              ? "I/O error"
              : message(error);
  return {
    code,
    description: known ? `${what} (${code})` : what,
    dropReason: full ? DropReasons.journal_full : DropReasons.journal_unwritable,
  };
}

export function writeAll(fs: JournalFs, fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += fs.write(fd, buf, off, buf.length - off);
}

/**
 * Why nobody could write in `dir` now (`buffer status` reads files only, so it checks the directory
 * itself), or `null`: not writable (read-only, permissions) or no free space.
 */
export function unwritableReason(dir: string): string | null {
  let target = dir;
  while (!exists(target) && dirname(target) !== target) target = dirname(target);
  try {
    accessSync(target, constants.W_OK);
  } catch (error) {
    return describeWriteError(error).description;
  }
  try {
    if (statfsSync(target).bavail === 0) return "disk full (no free blocks)";
  } catch {
    /* not supported here: nothing to say */
  }
  return null;
}

export function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

export function fsyncDir(dir: string): void {
  // Makes a created or renamed entry durable; not supported on every platform, hence best effort.
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

export function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if (errno(error) === "ENOENT") return [];
    throw error;
  }
}

export function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if (errno(error) === "ENOENT") return "";
    throw error;
  }
}

export function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

export function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
