/**
 * TEST SUPPORT ONLY — not the Session-Buddy client.
 *
 * A minimal `SessionBuddyClientApi` that appends every call as one JSON line to a file. It exists only so
 * the AdminShell tests can check the REPL mechanics (what is recorded, in which order, how each exit path
 * ends the session) in isolation, from a separate process driven through a pseudo-terminal. It does no
 * delivery, journaling or retry. The integration tests run the shells with the real client
 * (`client/`) against a real service.
 *
 * Writes are synchronous so that records made on an exit path are on disk before the process is gone.
 */

import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import {
  type CaptureMode,
  CaptureModes,
  type EndReason,
  type EventInput,
  type JournalStatus,
  type RecordedEvent,
  type SessionBuddyClientApi,
  type SessionInfo,
  type TrackedSession,
  type TrackingState,
} from "../../client/types.js";
import type { CommandOutcome } from "../../contract/enums.js";

export interface FileRecorderOptions {
  /** Where the JSON lines go. */
  file: string;
  captureMode?: CaptureMode;
  /** What `tracking()` reports. Default enabled. */
  tracking?: TrackingState;
  /** STRICT only: the start is not acknowledged; `started` rejects with this message. */
  rejectStart?: string;
  /** STRICT only: commands whose text matches are not acknowledged. */
  rejectCommands?: RegExp;
  /** Delay before a record is acknowledged, as a service round trip would take. Default 0. */
  ackDelayMs?: number;
  /** Recording a command whose text matches switches `tracking()` to buffering, as losing the service does. */
  goOfflineOn?: RegExp;
}

/** One line of the file. */
export type RecorderLine =
  | { op: "start"; id: string; captureMode: CaptureMode; info: SessionInfo }
  | ({ op: "record"; sessionId: string; eventId: string; seq: number; at: string } & EventInput)
  | {
      op: "complete";
      sessionId: string;
      eventId: string;
      seq: number;
      durationMs: number;
      outcome: CommandOutcome;
      errorClass?: string;
    }
  | { op: "end"; sessionId: string; reason: EndReason | undefined; exitCode: number | undefined }
  | { op: "shutdown"; timeoutMs: number | undefined }
  | { op: "shutdownSync" };

export class FileRecorder implements SessionBuddyClientApi {
  readonly captureMode: CaptureMode;
  private readonly options: FileRecorderOptions;
  private state: TrackingState;
  private readonly listeners = new Set<(state: TrackingState) => void>();

  constructor(options: FileRecorderOptions) {
    this.options = options;
    this.captureMode = options.captureMode ?? CaptureModes.BUFFERED;
    this.state = options.tracking ?? { state: "enabled" };
  }

  private append(line: RecorderLine): void {
    appendFileSync(this.options.file, `${JSON.stringify(line)}\n`);
  }

  tracking(): TrackingState {
    return this.state;
  }

  onTrackingChange(listener: (state: TrackingState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setState(state: TrackingState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }

  start(info: SessionInfo): TrackedSession {
    const id = info.id ?? randomUUID();
    const strict = this.captureMode === CaptureModes.STRICT;
    this.append({ op: "start", id, captureMode: this.captureMode, info });
    let seq = 0;
    const started =
      strict && this.options.rejectStart !== undefined
        ? Promise.reject(new Error(this.options.rejectStart))
        : Promise.resolve();
    started.catch(() => {});
    const delay = this.options.ackDelayMs ?? 0;
    const append = (line: RecorderLine) => this.append(line);
    const rejectCommands = strict ? this.options.rejectCommands : undefined;
    const goOfflineOn = this.options.goOfflineOn;
    const goOffline = () => this.setState({ state: "buffering", reason: "ECONNREFUSED (test)" });
    return {
      id,
      started,
      async record(event: EventInput): Promise<RecordedEvent> {
        seq += 1;
        const recorded: RecordedEvent = { eventId: randomUUID(), seq, at: new Date().toISOString() };
        append({ op: "record", sessionId: id, ...recorded, ...event });
        if (goOfflineOn?.test(event.text ?? "")) goOffline();
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        if (rejectCommands?.test(event.text ?? "")) throw new Error("service unreachable (test)");
        return recorded;
      },
      complete(recorded, result) {
        append({ op: "complete", sessionId: id, eventId: recorded.eventId, seq: recorded.seq, ...result });
      },
      end(reason?: EndReason, exitCode?: number) {
        append({ op: "end", sessionId: id, reason, exitCode });
      },
    };
  }

  async flush(): Promise<{ delivered: number; pending: number }> {
    return { delivered: 0, pending: 0 };
  }

  journalStatus(): JournalStatus {
    return {
      depth: 0,
      oldestPendingSeconds: null,
      files: 0,
      dropped: 0,
      droppedByReason: {},
      corrupt: 0,
      inMemory: 0,
      unwritable: null,
    };
  }

  async shutdown(timeoutMs?: number): Promise<void> {
    this.append({ op: "shutdown", timeoutMs });
  }

  shutdownSync(): void {
    this.append({ op: "shutdownSync" });
  }
}
