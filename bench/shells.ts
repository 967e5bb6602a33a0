/**
 * Shell start-up and exit: time from spawning a shell in a pseudo-terminal to its prompt, and from `.exit` to
 * the process ending, for a tracked shell (service up, service down) beside the same shell untracked and a
 * bare `node -i`, in one run.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { spawn } from "@lydell/node-pty";
import { DIST, fmt, spawnNode, summarise } from "./util.js";

const SECRET = `bench-${randomUUID()}-${randomUUID()}`;

interface Timing {
  toPrompt: number;
  toExit: number;
}

function once(
  file: string,
  args: string[],
  env: Record<string, string>,
  prompt: RegExp,
  cwd: string,
): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let text = "";
    let promptAt = 0;
    let exitSent = 0;
    const pty = spawn(process.execPath, [file, ...args].filter(Boolean), {
      cols: 160,
      rows: 50,
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: cwd, NO_COLOR: "1", ...env },
    });
    const timer = setTimeout(() => {
      pty.kill("SIGKILL");
      reject(new Error(`no prompt from ${file}: ${text.slice(-500)}`));
    }, 30_000);
    pty.onData((d) => {
      text += stripVTControlCharacters(d);
      if (!promptAt && prompt.test(text)) {
        promptAt = performance.now();
        exitSent = performance.now();
        pty.write(".exit\r");
      }
    });
    pty.onExit(() => {
      clearTimeout(timer);
      resolve({ toPrompt: promptAt - t0, toExit: performance.now() - exitSent });
    });
  });
}

async function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function benchShells(rounds = 15): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "sb-bench-shells-"));
  const service = await spawnNode(
    [join(DIST, "cli", "session-buddy.js"), "serve", "--port", "0"],
    {
      SESSION_BUDDY_SECRET: SECRET,
      SESSION_BUDDY_DATA_DIR: join(dir, "svc"),
      SESSION_BUDDY_LOG_LEVEL: "info",
    },
    /listening on (http:\/\/\S+\/graphql)/,
  );
  const down = `http://127.0.0.1:${await deadPort()}/graphql`;
  const oneiric = join(DIST, "shells", "bin", "oneiric.js");
  const shellPrompt = /oneiric> $/;
  const base = { SESSION_BUDDY_DATA_DIR: join(dir, "data"), SESSION_BUDDY_SECRET: SECRET };
  const scenarios: { name: string; run: () => Promise<Timing> }[] = [
    { name: "bare `node -i`", run: () => once("-i", [], {}, /> $/, dir) },
    {
      name: "Oneiric shell, tracking off",
      run: () => once(oneiric, ["shell"], { ...base, SESSION_BUDDY_TRACKING: "false" }, shellPrompt, dir),
    },
    {
      name: "Oneiric shell, tracking on, service up",
      run: () =>
        once(oneiric, ["shell"], { ...base, SESSION_BUDDY_URL: service.match[1]! }, shellPrompt, dir),
    },
    {
      name: "Oneiric shell, tracking on, service down",
      run: () => once(oneiric, ["shell"], { ...base, SESSION_BUDDY_URL: down }, shellPrompt, dir),
    },
  ];
  const results = new Map<string, Timing[]>(scenarios.map((s) => [s.name, []]));
  try {
    for (const s of scenarios) await s.run(); // warm the page cache
    // Interleaved rounds: load and cache effects hit every scenario alike.
    for (let r = 0; r < rounds; r++) for (const s of scenarios) results.get(s.name)!.push(await s.run());
  } finally {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const bare = summarise(results.get("bare `node -i`")!.map((t) => t.toPrompt)).p50;
  const lines = [
    `### Shells: time to prompt and to exit, ${rounds} rounds each (pseudo-terminal, interleaved)`,
    "",
    "| shell | to prompt p50 ms | p95 ms | × bare node | `.exit` to exit p50 ms | p95 ms |",
    "|---|---|---|---|---|---|",
  ];
  for (const [name, timings] of results) {
    const p = summarise(timings.map((t) => t.toPrompt));
    const e = summarise(timings.map((t) => t.toExit));
    lines.push(
      `| ${name} | ${fmt(p.p50, 0)} | ${fmt(p.p95, 0)} | ${fmt(p.p50 / bare, 1)} | ${fmt(e.p50, 0)} | ${fmt(e.p95, 0)} |`,
    );
  }
  lines.push("");
  return lines;
}
