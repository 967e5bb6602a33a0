import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The checks Crackerjack knows, in the order `crack()` runs them. */
export const CheckNames = ["format", "lint", "typecheck", "test", "scan"] as const;
export type CheckName = (typeof CheckNames)[number];

export interface Tool {
  check: CheckName;
  /** argv: the program and its arguments, run in the project directory without a shell. */
  command: string[];
  /** Why this tool: "package.json script lint", "biome.json", … */
  source: string;
  /** The command that fixes what the check reports, when there is one (format). */
  fix?: string[];
}

export interface Detection {
  project: string;
  tools: Partial<Record<CheckName, Tool>>;
  /** Checks with nothing to run, and why. */
  missing: Partial<Record<CheckName, string>>;
}

const NPM_DEFAULT_TEST = /no test specified/;
const HERE = dirname(fileURLToPath(import.meta.url));
/** Session-Buddy's own tools: from dist/shells/crackerjack, or from the source tree. */
const OWN_BIN =
  [join(HERE, "..", "..", "..", "node_modules", ".bin"), join(HERE, "..", "..", "node_modules", ".bin")].find(
    (d) => existsSync(join(d, "tsc")),
  ) ?? join(HERE, "..", "..", "..", "node_modules", ".bin");

/**
 * A tool binary: the project's own first (its pinned version), then the one Session-Buddy ships with, then
 * the PATH.
 */
export function binary(project: string, name: string): string {
  for (const dir of [join(project, "node_modules", ".bin"), OWN_BIN]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return name;
}

interface PackageJson {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readPackage(project: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as PackageJson;
  } catch {
    return undefined;
  }
}

const anyFile = (project: string, names: string[]) => names.find((n) => existsSync(join(project, n)));

/** Finds the project's own tools for each check. */
export function detectTools(project: string): Detection {
  const pkg = readPackage(project);
  const scripts = pkg?.scripts ?? {};
  const deps = { ...pkg?.dependencies, ...pkg?.devDependencies };
  const tools: Detection["tools"] = {};
  const missing: Detection["missing"] = {};
  const npmRun = (script: string): Tool["command"] => ["npm", "run", "--silent", script];

  // format: a check that changes nothing; the fix is the formatter in write mode.
  const biomeConfig = anyFile(project, ["biome.json", "biome.jsonc"]);
  const prettierConfig = anyFile(project, [
    ".prettierrc",
    ".prettierrc.json",
    ".prettierrc.yaml",
    "prettier.config.js",
    ".prettierrc.js",
  ]);
  if (scripts["format:check"])
    tools.format = {
      check: "format",
      command: npmRun("format:check"),
      source: "package.json script format:check",
    };
  else if (biomeConfig) {
    tools.format = {
      check: "format",
      command: [binary(project, "biome"), "format", "."],
      fix: [binary(project, "biome"), "format", "--write", "."],
      source: biomeConfig,
    };
  } else if (prettierConfig || deps.prettier) {
    tools.format = {
      check: "format",
      command: [binary(project, "prettier"), "--check", "."],
      fix: [binary(project, "prettier"), "--write", "."],
      source: prettierConfig ?? "prettier dependency",
    };
  } else missing.format = "no formatter configured (biome.json, .prettierrc or a format:check script)";

  const eslintConfig = anyFile(project, [
    "eslint.config.js",
    "eslint.config.mjs",
    ".eslintrc",
    ".eslintrc.json",
    ".eslintrc.js",
  ]);
  if (scripts.lint)
    tools.lint = { check: "lint", command: npmRun("lint"), source: "package.json script lint" };
  else if (biomeConfig)
    tools.lint = { check: "lint", command: [binary(project, "biome"), "lint", "."], source: biomeConfig };
  else if (eslintConfig)
    tools.lint = { check: "lint", command: [binary(project, "eslint"), "."], source: eslintConfig };
  else missing.lint = "no linter configured (a lint script, biome.json or an ESLint config)";

  if (scripts.typecheck)
    tools.typecheck = {
      check: "typecheck",
      command: npmRun("typecheck"),
      source: "package.json script typecheck",
    };
  else if (existsSync(join(project, "tsconfig.json"))) {
    tools.typecheck = {
      check: "typecheck",
      command: [binary(project, "tsc"), "--noEmit", "-p", "tsconfig.json"],
      source: "tsconfig.json",
    };
  } else missing.typecheck = "no tsconfig.json or typecheck script";

  if (scripts.test && !NPM_DEFAULT_TEST.test(scripts.test)) {
    tools.test = { check: "test", command: npmRun("test"), source: "package.json script test" };
  } else if (deps.vitest)
    tools.test = { check: "test", command: [binary(project, "vitest"), "run"], source: "vitest dependency" };
  else missing.test = "no test script or test runner dependency";

  if (!pkg) missing.scan = "no package.json";
  else if (Object.keys(deps).length === 0) {
    missing.scan = "nothing to scan, package.json has no dependencies";
  } else if (!anyFile(project, ["package-lock.json", "npm-shrinkwrap.json"])) {
    missing.scan = "no package-lock.json (npm audit needs one)";
  } else tools.scan = { check: "scan", command: ["npm", "audit", "--json"], source: "package-lock.json" };

  return { project, tools, missing };
}

export interface HookInfo {
  hook: string;
  path: string;
  source: string;
}

/** Installed git hooks of the project: `.git/hooks` (not the samples), `core.hooksPath`, husky. */
export function listHooks(project: string): HookInfo[] {
  const out: HookInfo[] = [];
  const seen = new Set<string>();
  const scan = (dir: string, source: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name.endsWith(".sample") || name.startsWith(".") || name === "_") continue;
      const st = statSync(path);
      if (!st.isFile() || (st.mode & 0o111) === 0 || seen.has(path)) continue;
      seen.add(path);
      out.push({ hook: name, path, source });
    }
  };
  let hooksPath: string | undefined;
  try {
    const config = readFileSync(join(project, ".git", "config"), "utf8");
    hooksPath = /^\s*hooksPath\s*=\s*(.+)$/m.exec(config)?.[1]?.trim();
  } catch {
    // not a git checkout, or a worktree
  }
  if (hooksPath) scan(join(project, hooksPath), `core.hooksPath ${hooksPath}`);
  scan(join(project, ".git", "hooks"), ".git/hooks");
  scan(join(project, ".husky"), "husky");
  return out;
}
