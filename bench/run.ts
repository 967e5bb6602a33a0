/**
 * `npm run bench [-- section…]`: runs the benchmarks and prints Markdown ready for bench/RESULTS.md.
 * Sections: analytics, client, fanout, ingest, shells, trail (default: all). Postgres from BENCH_DATABASE_URL, TEST_DATABASE_URL or the local server.
 */
import { benchAnalytics } from "./analytics.js";
import { benchClient } from "./client.js";
import { benchFanout } from "./fanout.js";
import { benchIngest } from "./ingest.js";
import { benchShells } from "./shells.js";
import { benchTrail } from "./trail.js";
import { machine } from "./util.js";

const sections: Record<string, (dbUrl: string) => Promise<string[]>> = {
  analytics: (databaseUrl) =>
    benchAnalytics({
      databaseUrl,
      sessions: Number(process.env.BENCH_SESSIONS ?? 1_000_000),
      events: Number(process.env.BENCH_EVENTS ?? 10_000_000),
      runs: Number(process.env.BENCH_RUNS ?? 15),
      reuseUrl: process.env.BENCH_ANALYTICS_DB,
    }),
  client: async (databaseUrl) => {
    const size = {
      events: Number(process.env.BENCH_CLIENT_EVENTS ?? 20_000),
      calls: Number(process.env.BENCH_CLIENT_CALLS ?? 20_000),
    };
    return [...(await benchClient(size)), ...(await benchClient({ ...size, databaseUrl }))];
  },
  fanout: (databaseUrl) =>
    benchFanout(databaseUrl, (process.env.BENCH_FANOUT_SIZES ?? "100,1000,5000").split(",").map(Number)),
  shells: () => benchShells(Number(process.env.BENCH_SHELL_ROUNDS ?? 15)),
  trail: (databaseUrl) =>
    benchTrail({
      databaseUrl,
      events: Number(process.env.BENCH_TRAIL_EVENTS ?? 1_000_000),
      perSession: Number(process.env.BENCH_TRAIL_PER_SESSION ?? 100),
      batches: Number(process.env.BENCH_TRAIL_BATCHES ?? 100),
    }),
  ingest: (databaseUrl) =>
    benchIngest({ databaseUrl, requests: Number(process.env.BENCH_REQUESTS ?? 4000), concurrency: 16 }),
};

async function main() {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const unknown = wanted.filter((w) => !(w in sections));
  if (unknown.length) {
    console.error(`unknown section ${unknown.join(", ")}; known: ${Object.keys(sections).join(", ")}`);
    process.exit(2);
  }
  const dbUrl =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    "postgres://postgres@127.0.0.1:5432/postgres";
  console.log(`## Run of ${new Date().toISOString().slice(0, 10)} — ${machine()}\n`);
  for (const name of wanted.length ? wanted : Object.keys(sections)) {
    process.stderr.write(`running ${name}…\n`);
    console.log((await sections[name]!(dbUrl)).join("\n"));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
