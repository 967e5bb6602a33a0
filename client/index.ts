/**
 * The embeddable Session-Buddy client: the public entry of `client/`.
 *
 * Every write is journaled on disk first (synchronously, crash-safe) and delivered in the background,
 * batched, with bounded retries, full-jitter backoff and a circuit breaker; the service stores each start
 * and event once, so every record arrives exactly once even across crashes, restarts and replays.
 *
 * @example
 * ```ts
 * import { createClient } from "session-buddy/client";
 *
 * const client = createClient({ url: "http://127.0.0.1:8678/graphql", token, dataDir: "/home/ops/.session-buddy" });
 * const session = client.start({ component: "crackerjack", componentType: "inspector", shellType: "CrackerjackShell" });
 * const cmd = await session.record({ kind: "command", text: "lint()" });   // BUFFERED: never waits on the network
 * session.complete(cmd, { durationMs: 12, outcome: "ok" });
 * session.end("EXIT", 0);
 * await client.shutdown(2000);                                           // delivers, or journals for replay
 * ```
 */

import { hostname, userInfo } from "node:os";
import { v7 as uuidv7 } from "uuid";
import { EVENT_MODEL_VERSION } from "../contract/limits.js";
import { BACKOFF_DEFAULTS, RECOVERY_DEFAULTS } from "./backoff.js";
import { BREAKER_DEFAULTS, CircuitBreaker } from "./breaker.js";
import { Delivery, type DeliveryLimits, type PumpResult, StopReasons } from "./delivery.js";
import { messageOf, StrictJournalError } from "./errors.js";
import type { StartSessionInput } from "./gql/graphql.js";
import { type FsyncPolicy, JOURNAL_DEFAULTS, Journal, type JournalFs } from "./journal/journal.js";
import { PendingStore } from "./pending-store.js";
import { Tracker, type TrackerHost } from "./tracker.js";
import { httpTransport, type Transport } from "./transport.js";
import {
  type BreakerState,
  type CaptureMode,
  CaptureModes,
  type ClientEvent,
  type ClientLimits,
  type ClientOptions,
  type ClientStats,
  type FlushOptions,
  type FlushResult,
  type JournalStatus,
  type Logger,
  type SessionBuddyClientApi,
  type SessionInfo,
  type TrackedSession,
  type TrackingState,
} from "./types.js";

export { type ErrorCode, ErrorCodes } from "../contract/errors.js";
export { BreakerStates, CircuitBreaker } from "./breaker.js";
export { StopReasons } from "./delivery.js";
export { StrictJournalError, StrictNotAcknowledgedError } from "./errors.js";
export { classifyFailure, FailureClasses } from "./failure-class.js";
export { GraphQLRequestError } from "./graphql-http.js";
export {
  Journal,
  type JournalFailure,
  type JournalFs,
  type JournalInspection,
  journalDir,
  NODE_JOURNAL_FS,
} from "./journal/journal.js";
export { RecordKinds, recordKeys } from "./records.js";
export { ClientRefusals, refusalWords, trackingKey } from "./tracking.js";
export { httpTransport, type RequestContext, type Transport } from "./transport.js";
export * from "./types.js";

/** Defaults of {@link ClientLimits} (SPEC §6). */
export const CLIENT_DEFAULTS = {
  maxJournalEvents: JOURNAL_DEFAULTS.maxPending,
  maxJournalAgeMs: JOURNAL_DEFAULTS.maxAgeMs,
  batchSize: 200,
  maxAttempts: BACKOFF_DEFAULTS.maxAttempts,
  backoffBaseMs: BACKOFF_DEFAULTS.baseMs,
  backoffMaxMs: BACKOFF_DEFAULTS.maxMs,
  breakerThreshold: BREAKER_DEFAULTS.threshold,
  breakerCooldownMs: BREAKER_DEFAULTS.cooldownMs,
  recoveryProbeMs: RECOVERY_DEFAULTS.firstMs,
  recoveryProbeMaxMs: RECOVERY_DEFAULTS.maxMs,
  requestTimeoutMs: 5_000,
  heartbeatIntervalSeconds: 30,
  strictTimeoutMs: 5_000,
} as const satisfies Required<ClientLimits>;

