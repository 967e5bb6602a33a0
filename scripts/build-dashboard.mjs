// Builds the web dashboard (web/ → dist/web/) with esbuild. Runs after `tsc -p tsconfig.build.json`,
// which compiles the build module it calls (api/dashboard/build.ts → dist/api/dashboard/build.js).
import { buildDashboard, formatBuildReport } from "../dist/api/dashboard/build.js";

try {
  const result = await buildDashboard();
  console.log(formatBuildReport(result));
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
