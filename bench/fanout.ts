/**
 * Fan-out benchmark: N subscribers (one WebSocket each) receive one `sessionStarted` event; delivery latency
 * from just before the mutation is sent to each subscriber's receipt, and the service's memory. Beside it, a
 * bare `ws` broadcast of the same payload to the same number of clients, in the same run.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { mintToken } from "../auth/jwt.js";
import { Scopes } from "../contract/enums.js";
import { DIST, fmt, scratchDatabase, spawnNode, spawnService, summarise } from "./util.js";

const SECRET = `bench-${randomUUID()}-${randomUUID()}`;

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

async function connectAll<T>(n: number, connect: (i: number) => Promise<T>, batch = 200): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += batch) {
    out.push(
      ...(await Promise.all(Array.from({ length: Math.min(batch, n - i) }, (_, j) => connect(i + j)))),
    );
  }
  return out;
}

export async function benchFanout(databaseUrl: string, sizes: number[], rounds = 5): Promise<string[]> {
  const db = await scratchDatabase(databaseUrl);
  const service = await spawnService({ DATABASE_URL: db.url, SESSION_BUDDY_SECRET: SECRET });
  const baseline = await spawnNode([join(DIST, "bench", "ws-broadcast-server.js")], {}, /listening (\d+)/);
  const url = service.url;
  const wsUrl = url.replace(/^http/, "ws");
  const baseUrl = `127.0.0.1:${baseline.match[1]}`;
  const reader = await mintToken({ secret: SECRET, sub: "bench", scopes: [Scopes.READ], ttlSeconds: 3600 });
  const writer = await mintToken({ secret: SECRET, sub: "bench", scopes: [Scopes.WRITE], ttlSeconds: 3600 });
  const query =
    'subscription { sessionStarted(component: "fanout") { id component status startedAt actor } }';
  const lines = [
    `### Fan-out: one sessionStarted event to N subscribers (one WebSocket each), ${rounds} rounds per size`,
    "",
    "| N | service p50 ms | service p99 ms | service RSS MiB (idle → N subscribed) | bare ws p50 ms | bare ws p99 ms | bare ws RSS MiB | p50 ratio |",
    "|---|---|---|---|---|---|---|---|",
  ];
  try {
    for (const n of sizes) {
      const idle = rssMiB(service.child.pid!);
      const baseIdle = rssMiB(baseline.child.pid!);
      // Service subscribers.
      let arrivals: number[] = [];
      let expected = 0;
      let resolveRound: () => void = () => {};
      const onArrive = () => {
        arrivals.push(performance.now());
        if (arrivals.length === expected) resolveRound();
      };
      const clients: Client[] = await connectAll(n, async () => {
        const client = createClient({
          url: wsUrl,
          webSocketImpl: WebSocket,
          lazy: false,
          retryAttempts: 0,
          connectionParams: { authorization: `Bearer ${reader}` },
          onNonLazyError: () => {},
        });
        await new Promise<void>((resolve, reject) => {
          client.on("connected", () => resolve());
          client.on("closed", (e) => reject(e));
        });
        client.subscribe({ query }, { next: onArrive, error: () => {}, complete: () => {} });
        return client;
      });
      const publish = async () => {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${writer}` },
          body: JSON.stringify({
            query: "mutation S($i: StartSessionInput!) { startSession(input: $i) { id } }",
            variables: { i: { id: randomUUID(), component: "fanout" } },
          }),
        });
        await res.arrayBuffer();
      };
      // Warm up until every subscription is live (the first rounds also prime the JIT).
      for (let live = false; !live; ) {
        arrivals = [];
        expected = n;
        const done = new Promise<void>((r) => {
          resolveRound = r;
        });
        await publish();
        live = await Promise.race([
          done.then(() => true),
          new Promise<boolean>((r) => setTimeout(() => r(false), 2000)),
        ]);
      }
      const service_: number[] = [];
      for (let r = 0; r < rounds; r++) {
        arrivals = [];
        expected = n;
        const done = new Promise<void>((res) => {
          resolveRound = res;
        });
        const t0 = performance.now();
        await publish();
        await done;
        service_.push(...arrivals.map((t) => t - t0));
      }
      const busy = rssMiB(service.child.pid!);
      await Promise.all(clients.map((c) => c.dispose()));

      // Baseline subscribers.
      let baseArrivals: number[] = [];
      let baseExpected = 0;
      let baseResolve: () => void = () => {};
      const sockets = await connectAll(n, async () => {
        const ws = new WebSocket(`ws://${baseUrl}/`);
        await new Promise<void>((resolve, reject) => {
          ws.once("open", () => resolve());
          ws.once("error", reject);
        });
        ws.on("message", () => {
          baseArrivals.push(performance.now());
          if (baseArrivals.length === baseExpected) baseResolve();
        });
        return ws;
      });
      const payload = JSON.stringify({
        type: "next",
        id: "1",
        payload: {
          data: {
            sessionStarted: { id: randomUUID(), component: "fanout", status: "ACTIVE", actor: "bench" },
          },
        },
      });
      const base_: number[] = [];
      for (let r = 0; r < rounds + 1; r++) {
        baseArrivals = [];
        baseExpected = n;
        const done = new Promise<void>((res) => {
          baseResolve = res;
        });
        const t0 = performance.now();
        await fetch(`http://${baseUrl}/publish`, { method: "POST", body: payload }).then((x) =>
          x.arrayBuffer(),
        );
        await done;
        if (r > 0) base_.push(...baseArrivals.map((t) => t - t0));
      }
      const baseBusy = rssMiB(baseline.child.pid!);
      for (const s of sockets) s.terminate();

      const a = summarise(service_);
      const b = summarise(base_);
      lines.push(
        `| ${n} | ${fmt(a.p50)} | ${fmt(a.p99)} | ${fmt(idle, 0)} → ${fmt(busy, 0)} | ${fmt(b.p50)} | ${fmt(b.p99)} | ${fmt(baseIdle, 0)} → ${fmt(baseBusy, 0)} | ${fmt(a.p50 / b.p50, 1)}× |`,
      );
      process.stderr.write(`  fan-out ${n}: done\n`);
    }
  } finally {
    await baseline.stop();
    await service.stop();
    await db.drop();
  }
  lines.push(
    "",
    "Latency is measured from just before the publishing request is sent until each subscriber's message is",
    "parsed, so the service column includes the mutation itself (auth, validation, insert, commit) and the",
    "GraphQL execution of the selection set per subscriber; the baseline sends a pre-serialised string.",
    "",
  );
  return lines;
}
