import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { failingTests, summarise } from "./checks.js";

/** A project whose `node --test` fails one test inside a suite and one at the top level. */
const dir = mkdtempSync(join(tmpdir(), "cj-tap-"));
writeFileSync(
  join(dir, "math.test.mjs"),
  `import assert from "node:assert/strict";
import { describe, test } from "node:test";
describe("math", () => {
  test("adds", () => assert.equal(1 + 2, 4));
  test("subtracts", () => assert.equal(2 - 1, 1));
});
test("top level fails", () => { throw new Error("kaboom here"); });
`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What `node --test` prints in the project, with the given reporter. */
function nodeTest(reporter: "tap" | "spec"): string {
  const r = spawnSync(process.execPath, ["--test", `--test-reporter=${reporter}`], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    encoding: "utf8",
  });
  expect(r.status).toBe(1);
  return r.stdout + r.stderr;
}

describe("failingTests", () => {
  it("names the failing tests of node --test's TAP, with their suite and error, not the stack", () => {
    const out = nodeTest("tap");
    expect(failingTests(out)).toEqual([
      "math › adds — Expected values to be strictly equal: 3 !== 4",
      "top level fails — kaboom here",
    ]);
  });

  it("reads the spec reporter too, once per test", () => {
    expect(failingTests(nodeTest("spec"))).toEqual([
      "math › adds — Expected values to be strictly equal: 3 !== 4",
      "top level fails — kaboom here",
    ]);
  });

  it("reads vitest and jest failure lines", () => {
    expect(
      failingTests(" FAIL  src/a.test.ts > parser > reads a number\n × parser > reads a number 3ms\n"),
    ).toEqual(["parser › reads a number"]);
    expect(failingTests("  ● parser › reads a number\n\n    expect(received)")).toEqual([
      "parser › reads a number",
    ]);
  });

  it("finds nothing in a passing run", () => {
    expect(failingTests("TAP version 13\nok 1 - adds\n1..1\n# pass 1\n# fail 0\n")).toEqual([]);
  });
});

describe("summarise", () => {
  it("counts node --test's passes and failures", () => {
    expect(summarise("test", nodeTest("tap"), 1)).toBe("pass 1, fail 2");
  });
});
