/**
 * `/login` and `/logout` of the embedded local mode: the sign-in link `serve` prints sets an HttpOnly,
 * SameSite=Strict cookie and redirects to the dashboard (or GraphiQL); pages embed their read token only
 * for a request that carries it. See auth/local-login.ts for why this keeps the token from other origins.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  cookieValue,
  isLoginKey,
  issueLoginCookie,
  LOGIN_COOKIE,
  LOGIN_TTL_SECONDS,
  verifyLoginCookie,
} from "../../auth/local-login.js";
import { ErrorCodes } from "../../contract/errors.js";
import { sendJson } from "./http.js";

/** The embedded mode's sign-in: the local secret links and cookies are made from, and the pages' token. */
export interface LocalSignIn {
  secret: string;
  /** The read token (sessions:read audit:read) a signed-in page is given. */
  pageToken: string;
}

/** Where a sign-in may send the browser next: the service's own pages only. */
const NEXT = /^\/(?:dashboard(?:\/[A-Za-z0-9/_-]{0,200})?|graphql)$/;

/** The page token for a request that carries a valid sign-in cookie, else undefined. */
export function pageTokenFor(signIn: LocalSignIn | undefined, cookieHeader: string | undefined) {
  if (!signIn) return undefined;
  return verifyLoginCookie(signIn.secret, cookieValue(cookieHeader, LOGIN_COOKIE))
    ? signIn.pageToken
    : undefined;
}

const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
};

function page(res: ServerResponse, status: number, title: string, body: string, extra = {}) {
  res.writeHead(status, { ...PAGE_HEADERS, ...extra });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
      `<body><h1>${title}</h1>${body}</body></html>\n`,
  );
}

const HOW =
  "<p>Open the sign-in link that <code>session-buddy serve</code> (<code>npm start</code>) printed, " +
  "or print it again with <code>npx session-buddy login-link</code>.</p>";

/**
 * `GET /login?key=…[&next=/graphql]`.
 *
 * @example
 * // 303 to /dashboard with Set-Cookie: session-buddy-login=…; HttpOnly; SameSite=Strict
 * handleLogin(req, res, signIn);
 */
export function handleLogin(req: IncomingMessage, res: ServerResponse, signIn: LocalSignIn | undefined) {
  if (!signIn) {
    return sendJson(res, 404, {
      error: "sign-in links exist only in the embedded local mode; send a bearer token instead",
      code: ErrorCodes.NOT_FOUND,
    });
  }
  const query = new URL(req.url ?? "/", "http://localhost").searchParams;
  const key = query.get("key");
  const nextParam = query.get("next") ?? "/dashboard";
  const next = NEXT.test(nextParam) ? nextParam : "/dashboard";
  if (!key) return page(res, 200, "Sign in to Session-Buddy", HOW);
  if (!isLoginKey(signIn.secret, key)) {
    return page(
      res,
      403,
      "This sign-in link is not valid",
      `<p>It was not made from this service's local secret (was the data directory reset?).</p>${HOW}`,
    );
  }
  res.writeHead(303, {
    location: next,
    "set-cookie": `${LOGIN_COOKIE}=${issueLoginCookie(signIn.secret)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${LOGIN_TTL_SECONDS}`,
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
  });
  res.end();
}

/** `GET /logout`: forgets the sign-in cookie. */
export function handleLogout(_req: IncomingMessage, res: ServerResponse) {
  page(res, 200, "Signed out", HOW, {
    "set-cookie": `${LOGIN_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`,
  });
}
