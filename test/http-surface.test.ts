/**
 * The service's front door as an attacker and a careful client see it: the Host allow-list (DNS
 * rebinding, malformed Host), CORS only for configured origins, the local sign-in that keeps the page
 * token from other origins, located errors with reasons, the introspection/suggestion policy, limits over
 * graphql-ws that fail one operation and not the socket, and what the log says about each request.
 */
import { request as httpRequest } from "node:http";
import { Writable } from "node:stream";
import { describe, expect } from "vitest";
import { WebSocket } from "ws";
import { loginLink } from "../auth/local-login.js";
import { createServiceLogger } from "../config/logger.js";
import { it, suiteTokens, useService } from "./fixture.js";
import {
  backends,
  codeOf,
  collect,
  component,
  gql,
  readerToken,
  TEST_SECRET,
  token,
  uuid,
  wsConnect,
} from "./harness.js";
import { START, SUB_STARTED, startInput } from "./ops.js";

const { writer, reader } = await suiteTokens();
/** The read token the local sign-in embeds in a signed-in browser's pages. */
const pageToken = await readerToken("local-browser");

/** A raw request, so the Host header is exactly what the test says. */
function raw(
  origin: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const u = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: u.hostname, port: u.port, path, method: "GET", headers, setHost: false },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** What a WebSocket upgrade with these headers answers: "open" or the HTTP status it was refused with. */
function upgrade(wsUrl: string, headers: Record<string, string>, origin?: string): Promise<number | "open"> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, "graphql-transport-ws", { headers, ...(origin ? { origin } : {}) });
    ws.once("open", () => {
      ws.close();
      resolve("open");
    });
    ws.once("unexpected-response", (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once("error", (e) => {
      if (!/Unexpected server response/.test(e.message)) reject(e);
    });
  });
}

/** A pino logger whose JSON lines the test can read. */
function memoryLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, logger: createServiceLogger("debug", stream) };
}

const INTROSPECT = "{ __schema { queryType { name } } }";
const TYPO = "{ sesions { totalCount } }";

