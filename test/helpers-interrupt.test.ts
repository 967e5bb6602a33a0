/**
 * Ctrl-C stops a long helper — its child processes included — and gives the prompt back at once; the
 * command is recorded as `interrupted`. A workflow run stops at the running step, exits 130 on SIGINT, and
 * its step never outlives it, not even a `kill -9`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { trackChild } from "./children.js";
import { it, useService } from "./fixture.js";
import { backends, eventually, gql, readerToken, TEST_SECRET } from "./harness.js";
import { BINS, PtyProcess } from "./pty.js";

const SESSIONS = `query($filter: SessionFilter) { sessions(filter: $filter, first: 20) { edges { node {
  id pid status endReason exitCode metadata events { edges { node { kind text outcome payload } } } } } } }`;

/** Alive and not a zombie (a killed child whose parent is gone may linger unreaped in a container). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Resolves once `condition` holds, checking every 25 ms; rejects after `ms` saying what it waited for. */
async function until(what: string, condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A command that writes its pid to `file`, then waits 40 s (a long test suite, a slow step). */
const slowCommand = (file: string) =>
  `node -e "require('fs').writeFileSync('${file}', String(process.pid)); setTimeout(() => console.log('finished'), 40000)"`;

const pidIn = (file: string) => Number(readFileSync(file, "utf8"));

describe.each(backends())("interrupting helpers on %s", (backend) => {
  const svc = useService(backend);
  const env = (dir: string) => ({
    SESSION_BUDDY_URL: svc.url,
    SESSION_BUDDY_DATA_DIR: join(dir, "data"),
    SESSION_BUDDY_SECRET: TEST_SECRET,
  });
  const open = (
    defer: (cleanup: () => unknown) => void,
    bin: keyof typeof BINS,
    args: string[],
    dir: string,
  ) => {
    const shell = new PtyProcess(BINS[bin], args, env(dir), dir);
    defer(async () => {
      shell.kill("SIGKILL");
      await shell.exited;
    });
    return shell;
  };

  it("Crackerjack: Ctrl-C stops test() and its test process, the spinner stops and the prompt is back", async ({
    dir,
    defer,
  }) => {
    const pidFile = join(dir, "suite.pid");
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "slow-suite", private: true, scripts: { test: slowCommand(pidFile) } }),
    );
    const prompt = /crackerjack> $/;
    const shell = open(defer, "crackerjack", ["shell"], dir);
    await shell.ready(prompt);

    shell.since();
    shell.write("test()\r");
    await until("the test suite to start", () => existsSync(pidFile) && readFileSync(pidFile, "utf8") !== "");
    const suite = pidIn(pidFile);
    await shell.waitFor(/⠋|⠙|⠹|⠸|⠼|⠴|⠦|⠧|⠇|⠏/); // the spinner is drawing
    shell.write("\x03");
    // The prompt is back at once: well before the 40 s suite, within a second or two.
    const started = Date.now();
    await shell.waitFor(/Interrupted — test\(\) stopped\.\n+crackerjack> $/, 5000);
    expect(Date.now() - started).toBeLessThan(3000);
    await until("the test process to be stopped", () => !alive(suite), 5000);

    // Nothing more is drawn over the prompt: a command that takes half a second sees no spinner frame.
    shell.since();
    expect(await shell.type("await new Promise((r) => setTimeout(r, 500)), 6 * 7", prompt)).toMatch(/42/);
    const after = shell.since();
    expect(after).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]|finished|FAIL|passed/);

    shell.write(".exit\r");
    await shell.exited;
    const reader = await readerToken();
    const session: any = await eventually(
      "the shell's session to be delivered",
      async () =>
        (await gql(svc.url, SESSIONS, { filter: { component: "crackerjack" } }, reader)).body
          .data!.sessions.edges.map((e: any) => e.node)
          .find(
            (s: any) => s.status === "ENDED" && s.events.edges.some((e: any) => e.node.text === "test()"),
          ),
      Boolean,
    );
    const events = session.events.edges.map((e: { node: any }) => e.node);
    expect(events.find((e: any) => e.kind === "command" && e.text === "test()")).toMatchObject({
      outcome: "interrupted",
    });
    expect(events.find((e: any) => e.kind === "check")).toMatchObject({
      outcome: "interrupted",
      payload: expect.objectContaining({ check: "test" }),
    });
  });

  it("Mahavishnu: Ctrl-C stops run() at the running step; the steps after it never start", async ({
    dir,
    defer,
  }) => {
    const pidFile = join(dir, "step.pid");
    writeFileSync(
      join(dir, "oneiric.yaml"),
      [
        "workflows:",
        "  slow:",
        '    - { name: first, run: "echo first done" }',
        `    - { name: wait, run: ${JSON.stringify(slowCommand(pidFile))} }`,
        '    - { name: never, run: "echo never ran" }',
        "",
      ].join("\n"),
    );
    const prompt = /mahavishnu> $/;
    const shell = open(defer, "mahavishnu", ["shell"], dir);
    await shell.ready(prompt);
    shell.since();
    shell.write("run('slow')\r");
    await until("the step to start", () => existsSync(pidFile) && readFileSync(pidFile, "utf8") !== "");
    const step = pidIn(pidFile);
    shell.write("\x03");
    await shell.waitFor(/Interrupted — run\(\) stopped\.\n+mahavishnu> $/, 5000);
    await until("the step's process to be stopped", () => !alive(step), 5000);
    shell.since();
    expect(await shell.type("await new Promise((r) => setTimeout(r, 500)), 'still here'", prompt)).toMatch(
      /still here/,
    );
    expect(shell.since()).not.toMatch(/never ran|workflow slow/);

    const reader = await readerToken();
    const run: any = await eventually(
      "the interrupted run to end",
      async () =>
        (await gql(svc.url, SESSIONS, { filter: { type: "workflow", component: "mahavishnu" } }, reader)).body
          .data!.sessions.edges.map((e: any) => e.node)
          .find((s: any) => s.metadata.workflow === "slow" && s.status !== "ACTIVE"),
      Boolean,
    );
    expect(run).toMatchObject({ status: "ENDED", endReason: "SIGINT" });
    expect(run.metadata).toMatchObject({ failedStep: "wait" });
    expect(run.events.edges.map((e: any) => [e.node.payload.step, e.node.outcome])).toEqual([
      ["first", "ok"],
      ["wait", "interrupted"],
    ]);
    shell.write(".exit\r");
    await shell.exited;
  });

  describe("mahavishnu run NAME", () => {
    /** `mahavishnu run slow` as a plain child process, resolved once its step has started. */
    async function startRun(dir: string, defer: (cleanup: () => unknown) => void) {
      const pidFile = join(dir, "step.pid");
      writeFileSync(
        join(dir, "oneiric.yaml"),
        `workflows:\n  slow:\n    - { name: wait, run: ${JSON.stringify(slowCommand(pidFile))} }\n    - { name: never, run: "echo never ran" }\n`,
      );
      const child: ChildProcess = spawn(process.execPath, [BINS.mahavishnu, "run", "slow"], {
        cwd: dir,
        env: { ...process.env, ...env(dir), NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      trackChild(child);
      let out = "";
      child.stdout!.on("data", (d) => (out += d));
      child.stderr!.on("data", (d) => (out += d));
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        child.once("exit", (code, signal) => resolve({ code, signal })),
      );
      defer(async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        await exited;
      });
      await until(
        "the step to start",
        () => (existsSync(pidFile) && readFileSync(pidFile, "utf8") !== "") || child.exitCode !== null,
      );
      expect(child.exitCode, out).toBeNull();
      return { child, step: pidIn(pidFile), exited, output: () => out };
    }

    it("exits 130 on SIGINT, with the step stopped and the run ended SIGINT", async ({ dir, defer }) => {
      const run = await startRun(dir, defer);
      run.child.kill("SIGINT");
      const { code } = await run.exited;
      expect(code, run.output()).toBe(130);
      expect(run.output()).toMatch(/interrupted at wait \(SIGINT\)/);
      expect(run.output()).not.toMatch(/never ran/);
      await until("the step's process to be stopped", () => !alive(run.step), 5000);
      const reader = await readerToken();
      const ended: any = await eventually(
        "the run's end",
        async () =>
          (
            await gql(svc.url, SESSIONS, { filter: { type: "workflow", component: "mahavishnu" } }, reader)
          ).body
            .data!.sessions.edges.map((e: any) => e.node)
            .find((s: any) => s.pid === run.child.pid && s.status !== "ACTIVE"),
        Boolean,
      );
      expect(ended).toMatchObject({ status: "ENDED", endReason: "SIGINT", exitCode: 130 });
    });

    it("never leaves its step running when it is killed with -9", async ({ dir, defer }) => {
      const run = await startRun(dir, defer);
      run.child.kill("SIGKILL");
      expect((await run.exited).signal).toBe("SIGKILL");
      // Nothing of the run could react (SIGKILL runs no handler): the step notices its parent is gone.
      await until("the orphaned step to stop", () => !alive(run.step), 10_000);
    });
  });
});
