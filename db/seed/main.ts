/**
 * Deterministic, realistic demo and benchmark data: `npm run db:seed -- --sessions N --events M`.
 *
 * The same seed, counts, window and `now` always give the same rows: every session draws from its own
 * PRNG stream (seeded from the run's seed and the session's index), so rows can be regenerated in any
 * order and the events are spread over sessions exactly (M in total) without holding them in memory.
 * Rows are loaded with COPY: postgres.js `copy … from stdin` streams on Postgres, a `/dev/blob` per chunk
 * on PGlite.
 */
import { pathToFileURL } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import { seedDatabase } from "./copy.js";

export {
  eventCopyLine,
  insertSeedRows,
  postgresClient,
  type SeedSummary,
  seedDatabase,
  sessionCopyLine,
} from "./copy.js";
export { Rng } from "./prng.js";
export { generateSeed, type SeedEvent, type SeedOptions, type SeedSession } from "./world.js";

function count(value: string): number {
  const n = Number(value.replace(/_/g, ""));
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a whole number ≥ 0");
  return n;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command("db:seed")
    .description("load deterministic, realistic sessions and events into the configured database")
    .option("--sessions <n>", "sessions to create", count, 10_000)
    .option("--events <n>", "events to spread over them", count, 100_000)
    .option("--seed <n>", "PRNG seed (same seed, same rows)", count, 1)
    .option("--days <n>", "spread start times over this many days before now", count, 30)
    .option("--now <date>", "end of the seeded period (default: now)")
    .option("--data-dir <dir>", "data directory of the embedded database (SESSION_BUDDY_DATA_DIR)")
    .exitOverride();
  try {
    program.parse(argv);
  } catch {
    return 2;
  }
  const opts = program.opts<{
    sessions: number;
    events: number;
    seed: number;
    days: number;
    now?: string;
    dataDir?: string;
  }>();
  const now = opts.now ? new Date(opts.now) : new Date();
  if (Number.isNaN(now.getTime())) {
    process.stderr.write("db:seed: --now must be a date\n");
    return 2;
  }
  const { loadConfig } = await import("../../config/resolve.js");
  const { embeddedDbDir, openConfiguredDatabase } = await import("../open.js");
  const settings = loadConfig({ dataDir: opts.dataDir }).settings;
  const database = await openConfiguredDatabase(settings);
  try {
    const where =
      database.kind === "pglite" ? `embedded database in ${embeddedDbDir(settings.dataDir)}` : "postgres";
    process.stderr.write(
      `db:seed: ${opts.sessions.toLocaleString("en")} sessions, ${opts.events.toLocaleString("en")} events, seed ${opts.seed}, ${opts.days} days → ${where}\n`,
    );
    const t0 = performance.now();
    const summary = await seedDatabase(database, {
      sessions: opts.sessions,
      events: opts.events,
      seed: opts.seed,
      days: opts.days,
      now,
      onProgress: ({ sessions: s, events: e }) => {
        const secs = (performance.now() - t0) / 1000;
        const pct = opts.sessions ? Math.floor((100 * s) / opts.sessions) : 100;
        process.stderr.write(
          `db:seed: ${pct}% — ${s.toLocaleString("en")} sessions, ${e.toLocaleString("en")} events (${Math.round((s + e) / secs).toLocaleString("en")} rows/s)\n`,
        );
      },
    });
    process.stderr.write(
      `db:seed: done in ${summary.seconds.toFixed(1)} s${summary.rebuiltIndexes ? ` (${summary.rebuiltIndexes} indexes rebuilt after the load)` : ""}\n`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`db:seed: error: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
