/**
 * What a real shell (in a pseudo-terminal) says about tracking: the state in its banner, each later change
 * once, and `status()`, for a slow service, a service that is down, refused tokens, STRICT capture with the
 * service gone, and the service coming back.
 */
import { describe, expect } from "vitest";
import { mintToken } from "../auth/jwt.js";
import { Scopes, STRICT_REFUSED_ERROR_CLASS } from "../contract/enums.js";
import { type FaultProxy, faultProxy, freePort } from "./client-kit.js";
import { it, useService } from "./fixture.js";
import { backends, gql, readerToken, TEST_SECRET, token } from "./harness.js";
import { type PtyProcess, shellIn } from "./pty.js";

const PROMPT = /oneiric> $/;
const NEWEST_COMMANDS = `{ sessions(filter: { component: "oneiric" }, first: 1) {
  edges { node { events(first: 50) { edges { node { text outcome errorClass } } } } }
} }`;

/** Occurrences of `re` (global) in `text`. */
const count = (text: string, re: RegExp) => text.match(new RegExp(re.source, "g"))?.length ?? 0;

describe("the tracking state a shell shows", () => {
  const svc = useService(backends()[0]!);

  const shell = shellIn;

  async function proxy(defer: (cleanup: () => unknown) => void): Promise<FaultProxy> {
    const p = await faultProxy(svc.url);
    defer(() => p.close());
    return p;
  }

  /**
   * Evaluates `expression` in the shell until its printed value matches `re` (each round waits for the
   * prompt, and the shell itself waits 50 ms before it answers); bounded.
   */
  async function until(sh: PtyProcess, expression: string, re: RegExp, rounds = 200): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      const answer = await sh.type(`await new Promise((r) => setTimeout(r, 50)), ${expression}`, PROMPT);
      if (re.test(answer)) return;
    }
    throw new Error(`${expression} never matched ${re}:\n${sh.output().slice(-2000)}`);
  }
  const untilReason = (sh: PtyProcess, re: RegExp) => until(sh, "status().tracking.reason", re);

  it("a slow service: the banner says connecting, then enabled — never unreachable", async ({
    defer,
    dir,
  }) => {
    const p = await proxy(defer);
    p.delayMs = 1500;
    const sh = shell(defer, dir, p.url);
    await sh.ready(PROMPT);
    const out = sh.output();
    expect(out).toMatch(/Tracking\s+◌ Connecting — waiting for the service's first answer/);
    expect(out).toMatch(/tracking: ✓ Enabled/);
    expect(out).not.toMatch(/unreachable|Buffering/);
    expect(await sh.type("status().tracking", PROMPT)).toMatch(/state: 'enabled'[\s\S]*since: '\d{4}-/);
  });

  it("a service that is down: buffering, said once, however often delivery fails", async ({ defer, dir }) => {
    const url = `http://127.0.0.1:${await freePort()}/graphql`;
    const sh = shell(defer, dir, url);
    await sh.waitFor(PROMPT);
    expect(sh.output()).toMatch(/Tracking\s+◌ Buffering — service unreachable, events will be replayed/);
    // Retries until the breaker opens, each a failure the client noticed.
    await untilReason(sh, /circuit breaker open/);
    await sh.type("1 + 1", PROMPT);
    await untilReason(sh, /circuit breaker open/);
    expect(count(sh.output(), /◌ Buffering/)).toBe(1);
    expect(await sh.type("status().tracking", PROMPT)).toMatch(
      /state: 'buffering'[\s\S]*reason: 'service unreachable[\s\S]*since: '\d{4}-/,
    );
  });

  it.for([
    {
      what: "an expired token",
      mint: () =>
        mintToken({
          secret: TEST_SECRET,
          sub: "tester",
          scopes: [Scopes.WRITE, Scopes.READ],
          ttlSeconds: 60,
          now: new Date(Date.now() - 3_600_000),
        }),
      line: /✗ Refused — token expired; events are kept in the journal until a valid token is configured/,
      code: "TOKEN_EXPIRED",
    },
    {
      what: "a token for other components",
      mint: () => token({ scopes: [Scopes.WRITE, Scopes.READ], components: ["crackerjack"] }),
      line: /✗ Refused — component not allowed by the token; events are kept in the journal/,
      code: "TOKEN_COMPONENTS",
    },
    {
      what: "a token signed with another secret",
      mint: () =>
        mintToken({ secret: "x".repeat(40), sub: "tester", scopes: [Scopes.WRITE], ttlSeconds: 600 }),
      line: /✗ Refused — token invalid/,
      code: "TOKEN_INVALID",
    },
  ])("$what: refused, with that reason, never unreachable", async ({ mint, line, code }, { defer, dir }) => {
    const sh = shell(defer, dir, svc.url, { SESSION_BUDDY_TOKEN: await mint() });
    await sh.waitFor(PROMPT);
    // The banner says it when the refusal came before the prompt; on a busy machine the first answer can
    // come after it (the banner then says connecting) and the refusal is the next line the shell prints.
    await until(sh, "status().tracking.state", /refused/);
    expect(sh.output()).toMatch(new RegExp(`(?:Tracking\\s+|tracking: )${line.source}`));
    const status = await sh.type("status().tracking", PROMPT);
    expect(status).toMatch(new RegExp(`state: 'refused'[\\s\\S]*code: '${code}'`));
    expect(sh.output()).not.toMatch(/unreachable|Buffering/);
  });

  it("STRICT capture with the service gone: blocked, commands refused, no promise of a replay", async ({
    defer,
    dir,
  }) => {
    const p = await proxy(defer);
    const sh = shell(defer, dir, p.url, { SESSION_BUDDY_CAPTURE: "strict" });
    await sh.ready(PROMPT);
    p.mode = "refuse";
    const answer = await sh.type("40 + 2", PROMPT);
    expect(answer).toMatch(/✗ Not run/);
    await sh.waitFor(
      /tracking: ✗ Blocked \(STRICT\) — service unreachable; commands are refused until the service acknowledges them/,
    );
    expect(sh.output()).not.toMatch(/replayed|Buffering/);
    // Back: the shell says so by itself (STRICT refuses every line until then, status() included).
    const from = sh.output().length;
    p.mode = "forward";
    await sh.waitFor(/tracking: ✓ Enabled/, 20_000, from);
    expect(await sh.type("40 + 2", PROMPT)).toMatch(/\n42\n/);
    // The refused command was journaled: once delivered, its record says it was refused, not run.
    await until(sh, "status().journal.depth", /\n0\n/);
    const r = await gql(svc.url, NEWEST_COMMANDS, {}, await readerToken());
    const events = r.body.data!.sessions.edges[0].node.events.edges.map((e: { node: unknown }) => e.node);
    expect(events.filter((e: { text: string }) => e.text === "40 + 2")).toEqual([
      { text: "40 + 2", outcome: "error", errorClass: STRICT_REFUSED_ERROR_CLASS },
      { text: "40 + 2", outcome: "ok", errorClass: null },
    ]);
  });

  it("the service back after an outage long enough to open the breaker: Enabled within seconds", async ({
    defer,
    dir,
  }) => {
    const p = await proxy(defer);
    const sh = shell(defer, dir, p.url);
    await sh.ready(PROMPT);
    p.mode = "refuse";
    await sh.type("1 + 1", PROMPT);
    await sh.waitFor(/tracking: ◌ Buffering — service unreachable/);
    await untilReason(sh, /circuit breaker open/);
    const from = sh.output().length;
    p.mode = "forward";
    const t0 = performance.now();
    await sh.waitFor(/tracking: ✓ Enabled/, 20_000, from);
    const backToEnabledMs = performance.now() - t0;
    console.log(`service back → tracking Enabled: ${Math.round(backToEnabledMs)} ms`);
    expect(backToEnabledMs).toBeLessThan(10_000);
    // What was typed during the outage is delivered.
    await until(sh, "status().journal.depth", /\n0\n/);
  });
});
