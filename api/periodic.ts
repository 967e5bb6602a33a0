/**
 * A job the service runs every so often and on demand (the reaper, the checkpointer, the retention pass):
 * on a timer that never keeps the process alive, with calls made while a run is in flight sharing that
 * run, and a failure logged and answered with a fallback (the next run tries again).
 */
export class Periodic<T> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<T> | undefined;

  constructor(
    private readonly job: () => Promise<T>,
    private readonly o: { intervalMs: number; fallback: () => T; onError(err: unknown): void },
  ) {}

  get started(): boolean {
    return this.timer !== undefined;
  }

  start() {
    if (this.timer) return;
    this.timer = setInterval(() => void this.run(), this.o.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer; resolves once the run in flight, if any, has finished. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Runs now, or joins the run in flight. */
  run(): Promise<T> {
    if (this.running) return this.running;
    this.running = this.job()
      .catch((err: unknown) => {
        this.o.onError(err);
        return this.o.fallback();
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
