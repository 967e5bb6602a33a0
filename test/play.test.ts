/**
 * Playback and asciicast export of a session a real client recorded: `play --no-wait` prints the session
 * as the terminal showed it (commands, outcomes, sensitive mode, the end), `play` in a terminal pauses on
 * Space and stops on Ctrl-C (exit 130), `--from` starts later, and `export --format asciicast` writes a
 * valid asciicast v2 file (header line, event lines in time order) that `asciinema cat` reads back.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { stripVTControlCharacters } from "node:util";
import { spawn } from "@lydell/node-pty";
import { describe, expect } from "vitest";
import { EventKinds, Scopes } from "../contract/enums.js";
import { shortId } from "../contract/short-id.js";
import { testClient } from "./client-kit.js";
import { it, useService } from "./fixture.js";
import { backends, runCli, token } from "./harness.js";
import { BINS, PtyProcess } from "./pty.js";

describe("play and export --format asciicast", () => {
  const svc = useService(backends()[0]!);

  async function recorded(dir: string) {
    const client = await testClient(svc.url, join(dir, "journal"), "alice");
    const s = client.start({ component: "oneiric", shellType: "OneiricShell", hostname: "db-7" });
    await s.started;
    // Time passes before the first command, so a replay has a pause to make (and to pause in).
    await delay(5);
    const a = await s.record({ kind: "command", text: "show_layers('port')" });
    s.complete(a, { durationMs: 4, outcome: "ok" });
    // sensitive() and end_sensitive() are commands that record their mark while they run.
    const enter = await s.record({ kind: "command", text: "sensitive('OPS-9 rotate')" });
    await s.record({
      kind: EventKinds.SENSITIVE_BEGIN,
      text: "OPS-9 rotate",
      payload: { ticketRef: "OPS-9" },
    });
    s.complete(enter, { durationMs: 60_000, outcome: "ok" });
    const b = await s.record({ kind: "command", text: "reveal_setting('nope')" });
    s.complete(b, { durationMs: 2, outcome: "error", errorClass: "UsageError" });
    const leave = await s.record({ kind: "command", text: "end_sensitive()" });
    await s.record({
      kind: EventKinds.SENSITIVE_END,
      text: "OPS-9 rotate",
      payload: { endedBy: "end_sensitive" },
    });
    s.complete(leave, { durationMs: 60_000, outcome: "ok" });
    s.end("EXIT", 0);
    expect((await client.flush()).pending).toBe(0);
    await client.shutdown(0);
    return s.id;
  }

  const envFor = async (dir: string) => ({
    SESSION_BUDDY_URL: svc.url,
    SESSION_BUDDY_DATA_DIR: join(dir, "cli"),
    SESSION_BUDDY_TOKEN: await token({ sub: "rita", scopes: [Scopes.READ, Scopes.AUDIT] }),
    NO_COLOR: "1",
  });

  it("prints the session as it happened, or from a seq on", async ({ dir }) => {
    const id = await recorded(dir);
    const env = await envFor(dir);
    const all = await runCli(["play", shortId(id), "--no-wait"], env);
    expect(all.code, all.stderr).toBe(0);
    const text = all.stdout.replace(/\r/g, "");
    expect(text).toMatch(new RegExp(`── oneiric session ${shortId(id)} by alice on db-7, started `));
    // The mark sensitive() recorded is its output, before its outcome; the prompt after it is the red one.
    expect(text).toMatch(
      /oneiric> show_layers\('port'\)\n✓ 4 ms\noneiric> sensitive\('OPS-9 rotate'\)\n⚠ sensitive mode: OPS-9 rotate\n✓ 1 min 00 s\noneiric\[sensitive\]! /,
    );
    expect(text).toMatch(/oneiric\[sensitive\]! reveal_setting\('nope'\)\n✗ UsageError 2 ms\n/);
    expect(text).toMatch(
      /oneiric\[sensitive\]! end_sensitive\(\)\n✓ sensitive mode ended\n✓ 1 min 00 s\noneiric> \n── session ended: EXIT \(exit 0\) ──\n$/,
    );
    const later = await runCli(["play", shortId(id), "--no-wait", "--from", "4"], env);
    const from3 = later.stdout.replace(/\r/g, "");
    expect(from3).not.toMatch(/show_layers/);
    expect(from3).toMatch(/from seq 4 ──\noneiric\[sensitive\]! reveal_setting/);
    const none = await runCli(["play", shortId(id), "--from", "99"], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/has no event at or after seq 99/);
    const unknown = await runCli(["play", "ffffffff", "--no-wait"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no session matches ffffffff/);
  });

  it("exports every session a filter matches, streamed, as NDJSON, CSV or one JSON array", async ({
    dir,
  }) => {
    const first = await recorded(dir);
    const second = await recorded(dir);
    const env = await envFor(dir);
    const file = join(dir, "all.ndjson");
    const nd = await runCli(
      ["export", "--format", "ndjson", "--component", "oneiric", "--since", "1d", "-o", file],
      env,
    );
    expect(nd.code, nd.stderr).toBe(0);
    const ids = readFileSync(file, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids).toEqual(expect.arrayContaining([first, second]));
    expect(nd.stderr).toMatch(new RegExp(`exported ${ids.length} sessions as ndjson → `));
    const json = await runCli(["export", "--format", "json", "--component", "oneiric", "--limit", "1"], env);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toHaveLength(1);
    const none = await runCli(["export", "--format", "json", "--component", "nothing-here"], env);
    expect(JSON.parse(none.stdout)).toEqual([]);
    const csvOut = await runCli(["export", "--format", "csv", "--component", "oneiric"], env);
    expect(csvOut.stdout.split("\n").length - 2).toBe(ids.length);
    const cast = await runCli(["export", "--format", "asciicast", "--component", "oneiric"], env);
    expect(cast.code).toBe(1);
    expect(cast.stderr).toMatch(/asciicast records one session: give --session/);
  });

  it("pauses on Space and stops on Ctrl-C in a terminal", async ({ dir, defer }) => {
    const id = await recorded(dir);
    // Slowed down so far that the replay waits after its first frame until a key is pressed.
    const player = new PtyProcess(
      BINS["session-buddy"],
      ["play", shortId(id), "--speed", "0.0001"],
      await envFor(dir),
      dir,
    );
    defer(() => player.close());
    await player.waitFor(/oneiric> $/);
    player.write(" ");
    await player.waitFor(/\[paused — Space resumes, Ctrl-C stops\]/);
    player.write(" ");
    player.write("\u0003");
    await player.waitFor(/── stopped ──/);
    expect((await player.exited).exitCode).toBe(130);
    expect(player.output()).not.toMatch(/session ended/);
  });

  it("writes an asciicast v2 recording that asciinema reads", async ({ dir }) => {
    const id = await recorded(dir);
    const file = join(dir, "s.cast");
    const r = await runCli(
      ["export", "--session", id, "--format", "asciicast", "-o", file],
      await envFor(dir),
    );
    expect(r.code, r.stderr).toBe(0);
    const [head, ...rest] = readFileSync(file, "utf8").trimEnd().split("\n");
    const header = JSON.parse(head!);
    expect(header).toMatchObject({
      version: 2,
      width: 120,
      height: 40,
      title: `oneiric session ${shortId(id)} by alice`,
    });
    expect(Number.isInteger(header.timestamp)).toBe(true);
    let last = 0;
    for (const line of rest) {
      const [t, type, data] = JSON.parse(line) as [number, string, string];
      expect(typeof t).toBe("number");
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
      expect(type).toBe("o");
      expect(typeof data).toBe("string");
    }
    expect(rest.length).toBeGreaterThanOrEqual(8);
    // asciinema (Debian's package; .ci/run installs it) reads the file back; it wants a terminal.
    expect(existsSync("/usr/bin/asciinema"), "asciinema is installed").toBe(true);
    const cat = spawn("/usr/bin/asciinema", ["cat", file], { name: "xterm", cols: 120, rows: 40, cwd: dir });
    let shown = "";
    cat.onData((d) => {
      shown += d;
    });
    const code = await new Promise<number>((resolve) => cat.onExit((e) => resolve(e.exitCode)));
    expect(code, shown).toBe(0);
    expect(stripVTControlCharacters(shown)).toMatch(/reveal_setting\('nope'\)/);
    // One session's events as NDJSON (the session first), CSV and JSON.
    const env = await envFor(dir);
    const nd = await runCli(["export", "--session", id, "--format", "ndjson"], env);
    expect(nd.code, nd.stderr).toBe(0);
    const lines = nd.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ record: "session", id, component: "oneiric" });
    expect(lines.slice(1).map((l) => [l.record, l.seq, l.kind])).toEqual([
      ["event", 1, "command"],
      ["event", 2, "command"],
      ["event", 3, "sensitive_begin"],
      ["event", 4, "command"],
      ["event", 5, "command"],
      ["event", 6, "sensitive_end"],
    ]);
    const csvOut = await runCli(["export", "--session", id, "--format", "csv"], env);
    expect(csvOut.stdout.split("\r\n")[0]).toBe("seq,at,kind,text,outcome,durationMs,errorClass,redactions");
    expect(csvOut.stdout).toMatch(/,command,reveal_setting\('nope'\),error,2,UsageError,0\r\n/);
    const json = JSON.parse((await runCli(["export", "--session", id, "--format", "json"], env)).stdout);
    expect(json.events).toHaveLength(6);
    const filtered = await runCli(["export", "--session", id, "--format", "json", "--component", "x"], env);
    expect(filtered.code).toBe(1);
    expect(filtered.stderr).toMatch(/select sessions: not with --session/);
    const both = await runCli(
      ["export", "--session", id, "--format", "asciicast", "--signed"],
      await envFor(dir),
    );
    expect(both.code).toBe(1);
  });
});
