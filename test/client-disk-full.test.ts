/**
 * The client on a full or read-only disk, against a real service: the journal's writes fail on cue
 * through its file-system seam (client/testing/faulty-fs.ts; no real mount needed), while everything else
 * — HTTP, the service, its database, the `session-buddy buffer` CLI, an admin shell — is real.
 *
 * What must hold: delivery keeps making progress on what it has (a record delivered once is never sent
 * again by the process, even when its ack cannot be written), every record the client cannot keep is
 * counted as dropped with a reason and reported by the next heartbeat, deadlines hold while a pass is
 * stuck, the shell says the journal is failing, and STRICT capture refuses what it cannot journal.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect } from "vitest";
import {
  type ClientEvent,
  createClient,
  httpTransport,
  Journal,
  journalDir,
  RecordKinds,
  recordKeys,
  type SessionBuddyClient,
  type Transport,
} from "../client/index.js";
import { journalHostTag } from "../client/journal/journal.js";
import { faultyFs } from "../client/testing/faulty-fs.js";
import { AdminShell } from "../shells/core/admin-shell.js";
import { runIsolatedCli, storedSession } from "./client-kit.js";
import { clientTest } from "./faults-kit.js";
import { suiteTokens, type TestResources, useService } from "./fixture.js";
import { backends, component, uuid } from "./harness.js";
import { startInput } from "./ops.js";

const { writer } = await suiteTokens();

/**
 * A transport that counts what the service acknowledged: starts per session id, events per event id
 * (attempts that failed on the way do not count).
 */
