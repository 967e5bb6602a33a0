/**
 * Child processes of helpers and workflow steps that cannot outlive their parent, and that a Ctrl-C stops
 * with everything they started.
 *
 * Each command runs under a tiny watchdog (a `node -e` script, below) that leads its own process group and
 * holds one end of a pipe to the parent. Stopping the work is a signal to the whole group (`sh -c` and its
 * children alike). When the parent dies — even by `kill -9`, which runs no handler — the kernel closes the
 * pipe; the watchdog sees end-of-file and stops its group (SIGTERM, then SIGKILL after a grace period).
 */
import { type ChildProcess, spawn } from "node:child_process";

/** How long a group has between SIGTERM and SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 3000;

/** The variable that carries the watchdog's source (so `ps` shows a short command line, not the script). */
const WATCHDOG_VARIABLE = "SB_CHILD_WATCHDOG";

/**
 * The watchdog, run as `node -e "eval(process.env.SB_CHILD_WATCHDOG)" <graceMs> <program> <args…>` with
 * the pipe to the parent on fd 3. It exits as its child did (the same code, or the same signal), so the
 * parent sees the child's outcome.
 */
const WATCHDOG = `
delete process.env.${WATCHDOG_VARIABLE};
const { spawn } = require("node:child_process");
const net = require("node:net");
const [grace, program, ...args] = process.argv.slice(1);
let orphaned = false;
const stopGroup = () => {
  if (orphaned) return;
  orphaned = true;
  try { process.kill(-process.pid, "SIGTERM"); } catch {}
  setTimeout(() => { try { process.kill(-process.pid, "SIGKILL"); } catch {} process.exit(1); }, Number(grace));
};
// Signals to the group are for the child: wait for it, then leave the way it did.
for (const s of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(s, () => {});
const parent = new net.Socket({ fd: 3, readable: true, writable: false });
parent.on("data", () => {});
parent.on("end", stopGroup);
parent.on("close", stopGroup);
parent.on("error", stopGroup);
const child = spawn(program, args, { stdio: "inherit" });
child.on("error", (err) => {
  process.stderr.write("cannot run " + program + ": " + err.message + "\\n");
  process.exit(127);
});
child.on("exit", (code, signal) => {
  if (orphaned) return;
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
`;

export interface WatchedSpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Grace between SIGTERM and SIGKILL when the parent died. Default {@link DEFAULT_KILL_GRACE_MS}. */
  graceMs?: number;
}

/**
 * Spawns `argv` under the watchdog, in a process group of its own, stdin closed and stdout/stderr piped.
 * Stop it (and everything it started) with {@link stopGroup}.
 *
 * @example
 * const child = spawnWatched(["/bin/sh", "-c", "npm test"], { cwd, env: process.env });
 * signal.addEventListener("abort", () => stopGroup(child));
 */
export function spawnWatched(
  argv: readonly string[],
  options: WatchedSpawnOptions,
): ChildProcess & {
  stdout: NodeJS.ReadableStream;
  stderr: NodeJS.ReadableStream;
} {
  const [program, ...args] = argv;
  if (!program) throw new Error("spawnWatched: nothing to run");
  const child = spawn(
    process.execPath,
    [
      "-e",
      `eval(process.env.${WATCHDOG_VARIABLE})`,
      String(options.graceMs ?? DEFAULT_KILL_GRACE_MS),
      program,
      ...args,
    ],
    {
      cwd: options.cwd,
      env: { ...options.env, [WATCHDOG_VARIABLE]: WATCHDOG },
      stdio: ["ignore", "pipe", "pipe", "pipe"],
      detached: true,
    },
  );
  // Our end of the watchdog's pipe: never written, closed by the kernel when this process dies.
  const lifeline = child.stdio[3] as NodeJS.ReadableStream & { destroy?: () => void; unref?: () => void };
  lifeline.on("error", () => {});
  child.once("close", () => lifeline.destroy?.());
  return child as ChildProcess & { stdout: NodeJS.ReadableStream; stderr: NodeJS.ReadableStream };
}

/** Sends `signal` to the child's whole process group; a group already gone is not an error. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Stops the child's process group: SIGTERM now, SIGKILL after `graceMs` unless it has exited by then.
 *
 * @example
 * stopGroup(child); // Ctrl-C: the tool, and whatever it started, are gone within the grace period
 */
export function stopGroup(child: ChildProcess, graceMs = DEFAULT_KILL_GRACE_MS): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  signalGroup(child, "SIGTERM");
  const timer = setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
  timer.unref();
  child.once("exit", () => clearTimeout(timer));
}
