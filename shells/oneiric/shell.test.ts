import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkLayers, resolveConfig } from "../../config/resolve.js";

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});
function project(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), "oneiric-layers-"));
  dirs.push(dir);
  writeFileSync(join(dir, "oneiric.yaml"), yaml);
  return dir;
}

describe("validate_config's check of every layer", () => {
  it("reports a bad file value that the environment overrides, and says so", () => {
    const cwd = project('port: "eighty"\n');
    const input = { env: { SESSION_BUDDY_PORT: "18710" }, cwd, homeDir: cwd };
    // The configuration itself loads: the value that applies is the environment's.
    expect(resolveConfig(input).settings.port).toBe(18710);
    const check = checkLayers(input);
    expect(check.effective).toEqual([]);
    expect(check.problems).toHaveLength(1);
    expect(check.problems[0]).toMatch(
      new RegExp(
        `^port = "eighty" from ${join(cwd, "oneiric.yaml")}: .* \\(overridden by SESSION_BUDDY_PORT\\)$`,
      ),
    );
  });

  it("reports each layer's bad value once, those in effect as the resolver does", () => {
    const cwd = project("logLevel: loud\nnope: 1\n");
    const input = {
      env: { SESSION_BUDDY_LOG_LEVEL: "shouting", SESSION_BUDDY_PORT: "x" },
      cwd,
      homeDir: cwd,
    };
    const check = checkLayers(input);
    expect(check.problems).toEqual([
      expect.stringMatching(/unknown key "nope"/),
      expect.stringMatching(
        /^logLevel = "loud" from .*oneiric\.yaml: .*\(overridden by SESSION_BUDDY_LOG_LEVEL\)$/,
      ),
      expect.stringMatching(/^port = "x" from SESSION_BUDDY_PORT: /),
      expect.stringMatching(/^logLevel = "shouting" from SESSION_BUDDY_LOG_LEVEL: /),
    ]);
    expect(() => resolveConfig(input)).toThrow(/logLevel = "shouting"/);
    expect(check.effective).toHaveLength(3);
  });

  it("finds nothing wrong in a valid configuration", () => {
    const cwd = project("port: 9000\n");
    expect(checkLayers({ env: {}, cwd, homeDir: cwd })).toEqual({
      files: [join(cwd, "oneiric.yaml")],
      problems: [],
      effective: [],
    });
  });
});
