/**
 * The service frozen mid-ingest (SIGSTOP for ten seconds, then SIGCONT) and a journal corrupted by hand,
 * with producers writing through the real client: nothing is lost or stored twice, the operator's
 * `record()` never waits on the frozen service, and a corrupted line costs exactly the one record it held,
 * counted and reported.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { createClient, type RecordedEvent } from "../client/index.js";
import { serviceEnv, storedSession } from "./client-kit.js";
import { countDelivery, drainJournals, journalFirst, until } from "./faults-kit.js";
import { it } from "./fixture.js";
import { backends, component, type ServiceProcess, spawnService, tempDir, token } from "./harness.js";

const PAUSE_MS = 10_000;
const PRODUCERS = 4;
const PER_PHASE = 100;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

describe.each(backends())("service faults on %s", (backend) => {
  it("the service paused for 10 s mid-ingest: record() never waits, nothing lost or duplicated after it resumes", async ({
    defer,
  }) => {
    const svcEnv = await serviceEnv(backend);
    defer(svcEnv.cleanup);
    const service: ServiceProcess = await spawnService(svcEnv.env);
    // A paused process cannot take SIGTERM: resume it first, whatever happened.
    defer(async () => {
      service.child.kill("SIGCONT");
      await service.stop();
    });
    const dataDir = tempDir("sb-journal-");
    defer(dataDir.remove);
    const writer = await token();
    const comp = component("paused");
    const clients = Array.from({ length: PRODUCERS }, () =>
      createClient({
        url: service.url,
        token: writer,
        dataDir: dataDir.path,
        limits: {
          batchSize: 25,
          breakerCooldownMs: 200,
          backoffBaseMs: 10,
          backoffMaxMs: 200,
          requestTimeoutMs: 2_000,
        },
      }),
    );
    for (const c of clients) defer(() => c.shutdown(0));
    const sessions = clients.map((c) => c.start({ component: comp, shellType: "PauseShell" }));
    const recorded: RecordedEvent[][] = sessions.map(() => []);
    const latencies: number[] = [];
    const produce = (n: number) =>
      Promise.all(
        sessions.map(async (s, i) => {
          for (let k = 0; k < n; k++) {
            const t0 = performance.now();
            const r = s.record({ kind: "command", text: `p${i} e${recorded[i]!.length + 1}` });
            latencies.push(performance.now() - t0);
            recorded[i]!.push(await r);
            if (k % 25 === 24) await new Promise((r) => setImmediate(r));
          }
        }),
      );
    const delivered = () => clients.reduce((n, c) => n + c.stats().delivered, 0);
    const failures = () => clients.reduce((n, c) => n + c.stats().failures, 0);
    const waitFor = (what: string, check: () => boolean) => until(what, check, undefined, 30_000, 20);

    await produce(PER_PHASE);
    await waitFor("the first events to be stored", () => delivered() >= PRODUCERS * 25);

    service.child.kill("SIGSTOP");
    const pausedAt = Date.now();
    const failuresBefore = failures();
    await produce(PER_PHASE); // recorded while the service cannot answer
    await waitFor("requests to time out against the paused service", () => failures() > failuresBefore);
    const left = PAUSE_MS - (Date.now() - pausedAt);
    if (left > 0) await new Promise((r) => setTimeout(r, left)); // the pause itself is the fault under test
    service.child.kill("SIGCONT");
    const resumedAt = Date.now();
    await produce(PER_PHASE);
    for (const s of sessions) s.end("EXIT", 0);
    await drainJournals(clients);
    const drainedMs = Date.now() - resumedAt;

    const { sent, stored, lost, duplicated } = await countDelivery(service.url, sessions, recorded, {
      inOrder: true,
    });
    console.info(
      `service paused ${PAUSE_MS / 1000} s on ${backend}: sent ${sent}, stored ${stored}, lost ${lost}, duplicated ${duplicated}; ` +
        `record() p50 ${percentile(latencies, 50).toFixed(3)} ms, p99 ${percentile(latencies, 99).toFixed(3)} ms, ` +
        `max ${Math.max(...latencies).toFixed(1)} ms; journals drained ${drainedMs} ms after SIGCONT`,
    );
    expect(service.child.exitCode).toBeNull();
    expect({ lost, duplicated, stored }).toEqual({ lost: 0, duplicated: 0, stored: sent });
  }, 180_000);

  it("a journal line corrupted by hand: the replay skips and counts it, stores every other record once", async ({
    defer,
    serve,
  }) => {
    const { port, url, dataDir, buffer } = await journalFirst(defer);
    const writer = await token();
    const comp = component("corrupt");

    // The service is down: everything stays in the journal.
    const producer = createClient({
      url,
      token: writer,
      dataDir,
      limits: { backoffBaseMs: 1, requestTimeoutMs: 1_000 },
    });
    const session = producer.start({ component: comp, shellType: "CorruptShell" });
    const recorded: RecordedEvent[] = [];
    for (let i = 0; i < 100; i++) recorded.push(await session.record({ kind: "command", text: `cmd ${i}` }));
    session.end("EXIT", 0);
    await producer.shutdown(200);

    // Flip one character inside the 50th command's record: its checksum no longer matches.
    const journalDir = join(dataDir, "journal");
    const files = readdirSync(journalDir).filter((f) => f.endsWith(".jnl"));
    expect(files).toHaveLength(1);
    const path = join(journalDir, files[0]!);
    const lines = readFileSync(path, "utf8").split("\n");
    const victim = recorded[49]!;
    const at = lines.findIndex((l) => l.includes(victim.eventId));
    expect(at).toBeGreaterThan(0);
    lines[at] = lines[at]!.replace("cmd 49", "cmd 4X");
    writeFileSync(path, lines.join("\n"));

    const cli = (args: string[]) => buffer(args, writer);
    const status = await cli(["status", "--format", "json"]);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ corrupt: 1, depth: 1 + 99 + 1 });

    const svcEnv = await serviceEnv(backend);
    defer(svcEnv.cleanup);
    const service = await serve(svcEnv.env, port);
    const replay = await cli(["replay"]);
    expect(replay.code, `${replay.stdout}\n${replay.stderr}`).toBe(0);
    expect(replay.stdout).toMatch(/1 torn or corrupt line\(s\) skipped/);

    const row = (await storedSession(service.url, session.id))!;
    const ids = row.events.map((e) => e.id);
    const want = recorded.filter((r) => r !== victim).map((r) => r.eventId);
    const lost = want.filter((id) => !ids.includes(id)).length;
    const duplicated = ids.length - new Set(ids).size;
    console.info(
      `corrupted journal on ${backend}: recorded ${recorded.length}, 1 line corrupted, stored ${ids.length}, ` +
        `lost beyond the corrupted one ${lost}, duplicated ${duplicated}; replay: ${replay.stdout.trim().split("\n").at(-1)}`,
    );
    expect(row.status).toBe("ENDED");
    expect(ids).toEqual(want);
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
  });
});
