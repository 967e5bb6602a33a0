import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { it, suiteTokens, type TestResources, useForSuite, useService, useSocket } from "./fixture.js";
import { backends, collect, DIST, gql, REPO, runCli, startService, TEST_SECRET, tempDir } from "./harness.js";
import { BINS, PtyProcess } from "./pty.js";

const { reader } = await suiteTokens();

const VERSION = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).version as string;

const SESSION = `query S($id: ID!) { session(id: $id) { id status type component componentType componentVersion shellType
  adapters username hostname pid endReason exitCode commandCount errorCount
  events { edges { node { seq kind text outcome durationMs redactions } } } } }`;
const SUB_STARTED = `subscription($c: String) { sessionStarted(component: $c) { id component pid } }`;
// Each test waits for its own shell's session (by pid or id): an earlier test's shell may still be ending.
const SUB_ENDED = `subscription($c: String) { sessionEnded(component: $c) { id status endReason exitCode } }`;

type Exit = "dot-exit" | "ctrl-d" | "exit()" | "ctrl-c-twice" | "SIGTERM" | "SIGHUP" | "exception";

const SHELLS: {
  component: keyof typeof BINS;
  shellType: string;
  componentType: string;
  helper: string;
  expect: RegExp;
  exit: Exit;
  reason: string;
  code: number;
}[] = [
  {
    component: "mahavishnu",
    shellType: "MahavishnuShell",
    componentType: "orchestrator",
    helper: "workflows()",
    expect: /release/,
    exit: "dot-exit",
    reason: "EXIT",
    code: 0,
  },
  {
    component: "session-buddy",
    shellType: "SessionBuddyShell",
    componentType: "manager",
    helper: "active()",
    expect: /mahavishnu|session-buddy/,
    exit: "ctrl-d",
    reason: "EXIT",
    code: 0,
  },
  {
    component: "oneiric",
    shellType: "OneiricShell",
    componentType: "foundation",
    helper: "show_layers('url')",
    expect: /env\s+│ SESSION_BUDDY_URL/,
    exit: "exit()",
    reason: "EXIT",
    code: 0,
  },
  {
    component: "crackerjack",
    shellType: "CrackerjackShell",
    componentType: "inspector",
    helper: "show_adapters()",
    expect: /typecheck/,
    exit: "ctrl-c-twice",
    reason: "SIGINT",
    code: 130,
  },
  {
    component: "akosha",
    shellType: "AkoshaShell",
    componentType: "diviner",
    helper: "aggregate()",
    expect: /count/,
    exit: "SIGTERM",
    reason: "SIGTERM",
    code: 143,
  },
  {
    component: "fastblocks",
    shellType: "FastBlocksShell",
    componentType: "builder",
    helper: "routes()",
    expect: /\/graphql/,
    exit: "SIGHUP",
    reason: "SIGHUP",
    code: 129,
  },
];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A shell in a terminal, closed (SIGKILL unless it has exited) after the test. */
function openShell(
  defer: TestResources["defer"],
  component: keyof typeof BINS,
  env: Record<string, string | undefined>,
  cwd: string,
) {
  const shell = new PtyProcess(BINS[component], ["shell"], env, cwd);
  defer(() => shell.close());
  return shell;
}

