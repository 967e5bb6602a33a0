/**
 * Real shells in a pseudo-terminal (piped stdin does not wait for top-level await, and Ctrl-C/Ctrl-D only
 * mean something to a terminal). Waits are on output, bounded; never on the clock alone.
 */
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { type IPty, spawn } from "@lydell/node-pty";
import { track } from "./children.js";
import { DIST, TEST_SECRET } from "./harness.js";

export const BINS = {
  mahavishnu: join(DIST, "shells", "bin", "mahavishnu.js"),
  "session-buddy": join(DIST, "cli", "session-buddy.js"),
  oneiric: join(DIST, "shells", "bin", "oneiric.js"),
  crackerjack: join(DIST, "shells", "bin", "crackerjack.js"),
  akosha: join(DIST, "shells", "bin", "akosha.js"),
  fastblocks: join(DIST, "shells", "bin", "fastblocks.js"),
} as const;

/**
 * A component's shell (`<bin> shell`) in a pseudo-terminal, working in `dir` with its data dir under it,
 * reporting to `url` with the test secret; killed when the test ends.
 */
export function shellIn(
  defer: (cleanup: () => unknown) => void,
  dir: string,
  url: string,
  env: Record<string, string> = {},
  bin: keyof typeof BINS = "oneiric",
): PtyProcess {
  const sh = new PtyProcess(
    BINS[bin],
    ["shell"],
    {
      SESSION_BUDDY_URL: url,
      SESSION_BUDDY_DATA_DIR: join(dir, "data"),
      SESSION_BUDDY_SECRET: TEST_SECRET,
      ...env,
    },
    dir,
  );
  defer(async () => {
    sh.kill("SIGKILL");
    await sh.exited;
  });
  return sh;
}

export interface PtyExit {
  exitCode: number;
  signal?: number;
}

export class PtyProcess {
  readonly exited: Promise<PtyExit>;
  private readonly pty: IPty;
  private text = "";
  private raw = "";
  private listeners = new Set<() => void>();
  private mark = 0;
  private done = false;

  constructor(file: string, args: string[], env: Record<string, string | undefined>, cwd: string) {
    this.pty = spawn(process.execPath, [file, ...args], {
      name: "xterm-256color",
      cols: 200,
      rows: 60,
      cwd,
      env: Object.fromEntries(
        Object.entries({ PATH: process.env.PATH, HOME: cwd, NO_COLOR: "1", ...env }).filter(
          (e): e is [string, string] => e[1] !== undefined,
        ),
      ),
    });
    this.pty.onData((d) => {
      // Escape sequences may be split across chunks, so the whole output is stripped, not each chunk.
      this.raw += d;
      this.text = stripVTControlCharacters(this.raw).replace(/\r/g, "");
      for (const l of this.listeners) l();
    });
    this.exited = new Promise((resolve) =>
      this.pty.onExit((e) => {
        this.done = true;
        resolve(e);
      }),
    );
    track(() => this.kill("SIGKILL"), this.exited);
  }

  get pid(): number {
    return this.pty.pid;
  }

  output(): string {
    return this.text;
  }

  /** Output since the last `since()` call (or the start). */
  since(): string {
    const out = this.text.slice(this.mark);
    this.mark = this.text.length;
    return out;
  }

  write(data: string): void {
    this.pty.write(data);
  }

  /** Types a line and waits for the prompt to come back after it. */
  async type(line: string, prompt: RegExp, ms = 30_000): Promise<string> {
    const from = this.text.length;
    this.pty.write(`${line}\r`);
    await this.waitFor(prompt, ms, from + line.length);
    return this.text.slice(from);
  }

  /**
   * Resolves once the shell shows `prompt` with tracking enabled. The banner states what is known when it
   * is drawn; on a busy machine the service's first answer can come after it, and the shell then prints
   * "tracking: ✓ Enabled" above a redrawn prompt. Typing before that would race the redraw.
   */
  ready(prompt: RegExp, ms = 30_000): Promise<void> {
    return this.waitFor(new RegExp(`(?:Tracking\\s+|tracking: )✓ Enabled[\\s\\S]*${prompt.source}`), ms);
  }

  /** Resolves when output (from `from`) matches `re`. */
  waitFor(re: RegExp, ms = 30_000, from = 0): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (re.test(this.text.slice(from))) {
          cleanup();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${ms} ms waiting for ${re}; output:\n${this.text.slice(-3000)}`));
      }, ms);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** SIGKILLs the shell unless it has exited, and waits for it to be gone: a test's cleanup. */
  async close(): Promise<void> {
    if (!this.done) this.kill("SIGKILL");
    await this.exited;
  }

  kill(signal: NodeJS.Signals): void {
    try {
      process.kill(this.pty.pid, signal);
    } catch {
      // already gone
    }
  }
}
