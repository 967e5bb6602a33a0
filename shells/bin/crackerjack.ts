#!/usr/bin/env node
import { Command, InvalidArgumentError } from "commander";
import pc from "picocolors";
import { END_SIGNALS, type EndSignal } from "../../contract/enums.js";
import { launchShell } from "../core/launch.js";
import { createShellRuntime, exitOnConfigError, processFacts, type ShellRuntime } from "../core/runtime.js";
import { runChecks } from "../crackerjack/checks.js";
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
    const endOn = (signal: EndSignal) => {
      session?.end(signal, 130);
      runtime.client?.shutdownSync();
      process.exit(130);
    };
    for (const sig of END_SIGNALS) process.once(sig, () => endOn(sig));
    // With --json, progress goes to stderr so stdout stays one JSON document.
    const output = opts.json ? process.stderr : process.stdout;
    const results = await runChecks(detectTools(project), {
      output,
      color: Boolean(output.isTTY) && pc.isColorSupported,
      spinner: Boolean(output.isTTY),
    });
    for (const r of results) await recordCheck(session, project, r);
    const failed = results.filter((r) => !r.ok);
    session?.end(failed.length ? "ERROR" : "EXIT", failed.length ? 1 : 0, {
      failed: failed.map((r) => r.name),
    });
    await runtime.client?.shutdown(5000);
    if (opts.json) {
      process.stdout.write(
        `${JSON.stringify({ checks: results.map(({ name, ok, durationMs, summary }) => ({ name, ok, durationMs: Math.round(durationMs), summary })) }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(
        failed.length
          ? `${failed.length} check(s) failed: ${failed.map((r) => r.name).join(", ")}\n`
          : "all checks passed\n",
      );
    }
    process.exit(failed.length ? 1 : 0);
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const code = (err as { code?: string }).code;
  if (code === "commander.helpDisplayed" || code === "commander.version") process.exit(0);
  process.exit(2);
}
