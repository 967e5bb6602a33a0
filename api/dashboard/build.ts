import { createHash } from "node:crypto";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { CONFIG_MARKER } from "../routes/dashboard.js";
import { dashboardSourceDir, defaultDashboardDir } from "./paths.js";

export interface DashboardBuildOptions {
  /** Output folder; default `<repo>/dist/web`. Emptied first. */
  outDir?: string;
  /** Source folder (`index.html`, `main.ts`, `styles.css`, `favicon.svg`); default `<repo>/web`. */
  srcDir?: string;
  /** Minify JS and CSS; default true. */
  minify?: boolean;
  /** Write `.map` files beside the bundles; default true. */
  sourcemap?: boolean;
}

export interface DashboardBuildFile {
  /** Relative to `outDir`, with forward slashes, e.g. `assets/main-4PZ2UQ7N.js`. */
  path: string;
  bytes: number;
  /** Size after gzip -9, what a browser downloads from a compressing proxy. */
  gzipBytes: number;
}

export interface DashboardBuildResult {
  outDir: string;
  /** Every file written, index.html first, then assets by name. */
  files: DashboardBuildFile[];
  /** esbuild's warnings, formatted; the build failed if it threw instead. */
  warnings: string[];
  durationMs: number;
}

/** Thrown when the bundler reports errors or is missing; `message` lists every problem. */
export class DashboardBuildError extends Error {}

/**
 * Bundles `web/` with esbuild (minified ES2022 modules with source maps, content-hashed names) into
 * `dist/web/`, and writes `index.html` pointing at the hashed files. Used by `scripts/build-dashboard.mjs`
 * and FastBlocks' `build()`.
 *
 * @example
 * const { files } = await buildDashboard();
 * for (const f of files) console.log(f.path, f.bytes);
 */
export async function buildDashboard(options: DashboardBuildOptions = {}): Promise<DashboardBuildResult> {
  const started = performance.now();
  const outDir = options.outDir ?? defaultDashboardDir();
  const srcDir = options.srcDir ?? dashboardSourceDir();
  const assetsDir = join(outDir, "assets");
  let esbuild: typeof import("esbuild");
  try {
    esbuild = await import("esbuild");
  } catch (err) {
    throw new DashboardBuildError(
      `esbuild is not installed (a devDependency): run npm install first (${(err as Error).message})`,
    );
  }

  await rm(outDir, { recursive: true, force: true });
  await mkdir(assetsDir, { recursive: true });

  let result: import("esbuild").BuildResult<{ metafile: true }>;
  try {
    result = await esbuild.build({
      entryPoints: [join(srcDir, "main.ts"), join(srcDir, "styles.css")],
      outdir: assetsDir,
      entryNames: "[name]-[hash]",
      bundle: true,
      format: "esm",
      platform: "browser",
      target: ["es2022", "chrome109", "firefox115", "safari16"],
      minify: options.minify ?? true,
      sourcemap: (options.sourcemap ?? true) ? "linked" : false,
      sourcesContent: true,
      metafile: true,
      legalComments: "linked",
      logLevel: "silent",
      tsconfig: join(srcDir, "tsconfig.json"),
      define: { "process.env.NODE_ENV": '"production"' },
    });
  } catch (err) {
    const errors = (err as { errors?: import("esbuild").Message[] }).errors;
    const text = errors
      ? (await esbuild.formatMessages(errors, { kind: "error", color: false })).join("\n")
      : (err as Error).message;
    throw new DashboardBuildError(`dashboard build failed:\n${text}`);
  }

  const outputs = Object.entries(result.metafile.outputs);
  const entryOutput = (entry: string) => {
    const hit = outputs.find(([, o]) => o.entryPoint && basename(o.entryPoint) === entry);
    if (!hit) throw new DashboardBuildError(`dashboard build produced no output for ${entry}`);
    return basename(hit[0]);
  };
  const js = entryOutput("main.ts");
  const css = entryOutput("styles.css");

  const favicon = await readFile(join(srcDir, "favicon.svg"));
  const faviconName = `favicon-${hash(favicon)}.svg`;
  await writeFile(join(assetsDir, faviconName), favicon);

  const template = await readFile(join(srcDir, "index.html"), "utf8");
  if (!template.includes(CONFIG_MARKER))
    throw new DashboardBuildError(`web/index.html lacks the ${CONFIG_MARKER} marker`);
  const html = template
    .replace("%FAVICON%", `/dashboard/assets/${faviconName}`)
    .replace("%STYLES%", `/dashboard/assets/${css}`)
    .replace("%SCRIPT%", `/dashboard/assets/${js}`);
  await writeFile(join(outDir, "index.html"), html);

  const written = [join(outDir, "index.html"), ...outputs.map(([p]) => p), join(assetsDir, faviconName)];
  const files: DashboardBuildFile[] = [];
  for (const file of [...new Set(written.map((p) => join(p)))]) {
    const path = relative(outDir, file).split("\\").join("/");
    const body = await readFile(file);
    files.push({ path, bytes: (await stat(file)).size, gzipBytes: gzipSync(body, { level: 9 }).length });
  }
  files.sort((a, b) =>
    a.path === "index.html" ? -1 : b.path === "index.html" ? 1 : a.path.localeCompare(b.path),
  );

  const warnings = await esbuild.formatMessages(result.warnings, { kind: "warning", color: false });
  return { outDir, files, warnings, durationMs: Math.round(performance.now() - started) };
}

const hash = (body: Buffer) => createHash("sha256").update(body).digest("hex").slice(0, 10).toUpperCase();

/** One line per file, for build logs: `assets/main-X.js  214.3 KiB  (gzip 71.0 KiB)`. */
export function formatBuildReport(result: DashboardBuildResult): string {
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const width = Math.max(...result.files.map((f) => f.path.length));
  const lines = result.files.map(
    (f) => `  ${f.path.padEnd(width)}  ${kib(f.bytes).padStart(10)}  (gzip ${kib(f.gzipBytes)})`,
  );
  return [
    `dashboard built into ${result.outDir} in ${result.durationMs} ms`,
    ...lines,
    ...result.warnings,
  ].join("\n");
}