/** {@link ClientOptions} plus knobs for tests, benchmarks and tools. */
export interface SessionBuddyClientOptions extends ClientOptions {
  /** How records reach the service. Default: GraphQL over HTTP to `url`. */
  transport?: Transport;
  /** Take over journals of dead processes (and closed ones) at creation. Default `true`. */
  claimOrphans?: boolean;
  /** Send an empty heartbeat at creation to learn reachability and token validity. Default `true`. */
  probe?: boolean;
  /** Journal fsync policy (see `JournalOptions.fsync`). Default `"interval"`, ends fsynced at once. */
  fsync?: FsyncPolicy;
  /** Uniform random source for backoff jitter. Default `Math.random`. */
  random?: () => number;
  /** The journal's file-system calls (see `JournalOptions.fs`), e.g. wrapped to inject ENOSPC or EROFS. */
  journalFs?: JournalFs;
  /** While the journal cannot be written, how often it is tried again (see `JournalOptions.writeRetryMs`). */
  journalWriteRetryMs?: number;
}

/**
 * Creates a client. One per process is the norm; several may share a data dir (each has its own journal
 * file). Never throws on I/O or network problems: it reports them through `tracking()` and the logger.
 *
 * @example
 * ```ts
 * const client = createClient({ url, getToken: () => readToken(), dataDir, captureMode: "STRICT" });
 * ```
 */
export function createClient(options: SessionBuddyClientOptions): SessionBuddyClient {
  return new SessionBuddyClient(options);
}

/**
 * The client a component embeds (see {@link createClient}).
 *
 * Tracking states (`tracking()`, see {@link TrackingState}), as the banner of a shell shows them:
 * - `connecting` — the service has not answered yet (slow is not unreachable);
 * - `enabled` — the service acknowledged the last request;
 * - `buffering` — the service is unreachable: records are journaled and replayed when it is back, which
 *   cheap reachability probes notice within seconds (at most `recoveryProbeMaxMs`);
 * - `refused` — the service refused the token (expired, wrong audience, component not allowed, …) or there
 *   is none: records stay journaled and are sent once a valid token is configured — refusing to record
 *   would lose the audit trail, so the client keeps journaling and says why;
 * - `strict-blocked` — STRICT capture while the service is unreachable, refuses the token, or the journal
 *   fails: commands are refused, and nothing is replayed for them;
 * - `degraded` — the journal cannot be written; `disabled` — the client was shut down.
 */
export class SessionBuddyClient implements SessionBuddyClientApi {
  readonly captureMode: CaptureMode;
  readonly url: string;
  private readonly journal: Journal;
  private readonly store: PendingStore;
  private readonly breaker: CircuitBreaker;
  private readonly delivery: Delivery;
  private readonly clock: () => number;
  private readonly logger: Logger | undefined;
  private readonly sessions = new Map<string, Tracker>();
  private readonly acknowledged = new Set<string>();
  private readonly starts = new Map<string, StartSessionInput>();
  private readonly heartbeatTimer: NodeJS.Timeout;
  /** How long {@link heartbeatNow} waits by default: a request in flight ahead of it, then its own. */
  private readonly heartbeatTimeoutMs: number;
  private shutdownPromise: Promise<void> | null = null;
  private closed = false;
  private readonly host: TrackerHost;

