/**
 * Which `Host` and `Origin` the service answers. A DNS-rebinding page reaches us under its own name
 * (`Host: rebind.example`), so names are checked against an allow-list: the loopback names, the name the
 * service listens on, the machine's own name when it listens on every interface, and the configured
 * `SESSION_BUDDY_ALLOWED_HOSTS` (`*` allows any, a leading dot allows subdomains). An IP address cannot
 * be rebound, so an address literal is always accepted. A `Host` that is not a host at all is bad input.
 */
import { hostname } from "node:os";

export type HostVerdict = { ok: true; host: string } | { ok: false; status: 400 | 403; reason: string };

export interface HostPolicy {
  /** Judges a request's `Host` header. */
  check(header: string | undefined): HostVerdict;
  /**
   * Whether a page of `origin` may call the API with credentials: only configured origins. Same-origin
   * requests need no CORS, so the service's own pages are unaffected.
   */
  corsAllowed(origin: string | null | undefined): boolean;
  /** Whether a browser WebSocket from `origin` (absent for non-browser clients) may connect. */
  socketAllowed(origin: string | undefined, host: string): boolean;
}

export interface HostPolicyOptions {
  /** The address the service listens on. */
  listenHost: string;
  /** Configured extra names (`*`, `.example.com`, `ops.example.com`). */
  allowedHosts?: readonly string[];
  /** Configured CORS origins. */
  corsOrigins?: readonly string[];
}

const LOOPBACK_NAMES = ["localhost", ".localhost"];
const WILDCARD_LISTEN = new Set(["0.0.0.0", "::", "[::]", ""]);
/** Characters a Host header never holds (userinfo, paths, spaces, controls). */
const NOT_A_HOST = /[\s/\\@?#%\p{Cc}]/u;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Parses `name[:port]` or `[v6][:port]` as a URL would; undefined when it is not a host. */
function parseHost(header: string): string | undefined {
  if (header.length === 0 || header.length > 300 || NOT_A_HOST.test(header)) return undefined;
  try {
    const url = new URL(`http://${header}`);
    return url.hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

const isAddress = (host: string) => IPV4.test(host) || host.startsWith("[");

const matches = (host: string, pattern: string) =>
  pattern === "*" || host === pattern || (pattern.startsWith(".") && host.endsWith(pattern));

/**
 * Builds the policy for one service instance.
 *
 * @example
 * const policy = createHostPolicy({ listenHost: "127.0.0.1", allowedHosts: ["ops.example.com"] });
 * policy.check("rebind.example:8678"); // { ok: false, status: 403, … }
 */
export function createHostPolicy(options: HostPolicyOptions): HostPolicy {
  const names = new Set<string>([...LOOPBACK_NAMES, ...(options.allowedHosts ?? [])]);
  const listen = options.listenHost.toLowerCase();
  if (WILDCARD_LISTEN.has(listen)) names.add(hostname().toLowerCase());
  else names.add(listen);
  const patterns = [...names];
  const origins = new Set(options.corsOrigins ?? []);

  const check = (header: string | undefined): HostVerdict => {
    if (header === undefined) return { ok: false, status: 400, reason: "the request has no Host header" };
    const host = parseHost(header);
    if (host === undefined) return { ok: false, status: 400, reason: "the Host header is not a host name" };
    if (isAddress(host) || patterns.some((p) => matches(host, p))) return { ok: true, host };
    return {
      ok: false,
      status: 403,
      reason: `host ${JSON.stringify(host)} is not allowed; add it to SESSION_BUDDY_ALLOWED_HOSTS to serve it`,
    };
  };

  return {
    check,
    corsAllowed: (origin) => typeof origin === "string" && origins.has(origin),
    socketAllowed(origin, host) {
      if (origin === undefined) return true;
      if (origins.has(origin)) return true;
      try {
        return new URL(origin).host.toLowerCase() === host.toLowerCase();
      } catch {
        return false;
      }
    },
  };
}
