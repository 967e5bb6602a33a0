import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

/**
 * Node resolves `graphql` to its CommonJS build (the package has no `exports`), while Vite would pick
 * its `module` build for our sources: two copies, and a validation rule of one cannot read a schema of
 * the other. Tests load the one Node loads.
 */
const graphqlEntry = createRequire(import.meta.url).resolve("graphql");

/** Tests beside the code that drive the compiled bins, so they run with the integration suites. */
const NEEDS_BUILD = ["shells/core/admin-shell.test.ts"];

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: {
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    reporters: ["default"],
    // Every file, in both projects, starts without the caller's settings, HOME or working directory.
    setupFiles: ["test/isolate.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: ["node_modules/**", "dist/**", "test/**", ...NEEDS_BUILD],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/**/*.test.ts", ...NEEDS_BUILD],
          globalSetup: ["test/global-setup.ts"],
        },
      },
    ],
  },
});
