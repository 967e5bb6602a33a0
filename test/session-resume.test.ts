/**
 * A session the reaper abandoned comes back on a sign of life (a heartbeat, or an event captured after
 * the abandon), once, with the interruption on its record, a sessionResumed notice, the active count and
 * the metrics following; an ENDED session never comes back; a late end still ends it. The clock is the
 * service's own, moved by the test; the reaper is driven by hand.
 */
import { describe, expect } from "vitest";
import { it, useService, useSocket } from "./fixture.js";
import {
  type Backend,
  backends,
  collect,
  component,
  gql,
  readerToken,
  redisUrl,
  startService,
  token,
  untilLive,
  uuid,
  wsConnect,
} from "./harness.js";
import { END, event, HEARTBEAT, RECORD, START, SUB_COUNT, startInput } from "./ops.js";

const writer = await token({ sub: "alice" });
const reader = await readerToken();

const SESSION = `query S($id: ID!) { session(id: $id) { id status endedAt endReason endReceivedAt lastSeenAt
  durationSeconds interruptions resumedAt interruptedPeriods { from abandonedAt to seconds } } }`;
const SUB_RESUMED = `subscription R($component: String, $after: DateTime) {
  sessionResumed(component: $component, after: $after) { id status interruptions resumedAt } }`;

type Resumed = { sessionResumed: { id: string; status: string; interruptions: number; resumedAt: string } };

const iso = (ms: number) => new Date(ms).toISOString();

