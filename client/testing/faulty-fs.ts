/**
 * TEST SUPPORT — not part of the public client API.
 *
 * A {@link JournalFs} whose writes fail on cue, as on a full (`ENOSPC`) or read-only (`EROFS`) disk, without
 * a real mount: the client's tests pass it as `journalFs` (or `JournalOptions.fs`) and switch `mode`.
 *
 * - `ENOSPC`: a write writes half of what it was given (the disk had a little room), the next one throws
 *   — so lines are torn as on a real full disk; opening, creating directories and renaming still work.
 * - `EROFS`: every open, write, rename and creation of a missing directory throws.
 */
import { existsSync } from "node:fs";
import { type JournalFs, NODE_JOURNAL_FS } from "../journal/journal.js";

/** The failures a {@link FaultyFs} can inject. */
export type FsFault = "ENOSPC" | "EROFS";

/** A switchable {@link JournalFs}; see the module comment. */
export interface FaultyFs {
  /** Pass as `journalFs` / `JournalOptions.fs`. */
  readonly fs: JournalFs;
  /** The failure injected now, or `null` for a healthy disk. */
  mode: FsFault | null;
  /** Calls that failed so far, per errno code. */
  readonly failures: Record<FsFault, number>;
}

const MESSAGES: Record<FsFault, string> = {
  ENOSPC: "no space left on device",
  EROFS: "read-only file system",
};

/**
 * A journal file system that fails on cue.
 *
 * @example
 * ```ts
 * const disk = faultyFs();
 * const client = createClient({ url, token, dataDir, journalFs: disk.fs });
 * disk.mode = "ENOSPC"; // appends now fail; disk.mode = null recovers
 * ```
 */
export function faultyFs(): FaultyFs {
  const failures: Record<FsFault, number> = { ENOSPC: 0, EROFS: 0 };
  /** Descriptors that wrote part of a buffer on a full disk: their next write fails. */
  const torn = new Set<number>();
  const state: FaultyFs = {
    mode: null,
    failures,
    fs: {
      mkdir(path, mode) {
        if (state.mode === "EROFS" && !existsSync(path)) throw fault("EROFS", "mkdir", path);
        NODE_JOURNAL_FS.mkdir(path, mode);
      },
      open(path, flags, mode) {
        if (state.mode === "EROFS") throw fault("EROFS", "open", path);
        return NODE_JOURNAL_FS.open(path, flags, mode);
      },
      write(fd, buffer, offset, length) {
        if (state.mode === "EROFS") throw fault("EROFS", "write");
        if (state.mode === "ENOSPC") {
          if (torn.delete(fd) || length < 2) throw fault("ENOSPC", "write");
          torn.add(fd);
          return NODE_JOURNAL_FS.write(fd, buffer, offset, Math.floor(length / 2));
        }
        torn.delete(fd);
        return NODE_JOURNAL_FS.write(fd, buffer, offset, length);
      },
      rename(from, to) {
        if (state.mode === "EROFS") throw fault("EROFS", "rename", from);
        NODE_JOURNAL_FS.rename(from, to);
      },
    },
  };
  const fault = (code: FsFault, syscall: string, path?: string) => {
    failures[code]++;
    return Object.assign(
      new Error(`${code}: ${MESSAGES[code]}, ${syscall}${path !== undefined ? ` '${path}'` : ""}`),
      { code, syscall, ...(path !== undefined ? { path } : {}) },
    );
  };
  return state;
}
