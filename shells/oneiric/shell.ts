import { type ConfigError, displayValue, loadConfig, type ResolvedConfig } from "../../config/resolve.js";
import { isSecretKey, type SettingKey, settingDefinitions } from "../../config/settings.js";
import { AdminShell, type AdminShellOptions } from "../core/admin-shell.js";

export interface LayerRow {
  key: string;
  value: string;
  layer: string;
  source: string;
  env: string;
}

/** Rows for every setting: its shown value (secrets masked), the layer that set it and from where. */
export function layerRows(config: ResolvedConfig): LayerRow[] {
  return (Object.keys(settingDefinitions) as SettingKey[]).map((key) => ({
    key,
    value: displayValue(key, config.settings[key]),
    layer: config.provenance[key].layer,
    source: config.provenance[key].source,
    env: settingDefinitions[key].env ?? "(files only)",
  }));
}

/**
 * Oneiric (foundation): the live layered configuration — defaults, project file, user file, environment,
 * flags — with the layer that set each key.
 */
export class OneiricShell extends AdminShell {
  private config: ResolvedConfig;

  constructor(config: ResolvedConfig, options: AdminShellOptions = {}) {
    super(
      { name: "oneiric", componentType: "foundation", adapters: ["yaml", "json", "env", "flags"] },
      options,
    );
    this.config = config;
    this.helper(
      "show_layers",
      "show_layers(filter?)",
      "Every setting, its value (secrets masked) and the layer that set it",
      (filter?: string) => {
        const rows = layerRows(this.config).filter(
          (r) => !filter || r.key.toLowerCase().includes(String(filter).toLowerCase()),
        );
        if (this.config.files.length) this.print(`files: ${this.config.files.join(", ")}`);
        else this.print("files: none (oneiric.yaml in the working directory, ~/.config/oneiric/config.yaml)");
        return this.table(rows);
      },
    );
    this.helper(
      "reload_settings",
      "reload_settings()",
      "Re-read files and environment; show what changed",
      () => {
        const before = this.config;
        const after = loadConfig();
        this.config = after;
        const changed = (Object.keys(settingDefinitions) as SettingKey[])
          .filter(
            (k) =>
              JSON.stringify(before.settings[k]) !== JSON.stringify(after.settings[k]) ||
              before.provenance[k].source !== after.provenance[k].source,
          )
          .map((key) => ({
            key,
            before: displayValue(key, before.settings[key]),
            after: displayValue(key, after.settings[key]),
            layer: after.provenance[key].layer,
            source: after.provenance[key].source,
          }));
        if (changed.length === 0) this.print("settings reloaded: nothing changed");
        else this.print(`settings reloaded: ${changed.length} changed`);
        return this.table(changed);
      },
    );
    this.helper("validate_config", "validate_config()", "Check every layer; one line per bad key", () => {
      try {
        const fresh = loadConfig();
        const secrets = (Object.keys(settingDefinitions) as SettingKey[]).filter(
          (k) => isSecretKey(k) && fresh.settings[k] !== undefined,
        );
        this.print(`configuration is valid (${fresh.files.length} file(s), ${secrets.length} secret(s) set)`);
        return { ok: true, files: fresh.files, problems: [] as string[] };
      } catch (err) {
        const problems = (err as ConfigError).problems ?? [String(err)];
        this.print(`configuration is invalid:\n${problems.map((p) => `  ✗ ${p}`).join("\n")}`);
        return { ok: false, files: [], problems };
      }
    });
  }
}
