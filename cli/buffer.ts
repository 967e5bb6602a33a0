/**
 * `session-buddy buffer status` and `session-buddy buffer replay`: inspect and flush the client journal
 * under the data dir (SPEC §6, §11).
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import pc from "picocolors";
import {
  createClient,
  type DropCounts,
  type DropReason,
  Journal,
  type JournalInspection,
} from "../client/index.js";
import type { SettingKey, Settings } from "../config/settings.js";
import { formatSeconds } from "../contract/duration.js";
import { Scopes } from "../contract/enums.js";
import { table } from "../shells/core/output.js";
import { resolveToken } from "./auth.js";
import { createLogger } from "./logger.js";

/** What the buffer commands borrow from the CLI around them. */
export interface BufferCommandHelpers {
  /** Resolved settings, with command-line flags as the top layer. */
  config(flags?: Partial<Record<SettingKey, unknown>>): Settings;
  /** Writes one line to stdout. */
  out(text: string): void;
  /** An error the CLI prints as one line before exiting with status 1. */
  fail(message: string): Error;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Adds `buffer status [--format table|json]` and `buffer replay [--timeout s] [--format table|json]`.
 *
 * @example
 * ```ts
 * registerBufferCommands(program, { config, out, fail: (m) => new UserError(m) });
 * ```
 */
export function registerBufferCommands(program: Command, helpers: BufferCommandHelpers): Command {
  const buffer = program
    .command("buffer")
    .description("inspect and replay the client journal (events not yet delivered to the service)");

  buffer
    .command("status")
    .description("show pending records, their age, journal files and drops")
    .option("--data-dir <dir>", "data directory (SESSION_BUDDY_DATA_DIR)")
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action((opts: { dataDir?: string; format: "table" | "json" }) => {
      const settings = helpers.config({ dataDir: opts.dataDir });
      const inspection = Journal.inspect(settings.dataDir);
      if (opts.format === "json") return helpers.out(JSON.stringify(inspection, null, 2));
      for (const line of describeInspection(inspection)) helpers.out(line);
    });

  buffer
    .command("replay")
    .description("claim journals of exited processes and deliver them to the service")
    .option("--data-dir <dir>", "data directory (SESSION_BUDDY_DATA_DIR)")
    .option(
      "--timeout <seconds>",
      "give up after this long, leaving the rest journaled",
      (v) => {
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0)
          throw new InvalidArgumentError("must be a positive number of seconds");
        return n;
      },
      120,
    )
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(async (opts: { dataDir?: string; timeout: number; format: "table" | "json" }) => {
      const settings = helpers.config({ dataDir: opts.dataDir });
      const json = opts.format === "json";
      const say = (text: string) => {
        if (!json) helpers.out(text);
      };
      const before = Journal.inspect(settings.dataDir);
      const claimable = before.details.filter((d) => !d.ownerAlive);
      const live = before.details.filter((d) => d.ownerAlive);
      if (claimable.length === 0) {
        const summary = {
          claimedFiles: 0,
          claimed: 0,
          delivered: 0,
          refused: 0,
          droppedLocally: {},
          left: 0,
          liveFiles: live.length,
        };
        if (json) helpers.out(JSON.stringify(summary));
        else
          say(
            `nothing to replay in ${before.dir}${live.length ? ` (${live.length} file(s) belong to running processes and are theirs to deliver)` : ""}`,
          );
        return;
      }
      const token = await resolveToken(settings, [Scopes.WRITE]);
      const logger = createLogger(settings.logLevel === "info" ? "warn" : settings.logLevel);
      const client = createClient({
        url: settings.url,
        token,
        dataDir: settings.dataDir,
        claimOrphans: false,
        probe: false,
        logger,
        limits: {
          // Never drop on replay what the writers kept: the bound applies to what they journal, not here.
          maxJournalEvents: Math.max(settings.journalMaxEvents, before.depth + 1),
          maxJournalAgeMs: settings.journalMaxAgeDays * DAY_MS,
        },
      });
      let delivered = 0;
      let refused = 0;
      // Records this client dropped itself (e.g. malformed: never sent), apart from the service's refusals.
      const droppedLocally: DropCounts = {};
      let lastPrinted = 0;
      const off = client.onEvent((e) => {
        if (e.type === "delivered") {
          delivered += e.records;
          if (delivered - lastPrinted >= 500) {
            lastPrinted = delivered;
            say(pc.dim(`  … ${delivered} delivered, ${client.journalStatus().depth} pending`));
          }
        } else if (e.type === "rejected") {
          refused++;
        } else if (e.type === "dropped") {
          droppedLocally[e.reason] = (droppedLocally[e.reason] ?? 0) + e.records;
        }
      });
      try {
        const claimed = client.claimOrphans();
        say(
          `claimed ${claimed.files} journal file(s) with ${claimed.records} pending record(s) from ${before.dir}${claimed.corrupt ? ` (${claimed.corrupt} torn or corrupt line(s) skipped)` : ""}`,
        );
        const result = await client.flushDetailed({ force: true, timeoutMs: opts.timeout * 1000 });
        const left = result.pending;
        const summary = {
          claimedFiles: claimed.files,
          claimed: claimed.records,
          corrupt: claimed.corrupt,
          delivered,
          refused,
          droppedLocally,
          left,
          liveFiles: live.length,
          ...(left > 0 ? { stoppedBecause: result.stop, error: result.error ?? null } : {}),
        };
        if (json) helpers.out(JSON.stringify(summary));
        const local = Object.entries(droppedLocally).map(
          ([reason, n]) => `, ${n} ${describeLocalDrop(reason as DropReason)}`,
        );
        say(
          `replayed to ${settings.url}: ${delivered} delivered, ${refused} refused by the service (dropped)${local.join("")}, ${left} left in the journal`,
        );
        if (live.length > 0)
          say(pc.dim(`${live.length} file(s) belong to running processes and were left to them`));
        if (left > 0) {
          const why =
            result.stop === "done"
              ? "the service does not know their sessions yet"
              : `${result.stop}${result.error ? `: ${result.error}` : ""}`;
          throw helpers.fail(
            `${left} record(s) left undelivered (${why}); they stay journaled for the next replay`,
          );
        }
      } finally {
        off();
        await client.shutdown(1000);
      }
    });
  return buffer;
}

