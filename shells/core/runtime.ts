import { hostname, userInfo } from "node:os";
import { mintLocalToken } from "../../auth/local-token.js";
import type { TypedDocumentString } from "../../client/gql/graphql.js";
import { GraphQLRequestError, request } from "../../client/graphql-http.js";
import { createClient, type SessionBuddyClient } from "../../client/index.js";
import { ConfigError, loadConfig, type ResolvedConfig } from "../../config/resolve.js";
import type { SettingKey, Settings } from "../../config/settings.js";
import { CaptureModes, Scopes } from "../../contract/enums.js";
import { ErrorCodes } from "../../contract/errors.js";
import { LIMITS } from "../../contract/limits.js";
import { currentSignal } from "./context.js";

/** What a shell (or a tracked CLI run) of a component needs from its environment: settings, client, token. */
export interface ShellRuntime {
  component: string;
  config: ResolvedConfig;
  settings: Settings;
  /** Absent when tracking is off for this component; then `trackingDisabledReason` says why. */
  client?: SessionBuddyClient;
  trackingDisabledReason?: string;
  trackCommands: boolean;
  /** The component requires a reason before the prompt (`components.<name>.requireReason`). */
  requireReason: boolean;
  /** The component offers the reason prompt, an answer optional (`components.<name>.askReason`). */
  askReason: boolean;
  /** The reason given ahead (SESSION_BUDDY_REASON), if any. */
  reason?: string;
  /** The bearer token for read helpers (SESSION_BUDDY_TOKEN, or minted from a readable secret). */
  token(): Promise<string>;
  /**
   * Runs a typed query against the service with that token; errors say what to do about them. Called from
   * a helper, Ctrl-C cancels it (the helper's signal); `options.signal` gives another.
   */
  query<R, V>(
    document: TypedDocumentString<R, V>,
    variables: V,
    options?: { signal?: AbortSignal },
  ): Promise<R>;
}

export class ServiceQueryError extends Error {}

const TOKEN_TTL_SECONDS = 3600;

/**
 * Local programs speak for the OS user. The token is minted lazily, on each request if need be, so a shell
 * opened before the service ever ran (no local secret yet) journals its session and delivers it later.
 */
function tokenSource(settings: Settings, scopes: string[]): () => Promise<string> {
  let cached: { token: string; until: number } | undefined;
  return async () => {
    if (settings.token) return settings.token;
    const now = Date.now();
    if (cached && cached.until > now) return cached.token;
    const token = await mintLocalToken(settings, scopes, TOKEN_TTL_SECONDS);
    if (!token) {
      throw new Error(
        `no token yet: set SESSION_BUDDY_TOKEN, or start the service here once (it creates ${settings.dataDir}/local-secret)`,
      );
    }
    cached = { token, until: now + (TOKEN_TTL_SECONDS - 60) * 1000 };
    return token;
  };
}

/**
 * Resolves the layered configuration for `component` and opens its client (unless tracking is off).
 * Throws ConfigError on invalid settings: callers print it and exit 1.
 */
export function createShellRuntime(
  component: string,
  flags: Partial<Record<SettingKey, unknown>> = {},
): ShellRuntime {
  const config = loadConfig(flags);
  const { settings } = config;
  const overrides = settings.components[component] ?? {};
  const tracking = overrides.tracking ?? settings.tracking;
  const trackCommands = overrides.trackCommands ?? settings.trackCommands;
  const requireReason = overrides.requireReason ?? false;
  const askReason = overrides.askReason ?? false;
  const getToken = tokenSource(settings, [Scopes.WRITE, Scopes.READ, Scopes.AUDIT]);
  let trackingDisabledReason: string | undefined;
  if (!tracking) {
    trackingDisabledReason =
      overrides.tracking === false
        ? `components.${component}.tracking is false (${config.provenance.components.source})`
        : `SESSION_BUDDY_TRACKING=false (${config.provenance.tracking.source})`;
  }
  const client = tracking
    ? createClient({
        url: settings.url,
        getToken,
        dataDir: settings.dataDir,
        captureMode: settings.capture === "strict" ? CaptureModes.STRICT : CaptureModes.BUFFERED,
        limits: {
          maxJournalEvents: settings.journalMaxEvents,
          maxJournalAgeMs: settings.journalMaxAgeDays * 86_400_000,
          heartbeatIntervalSeconds: settings.heartbeatInterval,
        },
        logger: quietLogger(settings.logLevel),
      })
    : undefined;
  return {
    component,
    config,
    settings,
    ...(client ? { client } : {}),
    ...(trackingDisabledReason ? { trackingDisabledReason } : {}),
    trackCommands,
    requireReason,
    askReason,
    ...(settings.reason?.trim() ? { reason: settings.reason } : {}),
    token: getToken,
    async query(document, variables, options = {}) {
      const signal = options.signal ?? currentSignal();
      let token: string;
      try {
        token = await getToken();
      } catch (err) {
        throw new ServiceQueryError((err as Error).message);
      }
      try {
        return await request({ url: settings.url, token, timeoutMs: 15_000, signal }, document, variables);
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        if (err instanceof GraphQLRequestError) {
          if (err.code === ErrorCodes.FORBIDDEN) {
            throw new ServiceQueryError(
              `the service refused: ${err.message} (this needs a token with sessions:read)`,
            );
          }
          if (err.code === ErrorCodes.NETWORK || err.code === ErrorCodes.TIMEOUT) {
            throw new ServiceQueryError(`Session-Buddy is unreachable at ${settings.url} (${err.message})`);
          }
          throw new ServiceQueryError(`${err.message} [${err.code}]`);
        }
        throw err;
      }
    },
  };
}

/** Delivery problems must not scribble over an operator's prompt: only errors are printed, once each. */
function quietLogger(level: Settings["logLevel"]) {
  const seen = new Set<string>();
  const once = (m: string) => {
    if (seen.has(m)) return;
    seen.add(m);
    process.stderr.write(`session-buddy client: ${m}\n`);
  };
  return {
    debug: (m: string) => {
      if (level === "debug") once(m);
    },
    warn: (m: string) => {
      if (level === "debug" || level === "info") once(m);
    },
    error: (m: string) => {
      if (level !== "silent") once(m);
    },
  };
}

/** The facts about this process a session start carries. */
export function processFacts() {
  let username: string | undefined;
  try {
    username = userInfo().username;
  } catch {
    username = undefined;
  }
  return {
    pid: process.pid,
    hostname: hostname(),
    ...(username ? { username } : {}),
    environment: {
      nodeVersion: process.version,
      platform: process.platform,
      arch: process.arch,
      cwd: process.cwd().slice(0, LIMITS.cwdChars),
    },
  };
}

/** One line for a bad configuration, then exit 1; used by every bin. */
export function exitOnConfigError(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
