import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDuration, formatSeconds } from "./duration.js";

/** Reads a printed duration back: its components (value, unit) and the milliseconds they stand for. */
function parse(text: string): { parts: [number, string][]; ms: number } {
  const match = /^(\d+(?:\.\d)?) (ms|s|min|h|d)(?: (\d+) (s|min|h))?$/.exec(text);
  if (!match) throw new Error(`not a printed duration: ${JSON.stringify(text)}`);
  const unit: Record<string, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };
  const parts: [number, string][] = [[Number(match[1]), match[2]!]];
  if (match[3] !== undefined) parts.push([Number(match[3]), match[4]!]);
  return { parts, ms: parts.reduce((sum, [n, u]) => sum + n * unit[u]!, 0) };
}

/** Below which each unit must stay when it is not the leading one, or in the short forms. */
const BASE: Record<string, number> = { ms: 1000, s: 60, min: 60, h: 24 };

/** Durations from 0 to a few years, dense around the boundaries where rounding can carry. */
const durations = fc.oneof(
  fc.double({ min: 0, max: 1e11, noNaN: true }),
  fc.integer({ min: 0, max: 400 * 86_400_000 }),
  fc
    .tuple(fc.constantFrom(1000, 60_000, 3_600_000, 86_400_000), fc.integer({ min: 1, max: 90 }))
    .chain(([unit, n]) => fc.double({ min: n * unit - 1000, max: n * unit + 1000, noNaN: true }))
    .map((x) => Math.max(0, x)),
);

describe("formatDuration", () => {
  it("prints each range in its own form", () => {
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(999.4)).toBe("999 ms");
    expect(formatDuration(999.5)).toBe("1.0 s");
    expect(formatDuration(12_345)).toBe("12.3 s");
    expect(formatDuration(59_949)).toBe("59.9 s");
    expect(formatDuration(59_950)).toBe("1 min 00 s");
    expect(formatDuration(179_000)).toBe("2 min 59 s");
    expect(formatDuration(179_999)).toBe("3 min 00 s");
    expect(formatDuration(3_599_499)).toBe("59 min 59 s");
    expect(formatDuration(3_599_500)).toBe("1 h 00 min");
    expect(formatDuration(11_100_000)).toBe("3 h 05 min");
    expect(formatDuration(86_370_000)).toBe("1 d 0 h");
    expect(formatDuration(187_200_000)).toBe("2 d 4 h");
    expect(formatDuration(-5)).toBe("0 ms");
  });

  it("says — (or the given placeholder) for a duration that is not known", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(undefined)).toBe("—");
    expect(formatDuration(Number.NaN)).toBe("—");
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("—");
    expect(formatDuration(null, "")).toBe("");
    expect(formatSeconds(null)).toBe("—");
  });

  it("takes seconds through formatSeconds", () => {
    expect(formatSeconds(179.999)).toBe("3 min 00 s");
    expect(formatSeconds(0.85)).toBe("850 ms");
  });

  it("never shows a component that reached its base (60 s, 60 min, 24 h, 1000 ms)", () => {
    fc.assert(
      fc.property(durations, (ms) => {
        const { parts } = parse(formatDuration(ms));
        const [lead, rest] = parts;
        if (rest) expect(rest[0]).toBeLessThan(BASE[rest[1]]!);
        // A leading ms or s is the whole value: 1000 ms is 1.0 s, 60.0 s is 1 min 00 s.
        if (lead![1] === "ms" || lead![1] === "s") expect(lead![0]).toBeLessThan(BASE[lead![1]]!);
        if (lead![1] === "min") expect(lead![0]).toBeLessThan(60);
        if (lead![1] === "h") expect(lead![0]).toBeLessThan(24);
      }),
      { numRuns: 5000 },
    );
  });

  it("is within half a step of the true value", () => {
    fc.assert(
      fc.property(durations, (ms) => {
        const shown = parse(formatDuration(ms)).ms;
        const step =
          ms < 999.5 ? 1 : ms < 59_950 ? 100 : ms < 3_599_500 ? 1000 : ms < 86_370_000 ? 60_000 : 3_600_000;
        expect(Math.abs(shown - ms)).toBeLessThanOrEqual(step / 2 + 1e-6);
      }),
      { numRuns: 5000 },
    );
  });

  it("is monotone: a longer duration never prints as less", () => {
    fc.assert(
      fc.property(durations, durations, (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(parse(formatDuration(lo)).ms).toBeLessThanOrEqual(parse(formatDuration(hi)).ms);
      }),
      { numRuns: 5000 },
    );
  });
});