function describeInspection(i: JournalInspection): string[] {
  const lines = [
    `${pc.bold("journal")}   ${i.dir}`,
    `${pc.bold("pending")}   ${i.depth} record(s)${i.oldestPendingSeconds !== null ? `, oldest ${formatSeconds(i.oldestPendingSeconds)} ago` : ""}`,
    `${pc.bold("files")}     ${i.files}`,
    `${pc.bold("dropped")}   ${i.dropped} (not yet reported to the service)${describeDrops(i.droppedByReason)}`,
  ];
  if (i.unwritable !== null)
    lines.push(
      `${pc.bold("writable")}  ${pc.red(`no — ${i.unwritable}: clients keep new records in memory only`)}`,
    );
  if (i.corrupt > 0) lines.push(`${pc.bold("corrupt")}   ${i.corrupt} line(s) skipped`);
  if (i.details.length > 0) {
    lines.push(
      table(i.details, [
        ["file", (d) => d.name],
        ["pid", (d) => d.pid],
        [
          "owner",
          (d) =>
            d.closed
              ? "closed"
              : !d.sameHost
                ? "other host"
                : d.ownerAlive
                  ? pc.green("running")
                  : pc.yellow("exited"),
        ],
        ["records", (d) => d.records],
        ["bytes", (d) => d.bytes],
        ["oldest", (d) => (d.oldestAt === null ? null : new Date(d.oldestAt).toISOString())],
        ["dropped", (d) => d.dropped],
      ]),
    );
    const orphaned = i.details.filter((d) => !d.ownerAlive).length;
    if (orphaned > 0)
      lines.push(pc.dim(`${orphaned} file(s) can be replayed now: session-buddy buffer replay`));
  }
  return lines;
}

/** What a replay dropped itself, e.g. `1 malformed record(s) dropped locally (never sent)`. */
function describeLocalDrop(reason: DropReason): string {
  return reason === "malformed"
    ? "malformed record(s) dropped locally (never sent)"
    : `record(s) dropped locally (${reason})`;
}

/** ` — overflow 3, memory_cap 2` for a status line, or nothing. */
function describeDrops(counts: DropCounts): string {
  const parts = Object.entries(counts).map(([reason, n]) => `${reason} ${n}`);
  return parts.length > 0 ? ` — ${parts.join(", ")}` : "";
}
