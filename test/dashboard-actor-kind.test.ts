/**
 * The overview's session lists by who is at the prompt, in a real browser: each active and recently ended
 * session shows its actor kind (what said it, and for whom, on hover), and one choice narrows both lists
 * to a kind — unknown included — while starts and ends keep arriving live.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDashboard } from "../api/dashboard/build.js";
import { mintToken } from "../auth/jwt.js";
import { loginLink } from "../auth/local-login.js";
import { type ActorKind, ActorKinds, Scopes } from "../contract/enums.js";
import { artifactPath, launchChromium, pageProblems, startDashboardService } from "./browser.js";
import {
  backends,
  component,
  gql,
  readerToken,
  TEST_SECRET,
  type TestService,
  tempDir,
  uuid,
} from "./harness.js";
import { END, START, startInput } from "./ops.js";

const WAIT = { timeout: 20_000 } as const;

let out: ReturnType<typeof tempDir>;
let browser: Browser;

beforeAll(async () => {
  out = tempDir("sb-web-kind-");
  await buildDashboard({ outDir: out.path });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  out?.remove();
});

const writerAs = (sub: string, actorKind?: ActorKind, delegatedBy?: string) =>
  mintToken({ secret: TEST_SECRET, sub, scopes: [Scopes.WRITE], ttlSeconds: 3600, actorKind, delegatedBy });

describe.each(backends())("dashboard overview by actor kind on %s", (backend) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startDashboardService(backend, {
      dashboardDir: out.path,
      signIn: { secret: TEST_SECRET, pageToken: await readerToken("dashboard") },
      authMode: "local-secret",
    });
  });
  afterAll(() => svc?.stop());

  async function start(bearer: string, c: string, extra: Record<string, unknown> = {}) {
    const id = uuid();
    const r = await gql(svc.url, START, { input: startInput(c, id, extra) }, bearer);
    expect(r.body.errors).toBeUndefined();
    return id;
  }
  async function end(bearer: string, id: string) {
    const r = await gql(svc.url, END, { input: { id, endReason: "EXIT", exitCode: 0 } }, bearer);
    expect(r.body.errors).toBeUndefined();
  }
  /** The session ids a table shows, with the kind each row's cell names. */
  const rows = (page: Page, body: string) =>
    page.$$eval(`#${body} tr[data-session-id]`, (trs) =>
      Object.fromEntries(
        trs.map((tr) => [
          tr.getAttribute("data-session-id"),
          tr.querySelector("td[data-actor-kind]")?.getAttribute("data-actor-kind"),
        ]),
      ),
    );

  it("shows each session's actor kind and narrows both lists to the kind chosen, live", async () => {
    const agent = await writerAs("claude", ActorKinds.AI_AGENT, "alice");
    const person = await writerAs("bob", ActorKinds.HUMAN);
    const plain = await writerAs("cron");
    const c = component("kind");
    // Active: an AI agent (its token says so, for alice), a person (the shell says so), an unknown one.
    const aiActive = await start(agent, c);
    const humanActive = await start(plain, c, { actorKind: ActorKinds.HUMAN });
    const unknownActive = await start(plain, c);
    // Ended: a job (its shell says so) and an AI agent.
    const jobEnded = await start(plain, c, { actorKind: ActorKinds.AUTOMATION });
    await end(plain, jobEnded);
    const aiEnded = await start(agent, c);
    await end(agent, aiEnded);

    const context = await browser.newContext({ viewport: { width: 1360, height: 1000 } });
    const page = await context.newPage();
    const problems = pageProblems(page);
    try {
      await page.goto(loginLink(svc.origin, TEST_SECRET));
      await page.locator("main[data-ready=overview]").waitFor(WAIT);
      await page.locator("#live-state[data-state=live]").waitFor(WAIT);
      expect(await rows(page, "active-rows")).toEqual({
        [aiActive]: "AI_AGENT",
        [humanActive]: "HUMAN",
        [unknownActive]: "unknown",
      });
      expect(await rows(page, "ended-rows")).toEqual({ [jobEnded]: "AUTOMATION", [aiEnded]: "AI_AGENT" });
      const aiCell = page.locator(`#active-rows tr[data-session-id="${aiActive}"] td[data-actor-kind]`);
      expect(await aiCell.textContent()).toBe("AI agent");
      expect(await aiCell.getAttribute("title")).toBe("AI agent (said by the token), for alice");
      const humanCell = page.locator(`#active-rows tr[data-session-id="${humanActive}"] td[data-actor-kind]`);
      expect(await humanCell.getAttribute("title")).toBe("human (detected by the shell)");
      expect(
        await page
          .locator(`#active-rows tr[data-session-id="${unknownActive}"] td[data-actor-kind]`)
          .textContent(),
      ).toBe("unknown");
      await page.locator("#active-count[data-synced=true]").filter({ hasText: /^3$/ }).waitFor(WAIT);

      const filter = page.getByLabel("Sessions of actor kind");
      await filter.selectOption(ActorKinds.AI_AGENT);
      expect(await rows(page, "active-rows")).toEqual({ [aiActive]: "AI_AGENT" });
      expect(await rows(page, "ended-rows")).toEqual({ [aiEnded]: "AI_AGENT" });
      expect(await page.locator("#active-count").textContent()).toBe("1 of 3");

      // Live, under the choice: a person's start stays out of the lists, an agent's comes in, and an end
      // of the kind moves to recently ended.
      const humanLive = await start(person, c);
      const aiLive = await start(agent, c);
      await page.locator(`#active-rows tr[data-session-id="${aiLive}"]`).waitFor(WAIT);
      await page
        .locator("#active-count")
        .filter({ hasText: /^2 of 5$/ })
        .waitFor(WAIT);
      expect(await rows(page, "active-rows")).toEqual({ [aiActive]: "AI_AGENT", [aiLive]: "AI_AGENT" });
      await end(agent, aiLive);
      await page.locator(`#ended-rows tr[data-session-id="${aiLive}"]`).waitFor(WAIT);
      expect(await rows(page, "ended-rows")).toEqual({ [aiEnded]: "AI_AGENT", [aiLive]: "AI_AGENT" });
      await page.screenshot({ path: artifactPath(`dashboard-actor-kind-${backend}.png`), fullPage: true });

      await filter.selectOption("unknown");
      expect(await rows(page, "active-rows")).toEqual({ [unknownActive]: "unknown" });
      expect(await rows(page, "ended-rows")).toEqual({});
      expect(await page.locator("#ended-rows").textContent()).toBe(
        "None of the latest 3 to end is of this actor kind.",
      );

      await filter.selectOption(ActorKinds.AUTOMATION);
      expect(await rows(page, "active-rows")).toEqual({});
      expect(await page.locator("#active-rows").textContent()).toBe("No active sessions of this actor kind.");
      expect(await rows(page, "ended-rows")).toEqual({ [jobEnded]: "AUTOMATION" });

      await filter.selectOption("");
      expect(Object.keys(await rows(page, "active-rows")).sort()).toEqual(
        [aiActive, humanActive, unknownActive, humanLive].sort(),
      );
      await page.locator("#active-count").filter({ hasText: /^4$/ }).waitFor(WAIT);
      expect(Object.keys(await rows(page, "ended-rows"))).toHaveLength(3);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
