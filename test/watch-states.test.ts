/**
 * `session-buddy watch` says what state its feed is in, once per change, and ends like a well-behaved
 * command: one line and exit 1 when the service refuses it, exit 130 on Ctrl-C (SIGINT), never a stack.
 */
import { describe, expect } from "vitest";
import { it } from "./fixture.js";
import { readerToken, startService, TEST_SECRET } from "./harness.js";
import { droppingServer, STACK, spawnWatch } from "./watch-kit.js";

describe("session-buddy watch: feed states and exit codes", () => {
  it("prints one line and exits 1 when the service refuses the token, with no stack trace", async ({
    defer,
  }) => {
    const svc = await startService("pglite");
    defer(() => svc.stop());
    const w = spawnWatch([], { SESSION_BUDDY_URL: svc.url, SESSION_BUDDY_TOKEN: "not-a-token" });
    defer(() => w.stop("SIGKILL"));
    expect(await w.exited).toBe(1);
    expect(w.err.text()).not.toMatch(STACK);
    expect(w.err.lines()).toEqual([
      expect.stringMatching(/^session-buddy: error: the service refused the token: .+ \[UNAUTHENTICATED\]$/),
    ]);
    expect(w.out.text()).toBe("");
  });

  it("says once that the service is unreachable while it never connected, and exits 130 on Ctrl-C", async ({
    defer,
  }) => {
    const down = await droppingServer();
    defer(() => down.close());
    const url = `http://127.0.0.1:${down.port}/graphql`;
    const w = spawnWatch([], { SESSION_BUDDY_URL: url, SESSION_BUDDY_TOKEN: await readerToken() });
    defer(() => w.stop("SIGKILL"));
    await w.err.waitFor(/service unreachable/, "the unreachable line");
    // Several retries later it has still said so only once, and never that a connection was lost.
    await down.untilAttempts(4);
    w.child.kill("SIGINT");
    expect(await w.exited).toBe(130);
    expect(w.err.text()).not.toMatch(STACK);
    expect(w.err.lines()).toEqual([
      expect.stringMatching(
        new RegExp(`^service unreachable at ${url.replace(/[./]/g, "\\$&")} \\(.+\\); retrying…$`),
      ),
    ]);
  });

  it("says 'connection lost' once, only after it was connected, and 'reconnected' when it is back", async ({
    dir,
    serve,
    defer,
  }) => {
    const env = { SESSION_BUDDY_DATA_DIR: dir, SESSION_BUDDY_SECRET: TEST_SECRET };
    const first = await serve(env);
    const port = first.port;
    const w = spawnWatch([], { SESSION_BUDDY_URL: first.url, SESSION_BUDDY_TOKEN: await readerToken() });
    defer(() => w.stop("SIGKILL"));
    await w.err.waitFor(/^watching /m, "the feed to connect");

    await first.stop(true); // SIGKILL: the socket just drops
    await w.err.waitFor(/connection lost; reconnecting…/, "the lost line");
    // The port answers nothing useful for a while: retries go on, silently.
    const down = await droppingServer(port);
    try {
      await down.untilAttempts(3);
    } finally {
      await down.close();
    }
    await serve(env, port);
    await w.err.waitFor(/^reconnected to /m, "the reconnect");

    expect(w.err.count(/connection lost/)).toBe(1);
    expect(w.err.count(/unreachable/)).toBe(0);
    w.child.kill("SIGTERM");
    expect(await w.exited).toBe(143);
    expect(w.err.text()).not.toMatch(STACK);
  });
});
