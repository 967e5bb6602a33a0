import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve as resolvePath } from "node:path";
import { parseDocument } from "yaml";
import { detectActorKind } from "./actor-kind.js";
import { redactUrl } from "./redact-url.js";
import { isSecretKey, type SettingKey, type Settings, settingDefinitions } from "./settings.js";

/** Layers, lowest first. A higher layer overrides a lower one key by key. */
export const Layers = ["default", "project", "user", "env", "flag"] as const;
export type Layer = (typeof Layers)[number];

export interface Provenance {
  layer: Layer;
  /** File path, environment variable or flag that set the value. */
  source: string;
}

export interface ResolvedConfig {
  settings: Settings;
  provenance: Record<SettingKey, Provenance>;
  /** Files that were found and read, lowest layer first. */
  files: string[];
}

export interface ResolveInput {
  env: Record<string, string | undefined>;
  cwd: string;
  homeDir: string;
  flags?: Partial<Record<SettingKey, unknown>>;
}

export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

const KEYS = Object.keys(settingDefinitions) as SettingKey[];

function readConfigFile(path: string): Record<string, unknown> {
  const text = readFileSync(path, "utf8");
  let data: unknown;
  try {
    data = path.endsWith(".json") ? JSON.parse(text) : parseYamlFile(text);
  } catch (err) {
    throw new ConfigError([`${path}: cannot parse: ${(err as Error).message.split("\n")[0]}`]);
  }
  if (data == null) return {};
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new ConfigError([`${path}: must hold a mapping of settings`]);
  }
  return data as Record<string, unknown>;
}

/**
 * YAML as data, or the first problem: an error or a warning (an unknown `!!tag`, say) is a configuration the
 * operator should fix, said once as a ConfigError rather than printed as a process warning.
 */
function parseYamlFile(text: string): unknown {
  const doc = parseDocument(text, { logLevel: "silent" });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw problem;
  return doc.toJS({ maxAliasCount: 100 });
}

/** Files of the project and user layers, in the order they apply. */
export function configFiles(cwd: string, homeDir: string): { layer: Layer; path: string }[] {
  const out: { layer: Layer; path: string }[] = [];
  for (const name of ["oneiric.yaml", "oneiric.yml", "oneiric.json"]) {
    const p = join(cwd, name);
    if (existsSync(p)) {
      out.push({ layer: "project", path: p });
      break;
    }
  }
  for (const name of ["config.yaml", "config.yml", "config.json"]) {
    const p = join(homeDir, ".config", "oneiric", name);
    if (existsSync(p)) {
      out.push({ layer: "user", path: p });
      break;
    }
  }
  return out;
}

/** One layer's values, each with where it came from. */
interface LayerValues {
  layer: Layer;
  values: Map<SettingKey, { value: unknown; source: string }>;
}

/**
 * Reads every layer above the defaults — files, environment, flags — as it is, without merging: problems
 * of the files themselves (unparsable, unknown keys) are collected, values are not validated yet.
 */
