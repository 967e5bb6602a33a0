import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shortId } from "../contract/short-id.js";
import {
  backends,
  createPostgresDatabase,
  DIST,
  gql,
  readerToken,
  type ServiceProcess,
  spawnService,
  tempDir,
  token,
  uuid,
} from "./harness.js";
import { END, event, RECORD, START, startInput } from "./ops.js";
import { follower } from "./watch-kit.js";

describe.each(backends())("session-buddy watch on %s", (backend) => {
  it("shows starts, commands and ends once each, across a service restart", async () => {
    const dir = tempDir();
    const pg = backend === "postgres" ? await createPostgresDatabase() : undefined;
    const env = { SESSION_BUDDY_DATA_DIR: dir.path, ...(pg ? { DATABASE_URL: pg.url } : {}) };
    let svc: ServiceProcess | undefined = await spawnService(env);
    const port = svc.port;
    const watcher = spawn(process.execPath, [join(DIST, "cli", "session-buddy.js"), "watch"], {
      env: {
        ...process.env,
        NO_COLOR: "1",
        SESSION_BUDDY_URL: svc.url,
        SESSION_BUDDY_TOKEN: await readerToken(),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out = follower(watcher.stdout!);
    const err = follower(watcher.stderr!);
    try {
      await err.waitFor(/watching/, "the feed to connect");
      const writer = await token({ sub: "alice" });
      const c = "watched";
      const s1 = uuid();
      const s2 = uuid();
      await gql(svc.url, START, { input: startInput(c, s1) }, writer);
      await gql(svc.url, RECORD, { events: [event(s1, uuid(), 1, { text: "ps()" })] }, writer);
      await gql(svc.url, END, { input: { id: s1, exitCode: 0 } }, writer);
      await gql(svc.url, START, { input: startInput(c, s2) }, writer);
      await out.waitFor(new RegExp(`start .*${shortId(s2)}`), "s2's start");
      await out.waitFor(/ps\(\)/, "s1's command");

      await svc.stop(true); // SIGKILL: no goodbye to the watcher
      svc = await spawnService(env, port);
      // While the watcher may still be reconnecting: s2 gets a command and ends, s3 starts.
      const s3 = uuid();
      await gql(
        svc.url,
        RECORD,
        { events: [event(s2, uuid(), 1, { text: "deploy('v2')", outcome: "ok", durationMs: 4 })] },
        writer,
      );
      await gql(svc.url, END, { input: { id: s2, endReason: "SIGTERM", exitCode: 143 } }, writer);
      await gql(svc.url, START, { input: startInput(c, s3) }, writer);
      await out.waitFor(new RegExp(`start .*${shortId(s3)}`), "s3's start").catch((e: Error) => {
        throw new Error(`${e.message}\nwatch stderr:\n${err.text()}`);
      });
      await out.waitFor(new RegExp(`end .*${shortId(s2)}.*SIGTERM`), "s2's end");
      await out.waitFor(/deploy\('v2'\)/, "s2's command");

      const lines = out.text().trim().split("\n");
      const count = (re: RegExp) => lines.filter((l) => re.test(l)).length;
      expect(count(new RegExp(`start .*${shortId(s1)}`))).toBe(1);
      expect(count(new RegExp(`end .*${shortId(s1)}`))).toBe(1);
      expect(count(new RegExp(`start .*${shortId(s2)}`))).toBe(1);
      expect(count(new RegExp(`end .*${shortId(s2)}`))).toBe(1);
      expect(count(new RegExp(`start .*${shortId(s3)}`))).toBe(1);
      expect(count(/ps\(\)/)).toBe(1);
      expect(count(/deploy\('v2'\)/)).toBe(1);
      expect(err.text()).toMatch(/reconnected/);
    } finally {
      watcher.kill("SIGTERM");
      await new Promise((r) => (watcher.exitCode !== null ? r(null) : watcher.once("exit", r)));
      await svc?.stop();
      await pg?.drop();
      dir.remove();
    }
  });
});
