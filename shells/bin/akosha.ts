#!/usr/bin/env node
import { Command } from "commander";
import { AkoshaShell } from "../akosha/shell.js";
import { launchShell } from "../core/launch.js";

const program = new Command("akosha").description(
  "Akosha (diviner): analytics over every component's sessions",
);
program
  .command("shell", { isDefault: true })
  .description("open the tracked admin shell (aggregate, search, detect, graph, trends)")
  .action(() => launchShell("akosha", (runtime, options) => new AkoshaShell(runtime, options)));
await program.parseAsync(process.argv);
