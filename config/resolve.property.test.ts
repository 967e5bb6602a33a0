/**
 * Properties of the layered resolver over arbitrary environments and project/user files (valid and
 * garbage): it returns settings or fails with its ConfigError (one line per bad key), never anything else;
 * a valid value set in one layer is what resolves when no higher layer sets the key; higher layers win.
 *
 * Runs are deterministic: the seed is FC_SEED when set, else a fixed default; a failure prints the seed and
 * the counterexample's path, so `FC_SEED=<seed>` replays it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve as resolvePath } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify as toYaml } from "yaml";
import { ConfigError, type Layer, type ResolvedConfig, resolveConfig } from "./resolve.js";
import { type SettingKey, settingDefinitions } from "./settings.js";

const SEED = Number(process.env.FC_SEED ?? 20241124);
const runs = (numRuns: number) => ({ seed: SEED, numRuns });

const KEYS = Object.keys(settingDefinitions) as SettingKey[];
const ENV_NAMES = KEYS.flatMap((k) =>
  settingDefinitions[k].env ? [settingDefinitions[k].env as string] : [],
);

let base = "";
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "cfg-prop-"));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A fresh working directory and home for one run. */
function place() {
  const root = mkdtempSync(join(base, "run-"));
  const cwd = join(root, "cwd");
  const home = join(root, "home");
  mkdirSync(cwd);
  mkdirSync(join(home, ".config", "oneiric"), { recursive: true });
  return { root, cwd, home, userDir: join(home, ".config", "oneiric") };
}

type FileName = "yaml" | "yml" | "json";
interface FileSpec {
  ext: FileName;
  text: string;
}
const writeFiles = (p: ReturnType<typeof place>, project?: FileSpec, user?: FileSpec) => {
  if (project) writeFileSync(join(p.cwd, `oneiric.${project.ext}`), project.text);
  if (user) writeFileSync(join(p.userDir, `config.${user.ext}`), user.text);
  return {
    project: project && join(p.cwd, `oneiric.${project.ext}`),
    user: user && join(p.userDir, `config.${user.ext}`),
  };
};

/** The outcome of one resolution: settings, the documented ConfigError, or anything else (a bug). */
function attempt(
  input: Parameters<typeof resolveConfig>[0],
):
  | { ok: true; config: ResolvedConfig }
  | { ok: false; error: ConfigError }
  | { ok: "unexpected"; error: unknown } {
  try {
    return { ok: true, config: resolveConfig(input) };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, error };
    return { ok: "unexpected", error };
  }
}

const describeError = (e: unknown) =>
  e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);

// ---------------------------------------------------------------------------------------------------
// Arbitraries: garbage

/** Any string, with NUL, control characters, newlines and astral code points. */
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ unit: "binary-ascii", maxLength: 30 }),
  fc.string({ maxLength: 30 }),
);

/** Pieces YAML gives meaning to, so that random joins reach anchors, aliases, tags, flow and block forms. */
const YAML_TOKENS = [
  ...KEYS,
  "bogus",
  "toString",
  "__proto__",
  ": ",
  ":",
  "\n",
  "  ",
  "- ",
  "[",
  "]",
  "{",
  "}",
  ",",
  "&a ",
  "*a",
  "&b ",
  "*b",
  "!!binary aGVsbG8=",
  "!!set ",
  "!!omap ",
  "!!timestamp 2001-12-14",
  "!!str ",
  "!!int ",
  "!!float ",
  "? ",
  "|\n  ",
  ">\n  ",
  "'",
  '"',
  "#",
  "~",
  "null",
  "true",
  "off",
  "0x1F",
  ".inf",
  ".nan",
  "-.inf",
  "1e400",
  "8678",
  "-1",
  "99999",
  "---\n",
  "...\n",
  "%YAML 1.2\n",
  "<<: *a\n",
  "\t",
  "\u0000",
  "\ufeff",
];
const yamlSoup = fc.array(fc.constantFrom(...YAML_TOKENS), { maxLength: 25 }).map((t) => t.join(""));

/** Lines `key: value` with YAML's sharper edges: self-referencing aliases, tags, deep nesting, bombs. */
const yamlSnippet = fc
  .tuple(
    fc.constantFrom(...KEYS),
    fc.constantFrom(
      "&a [*a]",
      "&a {x: *a}",
      "!!binary aGVsbG8=",
      "!!timestamp 2001-12-14",
      "!!set {a, b}",
      "!!omap [a: 1]",
      "[1, 2",
      "{a: 1, a: 2}",
      `${"[".repeat(200)}${"]".repeat(200)}`,
      `${"[".repeat(5000)}${"]".repeat(5000)}`,
      ".nan",
      "-.inf",
      "0o17",
      "'\u0000'",
      '"\\u0000"',
      '"\\ud800"',
      "null",
      "~",
      "",
    ),
  )
  .map(([k, v]) => `${k}: ${v}\n`);

