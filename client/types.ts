/**
 * Public types of the embeddable Session-Buddy client.
 *
 * A component creates one {@link SessionBuddyClient} per process and opens one {@link TrackedSession} per
 * session it reports. Nothing here blocks on the network in `BUFFERED` mode: every write is journaled on disk
 * first and delivered in the background, exactly once.
 */

import type { ActorKind, CaptureMode, CommandOutcome, DropReason, EndReason } from "../contract/enums.js";
import type { ForbiddenReasons, TokenFailure } from "../contract/errors.js";

export {
  type CaptureMode,
  CaptureModes,
  type DropReason,
  DropReasons,
  type EndReason,
  EndReasons,
} from "../contract/enums.js";

/**
 * Why the client is not sending: the contract's `extensions.reason` of the refusal (a {@link TokenFailure},
 * or `TOKEN_SCOPE` / `TOKEN_COMPONENTS` of a token-wide `FORBIDDEN`); `NO_TOKEN` when the client has no
 * token to send at all; `TOKEN_REFUSED` for a refusal that names no reason.
 */
export type RefusalCode =
  | TokenFailure
  | typeof ForbiddenReasons.TOKEN_SCOPE
  | typeof ForbiddenReasons.TOKEN_COMPONENTS
  | "NO_TOKEN"
  | "TOKEN_REFUSED";

/** What blocks a STRICT session: the service cannot be reached, refused the token, or the journal fails. */
export type StrictBlockCause = "unreachable" | "refused" | "journal";

/**
 * The tracking state, one value for each real situation, as an operator should see it in a banner:
 * - `connecting` — the service has not answered yet (a slow service is connecting, not unreachable);
 * - `enabled` — the service acknowledged the last request;
 * - `buffering` — the service cannot be reached: records are journaled and will be replayed;
 * - `refused` — the service refused the token (or there is none): `code` says why, `reason` says it in
 *   plain words and what happens to the records (kept in the journal, sent once a valid token is set);
 * - `strict-blocked` — STRICT capture and the service cannot acknowledge (unreachable, token refused) or the
 *   journal cannot be written: commands are refused, nothing is replayed for them;
 * - `degraded` — the journal cannot be written (disk full, read-only), so records are held in memory only
 *   (bounded) and delivered from there; the reason says why and how many records were dropped;
 * - `disabled` — tracking is off, or the client was shut down.
 *
 * `detail` is the underlying message (the service's, or the network error), for `status()` and logs.
 */
export type TrackingState =
  | { state: "connecting"; reason: string }
  | { state: "enabled" }
  | { state: "buffering"; reason: string }
  | { state: "refused"; code: RefusalCode; reason: string; detail: string }
  | { state: "strict-blocked"; cause: StrictBlockCause; reason: string; detail: string; code?: RefusalCode }
  | { state: "degraded"; reason: string }
  | { state: "disabled"; reason: string };

/** The names of {@link TrackingState}'s states. */
export type TrackingStateName = TrackingState["state"];

/** Records dropped, per reason (see {@link DropReasons}); reasons with no drops are absent. */
export type DropCounts = Partial<Record<DropReason, number>>;

export type BreakerState = "closed" | "open" | "half-open";

