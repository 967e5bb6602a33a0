import { detectedActorKind } from "../../config/resolve.js";
import type { SettingKey } from "../../config/settings.js";
import type { AdminShell, AdminShellOptions } from "./admin-shell.js";
import { createShellRuntime, exitOnConfigError, type ShellRuntime } from "./runtime.js";

/**
 * Opens a component's tracked shell from the layered configuration: the one way every bin starts a shell.
 *
 * @example
 * await launchShell("oneiric", (runtime, options) => new OneiricShell(runtime.config, options));
 */
export async function launchShell(
  component: string,
  build: (runtime: ShellRuntime, options: AdminShellOptions) => AdminShell,
  flags: Partial<Record<SettingKey, unknown>> = {},
): Promise<void> {
  let runtime: ShellRuntime;
  try {
    runtime = createShellRuntime(component, flags);
  } catch (err) {
    exitOnConfigError(err);
  }
  const options: AdminShellOptions = {
    ...(runtime.client ? { client: runtime.client } : { tracking: false }),
    ...(runtime.trackingDisabledReason ? { trackingDisabledReason: runtime.trackingDisabledReason } : {}),
    trackCommands: runtime.trackCommands,
    requireReason: runtime.requireReason,
    askReason: runtime.askReason,
    actorKind: detectedActorKind(),
    ...(runtime.reason ? { reason: runtime.reason } : {}),
    dataDir: runtime.settings.dataDir,
  };
  await build(runtime, options).start();
}
