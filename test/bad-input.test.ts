import { describe, expect } from "vitest";
import { it, suiteTokens, useService } from "./fixture.js";
import { backends, codeOf, component, gql, uuid } from "./harness.js";
import { event, RECORD, SESSION, SESSIONS, START, startInput } from "./ops.js";

const { writer, reader } = await suiteTokens();

describe.each(backends())("bad input on %s", (backend) => {
  const svc = useService(backend);

  it("answers malformed GraphQL and unknown fields with BAD_USER_INPUT, never a 500", async () => {
    for (const query of ["{ sessions { totalCount ", "query { nope }", "mutation { startSession }", ""]) {
      const r = await gql(svc.url, query, {}, reader);
      expect(r.status, query).toBeLessThan(500);
      expect(codeOf(r.body), query).toBe("BAD_USER_INPUT");
    }
    const raw = await fetch(svc.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(raw.status).toBeLessThan(500);
    const body = (await raw.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe("BAD_USER_INPUT");
  });

  it("rejects invalid starts with BAD_USER_INPUT and stores nothing", async () => {
    const c = component();
    const bad: [string, Record<string, unknown>][] = [
      ["component pattern", startInput("bad name!", uuid())],
      ["component too long", startInput("x".repeat(65), uuid())],
      ["pid zero", startInput(c, uuid(), { pid: 0 })],
      ["pid too big", startInput(c, uuid(), { pid: 4194305 })],
      ["non-UUID id", startInput(c, "session-1")],
      ["metadata over 16 KiB", startInput(c, uuid(), { metadata: { blob: "x".repeat(17 * 1024) } })],
      ["cwd over 500 chars", startInput(c, uuid(), { environment: { cwd: "/".repeat(501) } })],
      ["metadata not an object", startInput(c, uuid(), { metadata: [1, 2] })],
      ["unknown event version", startInput(c, uuid(), { eventVersion: "9.9" })],
    ];
    for (const [name, input] of bad) {
      const r = await gql(svc.url, START, { input }, writer);
      expect(r.status, name).toBeLessThan(500);
      expect(codeOf(r.body), name).toBe("BAD_USER_INPUT");
    }
    // A wrong type for a variable is caught before execution, with the same code.
    const wrongType = await gql(svc.url, START, { input: { ...startInput(c, uuid()), pid: "many" } }, writer);
    expect(codeOf(wrongType.body)).toBe("BAD_USER_INPUT");
    const list = await gql(svc.url, SESSIONS, { filter: { component: c } }, reader);
    expect(list.body.data!.sessions.totalCount).toBe(0);
  });

  it("rejects bad events one by one, keeps the good ones, and refuses oversized batches whole", async () => {
    const c = component();
    const id = uuid();
    await gql(svc.url, START, { input: startInput(c, id) }, writer);
    const good = uuid();
    const tooLong = uuid();
    const unknownSession = uuid();
    const r = await gql(
      svc.url,
      RECORD,
      {
        events: [
          event(id, good, 1),
          event(id, tooLong, 2, { text: "y".repeat(8 * 1024 + 1) }),
          event(uuid(), unknownSession, 1),
          event(id, "not-a-uuid", 3),
          event(id, uuid(), 0),
        ],
      },
      writer,
    );
    const result = r.body.data!.recordEvents;
    expect(result.accepted).toBe(1);
    expect(result.rejected.map((x: { code: string }) => x.code).sort()).toEqual([
      "BAD_USER_INPUT",
      "BAD_USER_INPUT",
      "BAD_USER_INPUT",
      "NOT_FOUND",
    ]);
    expect(result.rejected.find((x: { eventId: string }) => x.eventId === tooLong).message).toMatch(/8 KiB/);

    const batch = Array.from({ length: 1001 }, (_, i) => event(id, uuid(), i + 10));
    const big = await gql(svc.url, RECORD, { events: batch }, writer);
    expect(big.status).toBeLessThan(500);
    expect(codeOf(big.body)).toBe("BAD_USER_INPUT");

    const s = await gql(svc.url, SESSION, { id }, reader);
    expect(s.body.data!.session.eventCount).toBe(1);
    expect(s.body.data!.session.events.edges[0].node.id).toBe(good);
  });

  it("refuses an oversized request body with 413 and BAD_USER_INPUT", async () => {
    const res = await fetch(svc.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${writer}` },
      body: JSON.stringify({ query: "{ __typename }", variables: { pad: "z".repeat(3 * 1024 * 1024) } }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe("BAD_USER_INPUT");
  });

  it("refuses a chunked body of undeclared size with 411 and BAD_USER_INPUT", async () => {
    const { request } = await import("node:http");
    const status = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      const req = request(
        svc.url,
        { method: "POST", headers: { "content-type": "application/json" } },
        (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ code: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      req.write('{"query":"{ __typename }"');
      req.end("}");
    });
    expect(status.code).toBe(411);
    expect(JSON.parse(status.body).errors[0].extensions.code).toBe("BAD_USER_INPUT");
  });

  it("limits query depth and answers a bad id with BAD_USER_INPUT", async () => {
    const deep = `query { sessions { edges { node { events { edges { node { id } } pageInfo { endCursor } } } } } ${"".padEnd(0)} }`;
    expect((await gql(svc.url, deep, {}, reader)).body.errors).toBeUndefined();
    let nested = "id";
    for (let i = 0; i < 20; i++) nested = `__schema { types { fields { type { ofType { ${nested} } } } } }`;
    const tooDeep = await gql(svc.url, `query { ${nested} }`, {}, reader);
    expect(codeOf(tooDeep.body)).toBe("BAD_USER_INPUT");
    const badId = await gql(svc.url, SESSION, { id: "1; drop table sessions" }, reader);
    expect(codeOf(badId.body)).toBe("BAD_USER_INPUT");
  });

  it("serves health and readiness", async () => {
    const health = await fetch(`${svc.origin}/health`);
    expect(await health.json()).toEqual({ status: "healthy" });
    const ready = await fetch(`${svc.origin}/ready`);
    expect(ready.status).toBe(200);
    const missing = await fetch(`${svc.origin}/nope`);
    expect(missing.status).toBe(404);
  });
});
