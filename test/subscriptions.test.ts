import { describe, expect, it } from "vitest";
import { useService, useSocket } from "./fixture.js";
import {
  backends,
  collect,
  component,
  gql,
  readerToken,
  token,
  untilLive,
  uuid,
  wsConnect,
} from "./harness.js";
import {
  END,
  event,
  HEARTBEAT,
  RECORD,
  START,
  SUB_COUNT,
  SUB_ENDED,
  SUB_EVENTS,
  SUB_STARTED,
  startInput,
} from "./ops.js";

const writer = await token({ sub: "alice" });
const reader = await readerToken();

describe.each(backends())("subscriptions on %s", (backend) => {
  const svc = useService(backend);
  const ws = useSocket(svc, reader);

  const start = (c: string, id = uuid()) =>
    gql(svc.url, START, { input: startInput(c, id) }, writer).then(() => id);

  it("delivers A's starts and ends to a subscriber filtered on A, and nothing of B", async () => {
    const a = component("a");
    const b = component("b");
    const started = collect<{ sessionStarted: { id: string; component: string } }>(ws, SUB_STARTED, {
      component: a,
    });
    const ended = collect<{ sessionEnded: { id: string; component: string; status: string } }>(
      ws,
      SUB_ENDED,
      {
        component: a,
      },
    );
    // Prove both subscriptions are live with a probe session of A, then count from there.
    let probe = "";
    await untilLive(
      async () => {
        probe = await start(a);
        await gql(svc.url, END, { input: { id: probe } }, writer);
      },
      () => started.items.length > 0 && ended.items.length > 0,
    );
    const s0 = started.items.length;
    const e0 = ended.items.length;

    const a1 = await start(a);
    const b1 = await start(b);
    const a2 = await start(a);
    await gql(svc.url, END, { input: { id: b1 } }, writer);
    await gql(svc.url, END, { input: { id: a1 } }, writer);
    await gql(svc.url, END, { input: { id: a2, endReason: "SIGINT" } }, writer);
    await started.until(s0 + 2);
    await ended.until(e0 + 2);
    // A marker after everything: once it arrives, nothing else from before can still be in flight.
    const marker = await start(a);
    await started.until(s0 + 3);
    expect(started.items.slice(s0).map((x) => x.sessionStarted.id)).toEqual([a1, a2, marker]);
    expect(ended.items.slice(e0).map((x) => x.sessionEnded.id)).toEqual([a1, a2]);
    expect(started.items.every((x) => x.sessionStarted.component === a)).toBe(true);
    expect(started.errors).toEqual([]);
    started.dispose();
    ended.dispose();
  });

  it("replays stored events after afterSeq, then goes live with no gap and no duplicate", async () => {
    const c = component();
    const id = await start(c);
    const ids = Array.from({ length: 6 }, () => uuid());
    await gql(svc.url, RECORD, { events: [1, 2, 3].map((n) => event(id, ids[n - 1]!, n)) }, writer);
    const sub = collect<{ sessionEvents: { seq: number; id: string; outcome: string | null } }>(
      ws,
      SUB_EVENTS,
      {
        sessionId: id,
        afterSeq: 1,
      },
    );
    await sub.until(2);
    // Live events, one out of order, and a repeat of a stored one.
    await gql(
      svc.url,
      RECORD,
      { events: [event(id, ids[4]!, 5), event(id, ids[3]!, 4), event(id, ids[1]!, 2)] },
      writer,
    );
    await gql(svc.url, RECORD, { events: [event(id, ids[5]!, 6)] }, writer);
    await sub.until(5);
    // Completing command 6 is delivered once more, with its outcome.
    await gql(svc.url, RECORD, { events: [event(id, ids[5]!, 6, { outcome: "ok", durationMs: 3 })] }, writer);
    await sub.until(6);
    const seqs = sub.items.map((x) => x.sessionEvents.seq);
    expect(seqs.slice(0, 2)).toEqual([2, 3]);
    expect(new Set(seqs.slice(2, 5))).toEqual(new Set([4, 5, 6]));
    expect(sub.items[5]!.sessionEvents).toMatchObject({ seq: 6, outcome: "ok" });
    const keys = sub.items.map((x) => `${x.sessionEvents.id}:${x.sessionEvents.outcome}`);
    expect(new Set(keys).size).toBe(keys.length);
    sub.dispose();
  });

  it("counts active sessions live", async () => {
    const c = component();
    const counts = collect<{ activeSessionCount: number }>(ws, SUB_COUNT, { component: c });
    await counts.until(1);
    expect(counts.items[0]!.activeSessionCount).toBe(0);
    const id = await start(c);
    await counts.until(2);
    await gql(svc.url, END, { input: { id } }, writer);
    await counts.until(3);
    expect(counts.items.map((x) => x.activeSessionCount)).toEqual([0, 1, 0]);
    counts.dispose();
  });
});

describe.each(backends())("the reaper on %s", (backend) => {
  let clock = Date.now();
  const svc = useService(backend, {
    abandonAfterSeconds: 90,
    reapIntervalMs: 3_600_000,
    now: () => new Date(clock),
  });

  it("abandons a silent session, spares one with heartbeats, and lets a late end correct it", async () => {
    const c = component();
    const writer = await token({ sub: "alice" });
    const ws = await wsConnect(svc.wsUrl, await readerToken());
    const ended = collect<{ sessionEnded: { id: string; status: string; endReason: string } }>(
      ws,
      SUB_ENDED,
      {
        component: c,
      },
    );
    await untilLive(
      async () => {
        const probe = uuid();
        await gql(
          svc.url,
          START,
          { input: startInput(c, probe, { startedAt: new Date(clock).toISOString() }) },
          writer,
        );
        await gql(svc.url, END, { input: { id: probe, endedAt: new Date(clock).toISOString() } }, writer);
      },
      () => ended.items.length > 0,
    );
    const e0 = ended.items.length;

    const t0 = clock;
    const silent = uuid();
    const alive = uuid();
    for (const id of [silent, alive]) {
      await gql(
        svc.url,
        START,
        { input: startInput(c, id, { startedAt: new Date(t0).toISOString() }) },
        writer,
      );
    }
    clock = t0 + 60_000;
    expect(
      (await gql(svc.url, HEARTBEAT, { ids: [alive], client: { journalDepth: 2 } }, writer)).body.data!
        .heartbeat,
    ).toBe(1);
    clock = t0 + 120_000;
    const reaped = await svc.app.services.sessions.reap(90);
    expect(reaped.map((r) => r.id)).toEqual([silent]);
    expect(reaped[0]).toMatchObject({ status: "ABANDONED", endReason: "ABANDONED" });
    // A second pass (another replica) changes nothing.
    expect(await svc.app.services.sessions.reap(90)).toEqual([]);
    await ended.until(e0 + 1);
    expect(ended.items[e0]!.sessionEnded).toMatchObject({
      id: silent,
      status: "ABANDONED",
      endReason: "ABANDONED",
    });

    // Its real end arrives late: ENDED with the true end time.
    const trueEnd = new Date(t0 + 30_000).toISOString();
    const late = await gql(
      svc.url,
      END,
      { input: { id: silent, endedAt: trueEnd, endReason: "EXIT" } },
      writer,
    );
    expect(late.body.data!.endSession).toMatchObject({
      status: "ENDED",
      endedAt: trueEnd,
      durationSeconds: 30,
    });
    await ended.until(e0 + 2);
    expect(ended.items[e0 + 1]!.sessionEnded).toMatchObject({ id: silent, status: "ENDED" });
    ended.dispose();
    await ws.dispose();
  });
});