function readLayers(input: ResolveInput): { layers: LayerValues[]; problems: string[]; files: string[] } {
  const layers: LayerValues[] = [];
  const problems: string[] = [];
  const files = configFiles(input.cwd, input.homeDir);
  for (const { layer, path } of files) {
    let data: Record<string, unknown>;
    try {
      data = readConfigFile(path);
    } catch (err) {
      problems.push(...(err instanceof ConfigError ? err.problems : [String(err)]));
      continue;
    }
    const values: LayerValues["values"] = new Map();
    for (const [k, v] of Object.entries(data)) {
      // Own keys only: `constructor` or `__proto__` in a file is an unknown key, not Object's.
      if (!Object.hasOwn(settingDefinitions, k)) {
        problems.push(`${path}: unknown key ${JSON.stringify(k)} (known: ${KEYS.join(", ")})`);
        continue;
      }
      values.set(k as SettingKey, { value: v, source: path });
    }
    layers.push({ layer, values });
  }

  const env: LayerValues["values"] = new Map();
  for (const key of KEYS) {
    const name = settingDefinitions[key].env;
    const value = name ? input.env[name] : undefined;
    if (name && value !== undefined && value !== "") env.set(key, { value, source: name });
  }
  layers.push({ layer: "env", values: env });

  const flags: LayerValues["values"] = new Map();
  for (const [k, v] of Object.entries(input.flags ?? {})) {
    if (v === undefined) continue;
    flags.set(k as SettingKey, {
      value: v,
      source: `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    });
  }
  layers.push({ layer: "flag", values: flags });
  return { layers, problems, files: files.map((f) => f.path) };
}

/** The problem with `value` for `key`, as one line, or undefined when it is valid. */
function problemWith(key: SettingKey, value: unknown, source: string): string | undefined {
  const parsed = settingDefinitions[key].schema.safeParse(value);
  if (parsed.success) return undefined;
  const shown = isSecretKey(key) ? "(hidden)" : shownValue(value);
  const issue = parsed.error.issues[0];
  const path = issue?.path.length ? ` (${key}.${issue.path.join(".")})` : "";
  return `${key} = ${shown} from ${source}: ${issue?.message ?? "invalid"}${path}`;
}

/**
 * Resolves every setting through the layers default → project file → user file → environment → flags,
 * recording which layer set each value. Every invalid key is reported, one line each, in one ConfigError.
 *
 * @example
 * const { settings, provenance } = resolveConfig({ env: process.env, cwd: process.cwd(), homeDir: homedir() });
 * provenance.port; // { layer: "env", source: "SESSION_BUDDY_PORT" }
 */
export function resolveConfig(input: ResolveInput): ResolvedConfig {
  const raw = {} as Record<SettingKey, unknown>;
  const provenance = {} as Record<SettingKey, Provenance>;
  for (const key of KEYS) {
    raw[key] = settingDefinitions[key].default;
    provenance[key] = { layer: "default", source: "built-in" };
  }

  const { layers, problems, files } = readLayers(input);
  for (const { layer, values } of layers) {
    for (const [key, { value, source }] of values) {
      raw[key] = value;
      provenance[key] = { layer, source };
    }
  }

  const settings = {} as Record<SettingKey, unknown>;
  for (const key of KEYS) {
    const parsed = settingDefinitions[key].schema.safeParse(raw[key]);
    if (parsed.success) settings[key] = parsed.data;
    else problems.push(problemWith(key, raw[key], provenance[key].source) as string);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const s = settings as Settings;
  s.dataDir = expandHome(s.dataDir, input.homeDir, input.cwd);
  // A client on the service's own machine follows where it listens unless told otherwise.
  if (
    provenance.url.layer === "default" &&
    (provenance.port.layer !== "default" || provenance.host.layer !== "default")
  ) {
    const host =
      s.host === "0.0.0.0" || s.host === "::" ? "127.0.0.1" : s.host.includes(":") ? `[${s.host}]` : s.host;
    s.url = `http://${host}:${s.port}/graphql`;
    provenance.url = {
      layer: provenance.port.layer,
      source: `${provenance.host.source} + ${provenance.port.source}`,
    };
  }
  return { settings: s, provenance, files };
}

/** What {@link checkLayers} found. */
export interface LayerCheck {
  /** Files that were found, lowest layer first. */
  files: string[];
  /**
   * One line per problem, in every layer: files that cannot be read, unknown keys, and each bad value —
   * also one a higher layer overrides today (it would apply the day that layer stops setting the key);
   * such a line ends with `(overridden by SOURCE)`.
   */
  problems: string[];
  /** The problems that make the configuration fail now (those {@link resolveConfig} reports). */
  effective: string[];
}

/**
 * Checks every layer on its own, not only the values that win: a bad port in oneiric.yaml is reported even
 * while SESSION_BUDDY_PORT overrides it. Never throws.
 *
 * @example
 * const { problems } = checkLayers({ env: process.env, cwd: process.cwd(), homeDir: homedir() });
 * // ["port = \"eighty\" from /srv/oneiric.yaml: … (overridden by SESSION_BUDDY_PORT)"]
 */
export function checkLayers(input: ResolveInput): LayerCheck {
  const { layers, problems, files } = readLayers(input);
  const effective = [...problems];
  const all = [...problems];
  const winner = new Map<SettingKey, string>();
  for (const { values } of layers) for (const [key, { source }] of values) winner.set(key, source);
  for (const { values } of layers) {
    for (const [key, { value, source }] of values) {
      const problem = problemWith(key, value, source);
      if (!problem) continue;
      const wins = winner.get(key) === source;
      all.push(wins ? problem : `${problem} (overridden by ${winner.get(key)})`);
      if (wins) effective.push(problem);
    }
  }
  return { files, problems: all, effective };
}

/** {@link checkLayers} of this process's environment, working directory and home. */
export function checkConfig(flags?: Partial<Record<SettingKey, unknown>>): LayerCheck {
  return checkLayers({ env: process.env, cwd: process.cwd(), homeDir: homedir(), flags });
}

/** A bad value as one line of a problem: JSON, cut when long; a value JSON cannot show (a cycle) is named so. */
function shownValue(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return "(a value that refers to itself)";
  }
  if (text === undefined) return String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function expandHome(p: string, homeDir: string, cwd: string): string {
  if (p === "~") return homeDir;
  if (p.startsWith("~/")) return join(homeDir, p.slice(2));
  return resolvePath(cwd, p);
}

/**
 * The one place the process environment is read. Programs call this once at start-up.
 */
export function loadConfig(flags?: Partial<Record<SettingKey, unknown>>): ResolvedConfig {
  return resolveConfig({ env: process.env, cwd: process.cwd(), homeDir: homedir(), flags });
}

/** Who is at this process's prompt, as far as its environment and terminal tell (config/actor-kind.ts). */
export const detectedActorKind = () => detectActorKind(process.env, process.stdin.isTTY === true);

/** A value as it may be shown to an operator: secrets masked, keeping a hint of their shape. */
export function displayValue(key: SettingKey, value: unknown): string {
  if (value === undefined) return "(unset)";
  if (isSecretKey(key) && typeof value === "string") {
    if (key === "databaseUrl" || key === "redisUrl") return redactUrl(value);
    return `**** (${value.length} chars)`;
  }
  // A list of targets (alerts): everything shown but each secret.
  if (isSecretKey(key) && Array.isArray(value))
    return JSON.stringify(value, (k, v: unknown) => (k === "secret" ? "****" : v));
  return typeof value === "string" ? value : JSON.stringify(value);
}