describe.each(backends())("the six shells on %s", (backend) => {
  const dir = useForSuite(
    async () => {
      const d = tempDir("shells-");
      writeFileSync(
        join(d.path, "oneiric.yaml"),
        'workflows:\n  release:\n    - { name: hello, run: "echo hello" }\n',
      );
      return d;
    },
    (d) => d.remove(),
  );
  const svc = useService(backend, { abandonAfterSeconds: 2, reapIntervalMs: 100 });
  const ws = useSocket(svc, reader);
  const env = () => ({
    SESSION_BUDDY_URL: svc.url,
    SESSION_BUDDY_DATA_DIR: join(dir.path, "data"),
    SESSION_BUDDY_SECRET: TEST_SECRET,
  });
  type Started = { sessionStarted: { id: string; pid: number } };
  type Ended = { sessionEnded: { id: string; status: string; endReason: string; exitCode: number } };
  /** The starts and ends of `c`'s sessions, subscribed until the test is over. */
  const watchSessions = (defer: TestResources["defer"], c: string) => {
    const started = collect<Started>(ws, SUB_STARTED, { c });
    const ended = collect<Ended>(ws, SUB_ENDED, { c });
    defer(() => {
      started.dispose();
      ended.dispose();
    });
    return { started, ended };
  };

  it.for(SHELLS)(
    "$component: tracked from start to $exit, with its helper and commands",
    async (s, { defer }) => {
      const { started, ended } = watchSessions(defer, s.component);
      const prompt = new RegExp(`${s.component}> $`);
      const shell = openShell(defer, s.component, env(), dir.path);
      // The banner shows the state known then; the service is up, so Enabled comes (at once, or just after).
      await shell.ready(prompt);
      const { sessionStarted } = await started.when((x) => x.sessionStarted.pid === shell.pid);
      const id = sessionStarted.id;

      const answer = await shell.type(s.helper, prompt);
      expect(answer).toMatch(s.expect);
      await shell.type("1 + 1", prompt);

      const open = await gql(svc.url, SESSION, { id }, reader);
      expect(open.body.data!.session).toMatchObject({
        status: "ACTIVE",
        type: "admin_shell",
        component: s.component,
        componentType: s.componentType,
        componentVersion: VERSION,
        shellType: s.shellType,
        pid: shell.pid,
      });
      expect(open.body.data!.session.adapters.length).toBeGreaterThan(0);
      expect(open.body.data!.session.username).toBeTruthy();
      expect(open.body.data!.session.hostname).toBeTruthy();

      switch (s.exit) {
        case "dot-exit":
          shell.write(".exit\r");
          break;
        case "ctrl-d":
          shell.write("\x04");
          break;
        case "exit()":
          shell.write("exit()\r");
          break;
        case "ctrl-c-twice":
          shell.write("\x03");
          await shell.waitFor(/press Ctrl\+C again|\(To exit, press/i);
          shell.write("\x03");
          break;
        case "SIGTERM":
          shell.kill("SIGTERM");
          break;
        case "SIGHUP":
          shell.kill("SIGHUP");
          break;
        case "exception":
          shell.write("setTimeout(() => { throw new Error('boom') })\r");
          break;
      }
      const exit = await shell.exited;
      expect(exit.exitCode).toBe(s.code);
      const { sessionEnded } = await ended.when((e) => e.sessionEnded.id === id);
      expect(sessionEnded).toMatchObject({ id, status: "ENDED", endReason: s.reason });
      const closed = await gql(svc.url, SESSION, { id }, reader);
      const session = closed.body.data!.session;
      expect(session).toMatchObject({ status: "ENDED", endReason: s.reason, exitCode: s.code });
      const commands = session.events.edges.map((e: { node: { text: string; outcome: string } }) => e.node);
      expect(commands.map((c: { text: string }) => c.text)).toEqual(
        expect.arrayContaining([s.helper, "1 + 1"]),
      );
      expect(commands.every((c: { outcome: string | null }) => c.outcome === "ok")).toBe(true);
    },
  );

  it("ends with ERROR on an uncaught exception", async ({ defer }) => {
    const { started, ended } = watchSessions(defer, "oneiric");
    const shell = openShell(defer, "oneiric", env(), dir.path);
    await shell.waitFor(/oneiric> $/);
    const { sessionStarted } = await started.when((s) => s.sessionStarted.pid === shell.pid);
    shell.write("setTimeout(() => { throw new Error('boom') }, 0)\r");
    expect((await shell.exited).exitCode).toBe(1);
    const e = await ended.when((x) => x.sessionEnded.id === sessionStarted.id);
    expect(e.sessionEnded).toMatchObject({ status: "ENDED", endReason: "ERROR", exitCode: 1 });
  });

  it("lists every shell's session with list-sessions --type admin_shell", async () => {
    const r = await runCli(["list-sessions", "--type", "admin_shell", "--format", "json", "--limit", "100"], {
      SESSION_BUDDY_URL: svc.url,
      SESSION_BUDDY_TOKEN: reader,
    });
    expect(r.code).toBe(0);
    const components = new Set(JSON.parse(r.stdout).map((s: { component: string }) => s.component));
    for (const s of SHELLS) expect(components).toContain(s.component);
  });

  it("abandons a SIGKILLed shell through the reaper", async ({ defer }) => {
    const { started, ended } = watchSessions(defer, "oneiric");
    const shell = openShell(defer, "oneiric", env(), dir.path);
    await shell.waitFor(/oneiric> $/);
    const { sessionStarted } = await started.when((x) => x.sessionStarted.pid === shell.pid);
    shell.kill("SIGKILL");
    await shell.exited;
    const { sessionEnded } = await ended.when((x) => x.sessionEnded.id === sessionStarted.id);
    expect(sessionEnded).toMatchObject({
      id: sessionStarted.id,
      status: "ABANDONED",
      endReason: "ABANDONED",
    });
  });

  it("never lets a secret typed into a shell reach the service, the journal or the history unmasked", async ({
    defer,
  }) => {
    const started = collect<{ sessionStarted: { id: string; pid: number } }>(ws, SUB_STARTED, {
      c: "oneiric",
    });
    const shell = openShell(defer, "oneiric", env(), dir.path);
    await shell.ready(/oneiric> $/);
    const { sessionStarted } = await started.when((x) => x.sessionStarted.pid === shell.pid);
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcHMifQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";
    await shell.type(`const dsn = "postgres://admin:S3cretPassw0rd@db:5432/app"`, /oneiric> $/);
    await shell.type(`const auth = "Bearer ${jwt}"`, /oneiric> $/);
    await shell.type(`const cfg = { password: "hunter2-very-secret" }`, /oneiric> $/);
    shell.write(".exit\r");
    await shell.exited;
    const got = await gql(svc.url, SESSION, { id: sessionStarted.id }, reader);
    const texts = got.body
      .data!.session.events.edges.map((e: { node: { text: string } }) => e.node.text)
      .join("\n");
    const redactions = got.body.data!.session.events.edges.reduce(
      (n: number, e: { node: { redactions: number } }) => n + e.node.redactions,
      0,
    );
    for (const secret of ["S3cretPassw0rd", jwt, "hunter2-very-secret"]) {
      expect(texts).not.toContain(secret);
    }
    expect(texts).toMatch(/postgres:\/\/admin:\*+@db/);
    expect(redactions).toBeGreaterThanOrEqual(3);
    // Nothing on disk either: journal files and the history.
    const data = join(dir.path, "data");
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d, { withFileTypes: true })) {
        if (f.isDirectory() && f.name !== "db") walk(join(d, f.name));
        else if (f.isFile()) files.push(join(d, f.name));
      }
    };
    if (existsSync(data)) walk(data);
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      expect(text, f).not.toContain("S3cretPassw0rd");
      expect(text, f).not.toContain("hunter2-very-secret");
    }
    started.dispose();
  });
});

