/**
 * `session-buddy purge --before 90d [--component X] [--yes]`, `session-buddy hold ID --reason TEXT` and
 * `session-buddy release ID` (README, "Trust"): retention by hand and legal holds, through the service's
 * admin mutations. A purge is a dry run unless `--yes` is given.
 */
import { type Command, Option } from "commander";
import pc from "picocolors";
import { request } from "../client/graphql-http.js";
import { HoldSessionMutation, PurgeSessionsMutation, ReleaseHoldMutation } from "../client/operations/cli.js";
import type { SettingKey, Settings } from "../config/settings.js";
import { Scopes } from "../contract/enums.js";
import { shortId } from "../contract/short-id.js";
import { shortTime, table } from "../shells/core/output.js";
import { resolveToken } from "./auth.js";
import { since } from "./options.js";
import { oneSessionId, SESSION_REF_FORMS } from "./session-ref.js";

export interface RetentionCommandHelpers {
  config(flags?: Partial<Record<SettingKey, unknown>>): Settings;
  out(text: string): void;
  /** An error the user can act on: printed as one line, exit 1. */
  fail(message: string): Error;
}

const count = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

async function adminHttp(helpers: RetentionCommandHelpers) {
  const settings = helpers.config();
  return { url: settings.url, token: await resolveToken(settings, [Scopes.READ, Scopes.ADMIN]) };
}

/** The one session a reference names, or a clear failure. */
const sessionId = (http: { url: string; token: string }, ref: string, helpers: RetentionCommandHelpers) =>
  oneSessionId(http, ref, helpers.fail);

export function registerRetentionCommands(program: Command, helpers: RetentionCommandHelpers) {
  program
    .command("purge")
    .description(
      "remove ended sessions older than a cut-off, each leaving a signed tombstone (a dry run unless --yes)",
    )
    .requiredOption(
      "--before <when>",
      "sessions that ended before this go: a duration back (90d, 52w) or a date (2026-01-01)",
      (v) => since(v),
    )
    .option("--component <name>", "only this component's sessions")
    .option("--yes", "purge for real (without it, only show what would go)")
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (opts: { before: Date; component?: string; yes?: boolean; format: "table" | "json" }) => {
      const http = await adminHttp(helpers);
      const data = await request(http, PurgeSessionsMutation, {
        before: opts.before.toISOString(),
        component: opts.component ?? null,
        dryRun: !opts.yes,
      });
      const r = data.purgeSessions;
      if (opts.format === "json") return helpers.out(JSON.stringify(r, null, 2));
      const scope = `${r.component ? `${r.component} ` : ""}sessions that ended before ${r.cutoff}`;
      if (r.clamped)
        process.stderr.write(
          `${pc.yellow(
            r.minDays > 0
              ? `the cut-off is ${r.cutoff}: nothing that ended less than ${r.minDays} days ago is purged (SESSION_BUDDY_RETENTION_MIN_DAYS)`
              : `the cut-off is now, ${r.cutoff}: no session has ended later`,
          )}\n`,
        );
      if (r.sessions.length > 0)
        helpers.out(
          table(r.sessions, [
            ["session", (s) => shortId(s.id)],
            ["component", (s) => pc.bold(s.component)],
            ["actor", (s) => s.actor],
            ["status", (s) => s.status],
            ["started", (s) => shortTime(s.startedAt)],
            ["ended", (s) => shortTime(s.endedAt)],
            ["events", (s) => String(s.events)],
          ]),
        );
      const kept = [
        r.held ? `${r.held} under a legal hold` : "",
        r.unsigned ? `${r.unsigned} with records not signed yet` : "",
        r.active ? `${r.active} still active` : "",
      ].filter(Boolean);
      const more = r.count > r.sessions.length ? ` (the first ${r.sessions.length} shown)` : "";
      const what = `${count(r.count, "session")} (${count(r.events, "event")})`;
      helpers.out(
        r.dryRun
          ? `dry run: ${what} of the ${scope} would be purged${more}${kept.length ? `; kept: ${kept.join(", ")}` : ""}`
          : `purged ${what} of the ${scope}${more}, each leaving a signed tombstone${kept.length ? `; kept: ${kept.join(", ")}` : ""}`,
      );
      if (r.dryRun && r.count > 0)
        helpers.out(pc.dim("nothing was removed; run again with --yes to purge them"));
    });

  program
    .command("hold")
    .description("place a legal hold on a session: no purge removes it until it is released")
    .argument("<session>", `the session: ${SESSION_REF_FORMS}`)
    .requiredOption("--reason <text>", "why (a case or ticket reference), kept with the hold")
    .action(async (ref: string, opts: { reason: string }) => {
      const http = await adminHttp(helpers);
      const id = await sessionId(http, ref, helpers);
      const { holdSession: h } = await request(http, HoldSessionMutation, { id, reason: opts.reason });
      helpers.out(`session ${shortId(h.sessionId)} is held: ${h.reason} (by ${h.heldBy}, ${h.heldAt})`);
    });

  program
    .command("release")
    .description("release a session's legal hold (the hold stays on record)")
    .argument("<session>", `the session: ${SESSION_REF_FORMS}`)
    .action(async (ref: string) => {
      const http = await adminHttp(helpers);
      const id = await sessionId(http, ref, helpers);
      const { releaseHold: h } = await request(http, ReleaseHoldMutation, { id });
      helpers.out(
        `session ${shortId(h.sessionId)} released from its hold (${h.reason}; held by ${h.heldBy} since ${h.heldAt}, released by ${h.releasedBy})`,
      );
    });
}