/** A bomb of nested aliases (the "billion laughs"). */
const aliasBomb = fc.integer({ min: 2, max: 12 }).map((n) => {
  let s = 'a0: &a0 ["lol"]\n';
  for (let i = 1; i < n; i++)
    s += `a${i}: &a${i} [${Array(9)
      .fill(`*a${i - 1}`)
      .join(",")}]\n`;
  return `${s}port: *a${n - 1}\n`;
});

/** Any JSON-compatible value a file or a flag might hold for a key. */
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  anyText,
  fc.constantFrom(
    0,
    -1,
    1.5,
    65536,
    Number.POSITIVE_INFINITY,
    true,
    false,
    null,
    "",
    " ",
    "8678",
    "yes",
    "strict",
    [],
    {},
  ),
);

/** A file whose content is a mapping of known and unknown keys to arbitrary values. */
const structuredFile = fc
  .dictionary(
    fc.oneof(fc.constantFrom(...KEYS), fc.constantFrom("bogus", "Port", "data_dir"), anyText),
    anyValue,
    {
      maxKeys: 6,
    },
  )
  .chain((data) =>
    fc.constantFrom<FileName>("yaml", "yml", "json").map((ext): FileSpec => {
      let text: string;
      try {
        text = ext === "json" ? JSON.stringify(data) : toYaml(data);
      } catch {
        text = JSON.stringify(data);
      }
      return { ext, text };
    }),
  );

const garbageFile: fc.Arbitrary<FileSpec> = fc.record({
  ext: fc.constantFrom<FileName>("yaml", "yml", "json"),
  text: fc.oneof(
    anyText,
    yamlSoup,
    yamlSnippet,
    fc.array(yamlSnippet, { minLength: 1, maxLength: 4 }).map((l) => l.join("")),
    aliasBomb,
    fc.json({ maxDepth: 3 }),
    fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b).toString("latin1")),
  ),
});

const anyFile = fc.option(fc.oneof(structuredFile, garbageFile), { nil: undefined });

const anyEnv = fc.dictionary(
  fc.oneof(fc.constantFrom(...ENV_NAMES), fc.string({ maxLength: 8 })),
  fc.oneof(anyText, fc.constantFrom("", "0", "on", "8678", "http://h:1/graphql")),
  { maxKeys: 8 },
);

const anyFlags = fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(anyValue, fc.constant(undefined)), {
  maxKeys: 4,
});

// ---------------------------------------------------------------------------------------------------
// Arbitraries: valid values, with their file/flag form, their environment form and what they resolve to

interface Valid {
  value: unknown;
  env?: string;
  resolved: (where: { cwd: string; home: string }) => unknown;
}
const same = (v: unknown) => (): unknown => v;
const word = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,11}$/);
const mixedCase = (s: string) =>
  fc
    .array(fc.boolean(), { minLength: s.length, maxLength: s.length })
    .map((up) => [...s].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(""));
const wellFormed = fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 });
const positive = (max: number) => fc.double({ min: Number.MIN_VALUE, max, noNaN: true });
const numberOf = (arb: fc.Arbitrary<number>): fc.Arbitrary<Valid> =>
  arb.map((n) => ({ value: n, env: String(n), resolved: same(n) }));
const boolOf: fc.Arbitrary<Valid> = fc.oneof(
  fc.boolean().map((b) => ({ value: b, env: String(b), resolved: same(b) })),
  fc
    .constantFrom(
      ["1", true],
      ["true", true],
      ["yes", true],
      ["on", true],
      ["0", false],
      ["false", false],
      ["no", false],
      ["off", false],
    )
    .chain(([s, b]) =>
      fc
        .tuple(mixedCase(s as string), fc.constantFrom("", " ", "\t"))
        .map(([t, pad]) => ({ value: `${pad}${t}${pad}`, env: `${pad}${t}${pad}`, resolved: same(b) })),
    ),
);
/** Hex cannot spell any of the refused prefixes (changeme, secret, test, dev, …); a run of one digit is refused. */
const hexSecret = fc.stringMatching(/^[0-9a-f]{32,64}$/).filter((s) => !/^(.)\1+$/.test(s));

