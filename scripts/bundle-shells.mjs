// Bundles each shell bin into one file (after tsc): a shell then parses one module instead of resolving and
// reading hundreds, which is most of its time to prompt. Names are kept so error classes and stack traces
// read the same as in the unbundled code.
import { readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const binDir = join(root, "dist", "shells", "bin");
const entries = readdirSync(binDir).filter((f) => f.endsWith(".js"));
// tsc's maps describe the unbundled file: drop them rather than ship maps that point at the wrong lines.
for (const f of readdirSync(binDir)) if (f.endsWith(".js.map")) rmSync(join(binDir, f));
await Promise.all(
  entries.map((f) =>
    build({
      entryPoints: [join(binDir, f)],
      outfile: join(binDir, f),
      allowOverwrite: true,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      keepNames: true,
      logLevel: "warning",
      banner: {
        js: 'import { createRequire as __sbCreateRequire } from "node:module"; const require = __sbCreateRequire(import.meta.url);',
      },
    }),
  ),
);
