import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { TrackedSession } from "../../client/types.js";
import { formatDuration } from "../../contract/duration.js";
import { CommandOutcomes } from "../../contract/enums.js";
import { AdminShell, type AdminShellOptions } from "../core/admin-shell.js";
import type { ShellRuntime } from "../core/runtime.js";
import { type CheckResult, runChecks, runTool } from "./checks.js";
import { type CheckName, CheckNames, detectTools, listHooks } from "./tools.js";

/** Records a check's result as a `check` event of the session (kind, outcome, duration, summary). */
export async function recordCheck(
  session: TrackedSession | undefined,
  project: string,
  r: CheckResult,
): Promise<void> {
  if (!session) return;
  try {
    const recorded = await session.record({
      kind: "check",
      text: `${r.name}: ${r.command || r.summary}`,
      payload: { check: r.name, project, command: r.command },
    });
    session.complete(recorded, {
      durationMs: Math.round(r.durationMs),
      outcome: r.interrupted ? CommandOutcomes.interrupted : r.ok ? "ok" : "error",
      ...(r.ok || r.interrupted ? {} : { errorClass: `${r.name[0]!.toUpperCase()}${r.name.slice(1)}Failed` }),
      payload: {
        summary: r.summary,
        exitCode: r.exitCode,
        skipped: r.skipped,
        outputTail: r.ok ? "" : r.outputTail.slice(-2000),
        ...(r.failures ? { failures: r.failures.slice(0, 50) } : {}),
      },
    });
  } catch {
    // STRICT refusal: the shell already said the service did not acknowledge
  }
}

export function assertProject(dir: string): string {
  const project = resolve(dir);
  if (!existsSync(project) || !statSync(project).isDirectory())
    throw new Error(`no such directory: ${project}`);
  return project;
}

/**
 * Crackerjack (inspector): the target project's own quality tools — tests, linter, formatter, `tsc`,
 * `npm audit` — run behind a spinner, summarised in a table, each result a session event.
 */
export class CrackerjackShell extends AdminShell {
  private projectDir: string;

  constructor(_runtime: ShellRuntime, options: AdminShellOptions & { project?: string } = {}) {
    super(
      {
        name: "crackerjack",
        componentType: "inspector",
        adapters: ["npm", "tsc", "biome", "eslint", "prettier", "vitest"],
      },
      options,
    );
    this.projectDir = assertProject(options.project ?? process.cwd());
    const spinner = () => Boolean((this.output as NodeJS.WriteStream).isTTY);
    /** Records the results, then stops here (nothing more printed) when Ctrl-C interrupted the run. */
    const finish = async (results: CheckResult[], signal: AbortSignal) => {
      for (const r of results) await recordCheck(this.session, this.projectDir, r);
      signal.throwIfAborted();
      return results;
    };
    const run = async (names: readonly CheckName[]) => {
      const signal = this.signal;
      const detection = detectTools(this.projectDir);
      const results = await runChecks(
        detection,
        { output: this.out, color: this.color, spinner: spinner(), signal },
        names,
      );
      return finish(results, signal);
    };
    const summaryTable = (results: CheckResult[]) =>
      this.table(
        results.map((r) => ({
          check: r.name,
          result: r.interrupted ? "interrupted" : r.skipped ? "skipped" : r.ok ? "pass" : "FAIL",
          time: formatDuration(r.durationMs),
          summary: r.summary,
        })),
      );
    const none = { args: [] };
    this.helper(
      "project",
      "project(dir?)",
      "Show or set the target project (default: the working directory)",
      (dir?: string) => {
        if (dir !== undefined) this.projectDir = assertProject(dir);
        return this.projectDir;
      },
      { args: [{ name: "dir", kind: "path", what: "the project's directory" }] },
    );
    this.helper(
      "crack",
      "crack()",
      "Every check: format, lint, typecheck, test, scan — with a summary table",
      async () => {
        const results = await run(CheckNames);
        const failed = results.filter((r) => !r.ok);
        this.print(
          failed.length
            ? `${failed.length} check(s) failed: ${failed.map((r) => r.name).join(", ")}`
            : "all checks passed",
        );
        return summaryTable(results);
      },
      none,
    );
    this.helper(
      "test",
      "test()",
      "Run the project's tests",
      async () => summaryTable(await run(["test"])),
      none,
    );
    this.helper(
      "lint",
      "lint()",
      "Run the project's linter",
      async () => summaryTable(await run(["lint"])),
      none,
    );
    this.helper(
      "typecheck",
      "typecheck()",
      "Type-check with the project's tsc",
      async () => summaryTable(await run(["typecheck"])),
      none,
    );
    this.helper(
      "scan",
      "scan()",
      "npm audit: known vulnerabilities in dependencies",
      async () => summaryTable(await run(["scan"])),
      none,
    );
    this.helper(
      "format_code",
      "format_code(write = false)",
      "Check formatting; format_code(true) rewrites files",
      async (write = false) => {
        const detection = detectTools(this.projectDir);
        const tool = detection.tools.format;
        if (write && !tool?.fix) {
          throw new Error(
            tool
              ? `format_code(true): ${tool.source} has no write mode here; run the project's formatter yourself`
              : `format_code(true): ${detection.missing.format ?? "no formatter configured"}`,
          );
        }
        if (write && tool?.fix) {
          const signal = this.signal;
          const r = await runTool(
            tool,
            this.projectDir,
            { output: this.out, color: this.color, spinner: spinner(), signal },
            tool.fix,
          );
          return summaryTable(await finish([r], signal));
        }
        return summaryTable(await run(["format"]));
      },
      { args: [{ name: "write", kind: "boolean" }] },
    );
    this.helper(
      "show_adapters",
      "show_adapters()",
      "Which tool runs each check in the target project, and why",
      () => {
        const d = detectTools(this.projectDir);
        return this.table(
          (["format", "lint", "typecheck", "test", "scan"] as const).map((check) => {
            const tool = d.tools[check];
            return {
              check,
              command: tool
                ? tool.command.map((a) => a.split("/").at(-1)).join(" ") || "(nothing to run)"
                : "—",
              because: tool?.source ?? d.missing[check] ?? "",
            };
          }),
        );
      },
      none,
    );
    this.helper(
      "show_hooks",
      "show_hooks()",
      "Installed git hooks of the target project",
      () => {
        const hooks = listHooks(this.projectDir);
        if (hooks.length === 0) this.print("no git hooks installed");
        return this.table(hooks);
      },
      none,
    );
  }
}
