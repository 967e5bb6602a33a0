#!/usr/bin/env node

import { existsSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import pc from "picocolors";
import { installProcessGuard } from "../api/guard.js";
import { mintToken } from "../auth/jwt.js";
import { loginLink } from "../auth/local-login.js";
import { readLocalSecret, signingSecret } from "../auth/local-secret.js";
import { localSubject } from "../auth/local-token.js";
import { parseTtl } from "../auth/ttl.js";
import type { SessionFieldsFragment, SessionStatus } from "../client/gql/graphql.js";
import { GraphQLRequestError, request } from "../client/graphql-http.js";
import { ListSessionsQuery, SessionViewersQuery, ShowSessionQuery } from "../client/operations/sessions.js";
import { createServiceLogger } from "../config/logger.js";
import { ConfigError, loadConfig } from "../config/resolve.js";
import type { SettingKey } from "../config/settings.js";
import { VERSION } from "../config/version.js";
import { actorKindText } from "../contract/actor-kind.js";
import { formatDuration, formatSeconds } from "../contract/duration.js";
import {
  ACTOR_KINDS,
  type ActorKind,
  COMPLETENESS,
  type Completeness,
  SCOPES,
  Scopes,
  SESSION_STATUSES,
} from "../contract/enums.js";
import { QUERY_LIMITS } from "../contract/limits.js";
import { shortId } from "../contract/short-id.js";
import {
  completenessColour,
  csv,
  describeCompleteness,
  type Format,
  Formats,
  shortTime,
  statusColour,
  table,
} from "../shells/core/output.js";
import { registerAlertCommands } from "./alerts.js";
import { resolveToken } from "./auth.js";
import { registerBufferCommands } from "./buffer.js";
import { addExamples, registerCompletionCommand } from "./help.js";
import { isoDate } from "./options.js";
import { registerPlayCommand } from "./play.js";
import { registerRetentionCommands } from "./retention.js";
import { registerReviewCommands, reviewLines } from "./review.js";
import { registerSearchCommand } from "./search.js";
import { findSession, SESSION_REF_FORMS, sessionRefText } from "./session-ref.js";
import { registerStatsCommand } from "./stats.js";
import { statusLine } from "./status-line.js";
import { registerTrailCommands } from "./trail.js";
import { WatchError, type WatchStop, watch } from "./watch.js";

/** A failure the user can act on: printed as one line, exit 1. */
class UserError extends Error {}

/** An end with this exit code and nothing to print (a watch stopped by a signal). */
class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

function config(flags: Partial<Record<SettingKey, unknown>> = {}) {
  return loadConfig(flags).settings;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("must be a positive whole number");
  return n;
}

/** A reference to one session: its id, a prefix of it, or its short form (as the tables show). */
function sessionRef(value: string): string {
  const ref = sessionRefText(value);
  if (!ref) throw new InvalidArgumentError(`must be ${SESSION_REF_FORMS}`);
  return ref;
}

/** A duration in seconds for a table cell: empty (a dim dash) when there is none. */
const seconds = (s: number | null | undefined) => (s == null ? null : formatSeconds(s));

function ttlSeconds(value: string): number {
  try {
    return parseTtl(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function scopeList(value: string): string[] {
  const known = new Set<string>(SCOPES);
  const scopes = value.split(/[\s,]+/).filter(Boolean);
  const unknown = scopes.filter((s) => !known.has(s));
  if (scopes.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(
      `${unknown.length ? `unknown scope ${unknown.join(", ")}` : "no scope given"} (known: ${[...known].join(", ")})`,
    );
  }
  return scopes;
}

const sessionColumns: [string, (s: SessionFieldsFragment) => unknown][] = [
  ["id", (s) => shortId(s.id)],
  ["type", (s) => s.type],
  ["component", (s) => s.component],
  ["status", (s) => statusColour(s.status)],
  ["record", (s) => completenessColour(s.completeness)],
  ["actor", (s) => s.actor],
  ["user@host", (s) => (s.username || s.hostname ? `${s.username ?? "?"}@${s.hostname ?? "?"}` : null)],
  ["started", (s) => shortTime(s.startedAt)],
  ["duration", (s) => seconds(s.durationSeconds)],
  ["end", (s) => s.endReason],
  ["cmds", (s) => s.commandCount],
  ["errs", (s) => s.errorCount],
  ["ticket", (s) => s.reason?.ticketRef ?? null],
];
const csvColumns: [string, (s: SessionFieldsFragment) => unknown][] = [
  ["id", (s) => s.id],
  ...sessionColumns.filter(([h]) => h !== "id" && h !== "status" && h !== "user@host" && h !== "duration"),
  ["status", (s) => s.status],
  ["username", (s) => s.username],
  ["hostname", (s) => s.hostname],
  ["durationSeconds", (s) => s.durationSeconds],
  ["delayed", (s) => s.delayed],
];

export function buildProgram(): Command {
  const program = new Command("session-buddy")
    .description("Session-Buddy: tracking of admin shell sessions — service, queries and tools")
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run session-buddy --help for usage)")
    .configureOutput({ outputError: (str, write) => write(pc.red(str)) });

  program
    .command("serve")
    .description("run the GraphQL service (embedded PGlite unless DATABASE_URL is set)")
    .option("--host <host>", "interface to bind (SESSION_BUDDY_HOST)")
    .option("--port <port>", "port to listen on (SESSION_BUDDY_PORT)", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("must be a port number");
      return n;
    })
    .option("--data-dir <dir>", "data directory (SESSION_BUDDY_DATA_DIR)")
    .action(async (opts: { host?: string; port?: number; dataDir?: string }) => {
      const settings = config({ host: opts.host, port: opts.port, dataDir: opts.dataDir });
      const logger = createServiceLogger(settings.logLevel);
      // A dependency failing in its own callback is logged and survived; any other uncaught error exits 1.
      installProcessGuard({ logger });
      const started = performance.now();
      logger.info(`starting Session-Buddy ${VERSION}…`);
      // The service stack loads only for the commands that run it: the other commands start fast.
      const { runService } = await import("../api/server.js");
      const service = await runService(settings, logger);
      const ms = Math.round(performance.now() - started);
      const links = service.signInLinks;
      logger.info(
        links ? { dashboard: links.dashboard, graphiql: links.graphiql } : { graphql: service.url },
        links
          ? `ready in ${ms} ms — open the dashboard (signs you in): ${links.dashboard} — GraphiQL: ${links.graphiql}`
          : `ready in ${ms} ms — GraphQL: ${service.url}`,
      );
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          logger.info(`${signal}: shutting down`);
          service.stop().then(resolve, (err) => {
            logger.error({ err }, "shutdown failed");
            resolve();
          });
        };
        process.once("SIGINT", () => stop("SIGINT"));
        process.once("SIGTERM", () => stop("SIGTERM"));
      });
    });

  program
    .command("login-link")
    .description("print the sign-in link of the local service's dashboard (or GraphiQL)")
    .option("--graphiql", "a link that opens GraphiQL instead of the dashboard")
    .addHelpText(
      "after",
      "\nThe embedded local mode signs a browser in with this link (it sets an HttpOnly cookie); the\n" +
        "link is made from the data dir's local-secret, so it works across restarts.",
    )
    .action((opts: { graphiql?: boolean }) => {
      const settings = config();
      if (settings.secret || settings.jwks) {
        throw new UserError(
          "sign-in links exist only in the embedded local mode (no SESSION_BUDDY_SECRET or SESSION_BUDDY_JWKS); paste a token into the dashboard instead",
        );
      }
      const secret = readLocalSecret(settings.dataDir);
      if (!secret) {
        throw new UserError(
          `no local secret in ${settings.dataDir}: start the service once (npm start) so it creates one`,
        );
      }
      const origin = new URL(settings.url).origin;
      out(loginLink(origin, secret, opts.graphiql ? "/graphql" : "/dashboard"));
    });

  program
    .command("migrate")
    .description("apply database migrations and exit")
    .option("--data-dir <dir>", "data directory (SESSION_BUDDY_DATA_DIR)")
    .action(async (opts: { dataDir?: string }) => {
      const settings = config({ dataDir: opts.dataDir });
      const { embeddedDbDir, openConfiguredDatabase } = await import("../db/open.js");
      const database = await openConfiguredDatabase(settings);
      try {
        out(
          `migrations applied (${database.kind === "pglite" ? `embedded database in ${embeddedDbDir(settings.dataDir)}` : "postgres"})`,
        );
      } finally {
        await database.close();
      }
    });

  program
    .command("signing-key")
    .description(
      "create the trail-signing key (Ed25519 JWK, mode 0600) if it does not exist, and print its id and path",
    )
    .option(
      "--out <file>",
      "where the key is (default: SESSION_BUDDY_SIGNING_KEY, else <data dir>/signing-key.jwk)",
    )
    .option("--data-dir <dir>", "data directory (SESSION_BUDDY_DATA_DIR)")
    .action(async (opts: { out?: string; dataDir?: string }) => {
      const settings = config({ dataDir: opts.dataDir });
      const { loadSigningKey, SigningKeyError } = await import("../api/trust/signing-key.js");
      const { dataPaths } = await import("../config/paths.js");
      const path = opts.out ?? settings.signingKey ?? dataPaths(settings.dataDir).signingKey;
      const existed = existsSync(path);
      try {
        const key = await loadSigningKey({ configured: existed ? path : undefined, defaultPath: path });
        out(`${existed ? "signing key" : "created signing key"} ${key.kid} (${key.path})`);
      } catch (err) {
        if (err instanceof SigningKeyError) throw new UserError(err.message);
        throw err;
      }
    });

  program
    .command("token")
    .description("mint a JWT from the configured secret (or the local dev secret)")
    .option(
      "--sub <name>",
      "subject the token speaks for (default: your OS user name, as local shells use)",
      (v: string) => {
        if (!v.trim()) throw new InvalidArgumentError("must not be empty");
        return v.trim();
      },
      localSubject(),
    )
    .option(
      "--scope <scopes>",
      'space-separated scopes, e.g. "sessions:write" or "sessions:read audit:read"',
      scopeList,
      [Scopes.WRITE],
    )
    .option("--component <name...>", "limit a writer to these components")
    .option("--ttl <duration>", "lifetime, e.g. 15m, 1h, 7d", ttlSeconds, 3600)
    .addOption(
      new Option("--actor-kind <kind>", "who will be at the prompt (the actor_kind claim)").choices(
        ACTOR_KINDS,
      ),
    )
    .option("--delegated-by <subject>", "who delegates to --sub (RFC 8693 act claim), e.g. for an AI agent")
    .action(
      async (opts: {
        sub: string;
        scope: string[];
        component?: string[];
        ttl: number;
        actorKind?: ActorKind;
        delegatedBy?: string;
      }) => {
        const settings = config();
        const secret = signingSecret(settings);
        if (!secret) {
          throw new UserError(
            `no secret: set SESSION_BUDDY_SECRET, or start the service once so it creates ${settings.dataDir}/local-secret`,
          );
        }
        out(
          await mintToken({
            secret,
            sub: opts.sub,
            scopes: opts.scope,
            components: opts.component,
            ttlSeconds: opts.ttl,
            actorKind: opts.actorKind,
            delegatedBy: opts.delegatedBy,
          }),
        );
      },
    );

  program
    .command("list-sessions")
    .description("list sessions, newest first")
    .option("--type <type>", "session type, e.g. admin_shell, workflow, cli")
    .option("--component <name>", "component name")
    .addOption(new Option("--status <status>", "session status").choices(SESSION_STATUSES))
    .addOption(
      new Option(
        "--completeness <value>",
        "how complete the record is (see the README's Trust section)",
      ).choices(COMPLETENESS),
    )
    .option("--user <username>", "OS user reported by the shell")
    .option("--actor <subject>", "token subject that reported the session")
    .option("--host <hostname>", "host the session ran on")
    .option("--ticket <ref>", "sessions whose reason names this ticket (e.g. OPS-1234)")
    .addOption(new Option("--actor-kind <kind>", "who was at the prompt").choices(ACTOR_KINDS))
    .option("--after <date>", "started at or after this date", isoDate)
    .option("--before <date>", "started before this date", isoDate)
    .option("--limit <n>", "at most this many sessions", positiveInt, 50)
    .addOption(new Option("--format <format>", "output format").choices(Formats).default("table"))
    .action(
      async (opts: {
        type?: string;
        component?: string;
        status?: SessionStatus;
        completeness?: Completeness;
        user?: string;
        actor?: string;
        host?: string;
        ticket?: string;
        actorKind?: ActorKind;
        after?: string;
        before?: string;
        limit: number;
        format: Format;
      }) => {
        const settings = config();
        const token = await resolveToken(settings);
        const filter = {
          type: opts.type,
          component: opts.component,
          status: opts.status,
          completeness: opts.completeness,
          username: opts.user,
          actor: opts.actor,
          hostname: opts.host,
          ticketRef: opts.ticket,
          actorKind: opts.actorKind,
          startedAfter: opts.after,
          startedBefore: opts.before,
        };
        const nodes: SessionFieldsFragment[] = [];
        let after: string | null | undefined;
        let total = 0;
        while (nodes.length < opts.limit) {
          const data = await request({ url: settings.url, token }, ListSessionsQuery, {
            filter,
            first: Math.min(500, opts.limit - nodes.length),
            after,
          });
          total = data.sessions.totalCount;
          nodes.push(...data.sessions.edges.map((e) => e.node));
          if (!data.sessions.pageInfo.hasNextPage) break;
          after = data.sessions.pageInfo.endCursor;
        }
        if (opts.format === "json") return out(JSON.stringify(nodes, null, 2));
        if (opts.format === "csv") return out(csv(nodes, csvColumns));
        if (nodes.length === 0) return out(pc.dim("no sessions match"));
        out(table(nodes, sessionColumns));
        out(pc.dim(`${nodes.length} of ${total} session${total === 1 ? "" : "s"}`));
      },
    );

  program
    .command("show-session")
    .description("show one session and its events")
    .argument(
      "<id>",
      "the session: its id, a unique prefix of it, or its short id (as the tables show)",
      sessionRef,
    )
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (typed: string, opts: { format: "table" | "json" }) => {
      const settings = config();
      const token = await resolveToken(settings);
      const found = await findSession({ url: settings.url, token }, typed);
      if (found.kind === "none") throw new UserError(`no session matches ${typed}`);
      if (found.kind === "many") {
        process.stderr.write(
          `${table(found.items, [
            ["short id", (s) => shortId(s.id)],
            ["id", (s) => s.id],
            ["component", (s) => s.component],
            ["status", (s) => statusColour(s.status)],
            ["actor", (s) => s.actor],
            ["started", (s) => shortTime(s.startedAt)],
          ])}\n`,
        );
        throw new UserError(
          `${typed} matches ${found.total} sessions${found.total > found.items.length ? ` (the newest ${found.items.length} are listed)` : ""}: give more digits or the full id`,
        );
      }
      const id = found.id;
      type Shown = NonNullable<Awaited<ReturnType<typeof fetchPage>>["session"]>;
      const fetchPage = (after?: string | null) =>
        request({ url: settings.url, token }, ShowSessionQuery, { id, first: QUERY_LIMITS.page, after });
      const first = await fetchPage();
      if (!first.session) throw new UserError(`no session matches ${typed}`);
      const session: Shown = first.session;
      const events = [...session.events.edges.map((e) => e.node)];
      let page = session.events.pageInfo;
      while (page.hasNextPage) {
        const next = await fetchPage(page.endCursor);
        if (!next.session) break;
        events.push(...next.session.events.edges.map((e) => e.node));
        page = next.session.events.pageInfo;
      }
      if (opts.format === "json") {
        const { events: _e, ...rest } = session;
        return out(JSON.stringify({ ...rest, events }, null, 2));
      }
      const fields: [string, unknown][] = [
        ["id", `${session.id} (${shortId(session.id)})`],
        ["type", session.type],
        ["component", `${session.component}${session.componentType ? ` (${session.componentType})` : ""}`],
        ["version", session.componentVersion],
        ["shell", session.shellType],
        ["adapters", session.adapters.join(", ")],
        ["status", statusColour(session.status)],
        ["actor", session.actor],
        ["actor kind", actorKindText(session)],
        [
          "reason",
          session.reason
            ? `${session.reason.text}${session.reason.ticketRef ? pc.dim(` (ticket ${session.reason.ticketRef})`) : ""}`
            : null,
        ],
        ["user@host", `${session.username ?? "?"}@${session.hostname ?? "?"} pid ${session.pid ?? "?"}`],
        ["started", shortTime(session.startedAt)],
        ["ended", shortTime(session.endedAt)],
        ["duration", seconds(session.durationSeconds)],
        [
          "end reason",
          session.endReason
            ? `${session.endReason}${session.exitCode != null ? ` (exit ${session.exitCode})` : ""}`
            : null,
        ],
        ["capture", session.captureMode],
        ["delayed", session.delayed ? pc.yellow("yes") : "no"],
        ["commands", `${session.commandCount} (${session.errorCount} errors)`],
        ["record", describeCompleteness(session)],
        [
          "legal hold",
          session.legalHold
            ? pc.yellow(
                `${session.legalHold.reason} (by ${session.legalHold.heldBy} since ${shortTime(String(session.legalHold.heldAt))})`,
              )
            : null,
        ],
      ];
      // Who read its command text (this read included), for a token that may read it.
      const viewers = await request({ url: settings.url, token }, SessionViewersQuery, { id }).then(
        (d) => d.session?.viewedBy ?? null,
        (err) => {
          if (err instanceof GraphQLRequestError && err.code === "FORBIDDEN") return null;
          throw err;
        },
      );
      if (viewers)
        fields.push([
          "viewed by",
          viewers.length
            ? viewers
                .map(
                  (v) =>
                    `${v.subject} (${v.events} event${v.events === 1 ? "" : "s"}, last ${shortTime(String(v.lastAt))})`,
                )
                .join(", ")
            : null,
        ]);
      for (const [k, v] of fields)
        out(`${pc.bold(k.padEnd(11))} ${v == null || v === "" ? pc.dim("—") : String(v)}`);
      for (const line of reviewLines(session)) out(line);
      if (events.length === 0) return out(pc.dim("\nno events"));
      out("");
      out(
        table(events, [
          ["seq", (e) => e.seq],
          ["at", (e) => shortTime(e.at)],
          ["kind", (e) => e.kind],
          ["text", (e) => (e.textHidden ? pc.dim("(hidden: needs audit:read)") : e.text)],
          ["took", (e) => (e.durationMs == null ? null : formatDuration(e.durationMs))],
          [
            "outcome",
            (e) =>
              e.outcome === "error" ? pc.red(`error${e.errorClass ? ` ${e.errorClass}` : ""}`) : e.outcome,
          ],
        ]),
      );
    });

  program
    .command("watch")
    .description(
      "live feed of sessions starting, ending and being abandoned, and of commands (text with audit:read)",
    )
    .option("--component <name>", "only this component")
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (opts: { component?: string; format: "table" | "json" }) => {
      const settings = config();
      const token = await resolveToken(settings, [Scopes.READ, Scopes.AUDIT], 12 * 3600);
      // On a terminal the commands still running are shown in a status line below the feed.
      const screen =
        process.stdout.isTTY && opts.format === "table"
          ? statusLine({ stdout: process.stdout, stderr: process.stderr })
          : undefined;
      let stopped: WatchStop;
      try {
        stopped = await watch({
          url: settings.url,
          token,
          component: opts.component,
          format: opts.format,
          out: screen?.out ?? out,
          err: screen?.err ?? ((line) => process.stderr.write(`${line}\n`)),
          status: screen?.set,
        });
      } catch (err) {
        if (err instanceof WatchError) throw new UserError(err.message);
        throw err;
      } finally {
        // A connection attempt still under way (a host that does not answer) must not hold the exit up.
        setTimeout(() => process.exit(), 1000).unref();
      }
      // Stopped by the user: 128 + the signal's number, as shells report it (130 for Ctrl-C).
      throw new ExitCode(stopped === "SIGINT" ? 130 : 143);
    });

  registerBufferCommands(program, { config, out, fail: (message) => new UserError(message) });
  registerStatsCommand(program, { config, out });
  registerSearchCommand(program, {
    config,
    out,
    color: process.stdout.isTTY === true && pc.isColorSupported,
  });

  program
    .command("shell")
    .description("open Session-Buddy's tracked admin shell (ps, active, quality, insights)")
    .action(async () => {
      const { runSessionBuddyShell } = await import("../shells/bin/session-buddy-shell.js");
      await runSessionBuddyShell();
    });

  registerTrailCommands(program, {
    config,
    out,
    fail: (m) => new UserError(m),
    exit: (code) => new ExitCode(code),
  });
  registerRetentionCommands(program, { config, out, fail: (m) => new UserError(m) });
  registerReviewCommands(program, { config, out, fail: (m) => new UserError(m) });
  registerAlertCommands(program, { config, out, fail: (m) => new UserError(m) });
  registerPlayCommand(program, { config, fail: (m) => new UserError(m), exit: (c) => new ExitCode(c) });
  registerCompletionCommand(program, out);
  addExamples(program);
  return program;
}

/** Exit codes: 0 success, 1 failure (one clear line), 2 bad usage. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return 0;
      // Help shown because a subcommand was missing (`buffer` alone) is bad usage too.
      if (err.code === "commander.help") return err.exitCode === 0 ? 0 : 2;
      return 2;
    }
    if (err instanceof ExitCode) return err.code;
    const message =
      err instanceof ConfigError
        ? err.message
        : err instanceof GraphQLRequestError
          ? `${err.message}${err.code ? ` [${err.code}]` : ""}`
          : ((err as Error | undefined)?.message ?? String(err));
    process.stderr.write(`${pc.red("session-buddy: error:")} ${message}\n`);
    return 1;
  }
}

// A reader that stopped reading (`| head`) ends the output, not the program with a stack trace.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code !== "EPIPE") throw err;
  process.exit(process.exitCode ?? 0);
});

main(process.argv).then((code) => {
  process.exitCode = code;
});
