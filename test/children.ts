/**
 * Every process a test helper starts is tracked here until it exits, so that none outlives its test file:
 * test/isolate.ts kills whatever is still running after the file's last test (and when the worker exits),
 * whether the tests passed, failed or timed out. Kept free of the product's modules: both projects load it.
 */
import type { ChildProcess } from "node:child_process";

const running = new Set<() => void>();

/** Tracks a process until `exited` settles; `kill` ends it at once (it is called at most once). */
export function track(kill: () => void, exited: Promise<unknown>): void {
  running.add(kill);
  const forget = () => running.delete(kill);
  exited.then(forget, forget);
}

/** Tracks a child process until it exits. */
export function trackChild(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  track(
    () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
    new Promise((resolve) => child.once("exit", resolve)),
  );
}

/** SIGKILLs every tracked process still running; returns how many there were. */
export function killTracked(): number {
  const kills = [...running];
  running.clear();
  for (const kill of kills) {
    try {
      kill();
    } catch {
      // already gone
    }
  }
  return kills.length;
}
