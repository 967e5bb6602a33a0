/**
 * Postgres goes away under a `session-buddy serve` process in the middle of an ingest, with several of the
 * service's transactions open (they wait on a lock the test holds, so they are open when the server goes):
 * a fast restart, and a stop followed by a start a while later. The process stays up, /ready answers 503
 * while the database is gone and 200 after, the first reads after the outage succeed, and every event the
 * producers recorded through the real client ends stored exactly once.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect } from "vitest";
import { createClient, type RecordedEvent, type SessionBuddyClient } from "../client/index.js";
import { MIGRATION_LOCK_KEY, migrationsFolder, openDatabase } from "../db/connection.js";
import { countDelivery, drainJournals, until } from "./faults-kit.js";
import { it, useForSuite } from "./fixture.js";
import { component, gql, readerToken, type ServiceProcess, token, uuid } from "./harness.js";
import { SESSIONS, START, startInput } from "./ops.js";
import { startPgCluster } from "./pg-cluster.js";

const PRODUCERS = 8;
/** Open transactions at the moment the server goes (the crash needed six or more). */
const OPEN_TRANSACTIONS = 6;
const PER_PHASE = 60;

const yieldToIo = () => new Promise<void>((r) => setImmediate(r));

const readyStatus = (origin: string) =>
  fetch(`${origin}/ready`).then(
    (r) => r.status,
    () => 0,
  );

