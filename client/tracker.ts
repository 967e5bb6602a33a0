/**
 * One tracked session: assigns eventIds (UUID v7) and `seq`, stamps capture times, and journals every
 * record before it is sent. Nothing here waits on the network in BUFFERED mode. Every record is
 * hash-chained at capture (contract/chain.ts): the start is the root, each event carries its hash and the
 * previous one, a completion carries a hash chained to its command's, and the end names the last seq.
 */

import { v7 as uuidv7 } from "uuid";
import { completionHash, endHash, eventHash, startHash } from "../contract/chain.js";
import { LIMITS } from "../contract/limits.js";
import { StrictJournalError, StrictNotAcknowledgedError } from "./errors.js";
import type { EndSessionInput, SessionEventInput, StartSessionInput } from "./gql/graphql.js";
import { RecordKinds, recordKeys } from "./records.js";
import type {
  CaptureMode,
  CommandResult,
  EndReason,
  EventInput,
  RecordedEvent,
  TrackedSession,
} from "./types.js";
import { CaptureModes, EndReasons } from "./types.js";

/** What a {@link Tracker} needs from its client. */
export interface TrackerHost {
  readonly captureMode: CaptureMode;
  now(): number;
  /** Journals a record (synchronously) and schedules its delivery; returns its version. */
  append(key: string, kind: string, at: number, body: unknown): number;
  /** STRICT: resolves once the record's version is acknowledged. */
  confirm(key: string, version: number, what: string): Promise<void>;
  /** The session ended (or its STRICT start failed): no more heartbeats. */
  closed(tracker: Tracker): void;
}

/** Commands recorded but not completed yet are remembered (bounded) so `complete` can resend them whole. */
const MAX_INCOMPLETE = 10_000;

/**
 * The {@link TrackedSession} implementation. Create through `SessionBuddyClient.start`.
 *
 * @example
 * ```ts
 * const session = client.start({ component: "crackerjack" });
 * const cmd = await session.record({ kind: "command", text: "lint()" });
 * session.complete(cmd, { durationMs: 12, outcome: "ok" });
 * session.end("EXIT", 0);
 * ```
 */
export class Tracker implements TrackedSession {
  readonly id: string;
  readonly started: Promise<void>;
  /** The start as journaled; kept so it can be journaled again if the bound dropped it. */
  readonly startInput: StartSessionInput;
  private readonly host: TrackerHost;
  private readonly startedAtMs: number;
  private seq = 0;
  private ended = false;
  private failure: Error | null = null;
  private readonly incomplete = new Map<string, SessionEventInput>();
  /** The hash of the last record chained: the start's, then each event's. */
  private lastHash: string;

  constructor(host: TrackerHost, start: StartSessionInput) {
    this.host = host;
    this.id = start.id;
    const input: StartSessionInput = { ...start, hash: startHash(start) };
    this.lastHash = input.hash!;
    this.startInput = input;
    this.startedAtMs = Date.parse(input.startedAt ?? "") || host.now();
    const key = recordKeys.start(this.id);
    const version = host.append(key, RecordKinds.START, this.startedAtMs, input);
    if (host.captureMode === CaptureModes.STRICT) {
      this.started = host.confirm(key, version, `the start of session ${this.id}`).catch((error: unknown) => {
        this.failure =
          error instanceof Error ? error : new StrictNotAcknowledgedError("session start not acknowledged");
        this.ended = true;
        host.closed(this);
        throw this.failure;
      });
      // Callers that only use record() must not see an unhandled rejection from the start.
      this.started.catch(() => {});
    } else {
      this.started = Promise.resolve();
    }
  }

