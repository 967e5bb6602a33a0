/**
 * Browser tests' kit: Debian's Chromium driven by playwright-core (never a downloaded browser), and a
 * service started with the dashboard's options (embedded token, auth mode, assets folder).
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { createApp } from "../api/app.js";
import { createVerifier } from "../api/auth/jwt.js";
import { openPubSub } from "../api/pubsub.js";
import {
  type Backend,
  openTestDatabase,
  REPO,
  redisUrl,
  TEST_SECRET,
  type TestDatabase,
  type TestService,
} from "./harness.js";

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

export interface DashboardServiceOptions {
  dashboardDir: string;
  /** Embedded in the page (the local-secret mode's read token). */
  graphiqlToken?: string;
  authMode?: "local-secret" | "secret" | "jwks";
  /** Share a database with another service of the test (not closed by this one's `stop`). */
  database?: TestDatabase;
}

/** Like the harness's `startService`, with the dashboard's options. */
export async function startDashboardService(
  backend: Backend,
  options: DashboardServiceOptions,
): Promise<TestService> {
  const db = options.database ?? (await openTestDatabase(backend));
  const pubsub = await openPubSub(redisUrl(), { channelPrefix: `t${randomUUID()}:` });
  const app = createApp({
    database: db.database,
    pubsub,
    verify: createVerifier({ secret: TEST_SECRET }),
    dashboardDir: options.dashboardDir,
    ...(options.graphiqlToken ? { graphiqlToken: options.graphiqlToken } : {}),
    ...(options.authMode ? { authMode: options.authMode } : {}),
  });
  const { url, port } = await app.start(0, "127.0.0.1");
  return {
    app,
    url,
    wsUrl: url.replace(/^http/, "ws"),
    origin: `http://127.0.0.1:${port}`,
    backend,
    db,
    async stop() {
      await app.stop();
      await pubsub.close();
      if (!options.database) await db.close();
    },
  };
}
