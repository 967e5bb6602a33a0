/**
 * The dashboard's overview in a real browser: every chart and table paints a component in the same
 * colour, and anomalies are listed with the service's reason whole, wrapped rather than cut.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDashboard } from "../api/dashboard/build.js";
import { loginLink } from "../auth/local-login.js";
import { artifactPath, launchChromium, pageProblems, startDashboardService } from "./browser.js";
import {
  component,
  gql,
  readerToken,
  TEST_SECRET,
  type TestService,
  tempDir,
  token,
  uuid,
} from "./harness.js";
import { END, START, startInput } from "./ops.js";

const WAIT = { timeout: 20_000 } as const;
const MIN = 60_000;
const HOUR = 60 * MIN;

const ANOMALIES = `query { detectAnomalies(metric: "session_duration", windowSeconds: 86400) { component sessionId reason } }`;

let out: ReturnType<typeof tempDir>;
let browser: Browser;
let svc: TestService;

beforeAll(async () => {
  out = tempDir("sb-web-charts-");
  await buildDashboard({ outDir: out.path });
  browser = await launchChromium();
  svc = await startDashboardService("pglite", {
    dashboardDir: out.path,
    signIn: { secret: TEST_SECRET, pageToken: await readerToken("dashboard") },
    authMode: "local-secret",
  });
});

afterAll(async () => {
  await svc?.stop();
  await browser?.close();
  out?.remove();
});

async function session(c: string, startedAt: number, lastsMs: number, writer: string) {
  const id = uuid();
  const s = await gql(
    svc.url,
    START,
    { input: startInput(c, id, { startedAt: new Date(startedAt).toISOString() }) },
    writer,
  );
  expect(s.body.errors).toBeUndefined();
  const e = await gql(
    svc.url,
    END,
    { input: { id, endedAt: new Date(startedAt + lastsMs).toISOString() } },
    writer,
  );
  expect(e.body.errors).toBeUndefined();
  return id;
}

describe("dashboard overview", () => {
  it("gives each component one colour in every chart, and shows anomaly reasons whole", async () => {
    const writer = await token({ sub: "alice" });
    const now = Date.now();
    // The last 24 hours, in a few components; crackerjack is busy, so it sorts differently in the two charts.
    const custom = component("odd");
    for (let i = 0; i < 6; i++) await session("crackerjack", now - (i + 1) * HOUR, 2 * MIN, writer);
    await session("akosha", now - 3 * HOUR, 40 * MIN, writer);
    await session(custom, now - 5 * HOUR, 10 * MIN, writer);
    // A baseline of short mahavishnu sessions the week before, and one that ran all night.
    for (let i = 0; i < 12; i++)
      await session("mahavishnu", now - (2 + i * 0.4) * 24 * HOUR, 5 * MIN + i * 10_000, writer);
    const long = await session("mahavishnu", now - 20 * HOUR, 19 * HOUR, writer);
    const api = await gql<{ detectAnomalies: { sessionId: string; reason: string }[] }>(
      svc.url,
      ANOMALIES,
      {},
      await readerToken(),
    );
    const reason = api.body.data?.detectAnomalies.find((a) => a.sessionId === long)?.reason;
    expect(reason).toBeDefined();

    // Narrow, so a long reason has to wrap.
    const context = await browser.newContext({ viewport: { width: 520, height: 1400 } });
    const page = await context.newPage();
    const problems = pageProblems(page);
    try {
      await page.goto(loginLink(svc.origin, TEST_SECRET));
      await page.locator("main[data-ready=overview]").waitFor(WAIT);
      await page.locator("#duration-chart[data-colours]").waitFor(WAIT);
      const colours = async (id: string) =>
        JSON.parse((await page.locator(`#${id}`).getAttribute("data-colours")) ?? "{}") as Record<
          string,
          string
        >;
      const trend = await colours("trend-chart");
      const duration = await colours("duration-chart");
      for (const c of ["crackerjack", "akosha", "mahavishnu", custom]) {
        expect(trend[c], c).toBeDefined();
        expect(duration[c], c).toBe(trend[c]);
      }
      expect(trend.crackerjack).toBe("#CC79A7");
      expect(new Set(Object.values(trend)).size).toBe(Object.keys(trend).length);
      // The table of numbers and the anomaly list use the same colours.
      const swatches = await page
        .locator("#trends-section tbody th[scope=row]")
        .evaluateAll((rows) =>
          rows.map((r) => [
            r.textContent ?? "",
            r.querySelector(".swatch")?.getAttribute("data-colour") ?? "",
          ]),
        );
      expect(swatches.length).toBeGreaterThanOrEqual(4);
      for (const [name, colour] of swatches) expect(colour, name).toBe(trend[name!]);

      const item = page.locator(
        `#anomaly-list li[data-component="mahavishnu"][data-metric="session_duration"]`,
      );
      await item.first().waitFor(WAIT);
      const shown = page.locator("#anomaly-list li .anomaly-reason", { hasText: reason!.slice(0, 30) });
      expect(await shown.textContent()).toBe(reason);
      const box = await shown.evaluate((el) => ({
        scroll: el.scrollWidth,
        client: el.clientWidth,
        overflow: getComputedStyle(el).textOverflow,
        lines: Math.round(
          el.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(el).lineHeight),
        ),
      }));
      expect(box.scroll).toBeLessThanOrEqual(box.client);
      expect(box.overflow).not.toBe("ellipsis");
      expect(box.lines).toBeGreaterThan(1);
      expect(await item.first().locator(".swatch").getAttribute("data-colour")).toBe(trend.mahavishnu);
      await page.screenshot({ path: artifactPath("dashboard-anomalies.png"), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