describe.each(backends())("the HTTP surface on %s", (backend) => {
  const log = memoryLog();
  const svc = useService(backend, {
    authMode: "local-secret",
    signIn: { secret: TEST_SECRET, pageToken },
    app: {
      allowedHosts: ["ops.example.com", ".corp.example"],
      corsOrigins: ["https://ops.example.com"],
      introspection: "authenticated",
      suggestions: "authenticated",
      logger: log.logger,
    },
  });

  it("refuses foreign and malformed Host headers on every route, and serves loopback and configured names", async () => {
    const port = new URL(svc.origin).port;
    for (const path of ["/graphql", "/health", "/dashboard", "/login", "/export/sessions.csv", "/nope"]) {
      const rebind = await raw(svc.origin, path, { host: `rebind.example:${port}`, accept: "text/html" });
      expect(rebind.status, path).toBe(403);
      expect(JSON.parse(rebind.body)).toMatchObject({ code: "FORBIDDEN" });
      expect(rebind.body).not.toContain("eyJ");
      for (const host of ["a b", "x:notaport", "[::1", "", "user@127.0.0.1"]) {
        const r = await raw(svc.origin, path, { host });
        expect(r.status, `${path} Host ${JSON.stringify(host)}`).toBe(400);
        expect(JSON.parse(r.body)).toEqual({ error: expect.any(String), code: "BAD_USER_INPUT" });
        expect(r.body).not.toMatch(/\bat .*\.(js|ts):\d+/);
      }
    }
    for (const host of [
      `localhost:${port}`,
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
      "app.localhost",
      "10.1.2.3",
    ]) {
      expect((await raw(svc.origin, "/health", { host })).status, host).toBe(200);
    }
    for (const host of ["ops.example.com", "a.corp.example:443"]) {
      expect((await raw(svc.origin, "/health", { host })).status, host).toBe(200);
    }
    expect((await raw(svc.origin, "/health", { host: "corp.example.evil" })).status).toBe(403);
    // The WebSocket upgrade passes the same gate, and a page of another origin cannot open a socket.
    expect(await upgrade(svc.wsUrl, { host: "rebind.example" })).toBe(403);
    expect(await upgrade(svc.wsUrl, { host: "a b" })).toBe(400);
    expect(await upgrade(svc.wsUrl, {}, "http://127.0.0.1:9")).toBe(403);
    expect(await upgrade(svc.wsUrl, {}, svc.origin)).toBe("open");
    expect(await upgrade(svc.wsUrl, {})).toBe("open");
  });

  it("sends CORS headers to configured origins only, never echoing another origin with credentials", async () => {
    for (const method of ["OPTIONS", "POST"] as const) {
      const foreign = await fetch(svc.url, {
        method,
        headers: {
          origin: "http://127.0.0.1:9999",
          "access-control-request-method": "POST",
          "content-type": "application/json",
          authorization: `Bearer ${reader}`,
        },
        ...(method === "POST" ? { body: JSON.stringify({ query: "{ activeSessions { id } }" }) } : {}),
      });
      await foreign.arrayBuffer();
      expect(foreign.headers.get("access-control-allow-origin"), method).toBeNull();
      expect(foreign.headers.get("access-control-allow-credentials"), method).toBeNull();
    }
    const allowed = await fetch(svc.url, {
      method: "OPTIONS",
      headers: { origin: "https://ops.example.com", "access-control-request-method": "POST" },
    });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://ops.example.com");
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
  });

  it("embeds the read token only for a browser that opened the sign-in link", async () => {
    const html = { accept: "text/html" };
    const anonymous = await (await fetch(svc.url, { headers: html })).text();
    expect(anonymous).toContain("graphiql");
    expect(anonymous).not.toContain("Bearer eyJ");
    expect(await (await fetch(`${svc.origin}/dashboard`)).text()).not.toContain("session-buddy-token");

    const bad = await fetch(`${svc.origin}/login?key=not-the-key`, { redirect: "manual" });
    expect(bad.status).toBe(403);
    expect(bad.headers.get("set-cookie")).toBeNull();

    const link = loginLink(svc.origin, TEST_SECRET, "/graphql");
    const ok = await fetch(link, { redirect: "manual" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/graphql");
    const cookie = ok.headers.get("set-cookie")!.split(";")[0]!;
    expect(await (await fetch(svc.url, { headers: { ...html, cookie } })).text()).toContain("Bearer eyJ");
    // A forged or expired cookie is no sign-in.
    const forged = cookie.replace(/=\d+\./, "=9999999999.");
    expect(await (await fetch(svc.url, { headers: { ...html, cookie: forged } })).text()).not.toContain(
      "Bearer eyJ",
    );
    // `next` only leads to the service's own pages.
    const away = await fetch(`${link.replace("next=%2Fgraphql", "next=https%3A%2F%2Fevil.example")}`, {
      redirect: "manual",
    });
    expect(away.headers.get("location")).toBe("/dashboard");
    const out = await fetch(`${svc.origin}/logout`);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
  });

  it("locates field errors (path and locations) and says why a token was refused", async () => {
    const missing = await gql(svc.url, "{ activeSessions { id } }");
    expect(missing.body.errors?.[0]).toMatchObject({
      path: ["activeSessions"],
      locations: [{ line: 1, column: 3 }],
      extensions: { code: "UNAUTHENTICATED", reason: "TOKEN_MISSING" },
    });
    const expired = await gql(svc.url, "{ activeSessions { id } }", {}, await token({ ttlSeconds: -60 }));
    expect(expired.body.errors?.[0]?.extensions).toMatchObject({
      code: "UNAUTHENTICATED",
      reason: "TOKEN_EXPIRED",
    });
    const forbidden = await gql(svc.url, "{ x: activeSessions { id } }", {}, writer);
    expect(forbidden.body.errors?.[0]).toMatchObject({ path: ["x"], extensions: { code: "FORBIDDEN" } });
  });

  it("keeps introspection and suggestions for authenticated callers when so configured", async () => {
    const anonymous = await gql(svc.url, INTROSPECT);
    expect(codeOf(anonymous.body)).toBe("BAD_USER_INPUT");
    expect(anonymous.body.errors?.[0]?.message).toMatch(/introspection has been disabled/);
    const authed = await gql(svc.url, INTROSPECT, {}, reader);
    expect(authed.body.data).toEqual({ __schema: { queryType: { name: "Query" } } });

    const hint = await gql(svc.url, TYPO);
    expect(codeOf(hint.body)).toBe("BAD_USER_INPUT");
    expect(hint.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
    expect((await gql(svc.url, TYPO, {}, reader)).body.errors?.[0]?.message).toMatch(
      /Did you mean "sessions"/,
    );
  });

  it("fails one over-limit operation on a socket and keeps the socket's other subscriptions alive", async ({
    defer,
  }) => {
    const ws = await wsConnect(svc.wsUrl, reader);
    defer(() => ws.dispose());
    const c = component("ws");
    const started = collect<{ sessionStarted: { id: string } }>(ws, SUB_STARTED, { c });
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: activeSessionCount`).join(" ");
    const tooMany = collect(ws, `subscription { ${aliases} }`);
    const deep = collect(ws, `subscription { sessionStarted { ${"id ".repeat(6000)} } }`);
    await tooMany.until(1);
    await deep.until(1);
    for (const sub of [tooMany, deep]) {
      const errors = sub.errors[0] as { extensions?: { code?: string } }[];
      expect(errors[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
    // The first subscription still delivers on the same socket.
    const id = uuid();
    const poke = () => gql(svc.url, START, { input: startInput(c, id) }, writer).then(() => undefined);
    await poke();
    expect((await started.when((s) => s.sessionStarted.id === id)).sessionStarted.id).toBe(id);
    started.dispose();
  });

  it("logs a request id, the operation and the actor; a client's mistake at info, never error", async () => {
    const res = await fetch(svc.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-request-id": "trace-123",
        authorization: `Bearer ${writer}`,
      },
      body: JSON.stringify({ query: "query Peek { activeSessions { id } }" }),
    });
    expect(res.headers.get("x-request-id")).toBe("trace-123");
    await res.json();
    const line = log.lines.find((l) => l.reqId === "trace-123" && l.op === "Peek");
    expect(line).toMatchObject({ level: "info", actor: "alice", code: "FORBIDDEN", transport: "http" });
    expect(log.lines.filter((l) => l.level === "error")).toEqual([]);
  });
});

describe("production defaults", () => {
  it("turn anonymous introspection and suggestions off", async ({ dir, serve }) => {
    const svc = await serve({ NODE_ENV: "production", SESSION_BUDDY_DATA_DIR: dir });
    const anonymous = await gql(svc.url, INTROSPECT);
    expect(anonymous.body.errors?.[0]?.message).toMatch(/introspection has been disabled/);
    expect((await gql(svc.url, TYPO)).body.errors?.[0]?.message).not.toMatch(/Did you mean/);
    const authed = await gql(svc.url, INTROSPECT, {}, await readerToken());
    expect(authed.body.data).toEqual({ __schema: { queryType: { name: "Query" } } });
    // No sign-in links outside the embedded local mode.
    expect((await fetch(svc.url.replace("/graphql", "/login?key=x"))).status).toBe(404);
  });
});
