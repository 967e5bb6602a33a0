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
    await s.record({
      kind: EventKinds.SENSITIVE_BEGIN,
      text: "OPS-9 rotate",
      payload: { ticketRef: "OPS-9" },
    });
    const b = await s.record({ kind: "command", text: "reveal_setting('nope')" });
    s.complete(b, { durationMs: 2, outcome: "error", errorClass: "UsageError" });
    await s.record({
      kind: EventKinds.SENSITIVE_END,
      text: "OPS-9 rotate",
      payload: { endedBy: "end_sensitive" },
    });
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
    expect(text).toMatch(/oneiric> show_layers\('port'\)\n✓ 4 ms\noneiric> ⚠ sensitive mode: OPS-9 rotate\n/);
    expect(text).toMatch(/oneiric\[sensitive\]! reveal_setting\('nope'\)\n✗ UsageError 2 ms\n/);
    expect(text).toMatch(/✓ sensitive mode ended\noneiric> \n── session ended: EXIT \(exit 0\) ──\n$/);
    const later = await runCli(["play", shortId(id), "--no-wait", "--from", "3"], env);
    const from3 = later.stdout.replace(/\r/g, "");
    expect(from3).not.toMatch(/show_layers/);
    expect(from3).toMatch(/from seq 3 ──\noneiric\[sensitive\]! reveal_setting/);
    const none = await runCli(["play", shortId(id), "--from", "99"], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/has no event at or after seq 99/);
    const unknown = await runCli(["play", "ffffffff", "--no-wait"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no session matches ffffffff/);
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
    const both = await runCli(
      ["export", "--session", id, "--format", "asciicast", "--signed"],
      await envFor(dir),
    );
    expect(both.code).toBe(1);
  });
});
