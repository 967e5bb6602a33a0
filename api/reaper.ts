import type { SessionService } from "./services/sessions.js";

export interface ReaperOptions {
  abandonAfterSeconds: number;
  intervalMs: number;
  logger?: { warn(message: string): void; error(message: string, err?: unknown): void };
}

/**
 * Abandons sessions whose heartbeats stopped. Safe to run in every replica: each session is abandoned
 * by exactly one of them (see {@link SessionService.reap}).
 */
export class Reaper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly sessions: SessionService,
    private readonly options: ReaperOptions,
  ) {}

  start() {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass now; concurrent calls share the pass in flight. */
  async tick() {
    if (this.running) return this.running;
    this.running = this.sessions
      .reap(this.options.abandonAfterSeconds)
      .catch((err) => this.options.logger?.error("reaper pass failed", err))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
