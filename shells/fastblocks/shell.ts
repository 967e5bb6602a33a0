import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { decodeJwt } from "jose";
import type { DashboardBuildResult } from "../../api/dashboard/build.js";
import type { ShowSessionQuery as ShowSessionResult } from "../../client/gql/graphql.js";
import { ListSessionsQuery, ShowSessionQuery } from "../../client/operations/sessions.js";
import { dataPaths } from "../../config/paths.js";
import { formatDuration as formatMs } from "../../contract/duration.js";
import { QUERY_LIMITS } from "../../contract/limits.js";
import { shortId } from "../../contract/short-id.js";
import { AdminShell, type AdminShellOptions } from "../core/admin-shell.js";
import { spawnWatched, stopGroup } from "../core/child.js";
import { currentSignal } from "../core/context.js";
import { describeCompleteness, formatDuration } from "../core/output.js";
import type { ShellRuntime } from "../core/runtime.js";
import { resolveSessionRef } from "../core/session-ref.js";

type ShownSession = NonNullable<ShowSessionResult["session"]>;

const esc = (v: unknown) =>
  String(v ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/** A self-contained HTML report of one session: details and its command timeline. */
export function renderSessionReport(s: ShownSession, generatedAt = new Date()): string {
  const rows = s.events.edges
    .map(({ node: e }) => {
      const text = e.textHidden ? "<em>hidden — needs audit:read</em>" : `<code>${esc(e.text)}</code>`;
      const outcome =
        e.outcome === "error" ? `<span class="err">error ${esc(e.errorClass)}</span>` : esc(e.outcome ?? "");
      return `<tr><td>${e.seq}</td><td>${esc(e.at.replace("T", " ").replace("Z", ""))}</td><td>${esc(e.kind)}</td><td>${text}</td><td>${
        e.durationMs == null ? "" : Math.round(e.durationMs)
      }</td><td>${outcome}</td></tr>`;
    })
    .join("\n");
  const facts: [string, unknown][] = [
    [
      "Component",
      `${s.component}${s.componentType ? ` (${s.componentType})` : ""} ${s.componentVersion ?? ""}`,
    ],
    ["Type", s.type],
    [
      "Status",
      `${s.status}${s.endReason ? ` — ${s.endReason}${s.exitCode != null ? ` (exit ${s.exitCode})` : ""}` : ""}`,
    ],
    ["Actor", s.actor],
    ["User@host", `${s.username ?? "?"}@${s.hostname ?? "?"} (pid ${s.pid ?? "?"})`],
    ["Started", s.startedAt],
    ["Ended", s.endedAt ?? "—"],
    ["Duration", s.durationSeconds == null ? "running" : formatDuration(s.durationSeconds)],
    ["Commands", `${s.commandCount} (${s.errorCount} errors)`],
    ["Capture", `${s.captureMode}${s.delayed ? ", delayed" : ""}`],
    ["Record", stripVTControlCharacters(describeCompleteness(s))],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Session ${esc(s.id)} — ${esc(s.component)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1c2430}h1{font-size:1.3rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #dde3ea;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f6f9}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}
code{white-space:pre-wrap}.err{color:#b42318;font-weight:600}footer{margin-top:2rem;color:#667085;font-size:12px}
</style></head><body>
<h1>Session <code>${esc(s.id)}</code></h1>
<dl>${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join("")}</dl>
<h2>Timeline (${s.events.totalCount} events)</h2>
<table><thead><tr><th>#</th><th>At (UTC)</th><th>Kind</th><th>Text</th><th>ms</th><th>Outcome</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="6">no events</td></tr>'}
</tbody></table>
<footer>Rendered by FastBlocks at ${esc(generatedAt.toISOString())} from Session-Buddy.</footer>
</body></html>
`;
}

/** The dashboard build module next to this one in the compiled tree (dist/api/dashboard/build.js). */
const BUILD_MODULE = new URL("../../api/dashboard/build.js", import.meta.url).href;

/**
 * Builds the dashboard in a child process, so that Ctrl-C (`signal`) stops it at once — bundler included —
 * instead of leaving it writing files after the prompt came back.
 */
function buildInChild(outDir: string | undefined, signal: AbortSignal): Promise<DashboardBuildResult> {
  const script = `import(${JSON.stringify(BUILD_MODULE)})
    .then((m) => m.buildDashboard(${JSON.stringify(outDir ? { outDir } : {})}))
    .then((r) => process.stdout.write(JSON.stringify(r)))
    .catch((e) => { process.stderr.write(String((e && e.message) || e)); process.exit(1); });`;
  return new Promise((resolveBuild, reject) => {
    signal.throwIfAborted();
    const child = spawnWatched([process.execPath, "-e", script], { cwd: process.cwd(), env: process.env });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const onAbort = () => {
      stopGroup(child, 1000);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    child.once("close", (code) => {
      signal.removeEventListener("abort", onAbort);
      if (signal.aborted) return;
      if (code === 0) {
        try {
          resolveBuild(JSON.parse(out) as DashboardBuildResult);
          return;
        } catch {
          // fall through: say what the build printed
        }
      }
      reject(new Error(`the dashboard build failed: ${err.trim().split("\n").at(-1) || `exit ${code}`}`));
    });
  });
}

/** Where a route is reached: the WebSocket upgrade on ws:// (wss:// behind https), the rest on the origin. */
export function routeUrl(origin: string, route: { method: string; path: string }): string {
  const base = route.method === "WS" ? origin.replace(/^http(s?):/, "ws$1:") : origin;
  return `${base}${route.path}`;
}

/**
 * FastBlocks (builder): the service's web side — its live route table, the dashboard build, session reports
 * rendered to HTML, and the identity this shell speaks as.
 */
export class FastBlocksShell extends AdminShell {
  constructor(runtime: ShellRuntime, options: AdminShellOptions = {}) {
    super(
      { name: "fastblocks", componentType: "builder", adapters: ["esbuild", "chart.js", "html"] },
      options,
    );
    const origin = new URL(runtime.settings.url).origin;
    const about = async () => {
      let res: Response;
      const signal = currentSignal();
      try {
        res = await fetch(`${origin}/about`, {
          signal: AbortSignal.any([AbortSignal.timeout(5000), signal]),
        });
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        throw new Error(`Session-Buddy is unreachable at ${origin} (${(err as Error).message})`);
      }
      if (!res.ok) throw new Error(`${origin}/about answered HTTP ${res.status}`);
      return (await res.json()) as {
        version: string;
        authMode: string;
        database: string;
        liveFeed: string;
        routes: { method: string; path: string; description: string }[];
      };
    };

    this.helper(
      "routes",
      "routes()",
      "The running service's route table",
      async () => {
        const a = await about();
        this.print(
          `Session-Buddy ${a.version} at ${origin} — database ${a.database}, live feed ${a.liveFeed}, auth ${a.authMode}`,
        );
        return this.table(a.routes.map((r) => ({ ...r, url: routeUrl(origin, r) })));
      },
      { args: [] },
    );
    this.helper(
      "build",
      "build(outDir?)",
      "Build the dashboard's assets (default dist/web) and list them",
      async (outDir?: string) => {
        const result = await buildInChild(outDir ? resolve(outDir) : undefined, this.signal);
        this.print(
          `built ${result.files.length} files into ${result.outDir} in ${formatMs(result.durationMs)}`,
        );
        for (const w of result.warnings) this.print(`warning: ${w}`);
        return this.table(
          result.files.map((f) => ({
            file: f.path,
            KiB: (f.bytes / 1024).toFixed(1),
            "gzip KiB": (f.gzipBytes / 1024).toFixed(1),
          })),
        );
      },
      { args: [{ name: "outDir", kind: "path", what: "where to write the assets" }] },
    );
    const reportsDir = dataPaths(runtime.settings.dataDir).reports;
    this.helper(
      "render",
      "render(sessionId?, outDir?)",
      "Render session reports (default: the 5 latest) to HTML files (default: <data dir>/reports)",
      async (sessionId?: string, outDir?: string) => {
        const signal = this.signal;
        const ids = sessionId
          ? [await resolveSessionRef(runtime, sessionId)]
          : (await runtime.query(ListSessionsQuery, { first: 5 })).sessions.edges.map((e) => e.node.id);
        if (ids.length === 0) {
          this.print("no sessions to render");
          return this.table([]);
        }
        const dir = outDir ? resolve(outDir) : reportsDir;
        mkdirSync(dir, { recursive: true });
        const written: { session: string; file: string; events: number }[] = [];
        for (const id of ids) {
          const data = await runtime.query(ShowSessionQuery, { id, first: QUERY_LIMITS.page });
          signal.throwIfAborted();
          if (!data.session) throw new Error(`no session ${id}`);
          const file = join(dir, `session-${id}.html`);
          writeFileSync(file, renderSessionReport(data.session));
          written.push({ session: id, file, events: data.session.events.totalCount });
        }
        this.print(`wrote ${written.length} report(s) to ${dir}`);
        return this.table(
          written.map((w) => ({
            session: shortId(w.session),
            file: w.file.slice(dir.length + 1),
            events: w.events,
          })),
        );
      },
      {
        args: [
          { name: "sessionId", kind: "idRef" },
          { name: "outDir", kind: "path", what: "where to write the reports" },
        ],
      },
    );
    this.property(
      "auth",
      "Who this shell is: subject, scopes, expiry, and the service's auth mode",
      async () => {
        const token = await runtime.token().catch((err: Error) => {
          throw new Error(err.message);
        });
        const claims = decodeJwt(token);
        let authMode = "unknown (service unreachable)";
        try {
          authMode = (await about()).authMode;
        } catch {
          // keep the note
        }
        const exp = typeof claims.exp === "number" ? new Date(claims.exp * 1000) : undefined;
        return {
          subject: claims.sub,
          scopes: String(claims.scope ?? "")
            .split(" ")
            .filter(Boolean),
          components: (claims.components as string[] | undefined) ?? "any",
          issuer: claims.iss,
          expires: exp?.toISOString() ?? "never",
          expiresIn: exp ? formatDuration((exp.getTime() - Date.now()) / 1000) : "—",
          source: runtime.settings.token ? "SESSION_BUDDY_TOKEN" : "minted from the local secret",
          serviceAuthMode: authMode,
        };
      },
    );
  }
}
