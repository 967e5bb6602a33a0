/**
 * db/optional/roles.sql on Postgres: the service runs as a member of session_buddy_ingest — it starts
 * (no DDL needed once migrated), records a real client's session and signs checkpoints — while that role
 * cannot rewrite an event's content or a session's identity, nor delete anything, even with the triggers
 * off; the reader only reads; the purge role deletes only through the purge path; reviews are recorded by
 * the ingest role and outlive a purge.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSigningKey } from "../api/trust/signing-key.js";
import { EventKinds, Scopes } from "../contract/enums.js";
import { openDatabase } from "../db/connection.js";
import { testClient } from "./client-kit.js";
import {
  codeOf,
  component,
  createPostgresDatabase,
  gql,
  REPO,
  startService,
  type TestService,
  tempDir,
  token,
} from "./harness.js";

describe.runIf(process.env.TEST_DATABASE_URL)("separate database roles (db/optional/roles.sql)", () => {
  const suffix = randomBytes(4).toString("hex");
  const users = { ingest: `sb_ingest_${suffix}`, reader: `sb_reader_${suffix}`, purge: `sb_purge_${suffix}` };
  const dir = tempDir("sb-roles-");
  let scratch: { url: string; drop(): Promise<void> };
  let owner: postgres.Sql;
  let svc: TestService | undefined;
  const as = (user: string) => {
    const u = new URL(scratch.url);
    u.username = user;
    return u.toString();
  };
  /** The error a statement run as `user` fails with (SQLSTATE and message). */
  const refusal = async (user: string, statement: string) => {
    const c = postgres(as(user), { max: 1, onnotice: () => {} });
    try {
      await c.unsafe(statement);
      return "allowed";
    } catch (err) {
      const e = err as { code?: string; message: string };
      return `${e.code} ${e.message}`;
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    scratch = await createPostgresDatabase();
    owner = postgres(scratch.url, { max: 1, onnotice: () => {} });
    await owner.unsafe(readFileSync(join(REPO, "db", "optional", "roles.sql"), "utf8"));
    // Applying it again is harmless.
    await owner.unsafe(readFileSync(join(REPO, "db", "optional", "roles.sql"), "utf8"));
    await owner.unsafe(`create role ${users.ingest} login in role session_buddy_ingest`);
    await owner.unsafe(`create role ${users.reader} login in role session_buddy_reader`);
    await owner.unsafe(`create role ${users.purge} login in role session_buddy_purge`);
  });
  const closers: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    await svc?.stop();
    for (const close of closers) await close();
    await owner?.end();
    await scratch?.drop();
    const admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
    for (const u of Object.values(users)) await admin.unsafe(`drop role if exists ${u}`);
    await admin.end();
    dir.remove();
  });

  it("serves as the ingest role: starts, records a client's session and signs it", async () => {
    // A webhook receiver that fails the first attempt.
    let calls = 0;
    let delivered!: () => void;
    const hookDone = new Promise<void>((resolve) => {
      delivered = resolve;
    });
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        calls++;
        res.writeHead(calls === 1 ? 500 : 204).end();
        if (calls > 1) delivered();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    const hook = {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
      delivered: hookDone,
    };
    const database = await openDatabase({ url: as(users.ingest), maxConnections: 4 });
    await database.migrate();
    const signingKey = await loadSigningKey({
      configured: undefined,
      defaultPath: join(dir.path, "key.jwk"),
    });
    svc = await startService("postgres", {
      database: { database, url: as(users.ingest), close: () => database.close() },
      app: {
        signingKey,
        checkpointIntervalSeconds: 3600,
        alerts: [{ url: hook.url, events: ["sensitive_begin"], secret: randomBytes(32).toString("hex") }],
        alertTimings: { intervalMs: 100, baseDelayMs: 50 },
      },
    });
    const client = await testClient(svc.url, join(dir.path, "journal"));
    const s = client.start({ component: component("roles"), shellType: "TestShell" });
    await s.started;
    // An alert queued, claimed, retried once and marked delivered, all as the ingest role.
    await s.record({ kind: EventKinds.SENSITIVE_BEGIN, text: "OPS-1 refund by hand" });
    const r = await s.record({ kind: "command", text: "orders.refund(7)" });
    s.complete(r, { durationMs: 4, outcome: "ok", payload: { refunded: 1 } });
    s.end("EXIT", 0);
    expect((await client.flush()).pending).toBe(0);
    await client.shutdown(0);
    const signed = await svc.app.checkpointer!.run();
    expect(signed.map((c) => c.size)).toEqual([4]);
    await hook.delivered;
    // The round that posted it marks it delivered once the answer is in: wait for that round.
    await svc.app.services.alerts.run();
    const [alert] = await owner`select kind, status, attempts from alert_deliveries`;
    expect(alert).toEqual({ kind: "sensitive_begin", status: "DELIVERED", attempts: 2 });
    const [row] =
      await owner`select status, broken_seq, checkpoint, end_checkpoint from sessions where id = ${s.id}::uuid`;
    expect(row).toEqual({ status: "ENDED", broken_seq: null, checkpoint: 1, end_checkpoint: 1 });
  });

  it("refuses the ingest role what it must never do, even with the triggers off", async () => {
    for (const statement of [
      "update session_events set text = 'x'",
      "update sessions set actor = 'mallory'",
      "update sessions set started_at = now()",
      "delete from session_events",
      "delete from sessions",
      "delete from checkpoints",
      "delete from alert_deliveries",
      "update alert_deliveries set payload = '{}'",
      "update checkpoints set root = ''",
      "truncate session_events",
      "alter table session_events disable trigger user",
      "create table mine (x int)",
      "update legal_holds set reason = 'x'",
      "delete from legal_holds",
      "delete from tombstones",
      "update session_reviews set note = 'x'",
      "delete from session_reviews",
      "insert into tombstones (session_id, component, events, purged_by, purged_at, kid, jws) values (gen_random_uuid(), 'x', 0, 'x', now(), 'x', 'x')",
    ])
      expect(await refusal(users.ingest, statement), statement).toMatch(
        /^42501 (permission denied|must be owner)/,
      );
  });

  it("lets the reader only read, and the purge role delete only through the purge path", async () => {
    expect(await refusal(users.reader, "select count(*) from session_events")).toBe("allowed");
    for (const statement of [
      "insert into checkpoints (seq) values (99)",
      "update sessions set status = 'ENDED'",
      "delete from sessions",
    ])
      expect(await refusal(users.reader, statement), statement).toMatch(/^42501 permission denied/);
    expect(await refusal(users.purge, "update session_events set text = 'x'")).toMatch(
      /^42501 permission denied/,
    );
    expect(await refusal(users.purge, "delete from session_events")).toMatch(
      /^42501 DELETE on session_events refused: session_events is append-only; rows are removed only by a purge/,
    );
    expect(
      await refusal(
        users.purge,
        "begin; set local session_buddy.purge = 'on'; delete from session_events where false; commit",
      ),
    ).toBe("allowed");
  });

  it("holds and releases as the ingest role; purges only through the purge role's connection, and says so", async () => {
    const signingKey = await loadSigningKey({
      configured: undefined,
      defaultPath: join(dir.path, "key.jwk"),
    });
    const retention = { defaultSeconds: null, components: {}, minDays: 0 };
    const admin = await token({ sub: "root-admin", scopes: [Scopes.ADMIN] });
    const PURGE = `mutation ($before: DateTime!) { purgeSessions(before: $before, dryRun: false) { count events } }`;
    const before = new Date(Date.now() + 60_000).toISOString();
    const ingest = await openDatabase({ url: as(users.ingest), maxConnections: 2 });
    const purger = await openDatabase({ url: as(users.purge), maxConnections: 2 });
    const services: TestService[] = [];
    try {
      const plain = await startService("postgres", {
        database: { database: ingest, url: as(users.ingest), close: async () => {} },
        app: { signingKey, retention },
      });
      services.push(plain);
      const [first] = await owner`select id from sessions limit 1`;
      const id = first!.id as string;
      const held = await gql(
        plain.url,
        `mutation ($id: ID!) { holdSession(id: $id, reason: "audit") { heldBy } }`,
        { id },
        admin,
      );
      expect(held.body.data).toEqual({ holdSession: { heldBy: "root-admin" } });
      const released = await gql(
        plain.url,
        `mutation ($id: ID!) { releaseHold(id: $id) { releasedBy } }`,
        { id },
        admin,
      );
      expect(released.body.data).toEqual({ releaseHold: { releasedBy: "root-admin" } });
      const reviewed = await gql(
        plain.url,
        `mutation ($id: ID!) { reviewSession(id: $id, verdict: APPROVED, note: "as planned") { reviewer } }`,
        { id },
        admin,
      );
      expect(reviewed.body).toEqual({ data: { reviewSession: { reviewer: "root-admin" } } });
      const refused = await gql(plain.url, PURGE, { before }, admin);
      expect(codeOf(refused.body)).toBe("CONFLICT");
      expect(refused.body.errors![0]!.message).toMatch(
        /may not purge \(permission denied for table .*\): set SESSION_BUDDY_PURGE_DATABASE_URL to a member of session_buddy_purge/,
      );
      const withPurge = await startService("postgres", {
        database: { database: ingest, url: as(users.ingest), close: async () => {} },
        app: { signingKey, retention, purgeDatabase: purger },
      });
      services.push(withPurge);
      const done = await gql(withPurge.url, PURGE, { before }, admin);
      // The first test's session: its sensitive begin and its command.
      expect(done.body).toEqual({ data: { purgeSessions: { count: 1, events: 2 } } });
      const [left] =
        await owner`select (select count(*)::int from sessions) as sessions, (select count(*)::int from tombstones) as tombstones, (select count(*)::int from session_reviews) as reviews, (select count(*)::int from alert_deliveries) as alerts`;
      // The review outlives the purge: the record that the session was reviewed stays. Its alert, which
      // names the actor and host, goes with it.
      expect(left).toEqual({ sessions: 0, tombstones: 1, reviews: 1, alerts: 0 });
    } finally {
      for (const s of services) await s.stop();
      await purger.close();
      await ingest.close();
    }
  });
});
