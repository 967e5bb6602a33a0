/**
 * The dashboard's review page in a real browser against a real service: shown only to a token with
 * audit:review; the queue with each session's causes and reason, paged; the selected session's timeline
 * beside it; a flag without a note refused before it is sent; an approval stored with its reviewer and
 * note and its row gone; the service's own-session refusal shown as it said it; rows that come and go
 * live (a session ending sensitive, a verdict through the API or another tab); and a page that says so
 * when the live feed and the service are down.
 */
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDashboard } from "../api/dashboard/build.js";
import { EventKinds, Scopes } from "../contract/enums.js";
import { artifactPath, launchChromium, pageProblems, startDashboardService } from "./browser.js";
import { testClient } from "./client-kit.js";
import { backends, component, gql, readerToken, type TestService, tempDir, token, uuid } from "./harness.js";
import { END, START, startInput } from "./ops.js";

/** Waits in the browser are for DOM conditions; this bounds each one. */
const WAIT = { timeout: 20_000 } as const;

const REVIEWS = `query ($id: ID!) { session(id: $id) { reviews { verdict note reviewer } } }`;
const REVIEW = `mutation ($id: ID!, $verdict: ReviewVerdict!, $note: String) {
  reviewSession(id: $id, verdict: $verdict, note: $note) { verdict reviewer }
}`;

const reviewerToken = (sub: string) => token({ sub, scopes: [Scopes.READ, Scopes.AUDIT, Scopes.REVIEW] });

type Client = Awaited<ReturnType<typeof testClient>>;

let out: ReturnType<typeof tempDir>;
let journals: ReturnType<typeof tempDir>;
let browser: Browser;

beforeAll(async () => {
  out = tempDir("sb-web-review-");
  journals = tempDir("sb-review-journals-");
  await buildDashboard({ outDir: out.path });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  journals?.remove();
  out?.remove();
});

/** An ended session of `comp` recorded by a real client: a sensitive period around `commands` commands. */
async function sensitiveSession(client: Client, comp: string, reason: string, commands = ["refund(7)"]) {
  const s = client.start({ component: comp, shellType: "TestShell" });
  await s.started;
  await s.record({ kind: EventKinds.SENSITIVE_BEGIN, text: reason, payload: { ticketRef: "OPS-77" } });
  for (const text of commands) {
    const r = await s.record({ kind: "command", text });
    s.complete(r, { durationMs: 3, outcome: "ok" });
  }
  await s.record({
    kind: EventKinds.SENSITIVE_END,
    text: reason,
    payload: { durationMs: 5, endedBy: "end_sensitive" },
  });
  s.end("EXIT", 0);
  expect((await client.flush()).pending).toBe(0);
  return s.id;
}

async function newPage(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  return { context, page, problems: pageProblems(page) };
}

/** Signs in through the token form, as a person does, and waits for the overview. */
async function signIn(page: Page, svc: TestService, bearer: string) {
  await page.goto(`${svc.origin}/dashboard`);
  await page.locator("#token-input").fill(bearer);
  await page.locator("#token-form button[type=submit]").click();
  await page.locator("main[data-ready=overview]").waitFor(WAIT);
}

/** Opens the review page from the navigation and filters it to `comp`. */
async function openQueue(page: Page, comp: string) {
  await page.locator("#nav-review").click();
  await page.locator("main[data-ready=review]").waitFor(WAIT);
  await page.locator("#review-component").fill(comp);
  await page.locator("#review-filter button[type=submit]").click();
  await page.waitForURL((u) => u.searchParams.get("component") === comp, WAIT);
  await page.locator("#review-rows tr[data-session-id], #review-rows tr.empty").first().waitFor(WAIT);
  await page.locator("#review-live[data-state=live]").waitFor(WAIT);
}

const row = (page: Page, id: string) => page.locator(`#review-rows tr[data-session-id="${id}"]`);

