/**
 * Redis dies under two replicas that share a Postgres database, with `session-buddy watch` subscribed on
 * both and producers writing through the real client to both. Writes never notice: every event recorded
 * before, during and after the outage is stored exactly once. Both processes stay up, `/ready` says the
 * live feed is degraded while Redis is gone and ready once it is back, and every watcher ends with every
 * start and every end exactly once: what was published while Redis was down comes back through the resume
 * point (`after`) the watchers subscribe again with.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { createClient, type RecordedEvent, type SessionBuddyClient } from "../client/index.js";
import { trackChild } from "./children.js";
import { countDelivery, drainJournals, until as poll } from "./faults-kit.js";
import { it, useForSuite } from "./fixture.js";
import { component, DIST, readerToken, type ServiceProcess, tempDir, token } from "./harness.js";
import { startPgCluster } from "./pg-cluster.js";
import { startRedis } from "./redis-server.js";

const PRODUCERS_PER_REPLICA = 3;
const WATCHERS_PER_REPLICA = 2;
const EVENTS_PER_PHASE = 40;

/** `until` of the kit, with the longer deadline two replicas and their watchers need. */
const until = (what: string, check: () => boolean | Promise<boolean>, abort: () => string | undefined) =>
  poll(what, check, abort, 45_000);

interface Readiness {
  status: string;
  liveFeed: string;
  httpStatus: number;
}

const readiness = async (origin: string): Promise<Readiness> => {
  const res = await fetch(`${origin}/ready`);
  const body = (await res.json()) as { status: string; liveFeed: string };
  return { status: body.status, liveFeed: body.liveFeed, httpStatus: res.status };
};

