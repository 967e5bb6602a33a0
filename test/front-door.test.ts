/**
 * The front door of ops/haproxy/haproxy.cfg (what docker-compose.yml runs), with Debian's haproxy in front
 * of two replicas (real processes) over Postgres and Redis: a client recording through it and a `watch`
 * following through it keep working while one replica is killed, and nothing is lost or repeated.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { shortId } from "../contract/short-id.js";
import { trackChild } from "./children.js";
import { freePort, storedSession, testClient } from "./client-kit.js";
import { it } from "./fixture.js";
import { eventually, REPO, readerToken } from "./harness.js";
import { spawnWatch } from "./watch-kit.js";

const HAPROXY = "/usr/sbin/haproxy";

describe.runIf(process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL)(
  "the front door (HAProxy) in front of two replicas",
  () => {
    it("keeps a client and a watch working while one replica is killed", async ({
      postgresDatabase,
      serve,
      defer,
      dir,
    }) => {
      expect(existsSync(HAPROXY), "haproxy is installed (Debian package haproxy; .ci/run installs it)").toBe(
        true,
      );
      const pg = await postgresDatabase();
      const env = {
        DATABASE_URL: pg.url,
        REDIS_URL: process.env.TEST_REDIS_URL,
        SESSION_BUDDY_REDIS_PREFIX: `front-${randomBytes(4).toString("hex")}:`,
      };
      const replicas = [await serve(env), await serve(env)];
      const port = await freePort();
      const proxy: ChildProcess = spawn(HAPROXY, ["-db", "-f", join(REPO, "ops", "haproxy", "haproxy.cfg")], {
        env: {
          PATH: process.env.PATH,
          SB_FRONT_BIND: `127.0.0.1:${port}`,
          SB_REPLICA_1: `127.0.0.1:${replicas[0]!.port}`,
          SB_REPLICA_2: `127.0.0.1:${replicas[1]!.port}`,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      trackChild(proxy);
      let proxyLog = "";
      proxy.stdout!.on("data", (d: Buffer) => (proxyLog += d.toString()));
      proxy.stderr!.on("data", (d: Buffer) => (proxyLog += d.toString()));
      const proxyExited = new Promise<void>((r) => proxy.once("exit", () => r()));
      defer(async () => {
        if (proxy.exitCode === null && proxy.signalCode === null) proxy.kill("SIGKILL");
        await proxyExited;
      });
      const front = `http://127.0.0.1:${port}`;
      // Both replicas healthy behind the door (its checks run every 500 ms).
      await eventually(
        "the front door to answer /ready",
        () =>
          fetch(`${front}/ready`).then(
            (r) => r.status,
            () => 0,
          ),
        (status) => status === 200,
      );

      const component = `front${randomBytes(3).toString("hex")}`;
      const reader = await readerToken("oncall");
      const watch = spawnWatch(["--component", component], {
        SESSION_BUDDY_URL: `${front}/graphql`,
        SESSION_BUDDY_TOKEN: reader,
      });
      defer(() => watch.stop());
      await watch.err.waitFor(/watching/, "the feed to connect");

      const client = await testClient(`${front}/graphql`, join(dir, "journal"));
      defer(() => client.shutdown(0));
      const s = client.start({ component, shellType: "TestShell" });
      await s.started;
      const commands = async (from: number, to: number) => {
        for (let i = from; i < to; i++) {
          const r = await s.record({ kind: "command", text: `step(${i})` });
          s.complete(r, { durationMs: 1, outcome: "ok" });
        }
        expect((await client.flush()).pending).toBe(0);
      };
      await commands(0, 5);
      await watch.out.waitFor(/step\(4\)/, "the commands before the kill");

      await replicas[0]!.stop(true);
      await commands(5, 10);
      s.end("EXIT", 0);
      expect((await client.flush()).pending).toBe(0);
      await watch.out.waitFor(/step\(9\)/, "the commands after the kill");
      await watch.out.waitFor(new RegExp(`end .*${shortId(s.id)}`), "the end");

      const stored = await storedSession(`${front}/graphql`, s.id);
      expect(stored).toMatchObject({ status: "ENDED", completeness: "COMPLETE", commandCount: 10 });
      expect(stored!.events.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
      for (let i = 0; i < 10; i++)
        expect(watch.out.count(new RegExp(`step\\(${i}\\)`)), `step(${i}) in the watch`).toBe(1);
      expect(proxyLog).not.toMatch(/\[ALERT\]/);
    });
  },
);