/**
 * Valid values per key. A key added to the settings later and missing here is simply left out of the
 * layering properties (the arbitrary-input properties cover every key).
 */
const validFor: Partial<Record<SettingKey, fc.Arbitrary<Valid>>> = {
  url: fc
    .tuple(
      fc.constantFrom("http", "https"),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
      fc.integer({ min: 1, max: 65535 }),
    )
    .map(([s, h, p]) => `${s}://${h.toLowerCase()}:${p}/graphql`)
    .map((u) => ({ value: u, env: u, resolved: same(u) })),
  host: fc
    .oneof(word, fc.constantFrom("0.0.0.0", "::1", "localhost"))
    .map((h) => ({ value: h, env: h, resolved: same(h) })),
  port: fc.integer({ min: 0, max: 65535 }).map((n) => ({ value: n, env: String(n), resolved: same(n) })),
  dataDir: fc
    .oneof(
      fc.constant({ raw: "~", at: (w: { home: string }) => w.home }),
      word.map((s) => ({ raw: `~/${s}`, at: (w: { home: string }) => join(w.home, s) })),
      word.map((s) => ({ raw: s, at: (w: { cwd: string }) => resolvePath(w.cwd, s) })),
      word.map((s) => ({ raw: `/srv/${s}`, at: () => `/srv/${s}` })),
    )
    .map(({ raw, at }) => ({ value: raw, env: raw, resolved: (w) => at(w) })),
  secret: hexSecret.map((s) => ({ value: s, env: s, resolved: same(s) })),
  jwks: word.map((s) => ({
    value: `/etc/${s}.json`,
    env: `/etc/${s}.json`,
    resolved: same(`/etc/${s}.json`),
  })),
  issuers: fc
    .array(fc.stringMatching(/^[a-zA-Z0-9:/._-]{1,12}$/), { minLength: 1, maxLength: 4 })
    .chain((list) =>
      fc
        .constantFrom(", ", ",", " ")
        .map((sep) => ({ value: list, env: list.join(sep), resolved: same(list) })),
    ),
  token: wellFormed.filter((s) => s.trim() === s).map((s) => ({ value: s, env: s, resolved: same(s) })),
  capture: fc
    .constantFrom("buffered", "strict")
    .chain((c) => mixedCase(c).map((m) => ({ value: m, env: m, resolved: same(c) }))),
  databaseUrl: fc
    .tuple(fc.constantFrom("postgres", "postgresql"), word)
    .map(([s, d]) => `${s}://u:p@db.local:5432/${d}`)
    .map((u) => ({ value: u, env: u, resolved: same(u) })),
  redisUrl: fc
    .tuple(fc.constantFrom("redis", "rediss"), fc.integer({ min: 0, max: 15 }))
    .map(([s, n]) => `${s}://cache.local:6379/${n}`)
    .map((u) => ({ value: u, env: u, resolved: same(u) })),
  redisPrefix: fc.stringMatching(/^[\w:.-]{1,64}$/).map((s) => ({ value: s, env: s, resolved: same(s) })),
  heartbeatInterval: numberOf(positive(3600)),
  abandonAfter: numberOf(positive(86400)),
  tracking: boolOf,
  trackCommands: boolOf,
  metricsEnabled: boolOf,
  journalMaxEvents: numberOf(fc.integer({ min: 1, max: 10_000_000 })),
  journalMaxAgeDays: numberOf(positive(3650)),
  logLevel: fc
    .constantFrom("debug", "info", "warn", "error", "silent")
    .map((l) => ({ value: l, env: l, resolved: same(l) })),
  nodeEnv: wellFormed.map((s) => ({ value: s, env: s, resolved: same(s) })),
  components: fc
    .dictionary(
      fc.stringMatching(/^[a-z][a-z0-9_-]{0,10}$/),
      fc.record({ trackCommands: fc.boolean(), tracking: fc.boolean() }, { requiredKeys: [] }),
      { maxKeys: 3 },
    )
    .map((c) => ({ value: c, resolved: same(c) })),
  workflows: fc
    .dictionary(
      fc.stringMatching(/^[a-z][a-z0-9_-]{0,10}$/),
      fc.array(
        fc.record(
          {
            name: word,
            run: fc.constantFrom("npm test", "npm run lint", "true"),
            cwd: word,
            env: fc.dictionary(fc.stringMatching(/^[A-Z_]{1,8}$/), word, { maxKeys: 2 }),
            timeout: fc.integer({ min: 1, max: 3600 }),
          },
          { requiredKeys: ["name", "run"] },
        ),
        { minLength: 1, maxLength: 3 },
      ),
      { maxKeys: 2 },
    )
    .map((w) => ({ value: w, resolved: same(w) })),
};

