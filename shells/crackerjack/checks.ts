import { spawn } from "node:child_process";
import pc from "picocolors";
import { type CheckName, CheckNames, type Detection, type Tool } from "./tools.js";

export interface CheckResult {
  name: CheckName;
  ok: boolean;
  /** True when the project has nothing to run for this check (not counted as a failure). */
  skipped: boolean;
  durationMs: number;
  summary: string;
  command: string;
  exitCode: number | null;
  /** The last lines of the tool's output. */
  outputTail: string;
}

export interface RunOptions {
  output: NodeJS.WritableStream;
  color: boolean;
  /** Show a spinner with the elapsed time (terminals only). */
  spinner: boolean;
  /** Print the tool's output as it comes (dimmed) instead of only on failure. */
  verbose?: boolean;
  /** Upper bound for one check. Default 10 minutes. */
  timeoutMs?: number;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal colour codes
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const TAIL_LINES = 20;

function lastLines(text: string, n: number): string {
  return text.split("\n").slice(-n).join("\n");
}

/** One line that says what the tool found, in its own words where we can find them. */
export function summarise(check: CheckName, output: string, exitCode: number | null): string {
  const text = output.replace(ANSI, "");
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const find = (re: RegExp) => lines.filter((l) => re.test(l)).at(-1);
  if (check === "typecheck") {
    const n = lines.filter((l) => /error TS\d+/.test(l)).length;
    return n
      ? `${n} type error${n === 1 ? "" : "s"}`
      : exitCode === 0
        ? "no type errors"
        : (lines.at(-1) ?? "failed");
  }
  if (check === "test") {
    const vitest = find(/^Tests\s+.*(passed|failed)/);
    if (vitest) return vitest.replace(/\s+/g, " ");
    const pass = find(/^(#|ℹ) pass \d+/);
    const fail = find(/^(#|ℹ) fail \d+/);
    if (pass || fail)
      return [pass, fail]
        .filter(Boolean)
        .map((l) => l!.replace(/^(#|ℹ) /, ""))
        .join(", ");
  }
  const found = find(
    /Found \d+ (error|warning)|\d+ problems?|would be formatted|differ|Checked \d+ files?|Code style issues|All matched files/,
  );
  const line = found ?? lines.at(-1) ?? (exitCode === 0 ? "ok" : "failed");
  return line.length > 120 ? `${line.slice(0, 117)}…` : line;
}

function summariseAudit(json: string): { ok: boolean; summary: string } {
  try {
    const report = JSON.parse(json) as {
      metadata?: { vulnerabilities?: Record<string, number> };
      error?: { summary?: string };
    };
    if (report.error)
      return { ok: false, summary: `npm audit failed: ${report.error.summary ?? "unknown error"}` };
    const v = report.metadata?.vulnerabilities ?? {};
    const total = v.total ?? 0;
    const serious = (v.high ?? 0) + (v.critical ?? 0);
    if (total === 0) return { ok: true, summary: "no known vulnerabilities" };
    const parts = ["critical", "high", "moderate", "low", "info"]
      .filter((k) => v[k])
      .map((k) => `${v[k]} ${k}`);
    return {
      ok: serious === 0,
      summary: `${total} vulnerabilit${total === 1 ? "y" : "ies"} (${parts.join(", ")})`,
    };
  } catch {
    return { ok: false, summary: "npm audit gave no report (is the registry reachable?)" };
  }
}

/** Runs one tool in the project directory, streaming behind a spinner; never throws for a failing tool. */
export function runTool(
  tool: Tool,
  project: string,
  o: RunOptions,
  argv = tool.command,
): Promise<CheckResult> {
  const c = pc.createColors(o.color);
  const label = argv.length
    ? argv.map((a) => (a.includes("/node_modules/.bin/") ? a.split("/").at(-1)! : a)).join(" ")
    : "(nothing to run)";
  if (argv.length === 0) {
    return Promise.resolve({
      name: tool.check,
      ok: true,
      skipped: false,
      durationMs: 0,
      summary: tool.source,
      command: label,
      exitCode: 0,
      outputTail: "",
    });
  }
  return new Promise((resolve) => {
    const t0 = performance.now();
    let output = "";
    let frame = 0;
    const status = () =>
      `${c.cyan(FRAMES[frame++ % FRAMES.length]!)} ${tool.check} ${c.dim(`${label}  ${((performance.now() - t0) / 1000).toFixed(1)}s`)}`;
    const clear = () => o.output.write("\r\u001b[2K");
    let ticker: NodeJS.Timeout | undefined;
    if (o.spinner) {
      o.output.write(status());
      ticker = setInterval(() => {
        clear();
        o.output.write(status());
      }, 100);
    } else o.output.write(`${c.dim("…")} ${tool.check} ${c.dim(label)}\n`);
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: project,
      env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", CI: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.length > 1_000_000) output = output.slice(-500_000);
      if (o.verbose) {
        if (o.spinner) clear();
        o.output.write(c.dim(d.toString()));
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 600_000);
    const done = (exitCode: number | null, spawnError?: Error) => {
      clearTimeout(timer);
      if (ticker) clearInterval(ticker);
      if (o.spinner) clear();
      const durationMs = performance.now() - t0;
      let ok = exitCode === 0 && !spawnError;
      let summary = spawnError
        ? `cannot run ${argv[0]}: ${spawnError.message}`
        : summarise(tool.check, output, exitCode);
      if (tool.check === "scan" && !spawnError) ({ ok, summary } = summariseAudit(output));
      const mark = ok ? c.green("✓") : c.red("✗");
      o.output.write(
        `${mark} ${tool.check.padEnd(9)} ${summary} ${c.dim(`${(durationMs / 1000).toFixed(1)}s`)}\n`,
      );
      const tail = lastLines(output.replace(ANSI, "").trimEnd(), TAIL_LINES);
      if (!ok && !o.verbose && tail)
        o.output.write(
          `${c.dim(
            tail
              .split("\n")
              .map((l) => `  │ ${l}`)
              .join("\n"),
          )}\n`,
        );
      resolve({
        name: tool.check,
        ok,
        skipped: false,
        durationMs,
        summary,
        command: label,
        exitCode,
        outputTail: tail,
      });
    };
    child.once("error", (err) => done(null, err));
    child.once("close", (code) => done(code));
  });
}

export function skippedResult(name: CheckName, why: string): CheckResult {
  return {
    name,
    ok: true,
    skipped: true,
    durationMs: 0,
    summary: `skipped: ${why}`,
    command: "",
    exitCode: null,
    outputTail: "",
  };
}

/** Runs the named checks (all by default) in order. */
export async function runChecks(
  detection: Detection,
  o: RunOptions,
  names: readonly CheckName[] = CheckNames,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const name of names) {
    const tool = detection.tools[name];
    if (!tool) {
      const r = skippedResult(name, detection.missing[name] ?? "not configured");
      o.output.write(`${pc.createColors(o.color).yellow("–")} ${name.padEnd(9)} ${r.summary}\n`);
      results.push(r);
      continue;
    }
    results.push(await runTool(tool, detection.project, o));
  }
  return results;
}
