/**
 * The reaper does not abandon sessions for the service's own outage: after a start, every session gets a
 * full abandon period, measured from the start on the service clock, to check in before the reaper may
 * abandon it. Here a service stops, an hour passes, and another starts over the same database.
 */
import { describe, expect, it as plain } from "vitest";
import { Reaper } from "../api/reaper.js";
import type { SessionService } from "../api/services/sessions.js";
import { it } from "./fixture.js";
import {
  backends,
  component,
  gql,
  openTestDatabase,
  readerToken,
  startService,
  token,
  uuid,
} from "./harness.js";
import { HEARTBEAT, START, startInput } from "./ops.js";

const writer = await token({ sub: "alice" });
const reader = await readerToken();
const SESSION = `query S($id: ID!) { session(id: $id) { status endedAt endReason } }`;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(backends())("the reaper after a restart on %s", (backend) => {
  it("spares every session for a full abandon period after the start, then abandons the silent ones", async ({
    defer,
  }) => {
    const db = await openTestDatabase(backend);
    defer(() => db.close());
    const t0 = Date.now();
    let clock = t0;
    const options = {
      database: db,
      abandonAfterSeconds: 90,
      reapIntervalMs: 3_600_000,
      now: () => new Date(clock),
    };
    const c = component("g");
    const silent = uuid();
    const beating = uuid();
    const before = await startService(backend, options);
    for (const id of [silent, beating]) {
      await gql(before.url, START, { input: startInput(c, id, { startedAt: iso(t0) }) }, writer);
    }
    await before.stop();

    // An hour of outage: every session's last sign of life is an hour old when the service is back.
    clock = t0 + 3_600_000;
    const svc = await startService(backend, options);
    defer(() => svc.stop());
    const status = async (id: string) =>
      (await gql(svc.url, SESSION, { id }, reader)).body.data!.session as { status: string; endedAt: string };
    expect(svc.app.reaper.graceUntil.toISOString()).toBe(iso(clock + 90_000));
    expect(await svc.app.reaper.tick()).toEqual([]);
    expect((await status(silent)).status).toBe("ACTIVE");

    clock += 60_000;
    expect((await gql(svc.url, HEARTBEAT, { ids: [beating] }, writer)).body.data!.heartbeat).toBe(1);
    expect(await svc.app.reaper.tick()).toEqual([]);
    clock += 29_999;
    expect(await svc.app.reaper.tick()).toEqual([]);
    expect((await status(silent)).status).toBe("ACTIVE");

    // The grace is over: the one that never checked in is abandoned at its true last sign of life.
    clock += 1;
    const reaped = await svc.app.reaper.tick();
    expect(reaped.map((r) => r.id)).toEqual([silent]);
    expect(await status(silent)).toMatchObject({
      status: "ABANDONED",
      endReason: "ABANDONED",
      endedAt: iso(t0),
    });
    expect((await status(beating)).status).toBe("ACTIVE");
  });
});

describe("the reaper after a failed pass", () => {
  plain(
    "starts the grace again: the database could not be reached, so neither could heartbeats",
    async () => {
      let clock = 0;
      let down = false;
      const passes: number[] = [];
      const errors: string[] = [];
      // The reaper's view of the sessions: a clock and a pass that fails while the database is down.
      const sessions = {
        now: () => new Date(clock),
        reap: async () => {
          passes.push(clock);
          if (down) throw new Error("connection refused");
          return [];
        },
      } as unknown as SessionService;
      const reaper = new Reaper(sessions, {
        abandonAfterSeconds: 90,
        intervalMs: 1000,
        logger: { warn: () => {}, error: (m) => errors.push(m) },
      });
      clock = 89_999;
      await reaper.tick();
      expect(passes).toEqual([]);
      clock = 90_000;
      await reaper.tick();
      expect(passes).toEqual([90_000]);

      down = true;
      clock = 100_000;
      expect(await reaper.tick()).toEqual([]);
      expect(errors).toEqual(["reaper pass failed"]);
      expect(reaper.graceUntil.getTime()).toBe(190_000);
      down = false;
      clock = 189_999;
      await reaper.tick();
      expect(passes).toEqual([90_000, 100_000]);
      clock = 190_000;
      await reaper.tick();
      expect(passes).toEqual([90_000, 100_000, 190_000]);
    },
  );
});
