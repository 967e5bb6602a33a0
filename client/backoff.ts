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

/** Cadence of the reachability probes while the circuit breaker is open (see {@link recoveryDelay}). */
export const RECOVERY_DEFAULTS = { firstMs: 1_000, maxMs: 5_000 } as const;

/** Parameters of {@link recoveryDelay}. */
export interface RecoveryOptions {
  /** Ceiling of the first probe's delay. Default 1 s. */
  firstMs?: number;
  /** Ceiling of any probe's delay: the longest an operator waits for Enabled once the service is back. Default 5 s. */
  maxMs?: number;
  /** Uniform random source in [0, 1). Default `Math.random`. */
  random?: () => number;
}

/**
 * The delay before reachability probe number `probeIndex` (0 for the first since the last success):
 * "equal jitter", uniform in `[c/2, c)` with `c = min(maxMs, firstMs · 2^probeIndex)`. Never 0, so a down
 * service sees at most one probe per `maxMs / 2` from each client; spread, so shells that lost the service
 * together do not come back in lockstep.
 *
 * @example
 * ```ts
 * recoveryDelay(0, { random: () => 0 }); // 500
 * recoveryDelay(9, { random: () => 0.999 }); // 4998 — capped at maxMs
 * ```
 */
export function recoveryDelay(probeIndex: number, options: RecoveryOptions = {}): number {
  const firstMs = Math.max(1, options.firstMs ?? RECOVERY_DEFAULTS.firstMs);
  const maxMs = Math.max(firstMs, options.maxMs ?? RECOVERY_DEFAULTS.maxMs);
  const random = options.random ?? Math.random;
  const cap = Math.min(maxMs, firstMs * 2 ** Math.min(Math.max(0, probeIndex), 52));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.max(1, Math.floor(cap / 2 + (cap / 2) * r));
}
