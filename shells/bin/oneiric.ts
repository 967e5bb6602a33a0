#!/usr/bin/env node
import { Command } from "commander";
import { launchShell } from "../core/launch.js";
import { OneiricShell } from "../oneiric/shell.js";

const program = new Command("oneiric").description("Oneiric (foundation): layered configuration");
program
  .command("shell", { isDefault: true })
  .description("open the tracked admin shell")
  .action(() => launchShell("oneiric", (runtime, options) => new OneiricShell(runtime.config, options)));
await program.parseAsync(process.argv);
