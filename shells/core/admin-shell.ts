import { existsSync, mkdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Key } from "node:readline";
import { createInterface } from "node:readline/promises";
import repl, { type REPLServer, type ReplOptions } from "node:repl";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import type vm from "node:vm";
import pc from "picocolors";
import { StrictJournalError } from "../../client/errors.js";
import {
  CaptureModes,
  type EndReason,
  EndReasons,
  type RecordedEvent,
  type SessionBuddyClientApi,
  type SessionInfo,
  type TrackedSession,
  type TrackingState,
} from "../../client/types.js";
import { parseReason } from "../../contract/chain.js";
import { formatDuration } from "../../contract/duration.js";
import { END_SIGNALS, type EndSignal, EventKinds, ExitCodes } from "../../contract/enums.js";
import { isComponentName, LIMITS, PATTERNS } from "../../contract/limits.js";
import { type ArgSpec, checkArgs, describeArg, UsageError } from "./args.js";
import { renderBanner, trackingLine, trackingStatus } from "./banner.js";
import { describeError, messageOf } from "./command-audit.js";
import { CommandRunner } from "./command-runner.js";
import { currentHelperContext, currentSignal, runInHelperContext, untilAborted } from "./context.js";
import {
  type AdminShellOptions,
  BANNER_WAIT_MS,
  type HelperFn,
  SensitiveRequiredError,
  type ShellDefinition,
  type ShellExit,
} from "./definition.js";
import { HelperRegistry, type RegisteredHelper } from "./helpers.js";
import { redact } from "./redact.js";
import { type EvalCallback, NoDomain, type ReplInternals } from "./repl-internals.js";
import { asTable, type TableOptions } from "./table.js";

export { type ArgSpec, UsageError } from "./args.js";
export { commandText, describeError } from "./command-audit.js";
export * from "./definition.js";
export { SensitiveRequiredError } from "./definition.js";

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 1500;
const NOOP = () => {};

// ---------------------------------------------------------------------------------------------------------
// AdminShell
// ---------------------------------------------------------------------------------------------------------

/**
 * The base of every admin shell: a Node REPL whose session and commands are tracked by Session-Buddy.
 *
 * @example
 * class CrackerjackShell extends AdminShell {
 *   constructor(options?: AdminShellOptions) {
 *     super({ name: "crackerjack", componentType: "inspector", adapters: ["vitest", "biome"] }, options);
 *     this.helper("lint", "lint()", "Run the linter on the project", () => this.runLint());
 *     this.helper("format_code", "format_code()", "Format the project", () => this.format()); // + formatCode()
 *   }
 * }
 * const { exitCode } = await new CrackerjackShell({ client, dataDir }).start();
 */
export class AdminShell {
  readonly name: string;
  readonly componentType: string;
  readonly displayName: string;
  readonly shellType: string;
  readonly version: string;
  readonly adapters: readonly string[];
  /** The one stream all output goes through. */
  readonly output: NodeJS.WritableStream;
  protected readonly input: NodeJS.ReadableStream;
  protected readonly colors: ReturnType<typeof pc.createColors>;
  protected readonly color: boolean;

  private readonly options: AdminShellOptions;
  private readonly client: SessionBuddyClientApi | undefined;
  private readonly disabledReason: string | undefined;
  private readonly registry = new HelperRegistry();

  private trackedSession: TrackedSession | undefined;
  /** Why this session was started, when a reason was given or asked for. */
  private reason: { text: string; ticketRef: string | null } | null = null;
  /** The sensitive period in progress (`sensitive(reason)` until `end_sensitive()`), and when it began. */
  private sensitivePeriod: { text: string; ticketRef: string | null; since: number } | undefined;
  private server: REPLServer | undefined;
  private started = false;
  private ended = false;
  private shutdownDone = false;
  private outputBroken = false;
  private exitInfo: ShellExit | undefined;
  private resolveExit: (exit: ShellExit) => void = NOOP;
  private readonly exited: Promise<ShellExit>;
  private readonly processHandlers: [string, (...args: unknown[]) => void][] = [];
  private unsubscribeTracking: () => void = NOOP;
  /** The tracking line last printed (banner or change): a state is said once. */
  private trackingShown: string | undefined;
  private warned = new Set<string>();

  // REPL state
  private closeReason: EndReason | undefined;
  private closeExitCode: number | undefined;
  private inSigint = false;
  private pendingKeys: [string | undefined, Key | undefined][] = [];
  private replayKeys: () => void = NOOP;
  private readonly runner = new CommandRunner({
    ended: () => this.ended,
    strict: () => this.client?.captureMode === CaptureModes.STRICT,
    terminal: () => this.options.terminal ?? isTty(this.output),
    colors: () => this.colors,
    commandSession: () => (this.trackCommands ? this.trackedSession : undefined),
    session: () => this.trackedSession,
    server: () => this.server,
    print: (...values) => this.print(...values),
    write: (text) => this.write(text),
    warnOnce: (key, message) => this.warnOnce(key, message),
    showError: (err) => this.showError(err),
    done: (cb, ...result) => this.done(cb, ...result),
    replayKeys: () => this.replayKeys(),
  });
  private readonly helperOf = new WeakMap<object, RegisteredHelper>();