describe.each(backends())("dashboard review page on %s", (backend) => {
  let svc: TestService;
  let alice: Client;
  let rita: string;
  const required = component("req");

  beforeAll(async () => {
    svc = await startDashboardService(backend, {
      dashboardDir: out.path,
      authMode: "secret",
      app: { reviewRequired: [required] },
    });
    alice = await testClient(svc.url, join(journals.path, `alice-${backend}`), "alice");
    rita = await reviewerToken("rita");
  });
  afterAll(async () => {
    await alice?.shutdown(0);
    await svc?.stop();
  });

  const reviewsOf = async (id: string) => {
    const r = await gql(svc.url, REVIEWS, { id }, rita);
    expect(r.body.errors).toBeUndefined();
    return r.body.data!.session.reviews;
  };

  it("offers the review page only to a token with audit:review", async () => {
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, svc, await readerToken("viewer"));
      await page.locator("#nav-overview").waitFor(WAIT);
      expect(await page.locator("#nav-review").count()).toBe(0);
      // Its address opened anyway: the page says what is missing instead of a queue.
      await page.goto(`${svc.origin}/dashboard?view=review`);
      await page.locator("main[data-ready=review]").waitFor(WAIT);
      expect(await page.locator("#review-error").textContent()).toContain("needs the audit:review scope");
      expect(await page.locator("#nav-review").count()).toBe(0);

      await page.locator("#change-token").click();
      await page.locator("#token-input").fill(rita);
      await page.locator("#token-form button[type=submit]").click();
      await page.locator("#nav-review").waitFor(WAIT);
      expect(await page.locator("#nav-review").textContent()).toBe("Review");
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("lists a sensitive session with its cause, shows its timeline, refuses a flag without a note and records an approval", async () => {
    const comp = component("sens");
    const reason = "OPS-77 refund a double charge";
    const id = await sensitiveSession(alice, comp, reason, ["refund(7)", "ledger.check(7)"]);
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, svc, rita);
      await openQueue(page, comp);
      const r = row(page, id);
      await r.waitFor(WAIT);
      expect(await page.locator("#review-count").textContent()).toBe("1");
      expect(await r.locator(".badge-cause-sensitive").textContent()).toBe("sensitive");
      const text = await r.textContent();
      expect(text).toContain(comp);
      expect(text).toContain("alice");
      expect(text).toContain(reason);
      expect(await r.locator(".badge-ticket").textContent()).toBe("OPS-77");

      // Chosen with the keyboard: its timeline, the session page's own, beside the queue.
      await r.locator("button.row-select").press("Enter");
      await page.locator("#review-detail[data-ready=timeline]").waitFor(WAIT);
      expect(new URL(page.url()).searchParams.get("session")).toBe(id);
      const items = page.locator("#review-timeline li[data-seq]");
      expect(await items.count()).toBe(4);
      expect(await page.locator('#review-timeline li[data-seq="2"] .command-text').textContent()).toBe(
        "refund(7)",
      );
      expect(await page.locator("#review-timeline li.in-sensitive").count()).toBe(4);
      expect(await page.locator("#review-periods").textContent()).toContain(reason);
      expect(await page.locator("#review-history").textContent()).toBe("none yet");
      // The queue stays beside it.
      const queueBox = (await page.locator("#review-queue").boundingBox())!;
      const detailBox = (await page.locator("#review-detail").boundingBox())!;
      expect(detailBox.x).toBeGreaterThan(queueBox.x + queueBox.width - 1);

      // A flag needs a note: said before anything is sent.
      let verdicts = 0;
      page.on("request", (req) => {
        if (req.postData()?.includes("mutation ReviewSession")) verdicts++;
      });
      await page.locator("#verdict-flag").click();
      await page.locator("#verdict-error").filter({ hasText: "A flag needs a note" }).waitFor(WAIT);
      expect(await page.locator("#verdict-note").getAttribute("aria-invalid")).toBe("true");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("verdict-note");
      expect(verdicts).toBe(0);
      expect(await reviewsOf(id)).toEqual([]);

      await page.locator("#verdict-note").fill("refund matches OPS-77");
      expect(await page.locator("#verdict-error").textContent()).toBe("");
      await page.screenshot({ path: artifactPath(`dashboard-review-${backend}.png`), fullPage: true });
      await page.locator("#verdict-approve").press("Enter");
      await r.waitFor({ state: "detached", ...WAIT });
      const outcome = page.locator("#review-outcome");
      await outcome.filter({ hasText: "Recorded" }).waitFor(WAIT);
      const said = await outcome.textContent();
      expect(said).toContain(id.slice(-8));
      expect(said).toContain("approved by rita");
      expect(said).toContain("“refund matches OPS-77”");
      expect(await page.locator("#review-count").textContent()).toBe("0");
      expect(await page.locator("#review-detail-empty").count()).toBe(1);
      expect(new URL(page.url()).searchParams.get("session")).toBeNull();
      expect(verdicts).toBe(1);
      expect(await reviewsOf(id)).toEqual([
        { verdict: "APPROVED", note: "refund matches OPS-77", reviewer: "rita" },
      ]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("shows the service's reason when the reviewer started the session themselves", async () => {
    const comp = component("own");
    const ritaShell = await testClient(svc.url, join(journals.path, `rita-${backend}`), "rita");
    try {
      const id = await sensitiveSession(ritaShell, comp, "OPS-9 rotate a key");
      const { context, page, problems } = await newPage();
      try {
        await signIn(page, svc, rita);
        await openQueue(page, comp);
        await row(page, id).locator("button.row-select").click();
        await page.locator("#review-detail[data-ready=timeline]").waitFor(WAIT);
        expect(await page.locator("#review-notice").textContent()).toContain(
          "You (rita) started this session",
        );
        await page.locator("#verdict-note").fill("looks fine to me");
        await page.locator("#verdict-approve").click();
        const error = page.locator("#verdict-error");
        await error.filter({ hasText: "Not recorded" }).waitFor(WAIT);
        const said = (await error.textContent()) ?? "";
        expect(said).toContain(
          `rita started session ${id}: nobody reviews their own session; ask another reviewer`,
        );
        expect(said).toContain("(FORBIDDEN, SELF_REVIEW)");
        expect(said).not.toMatch(/\bat \S+:\d+|Error:|undefined/);
        // Still in the queue, the page still usable, nothing stored.
        expect(await row(page, id).count()).toBe(1);
        expect(await page.locator("#verdict-approve").isEnabled()).toBe(true);
        expect(await page.locator("#token-form").count()).toBe(0);
        expect(await reviewsOf(id)).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    } finally {
      await ritaShell.shutdown(0);
    }
  });

  it("adds rows live as sessions end, and drops them as others record verdicts", async () => {
    const comp = component("live");
    const first = await sensitiveSession(alice, comp, "OPS-12 fix a stuck order");
    const { context, page, problems } = await newPage();
    const other = await newPage();
    try {
      await signIn(page, svc, rita);
      await openQueue(page, comp);
      await row(page, first).waitFor(WAIT);
      expect(await page.locator("#review-live").textContent()).toContain("Live");
      await page.evaluate("window.__noReload = 1");

      // A session that ends sensitive joins the open queue without a reload.
      const second = await sensitiveSession(alice, comp, "OPS-13 reopen a ticket");
      await row(page, second).waitFor(WAIT);
      expect(await row(page, second).locator(".badge-cause-sensitive").count()).toBe(1);
      expect(await page.locator("#review-count").textContent()).toBe("2");

      // A verdict through the API on the session this page shows: its row goes, the page says by whom.
      await row(page, first).locator("button.row-select").click();
      await page.locator("#review-detail[data-ready=timeline]").waitFor(WAIT);
      const sam = await reviewerToken("sam");
      const byApi = await gql(svc.url, REVIEW, { id: first, verdict: "APPROVED", note: "seen" }, sam);
      expect(byApi.body.errors).toBeUndefined();
      await row(page, first).waitFor({ state: "detached", ...WAIT });
      await page
        .locator("#review-notice")
        .filter({ hasText: "Reviewed meanwhile: sam approved it" })
        .waitFor(WAIT);
      expect(await page.locator("#verdict-approve").isDisabled()).toBe(true);
      expect(await page.locator("#review-count").textContent()).toBe("1");

      // Another reviewer's tab flags the other one: gone here too.
      await signIn(other.page, svc, sam);
      await openQueue(other.page, comp);
      await row(other.page, second).locator("button.row-select").click();
      await other.page.locator("#review-detail[data-ready=timeline]").waitFor(WAIT);
      await other.page.locator("#verdict-note").fill("reopened without a ticket comment");
      await other.page.locator("#verdict-flag").click();
      await other.page.locator("#review-outcome").filter({ hasText: "flagged by sam" }).waitFor(WAIT);
      await row(page, second).waitFor({ state: "detached", ...WAIT });
      expect(await page.locator("#review-count").textContent()).toBe("0");
      expect(await page.evaluate("window.__noReload")).toBe(1);
      expect(await reviewsOf(second)).toEqual([
        { verdict: "FLAGGED", note: "reopened without a ticket comment", reviewer: "sam" },
      ]);
      expect(problems).toEqual([]);
      expect(other.problems).toEqual([]);
    } finally {
      await other.context.close();
      await context.close();
    }
  });

  it("pages the queue with More", async () => {
    const writer = await token({ sub: "ci" });
    const ids: string[] = [];
    for (let i = 0; i < 27; i++) {
      const id = uuid();
      const s = await gql(svc.url, START, { input: startInput(required, id) }, writer);
      expect(s.body.errors).toBeUndefined();
      const e = await gql(svc.url, END, { input: { id } }, writer);
      expect(e.body.errors).toBeUndefined();
      ids.push(id);
    }
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, svc, rita);
      await openQueue(page, required);
      const rows = page.locator("#review-rows tr[data-session-id]");
      await expect.poll(() => rows.count(), WAIT).toBe(25);
      expect(await page.locator("#review-count").textContent()).toBe("27");
      expect(await rows.first().locator(".badge-cause-required").textContent()).toBe("required");
      // Up and down move between the rows' buttons.
      await rows.nth(0).locator("button.row-select").focus();
      await page.keyboard.press("ArrowDown");
      expect(await page.evaluate(() => document.activeElement?.getAttribute("data-session-id"))).toBe(
        await rows.nth(1).getAttribute("data-session-id"),
      );
      const more = page.locator("#review-more");
      expect(await more.textContent()).toBe("More (2 not shown)");
      await more.click();
      await expect.poll(() => rows.count(), WAIT).toBe(27);
      expect(await more.isHidden()).toBe(true);
      const shown = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-session-id")));
      expect(new Set(shown)).toEqual(new Set(ids));
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe("dashboard review page when the service goes away", () => {
  it("says the live feed is down and that a verdict was not recorded", async () => {
    const svc = await startDashboardService("pglite", { dashboardDir: out.path, authMode: "secret" });
    let stopped = false;
    const stop = async () => {
      if (!stopped) {
        stopped = true;
        await svc.stop();
      }
    };
    const client = await testClient(svc.url, join(journals.path, "down"), "alice");
    try {
      const comp = component("down");
      const id = await sensitiveSession(client, comp, "OPS-40 clean up");
      await client.shutdown(0);
      const { context, page } = await newPage();
      try {
        await signIn(page, svc, await reviewerToken("rita"));
        await openQueue(page, comp);
        await row(page, id).locator("button.row-select").click();
        await page.locator("#review-detail[data-ready=timeline]").waitFor(WAIT);
        await page.locator("#verdict-note").fill("fine");

        await stop();
        const live = page.locator("#review-live[data-state=reconnecting]");
        await live.waitFor(WAIT);
        expect(await live.textContent()).toMatch(/^The live feed is down.*may be out of date/);

        await page.locator("#verdict-approve").click();
        const error = page.locator("#verdict-error");
        await error.filter({ hasText: "Not recorded" }).waitFor(WAIT);
        const said = (await error.textContent()) ?? "";
        expect(said).toContain("the service is unreachable");
        expect(said).toContain("try again once the service is back");
        expect(said).not.toMatch(/\bat \S+:\d+/);
        // Nothing pretends it went through.
        expect(await row(page, id).count()).toBe(1);
        expect(await page.locator("#review-outcome").textContent()).toBe("");
        expect(await page.locator("#verdict-approve").isEnabled()).toBe(true);
      } finally {
        await context.close();
      }
    } finally {
      await client.shutdown(0);
      await stop();
    }
  });
});
