import { readFileSync } from "node:fs";

/**
 * The product's version, from package.json (found from dist/config/, from a bundled bin in dist/shells/bin/,
 * or, under the test runner, config/).
 */
export const VERSION: string = (() => {
  for (const rel of ["../../package.json", "../package.json", "../../../package.json"]) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { version: string }).version;
    } catch {
      // not there: try the other layout
    }
  }
  return "unknown";
})();
