import { describe, expect, it } from "vitest";
import { csvCell } from "./csv.js";

describe("csvCell", () => {
  it("guards text a spreadsheet would run as a formula, and leaves numbers and plain text alone", () => {
    for (const start of ["=", "+", "-", "@", "\t", "\r"]) {
      expect(csvCell(`${start}HYPERLINK("x")`, true)).toBe(`"'${start}HYPERLINK(""x"")"`);
    }
    expect(csvCell("-2+3", false)).toBe("-2+3");
    expect(csvCell(-1, false)).toBe("-1");
    expect(csvCell("a,b", true)).toBe('"a,b"');
    expect(csvCell("plain", true)).toBe("plain");
    expect(csvCell(null, true)).toBe("");
  });
});
