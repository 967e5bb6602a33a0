/**
 * `session-buddy search` as a user runs it: ranked hits over sessions and command text with the match in
 * the snippet, narrowed by component, actor and start time, the session's short id, actor and component on
 * every hit; command text only with audit:read; bad usage exits 2 with one line.
 */

import { describe, expect } from "vitest";
import { Scopes } from "../contract/enums.js";
import { shortId } from "../contract/short-id.js";
import { it, useService } from "./fixture.js";
import { component, gql, readerToken, runCli, token, uuid } from "./harness.js";
import { event, RECORD, START, startInput } from "./ops.js";

const STACK = /^\s+at |UnhandledPromiseRejection/m;

describe("session-buddy search", () => {
  const svc = useService("pglite");

  it("finds commands and sessions, narrows them, and says where each hit is", async () => {
    const c = component("srch");
    const other = component("srchother");
    const alice = await token({ sub: "alice" });
    const bob = await token({ sub: "bob" });
    const sessions: Record<string, string> = {};
    const open = async (name: string, comp: string, writer: string, texts: string[], startedAt?: string) => {
      const id = uuid();
      sessions[name] = id;
      const started = await gql(
        svc.url,
        START,
        { input: startInput(comp, id, startedAt ? { startedAt } : {}) },
        writer,
      );
      expect(started.body.errors).toBeUndefined();
      const events = texts.map((text, i) => event(id, uuid(), i + 1, { text, outcome: "ok", durationMs: 3 }));
      const recorded = await gql(svc.url, RECORD, { events }, writer);
      expect(recorded.body.errors).toBeUndefined();
    };
    await open("aliceRecent", c, alice, ["db.users.count()", "await migrate('zebracorn_2026')"]);
    await open("bobRecent", c, bob, ["flush_caches()", "rotate zebracorn keys now"]);
    await open("otherComp", other, alice, ["zebracorn in another component"]);
    await open(
      "aliceOld",
      c,
      alice,
      ["zebracorn from last month"],
      new Date(Date.now() - 30 * 86_400_000).toISOString(),
    );
    const env = { SESSION_BUDDY_URL: svc.url, SESSION_BUDDY_TOKEN: await readerToken() };

    const all = await runCli(["search", "zebracorn", "--index", "commands", "--format", "json"], env);
    expect(all.code, all.stderr).toBe(0);
    const hits = JSON.parse(all.stdout).hits as {
      sessionId: string;
      index: string;
      snippet: string;
      session: { component: string; actor: string };
    }[];
    expect(new Set(hits.map((h) => h.sessionId))).toEqual(
      new Set([sessions.aliceRecent, sessions.bobRecent, sessions.otherComp, sessions.aliceOld]),
    );
    for (const h of hits) {
      expect(h.index).toBe("COMMANDS");
      expect(h.snippet).toContain("«zebracorn");
    }
    expect(hits.find((h) => h.sessionId === sessions.bobRecent)!.session).toMatchObject({
      component: c,
      actor: "bob",
    });

    const narrowed = await runCli(
      [
        "search",
        "zebracorn",
        "--index",
        "commands",
        "--component",
        c,
        "--actor",
        "alice",
        "--since",
        "7d",
        "--format",
        "json",
      ],
      env,
    );
    expect(narrowed.code, narrowed.stderr).toBe(0);
    expect(JSON.parse(narrowed.stdout).hits.map((h: { sessionId: string }) => h.sessionId)).toEqual([
      sessions.aliceRecent,
    ]);

    // The table: short id, where, component, actor, the snippet with its marks (no terminal: marks kept).
    const table = await runCli(["search", "zebracorn", "--component", c, "--since", "7d"], env);
    expect(table.code, table.stderr).toBe(0);
    const row = table.stdout.split("\n").find((l) => l.includes(shortId(sessions.bobRecent!)))!;
    expect(row).toBeDefined();
    expect(row).toMatch(/command .*bob/);
    expect(row).toContain("«zebracorn»");
    expect(table.stdout).not.toContain(shortId(sessions.aliceOld!));
    expect(table.stdout).not.toContain(shortId(sessions.otherComp!));

    // Sessions by identity: the actor's name is in each session's document.
    const byActor = await runCli(
      ["search", "bob", "--index", "sessions", "--component", c, "--format", "json"],
      env,
    );
    expect(byActor.code, byActor.stderr).toBe(0);
    expect(JSON.parse(byActor.stdout).hits.map((h: { sessionId: string }) => h.sessionId)).toEqual([
      sessions.bobRecent,
    ]);

    const none = await runCli(["search", "nothingmatchesthis"], env);
    expect(none.code).toBe(0);
    expect(none.stdout.trim()).toBe('no match for "nothingmatchesthis"');
  });

  it("keeps command text to audit:read and answers bad usage with one line, exit 2", async () => {
    const noAudit = {
      SESSION_BUDDY_URL: svc.url,
      SESSION_BUDDY_TOKEN: await token({ sub: "r", scopes: [Scopes.READ] }),
    };
    const refused = await runCli(["search", "anything", "--index", "commands"], noAudit);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/audit:read/);
    expect(refused.stderr).not.toMatch(STACK);

    const env = { SESSION_BUDDY_URL: svc.url, SESSION_BUDDY_TOKEN: await readerToken() };
    for (const args of [
      ["search", "x", "--since", "yesterday"],
      ["search", "x", "--limit", "0"],
      ["search", "x", "--index", "everything"],
      ["search"],
    ]) {
      const r = await runCli(args, env);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).not.toMatch(STACK);
    }
  });
});
