import { defineConfig } from "vitest/config";

/** Tests beside the code that drive the compiled bins, so they run with the integration suites. */
const NEEDS_BUILD = ["shells/core/admin-shell.test.ts"];

export default defineConfig({
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