/** Where a value can be set: both file layers in any of their three forms, the environment, a flag. */
type Place = { layer: "project" | "user"; ext: FileName } | { layer: "env" } | { layer: "flag" };
const placesFor = (key: SettingKey): fc.Arbitrary<Place> =>
  fc.oneof(
    fc.record({
      layer: fc.constantFrom("project" as const, "user" as const),
      ext: fc.constantFrom<FileName>("yaml", "yml", "json"),
    }),
    ...(settingDefinitions[key].env ? [fc.constant({ layer: "env" as const })] : []),
    fc.constant({ layer: "flag" as const }),
  );

/** Builds the inputs of one resolution from values placed in layers. */
function build(entries: { key: SettingKey; place: Place; valid: Valid }[]) {
  const p = place();
  const files: Record<"project" | "user", { ext: FileName; data: Record<string, unknown> } | undefined> = {
    project: undefined,
    user: undefined,
  };
  const env: Record<string, string> = {};
  const flags: Partial<Record<SettingKey, unknown>> = {};
  for (const { key, place: where, valid } of entries) {
    if (where.layer === "env") env[settingDefinitions[key].env as string] = valid.env as string;
    else if (where.layer === "flag") flags[key] = valid.value;
    else {
      files[where.layer] ??= { ext: where.ext, data: {} };
      files[where.layer]!.data[key] = valid.value;
    }
  }
  const text = (f: { ext: FileName; data: Record<string, unknown> }) =>
    f.ext === "json" ? JSON.stringify(f.data) : toYaml(f.data);
  const paths = writeFiles(
    p,
    files.project && { ext: files.project.ext, text: text(files.project) },
    files.user && { ext: files.user.ext, text: text(files.user) },
  );
  const sourceOf = (key: SettingKey, where: Place) =>
    where.layer === "env"
      ? settingDefinitions[key].env
      : where.layer === "flag"
        ? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
        : paths[where.layer];
  return { p, input: { env, cwd: p.cwd, homeDir: p.home, flags }, sourceOf };
}

// ---------------------------------------------------------------------------------------------------

describe("resolveConfig over arbitrary input (property)", () => {
  it("returns settings or throws its ConfigError, never anything else", () => {
    fc.assert(
      fc.property(anyEnv, anyFile, anyFile, anyFlags, (env, project, user, flags) => {
        const p = place();
        try {
          writeFiles(p, project, user);
          const r = attempt({ env, cwd: p.cwd, homeDir: p.home, flags });
          if (r.ok === "unexpected") throw new Error(`unexpected exception: ${describeError(r.error)}`);
          if (r.ok === false) {
            expect(r.error.code).toBe("CONFIG_INVALID");
            expect(r.error.problems.length).toBeGreaterThan(0);
            for (const line of r.error.problems) expect(typeof line).toBe("string");
          } else {
            for (const key of KEYS) expect(r.config.provenance[key]).toBeDefined();
          }
        } finally {
          rmSync(p.root, { recursive: true, force: true });
        }
      }),
      runs(300),
    );
  });

  it("reports each bad key once, on one line, naming where it came from", () => {
    fc.assert(
      fc.property(anyEnv, anyFile, anyFile, anyFlags, (env, project, user, flags) => {
        const p = place();
        try {
          writeFiles(p, project, user);
          const r = attempt({ env, cwd: p.cwd, homeDir: p.home, flags });
          if (r.ok !== false) return; // settings, or the other property's failure
          for (const line of r.error.problems) expect(line, JSON.stringify(line)).not.toMatch(/[\n\r]/);
          for (const key of KEYS) {
            const about = r.error.problems.filter((l) => l.startsWith(`${key} = `));
            expect(about.length, `${key}: ${JSON.stringify(about)}`).toBeLessThanOrEqual(1);
          }
          // A secret's value is never echoed back.
          for (const key of ["secret", "token", "databaseUrl", "redisUrl"] as const) {
            const shown = r.error.problems.find((l) => l.startsWith(`${key} = `));
            if (shown) expect(shown).toContain(`${key} = (hidden)`);
          }
        } finally {
          rmSync(p.root, { recursive: true, force: true });
        }
      }),
      runs(300),
    );
  });

  it("reports every unknown key of a file, whatever its name", () => {
    const unknownKey = fc
      .oneof(
        fc.constantFrom(...Object.getOwnPropertyNames(Object.prototype)),
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }),
      )
      .filter((k) => !Object.hasOwn(settingDefinitions, k));
    fc.assert(
      fc.property(
        unknownKey,
        fc.constantFrom<FileName>("yaml", "yml", "json"),
        fc.constantFrom("project", "user"),
        fc.jsonValue({ maxDepth: 2 }),
        (key, ext, layer, value) => {
          const p = place();
          try {
            // Written by hand so that a key such as __proto__ is an own member of the mapping.
            const text =
              ext === "json"
                ? `{${JSON.stringify(key)}: ${JSON.stringify(value)}}`
                : `${JSON.stringify(key)}: ${JSON.stringify(value)}\n`;
            const paths = writeFiles(
              p,
              layer === "project" ? { ext, text } : undefined,
              layer === "user" ? { ext, text } : undefined,
            );
            const r = attempt({ env: {}, cwd: p.cwd, homeDir: p.home });
            expect(
              r.ok,
              `${JSON.stringify(key)} in ${layer} .${ext}: ${r.ok === true ? "accepted without a word" : r.ok === "unexpected" ? describeError(r.error) : ""}`,
            ).toBe(false);
            const lines = (r as { error: ConfigError }).error.problems.filter((l) =>
              l.includes("unknown key"),
            );
            expect(lines).toHaveLength(1);
            expect(lines[0]).toContain(paths[layer as "project" | "user"]!);
          } finally {
            rmSync(p.root, { recursive: true, force: true });
          }
        },
      ),
      runs(200),
    );
  });
});