  constructor(options: SessionBuddyClientOptions) {
    const limits = { ...CLIENT_DEFAULTS, ...definedOnly(options.limits ?? {}) };
    this.captureMode = options.captureMode ?? CaptureModes.BUFFERED;
    this.url = options.url;
    this.clock = options.now ?? Date.now;
    this.logger = options.logger;
    this.journal = new Journal({
      dataDir: options.dataDir,
      maxPending: limits.maxJournalEvents,
      maxAgeMs: limits.maxJournalAgeMs,
      now: this.clock,
      ...(options.fsync ? { fsync: options.fsync } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.journalFs ? { fs: options.journalFs } : {}),
      ...(options.journalWriteRetryMs !== undefined ? { writeRetryMs: options.journalWriteRetryMs } : {}),
    });
    this.store = new PendingStore(this.journal, limits.maxJournalEvents, options.logger, this.clock);
    this.breaker = new CircuitBreaker({
      threshold: limits.breakerThreshold,
      cooldownMs: limits.breakerCooldownMs,
      // A probe may legitimately take a whole request timeout; never let a lost one wedge the breaker.
      probeTimeoutMs: Math.max(limits.breakerCooldownMs, limits.requestTimeoutMs * 2),
      now: this.clock,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    const token = options.token;
    const getToken = options.getToken;
    const deliveryLimits: DeliveryLimits = {
      batchSize: Math.max(1, Math.min(1000, Math.floor(limits.batchSize))),
      maxBatchBytes: 1024 * 1024,
      maxAttempts: Math.max(1, Math.floor(limits.maxAttempts)),
      backoffBaseMs: limits.backoffBaseMs,
      backoffMaxMs: limits.backoffMaxMs,
      requestTimeoutMs: limits.requestTimeoutMs,
      strictTimeoutMs: limits.strictTimeoutMs,
      parkMs: Math.max(1000, limits.heartbeatIntervalSeconds * 1000),
      recovery: { firstMs: limits.recoveryProbeMs, maxMs: limits.recoveryProbeMaxMs },
    };
    this.delivery = new Delivery({
      store: this.store,
      transport: options.transport ?? httpTransport(options.url),
      breaker: this.breaker,
      limits: deliveryLimits,
      url: options.url,
      getToken: getToken ?? (() => token),
      knownStart: (id) => this.starts.get(id),
      heartbeatIds: () => [...this.sessions.keys()].filter((id) => this.acknowledged.has(id)),
      onStartSettled: (id, ok) => {
        // Once stored, a start never needs journaling again.
        this.starts.delete(id);
        if (ok && this.sessions.has(id)) this.acknowledged.add(id);
      },
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.random ? { random: options.random } : {}),
      captureMode: this.captureMode,
      now: this.clock,
    });
    // The moment the service is back: take over what dead processes left and replay everything.
    this.breaker.onStateChange(({ from, to }) => {
      if (to === "closed" && from !== "closed") {
        this.store.claim();
        this.delivery.schedule();
      }
    });
    this.host = {
      captureMode: this.captureMode,
      now: () => this.clock(),
      append: (key, kind, at, body) => {
        const version = this.store.append({ key, kind, at, body });
        this.delivery.schedule();
        return version;
      },
      confirm: (key, version, what) => {
        if (this.store.heldInMemory(key)) {
          // Not on disk, so not safe from a crash: STRICT refuses, and the record must not be sent later
          // as if the action it describes had happened.
          const why = this.store.unwritable ?? "the journal cannot be written";
          this.store.ack([{ key, version }]);
          return Promise.reject(
            new StrictJournalError(
              `${what} could not be journaled (${why}); STRICT capture does not proceed without a journaled record`,
            ),
          );
        }
        return this.delivery.confirm(key, version, what);
      },
      closed: (tracker) => {
        this.sessions.delete(tracker.id);
        this.acknowledged.delete(tracker.id);
      },
    };
    this.heartbeatTimer = setInterval(
      () => {
        if (this.closed) return;
        this.store.retryJournal();
        this.store.claim();
        void this.delivery.pump({ heartbeat: true }).catch(() => undefined);
      },
      Math.max(10, limits.heartbeatIntervalSeconds * 1000),
    );
    this.heartbeatTimer.unref();
    this.heartbeatTimeoutMs = 2 * limits.requestTimeoutMs;
    if (options.claimOrphans !== false) {
      const claimed = this.store.claim();
      if (claimed.records > 0)
        this.logger?.debug?.(`journal: replaying ${claimed.records} record(s) left by earlier processes`);
    }
    if (options.probe !== false || this.store.depth > 0) this.delivery.schedule();
  }

  /** Current tracking state; see the class comment for what each state means. */
  tracking(): TrackingState {
    if (this.closed) return { state: "disabled", reason: "the client was shut down" };
    return this.delivery.tracking();
  }

  /**
   * When the current tracking state began (ISO 8601): a new failure within a state does not move it.
   *
   * @example
   * ```ts
   * console.log(`${client.tracking().state} since ${client.trackingSince()}`);
   * ```
   */
  trackingSince(): string {
    return new Date(this.delivery.stateSince()).toISOString();
  }

  /**
   * Calls `listener` whenever `tracking()` changes to another state (see
   * {@link SessionBuddyClientApi.onTrackingChange}), once per change. Returns the unsubscribe function.
   *
   * @example
   * ```ts
   * const off = client.onTrackingChange((s) => banner.update(s));
   * ```
   */
  onTrackingChange(listener: (state: TrackingState) => void): () => void {
    return this.delivery.onTrackingChange(listener);
  }

  /**
   * Calls `listener` for delivery events (records delivered or refused, heartbeats, passes that stopped).
   *
   * @example
   * ```ts
   * client.onEvent((e) => { if (e.type === "rejected") console.warn(e.code, e.message); });
   * ```
   */
  onEvent(listener: (event: ClientEvent) => void): () => void {
    return this.delivery.onEvent(listener);
  }

  /**
   * Resolves with `tracking()` once the service answered (or failed to) for the first time, or after
   * `timeoutMs` — for a banner that should show the real state without delaying the prompt much.
   *
   * @example
   * ```ts
   * const state = await client.ready(300);
   * ```
   */
  ready(timeoutMs = 1000): Promise<TrackingState> {
    if (this.delivery.settled || this.closed) return Promise.resolve(this.tracking());
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        off();
        offEvent();
        resolve(this.tracking());
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      const off = this.onTrackingChange(() => {
        if (this.delivery.settled) done();
      });
      const offEvent = this.onEvent(() => {
        if (this.delivery.settled) done();
      });
    });
  }

  /**
   * Opens a session. The start is journaled at once (synchronously) and sent in the background; in STRICT
   * mode `session.started` settles with the service's acknowledgement.
   *
   * @example
   * ```ts
   * const session = client.start({ component: "akosha", componentType: "diviner", shellType: "AkoshaShell" });
   * await session.started; // STRICT: rejects if the service did not acknowledge
   * ```
   */
  start(info: SessionInfo): TrackedSession {
    const id = info.id ?? uuidv7({ msecs: this.clock() });
    const startedAt = this.clock();
    const input: StartSessionInput = {
      id,
      type: info.type ?? "admin_shell",
      component: info.component,
      ...(info.componentType !== undefined ? { componentType: info.componentType } : {}),
      ...(info.componentVersion !== undefined ? { componentVersion: info.componentVersion } : {}),
      ...(info.shellType !== undefined ? { shellType: info.shellType } : {}),
      adapters: info.adapters ?? [],
      startedAt: new Date(startedAt).toISOString(),
      pid: info.pid ?? process.pid,
      username: info.username ?? osUser(),
      hostname: info.hostname ?? hostname(),
      environment: info.environment ?? {},
      metadata: info.metadata ?? {},
      captureMode: this.captureMode,
      ...(info.reason
        ? { reason: { text: info.reason.text, ticketRef: info.reason.ticketRef ?? null } }
        : {}),
      ...(info.actorKind ? { actorKind: info.actorKind } : {}),
      eventId: uuidv7({ msecs: startedAt }),
      eventVersion: EVENT_MODEL_VERSION,
    };
    this.starts.set(id, input);
    const tracker = new Tracker(this.host, input);
    if (!tracker.isEnded) this.sessions.set(id, tracker);
    return tracker;
  }

  /**
   * Sends everything pending now (this process's records and any it claimed); resolves when nothing
   * sendable is left or delivery stopped (service unreachable, breaker open, token refused, timeout).
   *
   * @example
   * ```ts
   * const { delivered, pending } = await client.flush({ timeoutMs: 5000 });
   * ```
   */
  async flush(options: FlushOptions = {}): Promise<FlushResult> {
    if (this.closed) return { delivered: 0, pending: this.store.depth };
    const result = await this.pumpUntilSettled(options);
    return { delivered: result.delivered, pending: this.store.depth };
  }

  /** Like {@link flush}, also telling why it stopped (for tools such as `session-buddy buffer replay`). */
  async flushDetailed(options: FlushOptions = {}): Promise<FlushResult & { stop: string; error?: string }> {
    const result = await this.pumpUntilSettled(options);
    return {
      delivered: result.delivered,
      pending: this.store.depth,
      stop: result.stop,
      ...(result.error ? { error: result.error } : {}),
    };
  }

  /**
   * Sends a heartbeat now for every open, acknowledged session, carrying the client's health (journal
   * depth, oldest pending age, breaker state, drops per reason, why the journal cannot be written).
   * Resolves with the number of sessions touched — 0 when none was, or when no heartbeat was acknowledged
   * within `timeoutMs` (default twice the request timeout), even if a delivery pass is stuck meanwhile.
   *
   * @example
   * ```ts
   * await client.heartbeatNow(2000);
   * ```
   */
  heartbeatNow(timeoutMs = this.heartbeatTimeoutMs): Promise<number> {
    if (this.closed) return Promise.resolve(0);
    this.store.retryJournal();
    return this.delivery.heartbeatNow(timeoutMs);
  }

  /** Takes over journals left by dead processes (done at creation and when the service comes back). */
  claimOrphans(): { files: number; records: number; corrupt: number } {
    const result = this.store.claim();
    if (result.records > 0) this.delivery.schedule();
    return result;
  }

  journalStatus(): JournalStatus {
    return this.store.status();
  }

  /** The circuit breaker's state. */
  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  /** Counters since creation. */
  stats(): ClientStats {
    return { ...this.delivery.stats };
  }

  /**
   * Delivers what it can within `timeoutMs`, then stops timers and closes the journal: anything still
   * pending stays on disk in a file the next client (or `session-buddy buffer replay`) claims at once.
   * Safe to call more than once; later calls return the same promise.
   *
   * @example
   * ```ts
   * session.end("EXIT", 0);
   * await client.shutdown(1500);
   * ```
   */
  shutdown(timeoutMs = 2000): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    clearInterval(this.heartbeatTimer);
    const deadline = performance.now() + Math.max(0, timeoutMs);
    this.shutdownPromise = (async () => {
      try {
        if (!this.closed && this.store.depth > 0) {
          // A pass already running has no deadline of its own; the bound holds anyway: each pass answers by
          // the deadline (see Delivery.pump), then the journal is closed and the request in flight aborted.
          // When the service just failed, one more try per request, then the journal keeps the rest: the
          // operator should not wait out a backoff on the way out.
          if (this.delivery.failing) this.delivery.interruptBackoff();
          await this.pumpUntilSettled({ deadline, noRetry: this.delivery.failing });
        }
      } catch (error) {
        this.logger?.warn(`shutdown: delivery failed: ${messageOf(error)}`);
      } finally {
        this.shutdownSync();
      }
    })();
    return this.shutdownPromise;
  }

  /**
   * Exit-path shutdown: no awaits, safe in a signal handler or an `exit` listener. Stops timers, aborts the
   * request in flight and closes the journal (synchronously; pending records stay on disk for replay).
   * Records written after this (e.g. an end on the exit path) are still journaled. Idempotent.
   *
   * @example
   * ```ts
   * process.on("exit", () => { session.end("EXIT", process.exitCode ?? 0); client.shutdownSync(); });
   * ```
   */
  shutdownSync(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeatTimer);
    this.delivery.close();
    this.store.close();
  }

  /** Runs passes until one ends for a reason other than new work arriving mid-pass. */
  private async pumpUntilSettled(
    options: FlushOptions & { deadline?: number; noRetry?: boolean },
  ): Promise<PumpResult> {
    const deadline =
      options.deadline ??
      (options.timeoutMs !== undefined ? performance.now() + options.timeoutMs : undefined);
    let delivered = 0;
    for (;;) {
      const result = await this.delivery.pump({
        ...(options.force ? { force: true } : {}),
        ...(deadline !== undefined ? { deadline } : {}),
        ...(options.noRetry ? { noRetry: true } : {}),
      });
      delivered += result.delivered;
      // Records appended while the pass ran are picked up by its next round, so one DONE pass normally
      // suffices; loop only while passes make progress and something is still sendable.
      if (result.stop !== StopReasons.DONE || result.delivered === 0 || this.store.depth === 0)
        return { ...result, delivered };
    }
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function osUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
