/**
 * The CLI's session commands as a user sees them: short ids in tables, `show-session` by id, prefix or
 * short id, durations printed the product's one way, and exit codes (2 for bad usage, 1 for a failure).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { shortId } from "../contract/short-id.js";
import { it, useService } from "./fixture.js";
import { component, gql, readerToken, runCli, token } from "./harness.js";
import { END, RECORD, START, startInput } from "./ops.js";

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const STACK = /^\s+at |UnhandledPromiseRejection/m;

describe("session-buddy session commands", () => {
  const svc = useService("pglite");

  it("finds a session by its id, a unique prefix or its short id, and lists the candidates of an ambiguous one", async () => {
    const writer = await token({ sub: "alice" });
    const env = { SESSION_BUDDY_URL: svc.url, SESSION_BUDDY_TOKEN: await readerToken() };
    // Two sessions whose ids share their first 16 hex digits, as v7 ids started together do.
    const head = `${hex(4)}-${hex(2)}-7${hex(2).slice(1)}`;
    const a = `${head}-8${hex(2).slice(1)}-${hex(6)}`;
    const b = `${head}-9${hex(2).slice(1)}-${hex(6)}`;
    const c = component("ref");
    for (const id of [a, b]) {
      const r = await gql(svc.url, START, { input: startInput(c, id) }, writer);
      expect(r.body.errors).toBeUndefined();
    }

    for (const ref of [a, a.toUpperCase(), a.replace(/-/g, ""), shortId(a), a.slice(0, 21)]) {
      const shown = await runCli(["show-session", ref, "--format", "json"], env);
      expect(shown.code, ref).toBe(0);
      expect(JSON.parse(shown.stdout).id, ref).toBe(a);
    }
    const table = await runCli(["show-session", shortId(b)], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`${b} (${shortId(b)})`);
    expect(table.stdout).toMatch(/^viewed by\s+—$/m);
    // Once its text was shown (by this very command), the reader is named.
    const typed = {
      eventId: randomUUID(),
      sessionId: b,
      seq: 1,
      kind: "command",
      at: new Date().toISOString(),
      text: "ps()",
    };
    expect((await gql(svc.url, RECORD, { events: [typed] }, writer)).body.errors).toBeUndefined();
    const read = await runCli(["show-session", shortId(b)], env);
    expect(read.stdout).toMatch(/^viewed by\s+reader \(1 event, last .+\)$/m);

    const ambiguous = await runCli(["show-session", head.slice(0, 8)], env);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain(shortId(a));
    expect(ambiguous.stderr).toContain(shortId(b));
    expect(ambiguous.stderr.trim().split("\n").at(-1)).toBe(
      `session-buddy: error: ${head.slice(0, 8)} matches 2 sessions: give more digits or the full id`,
    );
    expect(ambiguous.stdout).toBe("");

    const missing = `${hex(4)}`;
    const none = await runCli(["show-session", missing], env);
    expect(none.code).toBe(1);
    expect(none.stderr.trim()).toBe(`session-buddy: error: no session matches ${missing}`);

    const bad = await runCli(["show-session", "nope"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/prefix of at least 4 hex digits .* short id/);
    expect(bad.stderr).not.toMatch(STACK);
  });

  it("lists sessions with their short ids and durations that never show 60 s", async () => {
    const writer = await token({ sub: "alice" });
    const env = { SESSION_BUDDY_URL: svc.url, SESSION_BUDDY_TOKEN: await readerToken() };
    const c = component("dur");
    const id = `${hex(4)}-${hex(2)}-7${hex(2).slice(1)}-8${hex(2).slice(1)}-${hex(6)}`;
    const startedAt = new Date(Date.now() - 3_600_000).toISOString();
    const endedAt = new Date(Date.parse(startedAt) + 179_999).toISOString();
    expect(
      (await gql(svc.url, START, { input: startInput(c, id, { startedAt }) }, writer)).body.errors,
    ).toBeUndefined();
    expect((await gql(svc.url, END, { input: { id, endedAt } }, writer)).body.errors).toBeUndefined();

    const listed = await runCli(["list-sessions", "--component", c], env);
    expect(listed.code).toBe(0);
    const row = listed.stdout.split("\n").find((l) => l.includes(shortId(id)))!;
    expect(row).toBeDefined();
    expect(row).not.toContain(id);
    expect(row).toContain("3 min 00 s");
    expect(listed.stdout).not.toMatch(/\d+m60s|60\.0 s/);
    // Machine formats keep the whole id and the raw seconds.
    const csv = await runCli(["list-sessions", "--component", c, "--format", "csv"], env);
    expect(csv.stdout).toContain(id);
    const shown = await runCli(["show-session", shortId(id)], env);
    expect(shown.stdout).toMatch(/duration\s+3 min 00 s/);
    // The record's completeness: shown, and a filter of the list.
    expect(shown.stdout).toMatch(/record\s+complete \(no gaps; not hash-chained\)/);
    const complete = await runCli(["list-sessions", "--component", c, "--completeness", "COMPLETE"], env);
    expect(complete.stdout).toContain(shortId(id));
    const gapped = await runCli(["list-sessions", "--component", c, "--completeness", "GAPPED"], env);
    expect(gapped.stdout).not.toContain(shortId(id));
    const stats = await runCli(["stats", "--days", "1"], env);
    expect(stats.stdout.split("\n").find((l) => l.includes(c))).toContain("3 min 00 s");
  });

  it("answers bad usage with exit 2 and the command's help, without a stack trace", async () => {
    const cases: [string[], RegExp][] = [
      [["token", "--ttl", "forever"], /option '--ttl <duration>' argument 'forever' is invalid/],
      [["token", "--scope", "bogus"], /unknown scope bogus \(known: /],
      [["show-session", "nope"], /value 'nope' is invalid for argument 'id'/],
      [["buffer"], /Usage: session-buddy buffer[\s\S]*status[\s\S]*replay/],
      [["watch", "--format", "xml"], /argument 'xml' is invalid/],
    ];
    for (const [args, said] of cases) {
      const r = await runCli(args, { SESSION_BUDDY_URL: "http://127.0.0.1:9/graphql" });
      expect(r.code, args.join(" ")).toBe(2);
      expect(`${r.stdout}${r.stderr}`, args.join(" ")).toMatch(said);
      expect(r.stderr, args.join(" ")).not.toMatch(STACK);
    }
  });
});
