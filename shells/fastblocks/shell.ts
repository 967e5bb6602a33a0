import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { decodeJwt } from "jose";
import type { ShowSessionQuery as ShowSessionResult } from "../../client/gql/graphql.js";
import { ListSessionsQuery, ShowSessionQuery } from "../../client/operations/sessions.js";
import { AdminShell, type AdminShellOptions } from "../core/admin-shell.js";
import { formatDuration } from "../core/output.js";
import type { ShellRuntime } from "../core/runtime.js";

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
      try {
        res = await fetch(`${origin}/about`, { signal: AbortSignal.timeout(5000) });
      } catch (err) {
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

    this.helper("routes", "routes()", "The running service's route table", async () => {
      const a = await about();
      this.print(
        `Session-Buddy ${a.version} at ${origin} — database ${a.database}, live feed ${a.liveFeed}, auth ${a.authMode}`,
      );
      return this.table(a.routes.map((r) => ({ ...r, url: `${origin}${r.path}` })));
    });
    this.helper(
      "build",
      "build(outDir?)",
      "Build the dashboard's assets (default dist/web) and list them",
      async (outDir?: string) => {
        const { buildDashboard } = await import("../../api/dashboard/build.js");
        const result = await buildDashboard(outDir ? { outDir: resolve(outDir) } : {});
        this.print(
          `built ${result.files.length} files into ${result.outDir} in ${Math.round(result.durationMs)} ms`,
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
    );
    this.helper(
      "render",
      "render(sessionId?, outDir = 'reports')",
      "Render a session report (default: the 5 latest) to HTML files",
      async (sessionId?: string, outDir = "reports") => {
        const ids = sessionId
          ? [sessionId]
          : (await runtime.query(ListSessionsQuery, { first: 5 })).sessions.edges.map((e) => e.node.id);
        if (ids.length === 0) {
          this.print("no sessions to render");
          return [];
        }
        const dir = resolve(outDir);
        mkdirSync(dir, { recursive: true });
        const written: { session: string; file: string; events: number }[] = [];
        for (const id of ids) {
          const data = await runtime.query(ShowSessionQuery, { id, first: 1000 });
          if (!data.session) throw new Error(`no session ${id}`);
          const file = join(dir, `session-${id}.html`);
          writeFileSync(file, renderSessionReport(data.session));
          written.push({ session: id, file, events: data.session.events.totalCount });
        }
        this.print(`wrote ${written.length} report(s) to ${dir}`);
        return this.table(
          written.map((w) => ({ session: w.session, file: w.file.slice(dir.length + 1), events: w.events })),
        );
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
