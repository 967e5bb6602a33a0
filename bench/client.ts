/**
 * Client benchmark: events per second through the embeddable client into a `session-buddy serve` process,
 * and the per-call cost of `record` in BUFFERED mode with the service up, slow (every request delayed by a
 * proxy) and down (connection refused).
 *
 * Run: `npm run build && node dist/bench/client.js [pglite|postgres]…` (default: both; Postgres from
 * BENCH_DATABASE_URL, TEST_DATABASE_URL or the local server). Prints Markdown for bench/RESULTS.md.
 */
import { randomUUID } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { mintToken } from "../auth/jwt.js";
import { createClient } from "../client/index.js";
import { Scopes } from "../contract/enums.js";
import { fmt, scratchDatabase, spawnService, summarise } from "./util.js";

const SECRET = `bench-${randomUUID()}-${randomUUID()}`;

export interface ClientBenchOptions {
  /** Postgres URL for the service; absent: embedded PGlite. */
  databaseUrl?: string;
  /** Events in the throughput run. */
  events: number;
  /** Measured `record` calls per scenario. */
  calls: number;
}

export async function benchClient(o: ClientBenchOptions): Promise<string[]> {
  const scratch = o.databaseUrl ? await scratchDatabase(o.databaseUrl) : undefined;
  const svcDir = mkdtempSync(join(tmpdir(), "sb-bench-svc-"));
  const service = await spawnService({
    SESSION_BUDDY_SECRET: SECRET,
    SESSION_BUDDY_DATA_DIR: svcDir,
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
  });
  const url = service.url;
  const token = await mintToken({ secret: SECRET, sub: "bench", scopes: [Scopes.WRITE], ttlSeconds: 3600 });
  const reader = await mintToken({ secret: SECRET, sub: "bench", scopes: [Scopes.READ], ttlSeconds: 3600 });
  const slow = await delayingProxy(url, 250);
  const lines: string[] = [];
  try {
    const backend = scratch ? "Postgres" : "embedded PGlite";
    const tp = await throughput(url, token, reader, o.events);
    const direct = await directThroughput(url, token, o.events);
    lines.push(
      `### Client: events through the client into the service (${backend})`,
      "",
      `${o.events} command events recorded in one session by a BUFFERED client (batches of 200, one request in`,
      "flight), from the first `record` to the journal being empty, into a `session-buddy serve` process on the",
      "same machine.",
      "",
      "| measure | value |",
      "|---|---|",
      `| events/s end to end (record → journal → service → acknowledged) | ${fmt(tp.perSecond, 0)} |`,
      `| baseline: the same events as raw \`recordEvents\` requests of 200, one in flight, no client | ${fmt(direct, 0)} |`,
      `| ratio client / baseline | **${fmt(tp.perSecond / direct, 2)}** |`,
      `| time to journal all ${o.events} events (the producer's own cost) | ${fmt(tp.recordMs, 0)} ms |`,
      `| time until the journal was empty | ${fmt(tp.totalMs, 0)} ms |`,
      `| events the service stored | ${tp.stored} |`,
      "",
    );

    const scenarios: [string, string][] = [
      ["up", url],
      ["slow (+250 ms per request)", slow.url],
      ["down (connection refused)", `http://127.0.0.1:${await closedPort()}/graphql`],
    ];
    lines.push(
      `### Client: cost of one \`record\` call in BUFFERED mode (${backend})`,
      "",
      `${o.calls} calls per scenario after 500 warm-up calls; the event loop runs between every 20 calls, so the`,
      "sender works concurrently as it would in a shell. `record` journals synchronously (no fsync per event,",
      "the default policy) and returns; it never waits on the network. Event-loop delay is the longest the loop",
      "was blocked during the run (the sender's own work included).",
      "",
      "| service | p50 µs | p95 µs | p99 µs | max µs | max event-loop delay ms | delivered during run |",
      "|---|---|---|---|---|---|---|",
    );
    const base = appendCost(o.calls);
    lines.push(
      `| baseline: \`writeSync\` of the same JSON line to an open file, nothing else | ${fmt(base.p50 * 1000, 1)} | ${fmt(base.p95 * 1000, 1)} | ${fmt(base.p99 * 1000, 1)} | ${fmt(base.max * 1000, 0)} | — | — |`,
    );
    for (const [name, target] of scenarios) {
      const r = await recordCost(target, token, o.calls);
      lines.push(
        `| ${name} | ${fmt(r.p50 * 1000, 1)} | ${fmt(r.p95 * 1000, 1)} | ${fmt(r.p99 * 1000, 1)} | ${fmt(r.max * 1000, 0)} | ${fmt(r.loopMaxMs, 1)} | ${r.delivered} |`,
      );
    }
    lines.push("");
  } finally {
    await slow.close();
    await service.stop();
    rmSync(svcDir, { recursive: true, force: true });
    await scratch?.drop();
  }
  return lines;
}

