/**
 * What `session-buddy watch` prints: one line per command, once it completes (with its outcome), the
 * component of every session — also of one that started before the feed did — and short ids; on a
 * terminal, the commands still running in a status line below the feed.
 */
import { join } from "node:path";
import { describe, expect } from "vitest";
import { shortId } from "../contract/short-id.js";
import { it, useService } from "./fixture.js";
import { component, DIST, gql, readerToken, tempDir, token, untilLive, uuid } from "./harness.js";
import { END, event, RECORD, START, startInput } from "./ops.js";
import { PtyProcess } from "./pty.js";
import { spawnWatch, type Watcher } from "./watch-kit.js";

describe("session-buddy watch: lines", () => {
  const svc = useService("pglite");

  async function writerFor() {
    const writer = await token({ sub: "alice" });
    return {
      start: async (c: string, id = uuid()) => {
        const r = await gql(svc.url, START, { input: startInput(c, id) }, writer);
        expect(r.body.errors).toBeUndefined();
        return id;
      },
      record: async (events: Record<string, unknown>[]) => {
        const r = await gql(svc.url, RECORD, { events }, writer);
        expect(r.body.data?.recordEvents).toMatchObject({ rejected: [] });
      },
      end: async (id: string) => {
        const r = await gql(svc.url, END, { input: { id, exitCode: 0 } }, writer);
        expect(r.body.errors).toBeUndefined();
      },
    };
  }

  /** Sends notes until every watcher has printed one: from then on its event feed is live. */
  async function untilFeedsLive(
    api: Awaited<ReturnType<typeof writerFor>>,
    session: string,
    watchers: Watcher[],
  ) {
    let seq = 100;
    let poke = "";
    await untilLive(
      async () => {
        seq += 1;
        poke = `poke-${seq}`;
        await api.record([event(session, uuid(), seq, { kind: "note", text: poke })]);
      },
      () => watchers.every((w) => w.out.text().includes("poke-")),
    );
    return seq;
  }

  it("names the component of a session that started before it, with or without --component", async ({
    defer,
  }) => {
    const api = await writerFor();
    const c = component("early");
    const s = await api.start(c);
    const env = { SESSION_BUDDY_URL: svc.url, SESSION_BUDDY_TOKEN: await readerToken() };
    const filtered = spawnWatch(["--component", c], env);
    const all = spawnWatch([], env);
    defer(() => filtered.stop());
    defer(() => all.stop());
    await filtered.err.waitFor(/^watching /m, "the filtered feed");
    await all.err.waitFor(/^watching /m, "the whole feed");
    const seq = await untilFeedsLive(api, s, [filtered, all]);

    await api.record([event(s, uuid(), seq + 1, { text: "deploy()", outcome: "ok", durationMs: 1500 })]);
    const line = new RegExp(`${c} ${shortId(s)}#${seq + 1} command deploy\\(\\) ✓ 1\\.5 s$`, "m");
    await filtered.out.waitFor(line, "the command, filtered");
    await all.out.waitFor(line, "the command, unfiltered");
    for (const w of [filtered, all]) expect(w.out.text()).not.toMatch(/ \? /);
  });

  it("shows each command once, when it completes, and what never completed when its session ends", async ({
    defer,
  }) => {
    const api = await writerFor();
    const c = component("once");
    const env = { SESSION_BUDDY_URL: svc.url, SESSION_BUDDY_TOKEN: await readerToken() };
    const text = spawnWatch(["--component", c], env);
    const json = spawnWatch(["--component", c, "--format", "json"], env);
    defer(() => text.stop());
    defer(() => json.stop());
    await text.err.waitFor(/^watching /m, "the text feed");
    await json.err.waitFor(/^watching /m, "the json feed");
    const s = await api.start(c);
    await text.out.waitFor(new RegExp(`start .*${shortId(s)}`), "the start");
    const seq = await untilFeedsLive(api, s, [text, json]);

    const slow = uuid();
    const hung = uuid();
    const at = new Date().toISOString();
    await api.record([event(s, slow, seq + 1, { text: "slow()", at })]);
    await api.record([event(s, uuid(), seq + 2, { kind: "note", text: "marker" })]);
    // Both feeds have had the open command: it came before the marker.
    await text.out.waitFor(/note marker/, "the marker");
    await json.out.waitFor(/"marker"/, "the marker (json)");
    expect(text.out.text()).not.toContain("slow()");
    await api.record([
      event(s, slow, seq + 1, { text: "slow()", at, outcome: "error", errorClass: "Boom", durationMs: 2500 }),
    ]);
    await text.out.waitFor(/slow\(\) ✗ Boom 2\.5 s$/m, "the completed command");
    await api.record([event(s, hung, seq + 3, { text: "hang()" })]);
    await api.end(s);
    await text.out.waitFor(new RegExp(`end .*${shortId(s)}`), "the end");
    await json.out.waitFor(/"event":"end"/, "the end (json)");

    expect(text.out.count(/slow\(\)/)).toBe(1);
    expect(text.out.count(/hang\(\) \(no outcome recorded\)$/)).toBe(1);
    const lines = text.out.lines();
    expect(lines.findIndex((l) => l.includes("hang()"))).toBeLessThan(
      lines.findIndex((l) => / end /.test(l)),
    );
    const records = json.out
      .lines()
      .map((l) => JSON.parse(l) as { event: string; data?: { id: string; outcome?: string } });
    expect(records.filter((r) => r.data?.id === slow).map((r) => r.data?.outcome)).toEqual(["error"]);
    expect(records.filter((r) => r.data?.id === hung)).toHaveLength(1);
  });

  it("on a terminal, shows the commands still running in a status line, and Ctrl-C exits 130", async () => {
    const api = await writerFor();
    const c = component("tty");
    const home = tempDir();
    const pty = new PtyProcess(
      join(DIST, "cli", "session-buddy.js"),
      ["watch", "--component", c],
      { SESSION_BUDDY_URL: svc.url, SESSION_BUDDY_TOKEN: await readerToken() },
      home.path,
    );
    try {
      await pty.waitFor(/watching /);
      const s = await api.start(c);
      await pty.waitFor(new RegExp(`start .*${shortId(s)}`));
      let seq = 0;
      await untilLive(
        async () => {
          seq += 1;
          await api.record([event(s, uuid(), seq, { kind: "note", text: `poke-${seq}` })]);
        },
        () => pty.output().includes("poke-"),
      );
      const id = uuid();
      const at = new Date().toISOString();
      await api.record([event(s, id, seq + 1, { text: "sleepy()", at })]);
      await pty.waitFor(new RegExp(`… running: ${c} ${shortId(s)}#${seq + 1} sleepy\\(\\)`));
      await api.record([event(s, id, seq + 1, { text: "sleepy()", at, outcome: "ok", durationMs: 61_000 })]);
      await pty.waitFor(/sleepy\(\) ✓ 1 min 01 s\n/);
      pty.write("\x03");
      expect((await pty.exited).exitCode).toBe(130);
      // One line for good: the status line was drawn and cleared, never printed as a line of its own.
      expect(pty.output().match(/command sleepy\(\)/g)).toHaveLength(1);
    } finally {
      pty.kill("SIGKILL");
      home.remove();
    }
  });
});
