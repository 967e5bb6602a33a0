/**
 * The service process is SIGKILLed in the middle of a 10,000-event stream and restarted on the same port:
 * the client journals through the outage, its breaker opens and probes, and the replay delivers the rest.
 */
import { describe, expect } from "vitest";
import { createClient, type RecordedEvent } from "../client/index.js";
import { freePort, serviceEnv, storedSession } from "./client-kit.js";
import { drainJournals } from "./faults-kit.js";
import { it } from "./fixture.js";
import { backends, component, type ServiceProcess, spawnService, tempDir, token } from "./harness.js";

const TOTAL = 10_000;

describe.each(backends())("service crash mid-stream on %s", (backend) => {
  it("SIGKILL of the service during 10,000 events and a restart: none lost, none duplicated", async ({
    defer,
  }) => {
    const port = await freePort();
    const svcEnv = await serviceEnv(backend);
    defer(svcEnv.cleanup);
    let service: ServiceProcess = await spawnService(svcEnv.env, port);
    defer(() => service.stop());
    const dataDir = tempDir("sb-journal-");
    defer(dataDir.remove);
    const client = createClient({
      url: service.url,
      token: await token(),
      dataDir: dataDir.path,
      limits: {
        maxJournalEvents: 2 * TOTAL,
        breakerCooldownMs: 200,
        backoffBaseMs: 5,
        backoffMaxMs: 50,
        requestTimeoutMs: 10_000,
      },
    });
    defer(() => client.shutdown(0));

    const session = client.start({ component: component(), shellType: "StreamShell" });
    const recorded: RecordedEvent[] = [];
    const produce = async (n: number) => {
      for (let i = 0; i < n; i++) {
        recorded.push(await session.record({ kind: "command", text: `event ${recorded.length + 1}` }));
        // Let the sender run between bursts, as a shell's event loop would.
        if (recorded.length % 100 === 0) await new Promise((r) => setTimeout(r, 1));
      }
    };
    const deliveredAtLeast = (n: number) =>
      new Promise<void>((resolve) => {
        if (client.stats().delivered >= n) return resolve();
        const off = client.onEvent(() => {
          if (client.stats().delivered >= n) {
            off();
            resolve();
          }
        });
      });

    await produce(TOTAL / 2);
    await deliveredAtLeast(2_000);
    await service.stop(true); // SIGKILL, in the middle of the stream
    const interrupted = new Promise<void>((resolve) => {
      const off = client.onEvent((e) => {
        if (e.type === "stopped" && e.reason !== "done") {
          off();
          resolve();
        }
      });
    });
    const deliveredBeforeKill = client.stats().delivered;
    expect(deliveredBeforeKill).toBeLessThan(TOTAL);
    await produce(TOTAL / 2); // journaled while the service is down
    await interrupted;
    expect(client.tracking().state).toBe("buffering");
    service = await spawnService(svcEnv.env, port);
    const restartedAt = Date.now();
    session.end("EXIT", 0);

    // The breaker probes on its own after the cool-down; wait for the journal to drain.
    await drainJournals([client], { rounds: 200, timeoutMs: 10_000 });

    const drainedMs = Date.now() - restartedAt;
    const stored = (await storedSession(service.url, session.id))!;
    const ids = stored.events.map((e) => e.id);
    const duplicated = ids.length - new Set(ids).size;
    const lost = recorded.filter((r) => !ids.includes(r.eventId)).length;
    console.info(
      `service SIGKILLed mid-stream on ${backend}: sent ${recorded.length}, stored ${ids.length}, lost ${lost}, ` +
        `duplicated ${duplicated}; ${deliveredBeforeKill} delivered before the kill, journal drained ${drainedMs} ms after the restart`,
    );
    expect(stored.status).toBe("ENDED");
    expect(stored.eventCount).toBe(TOTAL);
    expect(stored.events).toHaveLength(TOTAL);
    expect(stored.events.map((e) => e.seq)).toEqual(recorded.map((r) => r.seq));
    expect(stored.events.map((e) => e.id)).toEqual(recorded.map((r) => r.eventId));
    const stats = client.stats();
    expect(stats.rejected).toBe(0);
    expect(stats.failures).toBeGreaterThan(0); // delivery really was interrupted
    // Records in flight when the service died may be sent again; the service stores them once.
    expect(stats.delivered).toBe(TOTAL + 2);
  });
});
