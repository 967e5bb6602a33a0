/** What a component declares to become an admin shell, and what a shell reports when it ends. */
import type { EndReason, SessionBuddyClientApi } from "../../client/types.js";
import type { ActorKind } from "../../contract/enums.js";
import { LIMITS } from "../../contract/limits.js";

/** Any function; helpers are called by the operator, never by AdminShell, so their arguments are free. */
// biome-ignore lint/suspicious/noExplicitAny: helper parameters are whatever the component declares.
export type HelperFn = (...args: any[]) => unknown;

export interface HelperSpec {
  fn: HelperFn;
  /** How to call it, shown in the banner and `help()`: `errors(limit = 10)`. */
  signature: string;
  /** One line. */
  description: string;
  /** Extra names. A snake_case helper also gets its camelCase name automatically. */
  aliases?: readonly string[];
  /** Refuse outside sensitive mode (`sensitive(reason)` first): for helpers over production data or secrets. */
  requiresSensitive?: boolean;
}

/** A helper that needs sensitive mode was called outside it. */
export class SensitiveRequiredError extends Error {
  override readonly name = "SensitiveRequiredError";
  constructor(signature: string) {
    super(
      `${signature} needs sensitive mode: enter it with sensitive("why, e.g. OPS-1234: …"), then call it again; end_sensitive() leaves it`,
    );
  }
}

/** A value read on access (FastBlocks' `auth`), listed beside the helpers. */
export interface PropertySpec {
  get: () => unknown;
  description: string;
}

/** Who the shell is. Everything else has a default. */
export interface ShellDefinition {
  /** Component name as reported to Session-Buddy: `crackerjack`. `^[a-zA-Z0-9_-]{1,64}$`. */
  name: string;
  /** The component's role: `inspector`, `orchestrator`, … */
  componentType: string;
  /** Shown in the banner; default: the name with each word capitalised (`Session-Buddy`). */
  displayName?: string;
  /** Default: the class name of the subclass (`CrackerjackShell`). */
  shellType?: string;
  /** Default: the `version` of the nearest package.json above `versionFrom`. */
  version?: string;
  /** Where to start looking for package.json; default: this module, i.e. Session-Buddy's own package. */
  versionFrom?: string | URL;
  adapters?: readonly string[];
  helpers?: Readonly<Record<string, HelperSpec>>;
  properties?: Readonly<Record<string, PropertySpec>>;
}

export interface AdminShellOptions {
  /**
   * The Session-Buddy client that records this shell's session. Absent (or `tracking: false`): the shell
   * runs untracked and its banner says `✗ Disabled: <trackingDisabledReason>`.
   */
  client?: SessionBuddyClientApi;
  /** `false` turns tracking off even when a client is given. Default `true`. */
  tracking?: boolean;
  /** Why tracking is off, for the banner. */
  trackingDisabledReason?: string;
  /** Record each command typed (SPEC §6). Default `true`. */
  trackCommands?: boolean;
  /**
   * Ask for a reason before the prompt, and refuse to start without one (a component configured
   * `requireReason: true`). The reason is `Session.reason`: free text with an optional ticket (OPS-1234).
   */
  requireReason?: boolean;
  /** Offer the reason prompt at a terminal without requiring an answer (Enter skips; `askReason: true`). */
  askReason?: boolean;
  /** The reason, given ahead (SESSION_BUDDY_REASON): not asked for then. */
  reason?: string;
  /** Who is at the prompt, as detected where the shell was launched (config/actor-kind.ts), and why. */
  actorKind?: { kind: ActorKind; why: string };
  /** Session-Buddy's data dir; history lives in `<dataDir>/history/<name>.history`. Absent: no history file. */
  dataDir?: string;
  /** Default `process.stdin`. */
  input?: NodeJS.ReadableStream;
  /** Everything the shell prints goes here. Default `process.stdout`. */
  output?: NodeJS.WritableStream;
  /** Default: whether `output` is a TTY. */
  terminal?: boolean;
  /** Default: whether `output` supports colours (which honours `NO_COLOR` and `FORCE_COLOR`). */
  color?: boolean;
  /** The REPL's eager-evaluation preview. Off by default: it shows unawaited promises for async helpers. */
  preview?: boolean;
  /** Upper bound on delivering pending events when the shell ends. Default 1500 ms. */
  shutdownTimeoutMs?: number;
  /**
   * Install handlers for SIGINT/SIGTERM/SIGHUP, uncaught exceptions, unhandled rejections and `exit`, so the
   * session ends with the right reason however the process stops. Default `true`; turn off only when
   * something else owns the process.
   */
  handleProcessEvents?: boolean;
  /** Exit the process once the shell has ended, so a helper's open handles cannot keep it alive. Default `true`. */
  exitProcess?: boolean;
  /** Extra fields for the session's `environment` (nodeVersion, platform and cwd are always sent). */
  environment?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** How the shell ended. */
export interface ShellExit {
  reason: EndReason;
  exitCode: number;
}

/** Limit of an event's text at the service (SPEC §7); longer commands are cut at the source. */
export const MAX_COMMAND_TEXT_BYTES = LIMITS.textBytes;

/**
 * Longest the banner waits for the service's first answer, so it can show the real tracking state without
 * holding the prompt. A service slower than that is shown as `◌ Connecting`, and the state it turns out
 * to be (`✓ Enabled`, refused, unreachable) is printed above the prompt when it is known.
 */
export const BANNER_WAIT_MS = 300;
