import pc from "picocolors";
import { formatDuration } from "../../contract/duration.js";
import { spawnWatched, stopGroup } from "../core/child.js";
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
  /** Stopped by Ctrl-C (or the run's signal) before the tool finished. */
  interrupted?: boolean;
  /** The failing tests a test runner named (`suite › test — first line of the error`). */
  failures?: string[];
}

/** A check's state in words: passed, failed, skipped or interrupted. */
export function checkStatus(r: CheckResult): "passed" | "failed" | "skipped" | "interrupted" {
  return r.interrupted ? "interrupted" : r.skipped ? "skipped" : r.ok ? "passed" : "failed";
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
  /** Stops the running tool (its whole process group) and the checks after it. */
  signal?: AbortSignal;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal colour codes
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const TAIL_LINES = 20;

function lastLines(text: string, n: number): string {
  return text.split("\n").slice(-n).join("\n");
}

const TAP_NOT_OK = /^(\s*)not ok \d+ - (.+?)(?:\s+#\s*(?:TODO|SKIP)\b.*)?$/;
const TAP_SUBTEST = /^(\s*)# Subtest: (.+)$/;

/** The message of a TAP failure's YAML block (`error: |-` and its lines, or `error: 'text'`), one line. */
function tapError(lines: string[], from: number): { message?: string; parentOnly: boolean } {
  let message: string | undefined;
  let parentOnly = false;
  if (!/^\s*---\s*$/.test(lines[from + 1] ?? "")) return { parentOnly };
  for (let i = from + 2; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.trim() === "...") break;
    if (/failureType: '?subtestsFailed'?/.test(line)) parentOnly = true;
    const inline = /^\s*error: (['"])(.*)\1\s*$/.exec(line);
    if (inline && message === undefined) message = inline[2];
    if (/^\s*error: [|>]-?\s*$/.test(line) && message === undefined) {
      const errIndent = line.indexOf("error:");
      const text: string[] = [];
      for (let j = i + 1; j < lines.length && text.length < 2; j++) {
        const l = lines[j] ?? "";
        if (l.trim() !== "" && l.search(/\S/) <= errIndent) break;
        if (l.trim() !== "") text.push(l.trim());
      }
      message = text.join(" ");
    }
  }
  return { ...(message ? { message } : {}), parentOnly };
}

/**
 * The failing tests a runner named in its output: TAP (`node --test`, tap), the spec reporter
 * (`✖ name`), vitest (`FAIL file > suite > name`, `× name`) and jest (`● suite › name`). Each is
 * `suite › test`, with the first line of its error when the output gives one.
 *
 * @example
 * failingTests("not ok 1 - adds\n  ---\n  error: 'boom'\n  ...\n"); // ["adds — boom"]
 */
export function failingTests(output: string): string[] {
  const lines = output.replace(ANSI, "").split("\n");
  const found: string[] = [];
  const add = (name: string) => {
    const n = name.trim();
    if (n && !found.includes(n)) found.push(n);
  };
  // TAP, with subtest names as the path of nested failures.
  const subtests: string[] = [];
  let tap = false;
  for (const [i, line] of lines.entries()) {
    const sub = TAP_SUBTEST.exec(line);
    if (sub) {
      const level = Math.floor((sub[1]?.length ?? 0) / 4);
      subtests.length = level;
      subtests[level] = sub[2]!.trim();
      continue;
    }
    const m = TAP_NOT_OK.exec(line);
    if (!m) continue;
    tap = true;
    const level = Math.floor((m[1]?.length ?? 0) / 4);
    const { message, parentOnly } = tapError(lines, i);
    if (parentOnly) continue;
    const path = [...subtests.slice(0, level).filter(Boolean), m[2]!.trim()].join(" › ");
    add(message ? `${path} — ${message}` : path);
  }
  if (tap) return found;
  const path = (text: string) => text.replace(/\s+>\s+/g, " › ");
  // The spec reporter: `▶ suite` opens a suite, `✖ name` is a failure (or a suite closing); the section
  // after `✖ failing tests:` repeats them without their suites.
  const suites: string[] = [];
  for (const [i, line] of lines.entries()) {
    const t = line.trim();
    const level = Math.floor(Math.max(0, line.search(/\S/)) / 2);
    if (/^✖ failing tests:?$/.test(t)) break;
    const suite = /^▶ (.+)$/.exec(t);
    if (suite) {
      suites.length = level;
      suites[level] = suite[1]!.trim();
      continue;
    }
    const spec = /^✖ (.+?)(?: \([\d.]+m?s\))?$/.exec(t);
    if (spec) {
      if (suites[level] === spec[1]) continue; // the suite itself, failed because of its tests
      // The error follows on the next lines: `AssertionError [ERR_ASSERTION]: Expected …:` and its detail.
      const next = lines
        .slice(i + 1)
        .map((l) => l.trim())
        .filter(Boolean)
        .slice(0, 2);
      let error =
        next[0] && /^\w*Error\b[^:]*:/.test(next[0]) ? next[0].replace(/^\w*Error\b[^:]*:\s*/, "") : "";
      if (error.endsWith(":") && next[1] && !next[1].startsWith("at ")) error = `${error} ${next[1]}`;
      const name = [...suites.slice(0, level).filter(Boolean), spec[1]!].join(" › ");
      add(error ? `${name} — ${error}` : name);
      continue;
    }
    const vitest = /^FAIL\s+\S+\s+>\s+(.+)$/.exec(t) ?? /^[×✗]\s+(.+?)(?:\s+\d+\s*ms)?$/.exec(t);
    if (vitest) {
      add(path(vitest[1]!));
      continue;
    }
    const jest = /^●\s+(.+›.+)$/.exec(t);
    if (jest) add(jest[1]!);
  }
  return found.map((f) => (f.length > 160 ? `${f.slice(0, 159)}…` : f));
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
  if (argv.length === 0) {
    const r = skippedResult(tool.check, tool.source);
    o.output.write(`${c.yellow("–")} ${tool.check.padEnd(9)} ${r.summary}\n`);
    return Promise.resolve(r);
  }
  const label = argv.map((a) => (a.includes("/node_modules/.bin/") ? a.split("/").at(-1)! : a)).join(" ");
  return new Promise((resolve) => {
    const t0 = performance.now();
    let output = "";
    let frame = 0;
    let settled = false;
    const status = () =>
      `${c.cyan(FRAMES[frame++ % FRAMES.length]!)} ${tool.check} ${c.dim(`${label}  ${formatDuration(performance.now() - t0)}`)}`;
    const clear = () => o.output.write("\r\u001b[2K");
    let ticker: NodeJS.Timeout | undefined;
    if (o.spinner) {
      o.output.write(status());
      ticker = setInterval(() => {
        clear();
        o.output.write(status());
      }, 100);
    } else o.output.write(`${c.dim("…")} ${tool.check} ${c.dim(label)}\n`);
    // Under a watchdog, in a group of its own: Ctrl-C stops the tool and everything it started, and so
    // does this process dying.
    const child = spawnWatched(argv, {
      cwd: project,
      env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", CI: "1" },
    });
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.length > 1_000_000) output = output.slice(-500_000);
      if (o.verbose && !settled) {
        if (o.spinner) clear();
        o.output.write(c.dim(d.toString()));
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const timer = setTimeout(() => stopGroup(child, 2000), o.timeoutMs ?? 600_000);
    const stopTicking = () => {
      clearTimeout(timer);
      if (ticker) clearInterval(ticker);
      ticker = undefined;
    };
    const onAbort = () => {
      if (settled) return;
      settled = true;
      stopTicking();
      stopGroup(child, 2000);
      // Nothing more is printed: the operator has the prompt back.
      resolve({
        name: tool.check,
        ok: false,
        skipped: false,
        interrupted: true,
        durationMs: performance.now() - t0,
        summary: "interrupted",
        command: label,
        exitCode: null,
        outputTail: lastLines(output.replace(ANSI, "").trimEnd(), TAIL_LINES),
      });
    };
    o.signal?.addEventListener("abort", onAbort, { once: true });
    const done = (exitCode: number | null) => {
      o.signal?.removeEventListener("abort", onAbort);
      if (settled) return;
      settled = true;
      stopTicking();
      if (o.spinner) clear();
      const durationMs = performance.now() - t0;
      let ok = exitCode === 0;
      let summary = summarise(tool.check, output, exitCode);
      if (tool.check === "scan") ({ ok, summary } = summariseAudit(output));
      const failures = tool.check === "test" && !ok ? failingTests(output) : [];
      if (failures.length > 0) {
        const names = failures.map((f) => f.split(" — ")[0]!);
        summary += ` — failing: ${names.slice(0, 3).join(", ")}${names.length > 3 ? ` and ${names.length - 3} more` : ""}`;
      }
      const mark = ok ? c.green("✓") : c.red("✗");
      o.output.write(`${mark} ${tool.check.padEnd(9)} ${summary} ${c.dim(formatDuration(durationMs))}\n`);
      const tail = lastLines(output.replace(ANSI, "").trimEnd(), TAIL_LINES);
      if (failures.length > 0) {
        // The failing tests by name, not the runner's stack traces.
        o.output.write(`${failures.map((f) => `  ${c.red("✗")} ${f}`).join("\n")}\n`);
      } else if (!ok && !o.verbose && tail)
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
        ...(failures.length > 0 ? { failures } : {}),
      });
    };
    child.once("error", (err) => {
      output += `cannot run ${argv[0]}: ${err.message}\n`;
      done(null);
    });
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
    if (o.signal?.aborted) break;
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
