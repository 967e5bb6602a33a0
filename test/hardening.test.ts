/**
 * The data path against hostile or broken input: every write obeys the token's components claim, text
 * Postgres cannot store and JSON nested past the limit are refused with BAD_USER_INPUT (one event at a
 * time in a batch), forged cursors are BAD_CURSOR, every event of a batch is accounted for, and the CSV
 * export cannot smuggle spreadsheet formulas.
 */
import { describe, expect } from "vitest";
import { type ClientEvent, createClient } from "../client/index.js";
import { BadInputReasons, ForbiddenReasons } from "../contract/errors.js";
import { LIMITS } from "../contract/limits.js";
import { storedSession } from "./client-kit.js";
import { it, useService } from "./fixture.js";
import {
  backends,
  codeOf,
  collect,
  component,
  type GraphQLBody,
  gql,
  readerToken,
  type TestService,
  token,
  uuid,
  wsConnect,
} from "./harness.js";
import { END, event, HEARTBEAT, RECORD, SESSION, SESSIONS, START, SUB_COUNT, startInput } from "./ops.js";

const writer = await token({ sub: "alice" });
const reader = await readerToken();

const reasonOf = (body: GraphQLBody) => body.errors?.[0]?.extensions?.reason;
const messageOf = (body: GraphQLBody) => body.errors?.[0]?.message ?? "";
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64url");

/** `{"a":{"a":…1…}}`, `levels` objects deep, as JSON text (building it as a value would not stringify). */
const nestedJson = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;

/**
 * POSTs an operation whose variables hold `json` (JSON text) where they say "__JSON__": a value too deep
 * for JSON.stringify still reaches the service as the bytes a client would send.
 */
