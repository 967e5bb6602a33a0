/**
 * Who read what: every path that returns command text to a reader with audit:read — a query, a
 * subscription, a search snippet, the trail stream, a bundle — leaves an access record (subject, session,
 * route, events, time), listed by `accessLog` for admins and summed on `Session.viewedBy`; a reader
 * without audit:read sees no text and leaves none; the log is append-only and counted in /metrics.
 */
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSigningKey } from "../api/trust/signing-key.js";
import { Scopes } from "../contract/enums.js";
import {
  backends,
  collect,
  component,
  eventually,
  gql,
  startService,
  type TestService,
  tempDir,
  token,
  uuid,
  wsConnect,
} from "./harness.js";
import { RECORD, START, startInput } from "./ops.js";

const EVENTS = `query SessionTexts($id: ID!) { session(id: $id) { events(first: 50) { edges { node { seq text textHidden } } } } }`;
const LOG = `query Log($filter: AccessLogFilter, $first: Int, $after: String) {
  accessLog(filter: $filter, first: $first, after: $after) { records { subject sessionId route events at } hasNextPage endCursor } }`;
const VIEWERS = `query Viewers($id: ID!) { session(id: $id) { viewedBy { subject events reads firstAt lastAt } } }`;

describe.each(backends())("who read what, on %s", (backend) => {
  const dir = tempDir("sb-access-");
  let svc: TestService;
  let admin: string;
  let ana: string;
  let session: string;
  const comp = component("access");

  const records = async (filter: Record<string, unknown>) => {
    const r = await gql(svc.url, LOG, { filter, first: 100 }, admin);
    expect(r.body.errors).toBeUndefined();
    return r.body.data!.accessLog.records as {
      subject: string;
      sessionId: string | null;
      route: string;
      events: number;
    }[];
  };

  beforeAll(async () => {
    const signingKey = await loadSigningKey({
      configured: undefined,
      defaultPath: join(dir.path, "key.jwk"),
    });
    svc = await startService(backend, { app: { signingKey, checkpointIntervalSeconds: 3600 } });
    admin = await token({ sub: "root", scopes: [Scopes.ADMIN] });
    ana = await token({ sub: "ana", scopes: [Scopes.READ, Scopes.AUDIT] });
    const writer = await token({ sub: "ops" });
    session = uuid();
    expect(
      (await gql(svc.url, START, { input: startInput(comp, session) }, writer)).body.errors,
    ).toBeUndefined();
    const events = [1, 2, 3].map((seq) => ({
      eventId: uuid(),
      sessionId: session,
      seq,
      kind: "command",
      at: new Date().toISOString(),
      text: seq === 2 ? "refund the order 7" : `step ${seq}`,
    }));
    expect((await gql(svc.url, RECORD, { events }, writer)).body.errors).toBeUndefined();
  });
  afterAll(async () => {
    await svc?.stop();
    dir.remove();
  });

  it("records a query's reveal before answering, and shows who read a session", async () => {
    const before = Date.now();
    const r = await gql(svc.url, EVENTS, { id: session }, ana);
    expect(r.body.data!.session.events.edges.map((e: { node: { text: string } }) => e.node.text)).toEqual([
      "step 1",
      "refund the order 7",
      "step 3",
    ]);
    // Stored before the answer went out: no waiting.
    expect(await records({ subject: "ana", sessionId: session })).toEqual([
      expect.objectContaining({
        subject: "ana",
        sessionId: session,
        route: "graphql query SessionTexts",
        events: 3,
      }),
    ]);
    const viewers = (await gql(svc.url, VIEWERS, { id: session }, ana)).body.data!.session.viewedBy;
    expect(viewers).toEqual([expect.objectContaining({ subject: "ana", events: 3, reads: 1 })]);
    expect(Date.parse(viewers[0].lastAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("records nothing for a reader who cannot see the text", async () => {
    const reader = await token({ sub: "bob", scopes: [Scopes.READ] });
    const r = await gql(svc.url, EVENTS, { id: session }, reader);
    expect(
      r.body.data!.session.events.edges.every(
        (e: { node: { text: null; textHidden: boolean } }) => e.node.text === null && e.node.textHidden,
      ),
    ).toBe(true);
    expect(await records({ subject: "bob" })).toEqual([]);
    // viewedBy itself needs audit:read; accessLog needs admin.
    expect((await gql(svc.url, VIEWERS, { id: session }, reader)).body.errors?.[0]?.extensions?.code).toBe(
      "FORBIDDEN",
    );
    expect((await gql(svc.url, LOG, {}, ana)).body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("records reads by subscription, search, the trail stream and a bundle", async () => {
    const cara = await token({ sub: "cara", scopes: [Scopes.READ, Scopes.AUDIT] });
    const ws = await wsConnect(svc.wsUrl, cara);
    try {
      const sub = collect(
        ws,
        `subscription Tail($id: ID!) { sessionEvents(sessionId: $id, afterSeq: 0) { seq text } }`,
        { id: session },
      );
      await sub.until(3);
      expect(sub.items.map((i) => i.sessionEvents.text)).toContain("refund the order 7");
    } finally {
      ws.dispose();
    }
    await eventually(
      "the subscription's reads recorded",
      () => records({ subject: "cara", sessionId: session }),
      (rows) => rows.some((r) => r.route === "graphql subscription Tail" && r.events === 3),
    );

    const search = await gql(
      svc.url,
      `query Find($q: String!) { searchSessions(query: $q, index: COMMANDS) { sessionId snippet } }`,
      { q: "refund" },
      cara,
    );
    expect(search.body.data!.searchSessions).toEqual([expect.objectContaining({ sessionId: session })]);
    expect(await records({ subject: "cara", sessionId: session })).toContainEqual(
      expect.objectContaining({ route: "graphql searchSessions", events: 1 }),
    );

    const trail = await fetch(new URL("/trail.ndjson", svc.url), {
      headers: { authorization: `Bearer ${cara}` },
    });
    const lines = (await trail.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.at(-1).type).toBe("done");
    expect(await records({ subject: "cara" })).toContainEqual(
      expect.objectContaining({ sessionId: null, route: "/trail.ndjson", events: 3 }),
    );
    const bundle = await fetch(new URL(`/trail/sessions/${session}`, svc.url), {
      headers: { authorization: `Bearer ${cara}` },
    });
    expect(bundle.status).toBe(200);
    expect(await records({ subject: "cara", sessionId: session })).toContainEqual(
      expect.objectContaining({ route: "/trail/sessions/<id>", events: 3 }),
    );

    const metrics = await (await fetch(new URL("/metrics", svc.url))).text();
    for (const kind of ["query", "subscription", "search", "trail", "bundle"])
      expect(metrics).toMatch(new RegExp(`^session_text_reveals_total\\{kind="${kind}"\\} [1-9]`, "m"));
  });

  it("pages the log newest first, refuses forged cursors, and keeps it append-only", async () => {
    const first = await gql(svc.url, LOG, { first: 1 }, admin);
    const page = first.body.data!.accessLog;
    expect(page.records).toHaveLength(1);
    expect(page.hasNextPage).toBe(true);
    const next = await gql(svc.url, LOG, { first: 1, after: page.endCursor }, admin);
    expect(next.body.data!.accessLog.records).toHaveLength(1);
    expect(Number(next.body.data!.accessLog.endCursor)).toBeLessThan(Number(page.endCursor));
    for (const after of ["-1", "abc", "1e9", "0"])
      expect((await gql(svc.url, LOG, { after }, admin)).body.errors?.[0]?.extensions?.code, after).toBe(
        "BAD_USER_INPUT",
      );
    expect(
      (await gql(svc.url, LOG, { filter: { sessionId: "nope" } }, admin)).body.errors?.[0]?.extensions?.code,
    ).toBe("BAD_USER_INPUT");
    const db = svc.db.database.db;
    const refused = (q: ReturnType<typeof sql>) =>
      db.execute(q).then(
        () => "allowed",
        (e: { message: string; cause?: { message?: string } }) => `${e.message} ${e.cause?.message ?? ""}`,
      );
    expect(await refused(sql`update access_log set subject = 'nobody'`)).toMatch(
      /access_log is append-only/s,
    );
    expect(await refused(sql`delete from access_log`)).toMatch(/access_log is append-only/s);
  });
});
