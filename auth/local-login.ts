/**
 * Local sign-in for the pages the embedded service serves (the dashboard, GraphiQL), the way Jupyter's
 * token link works: `serve` prints a link holding a key derived from the local secret; opening it sets an
 * HttpOnly cookie, and only a request carrying that cookie gets a page with a read token in it. A page of
 * another origin cannot read the link (it is printed on the operator's terminal), cannot read our
 * responses (no CORS for foreign origins) and cannot rebind a name to us (the Host allow-list).
 *
 * Both the key and the cookie are HMACs under the local secret, so they survive restarts and need no
 * state; deleting the data dir's `local-secret` revokes every link and cookie at once.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The cookie's name. */
export const LOGIN_COOKIE = "session-buddy-login";

/** How long a sign-in lasts: as long as the read token the pages then embed. */
export const LOGIN_TTL_SECONDS = 7 * 86400;

const mac = (secret: string, purpose: string) =>
  createHmac("sha256", secret).update(`session-buddy/${purpose}`).digest("base64url");

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The key a sign-in link carries (`/login?key=…`). */
export function loginKey(secret: string): string {
  return mac(secret, "login-key/v1");
}

/** Whether `key` is this secret's sign-in key (constant time). */
export function isLoginKey(secret: string, key: string): boolean {
  return sameText(key, loginKey(secret));
}

/**
 * The sign-in link for a service's origin.
 *
 * @example
 * loginLink("http://127.0.0.1:8678", secret, "/graphql"); // "http://127.0.0.1:8678/login?key=…&next=%2Fgraphql"
 */
export function loginLink(origin: string, secret: string, next = "/dashboard"): string {
  const url = new URL("/login", origin);
  url.searchParams.set("key", loginKey(secret));
  if (next !== "/dashboard") url.searchParams.set("next", next);
  return url.toString();
}

/** A cookie value valid until `now + ttl`: `<expiry seconds>.<mac>`. */
export function issueLoginCookie(secret: string, now = Date.now(), ttlSeconds = LOGIN_TTL_SECONDS): string {
  const exp = Math.floor(now / 1000) + ttlSeconds;
  return `${exp}.${mac(secret, `login-cookie/v1/${exp}`)}`;
}

/** Whether a cookie value was issued under `secret` and has not expired. */
export function verifyLoginCookie(secret: string, value: string | undefined, now = Date.now()): boolean {
  const m = value ? /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value) : null;
  if (!m) return false;
  const exp = Number(m[1]);
  return exp * 1000 > now && sameText(m[2]!, mac(secret, `login-cookie/v1/${exp}`));
}

/** The value of one cookie in a `Cookie` header, or undefined. */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
