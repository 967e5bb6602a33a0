/**
 * Every event received is a sign of life, dated by what it describes (capture time, plus a completed
 * command's duration, at most its receipt), never moving lastSeenAt back; an ABANDONED session lasts
 * from its start to its last sign of life, the same in the session, its filter, the analytics and the
 * export. The clock is the service's own; the reaper is driven by hand.
 */
import { describe, expect } from "vitest";
import { it, useService } from "./fixture.js";
import { backends, component, gql, readerToken, token, uuid } from "./harness.js";
import { event, RECORD, SESSIONS, START, startInput } from "./ops.js";

const writer = await token({ sub: "alice" });
const reader = await readerToken();
const SESSION = `query S($id: ID!) { session(id: $id) { status lastSeenAt endedAt durationSeconds } }`;
const AVG = `query A($c: String) { averageSessionDuration(days: 1, component: $c) { avgDurationSeconds sessionCount }
  sessionStats(days: 1, component: $c) { avgDurationSeconds } }`;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(backends())("the duration of an abandoned session on %s", (backend) => {
  let clock = Date.now();
  const svc = useService(backend, {
    abandonAfterSeconds: 90,
    reapIntervalMs: 3_600_000,
    now: () => new Date(clock),
  });
  const ok = async (query: string, variables: Record<string, unknown>, bearer = writer) => {
    const r = await gql(svc.url, query, variables, bearer);
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    return r.body.data!;
  };
  const show = async (id: string) => (await ok(SESSION, { id }, reader)).session;

  it("a shell killed after 12 s whose journal arrives late lasted 12 s, everywhere", async () => {
    const c = component("k");
    const t0 = Date.now();
    const id = uuid();
    clock = t0;
    await ok(START, { input: startInput(c, id, { startedAt: iso(t0) }) });
    // Commands typed until it was killed at t0 + 12 s, delivered 50 s in (the next process replays the journal).
    clock = t0 + 50_000;
    const events = [2, 5, 9].map((s, i) =>
      event(id, uuid(), i + 1, { at: iso(t0 + s * 1000), outcome: "ok" }),
    );
    events.push(event(id, uuid(), 4, { at: iso(t0 + 10_000), durationMs: 2000, outcome: "ok" }));
    expect((await ok(RECORD, { events })).recordEvents.accepted).toBe(4);
    expect((await show(id)).lastSeenAt).toBe(iso(t0 + 12_000));

    clock = t0 + 200_000;
    expect((await svc.app.services.sessions.reap(90)).map((r) => r.id)).toEqual([id]);
    expect(await show(id)).toMatchObject({
      status: "ABANDONED",
      endedAt: iso(t0 + 12_000),
      durationSeconds: 12,
    });
    const avg = await ok(AVG, { c }, reader);
    expect(avg.averageSessionDuration).toEqual([{ avgDurationSeconds: 12, sessionCount: 1 }]);
    expect(avg.sessionStats[0].avgDurationSeconds).toBe(12);
    const long = await ok(SESSIONS, { filter: { component: c, minDurationSeconds: 11 } }, reader);
    expect(long.sessions.totalCount).toBe(1);
    const longer = await ok(SESSIONS, { filter: { component: c, minDurationSeconds: 13 } }, reader);
    expect(longer.sessions.totalCount).toBe(0);
    const res = await fetch(`${svc.origin}/export/sessions.ndjson?component=${c}`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    const [row] = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(row).toMatchObject({ id, durationSeconds: 12 });
  });

  it("moves lastSeenAt and an abandoned session's end only forward, and never past the receipt", async () => {
    const c = component("f");
    const t0 = Date.now();
    const id = uuid();
    clock = t0;
    await ok(START, { input: startInput(c, id, { startedAt: iso(t0) }) });
    clock = t0 + 120_000;
    await svc.app.services.sessions.reap(90);
    expect((await show(id)).endedAt).toBe(iso(t0));
    // Late events captured before the abandon: it stays ABANDONED and its end moves to the latest.
    clock = t0 + 300_000;
    await ok(RECORD, { events: [event(id, uuid(), 1, { at: iso(t0 + 7000) })] });
    await ok(RECORD, { events: [event(id, uuid(), 2, { at: iso(t0 + 3000) })] });
    expect(await show(id)).toMatchObject({
      status: "ABANDONED",
      lastSeenAt: iso(t0 + 7000),
      endedAt: iso(t0 + 7000),
      durationSeconds: 7,
    });

    // A client clock ahead of the service's: the event counts at its receipt, not in the future.
    const ahead = uuid();
    clock = t0;
    await ok(START, { input: startInput(c, ahead, { startedAt: iso(t0) }) });
    clock = t0 + 10_000;
    await ok(RECORD, { events: [event(ahead, uuid(), 1, { at: iso(t0 + 200_000) })] });
    expect((await show(ahead)).lastSeenAt).toBe(iso(t0 + 10_000));
  });
});