  /**
   * @param definition who the shell is: name, type, adapters, optionally helpers (or register them with
   *   {@link AdminShell.helper} in the subclass constructor).
   * @param options the client, data dir, streams and switches; see {@link AdminShellOptions}.
   *
   * @example
   * // Without a subclass:
   * const shell = new AdminShell(
   *   { name: "demo", componentType: "inspector", helpers: { ping: { fn: () => "pong", signature: "ping()", description: "Answer" } } },
   *   { tracking: false, trackingDisabledReason: "SESSION_BUDDY_TRACKING=false" },
   * );
   */
  constructor(definition: ShellDefinition, options: AdminShellOptions = {}) {
    if (!isComponentName(definition.name)) {
      throw new Error(`AdminShell: component name "${definition.name}" must match ${PATTERNS.componentName}`);
    }
    this.name = definition.name;
    this.componentType = definition.componentType;
    this.displayName = definition.displayName ?? titleCase(definition.name);
    this.shellType = definition.shellType ?? new.target.name;
    this.version =
      definition.version ??
      AdminShell.readPackageVersion(definition.versionFrom ?? import.meta.url) ??
      "unknown";
    this.adapters = [...(definition.adapters ?? [])];
    this.options = options;
    this.input = options.input ?? process.stdin;
    this.output = options.output ?? process.stdout;
    this.color = options.color ?? supportsColor(this.output);
    this.colors = pc.createColors(this.color);

    const trackingOn = options.tracking !== false && options.client !== undefined;
    this.client = trackingOn ? options.client : undefined;
    this.disabledReason = trackingOn
      ? undefined
      : (options.trackingDisabledReason ??
        (options.tracking === false
          ? "turned off in the configuration"
          : "no Session-Buddy client configured"));

    this.exited = new Promise((resolve) => {
      this.resolveExit = resolve;
    });

    // Built-ins first, so a component cannot take their names by accident.
    const builtins: [string, string, string, HelperFn, ArgSpec[]][] = [
      [
        "help",
        "help(name?)",
        "List the helpers, or describe one",
        (name?: string | HelperFn) => this.help(name),
        [{ name: "name", kind: "helper" }],
      ],
      ["status", "status()", "Session id, capture mode, tracking and journal state", () => this.status(), []],
      [
        "sensitive",
        "sensitive(reason)",
        "Enter sensitive mode (production data, secrets): recorded with the reason, shown in the prompt",
        (reason?: string) => this.sensitive(reason as string),
        [
          {
            name: "reason",
            kind: "string",
            required: true,
            maxLength: LIMITS.reasonChars,
            what: "a reason: why, with a ticket such as OPS-1234 if there is one",
          },
        ],
      ],
      ["end_sensitive", "end_sensitive()", "Leave sensitive mode", () => this.endSensitive(), []],
      [
        "exit",
        "exit(code = 0)",
        "Leave the shell (also .exit or Ctrl-D)",
        (code?: number) => this.exit(code),
        [{ name: "code", kind: "int", min: 0, max: 255 }],
      ],
    ];
    for (const [name, signature, description, fn, args] of builtins) {
      this.helper(name, signature, description, fn, { builtin: true, args });
    }
    for (const [name, spec] of Object.entries(definition.helpers ?? {})) {
      this.helper(name, spec.signature, spec.description, spec.fn, {
        ...(spec.aliases ? { aliases: spec.aliases } : {}),
        ...(spec.requiresSensitive ? { requiresSensitive: true } : {}),
      });
    }
    for (const [name, spec] of Object.entries(definition.properties ?? {})) {
      this.property(name, spec.description, spec.get);
    }
  }

