/**
 * Ingest benchmark: `startSession` through the full API (Yoga, Pothos, auth, validation, Drizzle) against a
 * bare node:http + postgres.js INSERT … RETURNING endpoint, same database, same run, same load.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { mintToken } from "../auth/jwt.js";
import { Scopes } from "../contract/enums.js";
import { DIST, drive, fmt, scratchDatabase, spawnNode, summarise } from "./util.js";

const SECRET = `bench-${randomUUID()}-${randomUUID()}`;

export interface IngestOptions {
  databaseUrl: string;
  requests: number;
  concurrency: number;
}

export async function benchIngest(o: IngestOptions): Promise<string[]> {
  const db = await scratchDatabase(o.databaseUrl);
  const lines: string[] = [];
  const env = {
    DATABASE_URL: db.url,
    SESSION_BUDDY_SECRET: SECRET,
    SESSION_BUDDY_LOG_LEVEL: "warn",
    NODE_ENV: "production",
  };
  try {
    const migrate = await spawnNode(
      [join(DIST, "cli", "session-buddy.js"), "migrate"],
      env,
      /migrations applied/,
    );
    await migrate.stop();
    const service = await spawnNode(
      [join(DIST, "cli", "session-buddy.js"), "serve", "--port", "0"],
      { ...env, SESSION_BUDDY_LOG_LEVEL: "info" },
      /listening on (http:\/\/\S+\/graphql)/,
    );
    const baseline = await spawnNode(
      [join(DIST, "bench", "baseline-server.js"), db.url],
      {},
      /listening (\d+)/,
    );
    const serviceUrl = service.match[1]!;
    const baselineUrl = `http://127.0.0.1:${baseline.match[1]}/`;
    const token = await mintToken({ secret: SECRET, sub: "bench", scopes: [Scopes.WRITE], ttlSeconds: 3600 });
    const query =
      "mutation S($input: StartSessionInput!) { startSession(input: $input) { id status startedAt } }";

    const viaApi = async () => {
      const res = await fetch(serviceUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query,
          variables: { input: { id: randomUUID(), component: "bench", startedAt: new Date().toISOString() } },
        }),
      });
      const body = (await res.json()) as { errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
    };
    const viaBaseline = async () => {
      const res = await fetch(baselineUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id: randomUUID(), component: "bench", startedAt: new Date().toISOString() }),
      });
      if (!res.ok) throw new Error(await res.text());
      await res.arrayBuffer();
    };

    // Warm both (JIT, connection pools), then alternate the measured rounds so drift hits both equally.
    await drive(300, o.concurrency, viaApi);
    await drive(300, o.concurrency, viaBaseline);
    const api = { latencies: [] as number[], seconds: 0 };
    const base = { latencies: [] as number[], seconds: 0 };
    for (let round = 0; round < 2; round++) {
      const a = await drive(o.requests / 2, o.concurrency, viaApi);
      const b = await drive(o.requests / 2, o.concurrency, viaBaseline);
      api.latencies.push(...a.latencies);
      api.seconds += a.seconds;
      base.latencies.push(...b.latencies);
      base.seconds += b.seconds;
    }
    const a = summarise(api.latencies);
    const b = summarise(base.latencies);
    const apiRps = o.requests / api.seconds;
    const baseRps = o.requests / base.seconds;
    lines.push(
      `### Ingest: startSession, ${o.requests} requests, concurrency ${o.concurrency}, Postgres`,
      "",
      "| path | req/s | p50 ms | p95 ms | p99 ms |",
      "|---|---|---|---|---|",
      `| Session-Buddy API (Yoga + Pothos + JWT + zod + Drizzle) | ${fmt(apiRps, 0)} | ${fmt(a.p50)} | ${fmt(a.p95)} | ${fmt(a.p99)} |`,
      `| bare node:http + postgres.js INSERT … RETURNING | ${fmt(baseRps, 0)} | ${fmt(b.p50)} | ${fmt(b.p95)} | ${fmt(b.p99)} |`,
      "",
      `Ratio (API throughput / baseline throughput): **${fmt(apiRps / baseRps)}**`,
      "",
    );
    await baseline.stop();
    await service.stop();
  } finally {
    await db.drop();
  }
  return lines;
}
