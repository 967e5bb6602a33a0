import {
  ConfigError,
  checkConfig,
  displayValue,
  loadConfig,
  type ResolvedConfig,
} from "../../config/resolve.js";
import { isSecretKey, type SettingKey, settingDefinitions } from "../../config/settings.js";
import { AdminShell, type AdminShellOptions } from "../core/admin-shell.js";
import { fields, summarised } from "../core/result.js";

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
        if (filter && rows.length === 0) this.print(`no setting matches "${filter}"`);
        return this.table(rows);
      },
      { args: [{ name: "filter", kind: "string", what: "part of a setting's name" }] },
    );
    this.helper(
      "reload_settings",
      "reload_settings()",
      "Re-read files and environment; show what changed",
      () => {
        const before = this.config;
        let after: ResolvedConfig;
        try {
          after = loadConfig();
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          throw new Error(
            `not reloaded, the configuration is invalid (validate_config() lists every problem):\n  ${err.problems.join("\n  ")}`,
          );
        }
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
      { args: [] },
    );
    this.helper(
      "validate_config",
      "validate_config()",
      "Check every layer (also values a higher layer overrides); one line per bad key",
      () => {
        // Every layer on its own: a bad value in oneiric.yaml counts even while the environment overrides it.
        const check = checkConfig();
        const result = {
          ok: check.problems.length === 0,
          files: check.files,
          problems: check.problems,
          /** The problems that stop the configuration from loading now. */
          effective: check.effective,
        };
        if (result.ok) {
          const fresh = loadConfig();
          const secrets = (Object.keys(settingDefinitions) as SettingKey[]).filter(
            (k) => isSecretKey(k) && fresh.settings[k] !== undefined,
          );
          this.print(
            `configuration is valid (${fresh.files.length} file(s), ${secrets.length} secret(s) set)`,
          );
        } else {
          const overridden = check.problems.length - check.effective.length;
          this.print(
            `configuration is invalid: ${check.problems.length} problem(s)${
              overridden > 0 ? `, ${overridden} in values another layer overrides now` : ""
            }\n${check.problems.map((p) => `  ✗ ${p}`).join("\n")}`,
          );
        }
        return summarised(result, (r) =>
          r.ok
            ? `valid — ${fields("files")}`
            : `${r.problems.length} problem(s) in ${r.files.length} file(s) and the environment — ${fields("problems", "effective")}`,
        );
      },
      { args: [] },
    );
    const secretKeys = () => (Object.keys(settingDefinitions) as SettingKey[]).filter(isSecretKey);
    this.helper(
      "reveal_setting",
      "reveal_setting(key)",
      "A secret setting's value, unmasked",
      (key: string) => {
        const value = this.config.settings[key as SettingKey];
        if (value === undefined) return `${key} is not set`;
        return String(value);
      },
      {
        requiresSensitive: true,
        args: [{ name: "key", kind: "string", required: true, oneOf: secretKeys, what: "a secret setting" }],
      },
    );
  }
}
