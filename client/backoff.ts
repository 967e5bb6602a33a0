/**
 * Exponential backoff with full jitter.
 *
 * Full jitter (a uniform delay between 0 and the exponential cap) is used rather than "equal" or no jitter
 * because many shells lose the service at the same moment; spreading their retries uniformly avoids a
 * thundering herd when it comes back.
 */

/** Parameters of the delay computation. */
export interface BackoffOptions {
  /** Delay cap of the first retry. Default 200 ms. */
  baseMs?: number;
  /** Upper bound of any delay. Default 10 000 ms. */
  maxMs?: number;
  /** Uniform random source in [0, 1). Default `Math.random`. */
  random?: () => number;
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
 * A backoff wait: resolves after `ms`, or rejects with the signal's reason when aborted first.
 *
 * The timer keeps the process alive: a retry happens inside a delivery pass, work in progress that someone
 * may be awaiting (`flush`, `shutdown`), and its waits are bounded by the retry limits. Idle waits between
 * passes (the breaker's cool-down) use unref'd timers instead.
 *
 * @example
 * ```ts
 * await sleep(backoffDelay(attempt), signal);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
