/**
 * The embeddable client against a real service (in-process, real HTTP, real database), with a
 * fault-injecting proxy in between where a test needs the service to fail on cue.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type ClientEvent,
  createClient,
  type SessionBuddyClient,
  type SessionBuddyClientOptions,
} from "../client/index.js";
import { type FaultProxy, faultProxy, memoryLogger, storedSession } from "./client-kit.js";
import { backends, component, startService, type TestService, tempDir, token } from "./harness.js";

describe.each(backends())("client delivery on %s", (backend) => {
  let svc: TestService;
  let writer: string;
  const cleanups: (() => unknown)[] = [];
  const { logs, logger } = memoryLogger();

  beforeAll(async () => {
    svc = await startService(backend);
    writer = await token({ sub: "alice" });
  });
  afterAll(() => svc.stop());
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    logs.length = 0;
  });

  function client(options: Partial<SessionBuddyClientOptions> = {}): SessionBuddyClient {
    const dir = tempDir("sb-client-");
    const c = createClient({ url: svc.url, token: writer, dataDir: dir.path, logger, ...options });
    cleanups.push(dir.remove, () => c.shutdown(0));
    return c;
  }

  async function proxy(mode: Parameters<typeof faultProxy>[1]): Promise<FaultProxy> {
    const p = await faultProxy(svc.url, mode);
    cleanups.push(() => p.close());
    return p;
  }

  it("delivers a session with completed commands, capture-time durations and an end, exactly once", async () => {
    const c = client();
    const comp = component();
    const session = c.start({
      component: comp,
      componentType: "inspector",
      shellType: "TestShell",
      adapters: ["pg"],
    });
    await session.started;
    const r1 = await session.record({ kind: "command", text: "lint()" });
    session.complete(r1, { durationMs: 12.5, outcome: "ok" });
    const r2 = await session.record({ kind: "command", text: "boom()", redactions: 1 });
    session.complete(r2, { durationMs: 3, outcome: "error", errorClass: "TypeError", payload: { line: 1 } });
    await session.record({ kind: "note", text: "hello", payload: { a: 1 } });
    session.end("SIGTERM", 143);
    const flushed = await c.flush();
    expect(flushed.pending).toBe(0);
    expect(c.tracking()).toEqual({ state: "enabled" });
    expect(c.journalStatus().depth).toBe(0);

    const stored = (await storedSession(svc.url, session.id))!;
    expect(stored).toMatchObject({
      status: "ENDED",
      delayed: false,
      commandCount: 2,
      errorCount: 1,
      eventCount: 3,
    });
    expect(stored.events.map((e) => [e.seq, e.id, e.kind, e.outcome, e.durationMs])).toEqual([
      [1, r1.eventId, "command", "ok", 12.5],
      [2, r2.eventId, "command", "error", 3],
      [3, expect.any(String), "note", null, null],
    ]);
    expect(stored.events[0]!.at).toBe(r1.at);
    expect(stored.durationSeconds).toBeCloseTo(
      (Date.parse(stored.endedAt!) - Date.parse(stored.startedAt)) / 1000,
      6,
    );
    expect(c.stats()).toMatchObject({ rejected: 0, duplicates: 0 });
    expect(logs).toEqual([]);
  });

  it("never makes record wait on a hung service, and completes an event that was in flight", async () => {
    const p = await proxy("hang");
    const c = client({ url: p.url, probe: false, limits: { requestTimeoutMs: 300, backoffBaseMs: 1 } });
    const session = c.start({ component: component() });
    // The start is in flight and hangs; records still resolve, from the journal alone.
    const r1 = await session.record({ kind: "command", text: "slow()" });
    expect(p.requests.length).toBeLessThanOrEqual(1);
    expect(c.journalStatus().depth).toBe(2);
    p.mode = "forward";
    // The first version (no outcome) may be sent first; the completion must follow it, not be lost.
    await c.flush();
    session.complete(r1, { durationMs: 42, outcome: "ok" });
    session.end();
    await c.flush();
    expect(c.journalStatus().depth).toBe(0);
    const stored = (await storedSession(svc.url, session.id))!;
    expect(stored.events).toHaveLength(1);
    expect(stored.events[0]).toMatchObject({ id: r1.eventId, outcome: "ok", durationMs: 42 });
    expect(stored.status).toBe("ENDED");
  });

  it("keeps a completion made while the first version was in flight", async () => {
    const p = await proxy("forward");
    const c = client({ url: p.url, probe: false, limits: { requestTimeoutMs: 500, backoffBaseMs: 1 } });
    const session = c.start({ component: component() });
    await c.flush();
    p.mode = "hang";
    const r1 = await session.record({ kind: "command", text: "x()" });
    const sent = new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (p.requests.includes("RecordEvents")) {
          clearInterval(t);
          resolve();
        }
      }, 1);
    });
    c.flush();
    await sent; // version 1 (no outcome) is in flight now
    session.complete(r1, { durationMs: 7, outcome: "error", errorClass: "Boom" });
    p.mode = "forward"; // the hung request times out, is retried, and then version 2 follows
    await c.flush();
    expect(c.journalStatus().depth).toBe(0);
    const stored = (await storedSession(svc.url, session.id))!;
    expect(stored.events).toHaveLength(1);
    expect(stored.events[0]).toMatchObject({ outcome: "error", durationMs: 7 });
    expect(stored.errorCount).toBe(1);
  });

  it("STRICT: start and record resolve only once stored, and reject clearly when the service is down", async () => {
    const c = client({ captureMode: "STRICT" });
    const session = c.start({ component: component() });
    await session.started;
    expect((await storedSession(svc.url, session.id))?.status).toBe("ACTIVE");
    const rec = await session.record({ kind: "command", text: "ok()" });
    expect((await storedSession(svc.url, session.id))!.events.map((e) => e.id)).toEqual([rec.eventId]);

    const p = await proxy("refuse");
    const down = client({ captureMode: "STRICT", url: p.url, probe: false, limits: { backoffBaseMs: 1 } });
    const refused = down.start({ component: component() });
    await expect(refused.started).rejects.toMatchObject({
      code: "STRICT_NOT_ACKNOWLEDGED",
      message: expect.stringMatching(/not acknowledged by .*unreachable/),
    });
    await expect(refused.record({ kind: "command", text: "never()" })).rejects.toMatchObject({
      code: "STRICT_NOT_ACKNOWLEDGED",
    });
    // The shell refused to start, so the start must not be replayed later as if it had happened.
    expect(down.journalStatus().depth).toBe(0);
    expect(down.tracking()).toMatchObject({ state: "strict-blocked", cause: "unreachable" });
  });

  it("stops sending when the token is refused, says so once, and resumes with a new token", async () => {
    const p = await proxy("forward");
    let current = "not-a-valid-token";
    const c = client({ url: p.url, token: undefined, getToken: () => current });
    const session = c.start({ component: component() });
    await session.record({ kind: "command", text: "a()" });
    await c.flush();
    expect(c.tracking()).toMatchObject({ state: "refused", code: "TOKEN_INVALID" });
    expect(logs.filter((l) => l.startsWith("error"))).toHaveLength(1);
    expect(logs[0]).toMatch(/refused the token/);
    const sent = p.requests.length;
    await session.record({ kind: "command", text: "b()" });
    await c.flush();
    await c.flush();
    expect(p.requests.length).toBe(sent); // not retried blindly
    expect(logs.filter((l) => l.startsWith("error"))).toHaveLength(1);
    expect(c.journalStatus().depth).toBe(3);

    current = writer;
    await c.flush();
    expect(c.tracking()).toEqual({ state: "enabled" });
    expect(c.journalStatus().depth).toBe(0);
    expect((await storedSession(svc.url, session.id))!.events).toHaveLength(2);
  });

  it("opens the breaker after 3 failures, probes once after the cool-down, closes on success", async () => {
    const p = await proxy("503");
    let now = Date.now();
    const states: string[] = [];
    const c = client({
      url: p.url,
      probe: false,
      now: () => now,
      limits: { backoffBaseMs: 1, backoffMaxMs: 2, maxAttempts: 5 },
    });
    c.onTrackingChange((s) => states.push(s.state));
    const session = c.start({ component: component() });
    await session.record({ kind: "command", text: "a()" });
    await c.flush();
    expect(p.requests).toEqual(["StartSession", "StartSession", "StartSession"]);
    expect(c.breakerState).toBe("open");
    expect(c.tracking()).toEqual({ state: "buffering", reason: expect.stringMatching(/breaker open/) });

    now += 59_999;
    await c.flush();
    expect(p.requests).toHaveLength(3); // still cooling down: nothing sent

    now += 1;
    await c.flush();
    expect(p.requests).toHaveLength(4); // one probe, failed: open again
    expect(c.breakerState).toBe("open");

    now += 60_000;
    p.mode = "forward";
    await c.flush();
    expect(c.breakerState).toBe("closed");
    expect(c.tracking()).toEqual({ state: "enabled" });
    expect(c.journalStatus().depth).toBe(0);
    expect(p.requests.slice(4)).toEqual(["StartSession", "RecordEvents"]);
    expect(states.at(-1)).toBe("enabled");
    expect((await storedSession(svc.url, session.id))!.events).toHaveLength(1);
  });

  it("bounds the journal: overflow drops the oldest and the next heartbeat reports the drops", async () => {
    const p = await proxy("forward");
    const c = client({
      url: p.url,
      limits: { maxJournalEvents: 10, maxAttempts: 1, breakerThreshold: 100, backoffBaseMs: 1 },
    });
    const session = c.start({ component: component() });
    await c.flush();
    expect(c.journalStatus().depth).toBe(0);
    p.mode = "503";
    const recorded = [];
    for (let i = 1; i <= 25; i++) recorded.push(await session.record({ kind: "command", text: `c${i}` }));
    await c.flush();
    expect(c.journalStatus()).toMatchObject({ depth: 10, dropped: 15 });
    expect(logs.some((l) => /dropped/.test(l))).toBe(true);

    p.mode = "forward";
    await c.flush();
    expect(await c.heartbeatNow()).toBe(1);
    expect(c.journalStatus()).toMatchObject({ depth: 0, dropped: 0 });
    const stored = (await storedSession(svc.url, session.id))!;
    expect(stored.events.map((e) => e.id)).toEqual(recorded.slice(15).map((r) => r.eventId));
    expect(stored.clientHealth).toMatchObject({ dropped: 15, journalDepth: 0, breaker: "closed" });
  });

  it("sends heartbeats on its own, carrying client health", async () => {
    const c = client({ limits: { heartbeatIntervalSeconds: 0.05 } });
    const session = c.start({ component: component() });
    await c.flush();
    await new Promise<void>((resolve) => {
      const off = c.onEvent((e: ClientEvent) => {
        if (e.type === "heartbeat" && e.sessions === 1) {
          off();
          resolve();
        }
      });
    });
    const stored = (await storedSession(svc.url, session.id))!;
    expect(stored.clientHealth).toMatchObject({
      journalDepth: 0,
      breaker: "closed",
      dropped: 0,
      reportedAt: expect.any(String),
    });
    session.end();
    await c.flush();
  });

  it("drops records the service refuses for good, logging once", async () => {
    const c = client();
    const bad = c.start({ component: "not a valid component!" });
    await bad.record({ kind: "command", text: "x" });
    bad.end();
    const good = c.start({ component: component() });
    await good.record({ kind: "BAD KIND", text: "y" });
    await good.record({ kind: "command", text: "z" });
    await c.flush();
    expect(c.journalStatus().depth).toBe(0);
    expect(c.stats().rejected).toBe(4); // bad start, its event and end, and the bad event
    expect(logs.filter((l) => l.includes("BAD_USER_INPUT"))).toHaveLength(1);
    expect(await storedSession(svc.url, bad.id)).toBeNull();
    expect((await storedSession(svc.url, good.id))!.events.map((e) => e.text)).toEqual(["z"]);
    expect(c.tracking()).toEqual({ state: "enabled" });
  });
});
