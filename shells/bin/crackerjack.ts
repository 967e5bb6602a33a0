#!/usr/bin/env node
import { Command, InvalidArgumentError } from "commander";
import pc from "picocolors";
import { formatDuration } from "../../contract/duration.js";
import { END_SIGNALS, EndReasons, type EndSignal, ExitCodes } from "../../contract/enums.js";
import { launchShell } from "../core/launch.js";
import { createShellRuntime, exitOnConfigError, processFacts, type ShellRuntime } from "../core/runtime.js";
import { formatTable } from "../core/table.js";
import { type CheckResult, checkStatus, runChecks } from "../crackerjack/checks.js";
import { assertProject, CrackerjackShell, recordCheck } from "../crackerjack/shell.js";
import { detectTools } from "../crackerjack/tools.js";

const program = new Command("crackerjack")
  .description("Crackerjack (inspector): a project's own quality tools, tracked")
  .exitOverride();

const projectOption = (v: string) => {
  try {
    return assertProject(v);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};

program
  .command("shell", { isDefault: true })
  .description("open the tracked admin shell (crack, test, lint, scan, format_code, typecheck, …)")
  .option("--project <dir>", "target project", projectOption)
  .action((opts: { project?: string }) =>
    launchShell(
      "crackerjack",
      (runtime, options) =>
        new CrackerjackShell(runtime, { ...options, ...(opts.project ? { project: opts.project } : {}) }),
    ),
  );

program
  .command("crack")
  .description("run format, lint, typecheck, test and scan; exit 1 when any fails")
  .option("--json", "print only { checks: [{ name, ok, durationMs, summary }] } on stdout")
  .option("--project <dir>", "target project (default: the working directory)", projectOption)
  .action(async (opts: { json?: boolean; project?: string }) => {
    let runtime: ShellRuntime;
    try {
      runtime = createShellRuntime("crackerjack");
    } catch (err) {
      exitOnConfigError(err);
    }
    const project = opts.project ?? process.cwd();
    const session = runtime.client?.start({
      type: "cli",
      component: "crackerjack",
      componentType: "inspector",
      shellType: "crackerjack crack",
      ...processFacts(),
      metadata: { project },
    });
    // A signal stops the running tool (its whole process group) and the checks after it.
    const controller = new AbortController();
    for (const sig of END_SIGNALS) process.once(sig, () => controller.abort(sig));
    // With --json, progress goes to stderr so stdout stays one JSON document.
    const output = opts.json ? process.stderr : process.stdout;
    const color = Boolean(output.isTTY) && pc.isColorSupported;
    const results = await runChecks(detectTools(project), {
      output,
      color,
      spinner: Boolean(output.isTTY),
      signal: controller.signal,
    });
    for (const r of results) await recordCheck(session, project, r);
    if (controller.signal.aborted) {
      const signal = controller.signal.reason as EndSignal;
      if (output.isTTY) output.write("\r\u001b[2K");
      process.stderr.write(`crack: interrupted (${signal})\n`);
      session?.end(signal, ExitCodes[signal], { interrupted: results.at(-1)?.name ?? null });
      await runtime.client?.shutdown(2000);
      process.exit(ExitCodes[signal]);
    }
    const failed = results.filter((r) => !r.ok);
    session?.end(failed.length ? EndReasons.ERROR : EndReasons.EXIT, failed.length ? 1 : 0, {
      failed: failed.map((r) => r.name),
    });
    await runtime.client?.shutdown(5000);
    if (opts.json) {
      process.stdout.write(
        `${JSON.stringify({ checks: results.map(({ name, ok, durationMs, summary }) => ({ name, ok, durationMs: Math.round(durationMs), summary })) }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(`\n${summaryTable(results, color)}\n`);
      process.stdout.write(
        failed.length
          ? `${failed.length} check(s) failed: ${failed.map((r) => r.name).join(", ")}\n`
          : "all checks passed\n",
      );
    }
    process.exit(failed.length ? 1 : 0);
  });

/** One row per check: its status (passed, failed, skipped) and how long it took. */
function summaryTable(results: CheckResult[], color: boolean): string {
  const c = pc.createColors(color);
  const paint = { passed: c.green, failed: c.red, skipped: c.yellow, interrupted: c.yellow };
  return formatTable(
    results.map((r) => {
      const status = checkStatus(r);
      return {
        check: r.name,
        status: paint[status](status),
        duration: r.skipped ? "" : formatDuration(r.durationMs),
        summary: r.summary,
      };
    }),
    { color },
  );
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const code = (err as { code?: string }).code;
  if (code === "commander.helpDisplayed" || code === "commander.version") process.exit(0);
  process.exit(2);
}
