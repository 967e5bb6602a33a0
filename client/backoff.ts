/**
 * Exponential backoff with full jitter, and a bounded `retry` helper.
 *
 * Full jitter (a uniform delay between 0 and the exponential cap) is used rather than "equal" or no jitter
 * because many shells lose the service at the same moment; spreading their retries uniformly avoids a
 * thundering herd when it comes back.
 */

import { isRetryable as defaultIsRetryable, SessionBuddyError } from "./errors.js";

/** Parameters of the delay computation. */
export interface BackoffOptions {
  /** Delay cap of the first retry. Default 200 ms. */
  baseMs?: number;
  /** Upper bound of any delay. Default 10 000 ms. */
  maxMs?: number;
  /** Uniform random source in [0, 1). Default `Math.random`. */
  random?: () => number;
}

/** Options of {@link retry}. */
export interface RetryOptions extends BackoffOptions {
  /** Total attempts including the first. Default 5; values below 1 are treated as 1. */
  maxAttempts?: number;
  /** Waits between attempts. Default {@link sleep}; inject a fake in tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Decides whether an error may be retried. Default {@link defaultIsRetryable | isRetryable}. */
  isRetryable?: (error: unknown) => boolean;
  /** Called before each wait, e.g. to log or to count a breaker failure. */
  onRetry?: (info: RetryInfo) => void;
  /** Stops retrying (and interrupts the wait) when aborted; the abort reason is thrown. */
  signal?: AbortSignal;
}

/** What {@link RetryOptions.onRetry} is told. */
export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  attempt: number;
  /** The delay before the next attempt. */
  delayMs: number;
  error: unknown;
}

export const BACKOFF_DEFAULTS = { baseMs: 200, maxMs: 10_000, maxAttempts: 5 } as const;

/**
 * The delay before retry number `retryIndex` (0 for the first retry): uniform in
 * `[0, min(maxMs, baseMs · 2^retryIndex))`.
 *
 * @example
 * ```ts
 * backoffDelay(0, { baseMs: 100, random: () => 0.5 }); // 50
 * backoffDelay(10, { baseMs: 100, maxMs: 1000, random: () => 0.5 }); // 500
 * ```
 */
export function backoffDelay(retryIndex: number, options: BackoffOptions = {}): number {
  const baseMs = Math.max(0, options.baseMs ?? BACKOFF_DEFAULTS.baseMs);
  const maxMs = Math.max(0, options.maxMs ?? BACKOFF_DEFAULTS.maxMs);
  const random = options.random ?? Math.random;
  // Clamp the exponent so 2^n never overflows to Infinity for absurd attempt counts.
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, retryIndex), 52));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(cap * r);
}

/**
 * Resolves after `ms`, or rejects with the signal's reason when aborted first.
 *
 * The timer is unref'd: a pending retry must never keep a shell process alive after the operator quit.
 *
 * @example
 * ```ts
 * await sleep(250);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    timer.unref?.();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Calls `fn` until it resolves, an error is not retryable, or `maxAttempts` is reached; waits a jittered
 * exponential delay between attempts. The last error is rethrown unchanged, so callers can still match its
 * `code`.
 *
 * A server `retryAfterMs` hint on a {@link SessionBuddyError} raises the delay (still capped by `maxMs`),
 * because retrying sooner than the service asked only earns another refusal.
 *
 * @example
 * ```ts
 * const data = await retry((attempt) => post(body), { maxAttempts: 5, baseMs: 200 });
 * ```
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? BACKOFF_DEFAULTS.maxAttempts));
  const wait = options.sleep ?? sleep;
  const retryable = options.isRetryable ?? defaultIsRetryable;
  const maxMs = options.maxMs ?? BACKOFF_DEFAULTS.maxMs;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw abortReason(options.signal);
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= maxAttempts || !retryable(error) || options.signal?.aborted) throw error;
      let delayMs = backoffDelay(attempt - 1, options);
      if (error instanceof SessionBuddyError && error.retryAfterMs !== undefined) {
        delayMs = Math.min(maxMs, Math.max(delayMs, error.retryAfterMs));
      }
      options.onRetry?.({ attempt, delayMs, error });
      await wait(delayMs, options.signal);
    }
  }
}

function abortReason(signal: AbortSignal | undefined): unknown {
  const reason: unknown = signal?.reason;
  if (reason !== undefined) return reason;
  const error = new Error("aborted");
  error.name = "AbortError";
  return error;
}
