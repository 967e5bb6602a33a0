#!/usr/bin/env node
import { Command } from "commander";
import pc from "picocolors";
import { END_SIGNALS, ExitCodes } from "../../contract/enums.js";
import { launchShell } from "../core/launch.js";
import { createShellRuntime, exitOnConfigError, type ShellRuntime } from "../core/runtime.js";
import { MahavishnuShell } from "../mahavishnu/shell.js";
import { runWorkflow } from "../mahavishnu/workflows.js";

const program = new Command("mahavishnu")
  .description("Mahavishnu (orchestrator): workflows from the configuration, tracked as sessions")
  .exitOverride();

program
  .command("shell", { isDefault: true })
  .description("open the tracked admin shell (workflows, run, ps, top, errors, sync)")
  .action(() => launchShell("mahavishnu", (runtime, options) => new MahavishnuShell(runtime, options)));

program
  .command("workflows")
  .description("list the workflows defined in the configuration")
  .action(() => {
    let runtime: ShellRuntime;
    try {
      runtime = createShellRuntime("mahavishnu", { tracking: false });
    } catch (err) {
      exitOnConfigError(err);
    }
    const all = Object.entries(runtime.settings.workflows);
    if (all.length === 0) console.log("no workflows: define them under `workflows:` in oneiric.yaml");
    for (const [name, steps] of all) console.log(`${pc.bold(name)}: ${steps.map((s) => s.name).join(" → ")}`);
  });

program
  .command("run")
  .description("run a workflow's steps in order; exit 1 when a step fails")
  .argument("<name>", "workflow name")
  .action(async (name: string) => {
    let runtime: ShellRuntime;
    try {
      runtime = createShellRuntime("mahavishnu");
    } catch (err) {
      exitOnConfigError(err);
    }
    const steps = runtime.settings.workflows[name];
    if (!steps) {
      const known = Object.keys(runtime.settings.workflows);
      process.stderr.write(`mahavishnu: no workflow "${name}" (defined: ${known.join(", ") || "none"})\n`);
      await runtime.client?.shutdown(1000);
      process.exit(1);
    }
    const controller = new AbortController();
    for (const sig of END_SIGNALS) process.once(sig, () => controller.abort(sig));
    const result = await runWorkflow({
      name,
      steps,
      cwd: process.cwd(),
      client: runtime.client,
      color: process.stdout.isTTY === true && pc.isColorSupported,
      signal: controller.signal,
    });
    await runtime.client?.shutdown(5000);
    // Interrupted: 128 + the signal's number, as shells report it (Ctrl-C → 130).
    process.exit(result.interrupted ? ExitCodes[result.interrupted] : result.ok ? 0 : 1);
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const code = (err as { exitCode?: number; code?: string }).code;
  if (code === "commander.helpDisplayed" || code === "commander.version") process.exit(0);
  process.exit(2);
}
