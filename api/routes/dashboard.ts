import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join } from "node:path";
import { defaultDashboardDir } from "../dashboard/paths.js";

/** Where the built index.html takes the per-request configuration (see web/index.html). */
export const CONFIG_MARKER = "<!--session-buddy:config-->";

export const DASHBOARD_PREFIX = "/dashboard";

export interface DashboardOptions {
  /** The built dashboard (`index.html` + `assets/`); default `<repo>/dist/web`. */
  dir?: string | undefined;
  /**
   * The read token to embed in this request's page, so a signed-in local user needs no token form:
   * only in the embedded local-secret mode, and only for a browser that opened the sign-in link.
   */
  tokenFor?: ((req: IncomingMessage) => string | undefined) | undefined;
  /** Shown in the dashboard's header; `local-secret` allows embedding a token. */
  authMode?: "local-secret" | "secret" | "jwks" | undefined;
  logger?: { error(obj: object, message: string): void };
}

/**
 * Serves `/dashboard`, its client-side routes and `/dashboard/assets/*`. Resolves `false` when `path`
 * is not the dashboard's, so a router can try it first and move on.
 */
export type DashboardHandler = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** Asset names are flat and plain: no folders, no dot-files, nothing to traverse with. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;
/** esbuild's `[name]-[hash]` file names never change content, so they may be cached for good. */
const HASHED = /-[A-Z0-9]{8,}\.[A-Za-z0-9.]+$/;
/** Client-side routes that get index.html. */
const PAGE = /^\/dashboard(?:\/|\/session\/[A-Za-z0-9_-]{1,128}\/?)?$/;
const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * Same origin only. The live feed's WebSocket is listed explicitly as well: older browsers do not let
 * `'self'` cover ws: and wss:.
 */
export function contentSecurityPolicy(host: string | undefined): string {
  const ws = host && HOST.test(host) ? ` ws://${host} wss://${host}` : "";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${ws}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const escapeAttr = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body><h1>${title}</h1><p>${body}</p></body></html>\n`;

/**
 * The dashboard's routes, reading the built files on each request so a rebuild (FastBlocks' `build()`)
 * shows without a restart.
 *
 * @example
 * const dashboard = createDashboardHandler({ tokenFor: (req) => pageTokenFor(signIn, req.headers.cookie) });
 * if (await dashboard(req, res, path)) return;
 */
export function createDashboardHandler(options: DashboardOptions = {}): DashboardHandler {
  const dir = options.dir ?? defaultDashboardDir();
  const embedToken = (req: IncomingMessage) =>
    options.authMode === undefined || options.authMode === "local-secret"
      ? options.tokenFor?.(req)
      : undefined;

  const headers = (req: IncomingMessage, contentType: string, cache: string) => ({
    "content-type": contentType,
    "cache-control": cache,
    "x-content-type-options": "nosniff",
    "content-security-policy": contentSecurityPolicy(req.headers.host),
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
  });

  const send = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    contentType: string,
    cache: string,
    body: string | Buffer,
    extra: Record<string, string> = {},
  ) => {
    const buf = typeof body === "string" ? Buffer.from(body) : body;
    res.writeHead(status, { ...headers(req, contentType, cache), "content-length": buf.length, ...extra });
    res.end(req.method === "HEAD" ? undefined : buf);
  };

  const html = CONTENT_TYPES[".html"]!;

  async function index(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let template: string;
    try {
      template = await readFile(join(dir, "index.html"), "utf8");
    } catch {
      return notBuilt(req, res);
    }
    const token = embedToken(req);
    const config =
      `<meta name="session-buddy-auth-mode" content="${escapeAttr(options.authMode ?? "")}">` +
      (token ? `<meta name="session-buddy-token" content="${escapeAttr(token)}">` : "");
    // no-store: the page may carry a token.
    send(req, res, 200, html, "no-store", template.replace(CONFIG_MARKER, config));
  }

  function notBuilt(req: IncomingMessage, res: ServerResponse) {
    send(
      req,
      res,
      503,
      html,
      "no-store",
      page(
        "Session-Buddy dashboard unavailable",
        "dashboard assets not built: run <code>npm run build</code> (or <code>node scripts/build-dashboard.mjs</code>).",
      ),
    );
  }

  async function asset(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const type = CONTENT_TYPES[extname(name)];
    const file = join(dir, "assets", name);
    const info = ASSET_NAME.test(name) && type ? await stat(file).catch(() => null) : null;
    if (!info?.isFile()) {
      const built = await stat(join(dir, "index.html")).catch(() => null);
      if (!built) return notBuilt(req, res);
      return send(req, res, 404, html, "no-store", page("Not found", "No such dashboard asset."));
    }
    const cache = HASHED.test(name) ? "public, max-age=31536000, immutable" : "no-cache";
    res.writeHead(200, { ...headers(req, type!, cache), "content-length": info.size });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(file);
      stream.once("error", reject);
      res.once("close", resolve);
      stream.pipe(res);
    });
  }

  return async (req, res, path) => {
    if (path !== DASHBOARD_PREFIX && !path.startsWith(`${DASHBOARD_PREFIX}/`)) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(req, res, 405, "text/plain; charset=utf-8", "no-store", "method not allowed\n", {
        allow: "GET, HEAD",
      });
      return true;
    }
    try {
      if (path.startsWith(`${DASHBOARD_PREFIX}/assets/`)) {
        let name: string;
        try {
          name = decodeURIComponent(path.slice(`${DASHBOARD_PREFIX}/assets/`.length));
        } catch {
          name = "";
        }
        await asset(req, res, name);
      } else if (PAGE.test(path)) {
        await index(req, res);
      } else {
        send(
          req,
          res,
          404,
          html,
          "no-store",
          page("Not found", 'No such page. Try <a href="/dashboard">the dashboard</a>.'),
        );
      }
    } catch (err) {
      options.logger?.error({ err, path }, "dashboard: cannot serve the page");
      if (!res.headersSent) send(req, res, 500, "text/plain; charset=utf-8", "no-store", "internal error\n");
      else res.destroy();
    }
    return true;
  };
}
