#!/usr/bin/env node
import { Command } from "commander";
import { launchShell } from "../core/launch.js";
import { FastBlocksShell } from "../fastblocks/shell.js";

const program = new Command("fastblocks").description("FastBlocks (builder): the service's web side");
program
  .command("shell", { isDefault: true })
  .description("open the tracked admin shell (routes, build, render, auth)")
  .action(() => launchShell("fastblocks", (runtime, options) => new FastBlocksShell(runtime, options)));
program
  .command("build")
  .description("build the dashboard's assets into dist/web")
  .action(async () => {
    const { buildDashboard, formatBuildReport } = await import("../../api/dashboard/build.js");
    const result = await buildDashboard();
    console.log(formatBuildReport(result));
  });
await program.parseAsync(process.argv);
