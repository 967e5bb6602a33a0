import type { SessionRow } from "../db/schema.js";
import { Periodic } from "./periodic.js";
import type { SessionService } from "./services/sessions.js";

export interface ReaperOptions {
  abandonAfterSeconds: number;
  intervalMs: number;
  logger?: { warn(message: string): void; error(message: string, err?: unknown): void };
}

/**
 * Abandons sessions whose heartbeats stopped. Safe to run in every replica: each session is abandoned
 * by exactly one of them (see {@link SessionService.reap}).
 *
 * Silence is only evidence while the service could hear: a session whose heartbeats went unanswered
 * because this service was down (or could not reach its database) is not silent, the service was deaf.
 * So the reaper abandons nothing until a full abandon period has passed since it started, and since the
 * last pass that failed: every session gets that long to check in again. Measured on the service clock.
 */
export class Reaper {
  private readonly pass: Periodic<SessionRow[]>;
  /** Since when the service has been able to hear from sessions: its start, or the last failed pass. */
  private listeningSince: number;

  constructor(
    private readonly sessions: SessionService,
    private readonly options: ReaperOptions,
  ) {
    this.listeningSince = sessions.now().getTime();
    this.pass = new Periodic(
      async () =>
        this.sessions.now().getTime() < this.graceUntil.getTime()
          ? []
          : this.sessions.reap(this.options.abandonAfterSeconds),
      {
        intervalMs: options.intervalMs,
        fallback: () => [],
        onError: (err) => {
          this.listeningSince = this.sessions.now().getTime();
          this.options.logger?.error("reaper pass failed", err);
        },
      },
    );
  }

  start() {
    this.pass.start();
  }

  stop(): Promise<void> {
    return this.pass.stop();
  }

  /** When the grace after the start (or the last failed pass) ends and sessions may be abandoned again. */
  get graceUntil(): Date {
    return new Date(this.listeningSince + this.options.abandonAfterSeconds * 1000);
  }

  /**
   * One pass now; concurrent calls share the pass in flight. Resolves with the sessions it abandoned:
   * none during the grace, and none when the pass failed (which is logged and starts the grace again).
   */
  tick(): Promise<SessionRow[]> {
    return this.pass.run();
  }
}