describe("resolveConfig layering (property)", () => {
  const LAYERED = KEYS.filter((k) => validFor[k] !== undefined);
  const keyed = fc
    .constantFrom(...LAYERED)
    .chain((key) => fc.record({ key: fc.constant(key), place: placesFor(key), valid: validFor[key]! }));

  it("a valid value set in one layer is what resolves, with that layer as its provenance", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(keyed, { selector: (e) => e.key, minLength: 1, maxLength: 6 }),
        (entries) => {
          const { p, input, sourceOf } = build(entries);
          try {
            const r = attempt(input);
            if (r.ok !== true) throw new Error(`refused valid values: ${describeError(r.error)}`);
            for (const { key, place: where, valid } of entries) {
              expect(r.config.settings[key], key).toEqual(valid.resolved({ cwd: p.cwd, home: p.home }));
              expect(r.config.provenance[key], key).toEqual({
                layer: where.layer,
                source: sourceOf(key, where),
              });
            }
            for (const key of KEYS) {
              if (entries.some((e) => e.key === key) || key === "url" || key === "dataDir") continue;
              expect(r.config.provenance[key].layer, key).toBe("default");
              expect(r.config.settings[key], key).toEqual(
                settingDefinitions[key].schema.parse(settingDefinitions[key].default),
              );
            }
          } finally {
            rmSync(p.root, { recursive: true, force: true });
          }
        },
      ),
      runs(200),
    );
  });

  it("when several layers set a key, the highest wins", () => {
    const ORDER: Layer[] = ["project", "user", "env", "flag"];
    const stacked = fc
      .constantFrom(...LAYERED)
      .chain((key) =>
        fc
          .uniqueArray(placesFor(key), { selector: (pl) => pl.layer, minLength: 2, maxLength: 4 })
          .chain((places) =>
            fc.tuple(...places.map((pl) => validFor[key]!.map((valid) => ({ key, place: pl, valid })))),
          ),
      );
    fc.assert(
      fc.property(stacked, (entries) => {
        const { p, input, sourceOf } = build(entries);
        try {
          const r = attempt(input);
          if (r.ok !== true) throw new Error(`refused valid values: ${describeError(r.error)}`);
          const top = [...entries].sort(
            (a, b) => ORDER.indexOf(b.place.layer) - ORDER.indexOf(a.place.layer),
          )[0]!;
          expect(r.config.settings[top.key]).toEqual(top.valid.resolved({ cwd: p.cwd, home: p.home }));
          expect(r.config.provenance[top.key]).toEqual({
            layer: top.place.layer,
            source: sourceOf(top.key, top.place),
          });
        } finally {
          rmSync(p.root, { recursive: true, force: true });
        }
      }),
      runs(200),
    );
  });
});
