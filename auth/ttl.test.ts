import { describe, expect, it } from "vitest";
import { parseTtl } from "./ttl.js";

describe("parseTtl", () => {
  it("reads seconds, minutes, hours and days, and refuses nonsense", () => {
    expect(parseTtl("90")).toBe(90);
    expect(parseTtl("15m")).toBe(900);
    expect(parseTtl("1h")).toBe(3600);
    expect(parseTtl("7d")).toBe(604800);
    expect(() => parseTtl("soon")).toThrow(/invalid duration/);
    expect(() => parseTtl("0")).toThrow(/positive/);
  });
});
