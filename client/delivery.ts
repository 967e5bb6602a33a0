/**
 * The delivery loop of the embeddable client: it reads pending records from the journal, sends them in
 * batches through a {@link Transport}, and acknowledges them in the journal once the service answered.
 *
 * Algorithm (one loop per client, one request in flight at a time):
 * 1. Each round re-reads the pending records (journal order: claimed files first, then this process's own)
 *    and picks one request: a due heartbeat; else the first pending session start; else up to `batchSize`
 *    events of sessions whose start is no longer pending; else the end of a session with no sendable events
 *    left. A session's start is therefore acknowledged before its events and its end are sent.
 * 2. A request is attempted while the circuit breaker allows it, retried on transient failures (network,
 *    timeout, 5xx) with full-jitter exponential backoff up to `maxAttempts`; each transient failure counts
 *    against the breaker. Any GraphQL answer, even a refusal, proves the service reachable.
 * 3. Outcomes: acknowledged → `ack` in the journal (only the version that was sent: a record completed or
 *    replaced meanwhile stays pending); refused for good (`BAD_USER_INPUT`, `CONFLICT`, a record-specific
 *    `FORBIDDEN`) → dropped from the journal, counted and logged once; `NOT_FOUND` (the service does not know
 *    the session yet) → the start is journaled again when this client knows it, otherwise the records are
 *    parked and retried later; the token refused (`UNAUTHENTICATED`, a token-wide `FORBIDDEN`) → sending
 *    stops, records stay journaled, the refusal is logged once, and sending resumes when `getToken` yields a
 *    different token or on a forced flush.
 * 4. The loop ends when nothing is sendable, the breaker is open, the token was refused, the retries are
 *    spent or a deadline passed; a timer (unref'd) schedules the next attempt. A caller with a deadline
 *    (`flush`, `heartbeatNow`, STRICT) gets its answer by the deadline even while an earlier pass is
 *    still running, e.g. stuck on a request that ignores its abort signal.
 * 4a. While the breaker is open, a reachability probe — an empty heartbeat, which stores nothing and costs
 *    the service no database work — runs on a short cadence (1 s, doubling, at most 5 s, jittered; outside
 *    the breaker, which it never extends). When the service answers, the breaker's cooldown ends and the
 *    next real request is its probe (success: closed, the journal is replayed; failure: open again); so
 *    tracking is Enabled again seconds after the service is back, not a whole cooldown later, and a
 *    service that answers but cannot store (its database down) costs one probe and one request per round.
 * 5. A record this client cannot send (a journal record without a session id) is dropped here and counted
 *    as `malformed`, never reported as refused by the service; records the pending store could not keep
 *    (memory bound, journal bounds) are counted there. Heartbeats carry the drops per reason and why the
 *    journal cannot be written.
 *
 * The journal makes delivery at-least-once; the service stores each start by id and each event by eventId
 * once, so end to end every record is stored exactly once.
 */

import { CaptureModes, DropReasons } from "../contract/enums.js";
import { backoffDelay, recoveryDelay, sleep } from "./backoff.js";
import { BreakerStates, type CircuitBreaker } from "./breaker.js";
import { sendEvents } from "./delivery-send.js";
import { deliveryState, deliverySummary, notAcknowledgedWhy } from "./delivery-state.js";
import {
  approximateSize,
  byDeadline,
  type DeliveryLimits,
  type DeliveryOptions,
  mergeOptions,
  type PumpOptions,
  type PumpResult,
  StopReasons,
} from "./delivery-types.js";
import { messageOf, StrictNotAcknowledgedError } from "./errors.js";
import { classifyCode, classifyFailure, type FailureClass, FailureClasses } from "./failure-class.js";
import type { ClientHealthInput, EndSessionInput, StartSessionInput } from "./gql/graphql.js";
import { GraphQLRequestError } from "./graphql-http.js";
import { addDrops, totalDrops } from "./journal/drops.js";
import type { PendingRecord, PendingStore } from "./pending-store.js";
import { RecordKinds, recordKeys, sessionOf } from "./records.js";
import { ClientRefusals, refusalCode, refusalWords, trackingKey } from "./tracking.js";
import type { RecordEventsResult, RequestContext, Transport } from "./transport.js";
import type { ClientEvent, ClientStats, DropCounts, Logger, RefusalCode, TrackingState } from "./types.js";

export {
  type DeliveryLimits,
  type DeliveryOptions,
  type PumpOptions,
  type PumpResult,
  type StopReason,
  StopReasons,
} from "./delivery-types.js";

