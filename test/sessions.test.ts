import { describe, expect } from "vitest";
import { it, suiteTokens, useService } from "./fixture.js";
import { backends, codeOf, component, gql, runCli, uuid } from "./harness.js";
import { ACTIVE, END, event, RECORD, SESSION, SESSIONS, START, startInput } from "./ops.js";

const { writer, reader } = await suiteTokens();

describe.each(backends())("sessions on %s", (backend) => {
  const svc = useService(backend);

  it("round-trips start → query → end with capture-time duration, and the CLI lists it", async () => {
    const c = component();
    const id = uuid();
    const startedAt = new Date(Date.now() - 5000).toISOString();
    const started = await gql(svc.url, START, { input: startInput(c, id, { startedAt }) }, writer);
    expect(started.body.errors).toBeUndefined();
    const s = started.body.data!.startSession;
    expect(s).toMatchObject({
      id,
      type: "admin_shell",
      component: c,
      status: "ACTIVE",
      actor: "alice",
      startedAt,
      delayed: false,
      captureMode: "BUFFERED",
      shellType: "TestShell",
      adapters: ["pg", "redis"],
      pid: 4242,
    });

    const active = await gql(svc.url, ACTIVE, { component: c }, reader);
    expect(active.body.data!.activeSessions.map((x: { id: string }) => x.id)).toEqual([id]);

    const endedAt = new Date(Date.parse(startedAt) + 3500).toISOString();
    const ended = await gql(
      svc.url,
      END,
      { input: { id, endedAt, endReason: "SIGTERM", exitCode: 143 } },
      writer,
    );
    expect(ended.body.data!.endSession).toMatchObject({
      status: "ENDED",
      endedAt,
      endReason: "SIGTERM",
      exitCode: 143,
      durationSeconds: 3.5,
    });

    const cli = await runCli(
      ["list-sessions", "--type", "admin_shell", "--component", c, "--format", "json"],
      {
        SESSION_BUDDY_URL: svc.url,
        SESSION_BUDDY_TOKEN: reader,
      },
    );
    expect(cli.stderr).toBe("");
    expect(cli.code).toBe(0);
    const listed = JSON.parse(cli.stdout);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      id,
      component: c,
      status: "ENDED",
      durationSeconds: 3.5,
      actor: "alice",
    });

    const shown = await runCli(["show-session", id, "--format", "json"], {
      SESSION_BUDDY_URL: svc.url,
      SESSION_BUDDY_TOKEN: reader,
    });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id, endReason: "SIGTERM", events: [] });
  });

  it("keeps a session unchanged when its start is sent three times", async () => {
    const c = component();
    const id = uuid();
    const first = await gql(svc.url, START, { input: startInput(c, id) }, writer);
    const again = await gql(
      svc.url,
      START,
      { input: startInput(c, id, { hostname: "other", pid: 7 }) },
      writer,
    );
    const third = await gql(svc.url, START, { input: startInput(c, id, { metadata: { x: 1 } }) }, writer);
    expect(again.body.data!.startSession).toEqual(first.body.data!.startSession);
    expect(third.body.data!.startSession).toEqual(first.body.data!.startSession);
    const list = await gql(svc.url, SESSIONS, { filter: { component: c } }, reader);
    expect(list.body.data!.sessions.totalCount).toBe(1);
  });

  it("stores an event once, reads events back in seq order, and completes a command once", async () => {
    const c = component();
    const id = uuid();
    await gql(svc.url, START, { input: startInput(c, id) }, writer);
    const ids = [uuid(), uuid(), uuid(), uuid()];
    // Out of order: 3, 1, 4 then 2.
    const r1 = await gql(
      svc.url,
      RECORD,
      { events: [event(id, ids[2]!, 3), event(id, ids[0]!, 1), event(id, ids[3]!, 4)] },
      writer,
    );
    expect(r1.body.data!.recordEvents).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    const r2 = await gql(svc.url, RECORD, { events: [event(id, ids[1]!, 2), event(id, ids[0]!, 1)] }, writer);
    expect(r2.body.data!.recordEvents).toEqual({ accepted: 1, duplicates: 1, rejected: [] });

    // Completion of command 2 (same eventId, now with outcome) is accepted once, then a duplicate.
    const done = event(id, ids[1]!, 2, { durationMs: 12.5, outcome: "error", errorClass: "TypeError" });
    const r3 = await gql(svc.url, RECORD, { events: [done] }, writer);
    expect(r3.body.data!.recordEvents).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const r4 = await gql(svc.url, RECORD, { events: [done] }, writer);
    expect(r4.body.data!.recordEvents).toEqual({ accepted: 0, duplicates: 1, rejected: [] });

    // Another event claiming a taken seq is a conflict, reported per event.
    const clash = uuid();
    const r5 = await gql(svc.url, RECORD, { events: [event(id, clash, 4)] }, writer);
    expect(r5.body.data!.recordEvents.rejected).toEqual([
      expect.objectContaining({ eventId: clash, code: "CONFLICT" }),
    ]);

    const got = await gql(svc.url, SESSION, { id }, reader);
    const s = got.body.data!.session;
    expect(s.events.edges.map((e: { node: { seq: number } }) => e.node.seq)).toEqual([1, 2, 3, 4]);
    expect(s.events.totalCount).toBe(4);
    expect(s.commandCount).toBe(4);
    expect(s.errorCount).toBe(1);
    expect(s.events.edges[1].node).toMatchObject({
      outcome: "error",
      durationMs: 12.5,
      errorClass: "TypeError",
    });

    // Cursor pagination over events.
    const firstPage = await gql(svc.url, SESSION, { id, first: 2 }, reader);
    const after = firstPage.body.data!.session.events.pageInfo.endCursor;
    const page = await gql(svc.url, SESSION, { id, first: 2, after }, reader);
    expect(page.body.data!.session.events.edges.map((e: { node: { seq: number } }) => e.node.seq)).toEqual([
      3, 4,
    ]);
  });

  it("ends idempotently: a second end changes nothing", async () => {
    const c = component();
    const id = uuid();
    await gql(svc.url, START, { input: startInput(c, id) }, writer);
    const e1 = await gql(svc.url, END, { input: { id, endReason: "EXIT", exitCode: 0 } }, writer);
    const e2 = await gql(svc.url, END, { input: { id, endReason: "ERROR", exitCode: 1 } }, writer);
    expect(e2.body.data!.endSession).toEqual(e1.body.data!.endSession);
  });

  it("flags a start or end that arrives more than 60 s after capture as delayed", async () => {
    const c = component();
    const id = uuid();
    const startedAt = new Date(Date.now() - 10 * 60_000).toISOString();
    const s = await gql(svc.url, START, { input: startInput(c, id, { startedAt }) }, writer);
    expect(s.body.data!.startSession.delayed).toBe(true);

    const id2 = uuid();
    const t0 = Date.now() - 5 * 60_000;
    await gql(
      svc.url,
      START,
      { input: startInput(c, id2, { startedAt: new Date(t0).toISOString() }) },
      writer,
    );
    const endedAt = new Date(t0 + 3 * 60_000).toISOString();
    const e = await gql(svc.url, END, { input: { id: id2, endedAt } }, writer);
    expect(e.body.data!.endSession).toMatchObject({ delayed: true, durationSeconds: 180 });

    const delayed = await gql(svc.url, SESSIONS, { filter: { component: c, delayed: true } }, reader);
    expect(delayed.body.data!.sessions.totalCount).toBe(2);
  });

  it("filters and paginates sessions with a stable cursor and a total", async () => {
    const c = component();
    const base = Date.now() - 60_000;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const id = uuid();
      ids.push(id);
      await gql(
        svc.url,
        START,
        {
          input: startInput(c, id, {
            startedAt: new Date(base + i * 1000).toISOString(),
            username: i % 2 ? "odd" : "even",
            hostname: `h${i % 3}`,
          }),
        },
        writer,
      );
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { body: { data?: any } } = await gql(
        svc.url,
        SESSIONS,
        { filter: { component: c }, first: 3, after },
        reader,
      );
      const conn = page.body.data!.sessions;
      expect(conn.totalCount).toBe(7);
      seen.push(...conn.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual([...ids].reverse());

    const odd = await gql(svc.url, SESSIONS, { filter: { component: c, username: "odd" } }, reader);
    expect(odd.body.data!.sessions.totalCount).toBe(3);
    const host = await gql(
      svc.url,
      SESSIONS,
      { filter: { component: c, hostname: "h0", actor: "alice" } },
      reader,
    );
    expect(host.body.data!.sessions.totalCount).toBe(3);
    const window = await gql(
      svc.url,
      SESSIONS,
      {
        filter: {
          component: c,
          startedAfter: new Date(base + 2000).toISOString(),
          startedBefore: new Date(base + 5000).toISOString(),
        },
      },
      reader,
    );
    expect(window.body.data!.sessions.totalCount).toBe(3);
    const none = await gql(svc.url, SESSIONS, { filter: { component: c, status: "ENDED" } }, reader);
    expect(none.body.data!.sessions.totalCount).toBe(0);

    await gql(
      svc.url,
      END,
      { input: { id: ids[0], endedAt: new Date(base + 30_000).toISOString() } },
      writer,
    );
    const long = await gql(svc.url, SESSIONS, { filter: { component: c, minDurationSeconds: 20 } }, reader);
    expect(long.body.data!.sessions.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([ids[0]]);
  });

  it("answers unknown ids with null or NOT_FOUND and a bad cursor with BAD_USER_INPUT", async () => {
    const missing = await gql(svc.url, SESSION, { id: uuid() }, reader);
    expect(missing.body.data!.session).toBeNull();
    const end = await gql(svc.url, END, { input: { id: uuid() } }, writer);
    expect(codeOf(end.body)).toBe("NOT_FOUND");
    const cursor = await gql(svc.url, SESSIONS, { after: "garbage" }, reader);
    expect(codeOf(cursor.body)).toBe("BAD_USER_INPUT");
  });
});
