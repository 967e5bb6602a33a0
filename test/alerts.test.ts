/**
 * Alert webhooks end to end: two replicas over one database, a receiver on 127.0.0.1 that answers 503 to
 * the first two attempts of each alert, and one of every kind raised the way the product raises it (a
 * sensitive period, a STRICT refusal, a FLAGGED verdict, a broken chain, an abandoned session, an anomaly).
 * Each reaches the receiver once (after two retries), signed, without command text; the delivery record
 * and the metrics say so. A target that never answers 2xx is given up on after its attempts.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect } from "vitest";
import type { AlertTarget } from "../api/services/alerts.js";
import { verifyAlertSignature } from "../contract/alert-signature.js";
import { eventHash, startHash } from "../contract/chain.js";
import {
  ALERT_KINDS,
  type AlertKind,
  EventKinds,
  Scopes,
  STRICT_REFUSED_ERROR_CLASS,
} from "../contract/enums.js";
import { openDatabase } from "../db/connection.js";
import { testClient } from "./client-kit.js";
import { it } from "./fixture.js";
import {
  backends,
  codeOf,
  component,
  eventually,
  gql,
  readerToken,
  runCli,
  startService,
  type TestDatabase,
  type TestService,
  token,
  uuid,
} from "./harness.js";
import { END, RECORD, START, startInput } from "./ops.js";
import { shellIn } from "./pty.js";

interface Received {
  eventId: string;
  kind: string;
  body: string;
  headers: IncomingHttpHeaders;
  status: number;
}

/** An HTTP receiver on 127.0.0.1 that answers 503 to the first `failFirst` attempts of each alert. */
async function receiver(failFirst: number) {
  const got: Received[] = [];
  const attempts = new Map<string, number>();
  let waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      body += c;
    });
    req.on("end", () => {
      const eventId = String(req.headers["session-buddy-event-id"]);
      const n = (attempts.get(eventId) ?? 0) + 1;
      attempts.set(eventId, n);
      const status = n <= failFirst ? 503 : 200;
      got.push({
        eventId,
        kind: String(req.headers["session-buddy-event"]),
        body,
        headers: req.headers,
        status,
      });
      res.writeHead(status).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/session-buddy`;
  return {
    url,
    got,
    /** Resolves once `ok(got)` holds (checked on every request); rejects after `ms` with what arrived. */
    until(ok: (got: Received[]) => boolean, ms = 60_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(`receiver: timed out; got ${got.map((g) => `${g.eventId}=${g.status}`).join(", ")}`),
          );
        }, ms);
        const check = () => {
          if (ok(got)) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        waiters = [];
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const secret = () => randomBytes(32).toString("hex");
const TIMINGS = { intervalMs: 100, baseDelayMs: 50, maxDelayMs: 400, anomalyIntervalMs: 0, timeoutMs: 5_000 };

const DELIVERIES = `query ($filter: AlertDeliveryFilter, $first: Int, $after: String) {
  alertDeliveries(filter: $filter, first: $first, after: $after) {
    hasNextPage endCursor
    deliveries { eventId kind target sessionId component status attempts lastStatus lastError deliveredAt nextAttemptAt }
  }
}`;
const REVIEW = `mutation ($id: ID!, $note: String) {
  reviewSession(id: $id, verdict: FLAGGED, note: $note) { verdict }
}`;

/** Sums a counter's samples over the replicas' /metrics, for the series whose labels include `labels`. */
async function counter(replicas: TestService[], name: string, labels: string): Promise<number> {
  let sum = 0;
  for (const r of replicas) {
    const text = await (await fetch(`${r.origin}/metrics`)).text();
    for (const line of text.split("\n"))
      if (line.startsWith(`${name}{`) && line.includes(labels)) sum += Number(line.split(" ").at(-1));
  }
  return sum;
}

/** A second replica's own connection to the first one's database (PGlite has one: the replicas share it). */
async function secondHandle(db: TestDatabase): Promise<TestDatabase> {
  if (!db.url) return { ...db, close: async () => {} };
  const database = await openDatabase({ url: db.url, maxConnections: 4 });
  return { database, url: db.url, close: () => database.close() };
}

describe.each(backends())("alert webhooks on %s", (backend) => {
  it("delivers each alert kind once across two replicas, signed, after a receiver fails twice", async ({
    defer,
    dir,
  }) => {
    const rx = await receiver(2);
    defer(() => rx.close());
    const sensitiveOnly = await receiver(0);
    defer(() => sensitiveOnly.close());
    const targets: AlertTarget[] = [
      { url: rx.url, events: [...ALERT_KINDS], secret: secret() },
      { url: sensitiveOnly.url, events: ["sensitive_begin"], secret: secret() },
    ];
    const app = { alerts: targets, alertTimings: TIMINGS };
    const a = await startService(backend, { app });
    defer(() => a.stop());
    const handle = await secondHandle(a.db);
    defer(() => handle.close());
    const b = await startService(backend, { database: handle, app });
    defer(() => b.stop());

    const alice = await testClient(a.url, join(dir, "journal"), "alice");
    defer(() => alice.shutdown(0));
    const comp = component("alert");
    // A sensitive period and a command a STRICT shell refused (the record the runner completes as refused).
    const s = alice.start({ component: comp, shellType: "TestShell" });
    await s.started;
    await s.record({
      kind: EventKinds.SENSITIVE_BEGIN,
      text: "OPS-42 rotate keys",
      payload: { ticketRef: "OPS-42" },
    });
    const refused = await s.record({ kind: "command", text: "dropAll('secret-token')" });
    s.complete(refused, { durationMs: 0, outcome: "error", errorClass: STRICT_REFUSED_ERROR_CLASS });
    s.end("EXIT", 0);
    // An anomaly: a storm of commands among quiet sessions of one component (through the other replica).
    const quiet = component("anom");
    const bob = await testClient(b.url, join(dir, "journal-b"), "bob");
    defer(() => bob.shutdown(0));
    const sessionOf = async (commands: number) => {
      const t = bob.start({ component: quiet, shellType: "TestShell" });
      await t.started;
      for (let i = 0; i < commands; i++) {
        const r = await t.record({ kind: "command", text: `step(${i})` });
        t.complete(r, { durationMs: 1, outcome: "ok" });
      }
      t.end("EXIT", 0);
      return t.id;
    };
    for (let i = 0; i < 12; i++) await sessionOf(1);
    const storm = await sessionOf(60);
    expect((await alice.flush()).pending).toBe(0);
    expect((await bob.flush()).pending).toBe(0);
    // A reviewer flags the sensitive session.
    const rita = await token({ sub: "rita", scopes: [Scopes.READ, Scopes.AUDIT, Scopes.REVIEW] });
    const flagged = await gql(
      b.url,
      REVIEW,
      { id: s.id, note: "no change ticket for the key rotation" },
      rita,
    );
    expect(flagged.body.errors).toBeUndefined();
    // A chain that does not match at ingest (an event altered on its way).
    const writer = await token({ sub: "carol" });
    const wire = component("chain");
    const wid = uuid();
    const start = startInput(wire, wid, { startedAt: new Date(Date.now() - 60_000).toISOString() });
    const root = startHash(start);
    await gql(a.url, START, { input: { ...start, hash: root } }, writer);
    const e1 = {
      eventId: uuid(),
      sessionId: wid,
      seq: 1,
      kind: "command",
      at: new Date().toISOString(),
      text: "ls()",
    };
    const chained = { ...e1, prevHash: root, hash: eventHash(root, e1) };
    const stored = await gql(a.url, RECORD, { events: [{ ...chained, text: "rm -rf /" }] }, writer);
    expect(stored.body.data!.recordEvents.accepted).toBe(1);
    const ended = await gql(
      a.url,
      END,
      { input: { id: wid, endedAt: new Date().toISOString(), endReason: "EXIT", exitCode: 0 } },
      writer,
    );
    expect(ended.body.errors).toBeUndefined();
    // A session whose shell went silent, abandoned by the reaper (everything else has ended by now).
    const silent = uuid();
    await gql(b.url, START, { input: startInput(component("silent"), silent) }, writer);
    const reaped = await b.app.services.sessions.reap(0);
    expect(reaped.map((r) => r.id)).toEqual([silent]);

    const delivered = (got: Received[]) => got.filter((g) => g.status === 200);
    const kindsDone = (got: Received[]) => new Set(delivered(got).map((g) => g.kind));
    await rx.until((got) => ALERT_KINDS.every((k) => kindsDone(got).has(k)));
    await sensitiveOnly.until((got) => got.length >= 1);
    // A full round on each replica after the last delivery: a second post of anything would have been made.
    await a.app.services.alerts.run();
    await b.app.services.alerts.run();

    const byId = new Map<string, Received[]>();
    for (const g of rx.got) byId.set(g.eventId, [...(byId.get(g.eventId) ?? []), g]);
    // Once per alert: two 503s, then the one 200; no alert twice.
    for (const [id, tries] of byId) expect([id, tries.map((t) => t.status)]).toEqual([id, [503, 503, 200]]);
    const payloads = delivered(rx.got).map((g) => JSON.parse(g.body) as Record<string, any>);
    const about = (kind: AlertKind) => payloads.filter((p) => p.type === kind).map((p) => p.session.id);
    expect(about("sensitive_begin")).toEqual([s.id]);
    expect(about("strict_refused")).toEqual([s.id]);
    expect(about("session_flagged")).toEqual([s.id]);
    expect(about("chain_broken")).toEqual([wid]);
    expect(about("session_abandoned")).toEqual([silent]);
    expect(new Set(about("anomaly"))).toEqual(new Set([storm]));
    const byKind = (kind: AlertKind) => payloads.find((p) => p.type === kind)!;
    expect(byKind("sensitive_begin").detail).toEqual({
      seq: 1,
      reason: "OPS-42 rotate keys",
      ticketRef: "OPS-42",
    });
    expect(byKind("sensitive_begin").session).toMatchObject({ component: comp, actor: "alice" });
    expect(byKind("session_flagged").detail).toMatchObject({
      reviewer: "rita",
      note: "no change ticket for the key rotation",
    });
    expect(byKind("chain_broken").detail).toEqual({ brokenSeq: 1, where: "event 1" });
    expect(byKind("strict_refused").detail).toEqual({ seq: 2, eventKind: "command" });

    for (const g of rx.got) {
      // Signed with the target's secret over this very body; the header names the alert and its kind.
      expect(
        verifyAlertSignature(targets[0]!.secret, g.body, String(g.headers["session-buddy-signature"])),
      ).toMatchObject({
        ok: true,
      });
      expect(
        verifyAlertSignature(targets[1]!.secret, g.body, String(g.headers["session-buddy-signature"])).ok,
      ).toBe(false);
      const p = JSON.parse(g.body) as { id: string; type: string };
      expect([p.id, p.type]).toEqual([g.eventId, g.kind]);
      // Never command text.
      expect(g.body).not.toMatch(/dropAll|secret-token|step\(|rm -rf|ls\(\)/);
      expect(g.headers["content-type"]).toBe("application/json");
    }
    // The other target gets only what it asked for, once.
    expect(sensitiveOnly.got.map((g) => [g.kind, g.status])).toEqual([["sensitive_begin", 200]]);

    // The delivery record (admin) and the metrics, summed over both replicas.
    const admin = await token({ sub: "root", scopes: [Scopes.ADMIN] });
    const all = await gql(b.url, DELIVERIES, { first: 500 }, admin);
    expect(all.body.errors).toBeUndefined();
    const rows = all.body.data!.alertDeliveries.deliveries as Record<string, any>[];
    expect(rows).toHaveLength(byId.size + 1);
    for (const r of rows)
      expect(r).toMatchObject({ status: "DELIVERED", lastStatus: 200, lastError: null, nextAttemptAt: null });
    expect(rows.filter((r) => r.target === rx.url).every((r) => r.attempts === 3)).toBe(true);
    for (const kind of ALERT_KINDS) {
      const n =
        delivered(rx.got).filter((g) => g.kind === kind).length + (kind === "sensitive_begin" ? 1 : 0);
      expect([kind, await counter([a, b], "alert_deliveries_total", `kind="${kind}"`)]).toEqual([kind, n]);
    }
    expect(await counter([a, b], "alert_delivery_failures_total", `final="false"`)).toBe(2 * byId.size);
    const pendingGauge = await (await fetch(`${a.origin}/metrics`)).text();
    expect(pendingGauge).toMatch(/^alert_deliveries_pending 0$/m);

    // Paging, filters, refusals.
    const page = await gql(a.url, DELIVERIES, { first: 2, filter: { kind: "anomaly" } }, admin);
    expect(
      page.body.data!.alertDeliveries.deliveries.every((d: { kind: string }) => d.kind === "anomaly"),
    ).toBe(true);
    const bySession = await gql(a.url, DELIVERIES, { filter: { sessionId: s.id } }, admin);
    expect(
      bySession.body.data!.alertDeliveries.deliveries.map((d: { kind: string }) => d.kind).sort(),
    ).toEqual(["sensitive_begin", "sensitive_begin", "session_flagged", "strict_refused"]);
    expect(codeOf((await gql(a.url, DELIVERIES, { after: "1 or 1=1" }, admin)).body)).toBe("BAD_USER_INPUT");
    expect(codeOf((await gql(a.url, DELIVERIES, { filter: { sessionId: "nope" } }, admin)).body)).toBe(
      "BAD_USER_INPUT",
    );
    expect(codeOf((await gql(a.url, DELIVERIES, {}, await readerToken())).body)).toBe("FORBIDDEN");
  });

  it("gives up on a target after its attempts and says why", async ({ defer, dir }) => {
    const down = await receiver(Number.POSITIVE_INFINITY);
    defer(() => down.close());
    // A port that refuses: opened, then closed.
    const gone = await receiver(0);
    await gone.close();
    const targets: AlertTarget[] = [
      { url: down.url, events: ["sensitive_begin"], secret: secret() },
      { url: gone.url, events: ["sensitive_begin"], secret: secret() },
    ];
    const svc = await startService(backend, {
      app: { alerts: targets, alertTimings: { ...TIMINGS, maxAttempts: 3 } },
    });
    defer(() => svc.stop());
    const alice = await testClient(svc.url, join(dir, "journal"), "alice");
    defer(() => alice.shutdown(0));
    const s = alice.start({ component: component("down"), shellType: "TestShell" });
    await s.started;
    await s.record({ kind: EventKinds.SENSITIVE_BEGIN, text: "INC-7 look at one row" });
    s.end("EXIT", 0);
    expect((await alice.flush()).pending).toBe(0);
    const admin = await token({ sub: "root", scopes: [Scopes.ADMIN] });
    const rows = await eventually(
      "both deliveries to be given up on",
      async () =>
        (await gql(svc.url, DELIVERIES, { filter: { status: "FAILED" } }, admin)).body.data!.alertDeliveries
          .deliveries as Record<string, any>[],
      (r) => r.length === 2,
      30_000,
    );
    const byTarget = new Map(rows.map((r) => [r.target, r]));
    expect(byTarget.get(down.url)).toMatchObject({ attempts: 3, lastStatus: 503, lastError: "HTTP 503" });
    expect(byTarget.get(gone.url)).toMatchObject({
      attempts: 3,
      lastStatus: null,
      lastError: "ECONNREFUSED",
    });
    expect(down.got.map((g) => g.status)).toEqual([503, 503, 503]);
    expect(await counter([svc], "alert_delivery_failures_total", `final="true"`)).toBe(2);
    expect(await counter([svc], "alert_delivery_failures_total", `final="false"`)).toBe(4);
  });
});

describe("alerts through the configuration, a shell in a terminal and the CLI", () => {
  it("a served service reads its alert targets from a file; a shell's sensitive() reaches the receiver; `alerts` lists it", async ({
    defer,
    dir,
    serve,
  }) => {
    const rx = await receiver(1);
    defer(() => rx.close());
    const hookSecret = secret();
    const home = join(dir, "home");
    mkdirSync(join(home, ".config", "oneiric"), { recursive: true });
    writeFileSync(
      join(home, ".config", "oneiric", "config.yaml"),
      `alerts:\n  - url: ${rx.url}\n    events: [sensitive_begin, session_flagged]\n    secret: ${hookSecret}\n`,
    );
    const svc = await serve({ HOME: home, SESSION_BUDDY_DATA_DIR: join(dir, "service") });
    const PROMPT = /oneiric> $/;
    const sh = shellIn(defer, dir, svc.url);
    await sh.ready(PROMPT);
    await sh.type("sensitive('OPS-5150 rotate the shared secret')", /oneiric\[sensitive\]! $/);
    await rx.until((got) => got.some((g) => g.status === 200));
    expect(rx.got.map((g) => [g.kind, g.status])).toEqual([
      ["sensitive_begin", 503],
      ["sensitive_begin", 200],
    ]);
    const body = rx.got[1]!.body;
    expect(
      verifyAlertSignature(hookSecret, body, String(rx.got[1]!.headers["session-buddy-signature"])),
    ).toMatchObject({
      ok: true,
    });
    expect(JSON.parse(body)).toMatchObject({
      type: "sensitive_begin",
      session: { component: "oneiric" },
      detail: { reason: "OPS-5150 rotate the shared secret", ticketRef: "OPS-5150" },
    });

    const env = {
      SESSION_BUDDY_URL: svc.url,
      SESSION_BUDDY_TOKEN: await token({ sub: "root", scopes: [Scopes.ADMIN] }),
    };
    // The delivery is marked once its answer is in: the listing may first show it retrying.
    const listed = await eventually(
      "the delivery to be listed as delivered",
      () => runCli(["alerts"], env),
      (r) => /delivered/.test(r.stdout),
    );
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      /sensitive_begin\s*│\s*[0-9a-f]{8}\s*│\s*oneiric\s*│\s*http:\/\/127\.0\.0\.1:\d+\/hooks\/session-buddy\s*│\s*delivered\s*│\s*2\s*│\s*200 at/,
    );
    expect(listed.stdout).toMatch(/^1 delivery$/m);
    const json = await runCli(["alerts", "--kind", "sensitive_begin", "--format", "json"], env);
    expect(JSON.parse(json.stdout)).toMatchObject([
      { kind: "sensitive_begin", status: "DELIVERED", attempts: 2, lastStatus: 200 },
    ]);
    const none = await runCli(["alerts", "--status", "FAILED"], env);
    expect([none.code, none.stdout.trim()]).toEqual([0, "no alert deliveries match"]);
    const bad = await runCli(["alerts", "--kind", "lunch"], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/Allowed choices are session_abandoned, sensitive_begin/);
    const reader = await runCli(["alerts"], { ...env, SESSION_BUDDY_TOKEN: await readerToken() });
    expect(reader.code).toBe(1);
    expect(reader.stderr).toMatch(/FORBIDDEN/);
  });
});