interface Waiter {
  key: string;
  /** What the record is, for the error message. */
  what: string;
  version: number;
  /** Pumps started before this waiter registered cannot settle it as failed. */
  epoch: number;
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

type Work =
  | { type: "heartbeat"; ids: string[]; probe: boolean }
  | { type: "start"; record: PendingRecord; sessionId: string }
  | { type: "events"; records: PendingRecord[] }
  | { type: "end"; record: PendingRecord; sessionId: string };

type Attempt =
  | { ok: true; value: unknown }
  | { ok: false; cls: FailureClass; error: unknown }
  | { ok: false; cls: "breaker" | "deadline" | "closed"; error?: unknown };

const HEARTBEAT_ID_CHUNK = 1000;

/**
 * The sender: one pass at a time, passes requested while one runs are merged into the next.
 *
 * @example
 * ```ts
 * const delivery = new Delivery({ store, transport: httpTransport(url), breaker, limits, url, getToken });
 * delivery.schedule();                 // after an append: send soon, in the background
 * await delivery.pump({ deadline });   // shutdown: send what can be sent in time
 * ```
 */
export class Delivery {
  readonly stats: ClientStats = {
    delivered: 0,
    duplicates: 0,
    rejected: 0,
    requests: 0,
    failures: 0,
    heartbeats: 0,
  };
  private readonly store: PendingStore;
  private readonly transport: Transport;
  private readonly breaker: CircuitBreaker;
  private readonly limits: DeliveryLimits;
  private readonly options: DeliveryOptions;
  private readonly logger: Logger | undefined;
  private readonly random: () => number;
  private readonly eventListeners = new Set<(event: ClientEvent) => void>();
  private readonly stateListeners = new Set<(state: TrackingState) => void>();

  private chain: Promise<unknown> = Promise.resolve();
  private queued: Promise<PumpResult> | null = null;
  private queuedOptions: PumpOptions = {};
  private epoch = 0;
  private scheduled = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryAt = Number.POSITIVE_INFINITY;
  private abort = new AbortController();
  /** The signal of the pass in flight: aborted by `close()` or the pass's deadline. */
  private currentSignal: AbortSignal = this.abort.signal;
  /** Cuts a backoff wait short (see {@link interruptBackoff}); replaced after each use. */
  private backoffWake = new AbortController();
  private closed = false;

  /** Whether the service ever answered; `tracking()` says "enabled" only after it did. */
  private answered = false;
  private lastFailure: string | null = null;
  /** The token was refused (`refused`) or could not be obtained (`missing`); sending waits for a new one. */
  private authRefused: {
    token: string | undefined;
    message: string;
    kind: "refused" | "missing";
    code: RefusalCode;
  } | null = null;
  /** The next reachability probe while the breaker is open (see the module comment, 4a). */
  private recoveryTimer: NodeJS.Timeout | null = null;
  /** Reachability probes scheduled since the last acknowledged request: sets the probe cadence. */
  private recoveryRound = 0;
  private heartbeatDue = false;
  /** Drops told to the service by acknowledged heartbeats, per reason. */
  private droppedReported: DropCounts = {};
  private readonly parked = new Map<string, number>();
  private readonly rejectedSessions = new Set<string>();
  private readonly restartedStarts = new Set<string>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly logged = new Set<string>();
  private readonly strict: boolean;
  private readonly now: () => number;
  /** The key ({@link stateKey}) of the state last told to listeners, and since when it holds. */
  private lastState: string;
  private since: number;

  constructor(options: DeliveryOptions) {
    this.options = options;
    this.store = options.store;
    this.transport = options.transport;
    this.breaker = options.breaker;
    this.limits = options.limits;
    this.logger = options.logger;
    this.random = options.random ?? Math.random;
    this.strict = options.captureMode === CaptureModes.STRICT;
    this.now = options.now ?? Date.now;
    this.lastState = this.stateKey(this.tracking());
    this.since = this.now();
    this.breaker.onStateChange(() => this.emitState());
    this.store.onDrop((reason, records, message) => this.emit({ type: "dropped", reason, records, message }));
    this.store.onHealthChange(() => this.emitState());
  }

  /** Every drop of this client, reported to the service or not yet, per reason (what heartbeats carry). */
  get drops(): DropCounts {
    return addDrops(this.droppedReported, this.store.droppedByReason);
  }

  /**
   * The tracking state as an operator should see it (see {@link TrackingState}): `connecting` until the
   * service first answers; `enabled` while it acknowledges; `buffering` while it cannot be reached;
   * `refused` while the token is refused or missing; in STRICT capture `strict-blocked` instead of the
   * last two (commands are refused, so nothing is promised for later); `degraded` (BUFFERED) or
   * `strict-blocked` (STRICT) while the journal cannot be written; `disabled` once closed.
   */
  tracking(): TrackingState {
    if (this.closed) return { state: "disabled", reason: "the client was shut down" };
    const state = this.deliveryState();
    const failure = this.store.failure;
    if (failure === null) return state;
    if (this.strict)
      return {
        state: "strict-blocked",
        cause: "journal",
        reason: `journal failing: ${failure.description}; commands are refused until it can be written`,
        detail: failure.description,
      };
    const dropped = totalDrops(this.drops);
    const held = this.store.inMemory;
    return {
      state: "degraded",
      reason:
        `journal failing: ${failure.description} — ${dropped === 0 ? "no records dropped" : `${dropped} record(s) dropped`}` +
        (held > 0 ? `, ${held} held in memory only` : "") +
        (state.state === "enabled" ? "" : `; ${deliverySummary(state)}`),
    };
  }

