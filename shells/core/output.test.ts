import { describe, expect, it } from "vitest";
import { csv } from "./output.js";

describe("csv", () => {
  it("is what the CLI's and the shells' CSV writes: strings guarded, numbers not", () => {
    const out = csv(
      [{ a: "=1+1", b: -3, c: { k: 1 } }],
      [
        ["a", (r) => r.a],
        ["b", (r) => r.b],
        ["c", (r) => r.c],
      ],
    );
    expect(out).toBe('a,b,c\n"\'=1+1",-3,"{""k"":1}"');
  });
});
