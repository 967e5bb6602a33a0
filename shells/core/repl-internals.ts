/**
 * The REPL internals AdminShell relies on (checked on Node 20.20; the pty tests fail loudly if one moves).
 */
import { EventEmitter } from "node:events";
import type { Key } from "node:readline";
import type vm from "node:vm";

export type EvalCallback = (err: Error | null, result?: unknown) => void;
export type EvalFn = (code: string, context: vm.Context, file: string, cb: EvalCallback) => void;

export interface ReplInternals {
  eval: EvalFn;
  _domain: unknown;
  _ttyWrite: (data: string | undefined, key: Key | undefined) => void;
  history?: string[];
  lastError?: unknown;
  underscoreErrAssigned?: boolean;
  close: () => void;
}

/**
 * Stands in for the domain the REPL would otherwise create. With a real domain, an error thrown by typed
 * code skips the eval callback (so its command could never be completed) and errors thrown later from a
 * timer it started are swallowed as "Uncaught …" instead of ending the session with ERROR. `bind` returning
 * the function unchanged gives us Node's own default eval, undomained; the REPL still emits on this object
 * for the few errors it reports itself (and prints them).
 */
export class NoDomain extends EventEmitter {
  bind<F>(fn: F): F {
    return fn;
  }
  enter(): void {}
  exit(): void {}
}

export class InterruptedError extends Error {
  override readonly name = "Interrupted";
  readonly code = "INTERRUPTED";
}

/**
 * Runs the REPL's default eval with no process SIGINT listeners. Node's `breakEvalOnSigint` watchdog
 * only works when nothing else listens for SIGINT (otherwise Ctrl-C in `while (true) {}` kills the process
 * unrecorded), and stopping it leaves SIGINT at its default action; re-adding the listeners afterwards
 * re-installs the handler, so `kill -INT` still ends the session properly.
 */
export function withoutProcessSigint(fn: () => void): void {
  const listeners = process.rawListeners("SIGINT") as ((...args: unknown[]) => void)[];
  process.removeAllListeners("SIGINT");
  try {
    fn();
  } finally {
    for (const listener of listeners) process.on("SIGINT", listener);
  }
}
