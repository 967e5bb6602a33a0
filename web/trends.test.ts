import { describe, expect, it } from "vitest";
import { averageDurations, HOUR_MS, HourlyStarts } from "./trends.js";

const now = Date.parse("2026-03-04T10:25:00Z");
const at = (msAgo: number) => new Date(now - msAgo).toISOString();

describe("HourlyStarts", () => {
  it("buckets starts into whole hours ending with the current one, and ignores older ones", () => {
    const t = new HourlyStarts(now, 24);
    expect(t.buckets).toHaveLength(24);
    expect(new Date(t.buckets.at(-1)!).toISOString()).toBe("2026-03-04T10:00:00.000Z");
    expect(new Date(t.since).toISOString()).toBe("2026-03-03T11:00:00.000Z");
    expect(t.add({ component: "a", startedAt: at(0) })).toBe(true);
    expect(t.add({ component: "a", startedAt: at(20 * 60_000) })).toBe(true); // 10:05, same hour
    expect(t.add({ component: "b", startedAt: at(HOUR_MS) })).toBe(true); // 09:25
    expect(t.add({ component: "b", startedAt: at(24 * HOUR_MS) })).toBe(false);
    expect(t.counts.get("a")!.at(-1)).toBe(2);
    expect(t.counts.get("b")!.at(-2)).toBe(1);
    expect(t.total("a")).toBe(2);
  });

  it("moves the window on the hour, dropping components that fell out of it", () => {
    const t = new HourlyStarts(now, 3);
    t.add({ component: "old", startedAt: at(2 * HOUR_MS) });
    t.add({ component: "new", startedAt: at(0) });
    expect(t.advance(now + 10 * 60_000)).toBe(false);
    expect(t.advance(now + 2 * HOUR_MS)).toBe(true);
    expect(t.counts.has("old")).toBe(false);
    expect(t.counts.get("new")).toEqual([1, 0, 0]);
  });

  it("keeps the busiest components and sums the rest as other", () => {
    const t = new HourlyStarts(now, 2);
    for (const [c, n] of [
      ["a", 3],
      ["b", 1],
      ["c", 2],
      ["d", 1],
    ] as const)
      for (let i = 0; i < n; i++) t.add({ component: c, startedAt: at(0) });
    expect(t.series(2)).toEqual([
      { label: "a", data: [0, 3] },
      { label: "c", data: [0, 2] },
      { label: "other (2)", data: [0, 2] },
    ]);
  });
});

describe("averageDurations", () => {
  it("averages ended and abandoned sessions per component, longest first", () => {
    expect(
      averageDurations([
        { component: "a", startedAt: at(0), status: "ENDED", durationSeconds: 10 },
        { component: "a", startedAt: at(0), status: "ABANDONED", durationSeconds: 30 },
        { component: "a", startedAt: at(0), status: "ACTIVE", durationSeconds: null },
        { component: "b", startedAt: at(0), status: "ENDED", durationSeconds: 60 },
      ]),
    ).toEqual([
      { component: "b", avgSeconds: 60, sessions: 1 },
      { component: "a", avgSeconds: 20, sessions: 2 },
    ]);
  });
});
