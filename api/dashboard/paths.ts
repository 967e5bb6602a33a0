import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The checkout's root, found from this module's own location: `dist/api/dashboard/paths.js` once
 * compiled, `api/dashboard/paths.ts` when run from source (vitest).
 */
export function repoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const twoUp = resolve(here, "..", "..");
  return basename(twoUp) === "dist" ? dirname(twoUp) : twoUp;
}

/** Where the built dashboard lives and is served from: `<repo>/dist/web`. */
export const defaultDashboardDir = () => join(repoRoot(), "dist", "web");

/** The dashboard's TypeScript/CSS sources: `<repo>/web`. */
export const dashboardSourceDir = () => join(repoRoot(), "web");
