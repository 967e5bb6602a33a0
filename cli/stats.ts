/**
 * `session-buddy stats [--days N] [--format table|json]`: per-component analytics of a window (SPEC §8,
 * §11), and the same window's sessions by who was at the prompt (actor kind).
 */
import { type Command, Option } from "commander";
import pc from "picocolors";
import { request } from "../client/graphql-http.js";
import { StatsQuery } from "../client/operations/sessions.js";
import type { SettingKey, Settings } from "../config/settings.js";
import { actorKindText } from "../contract/actor-kind.js";
import { formatSeconds } from "../contract/duration.js";
import { ACTOR_KINDS, type ActorKind } from "../contract/enums.js";
import { QUERY_LIMITS } from "../contract/limits.js";
import { shortTime, table } from "../shells/core/output.js";
import { resolveToken } from "./auth.js";
import { wholeNumber } from "./options.js";

/** What the stats command borrows from the CLI around it. */
export interface StatsCommandHelpers {
  /** Resolved settings, with command-line flags as the top layer. */
  config(flags?: Partial<Record<SettingKey, unknown>>): Settings;
  /** Writes one line to stdout. */
  out(text: string): void;
}

const percent = (x: number | null | undefined) => (x == null ? null : `${(100 * x).toFixed(1)}%`);

/** One actor kind's sessions of the window; `actorKind` null for the sessions nobody said the kind of. */
interface ActorKindStats {
  actorKind: ActorKind | null;
  totalSessions: number;
  failedSessions: number;
  errorRate: number;
  avgDurationSeconds: number | null;
}

/**
 * Every kind, unknown last, each with its numbers (zero when it started none), so the JSON has the same
 * shape whatever the window held.
 */
function byActorKind(
  rows: readonly {
    key: unknown;
    count: number;
    failedSessions: number;
    avgDurationSeconds?: number | null;
  }[],
): ActorKindStats[] {
  const found = new Map(rows.map((r) => [(r.key as { actorKind?: string | null }).actorKind ?? null, r]));
  return [...ACTOR_KINDS, null].map((actorKind) => {
    const r = found.get(actorKind);
    return {
      actorKind,
      totalSessions: r?.count ?? 0,
      failedSessions: r?.failedSessions ?? 0,
      errorRate: (r?.failedSessions ?? 0) / Math.max(1, r?.count ?? 0),
      avgDurationSeconds: r?.avgDurationSeconds ?? null,
    };
  });
}

/**
 * Adds `stats`: sessions, active, failures, durations (mean, p95), quality score, most common error and
 * last activity per component over the last `--days` (default 7), then the window's sessions per actor
 * kind (human, AI agent, automation, unknown) with their failures and mean duration.
 *
 * @example
 * ```ts
 * registerStatsCommand(program, { config, out });
 * ```
 */
export function registerStatsCommand(program: Command, helpers: StatsCommandHelpers): Command {
  return program
    .command("stats")
    .description("per-component session analytics over the last N days")
    .option(
      "--days <n>",
      "window: sessions started in the last N × 24 h",
      wholeNumber(1, QUERY_LIMITS.days, "days"),
      7,
    )
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (opts: { days: number; format: "table" | "json" }) => {
      const settings = helpers.config();
      const token = await resolveToken(settings);
      const data = await request({ url: settings.url, token }, StatsQuery, { days: opts.days });
      const usage = new Map(data.mostActiveComponents.map((u) => [u.component, u]));
      const errors = new Map(data.sessionErrorRate.map((e) => [e.component, e.mostCommonError]));
      const components = data.sessionStats.map((s) => ({
        ...s,
        totalDurationSeconds: usage.get(s.component)?.totalDurationSeconds ?? 0,
        qualityScore: usage.get(s.component)?.qualityScore ?? null,
        mostCommonError: errors.get(s.component) ?? null,
        lastActiveAt: usage.get(s.component)?.lastActiveAt ?? null,
      }));
      const actorKinds = byActorKind(data.byActorKind);
      if (opts.format === "json")
        return helpers.out(JSON.stringify({ days: opts.days, components, actorKinds }, null, 2));
      if (components.length === 0) return helpers.out(pc.dim(`no sessions in the last ${opts.days} days`));
      helpers.out(
        table(components, [
          ["component", (c) => pc.bold(c.component)],
          ["sessions", (c) => c.totalSessions],
          ["active", (c) => c.activeSessions],
          ["failed", (c) => c.failedSessions],
          ["error rate", (c) => (c.errorRate >= 0.1 ? pc.red(percent(c.errorRate)!) : percent(c.errorRate))],
          ["avg", (c) => formatSeconds(c.avgDurationSeconds, "") || null],
          ["p95", (c) => formatSeconds(c.p95DurationSeconds, "") || null],
          ["quality", (c) => (c.qualityScore == null ? null : c.qualityScore.toFixed(1))],
          ["top error", (c) => c.mostCommonError],
          ["last active", (c) => shortTime(c.lastActiveAt)],
        ]),
      );
      const total = components.reduce((a, c) => a + c.totalSessions, 0);
      helpers.out(
        table(actorKinds, [
          ["actor kind", (k) => (k.actorKind ? actorKindText(k) : pc.dim("unknown"))],
          ["sessions", (k) => k.totalSessions],
          ["share", (k) => percent(k.totalSessions / Math.max(1, total))],
          ["failed", (k) => k.failedSessions],
          [
            "error rate",
            (k) =>
              k.totalSessions === 0
                ? null
                : k.errorRate >= 0.1
                  ? pc.red(percent(k.errorRate)!)
                  : percent(k.errorRate),
          ],
          ["avg", (k) => formatSeconds(k.avgDurationSeconds, "") || null],
        ]),
      );
      helpers.out(
        pc.dim(
          `${total} session${total === 1 ? "" : "s"} in the last ${opts.days} day${opts.days === 1 ? "" : "s"}; failed = abandoned or ended with ERROR; quality = clean exits without gaps (0–100); actor kind unknown = neither the token nor the shell said`,
        ),
      );
    });
}