  /** When the current state (by {@link stateKey}) began, as a clock value. */
  stateSince(): number {
    // A state read before it was told (the breaker's cooldown ends on reading) is told now.
    this.emitState();
    return this.since;
  }

  private deliveryState(): TrackingState {
    return deliveryState({
      refused: this.authRefused,
      strict: this.strict,
      breaker: this.breaker.state,
      lastFailure: this.lastFailure,
      answered: this.answered,
      url: this.options.url,
    });
  }

  onTrackingChange(listener: (state: TrackingState) => void): () => void {
    this.stateListeners.add(listener);
    return () => {
      this.stateListeners.delete(listener);
    };
  }

  onEvent(listener: (event: ClientEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => {
      this.eventListeners.delete(listener);
    };
  }

  /**
   * Ends the running pass's backoff wait now (the pass stops as at a deadline; its records stay journaled).
   * Used on the way out, when waiting for a service that just failed would only delay the operator.
   */
  interruptBackoff(): void {
    this.backoffWake.abort(new Error("interrupted"));
    this.backoffWake = new AbortController();
  }

  /** The last request failed to reach the service (unreachable, timed out, 5xx). */
  get failing(): boolean {
    return this.lastFailure !== null;
  }

  /** Whether the service has answered at least once, or the loop has given up for now. */
  get settled(): boolean {
    return this.answered || this.lastFailure !== null || this.authRefused !== null;
  }

  /** Requests a background pass soon (coalesced). Never throws, never blocks. */
  schedule(): void {
    if (this.closed || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.closed) void this.pump().catch((error) => this.logger?.warn(`delivery: ${messageOf(error)}`));
    });
  }

  /**
   * Marks a heartbeat due and runs a pass. Resolves with the number of sessions the heartbeat touched as
   * soon as one is acknowledged; with 0 when the pass ends without one (nothing open, service unreachable)
   * or `timeoutMs` passes first — a pass still running ahead of it cannot hold the caller, and the
   * heartbeat stays due for the next pass.
   */
  heartbeatNow(timeoutMs: number): Promise<number> {
    return new Promise<number>((resolve) => {
      const finish = (sessions: number) => {
        clearTimeout(timer);
        off();
        resolve(sessions);
      };
      const off = this.onEvent((event) => {
        if (event.type === "heartbeat") finish(event.sessions);
      });
      const timer = setTimeout(() => finish(0), Math.max(0, timeoutMs));
      this.pump({ heartbeat: true }).then(
        () => finish(0),
        () => finish(0),
      );
    });
  }

  /**
   * Runs one delivery pass (after the running one, if any). Passes requested while one is queued are merged
   * into it: the strongest options win (force, heartbeat, earliest deadline). With a deadline the answer
   * comes by the deadline even when the pass ahead is still running (then `stop` is `deadline`).
   */
  pump(options: PumpOptions = {}): Promise<PumpResult> {
    if (options.heartbeat) this.heartbeatDue = true;
    let run: Promise<PumpResult>;
    if (this.queued) {
      this.queuedOptions = mergeOptions(this.queuedOptions, options);
      run = this.queued;
    } else {
      this.queuedOptions = options;
      run = this.chain.then(() => {
        this.queued = null;
        const opts = this.queuedOptions;
        this.queuedOptions = {};
        return this.run(opts);
      });
      this.queued = run;
      this.chain = run.catch(() => undefined);
    }
    return options.deadline === undefined ? run : byDeadline(run, options.deadline);
  }

