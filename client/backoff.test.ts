import { describe, expect, it } from "vitest";
import { backoffDelay, sleep } from "./backoff.js";

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
