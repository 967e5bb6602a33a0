import { describe, expect, it } from "vitest";
import { backoffDelay, retry, sleep } from "./backoff.js";
import { AuthError, BadResponseError, CircuitOpenError, ServiceUnavailableError } from "./errors.js";

function fakeSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

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

describe("retry", () => {
  it("retries transient failures with growing jittered delays, then succeeds", async () => {
    const s = fakeSleep();
    let calls = 0;
    const retries: number[] = [];
    const result = await retry(
      async (attempt) => {
        calls++;
        if (attempt < 4) throw new TypeError("fetch failed");
        return "ok";
      },
      {
        baseMs: 100,
        maxMs: 10_000,
        random: () => 0.5,
        sleep: s.sleep,
        onRetry: (i) => retries.push(i.attempt),
      },
    );
    expect(result).toBe("ok");
    expect(calls).toBe(4);
    expect(s.waits).toEqual([50, 100, 200]);
    expect(retries).toEqual([1, 2, 3]);
  });

  it("gives up after maxAttempts and rethrows the last error unchanged", async () => {
    const s = fakeSleep();
    let calls = 0;
    const last = new ServiceUnavailableError("HTTP 503");
    await expect(
      retry(
        async () => {
          calls++;
          throw last;
        },
        { maxAttempts: 3, sleep: s.sleep, random: () => 0 },
      ),
    ).rejects.toBe(last);
    expect(calls).toBe(3);
    expect(s.waits).toHaveLength(2);
  });

  it.each([
    ["UNAUTHENTICATED", new AuthError("UNAUTHENTICATED", "expired")],
    ["FORBIDDEN", new AuthError("FORBIDDEN", "no scope")],
    ["BAD_RESPONSE", new BadResponseError("no data")],
    ["CIRCUIT_OPEN", new CircuitOpenError(1000)],
  ])("does not retry a non-retryable %s error", async (code, error) => {
    const s = fakeSleep();
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw error;
        },
        { sleep: s.sleep },
      ),
    ).rejects.toMatchObject({ code });
    expect(calls).toBe(1);
    expect(s.waits).toEqual([]);
  });

  it("honours a custom isRetryable", async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new Error("nope");
        },
        { isRetryable: () => false, sleep: fakeSleep().sleep },
      ),
    ).rejects.toThrow("nope");
    expect(calls).toBe(1);
  });

  it("waits at least a server retryAfterMs hint, capped by maxMs", async () => {
    const s = fakeSleep();
    let calls = 0;
    await retry(
      async () => {
        if (++calls === 1) throw new ServiceUnavailableError("busy", { retryAfterMs: 3000 });
        if (calls === 2) throw new ServiceUnavailableError("busy", { retryAfterMs: 60_000 });
        return 1;
      },
      { random: () => 0, maxMs: 10_000, sleep: s.sleep },
    );
    expect(s.waits).toEqual([3000, 10_000]);
  });

  it("stops when the signal aborts", async () => {
    const controller = new AbortController();
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new TypeError("fetch failed");
        },
        {
          sleep: async () => {
            controller.abort(new Error("shutting down"));
          },
          signal: controller.signal,
        },
      ),
    ).rejects.toThrow("shutting down");
    expect(calls).toBe(1);
  });

  it("treats maxAttempts below 1 as a single attempt", async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new TypeError("x");
        },
        { maxAttempts: 0, sleep: fakeSleep().sleep },
      ),
    ).rejects.toThrow("x");
    expect(calls).toBe(1);
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
