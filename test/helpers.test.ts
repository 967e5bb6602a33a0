/**
 * The helpers of Mahavishnu, Crackerjack, Akosha and FastBlocks, as an operator uses them: real shells in a
 * terminal and the non-interactive commands, against a real service, on real inputs.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDatabase } from "../db/seed/main.js";
import {
  backends,
  gql,
  REPO,
  readerToken,
  runNode,
  startService,
  TEST_SECRET,
  type TestService,
  tempDir,
} from "./harness.js";
import { BINS, PtyProcess } from "./pty.js";

const FIXTURES = join(REPO, "test", "fixtures");

const run = (bin: string, args: string[], env: Record<string, string>, cwd: string) =>
  runNode(bin, args, env, cwd);

const SESSIONS = `query($filter: SessionFilter) { sessions(filter: $filter, first: 20) { edges { node {
  id type component status endReason exitCode metadata
  events { edges { node { seq kind text outcome durationMs errorClass payload } } } } } } }`;

describe.each(backends())("component helpers on %s", (backend) => {
  let svc: TestService;
  let reader: string;
  const dir = tempDir("helpers-");
  const env = () => ({
    SESSION_BUDDY_URL: svc.url,
    SESSION_BUDDY_DATA_DIR: join(dir.path, "data"),
    SESSION_BUDDY_SECRET: TEST_SECRET,
  });
  beforeAll(async () => {
    svc = await startService(backend);
    reader = await readerToken();
  });
  afterAll(async () => {
    await svc.stop();
    dir.remove();
  });

  it("Mahavishnu runs a workflow, stops at the failing step, and reports it through ps, top, errors and sync", async () => {
    const project = join(dir.path, "mahavishnu");
    mkdirSync(join(project, "sub"), { recursive: true });
    writeFileSync(
      join(project, "oneiric.yaml"),
      [
        "workflows:",
        "  release:",
        '    - { name: lint, run: "echo linting" }',
        '    - { name: build, run: "pwd && echo $BUILD_MODE", cwd: sub, env: { BUILD_MODE: production } }',
        '    - { name: test, run: "echo 3 tests failed >&2; exit 3" }',
        '    - { name: deploy, run: "echo never" }',
        "  slow:",
        '    - { name: wait, run: "sleep 30", timeout: 1 }',
        "",
      ].join("\n"),
    );
    const r = await run(BINS.mahavishnu, ["run", "release"], env(), project);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/production/);
    expect(r.stdout).toMatch(/workflow release failed at test/);
    expect(r.stdout).not.toMatch(/never/);

    const timeout = await run(BINS.mahavishnu, ["run", "slow"], env(), project);
    expect(timeout.code).toBe(1);
    expect(timeout.stdout).toMatch(/timed out after 1s/);

    const unknown = await run(BINS.mahavishnu, ["run", "nope"], env(), project);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no workflow "nope" \(defined: release, slow\)/);

    const got = await gql(
      svc.url,
      SESSIONS,
      { filter: { type: "workflow", component: "mahavishnu" } },
      reader,
    );
    const runs = got.body.data!.sessions.edges.map((e: { node: any }) => e.node);
    const release = runs.find((s: any) => s.metadata.workflow === "release");
    expect(release).toMatchObject({ type: "workflow", status: "ENDED", endReason: "ERROR", exitCode: 1 });
    const steps = release.events.edges.map((e: any) => e.node);
    expect(steps.map((s: any) => [s.kind, s.payload.step, s.outcome])).toEqual([
      ["workflow_step", "lint", "ok"],
      ["workflow_step", "build", "ok"],
      ["workflow_step", "test", "error"],
    ]);
    expect(steps[2].payload).toMatchObject({ exitCode: 3, stderrTail: "3 tests failed\n" });
    expect(steps[2].durationMs).toBeGreaterThan(0);

    const shell = new PtyProcess(BINS.mahavishnu, ["shell"], env(), project);
    try {
      const prompt = /mahavishnu> $/;
      await shell.ready(prompt);
      expect(await shell.type("ps()", prompt)).toMatch(/release\s+│ failed/);
      expect(await shell.type("errors()", prompt)).toMatch(/test\s+│ Exit3\s+│ 3\s+│ 3 tests failed/);
      expect(await shell.type("top()", prompt)).toMatch(/no workflow is running/);
      expect(await shell.type("sync()", prompt)).toMatch(/stale runs closed: 0/);
      const ran = await shell.type("run('release')", prompt);
      expect(ran).toMatch(/workflow release failed at test/);
      expect(ran).toMatch(/workflow release failed at test: 3\/4 steps in .* — \.steps, \.skipped and \.ok/);
      shell.write(".exit\r");
      await shell.exited;
    } finally {
      shell.kill("SIGKILL");
    }
  });

  it("Crackerjack finds the failing test, the lint error and the type error, and passes a clean project", async () => {
    const broken = join(dir.path, "broken");
    const clean = join(dir.path, "clean");
    cpSync(join(FIXTURES, "crackerjack-broken"), broken, { recursive: true });
    cpSync(join(FIXTURES, "crackerjack-clean"), clean, { recursive: true });

    const bad = await run(BINS.crackerjack, ["crack", "--json", "--project", broken], env(), dir.path);
    expect(bad.code).toBe(1);
    const badChecks = Object.fromEntries(JSON.parse(bad.stdout).checks.map((c: any) => [c.name, c]));
    expect(Object.keys(badChecks)).toEqual(["format", "lint", "typecheck", "test", "scan"]);
    for (const name of ["format", "lint", "typecheck", "test"]) expect(badChecks[name].ok, name).toBe(false);
    expect(badChecks.typecheck.summary).toBe("1 type error");
    expect(badChecks.test.summary).toMatch(/fail 1/);

    const good = await run(BINS.crackerjack, ["crack", "--json", "--project", clean], env(), dir.path);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout).checks.every((c: any) => c.ok)).toBe(true);

    const got = await gql(svc.url, SESSIONS, { filter: { type: "cli", component: "crackerjack" } }, reader);
    const sessions = got.body.data!.sessions.edges.map((e: { node: any }) => e.node);
    expect(sessions).toHaveLength(2);
    const failedRun = sessions.find((s: any) => s.endReason === "ERROR");
    const checks = failedRun.events.edges.map((e: any) => e.node);
    expect(checks.map((c: any) => [c.kind, c.payload.check, c.outcome])).toEqual([
      ["check", "format", "error"],
      ["check", "lint", "error"],
      ["check", "typecheck", "error"],
      ["check", "test", "error"],
      ["check", "scan", "ok"],
    ]);

    // The shell on the broken project, with a git hook installed.
    mkdirSync(join(broken, ".git", "hooks"), { recursive: true });
    writeFileSync(join(broken, ".git", "hooks", "pre-commit"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    writeFileSync(join(broken, ".git", "hooks", "pre-push.sample"), "#!/bin/sh\n", { mode: 0o755 });
    const shell = new PtyProcess(BINS.crackerjack, ["shell", "--project", broken], env(), dir.path);
    try {
      const prompt = /crackerjack> $/;
      await shell.ready(prompt);
      expect(await shell.type("show_adapters()", prompt)).toMatch(
        /typecheck\s+│ tsc --noEmit -p tsconfig.json\s+│ tsconfig.json/,
      );
      const hooks = await shell.type("show_hooks()", prompt);
      expect(hooks).toMatch(/pre-commit/);
      expect(hooks).not.toMatch(/pre-push/);
      expect(await shell.type("typecheck()", prompt, 60_000)).toMatch(/typecheck\s+│ FAIL/);
      expect(await shell.type("lint()", prompt, 60_000)).toMatch(/lint\s+│ FAIL/);
      expect(await shell.type("test()", prompt, 60_000)).toMatch(/test\s+│ FAIL/);
      expect(await shell.type(`project(${JSON.stringify(clean)})`, prompt)).toContain(clean);
      const all = await shell.type("crack()", prompt, 120_000);
      expect(all).toMatch(/all checks passed/);
      shell.write(".exit\r");
      await shell.exited;
    } finally {
      shell.kill("SIGKILL");
    }
  });

  it("Akosha aggregates, searches, detects, graphs and charts seeded sessions", async () => {
    await seedDatabase(svc.db.database, { sessions: 300, events: 3000, seed: 7, days: 7 });
    const shell = new PtyProcess(BINS.akosha, ["shell"], env(), dir.path);
    try {
      const prompt = /akosha> $/;
      await shell.ready(prompt);
      const agg = await shell.type("aggregate()", prompt);
      expect(agg).toMatch(/component\s+│ count/);
      expect(agg).toMatch(/crackerjack/);
      expect(await shell.type("aggregate('status,day', { component: 'crackerjack' }, 5)", prompt)).toMatch(
        /ENDED|ABANDONED|ACTIVE/,
      );
      expect(await shell.type("search('deploy')", prompt)).toMatch(/score\s+│ in/);
      expect(await shell.type("detect()", prompt)).toMatch(/anomalies|score/);
      expect(await shell.type("graph()", prompt)).toMatch(/\d+ nodes, \d+ edges/);
      expect(await shell.type("trends()", prompt)).toMatch(/sessions over 24h by 1h: [▁▂▃▄▅▆▇█]{24}/);
      expect(await shell.type("trends('error_rate', '7d', '1d')", prompt)).toMatch(/[▁▂▃▄▅▆▇█]{7}/);
      // Who was at the prompt: this shell's own session at least (a person, or automation under CI).
      expect(await shell.type("aggregate('actor_kind')", prompt)).toMatch(
        /actorKind\s+│ count[\s\S]*(HUMAN|AUTOMATION)/,
      );
      expect(await shell.type("aggregate('nonsense')", prompt)).toMatch(/group by, one or more of/);
      shell.write(".exit\r");
      await shell.exited;
    } finally {
      shell.kill("SIGKILL");
    }
  });

  it("FastBlocks shows the live route table, builds the dashboard, renders reports and says who it is", async () => {
    const shell = new PtyProcess(BINS.fastblocks, ["shell"], env(), dir.path);
    const out = join(dir.path, "web-out");
    try {
      const prompt = /fastblocks> $/;
      await shell.ready(prompt);
      const routes = await shell.type("routes()", prompt);
      expect(routes).toMatch(/\/graphql/);
      expect(routes).toMatch(/\/dashboard/);
      expect(routes).toMatch(/auth secret/);
      const auth = await shell.type("auth", prompt);
      expect(auth).toMatch(/subject: '[^']+'/);
      expect(auth).toMatch(/'sessions:write'/);
      expect(auth).toMatch(/serviceAuthMode: 'secret'/);
      expect(await shell.type(`build(${JSON.stringify(out)})`, prompt, 60_000)).toMatch(/built \d+ files/);
      expect(existsSync(join(out, "index.html"))).toBe(true);
      await shell.type("const marker = 'render-me-please'", prompt);
      const reports = join(dir.path, "reports");
      const rendered = await shell.type(`render(undefined, ${JSON.stringify(reports)})`, prompt);
      expect(rendered).toMatch(/wrote \d report\(s\) to/);
      const file = readdirSync(reports).find((f) => /^session-[0-9a-f-]+\.html$/.test(f));
      expect(file).toBeTruthy();
      const html = readFileSync(join(reports, file!), "utf8");
      expect(html).toMatch(/<!doctype html>/);
      expect(html).toMatch(/Timeline/);
      shell.write(".exit\r");
      await shell.exited;
    } finally {
      shell.kill("SIGKILL");
    }
  });
});