  /**
   * STRICT mode: resolves once the record `key` (at `version` or later) is acknowledged, rejects with
   * {@link StrictNotAcknowledgedError} when a pass ends without delivering it or `strictTimeoutMs` passes.
   * A record that was not acknowledged is removed from the journal: the caller refuses the action it
   * describes, so it must not be replayed as if it had happened.
   */
  confirm(key: string, version: number, what: string): Promise<void> {
    if (this.closed)
      return Promise.reject(
        new StrictNotAcknowledgedError(`${what} not acknowledged: the client was shut down`),
      );
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        key,
        what,
        version,
        // Run() increments the epoch as it starts: the next pass is the first that may settle this waiter.
        epoch: this.epoch + 1,
        resolve: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(waiter.timer);
          reject(error);
        },
        timer: undefined,
      };
      waiter.timer = setTimeout(() => {
        this.settleWaiter(
          waiter,
          new StrictNotAcknowledgedError(
            `${what} not acknowledged by ${this.options.url} within ${this.limits.strictTimeoutMs} ms`,
          ),
        );
      }, this.limits.strictTimeoutMs);
      waiter.timer.unref();
      const list = this.waiters.get(key) ?? [];
      list.push(waiter);
      this.waiters.set(key, list);
      void this.pump({ deadline: performance.now() + this.limits.strictTimeoutMs }).then(
        (result) => {
          if (this.waiters.get(key)?.includes(waiter)) {
            this.settleWaiter(waiter, this.strictError(what, result));
          }
        },
        (error) =>
          this.settleWaiter(
            waiter,
            new StrictNotAcknowledgedError(`${what} not acknowledged`, { cause: error }),
          ),
      );
    });
  }

  /** Stops timers, aborts the request in flight and rejects STRICT waiters. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort(new Error("the client was shut down"));
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.recoveryTimer) clearTimeout(this.recoveryTimer);
    this.recoveryTimer = null;
    for (const list of [...this.waiters.values()]) {
      for (const w of [...list])
        this.settleWaiter(w, new StrictNotAcknowledgedError("not acknowledged: the client was shut down"));
    }
    this.emitState();
  }

  // ---------------------------------------------------------------------------------------------------------

  private async run(options: PumpOptions): Promise<PumpResult> {
    this.epoch++;
    const epoch = this.epoch;
    const result: PumpResult = { delivered: 0, stop: StopReasons.DONE };
    if (this.abort.signal.aborted && !this.closed) this.abort = new AbortController();
    let deadlineTimer: NodeJS.Timeout | undefined;
    let detach = () => {};
    const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
    if (Number.isFinite(deadline)) {
      // Aborts a request still in flight at the deadline; the record stays journaled.
      const local = new AbortController();
      const parent = this.abort.signal;
      const onParent = () => local.abort(parent.reason);
      parent.addEventListener("abort", onParent, { once: true });
      detach = () => parent.removeEventListener("abort", onParent);
      deadlineTimer = setTimeout(
        () => local.abort(new Error("deadline")),
        Math.max(0, deadline - performance.now()),
      );
      deadlineTimer.unref();
      this.currentSignal = local.signal;
    } else {
      this.currentSignal = this.abort.signal;
    }
    let probed = false;
    try {
      for (;;) {
        if (this.closed) {
          result.stop = StopReasons.CLOSED;
          break;
        }
        if (performance.now() >= deadline) {
          result.stop = StopReasons.DEADLINE;
          break;
        }
        let token: string | undefined;
        try {
          token = await this.options.getToken();
        } catch (error) {
          this.refuseAuth(undefined, messageOf(error), "missing", ClientRefusals.NO_TOKEN);
          result.stop = StopReasons.AUTH;
          result.error = this.refusalText();
          break;
        }
        if (this.authRefused && !options.force && token === this.authRefused.token) {
          result.stop = StopReasons.AUTH;
          result.error = this.refusalText();
          break;
        }
        if (!options.force && this.breaker.state === BreakerStates.OPEN) {
          if (!options.recover || probed) {
            // Checked before looking for work, which would cost a scan of the journal for nothing.
            result.stop = StopReasons.BREAKER_OPEN;
            result.error = this.lastFailure ?? undefined;
            this.scheduleRetry(Math.max(1, this.breaker.retryInMs()));
            break;
          }
          // A reachability probe, outside the breaker: an answer ends its cooldown (4a).
          probed = true;
          const answer = await this.reachabilityProbe(token, deadline);
          if (answer.kind === "answered") {
            if (this.nextWork() === null) {
              // Nothing to send: the answer is all there was to learn.
              this.lastFailure = null;
              this.recoveryRound = 0;
              this.breaker.onSuccess();
            } else {
              // The next request is the breaker's probe; it decides, as after a cooldown.
              this.breaker.endCooldown();
            }
            continue;
          }
          if (answer.kind === "refused") {
            this.refuseAuth(token, messageOf(answer.error), "refused", refusalCode(answer.error));
            this.breaker.onSuccess();
            result.stop = StopReasons.AUTH;
            result.error = this.refusalText();
            break;
          }
          result.stop =
            answer.kind === "closed"
              ? StopReasons.CLOSED
              : answer.kind === "deadline"
                ? StopReasons.DEADLINE
                : StopReasons.BREAKER_OPEN;
          result.error = this.lastFailure ?? undefined;
          break;
        }
        let work = this.nextWork();
        if (!work && !probed && (!this.answered || this.lastFailure !== null || this.authRefused)) {
          // Nothing to send, but the state is not known to be good: an empty heartbeat checks reachability
          // and the token without storing anything.
          work = { type: "heartbeat", ids: [], probe: true };
        }
        if (!work) break;
        if (work.type === "heartbeat" && work.probe) probed = true;
        if (!options.force && !this.breaker.canRequest()) {
          result.stop = StopReasons.BREAKER_OPEN;
          result.error = this.lastFailure ?? undefined;
          this.scheduleRetry(Math.max(1, this.breaker.retryInMs()));
          break;
        }
        const attempt = await this.attempt(
          work,
          token,
          deadline,
          options.force === true,
          options.noRetry === true,
        );
        if (attempt.ok) {
          result.delivered += this.handleSuccess(work, attempt.value);
          continue;
        }
        if (attempt.cls === "closed") {
          result.stop = StopReasons.CLOSED;
          break;
        }
        if (attempt.cls === "deadline") {
          result.stop = StopReasons.DEADLINE;
          break;
        }
        if (attempt.cls === "breaker") {
          result.stop = StopReasons.BREAKER_OPEN;
          result.error = this.lastFailure ?? undefined;
          this.scheduleRetry(Math.max(1, this.breaker.retryInMs()));
          break;
        }
        if (attempt.cls === FailureClasses.TRANSIENT) {
          result.stop = StopReasons.UNREACHABLE;
          result.error = this.lastFailure ?? messageOf(attempt.error);
          this.scheduleRetry(
            this.breaker.state === BreakerStates.CLOSED
              ? Math.max(this.limits.backoffBaseMs, backoffDelay(this.limits.maxAttempts, this.backoff()))
              : Math.max(1, this.breaker.retryInMs()),
          );
          break;
        }
        if (attempt.cls === FailureClasses.AUTH) {
          // Refused first, then the breaker closes: listeners never hear a passing "enabled".
          this.refuseAuth(token, messageOf(attempt.error), "refused", refusalCode(attempt.error));
          this.breaker.onSuccess();
          result.stop = StopReasons.AUTH;
          result.error = this.refusalText();
          break;
        }
        this.handleRefusal(work, attempt.cls, attempt.error);
      }
    } finally {
      clearTimeout(deadlineTimer);
      detach();
      this.currentSignal = this.abort.signal;
    }
    // A pass cut short by a caller's deadline (STRICT, flush with a timeout) leaves the rest to the background.
    if (result.stop === StopReasons.DEADLINE) this.scheduleRetry(Math.max(1, this.limits.backoffBaseMs));
    this.scheduleRecovery();
    if (result.delivered > 0) this.emit({ type: "delivered", records: result.delivered });
    if (result.stop !== StopReasons.DONE) this.emit({ type: "stopped", reason: result.stop });
    this.scheduleUnpark();
    this.emitState();
    // STRICT waiters registered before this pass whose record is still pending will not be delivered now.
    for (const list of [...this.waiters.values()]) {
      for (const w of [...list]) if (w.epoch <= epoch) this.settleWaiter(w, this.strictError(w.what, result));
    }
    return result;
  }

  /** One request with bounded retries. */
  private async attempt(
    work: Work,
    token: string | undefined,
    deadline: number,
    force: boolean,
    noRetry = false,
  ): Promise<Attempt> {
    for (let attempt = 1; ; attempt++) {
      if (this.closed) return { ok: false, cls: "closed" };
      const left = deadline - performance.now();
      if (left <= 0) return { ok: false, cls: "deadline" };
      const ctx: RequestContext = {
        token,
        timeoutMs: Math.max(1, Math.ceil(Math.min(this.limits.requestTimeoutMs, left))),
        signal: this.currentSignal,
      };
      try {
        this.stats.requests++;
        const value = await this.send(work, ctx);
        this.answered = true;
        this.lastFailure = null;
        this.authRefused = null;
        this.recoveryRound = 0;
        this.breaker.onSuccess();
        return { ok: true, value };
      } catch (error) {
        if (this.closed) return { ok: false, cls: "closed" };
        if (this.currentSignal.aborted) return { ok: false, cls: "deadline" };
        const cls = classifyFailure(error);
        if (cls !== FailureClasses.TRANSIENT) {
          // The service answered: it is reachable, whatever it thought of the request. (A refused token
          // closes the breaker once the refusal is recorded, in run().)
          this.answered = true;
          this.lastFailure = null;
          if (cls !== FailureClasses.AUTH) {
            this.authRefused = null;
            this.breaker.onSuccess();
          }
          return { ok: false, cls, error };
        }
        this.stats.failures++;
        this.lastFailure = messageOf(error);
        this.breaker.onFailure();
        // The first failure settles the state a banner waits for: say so now, not after the retries.
        this.emitState();
        if (noRetry || attempt >= this.limits.maxAttempts) return { ok: false, cls, error };
        if (!force && this.breaker.state !== BreakerStates.CLOSED)
          return { ok: false, cls: "breaker", error };
        const delay = Math.min(
          backoffDelay(attempt - 1, this.backoff()),
          Math.max(0, deadline - performance.now()),
        );
        try {
          await sleep(delay, AbortSignal.any([this.currentSignal, this.backoffWake.signal]));
        } catch {
          return { ok: false, cls: this.closed ? "closed" : "deadline" };
        }
        if (!force && !this.breaker.canRequest()) return { ok: false, cls: "breaker", error };
      }
    }
  }

  /**
   * The reachability probe of 4a: one empty heartbeat, no retry, outside the breaker (a failure neither
   * counts against it nor extends its cooldown). Any GraphQL answer proves the service reachable; a
   * refused token is reported as such, since the token decides what happens next.
   */
  private async reachabilityProbe(
    token: string | undefined,
    deadline: number,
  ): Promise<
    | { kind: "answered" }
    | { kind: "unreachable" }
    | { kind: "refused"; error: unknown }
    | { kind: "closed" | "deadline" }
  > {
    const left = deadline - performance.now();
    if (left <= 0) return { kind: "deadline" };
    const ctx: RequestContext = {
      token,
      timeoutMs: Math.max(1, Math.ceil(Math.min(this.limits.requestTimeoutMs, left))),
      signal: this.currentSignal,
    };
    this.stats.requests++;
    try {
      await this.transport.heartbeat([], null, ctx);
      this.answered = true;
      return { kind: "answered" };
    } catch (error) {
      if (this.closed) return { kind: "closed" };
      if (this.currentSignal.aborted) return { kind: "deadline" };
      const cls = classifyFailure(error);
      if (cls === FailureClasses.TRANSIENT) {
        this.stats.failures++;
        this.lastFailure = messageOf(error);
        return { kind: "unreachable" };
      }
      this.answered = true;
      if (cls === FailureClasses.AUTH) {
        this.lastFailure = null;
        return { kind: "refused", error };
      }
      return { kind: "answered" };
    }
  }

  private async send(work: Work, ctx: RequestContext): Promise<unknown> {
    switch (work.type) {
      case "heartbeat": {
        const status = this.store.status();
        const unreported = this.store.droppedByReason;
        const drops = addDrops(this.droppedReported, unreported);
        const health: ClientHealthInput = {
          journalDepth: status.depth,
          oldestPendingSeconds: status.oldestPendingSeconds,
          breaker: this.breaker.state,
          dropped: totalDrops(drops),
          droppedByReason: drops,
          journalError: status.unwritable,
        };
        let touched = 0;
        if (work.ids.length === 0)
          touched = await this.transport.heartbeat([], work.probe ? null : health, ctx);
        for (let i = 0; i < work.ids.length; i += HEARTBEAT_ID_CHUNK) {
          touched += await this.transport.heartbeat(work.ids.slice(i, i + HEARTBEAT_ID_CHUNK), health, ctx);
        }
        return { touched, unreported };
      }
      case "start":
        await this.transport.startSession(work.record.body as StartSessionInput, ctx);
        return undefined;
      case "end":
        await this.transport.endSession(work.record.body as EndSessionInput, ctx);
        return undefined;
      case "events":
        return sendEvents(this.transport, work.records, ctx, this.stats);
    }
  }

  /** Applies a successful answer; returns how many records it delivered. */
  private handleSuccess(work: Work, value: unknown): number {
    switch (work.type) {
      case "heartbeat": {
        this.heartbeatDue = false;
        if (work.probe) return 0;
        const { touched, unreported } = value as { touched: number; unreported: DropCounts };
        if (touched > 0 && totalDrops(unreported) > 0) {
          // Reported only when a session stored it; otherwise the next heartbeat tries again.
          this.store.markDroppedReported(unreported);
          this.droppedReported = addDrops(this.droppedReported, unreported);
        }
        this.stats.heartbeats++;
        this.emit({
          type: "heartbeat",
          sessions: touched,
          dropped: totalDrops(this.droppedReported),
          droppedByReason: { ...this.droppedReported },
        });
        return 0;
      }
      case "start":
        this.delivered([work.record]);
        this.options.onStartSettled?.(work.sessionId, true);
        return 1;
      case "end":
        this.delivered([work.record]);
        return 1;
      case "events": {
        const result = value as RecordEventsResult;
        const rejected = new Map(result.rejected.map((r) => [r.eventId, r]));
        const ok: PendingRecord[] = [];
        for (const r of work.records) {
          const refusal = rejected.get(r.key);
          if (!refusal) {
            ok.push(r);
            continue;
          }
          const cls = classifyCode(refusal.code, refusal.reason);
          if (cls === FailureClasses.NOT_FOUND) this.notFound(r, refusal.message);
          else this.drop(r, refusal.code, refusal.message);
        }
        this.delivered(ok);
        return ok.length;
      }
    }
  }

  /** A request-level refusal of a start, an end or a heartbeat (events are handled per record). */
  private handleRefusal(work: Work, cls: FailureClass, error: unknown): void {
    const code = error instanceof GraphQLRequestError ? error.code : "ERROR";
    const message = messageOf(error);
    switch (work.type) {
      case "heartbeat":
        this.heartbeatDue = false;
        this.logOnce(`heartbeat:${code}`, "warn", `heartbeat refused by the service [${code}]: ${message}`);
        return;
      case "start":
        this.drop(work.record, code, message);
        this.rejectedSessions.add(work.sessionId);
        this.options.onStartSettled?.(work.sessionId, false);
        return;
      case "end":
        if (cls === FailureClasses.NOT_FOUND) this.notFound(work.record, message);
        else this.drop(work.record, code, message);
        return;
      case "events":
        // sendEvents turns refusals into per-record rejections; anything reaching here is unexpected.
        for (const r of work.records) this.drop(r, code, message);
        return;
    }
  }

  private delivered(records: readonly PendingRecord[]): void {
    if (records.length === 0) return;
    this.store.ack(records);
    this.stats.delivered += records.length;
    for (const r of records) {
      this.parked.delete(r.key);
      const list = this.waiters.get(r.key);
      if (!list) continue;
      for (const w of [...list]) if (w.version <= r.version) this.settleWaiter(w, null);
    }
  }

  private drop(record: PendingRecord, code: string, message: string): void {
    this.store.ack([record]);
    this.parked.delete(record.key);
    this.stats.rejected++;
    this.logOnce(
      `reject:${code}`,
      "error",
      `the service refused a ${record.kind} record for good [${code}]: ${message} (dropped from the journal; further refusals with this code are counted, not logged)`,
    );
    this.emit({ type: "rejected", key: record.key, code, message });
    for (const w of [...(this.waiters.get(record.key) ?? [])]) {
      this.settleWaiter(
        w,
        new StrictNotAcknowledgedError(`the service refused the ${record.kind} [${code}]: ${message}`),
      );
    }
  }

  /**
   * A record this client cannot send: dropped from the journal here, counted as `malformed` (a `dropped`
   * event, not `rejected`: the service never saw it).
   */
  private discardMalformed(record: PendingRecord, message: string): void {
    this.store.ack([record]);
    this.parked.delete(record.key);
    this.logOnce(
      "malformed",
      "error",
      `dropped a malformed ${record.kind} record from the journal: ${message} (further ones are counted, not logged)`,
    );
    this.store.countDrop(DropReasons.malformed, 1, message);
    for (const w of [...(this.waiters.get(record.key) ?? [])]) {
      this.settleWaiter(
        w,
        new StrictNotAcknowledgedError(`the ${record.kind} record is malformed: ${message}`),
      );
    }
  }

  /** The service does not know the session of this record. */
  private notFound(record: PendingRecord, message: string): void {
    const sessionId = sessionOf(record);
    if (sessionId !== undefined && this.rejectedSessions.has(sessionId)) {
      this.drop(record, "NOT_FOUND", `${message} (its start was refused)`);
      return;
    }
    const start = sessionId !== undefined ? this.options.knownStart?.(sessionId) : undefined;
    if (sessionId !== undefined && start) {
      // Our own session whose start left the journal (dropped by the bound): journal it again; starts are
      // idempotent by id, so this can never create a second session. Its other records wait for it.
      if (this.store.has(recordKeys.start(sessionId))) return;
      if (!this.restartedStarts.has(sessionId)) {
        this.restartedStarts.add(sessionId);
        this.store.append({
          key: recordKeys.start(sessionId),
          kind: RecordKinds.START,
          at: Date.parse(start.startedAt ?? "") || Date.now(),
          body: start,
        });
        return;
      }
    }
    this.parked.set(record.key, performance.now() + this.limits.parkMs);
    this.logOnce(
      `notfound:${sessionId}`,
      "warn",
      `the service does not know session ${sessionId} (its start is not in this journal); its records stay journaled and are retried later`,
    );
  }

  private refuseAuth(
    token: string | undefined,
    message: string,
    kind: "refused" | "missing",
    code: RefusalCode,
  ): void {
    const first =
      this.authRefused === null || this.authRefused.kind !== kind || this.authRefused.code !== code;
    this.authRefused = { token, message, kind, code };
    // Reported once, clearly; repeating it on every attempt would only bury it.
    if (first && kind === "refused")
      this.logger?.error(
        `Session-Buddy refused the token: ${refusalWords(code)} (${message}). Tracking keeps journaling under the data dir; nothing is sent until a valid token is configured (then run \`session-buddy buffer replay\`).`,
      );
    else if (first)
      this.logger?.warn(
        `no token for Session-Buddy (${message}); events are journaled and sent once a token is available`,
      );
    this.emitState();
  }

  /**
   * Picks the next request from the pending records (see the module comment). Visits records lazily: a
   * round costs about one batch, not the whole journal.
   */
  private nextWork(): Work | null {
    if (this.heartbeatDue) {
      const ids = this.options.heartbeatIds?.() ?? [];
      if (ids.length > 0) return { type: "heartbeat", ids, probe: false };
      this.heartbeatDue = false;
    }
    // Starts first: a session's events and end are sent only once its start is acknowledged.
    for (const r of this.store.starts()) {
      const sessionId = sessionOf(r);
      if (sessionId !== undefined) return { type: "start", record: r, sessionId };
      this.discardMalformed(r, "journal record without a session id");
    }
    const now = performance.now();
    const isParked = (r: PendingRecord) => {
      const until = this.parked.get(r.key);
      if (until === undefined) return false;
      if (until > now) return true;
      this.parked.delete(r.key);
      return false;
    };
    const sendable = (r: PendingRecord): string | undefined => {
      const sessionId = sessionOf(r);
      if (sessionId === undefined) {
        this.discardMalformed(r, "journal record without a session id");
        return undefined;
      }
      if (isParked(r)) return undefined;
      if (this.rejectedSessions.has(sessionId)) {
        this.drop(r, "NOT_FOUND", `the start of session ${sessionId} was refused`);
        return undefined;
      }
      return sessionId;
    };
    const batch: PendingRecord[] = [];
    let bytes = 0;
    for (const r of this.store.iterate()) {
      if (r.kind !== RecordKinds.EVENT || sendable(r) === undefined) continue;
      const size = approximateSize(r.body);
      if (batch.length > 0 && bytes + size > this.limits.maxBatchBytes) break;
      batch.push(r);
      bytes += size;
      if (batch.length >= this.limits.batchSize) break;
    }
    if (batch.length > 0) return { type: "events", records: batch };
    // No event is sendable anywhere (all delivered or parked): ends may go.
    for (const r of this.store.iterate()) {
      if (r.kind !== RecordKinds.END) continue;
      const sessionId = sendable(r);
      if (sessionId !== undefined) return { type: "end", record: r, sessionId };
    }
    return null;
  }

  private scheduleRetry(ms: number): void {
    if (this.closed) return;
    const at = performance.now() + ms;
    if (this.retryTimer && this.retryAt <= at) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryAt = at;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retryAt = Number.POSITIVE_INFINITY;
      this.schedule();
    }, ms);
    this.retryTimer.unref();
  }

  /** The refusal in plain words with what the service said, for `PumpResult.error` and STRICT errors. */
  private refusalText(): string | undefined {
    const refused = this.authRefused;
    return refused ? `${refusalWords(refused.code)} (${refused.message})` : undefined;
  }

  /**
   * While the breaker is open, the next reachability probe (4a): one pending at a time, so a busy shell
   * cannot bring it forward; its delay grows with the rounds since the last acknowledged request.
   */
  private scheduleRecovery(): void {
    if (this.closed || this.recoveryTimer || this.authRefused) return;
    if (this.breaker.state !== BreakerStates.OPEN) return;
    const delay = recoveryDelay(this.recoveryRound++, { ...this.limits.recovery, random: this.random });
    this.recoveryTimer = setTimeout(() => {
      this.recoveryTimer = null;
      if (this.closed) return;
      void this.pump({ recover: true }).catch((error) => this.logger?.warn(`delivery: ${messageOf(error)}`));
    }, delay);
    this.recoveryTimer.unref();
  }

  private scheduleUnpark(): void {
    let next = Number.POSITIVE_INFINITY;
    for (const until of this.parked.values()) next = Math.min(next, until);
    if (Number.isFinite(next)) this.scheduleRetry(Math.max(1, next - performance.now()));
  }

  private strictError(what: string, result: PumpResult): StrictNotAcknowledgedError {
    return new StrictNotAcknowledgedError(
      `${what} not acknowledged by ${this.options.url}: ${notAcknowledgedWhy(result, this.limits.strictTimeoutMs)}`,
    );
  }

  private settleWaiter(waiter: Waiter, error: Error | null): void {
    const list = this.waiters.get(waiter.key);
    if (!list) return;
    const i = list.indexOf(waiter);
    if (i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.waiters.delete(waiter.key);
    if (error === null) {
      waiter.resolve();
      return;
    }
    // Not acknowledged: the caller refuses the action, so the record must not be replayed later.
    if (this.store.versionOf(waiter.key) === waiter.version)
      this.store.ack([{ key: waiter.key, version: waiter.version }]);
    waiter.reject(error);
  }

  private backoff() {
    return { baseMs: this.limits.backoffBaseMs, maxMs: this.limits.backoffMaxMs, random: this.random };
  }

  private logOnce(key: string, level: "warn" | "error", message: string): void {
    if (this.logged.has(key)) return;
    this.logged.add(key);
    this.logger?.[level](message);
  }

  private emit(event: ClientEvent): void {
    for (const l of [...this.eventListeners]) {
      try {
        l(event);
      } catch (error) {
        this.logger?.warn(`client event listener failed: ${messageOf(error)}`);
      }
    }
  }

  /**
   * What makes two states the same for listeners ({@link trackingKey}); a degraded state's reason counts
   * drops, so listeners (a shell prints each change) hear when the journal starts failing, changes how, or
   * starts dropping, not of every drop.
   */
  private stateKey(state: TrackingState): string {
    if (state.state !== "degraded") return trackingKey(state);
    return `degraded|${this.store.failure?.code}|${totalDrops(this.drops) > 0}|${trackingKey(this.deliveryState())}`;
  }

  private emitState(): void {
    const state = this.tracking();
    const key = this.stateKey(state);
    if (key === this.lastState) return;
    this.lastState = key;
    this.since = this.now();
    for (const l of [...this.stateListeners]) {
      try {
        l(state);
      } catch (error) {
        this.logger?.warn(`tracking listener failed: ${messageOf(error)}`);
      }
    }
  }
}