describe("a shell while the service is down", () => {
  it("prompts at once, says it is buffering, and delivers its session exactly once when the service is back", async ({
    dir,
    serve,
    defer,
  }) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/graphql`;
    const env = {
      SESSION_BUDDY_URL: url,
      SESSION_BUDDY_DATA_DIR: join(dir, "data"),
      SESSION_BUDDY_SECRET: TEST_SECRET,
    };
    const shell = openShell(defer, "oneiric", env, dir);
    await shell.waitFor(/oneiric> $/);
    expect(shell.output()).toMatch(/◌ Buffering — service unreachable, events will be replayed/);
    await shell.type("show_layers('port')", /oneiric> $/);
    await shell.type("40 + 2", /oneiric> $/);
    shell.write(".exit\r");
    expect((await shell.exited).exitCode).toBe(0);

    await serve({ SESSION_BUDDY_DATA_DIR: join(dir, "svc") }, port);
    const replay = await runCli(["buffer", "replay"], env);
    expect(replay.code, replay.stderr).toBe(0);
    const again = await runCli(["buffer", "replay"], env);
    expect(again.code).toBe(0);
    const list = await runCli(["list-sessions", "--component", "oneiric", "--format", "json"], env);
    const sessions = JSON.parse(list.stdout);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      status: "ENDED",
      endReason: "EXIT",
      commandCount: 2,
      delayed: false,
    });
  });
});

describe("the README's new-component example", () => {
  it("is the file the README shows, and it runs as a tracked shell", async ({ dir, defer }) => {
    const source = readFileSync(join(REPO, "shells", "examples", "inventory.ts"), "utf8");
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    expect(readme).toContain(source.trim());
    const svc = await startService(backends()[0]!);
    defer(() => svc.stop());
    const shell = new PtyProcess(
      join(DIST, "shells", "examples", "inventory.js"),
      [],
      { SESSION_BUDDY_URL: svc.url, SESSION_BUDDY_DATA_DIR: dir, SESSION_BUDDY_SECRET: TEST_SECRET },
      dir,
    );
    defer(() => shell.close());
    await shell.ready(/inventory> $/);
    expect(shell.output()).toMatch(/stock\(sku\)\s+Units in stock for a SKU/);
    expect(await shell.type("stock('ab-1')", /inventory> $/)).toMatch(/units: 28/);
    shell.write(".exit\r");
    expect((await shell.exited).exitCode).toBe(0);
    const list = await gql(
      svc.url,
      `{ sessions(filter: { component: "inventory" }) { edges { node { status shellType commandCount } } } }`,
      {},
      reader,
    );
    expect(list.body.data!.sessions.edges[0].node).toMatchObject({
      status: "ENDED",
      shellType: "InventoryShell",
      commandCount: 1,
    });
  });
});
