/**
 * AdminShell driven the way an operator drives it: a real REPL process in a pseudo-terminal (piped stdin
 * does not wait for top-level await, and Ctrl-C/Ctrl-D only mean something to a terminal).
 *
 * The shell under test is the compiled demo shell (dist/shells/test-support/demo-shell.js: shells start
 * from compiled JS, not a TypeScript loader), recording through the test-only FileRecorder so each test can
 * read back exactly what the shell reported. `npm test` builds first.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { type IPty, spawn } from "@lydell/node-pty";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { FileRecorder, type RecorderLine } from "../test-support/file-recorder.js";
import { AdminShell, type AdminShellOptions } from "./admin-shell.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DEMO = join(ROOT, "dist/shells/test-support/demo-shell.js");
const SOURCES = [
  "shells/core/admin-shell.ts",
  "shells/core/redact.ts",
  "shells/core/table.ts",
  "shells/test-support/demo-shell.ts",
  "shells/test-support/file-recorder.ts",
];
const PROMPT = /demo> $/;

beforeAll(() => {
  if (!existsSync(DEMO)) {
    throw new Error(`${DEMO} is missing: build first (npx tsc -p tsconfig.build.json, or npm test)`);
  }
  const built = statSync(DEMO).mtimeMs;
  const stale = SOURCES.filter((file) => statSync(join(ROOT, file)).mtimeMs > built);
  if (stale.length > 0) {
    throw new Error(`dist/ is older than ${stale.join(", ")}: rebuild (npx tsc -p tsconfig.build.json)`);
  }
});

// ---------------------------------------------------------------------------------------------------------
// A shell in a pseudo-terminal
// ---------------------------------------------------------------------------------------------------------

interface Exit {
  exitCode: number;
  signal?: number;
}

class PtyShell {
  readonly dir = mkdtempSync(join(tmpdir(), "admin-shell-"));
  readonly recordFile = join(this.dir, "records.jsonl");
  readonly dataDir = join(this.dir, "data");
  readonly exited: Promise<Exit>;
  exitedAt: number | undefined;
  private readonly pty: IPty;
  private text = "";
  /** Output as the terminal received it, escape sequences included. */
  raw = "";
  private carry = "";
  private cursor = 0;
  private listeners = new Set<() => void>();
  private alive = true;

  constructor(env: Record<string, string> = {}) {
    this.pty = spawn(process.execPath, [DEMO], {
      name: "xterm-256color",
      cols: 140,
      rows: 50,
      cwd: this.dir,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: this.dir,
        ...(env.FORCE_COLOR ? {} : { NO_COLOR: "1" }),
        DEMO_RECORD_FILE: this.recordFile,
        DEMO_DATA_DIR: this.dataDir,
        ...env,
      },
    });
    this.pty.onData((data) => {
      this.raw += data;
      // Hold back an escape sequence cut in two by the chunking, so stripping never leaves half of one.
      const raw = this.carry + data;
      // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is exactly what is looked for.
      const partial = /\x1b(?:\[[0-9;?]*)?$/.exec(raw);
      this.carry = partial ? partial[0] : "";
      this.text += stripVTControlCharacters(partial ? raw.slice(0, partial.index) : raw);
      for (const listener of [...this.listeners]) listener();
    });
    this.exited = new Promise((resolve) => {
      this.pty.onExit((exit) => {
        this.alive = false;
        this.exitedAt = performance.now();
        for (const listener of [...this.listeners]) listener();
        resolve(exit);
      });
    });
  }

  get pid(): number {
    return this.pty.pid;
  }

  /** Everything printed so far, escape sequences removed. */
  get output(): string {
    return this.text;
  }

  /**
   * Resolves with the first match of `pattern` in output not consumed by an earlier waitFor, as soon as the
   * data arrives; rejects after `timeoutMs`, or when the shell exits without printing it.
   */
  waitFor(pattern: RegExp, timeoutMs = 5000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(this.text.slice(this.cursor));
        if (match) {
          this.cursor += match.index + match[0].length;
          finish();
          resolve(match);
        } else if (!this.alive) {
          finish();
          reject(
            new Error(`shell exited before printing ${pattern}; output:\n${this.text.slice(this.cursor)}`),
          );
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(`timed out waiting for ${pattern}; unread output:\n${this.text.slice(this.cursor)}`),
        );
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Waits for the prompt (after the banner or the previous command). */
  prompt(): Promise<RegExpExecArray> {
    return this.waitFor(PROMPT);
  }

  type(text: string): void {
    this.pty.write(text);
  }

  /** Types a line and waits for its echo, so what follows is the command's own output. */
  async run(line: string): Promise<void> {
    this.type(`${line}\r`);
    await this.waitFor(new RegExp(`${escapeRegExp(line)}\\r*\\n`));
  }

  signal(signal: NodeJS.Signals): void {
    process.kill(this.pty.pid, signal);
  }

  /** Closes the terminal, as closing the window or losing the ssh connection does. */
  hangUp(): void {
    // destroy() closes the terminal's master side (missing from node-pty's typings, present at runtime).
    (this.pty as IPty & { destroy(): void }).destroy();
  }

  records(): RecorderLine[] {
    if (!existsSync(this.recordFile)) return [];
    return readFileSync(this.recordFile, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as RecorderLine);
  }

  dispose(): void {
    if (this.alive) this.pty.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function ops<K extends RecorderLine["op"]>(lines: RecorderLine[], op: K): Extract<RecorderLine, { op: K }>[] {
  return lines.filter((line): line is Extract<RecorderLine, { op: K }> => line.op === op);
}

const shells: PtyShell[] = [];
function open(env?: Record<string, string>): PtyShell {
  const shell = new PtyShell(env);
  shells.push(shell);
  return shell;
}

afterEach(() => {
  for (const shell of shells.splice(0)) shell.dispose();
});

// ---------------------------------------------------------------------------------------------------------
// The banner
// ---------------------------------------------------------------------------------------------------------

describe("banner", () => {
  it("shows name, type, version, adapters, the real tracking state and every helper", async () => {
    const shell = open();
    await shell.prompt();
    const banner = shell.output;
    const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string })
      .version;
    expect(banner).toContain(`Demo admin shell — inspector v${version}`);
    expect(banner).toMatch(/Adapters\s+memory, clock/);
    expect(banner).toMatch(/Tracking\s+✓ Enabled\s+\(BUFFERED capture, session [0-9a-f-]{36}\)/);
    for (const line of [
      /greet\(name = 'world'\)\s+Say hello \(sync\)/,
      /ps\(limit = 3\)\s+Workflow runs as a table \(async\)/,
      /boom\(\)\s+Always throws/,
      /show_info\(\)\s+Prints a line and returns nothing \(showInfo\)/,
      /clock\s+The current time \(a property\)/,
      /help\(name\?\)\s+List the helpers/,
      /exit\(code = 0\)\s+Leave the shell/,
    ]) {
      expect(banner).toMatch(line);
    }
    shell.type(".exit\r");
    await shell.exited;
  });

  it("says Buffering when the client cannot reach the service", async () => {
    const shell = open({ DEMO_TRACKING: "buffering" });
    await shell.prompt();
    expect(shell.output).toContain("◌ Buffering — service unreachable, events will be replayed");
    shell.type(".exit\r");
    await shell.exited;
  });

  it("is coloured on a colour terminal, and plain with NO_COLOR", async () => {
    const plain = open();
    const coloured = open({ FORCE_COLOR: "1" });
    await Promise.all([plain.prompt(), coloured.prompt()]);
    // SGR colour sequences (readline's cursor movements are other escape sequences).
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is exactly what is looked for.
    const sgr = /\x1b\[[0-9;]*m/;
    expect(plain.raw).not.toMatch(sgr);
    expect(coloured.raw).toMatch(sgr);
    expect(coloured.output).toContain("✓ Enabled");
  });

  it("announces a change of tracking state when it happens", async () => {
    const shell = open({ DEMO_GO_OFFLINE_ON: "offline" });
    await shell.prompt();
    await shell.run('"go offline"');
    await shell.waitFor(/tracking: ◌ Buffering — service unreachable, events will be replayed/);
    await shell.waitFor(/'go offline'/);
    await shell.run("status().tracking.state");
    await shell.waitFor(/'buffering'/);
  });

  it("says Disabled with the reason when tracking is off, and runs without a client", async () => {
    const shell = open({ DEMO_TRACKING: "off" });
    await shell.prompt();
    expect(shell.output).toContain("✗ Disabled: SESSION_BUDDY_TRACKING=false");
    await shell.run("greet()");
    await shell.waitFor(/'Hello, world!'/);
    shell.type(".exit\r");
    expect((await shell.exited).exitCode).toBe(0);
    expect(shell.records()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Helpers and evaluation
// ---------------------------------------------------------------------------------------------------------

describe("helpers", () => {
  it("runs a sync helper and prints its value", async () => {
    const shell = open();
    await shell.prompt();
    await shell.run('greet("ops")');
    await shell.waitFor(/'Hello, ops!'\r*\n/);
    await shell.prompt();
  });

  it("awaits an async helper and prints its rows as a table, never a pending promise", async () => {
    const shell = open();
    await shell.prompt();
    await shell.run("ps()");
    const { 0: table } = await shell.waitFor(/┌[\s\S]*?┘/);
    expect(table).toMatch(/│ id\s+│ workflow\s+│ status\s+│ durationMs │/);
    expect(table).toMatch(/│ run-2\s+│ nightly\s+│ failed\s+│ 4051\s+│/);
    await shell.prompt();
    expect(shell.output).not.toContain("Promise");
  });

  it("supports top-level await and keeps the awaited value", async () => {
    const shell = open();
    await shell.prompt();
    await shell.run("const rows = await ps(2); rows.length");
    await shell.waitFor(/^2\r*\n/m);
    await shell.run("rows[1].status");
    await shell.waitFor(/'failed'/);
  });

  it("a throwing helper prints a one-line error and the shell goes on", async () => {
    const shell = open();
    await shell.prompt();
    await shell.run("boom()");
    const { 0: error } = await shell.waitFor(/.*\r*\n/);
    expect(error.trim()).toBe("Error: the flux capacitor is offline");
    await shell.prompt();
    await shell.run("greet()");
    await shell.waitFor(/'Hello, world!'/);
  });

  it("a rejected promise prints a one-line error and the shell goes on", async () => {
    const shell = open();
    await shell.prompt();
    await shell.run('Promise.reject(new TypeError("bad input"))');
    await shell.waitFor(/^TypeError: bad input\r*\n/m);
    await shell.prompt();
  });

  it("camelCase aliases, properties, help() and printing through the shell's stream", async () => {
    const shell = open();
    await shell.prompt();
    await shell.run("showInfo()");
    await shell.waitFor(/demo info: all good/);
    await shell.run("clock");
    await shell.waitFor(/'1970-01-01T00:00:00.000Z'/);
    await shell.run('help("show_info")');
    await shell.waitFor(/show_info\(\)\s+Prints a line and returns nothing\r*\n\s+also: showInfo/);
    await shell.run("help()");
    await shell.waitFor(/greet\(name = 'world'\)[\s\S]*exit\(code = 0\)[\s\S]*Tab completes names/);
    await shell.run("ps");
    await shell.waitFor(/ps\(limit = 3\)\s+Workflow runs as a table \(async\)/);
  });

  it("tab-completes helper names", async () => {
    const shell = open();
    await shell.prompt();
    shell.type("gre\t");
    await shell.waitFor(/greet/);
    shell.type('("tab")\r');
    await shell.waitFor(/'Hello, tab!'/);
  });

  it("Ctrl-C stops waiting for a promise that never settles, and the shell goes on", async () => {
    const shell = open();
    await shell.prompt();
    await shell.run("new Promise(() => {})");
    shell.type("\x03");
    await shell.waitFor(/Interrupted/);
    await shell.run("1 + 1");
    await shell.waitFor(/^2\r*\n/m);
  });

  it("Ctrl-C interrupts a runaway loop, and kill -INT still ends the session afterwards", async () => {
    const shell = open();
    await shell.prompt();
    await shell.run("while (true) {}");
    // The loop blocks the shell's event loop, so there is nothing to await: press Ctrl-C until the
    // interruption is reported (the first press can land before the terminal leaves raw mode).
    const presses = setInterval(() => shell.type("\x03"), 150);
    try {
      await shell.waitFor(/Script execution was interrupted by `SIGINT`/);
    } finally {
      clearInterval(presses);
    }
    await shell.run("40 + 2");
    await shell.waitFor(/^42\r*\n/m);
    shell.signal("SIGINT");
    expect((await shell.exited).exitCode).toBe(130);
    expect(ops(shell.records(), "end")).toEqual([
      expect.objectContaining({ reason: "SIGINT", exitCode: 130 }),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The command audit
// ---------------------------------------------------------------------------------------------------------

describe("command tracking", () => {
  it("starts the session with who, where and what", async () => {
    const shell = open();
    await shell.prompt();
    shell.type(".exit\r");
    await shell.exited;
    const [start] = ops(shell.records(), "start");
    expect(start?.info).toMatchObject({
      type: "admin_shell",
      component: "demo",
      componentType: "inspector",
      shellType: "DemoShell",
      adapters: ["memory", "clock"],
      pid: shell.pid,
      environment: {
        nodeVersion: expect.stringMatching(/^v\d+/),
        platform: process.platform,
        cwd: shell.dir,
      },
    });
    expect(start?.info.componentVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof start?.info.username).toBe("string");
    expect(typeof start?.info.hostname).toBe("string");
  });

  it("records each command redacted before it runs, and completes it with duration and outcome", async () => {
    const shell = open();
    await shell.prompt();
    await shell.run('const t = "password=hunter2"');
    await shell.prompt();
    shell.type("   \r"); // blank lines are not commands
    await shell.prompt();
    await shell.run("t.length");
    await shell.waitFor(/^16\r*\n/m);
    await shell.run("boom()");
    await shell.waitFor(/Error: the flux capacitor is offline/);
    await shell.prompt();
    shell.type(".exit\r");
    await shell.exited;

    const lines = shell.records();
    const records = ops(lines, "record");
    expect(records.map((r) => [r.kind, r.text, r.redactions, r.seq])).toEqual([
      ["command", 'const t = "password=****"', 1, 1],
      ["command", "t.length", 0, 2],
      ["command", "boom()", 0, 3],
    ]);
    expect(readFileSync(shell.recordFile, "utf8")).not.toContain("hunter2");

    // Each command: record, then complete, before the next command is recorded.
    const sequence = lines
      .filter((l) => l.op === "record" || l.op === "complete")
      .map((l) => `${l.op}:${(l as { seq: number }).seq}`);
    expect(sequence).toEqual(["record:1", "complete:1", "record:2", "complete:2", "record:3", "complete:3"]);
    const completes = ops(lines, "complete");
    expect(completes.map((c) => [c.outcome, c.errorClass])).toEqual([
      ["ok", undefined],
      ["ok", undefined],
      ["error", "Error"],
    ]);
    for (const c of completes) expect(c.durationMs).toBeGreaterThanOrEqual(0);
    // `.exit` is a REPL command, not a command of the session.
    expect(records.some((r) => r.text?.includes(".exit"))).toBe(false);
  });

  it("keeps secrets out of the history file too", async () => {
    const shell = open();
    await shell.prompt();
    await shell.run('const t = "token=s3cr3t-value"');
    await shell.prompt();
    await shell.run("greet()");
    await shell.prompt();
    shell.type(".exit\r");
    await shell.exited;
    const history = readFileSync(join(shell.dataDir, "history", "demo.history"), "utf8");
    expect(history).toContain('const t = "token=****"');
    expect(history).toContain("greet()");
    expect(history).not.toContain("s3cr3t");
  });

  it("records a multi-line command once, whole, and a syntax error as a failed command", async () => {
    const shell = open();
    await shell.prompt();
    shell.type("function twice(x) {\r");
    await shell.waitFor(/\.\.\. $/);
    shell.type("  return x * 2 }\r");
    await shell.prompt();
    await shell.run("twice(21)");
    await shell.waitFor(/^42\r*\n/m);
    await shell.run("foo(]");
    await shell.waitFor(/^SyntaxError: Unexpected token '\]'\r*\n/m);
    await shell.prompt();
    shell.type(".exit\r");
    await shell.exited;
    const records = ops(shell.records(), "record").map((r) => r.text);
    expect(records).toEqual(["function twice(x) {\n  return x * 2 }", "twice(21)", "foo(]"]);
    expect(ops(shell.records(), "complete").map((c) => c.outcome)).toEqual(["ok", "ok", "error"]);
  });

  it("records no commands when command tracking is off, but still the session", async () => {
    const shell = open({ DEMO_TRACK_COMMANDS: "false" });
    await shell.prompt();
    expect(shell.output).toContain("commands not recorded");
    await shell.run("greet()");
    await shell.waitFor(/'Hello, world!'/);
    shell.type(".exit\r");
    await shell.exited;
    const lines = shell.records();
    expect(lines.map((l) => l.op)).toEqual(["start", "end", "shutdown"]);
  });

  it("STRICT: a command the service did not acknowledge is not run", async () => {
    const shell = open({ DEMO_CAPTURE: "strict", DEMO_REJECT_COMMANDS: "^greet" });
    await shell.prompt();
    await shell.run('greet("never")');
    await shell.waitFor(/✗ Not run: Session-Buddy did not acknowledge the command \(STRICT capture\)/);
    await shell.prompt();
    await shell.run("6 * 7");
    await shell.waitFor(/^42\r*\n/m);
    expect(shell.output).not.toContain("Hello, never");
    shell.type(".exit\r");
    await shell.exited;
    const completes = ops(shell.records(), "complete");
    expect(completes).toHaveLength(1);
    expect(completes[0]?.seq).toBe(2);
  });

  it("STRICT: refuses to open when the session start is not acknowledged, exiting 1", async () => {
    const shell = open({ DEMO_CAPTURE: "strict", DEMO_REJECT_START: "connect ECONNREFUSED 127.0.0.1:8678" });
    const exit = await shell.exited;
    expect(exit.exitCode).toBe(1);
    expect(shell.output).toContain(
      "✗ Session-Buddy did not acknowledge the session start: connect ECONNREFUSED 127.0.0.1:8678",
    );
    expect(shell.output).not.toMatch(PROMPT);
    expect(ops(shell.records(), "end")).toEqual([expect.objectContaining({ reason: "ERROR", exitCode: 1 })]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Every way out ends the session exactly once, with the right reason, and the process exits promptly
// ---------------------------------------------------------------------------------------------------------

interface ExitPath {
  name: string;
  act: (shell: PtyShell) => Promise<void> | void;
  reason: string;
  exitCode: number;
  /** Exit code node-pty reports; undefined where the closed terminal makes it meaningless. */
  processExitCode?: number;
  shutdown: "shutdown" | "shutdownSync";
}

const exitPaths: ExitPath[] = [
  {
    name: ".exit",
    act: (s) => s.type(".exit\r"),
    reason: "EXIT",
    exitCode: 0,
    processExitCode: 0,
    shutdown: "shutdown",
  },
  {
    name: "Ctrl-D",
    act: (s) => s.type("\x04"),
    reason: "EXIT",
    exitCode: 0,
    processExitCode: 0,
    shutdown: "shutdown",
  },
  {
    name: "exit()",
    act: (s) => s.type("exit()\r"),
    reason: "EXIT",
    exitCode: 0,
    processExitCode: 0,
    shutdown: "shutdown",
  },
  {
    name: "exit(4)",
    act: (s) => s.type("exit(4)\r"),
    reason: "EXIT",
    exitCode: 4,
    processExitCode: 4,
    shutdown: "shutdown",
  },
  {
    name: "Ctrl-C twice",
    act: async (s) => {
      s.type("\x03");
      await s.waitFor(/To exit, press Ctrl\+C again/);
      s.type("\x03");
    },
    reason: "SIGINT",
    exitCode: 130,
    processExitCode: 130,
    shutdown: "shutdown",
  },
  {
    name: "SIGINT signal",
    act: (s) => s.signal("SIGINT"),
    reason: "SIGINT",
    exitCode: 130,
    processExitCode: 130,
    shutdown: "shutdown",
  },
  {
    name: "SIGTERM",
    act: (s) => s.signal("SIGTERM"),
    reason: "SIGTERM",
    exitCode: 143,
    processExitCode: 143,
    shutdown: "shutdown",
  },
  {
    name: "SIGHUP",
    act: (s) => s.signal("SIGHUP"),
    reason: "SIGHUP",
    exitCode: 129,
    processExitCode: 129,
    shutdown: "shutdown",
  },
  { name: "terminal closed", act: (s) => s.hangUp(), reason: "SIGHUP", exitCode: 129, shutdown: "shutdown" },
  {
    name: "uncaught exception",
    act: (s) => s.type('setTimeout(() => { throw new Error("boom") })\r'),
    reason: "ERROR",
    exitCode: 1,
    processExitCode: 1,
    shutdown: "shutdown",
  },
  {
    name: "unhandled rejection",
    act: (s) => s.type('void Promise.reject(new Error("nobody caught me"))\r'),
    reason: "ERROR",
    exitCode: 1,
    processExitCode: 1,
    shutdown: "shutdown",
  },
  {
    name: "process.exit(3)",
    act: (s) => s.type("process.exit(3)\r"),
    reason: "EXIT",
    exitCode: 3,
    processExitCode: 3,
    shutdown: "shutdownSync",
  },
];

describe("exit paths", () => {
  it.each(exitPaths)("$name → one end ($reason, $exitCode)", async (path) => {
    const shell = open();
    await shell.prompt();
    // A command first: some exit paths only misbehave after an evaluation (the SIGINT watchdog).
    await shell.run("greet()");
    await shell.waitFor(/'Hello, world!'/);
    await shell.prompt();

    const actedAt = performance.now();
    await path.act(shell);
    const exit = await shell.exited;
    const exitMs = (shell.exitedAt ?? performance.now()) - actedAt;

    if (path.processExitCode !== undefined) expect(exit.exitCode).toBe(path.processExitCode);
    // Well under the 1500 ms shutdown bound here (the recorder answers at once); the margin is for slow CI.
    expect(exitMs).toBeLessThan(3000);
    const lines = shell.records();
    const ends = ops(lines, "end");
    expect(ends).toEqual([expect.objectContaining({ reason: path.reason, exitCode: path.exitCode })]);
    // The end is written before the client is shut down, and nothing is recorded after the shutdown.
    const endIndex = lines.findIndex((l) => l.op === "end");
    expect(lines.slice(endIndex + 1).map((l) => l.op)).toEqual([path.shutdown]);
    if (path.reason === "ERROR")
      expect(shell.output).toMatch(/Uncaught (exception|rejection) — the shell is exiting/);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The class itself, in process (no terminal): declaring a shell, and start() with injected streams
// ---------------------------------------------------------------------------------------------------------

describe("AdminShell in process", () => {
  const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string })
    .version;

  class ToolShell extends AdminShell {
    constructor(options?: AdminShellOptions) {
      super({ name: "tool-box", componentType: "builder", adapters: ["fs"] }, options);
      this.helper("show_routes", "show_routes()", "Route table", () =>
        this.table([{ path: "/", method: "GET" }]),
      );
    }
    register(name: string): void {
      this.helper(name, `${name}()`, "x", () => undefined);
    }
  }

  it("takes its type from the class, its version from package.json, and aliases snake_case helpers", () => {
    const shell = new ToolShell({ tracking: false });
    expect(shell.shellType).toBe("ToolShell");
    expect(shell.displayName).toBe("Tool-Box");
    expect(shell.version).toBe(version);
    expect(AdminShell.readPackageVersion(new URL("../test-support/demo-shell.ts", import.meta.url))).toBe(
      version,
    );
    expect(() => shell.register("show_routes")).toThrow(/already taken/);
    expect(() => shell.register("showRoutes")).toThrow(/already taken/);
    expect(() => shell.register("help")).toThrow(/already taken/);
    expect(() => shell.register("not-an-identifier")).toThrow(/not a JavaScript identifier/);
    expect(() => new AdminShell({ name: "bad name!", componentType: "x" })).toThrow(/must match/);
  });

  it("runs with injected streams and resolves start() with how the shell ended", async () => {
    const dir = mkdtempSync(join(tmpdir(), "admin-shell-inproc-"));
    try {
      const recordFile = join(dir, "records.jsonl");
      const input = new PassThrough();
      const output = new PassThrough();
      let text = "";
      const seen = (pattern: RegExp) =>
        new Promise<void>((resolve) => {
          const check = () => {
            if (pattern.test(text)) {
              output.off("data", check);
              resolve();
            }
          };
          output.on("data", check);
          check();
        });
      output.on("data", (chunk: Buffer) => {
        text += chunk.toString();
      });
      const shell = new AdminShell(
        {
          name: "inproc",
          componentType: "inspector",
          version: "9.9.9",
          helpers: {
            ping: { fn: async (reply = "pong") => reply, signature: "ping(reply)", description: "Answers" },
          },
        },
        {
          client: new FileRecorder({ file: recordFile }),
          input,
          output,
          terminal: false,
          handleProcessEvents: false,
          exitProcess: false,
        },
      );
      const ended = shell.start();
      input.write("ping('pong!')\n");
      await seen(/'pong!'/);
      expect(text).toContain("Inproc admin shell — inspector v9.9.9");
      expect(text).toMatch(/ping\(reply\)\s+Answers/);
      input.end();
      await expect(ended).resolves.toEqual({ reason: "EXIT", exitCode: 0 });
      const lines = readFileSync(recordFile, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as RecorderLine);
      expect(lines.map((l) => l.op)).toEqual(["start", "record", "complete", "end", "shutdown"]);
      expect(lines[0]).toMatchObject({ info: { shellType: "AdminShell", componentVersion: "9.9.9" } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
