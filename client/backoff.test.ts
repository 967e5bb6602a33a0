import { describe, expect, it } from "vitest";
import { backoffDelay, RECOVERY_DEFAULTS, recoveryDelay, sleep } from "./backoff.js";

describe("backoffDelay", () => {
  it("is full jitter over an exponential cap", () => {
    const opts = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(0, { ...opts, random: () => 0.999999 })).toBe(99);
    expect(backoffDelay(1, { ...opts, random: () => 0.5 })).toBe(100);
    expect(backoffDelay(2, { ...opts, random: () => 0.5 })).toBe(200);
    expect(backoffDelay(3, { ...opts, random: () => 0 })).toBe(0);
    expect(backoffDelay(10, { ...opts, random: () => 0.5 })).toBe(500);
    expect(backoffDelay(5000, { ...opts, random: () => 0.5 })).toBe(500);
  });

  it("defaults to 200 ms base and 10 s cap", () => {
    expect(backoffDelay(0, { random: () => 0.5 })).toBe(100);
    expect(backoffDelay(20, { random: () => 0.5 })).toBe(5000);
  });

  it("clamps a misbehaving random source", () => {
    expect(backoffDelay(0, { baseMs: 100, random: () => 7 })).toBe(100);
    expect(backoffDelay(0, { baseMs: 100, random: () => -1 })).toBe(0);
  });
});

describe("recoveryDelay", () => {
  it("doubles from 1 s to at most 5 s, with equal jitter that is never 0", () => {
    expect(RECOVERY_DEFAULTS).toEqual({ firstMs: 1_000, maxMs: 5_000 });
    const low = () => 0;
    const high = () => 0.999999;
    expect([0, 1, 2, 3, 4, 50].map((n) => recoveryDelay(n, { random: low }))).toEqual([
      500, 1000, 2000, 2500, 2500, 2500,
    ]);
    expect([0, 1, 2, 3, 4, 50].map((n) => recoveryDelay(n, { random: high }))).toEqual([
      999, 1999, 3999, 4999, 4999, 4999,
    ]);
    expect(recoveryDelay(0, { firstMs: 1, maxMs: 1, random: low })).toBe(1);
    expect(recoveryDelay(3, { firstMs: 100, maxMs: 50, random: () => 7 })).toBe(100); // max below first: first
  });
});

describe("sleep", () => {
  it("resolves after the delay and rejects when aborted", async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
    const controller = new AbortController();
    const p = sleep(60_000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    await expect(sleep(10, AbortSignal.abort(new Error("already")))).rejects.toThrow("already");
  });
});