async function throughput(url: string, token: string, reader: string, events: number) {
  const dataDir = mkdtempSync(join(tmpdir(), "sb-bench-client-"));
  const client = createClient({ url, token, dataDir, limits: { maxJournalEvents: events * 2 } });
  try {
    // Warm up the connection and the service.
    const warm = client.start({ component: "bench-warm" });
    for (let i = 0; i < 500; i++) await warm.record({ kind: "command", text: `warm ${i}` });
    warm.end();
    await client.flush();

    const session = client.start({ component: "bench" });
    const t0 = performance.now();
    for (let i = 0; i < events; i++) {
      await session.record({ kind: "command", text: `command number ${i} with some arguments` });
      if (i % 200 === 199) await new Promise((r) => setImmediate(r));
    }
    const recordMs = performance.now() - t0;
    session.end("EXIT", 0);
    while (client.journalStatus().depth > 0) await client.flush({ force: true });
    const totalMs = performance.now() - t0;
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${reader}` },
      body: JSON.stringify({ query: `{ session(id: "${session.id}") { eventCount } }` }),
    });
    const body = (await res.json()) as { data?: { session?: { eventCount: number } } };
    return {
      perSecond: events / (totalMs / 1000),
      recordMs,
      totalMs,
      stored: body.data?.session?.eventCount ?? -1,
    };
  } finally {
    await client.shutdown(0);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The service's own ceiling for this load: batches of 200 posted back to back, no journal, no client. */
async function directThroughput(url: string, token: string, events: number): Promise<number> {
  const query =
    "mutation R($events: [SessionEventInput!]!) { recordEvents(events: $events) { accepted duplicates rejected { eventId } } }";
  const post = async (body: unknown) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { errors?: unknown };
    if (json.errors) throw new Error(JSON.stringify(json.errors));
  };
  const sessionId = randomUUID();
  await post({
    query: "mutation S($input: StartSessionInput!) { startSession(input: $input) { id } }",
    variables: { input: { id: sessionId, component: "bench-direct" } },
  });
  const t0 = performance.now();
  for (let i = 0; i < events; i += 200) {
    const batch = Array.from({ length: Math.min(200, events - i) }, (_, k) => ({
      eventId: randomUUID(),
      sessionId,
      seq: i + k + 1,
      kind: "command",
      at: new Date().toISOString(),
      text: `command number ${i + k} with some arguments`,
    }));
    await post({ query, variables: { events: batch } });
  }
  return events / ((performance.now() - t0) / 1000);
}

/** What journaling one event costs at the least: one JSON line written to an open file descriptor. */
function appendCost(calls: number) {
  const dir = mkdtempSync(join(tmpdir(), "sb-bench-append-"));
  const fd = openSync(join(dir, "lines.jsonl"), "a");
  const samples: number[] = [];
  try {
    const sessionId = randomUUID();
    for (let i = 0; i < calls + 500; i++) {
      const t = performance.now();
      const line = JSON.stringify({
        eventId: randomUUID(),
        sessionId,
        seq: i + 1,
        kind: "command",
        at: new Date().toISOString(),
        text: `command number ${i} with some arguments`,
      });
      writeSync(fd, `${line}\n`);
      if (i >= 500) samples.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  return summarise(samples);
}

async function recordCost(url: string, token: string, calls: number) {
  const dataDir = mkdtempSync(join(tmpdir(), "sb-bench-client-"));
  const client = createClient({
    url,
    token,
    dataDir,
    limits: { maxJournalEvents: (calls + 1000) * 2, requestTimeoutMs: 5000 },
  });
  const loop = monitorEventLoopDelay({ resolution: 1 });
  try {
    const session = client.start({ component: "bench" });
    for (let i = 0; i < 500; i++) await session.record({ kind: "command", text: `warm ${i}` });
    await new Promise((r) => setTimeout(r, 50));
    const before = client.stats().delivered;
    const samples: number[] = [];
    loop.enable();
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      await session.record({ kind: "command", text: `command number ${i} with some arguments` });
      samples.push(performance.now() - t);
      if (i % 20 === 19) await new Promise((r) => setImmediate(r));
    }
    loop.disable();
    const s = summarise(samples);
    return { ...s, loopMaxMs: loop.max / 1e6, delivered: client.stats().delivered - before };
  } finally {
    await client.shutdown(0);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A proxy that holds every request for `delayMs` before forwarding it. */
async function delayingProxy(target: string, delayMs: number) {
  const to = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      setTimeout(() => {
        const up = httpRequest(
          { host: to.hostname, port: to.port, path: to.pathname, method: req.method, headers: req.headers },
          (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          },
        );
        up.on("error", () => res.destroy());
        up.end(Buffer.concat(chunks));
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
