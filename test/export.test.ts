import { request as httpRequest, type IncomingMessage } from "node:http";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect } from "vitest";
import type { SeedSession } from "../db/seed/main.js";
import { it, suiteTokens, useDatabase, useService } from "./fixture.js";
import { backends, gql, token } from "./harness.js";
import { durationOf, loadSeed, type Seeded } from "./seed-helpers.js";

const T = new Date("2026-06-03T12:00:00.000Z");
const BULK = 8000;
const BULK_METADATA_CHARS = 8000;

/** RFC 4180 rows (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field || row.length) throw new Error("CSV does not end with CRLF");
  return rows;
}

const byStart = (a: SeedSession, b: SeedSession) =>
  a.startedAt.getTime() - b.startedAt.getTime() || (a.id < b.id ? -1 : 1);

const { reader } = await suiteTokens();

describe.each(backends())("session exports on %s", (backend) => {
  const db = useDatabase(backend);
  let data: Seeded;

  beforeAll(async () => {
    data = await loadSeed(db.database, { sessions: 1500, events: 6000, seed: 3, days: 5, now: T });
    // Bulk rows with ~8 KB of metadata each (64 MB of export), started before the seeded period.
    await db.database.db.execute(sql`
      insert into sessions (id, type, component, status, started_at, ended_at, last_seen_at, end_reason, actor, metadata)
      select gen_random_uuid(), 'bulk', 'bulk', 'ENDED',
        ${new Date(T.getTime() - 30 * 86_400_000).toISOString()}::timestamptz + i * interval '1 second',
        ${new Date(T.getTime() - 30 * 86_400_000).toISOString()}::timestamptz + i * interval '1 second' + interval '1 minute',
        ${new Date(T.getTime() - 30 * 86_400_000).toISOString()}::timestamptz + i * interval '1 second' + interval '1 minute',
        'EXIT', 'loader', jsonb_build_object('blob', repeat(md5(i::text), ${BULK_METADATA_CHARS / 32}))
      from generate_series(1, ${BULK}) i`);
  });
  const svc = useService(backend, { database: db, now: () => T });

  const url = (path: string) => `${svc.origin}${path}`;
  const get = (path: string, bearer: string | null = reader) =>
    fetch(url(path), { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  const exportedRows = async (path: string) => {
    const res = await get(path);
    expect(
      res.status,
      await res
        .clone()
        .text()
        .then((t) => t.slice(0, 300)),
    ).toBe(200);
    const text = await res.text();
    return text === ""
      ? []
      : text
          .trimEnd()
          .split("\n")
          .map((l) => JSON.parse(l));
  };

  it("needs a bearer token with sessions:read", async () => {
    const none = await get("/export/sessions.ndjson", null);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await none.json()).toMatchObject({ code: "UNAUTHENTICATED" });
    expect((await get("/export/sessions.csv", "not-a-token")).status).toBe(401);
    const writer = await token({ sub: "w", scopes: ["sessions:write"] });
    const denied = await get("/export/sessions.csv", writer);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ code: "FORBIDDEN" });
    const admin = await token({ sub: "root", scopes: ["admin"] });
    const ok = await get("/export/sessions.ndjson?limit=1", admin);
    expect(ok.status).toBe(200);
    await ok.text();
    expect((await get("/export/sessions.xml")).status).toBe(404);
    expect((await fetch(url("/export/sessions.csv"), { method: "POST" })).status).toBe(405);
  });

  it("streams every session as NDJSON, oldest first, with the API's field names and values", async () => {
    const res = await get("/export/sessions.ndjson?type=admin_shell");
    expect(res.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="sessions-.*\.ndjson"$/);
    const rows = (await res.text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    const expected = data.sessions.filter((s) => s.type === "admin_shell").sort(byStart);
    expect(rows.map((r) => r.id)).toEqual(expected.map((s) => s.id));
    // The same values the GraphQL API gives for a session.
    const sample = expected[Math.floor(expected.length / 2)]!;
    const viaApi = await gql(
      svc.url,
      `query($id: ID!) { session(id: $id) { id type component componentType componentVersion shellType adapters status
        startedAt endedAt lastSeenAt receivedAt delayed durationSeconds endReason exitCode captureMode actor username
        hostname pid environment metadata commandCount errorCount eventCount } }`,
      { id: sample.id },
      reader,
    );
    expect(rows.find((r) => r.id === sample.id)).toEqual(viaApi.body.data!.session);
  });

  it("streams CSV (RFC 4180) with the same rows", async () => {
    const res = await get("/export/sessions.csv?component=crackerjack");
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const table = parseCsv(await res.text());
    const header = table[0]!;
    expect(header.slice(0, 4)).toEqual(["id", "type", "component", "componentType"]);
    const col = (name: string) => header.indexOf(name);
    const expected = data.sessions.filter((s) => s.component === "crackerjack").sort(byStart);
    expect(table.slice(1).map((r) => r[col("id")])).toEqual(expected.map((s) => s.id));
    const first = expected.find((s) => Object.keys(s.metadata).length > 0)!;
    const row = table.find((r) => r[col("id")] === first.id)!;
    expect(JSON.parse(row[col("metadata")]!)).toEqual(first.metadata);
    expect(row[col("startedAt")]).toBe(first.startedAt.toISOString());
    expect(Number(row[col("durationSeconds")])).toBe(first.endedAt ? durationOf(first) : 0);
  });

  it("applies the SessionFilter fields given as query parameters", async () => {
    const after = new Date(T.getTime() - 2 * 86_400_000);
    const before = new Date(T.getTime() - 86_400_000);
    const cases: [string, (s: SeedSession) => boolean][] = [
      ["component=akosha&status=ENDED", (s) => s.component === "akosha" && s.status === "ENDED"],
      [
        `startedAfter=${after.toISOString()}&startedBefore=${before.toISOString()}`,
        (s) => s.startedAt >= after && s.startedAt < before,
      ],
      ["delayed=true", (s) => s.delayed],
      ["minDurationSeconds=3600", (s) => s.endedAt != null && durationOf(s) >= 3600],
      ["actor=o'brien", (s) => s.actor === "o'brien"],
      ["username=ci&type=cli", (s) => s.username === "ci" && s.type === "cli"],
      [
        "hostname=ci-runner-2&status=ABANDONED",
        (s) => s.hostname === "ci-runner-2" && s.status === "ABANDONED",
      ],
    ];
    for (const [query, pick] of cases) {
      const rows = await exportedRows(`/export/sessions.ndjson?${query.replace("'", "%27")}`);
      const expected = data.sessions.filter(pick).sort(byStart);
      expect(expected.length, query).toBeGreaterThan(0);
      expect(
        rows.map((r) => r.id),
        query,
      ).toEqual(expected.map((s) => s.id));
    }
    const limited = await exportedRows("/export/sessions.ndjson?limit=7&component=bulk");
    expect(limited).toHaveLength(7);
    // Hostile values are values: no match, no error.
    for (const hostile of ["' or '1'='1", "'; drop table sessions; --", '"\\', "%", "_"]) {
      expect(await exportedRows(`/export/sessions.ndjson?component=${encodeURIComponent(hostile)}`)).toEqual(
        [],
      );
    }
  });

  it("answers bad parameters with 400 BAD_USER_INPUT", async () => {
    for (const query of [
      "status=RUNNING",
      "startedAfter=yesterday",
      "limit=0",
      "limit=ten",
      "delayed=maybe",
      "minDurationSeconds=-1",
      "colour=blue",
      `component=${"x".repeat(300)}`,
      "component=a%00b",
    ]) {
      const res = await get(`/export/sessions.csv?${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.json(), query).toMatchObject({ code: "BAD_USER_INPUT" });
    }
  });

  it("holds one page at a time: a reader that stops reading stops the export, and all rows arrive once it reads", async () => {
    const exported = async () => {
      const text = await (await fetch(url("/metrics"))).text();
      const m = /^session_export_rows_total\{format="ndjson"\} (\d+)$/m.exec(text);
      return m ? Number(m[1]) : 0;
    };
    const before = await exported();
    const total = data.sessions.length + BULK;
    const { res, done } = await new Promise<{ res: IncomingMessage; done: Promise<number> }>(
      (resolve, reject) => {
        const req = httpRequest(url("/export/sessions.ndjson"), {
          headers: { authorization: `Bearer ${reader}` },
        });
        req.on("error", reject);
        req.on("response", (r) => {
          r.pause();
          const done = new Promise<number>((ok, fail) => {
            let lines = 0;
            r.on("data", (chunk: Buffer) => {
              for (const b of chunk) if (b === 10) lines++;
            });
            r.on("end", () => ok(lines));
            r.on("error", fail);
          });
          resolve({ res: r, done });
        });
        req.end();
      },
    );
    // Wait until the export stalls (nothing more written for half a second).
    let last = -1;
    for (let stable = 0; stable < 5; ) {
      await new Promise((r) => setTimeout(r, 100));
      const now = await exported();
      stable = now === last ? stable + 1 : 0;
      last = now;
    }
    const stalled = last - before;
    // It got going, then stopped: socket buffers and one page hold a few megabytes, far from the 64 MB of
    // the whole export.
    expect(stalled).toBeGreaterThan(0);
    expect(stalled).toBeLessThan(total / 2);
    res.resume();
    expect(await done).toBe(total);
    expect((await exported()) - before).toBe(total);
  });

  it("stops cleanly when the client goes away, and the next export works", async () => {
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(url("/export/sessions.csv"), {
        headers: { authorization: `Bearer ${reader}` },
      });
      req.on("error", () => resolve());
      req.on("response", (r) => {
        r.once("data", () => {
          req.destroy();
          resolve();
        });
        r.on("error", () => resolve());
      });
      req.on("close", () => resolve());
      req.end();
      setTimeout(() => reject(new Error("no response")), 10_000).unref();
    });
    // Several more exports in a row: no connection or cursor was leaked by the abandoned one.
    for (let i = 0; i < 8; i++) {
      expect(await exportedRows("/export/sessions.ndjson?limit=3")).toHaveLength(3);
    }
    const r = await gql(
      svc.url,
      "query { sessionStats(days: 3650) { component totalSessions } }",
      {},
      reader,
    );
    expect(r.body.errors).toBeUndefined();
  });
});
