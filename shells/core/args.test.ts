import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { parseDuration } from "../../contract/duration.js";
import { type ArgSpec, checkArgs, UsageError } from "./args.js";
import { summarised } from "./result.js";

const refused = (signature: string, specs: ArgSpec[], args: unknown[]): string => {
  try {
    checkArgs(signature, specs, args);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`${signature} accepted ${inspect(args)}`);
};

describe("checkArgs", () => {
  const limit: ArgSpec[] = [{ name: "limit", kind: "int", min: 1, max: 1000 }];

  it("lets well-formed calls and left-out optional arguments through", () => {
    expect(() => checkArgs("ps(limit = 20)", limit, [])).not.toThrow();
    expect(() => checkArgs("ps(limit = 20)", limit, [50])).not.toThrow();
    expect(() => checkArgs("ps(limit = 20)", limit, [undefined])).not.toThrow();
    expect(() => checkArgs("ps(limit = 20)", limit, [null])).not.toThrow();
  });

  it("refuses a value of the wrong kind or out of range, naming the accepted forms", () => {
    expect(refused("ps(limit = 20)", limit, ["abc"])).toBe(
      "ps(limit = 20) — limit must be a whole number from 1 to 1000; got 'abc'",
    );
    expect(refused("ps(limit = 20)", limit, [-3])).toMatch(/from 1 to 1000; got -3$/);
    expect(refused("ps(limit = 20)", limit, [2.5])).toMatch(/whole number/);
    expect(refused("ps(limit = 20)", limit, [1, 2])).toBe("ps(limit = 20) — takes at most 1 argument, got 2");
    expect(refused("top()", [], [5])).toBe("top() — takes no arguments, got 1");
  });

  it("takes booleans as booleans only: the text 'false' is not true", () => {
    const write: ArgSpec[] = [{ name: "write", kind: "boolean" }];
    expect(refused("format_code(write = false)", write, ["false"])).toMatch(
      /write must be true or false; got 'false'/,
    );
    expect(() => checkArgs("format_code(write = false)", write, [true])).not.toThrow();
  });

  it("takes durations as '90s', '15m', '2h', '7d' or seconds, within bounds", () => {
    const window: ArgSpec[] = [{ name: "window", kind: "duration", min: 60, max: 30 * 86_400 }];
    expect(() => checkArgs("detect(window)", window, ["7d"])).not.toThrow();
    expect(() => checkArgs("detect(window)", window, [3600])).not.toThrow();
    expect(refused("detect(window)", window, ["90d"])).toBe(
      "detect(window) — window must be a duration from 1m to 30d, such as '90s', '15m', '2h' or '7d' (a number is seconds); got '90d'",
    );
    expect(refused("detect(window)", window, ["soon"])).toMatch(/got 'soon'$/);
    expect(parseDuration("2h")).toBe(7200);
    expect(parseDuration("1.5m")).toBe(90);
    expect(parseDuration("0s")).toBeUndefined();
  });

  it("says which values a closed set holds, read when the call is made", () => {
    let names = ["release"];
    const name: ArgSpec[] = [
      { name: "name", kind: "string", required: true, what: "a workflow", oneOf: () => names },
    ];
    expect(refused("run(name)", name, [])).toBe("run(name) — name is required: a workflow, one of 'release'");
    names = ["release", "nightly"];
    expect(refused("run(name)", name, ["nope"])).toBe(
      "run(name) — name must be a workflow, one of 'release', 'nightly'; got 'nope'",
    );
    expect(() => checkArgs("run(name)", name, ["nightly"])).not.toThrow();
  });

  it("checks text against a pattern, several choices and the keys of an object", () => {
    const component: ArgSpec[] = [
      { name: "component", kind: "string", pattern: /^[a-z-]+$/, patternText: "a component name" },
    ];
    expect(refused("active(component?)", component, [42])).toBe(
      "active(component?) — component must be a component name; got 42",
    );
    const group: ArgSpec[] = [
      { name: "query", kind: "choices", oneOf: ["component", "day"], ignoreCase: true },
    ];
    expect(() => checkArgs("aggregate(query)", group, ["Component,day"])).not.toThrow();
    expect(() => checkArgs("aggregate(query)", group, [["day"]])).not.toThrow();
    expect(refused("aggregate(query)", group, ["nonsense"])).toMatch(/one or more of 'component', 'day'/);
    const filters: ArgSpec[] = [{ name: "filters", kind: "object", keys: ["component"] }];
    expect(refused("aggregate(query, filters)", filters, [{ compnent: "x" }])).toMatch(
      /unknown key compnent/,
    );
  });

  it("accepts a session as a full id, a prefix or the short id", () => {
    const session: ArgSpec[] = [{ name: "sessionId", kind: "idRef" }];
    for (const ok of ["0193c0de-0000-7000-8000-00000a1b2c3d", "0193c0", "0a1b2c3d"])
      expect(() => checkArgs("render(sessionId?)", session, [ok])).not.toThrow();
    expect(refused("render(sessionId?)", session, ["xyz"])).toMatch(/a prefix of at least 4 hex digits/);
  });
});

describe("summarised", () => {
  it("shows one line at the prompt and keeps every field", () => {
    const points = Array.from({ length: 24 }, (_, i) => ({ bucketStart: `t${i}`, value: i }));
    const trend = summarised({ metric: "sessions", points }, (t) => `${t.metric}: ${t.points.length} points`);
    expect(inspect(trend)).toBe("sessions: 24 points");
    expect(trend.points).toHaveLength(24);
    expect(JSON.parse(JSON.stringify(trend)).points).toHaveLength(24);
  });
});