async function gqlWithJson(svc: TestService, query: string, variables: object, json: string) {
  const body = JSON.stringify({ query, variables }).replace('"__JSON__"', json);
  const res = await fetch(svc.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${writer}` },
    body,
  });
  return { status: res.status, body: (await res.json()) as GraphQLBody<Record<string, any>> };
}

interface Recorded {
  accepted: number;
  duplicates: number;
  rejected: { eventId: string; code: string; reason: string | null; message: string }[];
}
const record = async (svc: TestService, events: object[], bearer = writer): Promise<Recorded> => {
  const r = await gql(svc.url, RECORD, { events }, bearer);
  expect(r.body.errors).toBeUndefined();
  return r.body.data!.recordEvents;
};
const show = async (svc: TestService, id: string) =>
  (await gql(svc.url, SESSION, { id, first: 1000 }, reader)).body.data!.session;

const EVENTS_AFTER_SEQ = `query ($id: ID!, $afterSeq: Int, $after: String) {
  session(id: $id) { events(first: 10, afterSeq: $afterSeq, after: $after) { edges { node { seq } } } }
}`;

describe.each(backends())("hardening on %s", (backend) => {
  // The service's clock moves only when a test moves it, so a write that should not happen is visible.
  let clock = Date.now();
  const svc = useService(backend, { now: () => new Date(clock) });

  it("applies the components claim to every write: FORBIDDEN and nothing changed", async () => {
    const own = component("own");
    const other = component("other");
    const limited = await token({ sub: "alice", components: [own] });
    const foreign = uuid();
    const mine = uuid();
    expect(
      (await gql(svc.url, START, { input: startInput(other, foreign) }, writer)).body.errors,
    ).toBeUndefined();
    expect(
      (await gql(svc.url, START, { input: startInput(own, mine) }, limited)).body.errors,
    ).toBeUndefined();
    const before = await show(svc, foreign);
    clock += 1000;

    const refused = [
      ["heartbeat", await gql(svc.url, HEARTBEAT, { ids: [foreign] }, limited)],
      ["heartbeat with an allowed id", await gql(svc.url, HEARTBEAT, { ids: [mine, foreign] }, limited)],
      [
        "end",
        await gql(
          svc.url,
          END,
          { input: { id: foreign, endReason: "ERROR", exitCode: 3, metadata: { forged: true } } },
          limited,
        ),
      ],
      [
        "start replayed as an allowed component",
        await gql(svc.url, START, { input: startInput(own, foreign) }, limited),
      ],
    ] as const;
    for (const [name, r] of refused) {
      expect(codeOf(r.body), name).toBe("FORBIDDEN");
      expect(reasonOf(r.body), name).toBe(ForbiddenReasons.TOKEN_COMPONENTS);
    }
    const events = await record(svc, [event(foreign, uuid(), 1)], limited);
    expect(events.rejected).toMatchObject([{ code: "FORBIDDEN", reason: ForbiddenReasons.TOKEN_COMPONENTS }]);

    expect(await show(svc, foreign)).toEqual(before);
    // The claim limits, it does not forbid: the token's own component is written as before.
    expect((await show(svc, mine)).lastSeenAt).not.toBe(new Date(clock).toISOString());
    expect((await gql(svc.url, HEARTBEAT, { ids: [mine] }, limited)).body.data!.heartbeat).toBe(1);
    expect((await show(svc, mine)).lastSeenAt).toBe(new Date(clock).toISOString());
    const ended = await gql(svc.url, END, { input: { id: mine } }, limited);
    expect(ended.body.data!.endSession.status).toBe("ENDED");
  });

  it("refuses NUL characters anywhere in an input with BAD_USER_INPUT naming the field", async ({
    defer,
  }) => {
    const c = component();
    const nul = "a\u0000b";
    const starts: [field: string, input: Record<string, unknown>][] = [
      ["username", startInput(c, uuid(), { username: nul })],
      ["hostname", startInput(c, uuid(), { hostname: nul })],
      ["shellType", startInput(c, uuid(), { shellType: nul })],
      ["componentType", startInput(c, uuid(), { componentType: nul })],
      ["componentVersion", startInput(c, uuid(), { componentVersion: nul })],
      ["adapters.1", startInput(c, uuid(), { adapters: ["pg", nul] })],
      ["eventId", startInput(c, uuid(), { eventId: nul })],
      ["environment.cwd", startInput(c, uuid(), { environment: { cwd: nul } })],
      ["metadata.tags.0.name", startInput(c, uuid(), { metadata: { tags: [{ name: nul }] } })],
      ["metadata", startInput(c, uuid(), { metadata: { [nul]: 1 } })],
    ];
    for (const [field, input] of starts) {
      const r = await gql(svc.url, START, { input }, writer);
      expect(r.status, field).toBeLessThan(500);
      expect(codeOf(r.body), field).toBe("BAD_USER_INPUT");
      expect(reasonOf(r.body), field).toBe(BadInputReasons.NUL_CHARACTER);
      expect(messageOf(r.body), field).toContain(`${field}: `);
    }
    expect(
      (await gql(svc.url, SESSIONS, { filter: { component: c } }, reader)).body.data!.sessions.totalCount,
    ).toBe(0);

    const id = uuid();
    await gql(svc.url, START, { input: startInput(c, id) }, writer);
    const answers: [name: string, answer: { status: number; body: GraphQLBody }][] = [
      ["end metadata", await gql(svc.url, END, { input: { id, metadata: { note: nul } } }, writer)],
      ["heartbeat breaker", await gql(svc.url, HEARTBEAT, { ids: [id], client: { breaker: nul } }, writer)],
    ];
    const reads = [
      ["sessions filter", `query ($v: String) { sessions(filter: { hostname: $v }) { totalCount } }`],
      ["activeSessions", `query ($v: String) { activeSessions(component: $v) { id } }`],
      ["recentEvents", `query ($v: String) { recentEvents(kind: $v) { id } }`],
      ["sessionQuality", `query ($v: String) { sessionQuality(component: $v) { component } }`],
    ] as const;
    for (const [name, query] of reads) answers.push([name, await gql(svc.url, query, { v: nul }, reader)]);
    for (const [name, r] of answers) {
      expect(r.status, name).toBeLessThan(500);
      expect(codeOf(r.body), name).toBe("BAD_USER_INPUT");
      expect(reasonOf(r.body), name).toBe(BadInputReasons.NUL_CHARACTER);
    }
    expect(await show(svc, id)).toMatchObject({ status: "ACTIVE", metadata: {} });

    const ws = await wsConnect(svc.wsUrl, reader);
    defer(() => ws.dispose());
    const count = collect(ws, SUB_COUNT, { component: nul });
    defer(count.dispose);
    await count.until(1);
    expect(count.errors[0], "activeSessionCount").toMatchObject([
      { extensions: { code: "BAD_USER_INPUT", reason: BadInputReasons.NUL_CHARACTER } },
    ]);
  });

  it("rejects an event carrying a NUL or a lone surrogate on its own and stores the rest of its batch", async () => {
    const id = uuid();
    await gql(svc.url, START, { input: startInput(component(), id) }, writer);
    const good = [uuid(), uuid()];
    const bad = { text: uuid(), payload: uuid(), errorClass: uuid(), surrogate: uuid() };
    const result = await record(svc, [
      event(id, good[0]!, 1),
      event(id, bad.text, 2, { text: "ls\u0000-la" }),
      event(id, bad.payload, 3, { payload: { argv: ["x", { y: "\u0000" }] } }),
      event(id, bad.errorClass, 4, { errorClass: "E\u0000", outcome: "error" }),
      event(id, bad.surrogate, 5, { text: `half ${String.fromCharCode(0xd83d)} emoji` }),
      event(id, good[1]!, 6),
    ]);
    expect(result.accepted).toBe(2);
    expect(result.duplicates).toBe(0);
    const byId = new Map(result.rejected.map((r) => [r.eventId, r]));
    expect(byId.get(bad.text)).toMatchObject({ code: "BAD_USER_INPUT", reason: "NUL_CHARACTER" });
    expect(byId.get(bad.text)!.message).toMatch(/^text: /);
    expect(byId.get(bad.payload)).toMatchObject({
      reason: "NUL_CHARACTER",
      message: expect.stringMatching(/^payload\.argv\.1\.y: /),
    });
    expect(byId.get(bad.errorClass)).toMatchObject({
      reason: "NUL_CHARACTER",
      message: expect.stringMatching(/^errorClass: /),
    });
    expect(byId.get(bad.surrogate)).toMatchObject({ code: "BAD_USER_INPUT", reason: "LONE_SURROGATE" });
    expect(result.rejected).toHaveLength(4);
    const stored = await show(svc, id);
    expect(stored.events.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(good);
    expect(stored.eventCount).toBe(2);
  });

  it("makes the shell client count a rejected event, drop it, and deliver the others", async ({
    dir,
    defer,
  }) => {
    const client = createClient({
      url: svc.url,
      token: writer,
      dataDir: dir,
      probe: false,
      logger: { warn: () => {}, error: () => {} },
      limits: { maxAttempts: 2, backoffBaseMs: 1 },
    });
    defer(() => client.shutdown(0));
    const seen: ClientEvent[] = [];
    client.onEvent((e) => seen.push(e));
    const session = client.start({ component: component() });
    const first = await session.record({ kind: "command", text: "status()" });
    const nul = await session.record({ kind: "command", text: "cat\u0000file" });
    const last = await session.record({ kind: "note", text: "done" });
    session.end();
    const flushed = await client.flush();

    expect(flushed.pending).toBe(0);
    expect(client.stats()).toMatchObject({ rejected: 1 });
    expect(seen.filter((e) => e.type === "rejected")).toEqual([
      expect.objectContaining({ key: nul.eventId, code: "BAD_USER_INPUT" }),
    ]);
    const stored = (await storedSession(svc.url, session.id))!;
    expect(stored.status).toBe("ENDED");
    expect(stored.events.map((e) => e.id)).toEqual([first.eventId, last.eventId]);
  });

  it("answers a forged cursor with BAD_USER_INPUT (BAD_CURSOR), and event cursors are opaque", async () => {
    const id = uuid();
    await gql(svc.url, START, { input: startInput(component(), id) }, writer);
    await record(
      svc,
      [1, 2, 3, 4, 5].map((seq) => event(id, uuid(), seq)),
    );
    const seqs: number[] = [];
    const cursors: string[] = [];
    for (let after: string | null = null; ; ) {
      const page = (await gql(svc.url, SESSION, { id, first: 2, after }, reader)).body.data!.session.events;
      seqs.push(...page.edges.map((e: { node: { seq: number } }) => e.node.seq));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor as string;
      cursors.push(after);
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    for (const c of cursors) expect(c).not.toMatch(/^\d+$/);

    const sessionsPage = (await gql(svc.url, SESSIONS, { first: 1 }, reader)).body.data!.sessions;
    const forged: [name: string, query: string, variables: Record<string, unknown>][] = [
      [
        "session cursor with a non-UUID",
        SESSIONS,
        { after: b64(`${new Date(clock).toISOString()}|not-a-uuid`) },
      ],
      ["session cursor with a bad date", SESSIONS, { after: b64(`yesterday|${id}`) }],
      [
        "session cursor with extra parts",
        SESSIONS,
        { after: b64(`${new Date(clock).toISOString()}|${id}|x`) },
      ],
      ["event cursor given to sessions", SESSIONS, { after: cursors[0] }],
      ["20-digit event cursor", SESSION, { id, after: "12345678901234567890" }],
      ["bare seq as an event cursor", SESSION, { id, after: "2" }],
      ["event cursor past the largest seq", SESSION, { id, after: b64(`e|${LIMITS.seqMax + 1}`) }],
      ["event cursor with 20 digits inside", SESSION, { id, after: b64("e|12345678901234567890") }],
      ["session cursor given to events", SESSION, { id, after: sessionsPage.pageInfo.endCursor }],
      ["non-canonical base64", SESSION, { id, after: `${cursors[0]}!` }],
    ];
    for (const [name, query, variables] of forged) {
      const r = await gql(svc.url, query, variables, reader);
      expect(r.status, name).toBeLessThan(500);
      expect(codeOf(r.body), name).toBe("BAD_USER_INPUT");
      expect(reasonOf(r.body), name).toBe(BadInputReasons.BAD_CURSOR);
    }

    // afterSeq stays a numeric resume point, as in the sessionEvents subscription.
    const resumed = await gql(svc.url, EVENTS_AFTER_SEQ, { id, afterSeq: 3 }, reader);
    expect(resumed.body.data!.session.events.edges.map((e: { node: { seq: number } }) => e.node.seq)).toEqual(
      [4, 5],
    );
    const both = await gql(svc.url, EVENTS_AFTER_SEQ, { id, afterSeq: 3, after: cursors[0] }, reader);
    expect(codeOf(both.body)).toBe("BAD_USER_INPUT");
  });

  it(`refuses JSON nested deeper than ${LIMITS.jsonDepth} levels in every JSON input, without a crash`, async () => {
    const c = component();
    const deep = nestedJson(5000);
    const id = uuid();
    await gql(svc.url, START, { input: startInput(c, id) }, writer);
    const answers = [
      [
        "start metadata",
        await gqlWithJson(svc, START, { input: startInput(c, uuid(), { metadata: "__JSON__" }) }, deep),
      ],
      [
        "start environment",
        await gqlWithJson(svc, START, { input: startInput(c, uuid(), { environment: "__JSON__" }) }, deep),
      ],
      ["end metadata", await gqlWithJson(svc, END, { input: { id, metadata: "__JSON__" } }, deep)],
      [
        "one more level than allowed",
        await gqlWithJson(
          svc,
          START,
          { input: startInput(c, uuid(), { metadata: "__JSON__" }) },
          nestedJson(LIMITS.jsonDepth + 1),
        ),
      ],
    ] as const;
    for (const [name, r] of answers) {
      expect(r.status, name).toBeLessThan(500);
      expect(codeOf(r.body), name).toBe("BAD_USER_INPUT");
      expect(reasonOf(r.body), name).toBe(BadInputReasons.JSON_TOO_DEEP);
      expect(messageOf(r.body), name).toContain(`at most ${LIMITS.jsonDepth} levels`);
    }
    const atLimit = await gqlWithJson(
      svc,
      START,
      { input: startInput(c, uuid(), { metadata: "__JSON__" }) },
      nestedJson(LIMITS.jsonDepth),
    );
    expect(atLimit.body.errors).toBeUndefined();

    const good = uuid();
    const tooDeep = uuid();
    const batch = await gqlWithJson(
      svc,
      RECORD,
      { events: [event(id, good, 1), event(id, tooDeep, 2, { payload: "__JSON__" })] },
      deep,
    );
    expect(batch.body.data!.recordEvents).toMatchObject({
      accepted: 1,
      rejected: [{ eventId: tooDeep, code: "BAD_USER_INPUT", reason: BadInputReasons.JSON_TOO_DEEP }],
    });
    expect(await show(svc, id)).toMatchObject({ status: "ACTIVE", eventCount: 1, metadata: {} });
  });

  it("accounts for every event of a batch, a repeat inside it included", async () => {
    const id = uuid();
    await gql(svc.url, START, { input: startInput(component(), id) }, writer);
    const stored = uuid();
    expect(await record(svc, [event(id, stored, 1)])).toMatchObject({ accepted: 1, duplicates: 0 });

    const repeated = uuid();
    const fresh = uuid();
    const sent = [event(id, repeated, 2), event(id, repeated, 2), event(id, stored, 1), event(id, fresh, 3)];
    const r = await record(svc, sent);
    expect(r).toMatchObject({ accepted: 2, duplicates: 2, rejected: [] });
    expect(r.accepted + r.duplicates + r.rejected.length).toBe(sent.length);

    // A repeat is a re-send: a later copy with an outcome completes the command, once.
    const command = uuid();
    const completion = { outcome: "error", durationMs: 5, errorClass: "TypeError" };
    const again = [
      event(id, command, 4),
      event(id, command, 4, completion),
      event(id, command, 4, completion),
      event(id, command, 9),
    ];
    const second = await record(svc, again);
    expect(second.accepted + second.duplicates + second.rejected.length).toBe(again.length);
    expect(second).toMatchObject({
      accepted: 2,
      duplicates: 1,
      rejected: [{ eventId: command, code: "CONFLICT" }],
    });
    const session = await show(svc, id);
    expect(session).toMatchObject({ eventCount: 4, commandCount: 4, errorCount: 1 });
    expect(session.events.edges.at(-1).node).toMatchObject({ id: command, outcome: "error", durationMs: 5 });
  });

  it("guards CSV text cells against formula injection and leaves numbers as they are", async () => {
    const c = component("csv");
    const id = uuid();
    const input = startInput(c, id, {
      username: '=HYPERLINK("http://evil.example","x")',
      hostname: "+cmd|' /C calc'!A0",
      shellType: "@SUM(A1:A9)",
      componentType: "-2+3",
      componentVersion: "\t1",
      metadata: { note: "=1+1" },
    });
    expect((await gql(svc.url, START, { input }, writer)).body.errors).toBeUndefined();
    await gql(svc.url, END, { input: { id, exitCode: -1 } }, writer);

    const res = await fetch(`${svc.origin}/export/sessions.csv?component=${c}`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(res.status).toBe(200);
    const [, line] = (await res.text()).split("\r\n");
    expect(line).toContain(`,"'=HYPERLINK(""http://evil.example"",""x"")",`);
    expect(line).toContain(`,"'+cmd|' /C calc'!A0",`);
    expect(line).toContain(`,"'@SUM(A1:A9)",`);
    expect(line).toContain(`,"'-2+3",`);
    expect(line).toContain(`,"'\t1",`);
    // endReason, exitCode, captureMode: the negative exit code is a number, not text to guard.
    expect(line).toContain(",EXIT,-1,BUFFERED,");
    expect(line).toContain(`"{""note"": ""=1+1""}"`);

    const ndjson = await fetch(`${svc.origin}/export/sessions.ndjson?component=${c}`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(JSON.parse(await ndjson.text())).toMatchObject({ username: input.username, exitCode: -1 });
  });
});
