import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { TrackedSession } from "../../client/types.js";
import { AdminShell, type AdminShellOptions } from "../core/admin-shell.js";
import type { ShellRuntime } from "../core/runtime.js";
import { type CheckResult, runChecks, runTool } from "./checks.js";
import { type CheckName, detectTools, listHooks } from "./tools.js";

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
      durationMs: r.durationMs,
      outcome: r.ok ? "ok" : "error",
      ...(r.ok ? {} : { errorClass: `${r.name[0]!.toUpperCase()}${r.name.slice(1)}Failed` }),
      payload: {
        summary: r.summary,
        exitCode: r.exitCode,
        skipped: r.skipped,
        outputTail: r.ok ? "" : r.outputTail.slice(-2000),
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
    const run = async (names: CheckName[]) => {
      const detection = detectTools(this.projectDir);
      const results = await runChecks(
        detection,
        {
          output: this.output,
          color: this.color,
          spinner: Boolean((this.output as NodeJS.WriteStream).isTTY),
        },
        names,
      );
      for (const r of results) await recordCheck(this.session, this.projectDir, r);
      return results;
    };
    const summaryTable = (results: CheckResult[]) =>
      this.table(
        results.map((r) => ({
          check: r.name,
          result: r.skipped ? "skipped" : r.ok ? "pass" : "FAIL",
          time: `${(r.durationMs / 1000).toFixed(1)}s`,
          summary: r.summary,
        })),
      );
    this.helper(
      "project",
      "project(dir?)",
      "Show or set the target project (default: the working directory)",
      (dir?: string) => {
        if (dir !== undefined) this.projectDir = assertProject(dir);
        return this.projectDir;
      },
    );
    this.helper(
      "crack",
      "crack()",
      "Every check: format, lint, typecheck, test, scan — with a summary table",
      async () => {
        const results = await run(["format", "lint", "typecheck", "test", "scan"]);
        const failed = results.filter((r) => !r.ok);
        this.print(
          failed.length
            ? `${failed.length} check(s) failed: ${failed.map((r) => r.name).join(", ")}`
            : "all checks passed",
        );
        return summaryTable(results);
      },
    );
    this.helper("test", "test()", "Run the project's tests", async () => summaryTable(await run(["test"])));
    this.helper("lint", "lint()", "Run the project's linter", async () => summaryTable(await run(["lint"])));
    this.helper("typecheck", "typecheck()", "Type-check with the project's tsc", async () =>
      summaryTable(await run(["typecheck"])),
    );
    this.helper("scan", "scan()", "npm audit: known vulnerabilities in dependencies", async () =>
      summaryTable(await run(["scan"])),
    );
    this.helper(
      "format_code",
      "format_code(write = false)",
      "Check formatting; format_code(true) rewrites files",
      async (write = false) => {
        const detection = detectTools(this.projectDir);
        const tool = detection.tools.format;
        if (write && tool?.fix) {
          const r = await runTool(
            tool,
            this.projectDir,
            { output: this.output, color: this.color, spinner: false },
            tool.fix,
          );
          await recordCheck(this.session, this.projectDir, r);
          return summaryTable([r]);
        }
        return summaryTable(await run(["format"]));
      },
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
    );
    this.helper("show_hooks", "show_hooks()", "Installed git hooks of the target project", () => {
      const hooks = listHooks(this.projectDir);
      if (hooks.length === 0) this.print("no git hooks installed");
      return this.table(hooks);
    });
  }
}