function countingTransport(inner: Transport) {
  const starts = new Map<string, number>();
  const events = new Map<string, number>();
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  let waiters: (() => void)[] = [];
  const transport: Transport = {
    async startSession(input, ctx) {
      await inner.startSession(input, ctx);
      count(starts, input.id);
    },
    endSession: (input, ctx) => inner.endSession(input, ctx),
    async recordEvents(batch, ctx) {
      const wake = waiters;
      waiters = [];
      for (const w of wake) w();
      const result = await inner.recordEvents(batch, ctx);
      for (const e of batch) count(events, e.eventId);
      return result;
    },
    heartbeat: (ids, health, ctx) => inner.heartbeat(ids, health, ctx),
  };
  return {
    transport,
    starts,
    events,
    /** Resolves when the next `recordEvents` request starts. */
    nextEvents: () => new Promise<void>((resolve) => waiters.push(resolve)),
    /** Event ids sent more than once. */
    resent: () => [...events].filter(([, n]) => n > 1).map(([id]) => id),
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe.each(backends())("client on a full or read-only disk, on %s", (backend) => {
  const svc = useService(backend);
  const it = clientTest(svc, writer);

  it("3,000 events while the disk fills up and recovers: each stored once, or dropped, counted and reported with its reason", async ({
    client,
    proxy,
  }) => {
    const p = await proxy("forward");
    const disk = faultyFs();
    const wire = countingTransport(httpTransport(p.url));
    const c = client({
      url: p.url,
      transport: wire.transport,
      journalFs: disk.fs,
      journalWriteRetryMs: 0,
      limits: { maxJournalEvents: 500, backoffBaseMs: 1, heartbeatIntervalSeconds: 3600 },
    });
    const dropped: Extract<ClientEvent, { type: "dropped" }>[] = [];
    c.onEvent((e) => {
      if (e.type === "dropped") dropped.push(e);
    });
    const session = c.start({ component: component() });
    const ids: string[] = [];
    const record = async (from: number, to: number, flushEvery: number | null) => {
      for (let i = from; i <= to; i++) {
        ids.push((await session.record({ kind: "command", text: `cmd ${i}` })).eventId);
        if (flushEvery !== null && i % flushEvery === 0) expect((await c.flush()).pending).toBe(0);
        else if (i % 50 === 0) await turn();
      }
    };

    // 1. Healthy: 1000 events.
    await record(1, 1000, 100);
    expect(c.tracking()).toEqual({ state: "enabled" });

    // 2. The service goes away and the disk fills up: 1500 events. Memory holds the newest 500.
    p.mode = "refuse";
    disk.mode = "ENOSPC";
    await record(1001, 2500, null);
    expect(disk.failures.ENOSPC).toBeGreaterThan(0);
    expect(c.journalStatus()).toMatchObject({
      depth: 500,
      inMemory: 500,
      dropped: 1000,
      droppedByReason: { memory_cap: 1000 },
      unwritable: "disk full (ENOSPC)",
    });
    expect(c.tracking()).toEqual({
      state: "degraded",
      reason: expect.stringMatching(
        /^journal failing: disk full \(ENOSPC\) — 1000 record\(s\) dropped, 500 held in memory only; service unreachable/,
      ),
    });

    // 3. Both recover: what memory held is delivered, then 500 more events.
    disk.mode = null;
    p.mode = "forward";
    const t0 = performance.now();
    // A retry already in flight may deliver them before this flush does: what counts is that none is left.
    expect((await c.flush({ force: true, timeoutMs: 30_000 })).pending).toBe(0);
    expect(c.journalStatus()).toMatchObject({ depth: 0, inMemory: 0 });
    const recoveryMs = performance.now() - t0;
    await record(2501, 3000, 100);
    expect(c.tracking()).toEqual({ state: "enabled" });
    expect(c.journalStatus()).toMatchObject({ dropped: 1000, unwritable: null, inMemory: 0 });

    // The next heartbeat reports the drops with their reason; the service stores them with the session.
    expect(await c.heartbeatNow()).toBe(1);
    expect(c.journalStatus()).toMatchObject({ dropped: 0, droppedByReason: {} });
    session.end("EXIT", 0);
    expect((await c.flush({ timeoutMs: 30_000 })).pending).toBe(0);

    const stored = (await storedSession(svc.url, session.id))!;
    const storedIds = stored.events.map((e) => e.id);
    const sent = [...wire.events.keys()];
    // The memory bound dropped the oldest it held: events 1001–2000.
    const lost = ids.slice(1000, 2000);
    expect(new Set(storedIds).size).toBe(storedIds.length);
    expect(storedIds).toEqual(ids.filter((id) => !lost.includes(id)));
    expect(sent.filter((id) => lost.includes(id))).toEqual([]);
    expect(wire.resent()).toEqual([]);
    expect(wire.starts.get(session.id)).toBe(1);
    expect(c.stats()).toMatchObject({ duplicates: 0, rejected: 0 });
    expect(dropped.every((d) => d.reason === "memory_cap")).toBe(true);
    expect(dropped.reduce((n, d) => n + d.records, 0)).toBe(1000);
    expect(stored).toMatchObject({ status: "ENDED", eventCount: 2000 });
    expect(stored.clientHealth).toMatchObject({ dropped: 1000, droppedByReason: { memory_cap: 1000 } });
    expect(stored.clientHealth).not.toHaveProperty("journalError");
    expect(storedIds.length + (stored.clientHealth!.dropped as number)).toBe(3000);
    console.info(
      `3000 events: sent ${sent.length}, stored ${storedIds.length}, dropped and reported ${stored.clientHealth!.dropped} (memory_cap), sent twice ${wire.resent().length}; recovery flush ${Math.round(recoveryMs)} ms`,
    );
  });

  it("sends a start whose ack line cannot be written once, not forever; a restart replays the journal and the service stores nothing twice", async ({
    dataDir,
    logger,
    defer,
  }) => {
    const disk = faultyFs();
    const wire = countingTransport(httpTransport(svc.url));
    const dir = dataDir();
    const a = createClient({
      url: svc.url,
      token: writer,
      dataDir: dir,
      logger,
      transport: wire.transport,
      journalFs: disk.fs,
      // No retry during the test: the file keeps what it held when the disk filled up.
      journalWriteRetryMs: 60_000,
    });
    defer(() => a.shutdown(0));
    const session = a.start({ component: component() });
    const journaled: string[] = [];
    for (let i = 1; i <= 5; i++)
      journaled.push((await session.record({ kind: "command", text: `j${i}` })).eventId);
    // The start and 5 events are on disk; from here on nothing can be written, acknowledgements included.
    disk.mode = "ENOSPC";
    for (let i = 6; i <= 200; i++) await session.record({ kind: "command", text: `m${i}` });
    const t0 = performance.now();
    expect(await a.flush({ timeoutMs: 10_000 })).toEqual({ delivered: 201, pending: 0 });
    const flushMs = performance.now() - t0;
    expect(wire.starts.get(session.id)).toBe(1);
    expect(wire.events.size).toBe(200);
    expect(wire.resent()).toEqual([]);

    // A heartbeat while the disk is full says so.
    expect(await a.heartbeatNow()).toBe(1);
    expect((await storedSession(svc.url, session.id))!.clientHealth).toMatchObject({
      dropped: 0,
      journalError: "disk full (ENOSPC)",
    });
    session.end("EXIT", 0);
    expect((await a.flush()).pending).toBe(0);

    // Killed now, the process would leave its file as it is: the start and 5 events whose acks were never
    // written. Another process claims it once the disk has room again.
    const own = readdirSync(journalDir(dir)).filter((n) => n.endsWith(".jnl"));
    expect(own).toHaveLength(1);
    const left = readFileSync(join(journalDir(dir), own[0]!));
    await a.shutdown(1000);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    writeFileSync(join(journalDir(dir), `${journalHostTag()}-${dead}-0123456789ab.jnl`), left);
    disk.mode = null;

    const b = createClient({ url: svc.url, token: writer, dataDir: dir, logger });
    defer(() => b.shutdown(0));
    expect(await b.flush()).toEqual({ delivered: 6, pending: 0 });
    expect(b.stats()).toMatchObject({ delivered: 6, duplicates: 5, rejected: 0 });
    const stored = (await storedSession(svc.url, session.id))!;
    expect(stored).toMatchObject({ status: "ENDED", eventCount: 200 });
    expect(stored.events.slice(0, 5).map((e) => e.id)).toEqual(journaled);
    console.info(
      `ack livelock: start sent ${wire.starts.get(session.id)} time(s), ${wire.events.size} events sent once each, flush ${Math.round(flushMs)} ms; replay after restart: 6 re-sent, ${b.stats().duplicates} reported as duplicates, 0 stored twice`,
    );
  });

  it("flush, heartbeatNow and shutdown keep their deadlines while a pass is stuck on a request", async ({
    client,
    proxy,
    dataDir,
  }) => {
    const p = await proxy("forward");
    const wire = countingTransport(httpTransport(p.url));
    const dir = dataDir();
    const c = client({
      url: p.url,
      dataDir: dir,
      transport: wire.transport,
      limits: { requestTimeoutMs: 60_000, backoffBaseMs: 1 },
    });
    const session = c.start({ component: component() });
    expect((await c.flush()).pending).toBe(0);
    p.mode = "hang";
    const inFlight = wire.nextEvents();
    await session.record({ kind: "command", text: "stuck()" });
    await inFlight; // the background pass now waits on a request that will not be answered for 60 s

    const timed = async <T>(run: () => Promise<T>) => {
      const t = performance.now();
      const value = await run();
      return { value, ms: performance.now() - t };
    };
    const flushed = await timed(() => c.flush({ timeoutMs: 300 }));
    expect(flushed.value).toEqual({ delivered: 0, pending: 1 });
    expect(flushed.ms).toBeGreaterThanOrEqual(250);
    expect(flushed.ms).toBeLessThan(2000);
    const beat = await timed(() => c.heartbeatNow(300));
    expect(beat.value).toBe(0);
    expect(beat.ms).toBeLessThan(2000);
    const shut = await timed(() => c.shutdown(300));
    expect(shut.ms).toBeLessThan(2000);
    // The stuck record stays journaled for the next process or `buffer replay`.
    expect(Journal.inspect(dir).depth).toBe(1);
    console.info(
      `stuck pass: flush({ timeoutMs: 300 }) ${Math.round(flushed.ms)} ms, heartbeatNow(300) ${Math.round(beat.ms)} ms, shutdown(300) ${Math.round(shut.ms)} ms`,
    );
  });

  it("buffer replay tells a malformed record it dropped itself apart from a refusal by the service", async ({
    dataDir,
  }) => {
    const dir = dataDir();
    const cwd = dataDir();
    const good = uuid();
    const refused = uuid();
    const now = Date.now();
    const j = new Journal({ dataDir: dir });
    j.append({
      key: recordKeys.start(good),
      kind: RecordKinds.START,
      at: now,
      body: startInput(component(), good),
    });
    const eventId = uuid();
    j.append({
      key: eventId,
      kind: RecordKinds.EVENT,
      at: now,
      body: {
        eventId,
        sessionId: good,
        seq: 1,
        kind: "command",
        at: new Date(now).toISOString(),
        text: "ok()",
      },
    });
    // No session id: the client cannot send it anywhere.
    j.append({
      key: "no-session",
      kind: RecordKinds.EVENT,
      at: now,
      body: { eventId: "no-session", seq: 1 },
    });
    // A component name the service refuses.
    j.append({
      key: recordKeys.start(refused),
      kind: RecordKinds.START,
      at: now,
      body: startInput("not a valid component!", refused),
    });
    j.close();

    const env = { SESSION_BUDDY_DATA_DIR: dir, SESSION_BUDDY_URL: svc.url, SESSION_BUDDY_TOKEN: writer };
    const replay = await runIsolatedCli(["buffer", "replay"], env, cwd);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stderr).toMatch(/the service refused a start record for good \[BAD_USER_INPUT\]/);
    expect(replay.stderr).toMatch(
      /dropped a malformed event record from the journal: journal record without a session id/,
    );
    expect(replay.stdout).toContain(
      "2 delivered, 1 refused by the service (dropped), 1 malformed record(s) dropped locally (never sent), 0 left in the journal",
    );
    expect((await storedSession(svc.url, good))!.eventCount).toBe(1);
    expect(await storedSession(svc.url, refused)).toBeNull();
    console.info(`buffer replay: ${replay.stdout.trim().split("\n").at(-1)}`);
  });

  describe("in an admin shell", () => {
    /** An in-process shell on injected streams; `seen` resolves once the output matches. */
    function shell(
      defer: TestResources["defer"],
      c: SessionBuddyClient,
      helpers: Record<string, () => unknown> = {},
    ) {
      const input = new PassThrough();
      const output = new PassThrough();
      let text = "";
      let waiting: { pattern: RegExp; resolve(): void }[] = [];
      output.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        const met = waiting.filter((w) => w.pattern.test(text));
        waiting = waiting.filter((w) => !met.includes(w));
        for (const w of met) w.resolve();
      });
      const sh = new AdminShell(
        {
          name: "diskfull",
          componentType: "inspector",
          version: "1.0.0",
          helpers: Object.fromEntries(
            Object.entries(helpers).map(([name, fn]) => [
              name,
              { fn, signature: `${name}()`, description: name },
            ]),
          ),
        },
        {
          client: c,
          input,
          output,
          terminal: false,
          color: false,
          handleProcessEvents: false,
          exitProcess: false,
        },
      );
      const ended = sh.start();
      defer(async () => {
        input.end();
        await ended;
      });
      return {
        ended,
        type: (line: string) => input.write(`${line}\n`),
        end: () => input.end(),
        text: () => text,
        seen: (pattern: RegExp) =>
          new Promise<void>((resolve) => {
            if (pattern.test(text)) resolve();
            else waiting.push({ pattern, resolve });
          }),
      };
    }

    it("says in its banner, its tracking line and status() that the journal is failing and how many records were dropped", async ({
      client,
      proxy,
      logs,
      defer,
    }) => {
      const p = await proxy("refuse");
      const disk = faultyFs();
      disk.mode = "ENOSPC";
      const c = client({
        url: p.url,
        journalFs: disk.fs,
        journalWriteRetryMs: 0,
        limits: { maxJournalEvents: 2, backoffBaseMs: 1 },
      });
      const sh = shell(defer, c, { ping: () => "pong" });
      await sh.seen(/Tracking\s+⚠ Journal failing: disk full \(ENOSPC\) — no records dropped/);
      for (let i = 0; i < 3; i++) {
        sh.type("ping()");
        await sh.seen(new RegExp(`(?:'pong'[^]*){${i + 1}}`));
      }
      await sh.seen(
        /tracking: ⚠ Journal failing: disk full \(ENOSPC\) — 1 record\(s\) dropped, 2 held in memory only/,
      );
      sh.type("status()");
      await sh.seen(/unwritable: 'disk full \(ENOSPC\)'/);
      expect(sh.text()).toMatch(/state: 'degraded'/);
      expect(sh.text()).toMatch(
        /journal failing: disk full \(ENOSPC\) — \d+ record\(s\) dropped, 2 held in memory only/,
      );
      expect(sh.text()).toMatch(/droppedByReason: \{ memory_cap: \d+ \}/);
      sh.end();
      await expect(sh.ended).resolves.toMatchObject({ reason: "EXIT" });
      // Leaving with the disk still full: what memory held is counted, not silently lost.
      expect(
        logs.some((l) =>
          /could not be written \(disk full \(ENOSPC\)\) and are lost; counted as dropped \(journal_full\)/.test(
            l,
          ),
        ),
      ).toBe(true);
    });

    it("STRICT: refuses a command it cannot journal, runs the next once the disk has room, and refuses to open on a read-only data dir", async ({
      client,
      dataDir,
      logger,
      defer,
    }) => {
      const disk = faultyFs();
      const c = client({ captureMode: "STRICT", journalFs: disk.fs, journalWriteRetryMs: 0 });
      let touched = 0;
      const sh = shell(defer, c, { touch: () => `touched ${++touched}` });
      await sh.seen(/Tracking\s+✓ Enabled/);
      disk.mode = "ENOSPC";
      sh.type("touch()");
      await sh.seen(
        /✗ Not run: the command could not be journaled \(STRICT capture\): command event 1 could not be journaled \(disk full \(ENOSPC\)\)/,
      );
      expect(touched).toBe(0);
      disk.mode = null;
      sh.type("touch()");
      await sh.seen(/'touched 1'/);
      expect(touched).toBe(1);
      sh.end();
      await expect(sh.ended).resolves.toMatchObject({ reason: "EXIT", exitCode: 0 });

      const readOnly = faultyFs();
      readOnly.mode = "EROFS";
      const d = createClient({
        url: svc.url,
        token: writer,
        dataDir: join(dataDir(), "missing"),
        logger,
        captureMode: "STRICT",
        journalFs: readOnly.fs,
      });
      defer(() => d.shutdown(0));
      const refused = shell(defer, d);
      await expect(refused.ended).resolves.toMatchObject({ reason: "ERROR", exitCode: 1 });
      expect(refused.text()).toMatch(
        /✗ The session start could not be journaled: the start of session [0-9a-f-]+ could not be journaled \(read-only file system \(EROFS\)\)/,
      );
    });
  });
});