  /**
   * Finds the `version` of the nearest package.json at or above `from` (a file URL or path).
   *
   * @example
   * AdminShell.readPackageVersion(import.meta.url); // "1.0.0"
   */
  static readPackageVersion(from: string | URL): string | undefined {
    let dir = path.dirname(
      typeof from === "string" && !from.startsWith("file:") ? from : fileURLToPath(from),
    );
    for (;;) {
      const candidate = path.join(dir, "package.json");
      if (existsSync(candidate)) {
        try {
          const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { version?: unknown };
          if (typeof pkg.version === "string") return pkg.version;
        } catch {
          // An unreadable package.json is not ours to fix; keep walking up.
        }
      }
      const parent = path.dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
  }

  /** The tracked session, once `start()` opened it (undefined when tracking is off). */
  get session(): TrackedSession | undefined {
    return this.trackedSession;
  }

  // -------------------------------------------------------------------------------------------------------
  // Declaring helpers
  // -------------------------------------------------------------------------------------------------------

  /**
   * Registers a helper the operator can call at the prompt. Call it from the subclass constructor.
   * A snake_case name also gets its camelCase alias (`show_hooks` → `showHooks`). Async helpers are awaited
   * by the shell, so `ps()` prints its rows, not `Promise { <pending> }`. A helper returns its data (wrap
   * rows in {@link AdminShell.table} to have them shown as a table) and prints with
   * {@link AdminShell.print}, not `console.log`, which would bypass the shell's output stream. `this` is
   * the shell.
   *
   * `args` declares the arguments it takes: each call is checked first, and a value that does not fit is
   * refused with a {@link UsageError} naming the argument and the forms it accepts (see `args.ts`). A
   * long helper honours {@link AdminShell.signal}: Ctrl-C aborts it, and the helper stops its work
   * (child processes included) at once.
   *
   * @example
   * this.helper("errors", "errors(limit = 10)", "Failed steps, newest first", async (limit = 10) =>
   *   this.table(await this.loadErrors(limit)),
   *   { args: [{ name: "limit", kind: "int", min: 1, max: 1000 }] },
   * );
   *
   * `requiresSensitive` marks a helper that reads or changes what needs a reason on record (production
   * data, secrets): outside sensitive mode it refuses with a {@link SensitiveRequiredError} that says how
   * to enter it, and `help()` marks it.
   *
   * @example
   * this.helper("reveal", "reveal(key)", "A secret's value", (key) => this.secret(key), {
   *   requiresSensitive: true,
   * });
   */
  protected helper(
    name: string,
    signature: string,
    description: string,
    fn: HelperFn,
    options: {
      aliases?: readonly string[];
      builtin?: boolean;
      args?: readonly ArgSpec[];
      requiresSensitive?: boolean;
    } = {},
  ): void {
    this.registry.addHelper(name, signature, description, fn, options);
  }

  /**
   * Registers a value computed on each access, listed with the helpers.
   *
   * @example
   * this.property("auth", "Current identity, scopes and expiry", () => this.describeToken());
   */
  protected property(name: string, description: string, get: () => unknown): void {
    this.registry.addProperty(name, description, get);
  }

  // -------------------------------------------------------------------------------------------------------
  // Output helpers for subclasses
  // -------------------------------------------------------------------------------------------------------

  /**
   * Writes one line to the shell's output. Strings are written as they are; other values are inspected.
   *
   * @example
   * this.print(this.colors.green("✓"), "lint passed in", 812, "ms");
   */
  print(...values: unknown[]): void {
    // A helper interrupted by Ctrl-C may still be unwinding; the prompt is the operator's again.
    if (currentHelperContext()?.signal.aborted) return;
    const text = values
      .map((v) => (typeof v === "string" ? v : inspect(v, { colors: this.color, depth: 4 })))
      .join(" ");
    this.write(`${text}\n`);
  }

  /**
   * The AbortSignal of the helper call this code runs in: aborted when the operator presses Ctrl-C. Pass
   * it to whatever the helper waits for (child processes, fetches, timers); outside a command it never
   * aborts.
   *
   * @example
   * this.helper("wait", "wait()", "Wait for the queue to drain", () => drain({ signal: this.signal }));
   */
  protected get signal(): AbortSignal {
    return currentSignal();
  }

  /**
   * The shell's output for the helper call this code runs in: it stops writing once the call was
   * interrupted, so a child's last lines never land over the prompt the operator got back.
   */
  protected get out(): NodeJS.WritableStream {
    return untilAborted(this.output, currentSignal());
  }

  /**
   * Returns `rows` unchanged but printed as a table when the REPL echoes it — so helpers return data and
   * still read well.
   *
   * @example
   * this.helper("ps", "ps()", "All runs", async () => this.table(await this.runs(), { columns: ["id", "status"] }));
   */
  table<T extends object>(rows: T[], options: TableOptions = {}): T[] {
    return asTable(rows, { color: this.color, ...options });
  }

  /**
   * Records an extra event in this shell's session (e.g. a quality check's result); a no-op when untracked.
   * Never throws: tracking must not break a helper.
   *
   * @example
   * await this.recordEvent({ kind: "note", text: "lint passed", payload: { durationMs: 812 } });
   */
  async recordEvent(event: Parameters<TrackedSession["record"]>[0]): Promise<RecordedEvent | undefined> {
    if (!this.trackedSession) return undefined;
    try {
      return await this.trackedSession.record(event);
    } catch (err) {
      this.warnOnce("record", `tracking: could not record a ${event.kind} event: ${messageOf(err)}`);
      return undefined;
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Built-in helpers
  // -------------------------------------------------------------------------------------------------------

  /**
   * Prints the helpers with their signatures and descriptions, or the one named.
   *
   * @example
   * shell.help();      // every helper
   * shell.help("ps");  // just ps()
   * shell.help(ps);    // the same, given the helper itself
   */
  help(name?: string | HelperFn): void {
    const c = this.colors;
    if (name !== undefined && name !== null) {
      const helper =
        typeof name === "function"
          ? (this.helperOf.get(name) ?? this.registry.helper(name.name))
          : this.registry.helper(name);
      const property = typeof name === "string" ? this.registry.properties.get(name) : undefined;
      if (helper) {
        this.print(`${c.bold(helper.signature)}  ${helper.description}`);
        if (helper.aliases.length > 0) this.print(c.dim(`  also: ${helper.aliases.join(", ")}`));
        for (const arg of helper.args ?? []) {
          this.print(`  ${c.cyan(arg.name)}${arg.required ? "" : c.dim(" (optional)")}: ${describeArg(arg)}`);
        }
      } else if (property) {
        this.print(`${c.bold(name as string)}  ${property.description}`);
      } else if (typeof name === "function") {
        this.print(c.red("That function is not one of this shell's helpers. Type help() for the list."));
      } else {
        this.print(c.red(`No helper named ${name}. Type help() for the list.`));
      }
      return;
    }
    this.write(`${this.registry.lines(this.colors).join("\n")}\n`);
    this.print(
      c.dim(
        "Async helpers are awaited for you; top-level await works too. Tab completes names; .help lists REPL commands.",
      ),
    );
  }

  /** The session's tracking state, as data. */
  status(): Record<string, unknown> {
    return {
      component: this.name,
      sessionId: this.trackedSession?.id ?? null,
      captureMode: this.client?.captureMode ?? null,
      tracking: trackingStatus(
        this.trackingState(),
        safely(() => this.client?.trackingSince?.()),
      ),
      trackCommands: this.trackCommands,
      reason: this.reason,
      sensitive: this.sensitivePeriod
        ? {
            reason: this.sensitivePeriod.text,
            ticketRef: this.sensitivePeriod.ticketRef,
            since: new Date(this.sensitivePeriod.since).toISOString(),
          }
        : null,
      actorKind: this.options.actorKind ?? null,
      journal: this.client ? safely(() => this.client?.journalStatus()) : null,
    };
  }

  /** Whether sensitive mode is on (between `sensitive(reason)` and `end_sensitive()`). */
  get inSensitiveMode(): boolean {
    return this.sensitivePeriod !== undefined;
  }

  /**
   * Enters sensitive mode: records a `sensitive_begin` event with the reason (on-call hear of it at once,
   * through `sensitiveAccess`), turns the prompt red with `[sensitive]`, and unlocks the helpers that require
   * it. In STRICT capture it is refused unless the service acknowledged the record. Ends with
   * `end_sensitive()`, or with the session.
   *
   * @example
   * shell.sensitive("OPS-1234: refund a double charge");
   */
  async sensitive(reason: string): Promise<void> {
    const c = this.colors;
    const parsed = typeof reason === "string" ? parseReason(reason) : null;
    if (!parsed)
      throw new UsageError(
        "sensitive(reason) — reason is required: say why, e.g. sensitive('OPS-1234: refund')",
      );
    if (this.sensitivePeriod) {
      this.print(
        c.yellow(
          `Already in sensitive mode since ${new Date(this.sensitivePeriod.since).toISOString()} (${this.sensitivePeriod.text}); end_sensitive() leaves it.`,
        ),
      );
      return;
    }
    const { text } = redact(parsed.text);
    const recorded = await this.recordSensitive(EventKinds.SENSITIVE_BEGIN, text, {
      ...(parsed.ticketRef ? { ticketRef: parsed.ticketRef } : {}),
    });
    if (recorded === false) return;
    this.sensitivePeriod = { text, ticketRef: parsed.ticketRef, since: Date.now() };
    this.setPrompt();
    this.print(
      c.red(`⚠ Sensitive mode: ${text}`) +
        c.dim(
          recorded
            ? " — recorded; on-call are notified. end_sensitive() leaves it."
            : " — not recorded (tracking is off). end_sensitive() leaves it.",
        ),
    );
  }

  /**
   * Leaves sensitive mode: records `sensitive_end` with how long it lasted and restores the prompt.
   *
   * @example
   * shell.endSensitive();
   */
  endSensitive(): void {
    const period = this.sensitivePeriod;
    if (!period) {
      this.print(this.colors.dim("Not in sensitive mode."));
      return;
    }
    this.closeSensitive("end_sensitive");
    this.setPrompt();
    this.print(
      this.colors.green(`✓ Sensitive mode ended after ${formatDuration(Date.now() - period.since)}.`),
    );
  }

  /** Records the end of the sensitive period in progress (when the operator ends it, or the session ends). */
  private closeSensitive(how: "end_sensitive" | "session_end"): void {
    const period = this.sensitivePeriod;
    if (!period) return;
    this.sensitivePeriod = undefined;
    if (!this.trackedSession) return;
    this.trackedSession
      .record({
        kind: EventKinds.SENSITIVE_END,
        text: period.text,
        payload: { durationMs: Date.now() - period.since, endedBy: how },
      })
      .catch((err: unknown) =>
        this.warnOnce("sensitive", `tracking: could not record the end of sensitive mode: ${messageOf(err)}`),
      );
  }

  /**
   * Records a sensitive mark. Resolves true when recorded, undefined when untracked, false when STRICT
   * capture refused it (said to the operator).
   */
  private async recordSensitive(
    kind: string,
    text: string,
    payload: Record<string, unknown>,
  ): Promise<boolean | undefined> {
    if (!this.trackedSession) return undefined;
    try {
      await this.trackedSession.record({ kind, text, payload });
      return true;
    } catch (err) {
      if (this.client?.captureMode === CaptureModes.STRICT) {
        this.print(
          this.colors.red(
            `✗ Not in sensitive mode: Session-Buddy did not acknowledge it (STRICT capture): ${messageOf(err)}`,
          ),
        );
        return false;
      }
      this.warnOnce("sensitive", `tracking: could not record sensitive mode: ${messageOf(err)}`);
      return undefined;
    }
  }

  /** The prompt: the component's name, red and marked `[sensitive]` while sensitive mode lasts. */
  private promptText(): string {
    const c = this.colors;
    if (this.sensitivePeriod) return `${c.red(c.bold(`${this.name}[sensitive]`))}${c.red("!")} `;
    return `${c.cyan(this.name)}${c.dim(">")} `;
  }

  private setPrompt(): void {
    this.server?.setPrompt(this.promptText());
  }

  /**
   * Ends the shell normally (endReason EXIT) with `code`, like `.exit` or Ctrl-D.
   *
   * @example
   * shell.exit();   // from a helper, or typed as exit() at the prompt
   */
  exit(code = 0): void {
    this.closeReason ??= EndReasons.EXIT;
    this.closeExitCode ??= Number.isInteger(code) ? code : 0;
    if (this.server) this.server.close();
    else if (!this.ended) void this.finish(EndReasons.EXIT, this.closeExitCode, "async");
  }

  // -------------------------------------------------------------------------------------------------------
  // Lifecycle
  // -------------------------------------------------------------------------------------------------------

  /**
   * Opens the session, prints the banner and runs the REPL. Resolves when the shell has ended — by `.exit`,
   * Ctrl-D, `exit()`, Ctrl-C twice, a signal or an uncaught error — after the end was recorded and the
   * client shut down. Unless `exitProcess: false`, the process then exits with {@link ShellExit.exitCode}.
   *
   * In BUFFERED capture the prompt appears at once; in STRICT capture it waits for the service to
   * acknowledge the session, and the shell exits with code 1 when it does not.
   *
   * @example
   * const { reason, exitCode } = await new CrackerjackShell({ client, dataDir }).start();
   */
  async start(): Promise<ShellExit> {
    if (this.started) throw new Error("AdminShell.start() can only be called once");
    this.started = true;
    this.output.on("error", () => {
      // The terminal went away (SIGHUP, closed pipe): stop writing instead of crashing the exit path.
      this.outputBroken = true;
    });
    this.watchForHangup();
    if (this.options.handleProcessEvents !== false) this.installProcessHandlers();

    const reason = await this.askReason();
    if (reason === undefined) return this.exited;
    this.reason = reason;
    if (!this.openSession(reason)) return this.exited;
    const session = this.trackedSession;
    if (session && this.client?.captureMode === CaptureModes.STRICT) {
      this.print(this.colors.dim("Waiting for Session-Buddy to acknowledge the session (STRICT capture)…"));
      try {
        await session.started;
      } catch (err) {
        if (this.ended) return this.exited;
        this.print(
          this.colors.red(
            err instanceof StrictJournalError
              ? `✗ The session start could not be journaled: ${messageOf(err)}\n` +
                  "  STRICT capture refuses to open a shell it cannot journal. Free space in the data dir (or make it writable), or use SESSION_BUDDY_CAPTURE=buffered."
              : `✗ Session-Buddy did not acknowledge the session start: ${messageOf(err)}\n` +
                  "  STRICT capture refuses to open an untracked shell. Start the service, or use SESSION_BUDDY_CAPTURE=buffered.",
          ),
        );
        void this.finish(EndReasons.ERROR, ExitCodes.ERROR, "async");
        return this.exited;
      }
    }
    if (this.ended) return this.exited; // a signal arrived while waiting
    // The banner should state the real tracking state. The client's first answer (or refusal) from a
    // local service takes milliseconds; only an unresponsive host makes the prompt wait, and never long.
    const ready = (this.client as { ready?: (ms: number) => Promise<unknown> } | undefined)?.ready;
    if (ready) await ready.call(this.client, BANNER_WAIT_MS);
    if (this.ended) return this.exited;
    this.write(`${this.banner()}\n`);
    this.openRepl();
    return this.exited;
  }

  /**
   * When the terminal disappears (window closed, ssh dropped) the kernel sends SIGHUP, but the read side
   * often notices first: a TTY's stdin ends and setRawMode fails with EIO. A TTY never ends otherwise
   * (Ctrl-D is a key), so an end is a hangup: report SIGHUP, and stop touching the dead terminal so the
   * REPL can close normally.
   */
  private watchForHangup(): void {
    const input = this.input as NodeJS.ReadableStream & {
      isTTY?: boolean;
      setRawMode?: (mode: boolean) => unknown;
    };
    if (input.isTTY !== true) return;
    const hangup = () => {
      this.closeReason ??= EndReasons.SIGHUP;
      this.closeExitCode ??= ExitCodes.SIGHUP;
      this.outputBroken = true;
      if (typeof input.setRawMode === "function") input.setRawMode = () => input;
    };
    input.prependListener("end", hangup);
    input.on("error", hangup);
  }

  private get trackCommands(): boolean {
    return this.options.trackCommands !== false;
  }

  /**
   * The session's reason: given ahead (SESSION_BUDDY_REASON), or asked for at the terminal when the
   * component requires one (or offers the prompt: `askReason`, where Enter skips). `null`: none (not required). `undefined`: required and not given, so the shell
   * said why and is ending.
   */
  private async askReason(): Promise<{ text: string; ticketRef: string | null } | null | undefined> {
    const given = this.options.reason === undefined ? null : parseReason(this.options.reason);
    const required = this.options.requireReason === true;
    if (given || !(required || this.options.askReason)) return given;
    const where = `components.${this.name}.requireReason`;
    const terminal = (this.input as { isTTY?: boolean }).isTTY === true || this.options.terminal === true;
    // Offered, not required: nobody to ask (a script) means no reason, never a refusal.
    if (!required && !terminal) return null;
    if (!terminal) {
      this.print(
        this.colors.red(
          `✗ ${this.displayName} requires a reason for each session (${where}): set SESSION_BUDDY_REASON, e.g. SESSION_BUDDY_REASON="restart the queue, OPS-1234".`,
        ),
      );
      void this.finish(EndReasons.ERROR, ExitCodes.ERROR, "async");
      return undefined;
    }
    const rl = createInterface({ input: this.input, output: this.output, terminal: true });
    const aborted = new AbortController();
    rl.on("SIGINT", () => aborted.abort());
    let typed = "";
    try {
      typed = await rl.question(
        `${this.colors.bold("Reason for this session")} ${this.colors.dim(required ? "(required; a ticket such as OPS-1234 is picked up)" : "(optional, Enter skips; a ticket such as OPS-1234 is picked up)")}: `,
        { signal: aborted.signal },
      );
    } catch {
      // Ctrl-C: no reason, and no shell.
      this.write("\n");
      rl.close();
      void this.finish(EndReasons.SIGINT, ExitCodes.SIGINT, "async");
      return undefined;
    }
    rl.close();
    const reason = parseReason(typed);
    if (reason || !required) return reason;
    this.print(this.colors.red(`✗ A reason is required to open this shell (${where}); nothing was started.`));
    void this.finish(EndReasons.ERROR, ExitCodes.ERROR, "async");
    return undefined;
  }

  /** Starts the tracked session. Returns false when STRICT capture refused to start. */
  private openSession(reason: { text: string; ticketRef: string | null } | null): boolean {
    if (!this.client) return true;
    const info: SessionInfo = {
      ...(reason ? { reason } : {}),
      ...(this.options.actorKind ? { actorKind: this.options.actorKind.kind } : {}),
      type: "admin_shell",
      component: this.name,
      componentType: this.componentType,
      componentVersion: this.version,
      shellType: this.shellType,
      adapters: [...this.adapters],
      pid: process.pid,
      username: safely(() => os.userInfo().username),
      hostname: os.hostname(),
      environment: {
        nodeVersion: process.version,
        platform: process.platform,
        arch: process.arch,
        cwd: process.cwd().slice(0, LIMITS.cwdChars),
        terminal: this.options.terminal ?? isTty(this.output),
        ...this.options.environment,
      },
      ...(this.options.metadata ? { metadata: this.options.metadata } : {}),
    };
    try {
      this.trackedSession = this.client.start(info);
      // BUFFERED never waits on this; STRICT awaits it in start(). Either way a rejection is handled.
      this.trackedSession.started.catch(NOOP);
      this.unsubscribeTracking = this.client.onTrackingChange((state) => this.onTrackingChange(state));
      return true;
    } catch (err) {
      if (this.client.captureMode === CaptureModes.STRICT) {
        this.print(this.colors.red(`✗ Could not open a tracked session: ${messageOf(err)}`));
        void this.finish(EndReasons.ERROR, ExitCodes.ERROR, "async");
        return false;
      }
      this.warnOnce("start", `tracking: could not open a session, continuing untracked: ${messageOf(err)}`);
      return true;
    }
  }

  private openRepl(): void {
    const domain = new NoDomain();
    const terminal = this.options.terminal ?? isTty(this.output);
    const server = repl.start({
      prompt: this.promptText(),
      input: this.input,
      output: this.output,
      terminal,
      useColors: this.color,
      ignoreUndefined: true,
      preview: this.options.preview ?? false,
      // Ctrl-C stops a runaway `while (true) {}` or a hung top-level await instead of killing the shell.
      breakEvalOnSigint: true,
      domain,
    } as ReplOptions);
    this.server = server;
    const internals = server as unknown as ReplInternals;

    const defaultEval = internals.eval;
    internals.eval = (code, context, file, cb) => this.runner.evaluate(defaultEval, code, context, file, cb);

    // Keys typed while a command is running wait until it is done (Node does the same for top-level await),
    // so a command never starts before the previous one was recorded and completed. Ctrl-C goes through.
    const ttyWrite = internals._ttyWrite;
    internals._ttyWrite = (data, key) => {
      if (this.runner.pending > 0 && !(key?.ctrl && key.name === "c")) {
        this.pendingKeys.push([data, key]);
        return;
      }
      ttyWrite(data, key);
    };
    const replayKeys = () => {
      while (this.runner.pending === 0 && this.pendingKeys.length > 0 && !this.ended) {
        const [data, key] = this.pendingKeys.shift() as [string | undefined, Key | undefined];
        ttyWrite(data, key);
      }
    };
    this.replayKeys = replayKeys;

    server.prependListener("line", (line: string) => {
      // Only evals that come from a typed line are commands; tab completion evaluates too.
      this.runner.lineEval = true;
      queueMicrotask(() => {
        this.runner.lineEval = false;
      });
      this.redactHistory(line);
    });

    // Ctrl-C twice closes the REPL from inside its SIGINT handler; remember that to report SIGINT, not EXIT.
    server.prependListener("SIGINT", () => {
      this.inSigint = true;
    });
    server.on("SIGINT", () => {
      this.inSigint = false;
    });
    const close = server.close.bind(server);
    internals.close = () => {
      this.closeReason ??= this.inSigint ? EndReasons.SIGINT : EndReasons.EXIT;
      close();
    };
    server.on("exit", () => {
      const reason = this.closeReason ?? EndReasons.EXIT;
      void this.finish(
        reason,
        this.closeExitCode ?? ExitCodes[reason as keyof typeof ExitCodes] ?? 0,
        "async",
      );
    });

    this.installContext(server.context);
    server.on("reset", (context: vm.Context) => this.installContext(context));

    if (this.options.dataDir && terminal) {
      const dir = path.join(this.options.dataDir, "history");
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        server.setupHistory(path.join(dir, `${this.name}.history`), (err) => {
          if (err) this.warnOnce("history", `history: ${err.message}`);
        });
      } catch (err) {
        this.warnOnce("history", `history: ${messageOf(err)}`);
      }
    }
  }

  private installContext(context: vm.Context): void {
    for (const helper of this.registry.helpers.values()) {
      const fn = this.wrapHelper(helper);
      for (const name of [helper.name, ...helper.aliases]) {
        Object.defineProperty(context, name, {
          value: fn,
          writable: true,
          configurable: true,
          enumerable: true,
        });
      }
    }
    for (const [name, spec] of this.registry.properties) {
      Object.defineProperty(context, name, { get: spec.get, configurable: true, enumerable: true });
    }
  }

  private wrapHelper(helper: RegisteredHelper): HelperFn {
    const fn = helper.fn;
    const wrapped = (...args: unknown[]) => {
      if (helper.args) checkArgs(helper.signature, helper.args, args);
      if (helper.requiresSensitive && !this.sensitivePeriod)
        throw new SensitiveRequiredError(helper.signature);
      const command = this.runner.command;
      if (!command) return fn.apply(this, args);
      command.helpers.push(helper.name);
      // The call and everything it awaits see this command's signal, even after the next command began.
      return runInHelperContext({ signal: command.controller.signal, helper: helper.name }, () =>
        fn.apply(this, args),
      );
    };
    this.helperOf.set(wrapped, helper);
    Object.defineProperty(wrapped, "name", { value: helper.name });
    // Typing a helper's name without calling it shows how to call it.
    Object.defineProperty(wrapped, inspect.custom, {
      value: () => `${this.colors.cyan(helper.signature)}  ${this.colors.dim(helper.description)}`,
    });
    return wrapped;
  }

  /** Hands control back to the REPL: prints `result` when given, then the prompt. */
  private done(cb: EvalCallback, ...result: [] | [unknown]): void {
    // exit() closes the REPL from inside a command; a prompt after that would be noise.
    if (this.closeReason !== undefined || this.ended) return;
    if (result.length === 0) cb(null);
    else cb(null, result[0]);
  }

  private showError(err: unknown): void {
    const internals = this.server as unknown as ReplInternals | undefined;
    if (internals && !internals.underscoreErrAssigned) internals.lastError = err; // keeps `_error` useful
    this.print(this.colors.red(describeError(err)));
  }

  /** A line with a secret stays in history with the secret masked, so it never reaches the history file. */
  private redactHistory(line: string): void {
    const history = (this.server as unknown as ReplInternals | undefined)?.history;
    if (!history || history[0] !== line) return;
    const { text, redactions } = redact(line);
    if (redactions > 0) history[0] = text;
  }

  // -------------------------------------------------------------------------------------------------------
  // Banner and tracking state
  // -------------------------------------------------------------------------------------------------------

  private trackingState(): TrackingState {
    if (!this.client) return { state: "disabled", reason: this.disabledReason ?? "off" };
    return (
      safely(() => this.client?.tracking()) ?? {
        state: "disabled",
        reason: "the client did not report its state",
      }
    );
  }

  /** The tracking line of the banner, e.g. `✓ Enabled`. */
  protected trackingLine(state: TrackingState = this.trackingState()): string {
    return trackingLine(this.colors, state);
  }

  /** The banner: who this is, its version and adapters, the real tracking state and the helpers. */
  protected banner(): string {
    const state = this.trackingState();
    const details: string[] = [];
    if (this.client && state.state !== "disabled") {
      details.push(`${this.client.captureMode} capture`);
      if (this.trackedSession) details.push(`session ${this.trackedSession.id}`);
      if (!this.trackCommands) details.push("commands not recorded");
    }
    const reason = this.reason;
    return renderBanner(this.colors, {
      displayName: this.displayName,
      componentType: this.componentType,
      version: this.version,
      adapters: this.adapters,
      tracking: this.showTracking(state),
      ...(reason
        ? {
            reason: reason.ticketRef
              ? `${reason.text} ${this.colors.dim(`(ticket ${reason.ticketRef})`)}`
              : reason.text,
          }
        : {}),
      details,
      helperLines: this.registry.lines(this.colors),
    });
  }

  /** The tracking line for `state`, remembered as the one last shown. */
  private showTracking(state: TrackingState): string {
    this.trackingShown = this.trackingLine(state);
    return this.trackingShown;
  }

  private onTrackingChange(state: TrackingState): void {
    const server = this.server;
    if (!server || this.ended) return;
    if (this.trackingLine(state) === this.trackingShown) return;
    const line = `${this.colors.dim("tracking:")} ${this.showTracking(state)}`;
    const idle = this.runner.pending === 0;
    if (idle && (this.options.terminal ?? isTty(this.output))) {
      // At the prompt: print above it, then redraw it with whatever the operator had typed.
      this.write(`\r\x1b[K${line}\n`);
      server.displayPrompt(true);
    } else {
      this.write(`${line}\n`);
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Ending: exactly once, on every path
  // -------------------------------------------------------------------------------------------------------

  private installProcessHandlers(): void {
    const on = (event: string, handler: (...args: never[]) => void) => {
      const listener = handler as unknown as (...args: unknown[]) => void;
      process.on(event, listener);
      this.processHandlers.push([event, listener]);
    };
    for (const signal of END_SIGNALS) {
      on(signal, () => this.onSignal(signal));
    }
    on("uncaughtException", (err: unknown) => this.onFatal(err, "exception"));
    on("unhandledRejection", (reason: unknown) => this.onFatal(reason, "rejection"));
    // Last resort for paths that bypass everything else (process.exit() typed at the prompt or called by a
    // helper): a deliberate exit, so EXIT with its code; journaled synchronously as the exit path requires.
    on("exit", (code: number) => {
      if (!this.ended) {
        this.ended = true;
        this.endSession(EndReasons.EXIT, code);
      }
      if (!this.shutdownDone) {
        this.shutdownDone = true;
        safely(() => this.client?.shutdownSync());
      }
    });
  }

  private removeProcessHandlers(): void {
    for (const [event, handler] of this.processHandlers.splice(0)) process.removeListener(event, handler);
  }

  private onSignal(signal: EndSignal): void {
    if (this.ended) {
      // A second signal while shutting down: stop waiting for the network.
      this.forceExit(this.exitInfo?.exitCode ?? ExitCodes[signal]);
      return;
    }
    // After a hangup the terminal is gone; writing to it would only raise EIO.
    if (signal === "SIGHUP") this.outputBroken = true;
    void this.finish(EndReasons[signal], ExitCodes[signal], "async");
  }

  private onFatal(err: unknown, kind: "exception" | "rejection"): void {
    this.print(this.colors.red(`Uncaught ${kind} — the shell is exiting: ${describeError(err)}`));
    const stack = err !== null && typeof err === "object" && "stack" in err ? String(err.stack) : undefined;
    if (stack) this.print(this.colors.dim(stack.split("\n").slice(1).join("\n")));
    if (this.ended) {
      this.forceExit(ExitCodes.ERROR);
      return;
    }
    // The end is journaled synchronously first (session.end), so nothing depends on what follows; then a
    // bounded attempt to deliver it, so the service hears of the crash now rather than at the next replay.
    void this.finish(EndReasons.ERROR, ExitCodes.ERROR, "async");
  }

  private forceExit(code: number): void {
    if (!this.shutdownDone) {
      this.shutdownDone = true;
      safely(() => this.client?.shutdownSync());
    }
    if (this.options.exitProcess !== false) process.exit(code);
  }

  private endSession(reason: EndReason, exitCode: number): void {
    // A helper still running when the shell ends stops with it; its record says how it stopped.
    this.runner.stopRunning(reason);
    this.closeSensitive("session_end");
    try {
      this.trackedSession?.end(reason, exitCode);
    } catch (err) {
      this.warnOnce("end", `tracking: could not record the end of the session: ${messageOf(err)}`);
    }
  }

  /** Ends the session (exactly once), closes the REPL, shuts the client down and settles `start()`. */
  private async finish(reason: EndReason, exitCode: number, mode: "async" | "sync"): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.exitInfo = { reason, exitCode };
    this.endSession(reason, exitCode);
    this.unsubscribeTracking();
    this.pendingKeys = [];
    if (this.server && this.closeReason === undefined) {
      this.closeReason = reason;
      this.server.close();
    }

    if (!this.shutdownDone) {
      if (mode === "sync" || !this.client) {
        this.shutdownDone = true;
        safely(() => this.client?.shutdownSync());
      } else {
        const bound = this.options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
        let timer: NodeJS.Timeout | undefined;
        const ok = await Promise.race([
          this.client.shutdown(bound).then(
            () => true,
            () => false,
          ),
          new Promise<false>((resolve) => {
            // A client that overruns its own bound must not hold the operator hostage.
            timer = setTimeout(() => resolve(false), bound + 500);
          }),
        ]);
        clearTimeout(timer);
        if (!this.shutdownDone) {
          this.shutdownDone = true;
          if (!ok) safely(() => this.client?.shutdownSync());
        }
      }
    }
    this.removeProcessHandlers();
    this.resolveExit({ reason, exitCode });
    if (this.options.exitProcess !== false) {
      // Let `await shell.start()` continue first; then leave even if a helper left a socket open.
      setImmediate(() => process.exit(exitCode));
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Output plumbing
  // -------------------------------------------------------------------------------------------------------

  private write(text: string): void {
    if (this.outputBroken) return;
    try {
      this.output.write(text);
    } catch {
      this.outputBroken = true;
    }
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.print(this.colors.yellow(message));
  }
}

function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function titleCase(name: string): string {
  return name
    .split("-")
    .map((part) => (part ? part[0]?.toUpperCase() + part.slice(1) : part))
    .join("-");
}

function isTty(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

function supportsColor(stream: NodeJS.WritableStream): boolean {
  const tty = stream as { isTTY?: boolean; hasColors?: () => boolean };
  return tty.isTTY === true && typeof tty.hasColors === "function" && tty.hasColors();
}