/** `session-buddy watch --format json` of one component against one replica, its lines parsed. */
function startWatcher(url: string, bearer: string, comp: string) {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(DIST, "cli", "session-buddy.js"), "watch", "--format", "json", "--component", comp],
    {
      env: { ...process.env, NO_COLOR: "1", SESSION_BUDDY_URL: url, SESSION_BUDDY_TOKEN: bearer },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  trackChild(child);
  const starts: string[] = [];
  const ends: string[] = [];
  let stderr = "";
  let partial = "";
  child.stdout!.on("data", (d: Buffer) => {
    const lines = (partial + d.toString()).split("\n");
    partial = lines.pop()!;
    for (const line of lines) {
      if (!line.trim()) continue;
      const msg = JSON.parse(line) as { event: string; session?: { id: string } };
      if (msg.event === "start") starts.push(msg.session!.id);
      if (msg.event === "end") ends.push(msg.session!.id);
    }
  });
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    child,
    starts,
    ends,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

describe("the service under a Redis outage", () => {
  const cluster = useForSuite(startPgCluster, (c) => c.destroy());
  const redis = useForSuite(startRedis, (r) => r.destroy());

  it("Redis killed under two replicas: writes go on, both stay up, every watcher gets every start and end once", async ({
    defer,
    serve,
  }) => {
    const db = `sb_r_${randomBytes(4).toString("hex")}`;
    await cluster.psql(`create database ${db}`);
    const env = {
      DATABASE_URL: cluster.urlOf(db),
      REDIS_URL: redis.url,
      SESSION_BUDDY_REDIS_PREFIX: `faults-${randomBytes(4).toString("hex")}:`,
    };
    const replicas: ServiceProcess[] = [];
    for (let i = 0; i < 2; i++) {
      const dir = tempDir("sb-faults-redis-");
      defer(dir.remove);
      replicas.push(await serve({ ...env, SESSION_BUDDY_DATA_DIR: dir.path }));
    }
    const exits: string[] = [];
    for (const [i, r] of replicas.entries())
      r.child.once("exit", (code, signal) => exits.push(`replica ${i} exited (${code ?? signal})`));
    const died = () =>
      exits.length ? `${exits.join(", ")}:\n${replicas.map((r) => r.output()).join("\n")}` : undefined;
    const origins = replicas.map((r) => new URL(r.url).origin);
    const bothReport = (feed: string, holds: (r: Readiness) => boolean) =>
      until(
        `both replicas to report the live feed ${feed}`,
        async () => (await Promise.all(origins.map(readiness))).every(holds),
        died,
      );

    const comp = component("redisf");
    const reader = await readerToken();
    const watchers = replicas.flatMap((r) =>
      Array.from({ length: WATCHERS_PER_REPLICA }, () => startWatcher(r.url, reader, comp)),
    );
    for (const w of watchers) defer(() => w.stop());
    await until("the watchers to subscribe", () => watchers.every((w) => /watching/.test(w.stderr())), died);

    const writer = await token();
    const dataDir = tempDir("sb-faults-redis-client-");
    defer(dataDir.remove);
    const clients: SessionBuddyClient[] = replicas.flatMap((r) =>
      Array.from({ length: PRODUCERS_PER_REPLICA }, () =>
        createClient({
          url: r.url,
          token: writer,
          dataDir: dataDir.path,
          limits: { batchSize: 20, breakerCooldownMs: 200, backoffBaseMs: 10, backoffMaxMs: 200 },
        }),
      ),
    );
    for (const c of clients) defer(() => c.shutdown(0));

    type Producer = ReturnType<SessionBuddyClient["start"]>;
    const sessions: { session: Producer; recorded: RecordedEvent[]; ended: boolean }[] = [];
    /** Each client starts a session and records `n` commands in it. */
    const phase = async (n: number) => {
      const opened = clients.map((c) => {
        const entry = {
          session: c.start({ component: comp, shellType: "RedisFaultShell" }),
          recorded: [] as RecordedEvent[],
          ended: false,
        };
        sessions.push(entry);
        return entry;
      });
      await Promise.all(
        opened.map(async (e, i) => {
          for (let k = 0; k < n; k++)
            e.recorded.push(await e.session.record({ kind: "command", text: `c${i} ${k}` }));
        }),
      );
      return opened;
    };
    const endAll = (list: typeof sessions) => {
      for (const e of list) {
        e.session.end("EXIT", 0);
        e.ended = true;
      }
    };
    const drain = () => drainJournals(clients);
    const seenByAll = (ids: string[], kind: "starts" | "ends") =>
      watchers.every((w) => ids.every((id) => w[kind].includes(id)));

    // Before: sessions started (and half of them ended) with Redis up reach every watcher live.
    const before = await phase(EVENTS_PER_PHASE);
    endAll(before.slice(0, before.length / 2));
    await drain();
    await until(
      "every watcher to see the first starts and ends",
      () =>
        seenByAll(
          before.map((e) => e.session.id),
          "starts",
        ) &&
        seenByAll(
          before.filter((e) => e.ended).map((e) => e.session.id),
          "ends",
        ),
      died,
    );

    // Redis dies. The replicas keep accepting sessions and events; /ready says the live feed is degraded.
    await redis.kill();
    const killedAt = Date.now();
    await bothReport("down", (r) => r.liveFeed === "down");
    const degradedAfterMs = Date.now() - killedAt;
    const during = await phase(EVENTS_PER_PHASE);
    endAll(before.slice(before.length / 2));
    endAll(during.slice(0, during.length / 2));
    const writesStart = Date.now();
    await drain();
    const drainedDuringOutageMs = Date.now() - writesStart;
    const duringOutage = await Promise.all(origins.map(readiness));
    expect(duringOutage).toEqual(
      origins.map(() => ({ status: "degraded", liveFeed: "down", httpStatus: 200 })),
    );

    // Redis comes back: the feed is ready again and the watchers catch up on what they missed.
    await redis.start();
    const backAt = Date.now();
    await bothReport("up", (r) => r.status === "ready");
    const readyAfterMs = Date.now() - backAt;
    const after = await phase(EVENTS_PER_PHASE);
    endAll(during.slice(during.length / 2));
    endAll(after);
    await drain();
    const all = sessions.map((e) => e.session.id);
    await until(
      "every watcher to see every start and end",
      () => seenByAll(all, "starts") && seenByAll(all, "ends"),
      () =>
        died() ??
        watchers
          .find((w) => w.child.exitCode !== null)
          ?.stderr()
          .replace(/^/, "a watcher exited: "),
    );
    const caughtUpMs = Date.now() - backAt;

    // Every event recorded is stored once; every watcher printed every start and every end exactly once.
    const { sent, stored, lost, duplicated } = await countDelivery(
      replicas[0]!.url,
      sessions.map((e) => e.session),
      sessions.map((e) => e.recorded),
    );
    const feedCounts = watchers.map((w) => ({
      starts: w.starts.length,
      distinctStarts: new Set(w.starts).size,
      ends: w.ends.length,
      distinctEnds: new Set(w.ends).size,
    }));
    console.info(
      `redis outage, 2 replicas, ${watchers.length} watchers: events sent ${sent}, stored ${stored}, lost ${lost}, ` +
        `duplicated ${duplicated}; ${sessions.length} sessions (${during.length} started during the outage); ` +
        `/ready degraded ${degradedAfterMs} ms after the kill, writes drained in ${drainedDuringOutageMs} ms during it; ` +
        `ready ${readyAfterMs} ms after Redis was back, watchers caught up ${caughtUpMs} ms after; ` +
        `per watcher starts/ends ${feedCounts.map((f) => `${f.starts}/${f.ends}`).join(" ")}`,
    );
    expect(died()).toBeUndefined();
    expect({ lost, duplicated, stored }).toEqual({ lost: 0, duplicated: 0, stored: sent });
    for (const f of feedCounts)
      expect(f).toEqual({
        starts: sessions.length,
        distinctStarts: sessions.length,
        ends: sessions.length,
        distinctEnds: sessions.length,
      });
  }, 180_000);
});