/** Polls /ready in the background and keeps every status seen, in order. */
function readinessRecorder(origin: string) {
  const seen: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      seen.push(await readyStatus(origin));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    seen,
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** A service process with its exit watched: `died()` says how it ended, while it runs it is undefined. */
function watched(service: ServiceProcess) {
  let exit: string | undefined;
  service.child.once("exit", (code, signal) => (exit = `exit ${code ?? signal}`));
  return {
    service,
    origin: new URL(service.url).origin,
    died: () => exit && `the service process ended (${exit}):\n${service.output()}`,
  };
}

describe("the service under Postgres faults", () => {
  const cluster = useForSuite(startPgCluster, (c) => c.destroy());
  /** A new, empty database of the cluster; returns its name. */
  const newDatabase = async () => {
    const db = `sb_f_${randomBytes(4).toString("hex")}`;
    await cluster.psql(`create database ${db}`);
    return db;
  };

  it.for([
    ["a fast restart", "restart"],
    ["a stop, then a start", "stop-start"],
  ] as const)(
    "%s mid-ingest with transactions open: the process stays up, nothing is lost or duplicated",
    async ([_name, fault], { defer, dir, serve }) => {
      const db = await newDatabase();
      const { service, origin, died } = watched(
        await serve({ DATABASE_URL: cluster.urlOf(db), SESSION_BUDDY_DATA_DIR: dir }),
      );

      const writer = await token();
      const comp = component("pgf");
      const clients: SessionBuddyClient[] = [];
      for (let i = 0; i < PRODUCERS; i++) {
        const client = createClient({
          url: service.url,
          token: writer,
          dataDir: dir,
          limits: {
            maxJournalEvents: 10_000,
            batchSize: 20,
            breakerCooldownMs: 200,
            backoffBaseMs: 10,
            backoffMaxMs: 200,
            requestTimeoutMs: 20_000,
          },
        });
        clients.push(client);
        defer(() => client.shutdown(0));
      }
      const sessions = clients.map((c) => c.start({ component: comp, shellType: "FaultShell" }));
      const recorded: RecordedEvent[][] = sessions.map(() => []);
      const produce = (n: number) =>
        Promise.all(
          sessions.map(async (s, i) => {
            for (let k = 0; k < n; k++) {
              recorded[i]!.push(
                await s.record({ kind: "command", text: `p${i} e${recorded[i]!.length + 1}` }),
              );
              if (k % 20 === 19) await yieldToIo();
            }
          }),
        );
      const delivered = () => clients.reduce((n, c) => n + c.stats().delivered, 0);

      await produce(PER_PHASE);
      await until("the first events to be stored", async () => delivered() >= PRODUCERS * 10, died);

      // Hold the events table, so the next batches' transactions stay open (blocked on their first insert).
      const lock = cluster.hold(
        "BEGIN; LOCK TABLE session_events IN EXCLUSIVE MODE; SELECT pg_sleep(600);",
        db,
      );
      defer(lock.kill);
      await until(
        "the test's lock on the events table",
        async () =>
          (await cluster.psql(
            "select count(*) from pg_locks where relation = 'session_events'::regclass and mode = 'ExclusiveLock' and granted",
            db,
          )) === "1",
        died,
      );
      await produce(PER_PHASE);
      const waiting = () =>
        cluster
          .psql(
            `select count(*) from pg_stat_activity where datname = '${db}' and wait_event_type = 'Lock' and xact_start is not null`,
          )
          .then(Number);
      await until(
        `${OPEN_TRANSACTIONS} open transactions`,
        async () => (await waiting()) >= OPEN_TRANSACTIONS,
        died,
      );

      const readiness = readinessRecorder(origin);
      let downAt = Date.now();
      if (fault === "restart") {
        await cluster.restart();
      } else {
        await cluster.stop();
        downAt = Date.now();
        await until("/ready to answer 503", async () => (await readyStatus(origin)) === 503, died);
        expect((await fetch(`${origin}/health`)).status).toBe(200);
        await produce(PER_PHASE); // recorded while the database is down
        await until(
          "the clients to fail against the stopped database",
          async () => clients.every((c) => c.stats().failures > 0),
          died,
        );
        await cluster.start();
      }
      const upAt = Date.now();
      await until("/ready to answer 200", async () => (await readyStatus(origin)) === 200, died);
      const readyAfterMs = Date.now() - upAt;
      await readiness.stop();
      lock.kill();

      // The first reads after the outage: none may fail on a connection left over from before it.
      const reader = await readerToken();
      const reads = await Promise.all(
        Array.from({ length: 12 }, () =>
          gql(service.url, SESSIONS, { filter: { component: comp }, first: 1 }, reader),
        ),
      );
      expect(reads.map((r) => r.body.errors?.[0]?.extensions?.code ?? "ok")).toEqual(reads.map(() => "ok"));

      await produce(PER_PHASE);
      for (const s of sessions) s.end("EXIT", 0);
      await drainJournals(clients);
      const drainedAfterMs = Date.now() - upAt;

      const { sent, stored, lost, duplicated } = await countDelivery(service.url, sessions, recorded, {
        inOrder: true,
      });
      console.info(
        `postgres ${fault}: sent ${sent}, stored ${stored}, lost ${lost}, duplicated ${duplicated}; ` +
          `/ready 503 seen ${readiness.seen.filter((s) => s === 503).length}×, 200 ${readyAfterMs} ms after the database was back ` +
          `(down ${upAt - downAt} ms), journals drained ${drainedAfterMs} ms after`,
      );
      expect(died(), service.output()).toBeUndefined();
      // A restart can be over before a /ready probe catches it (a probe in flight then waits for the
      // database and answers 200, truly); the stop before a start waits for the 503 above.
      if (fault === "stop-start") expect(readiness.seen).toContain(503);
      // Reconnecting is capped at about a second between attempts, however long the outage.
      expect(readyAfterMs).toBeLessThan(10_000);
      expect({ lost, duplicated, stored }).toEqual({ lost: 0, duplicated: 0, stored: sent });
    },
  );

  const readyBody = async (origin: string): Promise<Record<string, string | number>> => {
    const r = await fetch(`${origin}/ready`);
    return { http: r.status, ...((await r.json()) as Record<string, string>) };
  };

  it("the database down when the service starts: it listens, answers 503 and SERVICE_UNAVAILABLE, and is ready once the database is", async ({
    defer,
    dir,
    serve,
  }) => {
    const db = await newDatabase();
    await cluster.stop();
    let restarted = false;
    defer(async () => {
      if (!restarted) await cluster.start();
    });
    const { service, origin, died } = watched(
      await serve({ DATABASE_URL: cluster.urlOf(db), SESSION_BUDDY_DATA_DIR: dir }),
    );
    expect((await fetch(`${origin}/health`)).status).toBe(200);
    const waiting = await readyBody(origin);
    expect(waiting).toMatchObject({ http: 503, status: "unavailable" });
    expect(String(waiting.databaseError)).toMatch(/cannot reach .*ECONNREFUSED/);
    const writer = await token();
    const refused = await gql(service.url, START, { input: startInput(component("pgw"), uuid()) }, writer);
    expect(refused.status).toBe(503);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe("SERVICE_UNAVAILABLE");
    expect(refused.body.errors?.[0]?.message).not.toMatch(/migrat|relation/);
    expect(service.output()).toMatch(/database not ready \(cannot reach/);

    await cluster.start();
    restarted = true;
    const upAt = Date.now();
    await until("/ready to answer 200", async () => (await readyStatus(origin)) === 200, died);
    const readyAfterMs = Date.now() - upAt;
    const id = uuid();
    const stored = await gql(service.url, START, { input: startInput(component("pgw"), id) }, writer);
    expect(stored.body.errors).toBeUndefined();
    console.info(`postgres down at start: /ready 200 ${readyAfterMs} ms after the database was up`);
    expect(died()).toBeUndefined();
  });

  it("the database lost in the middle of the migrations: the service retries them and becomes ready, migrated once", async ({
    defer,
    dir,
    serve,
  }) => {
    const db = await newDatabase();
    // Another replica is migrating: the service's own migration waits on the lock, its connection open.
    const lock = cluster.hold(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY}); SELECT pg_sleep(600);`, db);
    defer(lock.kill);
    await until(
      "the test to hold the migration lock",
      async () =>
        (await cluster.psql(
          `select count(*) from pg_locks where locktype = 'advisory' and objid = ${MIGRATION_LOCK_KEY} and granted`,
          db,
        )) === "1",
      () => undefined,
    );
    // Awaited once the database is back; `serve` stops it after the test.
    const starting = serve({ DATABASE_URL: cluster.urlOf(db), SESSION_BUDDY_DATA_DIR: dir });
    starting.catch(() => {});
    await until(
      "the service's migration to wait on the lock",
      async () =>
        (await cluster.psql(
          `select count(*) from pg_locks where locktype = 'advisory' and objid = ${MIGRATION_LOCK_KEY} and not granted`,
          db,
        )) === "1",
      () => undefined,
    );
    await cluster.restart();
    const upAt = Date.now();
    const { origin, died } = watched(await starting);
    await until("/ready to answer 200", async () => (await readyStatus(origin)) === 200, died);
    const readyAfterMs = Date.now() - upAt;
    const applied = Number(await cluster.psql("select count(*) from drizzle.__drizzle_migrations", db));
    const files = JSON.parse(readFileSync(join(migrationsFolder(), "meta", "_journal.json"), "utf8")).entries
      .length;
    expect(applied).toBeGreaterThan(0);
    expect(applied).toBe(files);
    const sessions = await gql(`${origin}/graphql`, SESSIONS, { first: 1 }, await readerToken());
    expect(sessions.body.errors).toBeUndefined();
    console.info(`postgres lost mid-migration: /ready 200 ${readyAfterMs} ms after the database was back`);
    expect(died()).toBeUndefined();
  });

  it("a read on a pooled connection the server closed unnoticed runs again on a fresh one", async ({
    defer,
  }) => {
    const database = await openDatabase({ url: cluster.url, maxConnections: 10 });
    defer(() => database.close());
    const reads = (query: ReturnType<typeof sql>) =>
      Promise.allSettled(Array.from({ length: 10 }, () => database.db.execute(query)));
    // Ten queries at once open all ten connections of the pool.
    const warm = await reads(sql`select pg_sleep(0.05)`);
    expect(warm.map((r) => r.status)).toEqual(warm.map(() => "fulfilled"));
    cluster.restartBlocking();
    const after = await reads(sql`select 1 as one`);
    expect(
      after.map((r) => (r.status === "fulfilled" ? "ok" : String(r.reason.cause?.code ?? r.reason))),
    ).toEqual(after.map(() => "ok"));
  });
});
