import { describe, expect, it } from "vitest";
import { formatTable } from "./table.js";

const reason =
  "session 1234abcd of crackerjack lasted 1 d 16 h against a baseline median of 10 min 00 s over this window (too few earlier sessions) (robust z 123.4)";

describe("formatTable", () => {
  it("cuts a long cell at 60 characters with an ellipsis", () => {
    const out = formatTable([{ reason }]);
    expect(out).toContain("…");
    expect(out).not.toContain("robust z 123.4");
  });

  it("wraps the columns it is told to, keeping every word", () => {
    const out = formatTable([{ at: "12:00", reason }], { wrap: ["reason"] });
    expect(out).not.toContain("…");
    const words = out
      .replace(/[│┌┐└┘├┤┬┴┼─]/g, " ")
      .split(/\s+/)
      .filter(Boolean);
    for (const word of reason.split(" ")) expect(words).toContain(word);
    for (const line of out.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
  });
});