export interface Logger {
  debug?(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ClientLimits {
  /** Pending events kept in the journal before the oldest are dropped. Default 1000. */
  maxJournalEvents?: number;
  /** Pending events older than this are dropped. Default 7 days. */
  maxJournalAgeMs?: number;
  /** Events sent in one `recordEvents` call. Default 200 (the service accepts up to 1000). */
  batchSize?: number;
  /** Delivery attempts of one batch before it waits for the next flush. Default 5. */
  maxAttempts?: number;
  /** Base delay of the exponential backoff. Default 200 ms. */
  backoffBaseMs?: number;
  /** Cap of the exponential backoff. Default 10 s. */
  backoffMaxMs?: number;
  /** Consecutive failures that open the circuit breaker. Default 3. */
  breakerThreshold?: number;
  /**
   * How long the breaker stays open before one probe, unless a reachability probe (below) finds the
   * service answering first. Default 60 s.
   */
  breakerCooldownMs?: number;
  /**
   * While the breaker is open, an empty heartbeat (it stores nothing) checks whether the service answers
   * again, first after up to this long, then doubling (jittered). Default 1 s.
   */
  recoveryProbeMs?: number;
  /** Longest gap between those probes: the most an operator waits for Enabled once the service is back. Default 5 s. */
  recoveryProbeMaxMs?: number;
  /** Timeout of one HTTP request to the service. Default 5 s. */
  requestTimeoutMs?: number;
  /** Seconds between heartbeats. Default 30. */
  heartbeatIntervalSeconds?: number;
  /** STRICT mode: how long `start`/`record` wait for the service's acknowledgement before rejecting. Default 5 s. */
  strictTimeoutMs?: number;
}

export interface ClientOptions {
  /** GraphQL endpoint, e.g. `http://127.0.0.1:8678/graphql`. */
  url: string;
  /** A bearer token, or a function returning one (called before each request). */
  token?: string;
  getToken?: () => string | Promise<string>;
  /** Directory holding the journal (`<dataDir>/journal`). */
  dataDir: string;
  captureMode?: CaptureMode;
  limits?: ClientLimits;
  logger?: Logger;
  /** Clock, injectable for tests. Default `Date.now`. */
  now?: () => number;
}

/** Options of {@link SessionBuddyClientApi.flush}. */
export interface FlushOptions {
  /**
   * Send even while the circuit breaker is open or after the service refused the token (an operator's
   * explicit request, e.g. `session-buddy buffer replay`). Default `false`: the breaker decides.
   */
  force?: boolean;
  /**
   * Give up (leaving the rest journaled) after this long — also when a delivery pass already running is
   * stuck. Default: no bound beyond the retry limits.
   */
  timeoutMs?: number;
}

/** What {@link SessionBuddyClientApi.flush} achieved. */
export interface FlushResult {
  /** Records acknowledged by the service during this flush. */
  delivered: number;
  /** Records still journaled afterwards. */
  pending: number;
}

/** Counters since the client was created. */
export interface ClientStats {
  /** Records (starts, events, ends) the service acknowledged, including duplicates it had already stored. */
  delivered: number;
  /** Events the service reported as already stored (a replay after a crash between send and acknowledgement). */
  duplicates: number;
  /** Records the service refused for good (invalid, conflicting, forbidden); dropped from the journal. */
  rejected: number;
  /** HTTP requests sent. */
  requests: number;
  /** Requests that failed transiently (network, timeout, 5xx). */
  failures: number;
  /** Heartbeats acknowledged. */
  heartbeats: number;
}

/** Something the delivery loop did, for listeners of {@link SessionBuddyClientApi.onTrackingChange}'s sibling `onEvent`. */
export type ClientEvent =
  | { type: "delivered"; records: number }
  | { type: "rejected"; key: string; code: string; message: string }
  | { type: "heartbeat"; sessions: number; dropped: number; droppedByReason: DropCounts }
  /** Records this client could not keep (never sent, or not sendable): counted and reported by heartbeats. */
  | { type: "dropped"; reason: DropReason; records: number; message: string }
  | { type: "stopped"; reason: string };

/** What a component reports when it opens a session. `id` is generated when absent (UUID v7). */
export interface SessionInfo {
  id?: string;
  type?: string;
  component: string;
  componentType?: string;
  componentVersion?: string;
  shellType?: string;
  adapters?: string[];
  pid?: number;
  username?: string;
  hostname?: string;
  environment?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  /** Who the shell detected at the prompt (a token's `actor_kind` claim decides over it). */
  actorKind?: ActorKind | null;
  /** Why the session is started (`Session.reason`): the operator's words and the ticket they name. */
  reason?: { text: string; ticketRef?: string | null } | null;
}

/** One event of a session. `eventId`, `seq` and `at` are assigned by the client. */
export interface EventInput {
  kind: string;
  text?: string;
  durationMs?: number;
  outcome?: CommandOutcome;
  errorClass?: string;
  redactions?: number;
  payload?: Record<string, unknown>;
}

export interface RecordedEvent {
  eventId: string;
  seq: number;
  at: string;
}

/** How a command ended, as {@link TrackedSession.complete} records it. */
export interface CommandResult {
  durationMs: number;
  outcome: CommandOutcome;
  errorClass?: string;
  payload?: Record<string, unknown>;
}

export interface TrackedSession {
  readonly id: string;
  /** Resolves when the start is acknowledged (STRICT) or journaled (BUFFERED). */
  readonly started: Promise<void>;
  /** Records an event; in STRICT mode resolves only after the service acknowledged it. */
  record(event: EventInput): Promise<RecordedEvent>;
  /** Completes an event recorded earlier (same eventId/seq) with its duration and outcome. */
  complete(recorded: RecordedEvent, result: CommandResult): void;
  /** Ends the session. Journals synchronously before returning, so it is safe on the exit path. */
  end(reason?: EndReason, exitCode?: number, metadata?: Record<string, unknown>): void;
}

export interface JournalStatus {
  /** Pending records, including those held in memory only. */
  depth: number;
  oldestPendingSeconds: number | null;
  files: number;
  /** Drops not yet reported to the service. */
  dropped: number;
  /** {@link JournalStatus.dropped} per reason. */
  droppedByReason: DropCounts;
  corrupt: number;
  /** Pending records held in memory only because the journal could not be written (part of `depth`). */
  inMemory: number;
  /** Why the journal cannot be written (e.g. `disk full (ENOSPC)`), or `null` when it can. */
  unwritable: string | null;
}

/**
 * The client a component embeds. Implemented by `SessionBuddyClient` in `client/index.ts`.
 *
 * @example
 * const client = createClient({ url, token, dataDir });
 * const session = client.start({ component: "crackerjack", shellType: "CrackerjackShell" });
 * const cmd = await session.record({ kind: "command", text: "lint()" });
 * session.complete(cmd, { durationMs: 12, outcome: "ok" });
 * session.end("EXIT", 0);
 * await client.shutdown(2000);
 */
export interface SessionBuddyClientApi {
  readonly captureMode: CaptureMode;
  /** The current tracking state (see {@link TrackingState}). */
  tracking(): TrackingState;
  /**
   * Called when `tracking()` changes to another state (or, for `refused` and `strict-blocked`, another
   * code or cause; for `degraded`, when the journal fails differently or starts dropping) — not for every
   * failed attempt within one state. Returns an unsubscribe function.
   */
  onTrackingChange(listener: (state: TrackingState) => void): () => void;
  /** When the client entered the current tracking state (ISO 8601). Optional for other implementations. */
  trackingSince?(): string;
  /** Opens a session. The start is journaled at once and sent in the background (BUFFERED). */
  start(info: SessionInfo): TrackedSession;
  /** Sends everything pending now; resolves when the journal is empty or delivery failed. */
  flush(options?: FlushOptions): Promise<FlushResult>;
  journalStatus(): JournalStatus;
  /** Delivers or journals everything pending within `timeoutMs`, stops timers and closes files. */
  shutdown(timeoutMs?: number): Promise<void>;
  /** Exit-path variant: journals everything synchronously, stops timers. Never waits on the network. */
  shutdownSync(): void;
}
