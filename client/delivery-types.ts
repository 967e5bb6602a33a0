/**
 * What the delivery loop (client/delivery.ts) is given and answers: its limits and options, why a pass
 * stopped, the options of one pass and how passes requested together merge.
 */
import type { RecoveryOptions } from "./backoff.js";
import type { CircuitBreaker } from "./breaker.js";
import type { StartSessionInput } from "./gql/graphql.js";
import type { PendingStore } from "./pending-store.js";
import type { Transport } from "./transport.js";
import type { CaptureMode, Logger } from "./types.js";

/** Limits the delivery loop obeys (all required here; defaults are applied by the client). */
export interface DeliveryLimits {
  batchSize: number;
  maxBatchBytes: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  requestTimeoutMs: number;
  strictTimeoutMs: number;
  /** How long records of a session unknown to the service wait before they are tried again. */
  parkMs: number;
  /** Cadence of the reachability probes while the breaker is open (defaults: `RECOVERY_DEFAULTS`). */
  recovery?: Pick<RecoveryOptions, "firstMs" | "maxMs">;
}

/** Options of {@link Delivery}. */
export interface DeliveryOptions {
  store: PendingStore;
  transport: Transport;
  breaker: CircuitBreaker;
  limits: DeliveryLimits;
  /** Where the service lives, for messages. */
  url: string;
  /** The token for the next request; called before each one. */
  getToken: () => string | undefined | Promise<string | undefined>;
  /** The start record of a session this client opened, to journal it again if it was lost (overflow). */
  knownStart?: (sessionId: string) => StartSessionInput | undefined;
  /** Sessions to heartbeat: open and acknowledged. */
  heartbeatIds?: () => string[];
  /** Told when a session's start was acknowledged (or refused for good: `false`). */
  onStartSettled?: (sessionId: string, ok: boolean) => void;
  logger?: Logger;
  random?: () => number;
  /** STRICT: a record the service cannot acknowledge refuses the command, so states say "blocked". Default BUFFERED. */
  captureMode?: CaptureMode;
  /** Clock for `since`. Default `Date.now`. */
  now?: () => number;
}

/** Why a pump stopped before the journal was empty. */
export const StopReasons = {
  /** Everything sendable was sent (records may remain parked or blocked). */
  DONE: "done",
  UNREACHABLE: "unreachable",
  BREAKER_OPEN: "breaker-open",
  AUTH: "auth",
  DEADLINE: "deadline",
  CLOSED: "closed",
} as const;
export type StopReason = (typeof StopReasons)[keyof typeof StopReasons];

/** Options of one delivery pass. */
export interface PumpOptions {
  /** Ignore an open breaker and a refused token (an operator's explicit flush). */
  force?: boolean;
  /** `performance.now()` value after which the pass stops (in-flight requests are aborted). */
  deadline?: number;
  /** Send a heartbeat first. */
  heartbeat?: boolean;
  /**
   * One attempt per request, no backoff: a process on its way out whose last request already failed
   * should not wait out retries before leaving its records in the journal.
   */
  noRetry?: boolean;
  /** While the breaker is open, send one reachability probe first (see the module comment, 4a). */
  recover?: boolean;
}

export interface PumpResult {
  delivered: number;
  stop: StopReason;
  /** The last error behind `stop`, for messages. */
  error?: string;
}

/**
 * `run`, or a `deadline` stop at `deadline` (a `performance.now()` value) if it has not settled by then. The
 * timer lives until one of the two, never longer.
 */
export function byDeadline(run: Promise<PumpResult>, deadline: number): Promise<PumpResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<PumpResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ delivered: 0, stop: StopReasons.DEADLINE, error: "a delivery pass was still running" }),
      Math.max(0, deadline - performance.now()),
    );
  });
  return Promise.race([run, late]).finally(() => clearTimeout(timer));
}

export function mergeOptions(a: PumpOptions, b: PumpOptions): PumpOptions {
  const deadline = Math.min(a.deadline ?? Number.POSITIVE_INFINITY, b.deadline ?? Number.POSITIVE_INFINITY);
  return {
    force: a.force || b.force,
    heartbeat: a.heartbeat || b.heartbeat,
    noRetry: a.noRetry || b.noRetry,
    recover: a.recover || b.recover,
    ...(Number.isFinite(deadline) ? { deadline } : {}),
  };
}

/** About how many bytes a record adds to a request (text twice for JSON escapes, payload as JSON). */
export function approximateSize(body: unknown): number {
  const b = body as { text?: unknown; payload?: unknown } | null;
  let n = 300;
  if (typeof b?.text === "string") n += b.text.length * 2;
  if (b?.payload && typeof b.payload === "object") n += JSON.stringify(b.payload).length;
  return n;
}
