/**
 * Crash and recovery of the client with real processes: a `session-buddy serve` child process, producer
 * child processes writing real journal files, SIGKILL, and the `session-buddy buffer` CLI.
 */
import { appendFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { createClient } from "../client/index.js";
import { journalHostTag } from "../client/journal/journal.js";
import { type Producer, serviceEnv, spawnProducer, storedSession } from "./client-kit.js";
import { journalFirst } from "./faults-kit.js";
import { it, type TestResources } from "./fixture.js";
import { backends, component, type ServiceProcess, spawnService, token } from "./harness.js";

const events = (p: Producer) => p.lines.filter((l) => l.type === "event");

describe.each(backends())("client recovery on %s", (backend) => {
  /** A service started later, its data dir and environment, producers and the CLI, all closed by `defer`. */
  async function setup(defer: TestResources["defer"]) {
    const { port, url, dataDir, buffer } = await journalFirst(defer);
    const svcEnv = await serviceEnv(backend);
    defer(svcEnv.cleanup);
    let service: ServiceProcess | undefined;
    defer(() => service?.stop());
    return {
      port,
      url,
      dataDir,
      writer: await token(),
      async startService() {
        service = await spawnService(svcEnv.env, port);
        return service;
      },
      producer(config: Record<string, unknown>) {
        const p = spawnProducer({ url, dataDir, ...config });
        defer(() => p.kill("SIGKILL"));
        return p;
      },
      cli: buffer,
    };
  }

  it("service down from the start: 20 sessions journaled, replayed once it is up, each exactly once and flagged delayed", async ({
    defer,
  }) => {
    const t = await setup(defer);
    const comp = component();
    const producer = t.producer({
      token: t.writer,
      component: comp,
      mode: "run",
      sessions: 20,
      events: 5,
      complete: true,
      printIds: true,
      clockOffsetMs: 120_000, // captured two minutes ago: the replay reaches the service > 60 s after capture
      shutdownMs: 1000,
      limits: { backoffBaseMs: 1 },
    });
    expect((await producer.exited).code).toBe(0);
    const done = producer.lines.find((l) => l.type === "done")!;
    expect(done.journal).toMatchObject({ depth: 20 + 100 + 20 });
    expect(done.stats.delivered).toBe(0);

    const status = await t.cli(["status", "--format", "json"], t.writer);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ depth: 140, files: 1, dropped: 0, corrupt: 0 });

    await t.startService();
    // The next client to start on this data dir claims the closed journal and replays it.
    const client = createClient({ url: t.url, token: t.writer, dataDir: t.dataDir });
    defer(() => client.shutdown(0));
    const flushed = await client.flush();
    expect(flushed.pending).toBe(0);
    expect(client.stats()).toMatchObject({ delivered: 140, duplicates: 0, rejected: 0 });

    const sessions = producer.lines.filter((l) => l.type === "session");
    expect(sessions).toHaveLength(20);
    for (const s of sessions) {
      const stored = (await storedSession(t.url, s.id))!;
      const printed = events(producer).filter((e) => e.sessionId === s.id);
      expect(stored).toMatchObject({ status: "ENDED", delayed: true, commandCount: 5, errorCount: 1 });
      expect(stored.events.map((e) => e.id)).toEqual(printed.map((e) => e.id));
      expect(stored.events.map((e) => [e.seq, e.durationMs])).toEqual(
        [1, 2, 3, 4, 5].map((seq) => [seq, 4 + seq]),
      );
      // Capture-time timestamps: two minutes ago, and a duration measured by the producer, not the replay.
      expect(Date.now() - Date.parse(stored.startedAt)).toBeGreaterThan(115_000);
      expect(stored.durationSeconds).toBeCloseTo(
        (Date.parse(stored.endedAt!) - Date.parse(stored.startedAt)) / 1000,
        6,
      );
      expect(stored.durationSeconds!).toBeLessThan(10);
      for (const e of stored.events)
        expect(Date.parse(e.at)).toBeGreaterThanOrEqual(Date.parse(stored.startedAt));
    }
    const after = await t.cli(["status", "--format", "json"], t.writer);
    expect(JSON.parse(after.stdout)).toMatchObject({ depth: 0, files: 0 });
  });

  it("a producer SIGKILLed mid-append: `buffer replay` delivers every complete line once and skips the torn one", async ({
    defer,
  }) => {
    const t = await setup(defer);
    const comp = component();
    const producer = t.producer({ token: t.writer, component: comp, mode: "stream", textBytes: 2000 });
    await producer.until((lines) => events({ lines } as Producer).length >= 400);
    await producer.kill("SIGKILL");
    const printed = events(producer);
    const sessionId = producer.lines.find((l) => l.type === "session")!.id as string;

    // A kill may or may not land inside a write; make sure the journal also ends in a torn line.
    const dir = join(t.dataDir, "journal");
    const file = readdirSync(dir).find((n) => n.startsWith(`${journalHostTag()}-${producer.child.pid}-`))!;
    expect(file).toBeDefined();
    appendFileSync(join(dir, file), '{"sum":"0badf00d","op":"rec","key":"torn-by-kill","kind":"ev');

    const status = await t.cli(["status", "--format", "json"], t.writer);
    expect(status.code, status.stderr).toBe(0);
    const inspected = JSON.parse(status.stdout);
    expect(inspected.depth).toBeGreaterThanOrEqual(printed.length + 1); // + the start
    expect(inspected.corrupt).toBeGreaterThanOrEqual(1);
    expect(inspected.details).toEqual([
      expect.objectContaining({ pid: producer.child.pid, ownerAlive: false }),
    ]);

    const down = await t.cli(["replay", "--timeout", "5"], t.writer);
    expect(down.code).toBe(1); // nothing delivered while the service is down: the records stay journaled
    expect(down.stderr).toMatch(/left undelivered/);
    expect(down.stdout).toMatch(
      /claimed 1 journal file\(s\) with \d+ pending record\(s\).*torn or corrupt line\(s\) skipped/,
    );

    await t.startService();
    const replay = await t.cli(["replay"], t.writer);
    expect(replay.stderr).toBe("");
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/claimed 1 journal file\(s\)/);
    expect(replay.stdout).toMatch(/0 left in the journal/);

    const stored = (await storedSession(t.url, sessionId))!;
    const ids = stored.events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Every event the producer saw journaled, plus at most the one it was writing when it died.
    expect(ids.slice(0, printed.length)).toEqual(printed.map((e) => e.id));
    expect(ids.length - printed.length).toBeLessThanOrEqual(1);
    expect(stored.events.map((e) => e.seq)).toEqual(ids.map((_, i) => i + 1));

    const after = await t.cli(["status", "--format", "json"], t.writer);
    expect(JSON.parse(after.stdout)).toMatchObject({ depth: 0, files: 0 });
    const again = await t.cli(["replay"], t.writer);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to replay/);
  });

  it("20 processes sharing one data dir at once: no event lost, none sent twice", async ({ defer }) => {
    const t = await setup(defer);
    const comp = component();
    const config = {
      token: t.writer,
      component: comp,
      mode: "run",
      sessions: 2,
      events: 10,
      complete: true,
      printIds: true,
      limits: { backoffBaseMs: 1, requestTimeoutMs: 60_000 },
    };
    // Round 1, service down: 20 processes journal side by side and exit, leaving 20 closed files.
    const first = Array.from({ length: 20 }, () => t.producer({ ...config, shutdownMs: 500 }));
    for (const p of first) expect((await p.exited).code).toBe(0);
    const status = JSON.parse((await t.cli(["status", "--format", "json"], t.writer)).stdout);
    // A process that starts after another exited claims its file, so there are at most 20 files.
    expect(status.depth).toBe(20 * (2 + 20 + 2));
    expect(status.files).toBeLessThanOrEqual(20);

    // Round 2, service up: 20 more at once, each recording its own and racing to claim round 1's files.
    await t.startService();
    const second = Array.from({ length: 20 }, () => t.producer({ ...config, shutdownMs: 60_000 }));
    for (const p of second) expect((await p.exited).code, p.stderr()).toBe(0);
    const stats = second.map((p) => p.lines.find((l) => l.type === "done")!.stats);
    const left = second.map((p) => p.lines.find((l) => l.type === "done")!.journal.depth);
    expect(left).toEqual(second.map(() => 0));
    expect(stats.reduce((n, s) => n + s.duplicates, 0)).toBe(0);
    expect(stats.reduce((n, s) => n + s.delivered, 0)).toBe(40 * (2 + 20 + 2));
    expect(JSON.parse((await t.cli(["status", "--format", "json"], t.writer)).stdout)).toMatchObject({
      depth: 0,
      files: 0,
    });

    for (const p of [...first, ...second]) {
      for (const s of p.lines.filter((l) => l.type === "session")) {
        const stored = (await storedSession(t.url, s.id))!;
        expect(stored.status).toBe("ENDED");
        expect(stored.events.map((e) => e.id)).toEqual(
          events(p)
            .filter((e) => e.sessionId === s.id)
            .map((e) => e.id),
        );
        expect(stored.events.every((e) => e.outcome !== null)).toBe(true);
      }
    }
  });
});
