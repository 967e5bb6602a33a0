/**
 * The command audit loop of an admin shell: a typed line that compiles is a command; commands run one
 * after another; each is recorded (redacted) before it runs, a promise it returns is awaited (Ctrl-C
 * stops the wait and the helpers it called), and its record is completed with duration and outcome.
 * The shell (shells/core/admin-shell.ts) owns the REPL, the session and the output; this owns the queue.
 */
import { performance } from "node:perf_hooks";
import repl, { type REPLServer } from "node:repl";
import type vm from "node:vm";
import type pc from "picocolors";
import { StrictJournalError, StrictNotAcknowledgedError } from "../../client/errors.js";
import type { EndReason, RecordedEvent, TrackedSession } from "../../client/types.js";
import { CommandOutcomes, STRICT_REFUSED_ERROR_CLASS } from "../../contract/enums.js";
import { commandText, compiles, errorClassOf, isThenable, messageOf } from "./command-audit.js";
import { type EvalCallback, type EvalFn, InterruptedError, withoutProcessSigint } from "./repl-internals.js";

const NOOP = () => {};

/** The command running now: Ctrl-C aborts its signal, and the helpers it called are named when it does. */
interface RunningCommand {
  controller: AbortController;
  helpers: string[];
}

/** Stopped by Ctrl-C: our own interruption, or the REPL's of a synchronous loop. */
function isInterruption(err: unknown): boolean {
  return (
    err instanceof InterruptedError ||
    (typeof err === "object" &&
      err !== null &&
      (err as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED")
  );
}

/** What the command loop needs from its shell. */
export interface CommandHost {
  /** The shell has ended: nothing more runs or prints. */
  ended(): boolean;
  /** STRICT capture: a command that cannot be acknowledged is not run. */
  strict(): boolean;
  /** A terminal: a spinner may have been drawing on the line. */
  terminal(): boolean;
  colors(): ReturnType<typeof pc.createColors>;
  /** The session commands are recorded in, when commands are tracked. */
  commandSession(): TrackedSession | undefined;
  /** The session, for completing what was recorded. */
  session(): TrackedSession | undefined;
  server(): REPLServer | undefined;
  print(...values: unknown[]): void;
  write(text: string): void;
  warnOnce(key: string, message: string): void;
  showError(err: unknown): void;
  /** Hands control back to the REPL: prints `result` when given, then the prompt. */
  done(cb: EvalCallback, ...result: [] | [unknown]): void;
  /** Keys typed while commands were running, typed now that none is. */
  replayKeys(): void;
}

export class CommandRunner {
  /** The eval comes from a typed line (tab completion evaluates too, and is no command). */
  lineEval = false;
  /** Commands queued or running: keys typed meanwhile wait. */
  pending = 0;
  /** The command running now, with its abort signal and the helpers it called. */
  command: RunningCommand | undefined;
  private chain: Promise<void> = Promise.resolve();
  private inflight: { recorded: RecordedEvent; startedAt: number } | undefined;

  constructor(private readonly host: CommandHost) {}

  /**
   * The shell is ending: the command running stops (its helpers' child processes too) and its record, if
   * it has one, says how it stopped.
   */
  stopRunning(reason: EndReason): void {
    this.command?.controller.abort(new InterruptedError(`the shell is ending (${reason})`));
    const inflight = this.inflight;
    this.inflight = undefined;
    if (!inflight) return;
    try {
      this.host.session()?.complete(inflight.recorded, {
        durationMs: performance.now() - inflight.startedAt,
        outcome: "error",
        errorClass: "SessionEnded",
        payload: { endReason: reason },
      });
    } catch {
      // The end matters more.
    }
  }

  /** The REPL's eval: a typed line that compiles is a command, queued, recorded, run and completed. */
  evaluate(defaultEval: EvalFn, code: string, context: vm.Context, file: string, cb: EvalCallback): void {
    const fromLine = this.lineEval;
    this.lineEval = false;
    const evalNow = (done: EvalCallback) =>
      withoutProcessSigint(() => defaultEval(code, context, file, done));
    if (!fromLine || code.trim() === "") {
      evalNow(cb);
      return;
    }
    if (!compiles(code)) {
      // Incomplete (the REPL reads another line) or a syntax error: either way nothing runs, so the REPL can
      // decide now, and a syntax error is recorded afterwards as a failed command.
      evalNow((err, result) => {
        if (err instanceof repl.Recoverable) {
          cb(err);
          return;
        }
        this.enqueue(code, cb, () => Promise.resolve({ err, result }));
      });
      return;
    }
    this.enqueue(
      code,
      cb,
      () =>
        new Promise((resolve) => {
          evalNow((err, result) => resolve({ err, result }));
        }),
    );
  }

  private enqueue(
    code: string,
    cb: EvalCallback,
    run: () => Promise<{ err: unknown; result: unknown }>,
  ): void {
    this.pending++;
    this.chain = this.chain
      .then(() => this.runCommand(code, cb, run))
      .catch((err: unknown) => this.host.warnOnce("eval", `shell: ${messageOf(err)}`))
      .finally(() => {
        this.pending--;
        this.host.replayKeys();
      });
  }

  /**
   * One command: record it (redacted) before it runs, run it, await a promise it returns, complete the
   * record with duration and outcome, then show the result.
   */
  private async runCommand(
    code: string,
    cb: EvalCallback,
    run: () => Promise<{ err: unknown; result: unknown }>,
  ): Promise<void> {
    if (this.host.ended()) return;
    const session = this.host.commandSession();
    let recorded: RecordedEvent | undefined;
    if (session) {
      const { text, redactions, truncatedFrom } = commandText(code);
      const pending = session.record({
        kind: "command",
        text,
        redactions,
        ...(truncatedFrom !== undefined ? { payload: { truncated: true, bytes: truncatedFrom } } : {}),
      });
      try {
        recorded = await this.interruptible(pending);
      } catch (err) {
        if (err instanceof InterruptedError) {
          // Recorded later perhaps, but never run: say so in the audit.
          pending.then((r) => this.complete(r, 0, err), NOOP);
          this.host.print(this.host.colors().yellow("Interrupted — the command was not run."));
          this.host.done(cb);
          return;
        }
        if (this.host.strict()) {
          // Journaled, not acknowledged: the record says it was refused (an alert once it is delivered).
          if (err instanceof StrictNotAcknowledgedError && err.recorded)
            session.complete(err.recorded, {
              durationMs: 0,
              outcome: CommandOutcomes.error,
              errorClass: STRICT_REFUSED_ERROR_CLASS,
            });
          this.host.print(
            this.host
              .colors()
              .red(
                err instanceof StrictJournalError
                  ? `✗ Not run: the command could not be journaled (STRICT capture): ${messageOf(err)}`
                  : `✗ Not run: Session-Buddy did not acknowledge the command (STRICT capture): ${messageOf(err)}`,
              ),
          );
          this.host.done(cb);
          return;
        }
        // BUFFERED never blocks the operator: run it untracked.
        this.host.warnOnce(
          "record",
          `tracking: could not record the command, running it untracked: ${messageOf(err)}`,
        );
      }
    }
    if (this.host.ended()) return;

    const startedAt = performance.now();
    if (recorded) this.inflight = { recorded, startedAt };
    const command: RunningCommand = { controller: new AbortController(), helpers: [] };
    this.command = command;
    let { err, result } = await run();
    if (!err && isThenable(result)) {
      try {
        result = await this.interruptible(result);
      } catch (e) {
        err = e;
      }
    }
    if (this.command === command) this.command = undefined;
    this.inflight = undefined;
    if (recorded) this.complete(recorded, performance.now() - startedAt, err);
    if (this.host.ended()) return;
    if (err instanceof repl.Recoverable) {
      cb(err); // cannot happen after compiles(); let the REPL keep reading if it does
      return;
    }
    if (err instanceof InterruptedError) {
      // A spinner may have been drawing on this line.
      if (this.host.terminal()) this.host.write("\r\x1b[2K");
      const helpers = [...new Set(command.helpers)].map((h) => `${h}()`);
      this.host.print(
        this.host
          .colors()
          .yellow(
            helpers.length > 0
              ? `Interrupted — ${helpers.join(", ")} stopped.`
              : "Interrupted — stopped waiting; the promise may still settle in the background.",
          ),
      );
      this.host.done(cb);
      return;
    }
    if (err) {
      this.host.showError(err);
      this.host.done(cb);
      return;
    }
    this.host.done(cb, result);
  }

  private complete(recorded: RecordedEvent, durationMs: number, err: unknown): void {
    try {
      const interrupted = isInterruption(err);
      this.host.session()?.complete(recorded, {
        durationMs: Math.round(durationMs * 1000) / 1000,
        outcome: interrupted ? CommandOutcomes.interrupted : err ? "error" : "ok",
        ...(err && !interrupted ? { errorClass: errorClassOf(err) } : {}),
      });
    } catch (e) {
      this.host.warnOnce("complete", `tracking: could not complete the command: ${messageOf(e)}`);
    }
  }

  /**
   * Waits for `promise`, but lets Ctrl-C stop the wait (the REPL's own SIGINT handling is set aside
   * meanwhile, so that one Ctrl-C interrupts rather than counting towards "press again to exit").
   */
  private interruptible<T>(promise: PromiseLike<T>): Promise<T> {
    const server = this.host.server();
    if (!server) return Promise.resolve(promise);
    return new Promise<T>((resolve, reject) => {
      const saved = server.rawListeners("SIGINT") as ((...args: unknown[]) => void)[];
      server.removeAllListeners("SIGINT");
      let settled = false;
      const settle = () => {
        if (settled) return false;
        settled = true;
        server.removeListener("SIGINT", onSigint);
        for (const listener of saved) server.on("SIGINT", listener);
        return true;
      };
      const onSigint = () => {
        if (!settle()) return;
        const interruption = new InterruptedError("Interrupted");
        // Stop the helpers first (their children, spinners, waits), then hand the prompt back.
        this.command?.controller.abort(interruption);
        reject(interruption);
      };
      server.on("SIGINT", onSigint);
      Promise.resolve(promise).then(
        (value) => {
          if (settle()) resolve(value);
        },
        (err: unknown) => {
          if (settle()) reject(err);
        },
      );
    });
  }
}
