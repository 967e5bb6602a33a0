/**
 * Runs before every test file of both projects. What the caller has configured must not change what a test
 * sees: the product's settings are removed from the environment (TEST_DATABASE_URL and TEST_REDIS_URL stay,
 * they choose the backends), and HOME and the working directory point at an empty directory, so neither an
 * oneiric.yaml in the checkout nor ~/.config/oneiric is read, in this process or in any child it spawns
 * (children inherit all three unless a test sets them on purpose).
 *
 * After the file's last test, and when the worker exits, every process a helper started that is still
 * running is killed (see test/children.ts): a failed or timed-out test leaves no `serve`, shell or CLI
 * behind.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { settingDefinitions } from "../config/settings.js";
import { killTracked } from "./children.js";

/** NODE_ENV is the runner's own (it sets "test"); every other setting's variable goes. */
const SETTING_VARIABLES = new Set<string>(
  Object.values(settingDefinitions).flatMap((d) => (d.env && d.env !== "NODE_ENV" ? [d.env] : [])),
);
const isSetting = (name: string) =>
  SETTING_VARIABLES.has(name) || name.startsWith("SESSION_BUDDY_") || name.startsWith("PROMETHEUS_");

for (const name of Object.keys(process.env)) if (isSetting(name)) delete process.env[name];

const home = mkdtempSync(join(tmpdir(), "sb-home-"));
const { HOME: callerHome } = process.env;
const callerCwd = process.cwd();
process.env.HOME = home;
process.chdir(home);

process.once("exit", killTracked);

afterAll(() => {
  const left = killTracked();
  if (left > 0) console.warn(`killed ${left} process(es) still running after the file's tests`);
  process.chdir(callerCwd);
  if (callerHome === undefined) delete process.env.HOME;
  else process.env.HOME = callerHome;
  rmSync(home, { recursive: true, force: true });
});