/** The value of one Prometheus sample line, e.g. `session_resumed_total{component_name="x"}`; 0 if absent. */
async function sample(origin: string, name: string, componentName: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}{component_name="${componentName}"}`));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

function suite(backend: Backend) {
  let clock = Date.now();
  const svc = useService(backend, {
    abandonAfterSeconds: 90,
    reapIntervalMs: 3_600_000,
    now: () => new Date(clock),
  });
  const ws = useSocket(svc, reader);
  const ok = async (query: string, variables: Record<string, unknown>, bearer = writer) => {
    const r = await gql(svc.url, query, variables, bearer);
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    return r.body.data!;
  };
  const show = async (id: string) => (await ok(SESSION, { id }, reader)).session;
  /** A session started at `t0`, silent since, abandoned by a reaper pass at t0 + 120 s. */
  const abandoned = async (c: string, t0: number) => {
    const id = uuid();
    clock = t0;
    await ok(START, { input: startInput(c, id, { startedAt: iso(t0) }) });
    clock = t0 + 120_000;
    const reaped = await svc.app.services.sessions.reap(90);
    expect(reaped.map((r) => r.id)).toContain(id);
    return id;
  };

  it("a heartbeat brings an abandoned session back: ACTIVE, the interruption kept, a notice, the count and the metrics follow; a late end still ends it", async () => {
    const c = component("r");
    const t0 = Date.now();
    const resumed = collect<Resumed>(ws, SUB_RESUMED, { component: c });
    // Live once a probe's comeback arrives.
    await untilLive(
      async () => {
        const probe = await abandoned(c, t0);
        clock = t0 + 130_000;
        await ok(HEARTBEAT, { ids: [probe] });
        await ok(END, { input: { id: probe, endedAt: iso(t0 + 130_000) } });
      },
      () => resumed.items.length > 0,
    );
    const r0 = resumed.items.length;
    const metric0 = await sample(svc.origin, "session_resumed_total", c);

    const id = await abandoned(c, t0);
    expect(await show(id)).toMatchObject({
      status: "ABANDONED",
      endReason: "ABANDONED",
      endedAt: iso(t0),
      endReceivedAt: iso(t0 + 120_000),
      interruptions: 0,
      interruptedPeriods: [],
      resumedAt: null,
    });
    expect(await sample(svc.origin, "active_sessions", c)).toBe(0);

    // The count, live (a probe's start seen) and settled at 0: the next value can only be the comeback's.
    const counts = collect<{ activeSessionCount: number }>(ws, SUB_COUNT, { component: c });
    await untilLive(
      async () => {
        const probe = uuid();
        await ok(START, { input: startInput(c, probe) });
        await ok(END, { input: { id: probe } });
      },
      () => counts.items.some((x) => x.activeSessionCount === 1),
    );
    while (counts.items.at(-1)!.activeSessionCount !== 0) await counts.until(counts.items.length + 1);
    const n0 = counts.items.length;

    clock = t0 + 150_000;
    expect((await ok(HEARTBEAT, { ids: [id] })).heartbeat).toBe(1);
    expect(await show(id)).toMatchObject({
      status: "ACTIVE",
      endedAt: null,
      endReason: null,
      endReceivedAt: null,
      durationSeconds: null,
      lastSeenAt: iso(t0 + 150_000),
      interruptions: 1,
      resumedAt: iso(t0 + 150_000),
      interruptedPeriods: [
        { from: iso(t0), abandonedAt: iso(t0 + 120_000), to: iso(t0 + 150_000), seconds: 150 },
      ],
    });
    const notice = await resumed.when((x) => x.sessionResumed.id === id);
    expect(notice.sessionResumed).toMatchObject({ status: "ACTIVE", interruptions: 1 });
    await counts.until(n0 + 1);
    expect(counts.items[n0]!.activeSessionCount).toBe(1);
    expect(await sample(svc.origin, "active_sessions", c)).toBe(1);
    expect(await sample(svc.origin, "session_resumed_total", c)).toBe(metric0 + 1);

    // A second heartbeat is an ordinary one.
    clock = t0 + 160_000;
    expect((await ok(HEARTBEAT, { ids: [id] })).heartbeat).toBe(1);
    expect((await show(id)).interruptions).toBe(1);

    // Its end, arriving after the comeback, ends it as any end does.
    clock = t0 + 200_000;
    const end = (await ok(END, { input: { id, endedAt: iso(t0 + 190_000), endReason: "EXIT" } })).endSession;
    expect(end).toMatchObject({ status: "ENDED", endedAt: iso(t0 + 190_000), durationSeconds: 190 });
    expect(await show(id)).toMatchObject({ status: "ENDED", interruptions: 1, endReason: "EXIT" });
    await counts.until(n0 + 2);
    expect(counts.items[n0 + 1]!.activeSessionCount).toBe(0);
    expect(resumed.items.length - r0).toBe(1);

    // sessionResumed with `after` replays the comebacks stored since (each once), then goes live.
    const replay = collect<Resumed>(ws, SUB_RESUMED, { component: c, after: iso(t0 + 150_000) });
    const first = await replay.until(1);
    expect(first.map((x) => x.sessionResumed.id)).toContain(id);
    replay.dispose();
    resumed.dispose();
    counts.dispose();
  });

  it("an event captured after the abandon brings the session back; one captured before it only dates its end", async () => {
    const c = component("e");
    const t0 = Date.now();
    const before = await abandoned(c, t0);
    // A journal delivered late: the shell was alive until t0 + 12 s, long before the abandon (t0 + 120 s).
    clock = t0 + 300_000;
    const late = await ok(RECORD, {
      events: [1, 2, 3].map((seq) => event(before, uuid(), seq, { at: iso(t0 + seq * 4000) })),
    });
    expect(late.recordEvents).toMatchObject({ accepted: 3, rejected: [] });
    expect(await show(before)).toMatchObject({
      status: "ABANDONED",
      endedAt: iso(t0 + 12_000),
      durationSeconds: 12,
      interruptions: 0,
    });

    const after = await abandoned(c, t0);
    clock = t0 + 140_000;
    // A command typed at t0 + 100 s that ran 30 s: it finished after the abandon, so the shell lived on.
    const cmd = event(after, uuid(), 1, { at: iso(t0 + 100_000), durationMs: 30_000, outcome: "ok" });
    expect((await ok(RECORD, { events: [cmd] })).recordEvents.accepted).toBe(1);
    expect(await show(after)).toMatchObject({
      status: "ACTIVE",
      endedAt: null,
      lastSeenAt: iso(t0 + 130_000),
      interruptions: 1,
      interruptedPeriods: [{ from: iso(t0), abandonedAt: iso(t0 + 120_000), to: iso(t0 + 140_000) }],
    });
    // The same event again (a duplicate) is still a sign of life, and changes nothing else.
    clock = t0 + 150_000;
    expect((await ok(RECORD, { events: [cmd] })).recordEvents).toMatchObject({ duplicates: 1 });
    expect((await show(after)).interruptions).toBe(1);
  });

  it("never brings back a session that ended, nor another subject's", async () => {
    const c = component("n");
    const t0 = Date.now();
    const id = uuid();
    clock = t0;
    await ok(START, { input: startInput(c, id, { startedAt: iso(t0) }) });
    await ok(END, { input: { id, endedAt: iso(t0 + 1000) } });
    clock = t0 + 60_000;
    expect((await ok(HEARTBEAT, { ids: [id] })).heartbeat).toBe(0);
    await ok(RECORD, { events: [event(id, uuid(), 1, { at: iso(t0 + 50_000) })] });
    expect(await show(id)).toMatchObject({ status: "ENDED", endedAt: iso(t0 + 1000), interruptions: 0 });

    const other = await abandoned(c, t0);
    clock = t0 + 200_000;
    const mallory = await token({ sub: "mallory" });
    expect((await ok(HEARTBEAT, { ids: [other] }, mallory)).heartbeat).toBe(0);
    expect((await show(other)).status).toBe("ABANDONED");
  });
}

describe.each(backends())("abandoned sessions coming back on %s", (backend) => suite(backend));

describe.each(backends())("two replicas hearing one comeback at once on %s", (backend) => {
  let clock = Date.now();
  const prefix = `t${uuid()}:`;
  const options = {
    abandonAfterSeconds: 90,
    reapIntervalMs: 3_600_000,
    channelPrefix: prefix,
    now: () => new Date(clock),
  };
  const a = useService(backend, options);
  const wsA = useSocket(a, reader);

  it("counts it once: one UPDATE wins, the others find it ACTIVE", async ({ defer }) => {
    const b = await startService(backend, { ...options, database: a.db });
    defer(() => b.stop());
    const wsB = await wsConnect(b.wsUrl, reader);
    defer(() => wsB.dispose());
    const c = component("x");
    const t0 = Date.now();
    const start = async (id: string) => {
      clock = t0;
      await gql(a.url, START, { input: startInput(c, id, { startedAt: iso(t0) }) }, writer);
    };
    /** A session started and abandoned, then brought back through `via`. */
    const comeback = async (via: typeof a, id = uuid()) => {
      await start(id);
      clock = t0 + 120_000;
      await a.app.services.sessions.reap(90);
      clock = t0 + 130_000;
      await gql(via.url, HEARTBEAT, { ids: [id] }, writer);
      return id;
    };
    // Each replica publishes what it changed; without Redis only its own subscribers hear it.
    const feeds = [
      { svc: a, heard: collect<Resumed>(wsA, SUB_RESUMED, { component: c }) },
      { svc: b, heard: collect<Resumed>(wsB, SUB_RESUMED, { component: c }) },
    ];
    for (const { svc, heard } of feeds) {
      await untilLive(
        async () => void (await comeback(svc)),
        () => heard.items.length > 0,
      );
    }
    const before = await Promise.all(feeds.map(({ svc }) => sample(svc.origin, "session_resumed_total", c)));

    const id = uuid();
    await start(id);
    clock = t0 + 120_000;
    await a.app.services.sessions.reap(90);
    clock = t0 + 150_000;
    const at = iso(t0 + 149_000);
    // Heartbeats and events through both replicas at the same moment.
    const sent = await Promise.all([
      gql(a.url, HEARTBEAT, { ids: [id] }, writer),
      gql(b.url, HEARTBEAT, { ids: [id] }, writer),
      gql(a.url, RECORD, { events: [event(id, uuid(), 1, { at })] }, writer),
      gql(b.url, RECORD, { events: [event(id, uuid(), 2, { at })] }, writer),
      gql(b.url, HEARTBEAT, { ids: [id] }, writer),
    ]);
    for (const r of sent) expect(r.body.errors).toBeUndefined();
    const s = (await gql(a.url, SESSION, { id }, reader)).body.data!.session;
    expect(s).toMatchObject({ status: "ACTIVE", interruptions: 1 });
    expect(s.interruptedPeriods).toHaveLength(1);

    // Once in the metrics of the two together.
    const after = await Promise.all(feeds.map(({ svc }) => sample(svc.origin, "session_resumed_total", c)));
    expect(after[0]! + after[1]! - before[0]! - before[1]!).toBe(1);
    // Once in the live feed: a later comeback through each replica arrives where it is heard, and by
    // then this one was announced once (twice in all through Redis, where both feeds hear everything).
    for (const { svc, heard } of feeds) {
      const marker = await comeback(svc);
      await heard.when((x) => x.sessionResumed.id === marker);
    }
    const notices = feeds.flatMap(({ heard }) => heard.items).filter((x) => x.sessionResumed.id === id);
    expect(notices).toHaveLength(redisUrl() ? 2 : 1);
    for (const { heard } of feeds) heard.dispose();
  });
});
