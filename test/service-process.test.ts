import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { it } from "./fixture.js";
import { DIST, gql, runCli, uuid } from "./harness.js";
import { START, startInput } from "./ops.js";

describe("session-buddy serve as a process", () => {
  it("runs on embedded PGlite with a local secret, mints working tokens, and refuses a second owner", async ({
    dir,
    serve,
  }) => {
    const env = { SESSION_BUDDY_DATA_DIR: dir, SESSION_BUDDY_SECRET: undefined };
    const svc = await serve(env);
    const secretFile = join(dir, "local-secret");
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    const cliEnv = { ...env, SESSION_BUDDY_URL: svc.url };
    const writer = await runCli(
      ["token", "--sub", "ops", "--scope", "sessions:write", "--ttl", "10m"],
      cliEnv,
    );
    expect(writer.code).toBe(0);
    const id = uuid();
    const r = await gql(svc.url, START, { input: startInput("oneiric", id) }, writer.stdout.trim());
    expect(r.body.data?.startSession).toMatchObject({ id, actor: "ops" });

    // Read commands mint their own read token from the local secret.
    const listed = await runCli(["list-sessions", "--format", "json"], cliEnv);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).map((s: { id: string }) => s.id)).toEqual([id]);
    const csv = await runCli(["list-sessions", "--format", "csv"], cliEnv);
    expect(csv.stdout.split("\n")[0]).toMatch(/^id,type,component/);

    const second = await runCli(["serve", "--port", "0"], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/in use by process \d+/);

    const health = await fetch(svc.url.replace("/graphql", "/health"));
    expect(health.status).toBe(200);
    await svc.stop();
    expect(svc.child.exitCode).toBe(0);
  });

  it("fails with one clear line per bad setting and exit 1", async () => {
    const r = await runCli(["serve"], { SESSION_BUDDY_PORT: "http", SESSION_BUDDY_CAPTURE: "maybe" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/port = "http" from SESSION_BUDDY_PORT/);
    expect(r.stderr).toMatch(/capture = "maybe" from SESSION_BUDDY_CAPTURE: must be buffered or strict/);
  });

  it("requires a real secret with DATABASE_URL", async () => {
    const r = await runCli(["serve"], {
      DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
      SESSION_BUDDY_SECRET: undefined,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SESSION_BUDDY_SECRET .* or SESSION_BUDDY_JWKS is required/);
  });

  it("keeps running when the database is unreachable, and says why on /ready and in its log", async ({
    serve,
  }) => {
    const service = await serve({
      DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
      SESSION_BUDDY_SECRET: "a-real-secret-of-at-least-32-random-chars-0123",
    });
    const origin = new URL(service.url).origin;
    expect((await fetch(`${origin}/health`)).status).toBe(200);
    const ready = await fetch(`${origin}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: "unavailable",
      databaseError: expect.stringMatching(/cannot reach postgres:\/\/nobody@127\.0\.0\.1:1\/none/),
    });
    expect(service.output()).toMatch(
      /database not ready \(cannot reach postgres:\/\/nobody@127\.0\.0\.1:1\/none/,
    );
    expect(service.output()).not.toMatch(/^\s+at /m);
    expect(service.child.exitCode).toBeNull();
  });

  it("says in one line that the port is busy, with no stack trace", async ({ dir, defer }) => {
    const busy = createServer();
    defer(() => busy.close());
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    {
      const port = String((busy.address() as { port: number }).port);
      const r = await runCli(["serve", "--port", port], { SESSION_BUDDY_DATA_DIR: dir });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n").at(-1)).toMatch(
        new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`),
      );
      expect(r.stderr).not.toMatch(/Internal error|^\s+at /m);
    }
  });

  it("answers bad usage with exit 2 and unreachable services with exit 1", async () => {
    expect((await runCli(["frobnicate"])).code).toBe(2);
    expect((await runCli(["list-sessions", "--limit", "zero"])).code).toBe(2);
    const down = await runCli(["list-sessions"], {
      SESSION_BUDDY_URL: "http://127.0.0.1:9/graphql",
      SESSION_BUDDY_TOKEN: "x.y.z",
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9\/graphql/);
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/list-sessions/);
    // Bad values are bad usage, found before any secret or service is needed.
    for (const args of [
      ["token", "--ttl", "forever"],
      ["token", "--scope", "bogus"],
      ["show-session", "nope"],
      ["buffer"],
      ["completion", "fish"],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).not.toMatch(/^\s+at /m);
    }
  });

  it("shows an example in every command's help and generates completion from the commands", async () => {
    const top = await runCli(["--help"]);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z][a-z-]*)/gm)]
      .map((m) => m[1]!)
      .filter((c) => c !== "help");
    expect(commands).toEqual(expect.arrayContaining(["serve", "token", "watch", "buffer", "completion"]));
    for (const c of [...commands, "buffer status", "buffer replay"]) {
      const r = await runCli([...c.split(" "), "--help"]);
      expect(r.stdout, c).toMatch(/Examples:\n {2}\$ .*npx session-buddy/);
    }
    const bash = await runCli(["completion", "bash"]);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toMatch(/complete -F _session_buddy session-buddy/);
    for (const c of commands) expect(bash.stdout).toContain(c);
    expect((await runCli(["completion", "zsh"])).stdout).toMatch(/^#compdef session-buddy/);
    // A reader that is gone before the output comes (`| true`, as `| head` does) gets no EPIPE stack trace.
    const cli = join(DIST, "cli", "session-buddy.js");
    const piped = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        "/bin/sh",
        ["-c", `"${process.execPath}" "${cli}" completion bash | true; echo "exit $?" >&2`],
        (err, _o, stderr) => resolve({ code: err ? 1 : 0, stderr }),
      );
    });
    expect(piped.stderr.trim()).toBe("exit 0");
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("migrations on Postgres", () => {
  it("are safe when two processes migrate at once", async ({ postgresDatabase, serve }) => {
    const { url } = await postgresDatabase();
    // A fresh, empty database (not the template): drop the cloned tables first.
    const postgres = (await import("postgres")).default;
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    await sql.unsafe(
      "drop schema public cascade; create schema public; drop schema if exists drizzle cascade;",
    );
    await sql.end();
    const env = {
      DATABASE_URL: url,
      SESSION_BUDDY_SECRET: "a-real-secret-of-at-least-32-random-chars-0123",
    };
    const [a, b] = await Promise.all([runCli(["migrate"], env), runCli(["migrate"], env)]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, "", ""]);
    const svc = await serve(env);
    const r = await fetch(svc.url.replace("/graphql", "/ready"));
    expect(await r.json()).toMatchObject({ status: "ready", database: "postgres" });
  });
});
