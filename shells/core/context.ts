/**
 * The context of a helper call: the command it runs in, and the AbortSignal that Ctrl-C aborts. It follows
 * the helper through every `await` (AsyncLocalStorage), so a helper's own awaits, its service queries
 * (`runtime.query`) and the child processes it starts all see the signal of the command that called it —
 * not the signal of whatever command runs later.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface HelperContext {
  /** Aborted when the operator presses Ctrl-C while the command runs (reason: an `Interrupted` error). */
  readonly signal: AbortSignal;
  /** The helper called, as registered (`show_layers`, even when typed as `showLayers`). */
  readonly helper: string;
}

const storage = new AsyncLocalStorage<HelperContext>();

/** A signal that is never aborted, for work done outside any command. */
const NEVER = new AbortController().signal;

/** Runs `fn` with `context` as the current helper context. */
export function runInHelperContext<T>(context: HelperContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The context of the helper call this code runs in, if any. */
export function currentHelperContext(): HelperContext | undefined {
  return storage.getStore();
}

/** The AbortSignal of the current helper call; a signal that never aborts outside one. */
export function currentSignal(): AbortSignal {
  return storage.getStore()?.signal ?? NEVER;
}

/**
 * A writable that forwards to `target` until `signal` aborts, then drops everything: the output of work
 * that was interrupted must not land over the prompt the operator got back.
 */
export function untilAborted(target: NodeJS.WritableStream, signal: AbortSignal): NodeJS.WritableStream {
  if (signal === NEVER) return target;
  const guarded = Object.create(target) as NodeJS.WritableStream;
  guarded.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (signal.aborted) {
      const cb = rest.find((r): r is () => void => typeof r === "function");
      cb?.();
      return true;
    }
    return (target.write as (...args: unknown[]) => boolean).call(target, chunk, ...rest);
  }) as NodeJS.WritableStream["write"];
  return guarded;
}