  /** Whether `end` was called (or the STRICT start failed). */
  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * Records an event. BUFFERED: resolves at once, after the synchronous journal write. STRICT: resolves once
   * the service acknowledged it (and the session's start), rejects with `StrictNotAcknowledgedError`
   * otherwise — the caller must then refuse the action the event describes.
   *
   * @example
   * ```ts
   * const rec = await session.record({ kind: "command", text: "deploy()", redactions: 0 });
   * ```
   */
  record(event: EventInput): Promise<RecordedEvent> {
    if (this.failure) return Promise.reject(this.failure);
    const at = this.host.now();
    const recorded: RecordedEvent = {
      eventId: uuidv7({ msecs: at }),
      seq: ++this.seq,
      at: new Date(at).toISOString(),
    };
    const body: SessionEventInput = {
      eventId: recorded.eventId,
      sessionId: this.id,
      seq: recorded.seq,
      kind: event.kind,
      at: recorded.at,
      ...(event.text !== undefined ? { text: event.text } : {}),
      ...(event.durationMs !== undefined ? { durationMs: event.durationMs } : {}),
      ...(event.outcome !== undefined ? { outcome: event.outcome } : {}),
      ...(event.errorClass !== undefined ? { errorClass: event.errorClass } : {}),
      ...(event.redactions !== undefined ? { redactions: event.redactions } : {}),
      ...(event.payload !== undefined ? { payload: event.payload } : {}),
    };
    body.prevHash = this.lastHash;
    body.hash = eventHash(this.lastHash, body);
    this.lastHash = body.hash;
    if (event.outcome === undefined) {
      this.incomplete.set(recorded.eventId, body);
      if (this.incomplete.size > MAX_INCOMPLETE) {
        const oldest = this.incomplete.keys().next().value;
        if (oldest !== undefined) this.incomplete.delete(oldest);
      }
    }
    const key = recordKeys.event(recorded.eventId);
    const version = this.host.append(key, RecordKinds.EVENT, at, body);
    if (this.host.captureMode !== CaptureModes.STRICT) return Promise.resolve(recorded);
    return this.host.confirm(key, version, `${event.kind} event ${recorded.seq}`).then(
      () => recorded,
      (err: unknown) => {
        if (err instanceof StrictNotAcknowledgedError && !(err instanceof StrictJournalError))
          err.recorded = recorded;
        throw err;
      },
    );
  }

  /**
   * Completes an event recorded earlier with its duration and outcome: the same eventId and seq are
   * journaled again with the result and a completion hash chained to the event's own, and the service
   * completes the stored event (or stores the completed one, if the first version was not sent yet). The
   * event's payload stays as captured; what the completion adds travels as `result`. Never waits on the
   * network.
   *
   * @example
   * ```ts
   * session.complete(rec, { durationMs: 840, outcome: "error", errorClass: "TypeError" });
   * ```
   */
  complete(recorded: RecordedEvent, result: CommandResult): void {
    if (this.failure) return;
    const original = this.incomplete.get(recorded.eventId);
    this.incomplete.delete(recorded.eventId);
    const base: SessionEventInput = original ?? {
      eventId: recorded.eventId,
      sessionId: this.id,
      seq: recorded.seq,
      kind: "command",
      at: recorded.at,
    };
    const completion = {
      outcome: result.outcome,
      durationMs: Number.isFinite(result.durationMs) ? Math.max(0, result.durationMs) : null,
      ...(result.errorClass !== undefined ? { errorClass: result.errorClass } : {}),
      ...(result.payload !== undefined ? { result: result.payload } : {}),
    };
    const body: SessionEventInput = {
      ...base,
      ...completion,
      ...(base.hash ? { completionHash: completionHash(base.hash, completion) } : {}),
    };
    this.host.append(recordKeys.event(recorded.eventId), RecordKinds.EVENT, Date.parse(base.at), body);
  }

  /**
   * Ends the session. Journals synchronously (fsynced) before returning, so it is safe on the exit path;
   * delivery happens in the background or at `shutdown`. Ending twice is a no-op.
   *
   * @example
   * ```ts
   * process.once("SIGTERM", () => { session.end("SIGTERM", 143); client.shutdownSync(); process.exit(143); });
   * ```
   */
  end(reason: EndReason = EndReasons.EXIT, exitCode?: number, metadata?: Record<string, unknown>): void {
    if (this.ended) return;
    this.ended = true;
    this.host.closed(this);
    // A clock stepped backwards must not make the service refuse the end (endedAt before startedAt).
    const at = Math.max(this.host.now(), this.startedAtMs);
    const validCode =
      exitCode !== undefined &&
      Number.isInteger(exitCode) &&
      exitCode >= -LIMITS.exitCodeMax &&
      exitCode <= LIMITS.exitCodeMax;
    const extra =
      exitCode !== undefined && !validCode ? { ...(metadata ?? {}), exitCode: String(exitCode) } : metadata;
    const body: EndSessionInput = {
      id: this.id,
      endedAt: new Date(at).toISOString(),
      endReason: reason,
      ...(validCode ? { exitCode } : {}),
      ...(extra !== undefined ? { metadata: extra } : {}),
      lastSeq: this.seq,
      prevHash: this.lastHash,
    };
    body.hash = endHash(this.lastHash, { ...body, lastSeq: this.seq });
    this.host.append(recordKeys.end(this.id), RecordKinds.END, at, body);
  }
}
