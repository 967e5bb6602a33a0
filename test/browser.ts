/**
 * Browser tests' kit: Debian's Chromium driven by playwright-core (never a downloaded browser), and a
 * service started with the dashboard's options (embedded token, auth mode, assets folder).
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { type Backend, REPO, type ServiceOptions, startService, type TestService } from "./harness.js";

export const CHROMIUM = "/usr/bin/chromium";

/** Screenshots and other artifacts a person may look at after a run (git-ignored). */
export const ARTIFACTS = join(REPO, "test-results");

/** Launches headless Chromium; fails loudly when it is not installed, so CI cannot skip these tests. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: the dashboard tests need Debian's package (apt-get install -y chromium); they never download a browser`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

/**
 * Everything a page reports as wrong: uncaught exceptions, console errors (which include CSP
 * violations) and failed requests. Tests assert it stays empty.
 */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("requestfailed", (r) => {
    // Navigating away cancels in-flight requests; that is not a failure of the page.
    if (r.failure()?.errorText !== "net::ERR_ABORTED")
      problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`);
  });
  return problems;
}

export interface DashboardServiceOptions extends ServiceOptions {
  dashboardDir: string;
}

/** The harness's `startService`, always with a dashboard directory. */
export function startDashboardService(
  backend: Backend,
  options: DashboardServiceOptions,
): Promise<TestService> {
  return startService(backend, options);
}
