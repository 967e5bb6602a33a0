import { describe, expect, it } from "vitest";
import { type BreakerTransition, CircuitBreaker } from "./breaker.js";

function setup(options: { threshold?: number; cooldownMs?: number; probeTimeoutMs?: number } = {}) {
  let t = 1_000_000;
  const closes: number[] = [];
  const transitions: BreakerTransition[] = [];
  const breaker = new CircuitBreaker({ ...options, now: () => t, onClose: () => closes.push(t) });
  breaker.onStateChange((tr) => transitions.push(tr));
  return {
    breaker,
    closes,
    transitions,
    advance(ms: number) {
      t += ms;
    },
  };
}

describe("CircuitBreaker", () => {
  it("stays closed below the threshold and a success resets the count", () => {
    const { breaker } = setup();
    breaker.onFailure();
    breaker.onFailure();
    expect(breaker.state).toBe("closed");
    breaker.onSuccess();
    expect(breaker.consecutiveFailures).toBe(0);
    breaker.onFailure();
    breaker.onFailure();
    expect(breaker.state).toBe("closed");
    expect(breaker.canRequest()).toBe(true);
  });

  it("opens after 3 consecutive failures by default and refuses requests during the 60 s cooldown", () => {
    const { breaker, advance } = setup();
    for (let i = 0; i < 3; i++) breaker.onFailure();
    expect(breaker.state).toBe("open");
    expect(breaker.canRequest()).toBe(false);
    expect(breaker.retryInMs()).toBe(60_000);
    advance(59_999);
    expect(breaker.canRequest()).toBe(false);
    expect(breaker.retryInMs()).toBe(1);
  });

  it("goes half-open after the cooldown and lets exactly one probe through", () => {
    const { breaker, advance } = setup();
    for (let i = 0; i < 3; i++) breaker.onFailure();
    advance(60_000);
    expect(breaker.state).toBe("half-open");
    expect(breaker.retryInMs()).toBe(0);
    expect(breaker.canRequest()).toBe(true);
    expect(breaker.canRequest()).toBe(false);
    expect(breaker.canRequest()).toBe(false);
  });

  it("closes on a successful probe and fires onClose once", () => {
    const { breaker, advance, closes, transitions } = setup();
    for (let i = 0; i < 3; i++) breaker.onFailure();
    advance(60_000);
    expect(breaker.canRequest()).toBe(true);
    breaker.onSuccess();
    expect(breaker.state).toBe("closed");
    expect(breaker.canRequest()).toBe(true);
    expect(closes).toHaveLength(1);
    expect(transitions.map((t) => `${t.from}>${t.to}`)).toEqual([
      "closed>open",
      "open>half-open",
      "half-open>closed",
    ]);
  });

  it("re-opens on a failed probe for a full new cooldown", () => {
    const { breaker, advance, closes } = setup();
    for (let i = 0; i < 3; i++) breaker.onFailure();
    advance(60_000);
    expect(breaker.canRequest()).toBe(true);
    breaker.onFailure();
    expect(breaker.state).toBe("open");
    expect(breaker.canRequest()).toBe(false);
    advance(59_000);
    expect(breaker.state).toBe("open");
    advance(1_000);
    expect(breaker.canRequest()).toBe(true);
    expect(closes).toHaveLength(0);
  });

  it("does not extend the cooldown on straggler failures while open", () => {
    const { breaker, advance } = setup();
    for (let i = 0; i < 3; i++) breaker.onFailure();
    advance(30_000);
    breaker.onFailure();
    breaker.onFailure();
    advance(30_000);
    expect(breaker.state).toBe("half-open");
  });

  it("honours custom threshold and cooldown", () => {
    const { breaker, advance } = setup({ threshold: 1, cooldownMs: 10 });
    breaker.onFailure();
    expect(breaker.state).toBe("open");
    advance(10);
    expect(breaker.canRequest()).toBe(true);
  });

  it("grants another probe when the outstanding one never reports back", () => {
    const { breaker, advance } = setup({ cooldownMs: 1000, probeTimeoutMs: 500 });
    for (let i = 0; i < 3; i++) breaker.onFailure();
    advance(1000);
    expect(breaker.canRequest()).toBe(true);
    advance(499);
    expect(breaker.canRequest()).toBe(false);
    expect(breaker.retryInMs()).toBe(1);
    advance(1);
    expect(breaker.canRequest()).toBe(true);
  });

  it("ends the cooldown early when told the service answers: the next request is the probe, which decides", () => {
    const { breaker, advance, transitions } = setup();
    breaker.endCooldown(); // closed: nothing to end
    expect(breaker.state).toBe("closed");
    for (let i = 0; i < 3; i++) breaker.onFailure();
    advance(1_000);
    breaker.endCooldown();
    expect(breaker.state).toBe("half-open");
    expect(breaker.canRequest()).toBe(true);
    expect(breaker.canRequest()).toBe(false);
    breaker.onFailure(); // the probe failed: open again, for a whole cooldown
    expect(breaker.state).toBe("open");
    expect(breaker.retryInMs()).toBe(60_000);
    breaker.endCooldown();
    expect(breaker.canRequest()).toBe(true);
    breaker.onSuccess();
    expect(transitions.map((t) => t.to)).toEqual(["open", "half-open", "open", "half-open", "closed"]);
  });

  it("survives a throwing listener and supports unsubscribe and reset", () => {
    const warnings: string[] = [];
    let t = 0;
    const breaker = new CircuitBreaker({
      threshold: 1,
      now: () => t,
      logger: { warn: (m) => warnings.push(m) },
    });
    const seen: string[] = [];
    breaker.onStateChange(() => {
      throw new Error("boom");
    });
    const off = breaker.onStateChange((tr) => seen.push(tr.to));
    breaker.onFailure();
    expect(breaker.state).toBe("open");
    expect(warnings[0]).toMatch(/boom/);
    off();
    breaker.reset();
    expect(breaker.state).toBe("closed");
    expect(seen).toEqual(["open"]);
    t += 1;
    expect(breaker.canRequest()).toBe(true);
  });
});
