/**
 * Circuit breaker guarding the client's requests to the service.
 *
 * When the service is down, every shell would otherwise keep paying request timeouts and retries; the
 * breaker turns that into an immediate "not now" (events stay in the journal) and lets a single probe
 * find out when the service is back, at which point the client replays the journal. The client does not
 * wait out the whole cooldown for that: cheap reachability probes on a short, jittered cadence end it as
 * soon as the service answers again ({@link CircuitBreaker.endCooldown}).
 */

import type { BreakerState, Logger } from "./types.js";

export const BreakerStates = {
  CLOSED: "closed",
  OPEN: "open",
  HALF_OPEN: "half-open",
} as const satisfies Record<string, BreakerState>;

export const BREAKER_DEFAULTS = { threshold: 3, cooldownMs: 60_000 } as const;

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. Default 3. */
  threshold?: number;
  /** Time the breaker stays open before one probe is let through. Default 60 000 ms. */
  cooldownMs?: number;
  /**
   * How long a granted probe may stay unanswered before another probe is allowed. Default `cooldownMs`.
   * Guards against a caller that took the probe and never reported back, which would otherwise wedge the
   * breaker half-open forever.
   */
  probeTimeoutMs?: number;
  /** Clock, injectable for tests. Default `Date.now`. */
  now?: () => number;
  /** Called when the breaker closes after having been open: the moment to replay the journal. */
  onClose?: () => void;
  /** Receives errors thrown by listeners, which are never allowed to break the breaker itself. */
  logger?: Pick<Logger, "warn">;
}

/** A state transition, as told to {@link CircuitBreaker.onStateChange} listeners. */
export interface BreakerTransition {
  from: BreakerState;
  to: BreakerState;
  /** Consecutive failures at the time of the transition. */
  failures: number;
}

/**
 * Closed → (threshold consecutive failures) → open → (cooldown) → half-open → one probe →
 * success: closed / failure: open again.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ onClose: () => void client.replayJournal() });
 * if (breaker.canRequest()) {
 *   try { await send(); breaker.onSuccess(); } catch (e) { breaker.onFailure(); }
 * }
 * ```
 */
export class CircuitBreaker {
  readonly threshold: number;
  readonly cooldownMs: number;
  readonly probeTimeoutMs: number;
  private readonly now: () => number;
  private readonly logger: Pick<Logger, "warn"> | undefined;
  private readonly listeners = new Set<(transition: BreakerTransition) => void>();
  private current: BreakerState = BreakerStates.CLOSED;
  private failures = 0;
  private openedAt = 0;
  /** When the outstanding half-open probe was granted; null when no probe is outstanding. */
  private probeAt: number | null = null;

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = Math.max(1, Math.floor(options.threshold ?? BREAKER_DEFAULTS.threshold));
    this.cooldownMs = Math.max(0, options.cooldownMs ?? BREAKER_DEFAULTS.cooldownMs);
    this.probeTimeoutMs = Math.max(0, options.probeTimeoutMs ?? this.cooldownMs);
    this.now = options.now ?? Date.now;
    this.logger = options.logger;
    const onClose = options.onClose;
    if (onClose) {
      this.onStateChange((t) => {
        if (t.to === BreakerStates.CLOSED) onClose();
      });
    }
  }

  /**
   * The current state. Reading it moves an open breaker whose cooldown has elapsed to half-open, so a
   * banner shows the truth even before the next request.
   *
   * @example
   * ```ts
   * if (breaker.state === "open") banner.set({ state: "buffering", reason: "service unreachable" });
   * ```
   */
  get state(): BreakerState {
    if (this.current === BreakerStates.OPEN && this.now() - this.openedAt >= this.cooldownMs) {
      this.transition(BreakerStates.HALF_OPEN);
    }
    return this.current;
  }

  /** Consecutive failures counted so far (reset by a success). */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /**
   * Whether a request may be sent now. In half-open state it returns `true` exactly once (the probe) until
   * {@link onSuccess} or {@link onFailure} reports its outcome.
   *
   * @example
   * ```ts
   * if (!breaker.canRequest()) return; // events stay journaled
   * ```
   */
  canRequest(): boolean {
    const state = this.state;
    if (state === BreakerStates.CLOSED) return true;
    if (state === BreakerStates.OPEN) return false;
    const now = this.now();
    if (this.probeAt !== null && now - this.probeAt < this.probeTimeoutMs) return false;
    this.probeAt = now;
    return true;
  }

  /**
   * Reports a successful request. Any success closes the breaker, even a late answer to a request sent
   * before it opened: the service is evidently reachable.
   *
   * @example
   * ```ts
   * breaker.onSuccess();
   * ```
   */
  onSuccess(): void {
    this.failures = 0;
    this.probeAt = null;
    if (this.current !== BreakerStates.CLOSED) this.transition(BreakerStates.CLOSED);
  }

  /**
   * Reports a failed request (one that should count against the service: network errors, timeouts, 5xx;
   * not an auth refusal, which says the service is up).
   *
   * @example
   * ```ts
   * breaker.onFailure();
   * ```
   */
  onFailure(): void {
    this.failures++;
    const state = this.state;
    if (state === BreakerStates.HALF_OPEN) {
      this.open();
    } else if (state === BreakerStates.CLOSED && this.failures >= this.threshold) {
      this.open();
    }
    // Already open: a straggler failure must not extend the cooldown, or a burst of in-flight requests
    // failing one by one would postpone the probe indefinitely.
  }

  /**
   * Milliseconds until a request may be attempted (0 when closed, or half-open with the probe available).
   *
   * @example
   * ```ts
   * setTimeout(flush, breaker.retryInMs());
   * ```
   */
  retryInMs(): number {
    const state = this.state;
    if (state === BreakerStates.CLOSED) return 0;
    const now = this.now();
    if (state === BreakerStates.OPEN) return Math.max(0, this.openedAt + this.cooldownMs - now);
    if (this.probeAt === null) return 0;
    return Math.max(0, this.probeAt + this.probeTimeoutMs - now);
  }

  /**
   * Subscribes to state transitions; returns the unsubscribe function.
   *
   * @example
   * ```ts
   * const off = breaker.onStateChange(({ from, to }) => logger.debug?.(`breaker ${from} → ${to}`));
   * off();
   * ```
   */
  onStateChange(listener: (transition: BreakerTransition) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Ends an open breaker's cooldown now: something cheaper than a request (a reachability probe) showed
   * that the service answers again, so the next request may be the probe, without waiting out the cooldown.
   * That probe decides as usual: success closes, failure opens again for a full cooldown. No-op unless open.
   *
   * @example
   * ```ts
   * if (await serviceAnswers()) breaker.endCooldown();
   * ```
   */
  endCooldown(): void {
    if (this.state !== BreakerStates.OPEN) return;
    this.probeAt = null;
    this.transition(BreakerStates.HALF_OPEN);
  }

  /**
   * Forces the breaker closed without a probe (e.g. an operator's explicit `sync()`), notifying listeners
   * if it was not closed.
   *
   * @example
   * ```ts
   * breaker.reset();
   * ```
   */
  reset(): void {
    this.onSuccess();
  }

  private open(): void {
    this.openedAt = this.now();
    this.probeAt = null;
    this.transition(BreakerStates.OPEN);
  }

  private transition(to: BreakerState): void {
    const from = this.current;
    this.current = to;
    if (from === to) return;
    const event: BreakerTransition = { from, to, failures: this.failures };
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.logger?.warn(
          `circuit breaker listener failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }
}
