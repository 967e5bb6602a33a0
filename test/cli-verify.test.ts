/**
 * `session-buddy export --signed` and `session-buddy verify` as a user runs them: real processes against a
 * real service, a bundle written to disk and checked offline, the whole store checked through the
 * service, a tampered store named line by line, and every wrong input answered with one clear line.
 */
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSigningKey } from "../api/trust/signing-key.js";
import { Scopes } from "../contract/enums.js";
import { testClient } from "./client-kit.js";
import { component, runCli, startService, type TestService, tempDir, token } from "./harness.js";

describe("export --signed and verify, run as processes", () => {
  const dir = tempDir("sb-cli-verify-");
  let svc: TestService;
  let env: Record<string, string>;
  let session: string;
  let jwksFile: string;

  beforeAll(async () => {
    const signingKey = await loadSigningKey({
      configured: undefined,
      defaultPath: join(dir.path, "key.jwk"),
    });
    svc = await startService("pglite", { app: { signingKey, checkpointIntervalSeconds: 3600 } });
    const client = await testClient(svc.url, join(dir.path, "journal"));
    const s = client.start({ component: component("verify"), shellType: "TestShell" });
    await s.started;
    for (const text of ["users.count()", "users.purge(42)"]) {
      const r = await s.record({ kind: "command", text });
      s.complete(r, { durationMs: 5, outcome: "ok" });
    }
    s.end("EXIT", 0);
    expect((await client.flush()).pending).toBe(0);
    await client.shutdown(0);
    session = s.id;
    await svc.app.checkpointer!.run();
    jwksFile = join(dir.path, "jwks.json");
    writeFileSync(jwksFile, JSON.stringify(signingKey.jwks));
    env = {
      SESSION_BUDDY_URL: svc.url,
      SESSION_BUDDY_TOKEN: await token({ sub: "auditor", scopes: [Scopes.READ, Scopes.AUDIT] }),
      SESSION_BUDDY_DATA_DIR: join(dir.path, "cli"),
    };
  });
  afterAll(async () => {
    await svc?.stop();
    dir.remove();
  });

  it("writes a bundle (mode 0600) that verifies offline with the service's keys, and the store verifies clean", async () => {
    const file = join(dir.path, "session.bundle.json");
    const exported = await runCli(["export", "--signed", "--session", session.slice(-8), "-o", file], env);
    expect(exported).toMatchObject({ code: 0, stdout: "" });
    expect(exported.stderr).toMatch(/2 events, 4 inclusion proofs, 1 checkpoint → /);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const offline = await runCli(["verify", file, "--key", jwksFile], {});
    expect(offline).toMatchObject({ code: 0, stdout: "" });
    expect(offline.stderr).toMatch(/^intact: bundle .*\(1 checkpoint, 1 session, 2 events\)$/m);
    const ownKeys = await runCli(["verify", file], {});
    expect(ownKeys.code).toBe(0);
    expect(ownKeys.stderr).toMatch(/note: checked against the keys the bundle carries/);

    const all = await runCli(["verify", "--all"], env);
    expect(all).toMatchObject({ code: 0, stdout: "" });
    expect(all.stderr).toMatch(/intact: the whole trail \(1 checkpoint, 1 session, 2 events\)/);
    const witness = join(dir.path, "checkpoints.json");
    writeFileSync(witness, await (await fetch(new URL("/checkpoints", svc.url))).text());
    const witnessed = await runCli(["verify", "--all", "--witness", witness], env);
    expect(witnessed).toMatchObject({ code: 0, stdout: "" });
    const json = await runCli(
      ["verify", "--all", "--since", "1d", "--format", "json", "--key", jwksFile],
      env,
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ intact: true, problems: [] });
  });

  it("names what was altered in the store, one line per problem, and exits 1", async () => {
    const file = join(dir.path, "before.bundle.json");
    expect((await runCli(["export", "--signed", "--session", session, "-o", file], env)).code).toBe(0);
    const db = svc.db.database.db;
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table session_events disable trigger user`);
      await tx.execute(
        sql`update session_events set text = 'users.count()' where session_id = ${session}::uuid and seq = 2`,
      );
      await tx.execute(sql`alter table session_events enable trigger user`);
    });
    const all = await runCli(["verify", "--all"], env);
    expect(all.code).toBe(1);
    expect(all.stdout.trim().split("\n")).toEqual([
      `session ${session} seq 2: its content (text, time, kind, seq or payload) does not match its hash: altered after capture`,
    ]);
    expect(all.stderr).toMatch(/1 problem in the whole trail/);
    // The bundle exported before still verifies: it is the record as it was signed.
    expect((await runCli(["verify", file, "--key", jwksFile], {})).code).toBe(0);
    const after = join(dir.path, "after.bundle.json");
    expect((await runCli(["export", "--signed", "--session", session, "-o", after], env)).code).toBe(0);
    const offline = await runCli(["verify", after, "--key", jwksFile, "--format", "json"], {});
    expect(offline.code).toBe(1);
    const report = JSON.parse(offline.stdout);
    expect(report.intact).toBe(false);
    expect(report.problems.map((p: { line: string }) => p.line)).toContain(
      `checkpoint 1 session ${session} seq 2: the event is not what checkpoint 1 signed: altered after signing`,
    );
  });

  it("answers wrong input and a service it cannot use with one clear line", async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [["verify"], {}, /give a bundle FILE, or --all/],
      [["verify", join(dir.path, "nope.json")], {}, /cannot read bundle .*nope\.json: ENOENT/],
      [["verify", jwksFile], {}, /^bundle: not a Session-Buddy bundle/m],
      [["verify", jwksFile, "--key", join(dir.path, "key.jwk")], {}, /is not a JSON Web Key Set/],
      [["verify", "--since", "7d", jwksFile], {}, /--since goes with --all/],
      [["verify", jwksFile, "--witness", jwksFile], {}, /--witness goes with --all/],
      [["verify", "--all", "--witness", jwksFile], env, /holds no checkpoints/],
      [["export", "--session", session], env, /add --signed/],
      [["export", "--signed", "--session", "0000000000ff"], env, /no session matches 0000000000ff/],
      [
        ["verify", "--all"],
        { ...env, SESSION_BUDDY_URL: "http://127.0.0.1:9/graphql" },
        /cannot reach http:\/\/127\.0\.0\.1:9/,
      ],
    ];
    for (const [args, e, message] of cases) {
      const r = await runCli(args, e);
      expect(r.code, args.join(" ")).toBe(1);
      expect(`${r.stdout}${r.stderr}`, args.join(" ")).toMatch(message);
      expect(r.stderr, args.join(" ")).not.toMatch(/\n\s+at /);
    }
    // The routes behind them, asked wrongly: a clear status and body, never a 500.
    const auditor = env.SESSION_BUDDY_TOKEN!;
    const ask = async (path: string, bearer?: string) => {
      const res = await fetch(
        new URL(path, svc.url),
        bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {},
      );
      return { status: res.status, body: (await res.json()) as { code?: string } };
    };
    expect(await ask("/trail.ndjson")).toMatchObject({ status: 401, body: { code: "UNAUTHENTICATED" } });
    expect(await ask("/trail.ndjson", "not.a.token")).toMatchObject({
      status: 401,
      body: { code: "UNAUTHENTICATED" },
    });
    expect(await ask("/trail.ndjson?since=yesterday", auditor)).toMatchObject({
      status: 400,
      body: { code: "BAD_USER_INPUT" },
    });
    expect(await ask("/trail.ndjson?limit=5", auditor)).toMatchObject({
      status: 400,
      body: { code: "BAD_USER_INPUT" },
    });
    expect(await ask("/trail/sessions/nope", auditor)).toMatchObject({
      status: 400,
      body: { code: "BAD_USER_INPUT" },
    });
    expect(await ask("/trail/sessions/%zz", auditor)).toMatchObject({
      status: 400,
      body: { code: "BAD_USER_INPUT" },
    });
    expect(
      await ask(`/trail/sessions/${"0".repeat(8)}-0000-7000-8000-${"0".repeat(12)}`, auditor),
    ).toMatchObject({
      status: 404,
      body: { code: "NOT_FOUND" },
    });
    const reader = { ...env, SESSION_BUDDY_TOKEN: await token({ sub: "r", scopes: [Scopes.READ] }) };
    const refused = await runCli(["verify", "--all"], reader);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /the trail carries command text: it needs the audit:read scope \[FORBIDDEN\]/,
    );
  });
});
