/**
 * Every shell helper behaves, as an operator at a real terminal sees it: arguments checked and refused in
 * the helper's own words, return values echoed as one line, the component fixes (render's directory, the
 * WebSocket URL, a running step not counted as done, a closed run's failed step, workflows read again,
 * validate_config across layers, crack's summary), and short ids that tell sessions apart.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { shortId } from "../contract/short-id.js";
import { seedDatabase } from "../db/seed/main.js";
import { trackChild } from "./children.js";
import { it, useService } from "./fixture.js";
import { backends, eventually, gql, REPO, readerToken, runNode, TEST_SECRET } from "./harness.js";
import { BINS, PtyProcess } from "./pty.js";

const FIXTURES = join(REPO, "test", "fixtures");

/** What an internal failure would look like: a stack frame, or a GraphQL coercion message. */
const INTERNAL = /\n\s+at |String cannot represent|Int cannot represent|Variable "\$/;

describe.each(backends())("shell helpers on %s", (backend) => {
  const svc = useService(backend);
  const env = (dir: string, extra: Record<string, string> = {}) => ({
    SESSION_BUDDY_URL: svc.url,
    SESSION_BUDDY_DATA_DIR: join(dir, "data"),
    SESSION_BUDDY_SECRET: TEST_SECRET,
    ...extra,
  });
  const open = (
    defer: (cleanup: () => unknown) => void,
    bin: keyof typeof BINS,
    dir: string,
    args: string[] = ["shell"],
    extra: Record<string, string> = {},
  ) => {
    const shell = new PtyProcess(BINS[bin], args, env(dir, extra), dir);
    defer(async () => {
      shell.kill("SIGKILL");
      await shell.exited;
    });
    return shell;
  };

  it("refuse bad arguments in their own words, with the forms they accept", async ({ dir, defer }) => {
    const sb = open(defer, "session-buddy", dir);
    const p = /session-buddy> $/;
    await sb.ready(p);
    const answers: string[] = [];
    const ask = async (line: string) => {
      const answer = await sb.type(line, p);
      answers.push(answer);
      return answer;
    };
    expect(await ask("ps('abc')")).toMatch(
      /UsageError: ps\(limit = 20\) — limit must be a whole number from 1 to 1000; got 'abc'/,
    );
    expect(await ask("ps(-3)")).toMatch(/limit must be a whole number from 1 to 1000; got -3/);
    expect(await ask("active(42)")).toMatch(
      /active\(component\?\) — component must be a component name .*; got 42/,
    );
    expect(await ask("quality('x')")).toMatch(/days must be a whole number from 1 to 3650; got 'x'/);
    expect(await ask("insights(1, 2)")).toMatch(/insights\(limit = 10\) — takes at most 1 argument, got 2/);
    // help takes the helper itself as well as its name.
    expect(await ask("help(ps)")).toMatch(
      /ps\(limit = 20\)\s+Recent sessions of every component[\s\S]*limit/,
    );
    expect(await ask("help('active')")).toMatch(/active\(component\?\)\s+Sessions open right now/);
    expect(await ask("help(42)")).toMatch(/help\(name\?\) — name must be a helper, or its name as text/);
    for (const a of answers) expect(a).not.toMatch(INTERNAL);

    const ak = open(defer, "akosha", dir);
    const pa = /akosha> $/;
    await ak.ready(pa);
    const detect = await ak.type("detect('session_duration', 3.5, '90d')", pa);
    expect(detect).toMatch(
      /window must be a duration from 1m to 30d, such as '90s', '15m', '2h' or '7d' \(a number is seconds\); got '90d'/,
    );
    expect(await ak.type("detect('nope')", pa)).toMatch(/metric must be one of 'session_duration', /);
    expect(await ak.type("trends('sessions', '1y')", pa)).toMatch(/window must be a duration .*; got '1y'/);
    expect(await ak.type("graph(undefined, 'planet')", pa)).toMatch(
      /node_type must be one of 'actor', 'component', 'host', 'session'; got 'planet'/,
    );
    expect(await ak.type("aggregate('component', { compnent: 'x' })", pa)).toMatch(/unknown key compnent/);
    expect(ak.output()).not.toMatch(INTERNAL);

    writeFileSync(
      join(dir, "oneiric.yaml"),
      'workflows:\n  release:\n    - { name: hello, run: "echo hello" }\n',
    );
    const mv = open(defer, "mahavishnu", dir);
    const pm = /mahavishnu> $/;
    await mv.ready(pm);
    expect(await mv.type("run()", pm)).toMatch(
      /UsageError: run\(name\) — name is required: the name of a workflow, one of 'release'/,
    );
    expect(await mv.type("run('nope')", pm)).toMatch(/one of 'release'; got 'nope'/);
    expect(await mv.type("top(5)", pm)).toMatch(/top\(\) — takes no arguments, got 1/);
  });

  it("Crackerjack: format_code('false') is refused and rewrites nothing; the text 'false' is not true", async ({
    dir,
    defer,
  }) => {
    const project = join(dir, "broken");
    cpSync(join(FIXTURES, "crackerjack-broken"), project, { recursive: true });
    const messy = readFileSync(join(project, "src", "messy.ts"), "utf8");
    const shell = open(defer, "crackerjack", dir, ["shell", "--project", project]);
    const p = /crackerjack> $/;
    await shell.ready(p);
    expect(await shell.type("format_code('false')", p)).toMatch(
      /UsageError: format_code\(write = false\) — write must be true or false; got 'false'/,
    );
    expect(readFileSync(join(project, "src", "messy.ts"), "utf8")).toBe(messy);
    expect(await shell.type("format_code()", p, 60_000)).toMatch(/format\s+│ FAIL/);
    expect(readFileSync(join(project, "src", "messy.ts"), "utf8")).toBe(messy);
  });

  it("Akosha and Mahavishnu: what a helper returns is echoed as one line, the data kept on it", async ({
    dir,
    defer,
  }) => {
    await seedDatabase(svc.db.database, { sessions: 200, events: 1500, seed: 11, days: 2 });
    const shell = open(defer, "akosha", dir);
    const p = /akosha> $/;
    await shell.ready(p);
    const graph = await shell.type("graph()", p);
    expect(graph).toMatch(/\d+ nodes, \d+ edges, depth 2/);
    expect(graph).toMatch(/graph: \d+ nodes \(.*actor.*\), \d+ edges, depth 2.* — \.nodes and \.edges\n/);
    expect(graph).not.toMatch(/nodes: \[|edges: \[|\{\s*id:/);
    expect(graph.split("\n").length).toBeLessThan(40);
    expect(await shell.type("const g = await graph(); g.nodes.length > 0 && g.edges.length > 0", p)).toMatch(
      /true/,
    );
    const trends = await shell.type("trends()", p);
    expect(trends).toMatch(/sessions over 24h by 1h: [▁▂▃▄▅▆▇█]{24}/);
    expect(trends).toMatch(
      /sessions: 24 points, (flat|up|down), slope .*\/bucket, total \d+ — \.points, \.slope and \.direction/,
    );
    expect(trends).not.toMatch(/bucketStart/);
    expect(await shell.type("(await trends()).points.length", p)).toMatch(/^24$/m);

    writeFileSync(
      join(dir, "oneiric.yaml"),
      'workflows:\n  release:\n    - { name: lint, run: "echo linted" }\n    - { name: test, run: "echo tested" }\n',
    );
    const mv = open(defer, "mahavishnu", dir);
    const pm = /mahavishnu> $/;
    await mv.ready(pm);
    const ran = await mv.type("run('release')", pm);
    expect(ran).toMatch(
      /workflow release succeeded: 2\/2 steps in .*, run [0-9a-f]{8} — \.steps, \.skipped and \.ok\n/,
    );
    expect(ran).not.toMatch(/durationMs|stderrTail/);
    // Durations are whole milliseconds.
    expect(
      await mv.type(
        "const r = await run('release'); r.steps.every((s) => Number.isInteger(s.durationMs))",
        pm,
      ),
    ).toMatch(/true\n/);
  });

  it("FastBlocks: render() writes under the data dir and takes a short id; routes() shows ws:// for the WebSocket", async ({
    dir,
    defer,
  }) => {
    const shell = open(defer, "fastblocks", dir);
    const p = /fastblocks> $/;
    await shell.ready(p);
    const routes = await shell.type("routes()", p);
    expect(routes).toMatch(/WS\s+│ \/graphql\s+│[^│\n]*│ ws:\/\/127\.0\.0\.1:\d+\/graphql/);
    expect(routes).not.toMatch(/WS\s+│[^\n]*http:\/\//);

    const rendered = await shell.type("render()", p);
    expect(rendered).toMatch(/wrote \d report\(s\) to /);
    const reports = join(dir, "data", "reports");
    expect(readdirSync(reports).some((f) => /^session-[0-9a-f-]+\.html$/.test(f))).toBe(true);
    expect(existsSync(join(dir, "reports"))).toBe(false);

    const list = await gql(
      svc.url,
      "{ sessions(first: 1) { edges { node { id } } } }",
      {},
      await readerToken(),
    );
    const id: string = list.body.data!.sessions.edges[0].node.id;
    const out = join(dir, "by-short-id");
    const byShort = await shell.type(`render(${JSON.stringify(shortId(id))}, ${JSON.stringify(out)})`, p);
    expect(byShort).toMatch(/wrote 1 report\(s\)/);
    expect(existsSync(join(out, `session-${id}.html`))).toBe(true);
    expect(await shell.type("render('zz')", p)).toMatch(
      /sessionId must be a session: a full id, a prefix of at least 4 hex digits/,
    );
    expect(await shell.type("render('ffffffff')", p)).toMatch(/no session matches "ffffffff"/);
    expect(shell.output()).not.toMatch(INTERNAL);
  });

  it("Mahavishnu: top() counts only finished steps, sync() names the failed step, new workflows are seen at once", async ({
    dir,
    defer,
  }) => {
    writeFileSync(
      join(dir, "oneiric.yaml"),
      [
        "workflows:",
        "  slow:",
        '    - { name: first, run: "echo first done" }',
        '    - { name: wait, run: "exec sleep 40" }',
        '    - { name: last, run: "echo last" }',
        "",
      ].join("\n"),
    );
    const run: ChildProcess = spawn(process.execPath, [BINS.mahavishnu, "run", "slow"], {
      cwd: dir,
      env: { ...process.env, ...env(dir), NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "ignore"],
    });
    trackChild(run);
    const exited = new Promise((resolve) => run.once("exit", resolve));
    defer(async () => {
      if (run.exitCode === null && run.signalCode === null) run.kill("SIGKILL");
      await exited;
    });

    const shell = open(defer, "mahavishnu", dir);
    const p = /mahavishnu> $/;
    await shell.ready(p);
    // The run's second step is running: one step done of three, and it names the running one.
    const top = await eventually(
      "top() to show the running step",
      () => shell.type("top()", p),
      (t) => /│ wait\s+│/.test(t),
    );
    expect(top).toMatch(/slow\s+│[^│]+│ 1\/3\s+│ wait\s+│/);

    run.kill("SIGKILL");
    await exited;
    expect(await shell.type("sync()", p)).toMatch(/stale runs closed: [1-9]/);
    const ps = await shell.type("ps()", p);
    expect(ps).toMatch(/slow\s+│ abandoned\s+│[^\n]*│ wait\s+│/);

    // A workflow added to the configuration after the shell opened.
    writeFileSync(
      join(dir, "oneiric.yaml"),
      `${readFileSync(join(dir, "oneiric.yaml"), "utf8")}  fresh:\n    - { name: hello, run: "echo fresh hello" }\n`,
    );
    expect(await shell.type("workflows()", p)).toMatch(/fresh\s+│ hello/);
    expect(await shell.type("run('fresh')", p)).toMatch(/fresh hello[\s\S]*workflow fresh succeeded/);
  });

  it("Oneiric: validate_config() reports a bad value in oneiric.yaml even while the environment overrides it", async ({
    dir,
    defer,
  }) => {
    // The shell opens: the environment's port wins over the file's bad one.
    writeFileSync(join(dir, "oneiric.yaml"), 'port: "eighty"\n');
    const shell = open(defer, "oneiric", dir, ["shell"], { SESSION_BUDDY_PORT: "18710" });
    const p = /oneiric> $/;
    await shell.ready(p);
    // Then the file gets a second bad value, one that does apply.
    writeFileSync(join(dir, "oneiric.yaml"), 'port: "eighty"\nlogLevel: loud\n');
    const answer = await shell.type("validate_config()", p);
    expect(answer).toMatch(
      /configuration is invalid: 2 problem\(s\), 1 in values another layer overrides now/,
    );
    expect(answer).toMatch(/✗ port = "eighty" from .*oneiric\.yaml: .* \(overridden by SESSION_BUDDY_PORT\)/);
    expect(answer).toMatch(/✗ logLevel = "loud" from .*oneiric\.yaml: /);
    expect(answer).toMatch(
      /2 problem\(s\) in 1 file\(s\) and the environment — \.problems and \.effective\n/,
    );
  });

  it("crack: skips the scan with nothing to scan, sums up in a table, and names the failing test", async ({
    dir,
  }) => {
    const clean = join(dir, "clean");
    const broken = join(dir, "broken");
    cpSync(join(FIXTURES, "crackerjack-clean"), clean, { recursive: true });
    cpSync(join(FIXTURES, "crackerjack-broken"), broken, { recursive: true });
    const good = await runNode(BINS.crackerjack, ["crack", "--project", clean], env(dir), dir);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/– scan\s+skipped: nothing to scan, package\.json has no dependencies/);
    expect(good.stdout).toMatch(/│ check\s+│ status\s+│ duration\s+│ summary/);
    for (const check of ["format", "lint", "typecheck", "test"])
      expect(good.stdout).toMatch(new RegExp(`│ ${check}\\s+│ passed\\s+│ [\\d.]+ (ms|s)`));
    expect(good.stdout).toMatch(/│ scan\s+│ skipped\s+│/);

    const bad = await runNode(BINS.crackerjack, ["crack", "--project", broken], env(dir), dir);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/✗ test\s+.*fail 1 — failing: adds/);
    expect(bad.stdout).toMatch(/✗ adds — Expected values to be strictly equal: 3 !== 4/);
    expect(bad.stdout).not.toMatch(/duration_ms|failureType|stack: \|-/);
    expect(bad.stdout).toMatch(/│ test\s+│ failed\s+│/);
  });

  it("shows the short id (the last 8 hex digits) of sessions opened together", async ({ dir, defer }) => {
    const shell = open(defer, "session-buddy", dir);
    const p = /session-buddy> $/;
    await shell.ready(p);
    const list = await gql(
      svc.url,
      "{ sessions(first: 5) { edges { node { id } } } }",
      {},
      await readerToken(),
    );
    const ids: string[] = list.body.data!.sessions.edges.map((e: any) => e.node.id);
    const answer = await shell.type("ps(5)", p);
    for (const id of ids) {
      expect(answer).toContain(`│ ${shortId(id)} │`);
      expect(answer).not.toContain(`│ ${id.slice(0, 8)} │`);
    }
  });
});
