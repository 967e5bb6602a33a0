/**
 * The one route table of the service: every HTTP route with its methods, its path as `/about` shows it,
 * what it is for, and its handler. `/about` and FastBlocks' `routes()` read the same table the requests
 * are dispatched by, so the documentation of the routes cannot drift from them.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Verifier } from "../../auth/jwt.js";
import { ErrorCodes } from "../../contract/errors.js";
import { LIMITS } from "../../contract/limits.js";
import type { GraphQLServer } from "../yoga.js";
import { listCheckpoints } from "./checkpoints.js";
import type { DashboardHandler } from "./dashboard.js";
import { handleExport } from "./export.js";
import { sendJson } from "./http.js";
import { handleLogin, handleLogout, type LocalSignIn } from "./login.js";
import { about, health, metrics, ready, type ServiceRouteOptions, schemaIndex, schemaOf } from "./service.js";
import { BUNDLE_PATH, handleBundle, handleTrailStream } from "./trail.js";

export interface RouterOptions extends ServiceRouteOptions {
  yoga: GraphQLServer;
  verify: Verifier;
  dashboard: DashboardHandler;
  /** The embedded mode's sign-in; absent otherwise (then /login answers 404). */
  signIn?: LocalSignIn | undefined;
}

type Handler = (req: IncomingMessage, res: ServerResponse, path: string) => unknown;

export interface Route {
  /** Methods as shown in `/about`; `WS` is the WebSocket upgrade, served by api/ws.ts. */
  method: "GET" | "POST, GET" | "WS";
  path: string;
  description: string;
  /** Whether a request path is this route's; absent for the WebSocket entry. */
  matches?: (path: string) => boolean;
  handle?: Handler;
}

const exact = (p: string) => (path: string) => path === p;

/** The route table for one service instance. */
export function routeTable(o: RouterOptions): Route[] {
  const routes: Route[] = [
    {
      method: "POST, GET",
      path: "/graphql",
      description: "GraphQL over HTTP; GraphiQL in a browser",
      matches: (p) => p === "/graphql" || p === "/graphql/",
      handle: (req, res) => graphqlOverHttp(o.yoga, req, res),
    },
    { method: "WS", path: "/graphql", description: "graphql-ws subscriptions (token in connectionParams)" },
    { method: "GET", path: "/health", description: "liveness", matches: exact("/health"), handle: health },
    {
      method: "GET",
      path: "/ready",
      description: "200 when the database answers",
      matches: exact("/ready"),
      handle: (_req, res) => ready(o, res),
    },
    {
      method: "GET",
      path: "/about",
      description: "version, auth mode, database, live feed, this table",
      matches: exact("/about"),
      handle: (_req, res) => about(o, res, describeRoutes(routes)),
    },
    ...(o.metricsEnabled
      ? [
          {
            method: "GET",
            path: "/metrics",
            description: "Prometheus text format",
            matches: exact("/metrics"),
            handle: (_req: IncomingMessage, res: ServerResponse) => metrics(o, res),
          } satisfies Route,
        ]
      : []),
    ...(o.signingKey
      ? [
          {
            method: "GET",
            path: "/.well-known/jwks.json",
            description: "public keys the service signs its trail with (Ed25519, RFC 7517)",
            matches: exact("/.well-known/jwks.json"),
            handle: (_req: IncomingMessage, res: ServerResponse) => sendJson(res, 200, o.signingKey?.jwks),
          } satisfies Route,
        ]
      : []),
    {
      method: "GET",
      path: "/checkpoints",
      description: "signed checkpoints of the trail, oldest first (?after=SEQ&limit=N)",
      matches: exact("/checkpoints"),
      handle: (req, res) => listCheckpoints(req, res, o),
    },
    {
      method: "GET",
      path: "/trail.ndjson",
      description:
        "every checkpoint with the records it signed, then the unsigned ones (?since=DATE; audit:read)",
      matches: exact("/trail.ndjson"),
      handle: (req, res) => handleTrailStream(req, res, o),
    },
    {
      method: "GET",
      path: "/trail/sessions/<id>",
      description: "one session's signed bundle, verifiable offline (audit:read)",
      matches: (p) => BUNDLE_PATH.test(p),
      handle: (req, res, p) => handleBundle(req, res, p, o),
    },
    {
      method: "GET",
      path: "/schemas",
      description: "JSON Schemas of the event models",
      matches: exact("/schemas"),
      handle: (_req, res) => schemaIndex(res),
    },
    {
      method: "GET",
      path: "/schemas/<name>.json",
      description: "one event model's JSON Schema (draft 2020-12)",
      matches: (p) => SCHEMA_PATH.test(p),
      handle: (_req, res, p) => schemaOf(SCHEMA_PATH.exec(p)?.[1] ?? "", res),
    },
    {
      method: "GET",
      path: "/export/sessions.ndjson",
      description: "all matching sessions, streamed as NDJSON",
      matches: (p) => p.startsWith("/export/"),
      handle: (req, res) => handleExport(req, res, o),
    },
    { method: "GET", path: "/export/sessions.csv", description: "all matching sessions, streamed as CSV" },
    {
      method: "GET",
      path: "/dashboard",
      description: "the live web dashboard",
      matches: (p) => p === "/dashboard" || p.startsWith("/dashboard/"),
      handle: async (req, res, p) => {
        if (!(await o.dashboard(req, res, p))) notFound(res, p);
      },
    },
    {
      method: "GET",
      path: "/dashboard/session/<id>",
      description: "one session's page and command timeline",
    },
    {
      method: "GET",
      path: "/login",
      description: "local sign-in link: ?key=… sets the sign-in cookie (embedded mode)",
      matches: exact("/login"),
      handle: (req, res) => handleLogin(req, res, o.signIn),
    },
    {
      method: "GET",
      path: "/logout",
      description: "forgets the local sign-in cookie",
      matches: exact("/logout"),
      handle: handleLogout,
    },
    {
      method: "GET",
      path: "/",
      description: "redirects to /graphql",
      matches: exact("/"),
      handle: (_req, res) => {
        res.writeHead(302, { location: "/graphql" });
        res.end();
      },
    },
  ];
  return routes;
}

const SCHEMA_PATH = /^\/schemas\/([a-z-]+)\.json$/;

/** The table as `/about` shows it. */
export function describeRoutes(routes: readonly Route[]) {
  return routes.map(({ method, path, description }) => ({ method, path, description }));
}

function notFound(res: ServerResponse, path: string) {
  sendJson(res, 404, { error: `no route ${path}`, code: ErrorCodes.NOT_FOUND });
}

/**
 * POST bodies are limited by their declared length, so a POST must declare one (every HTTP client sends it
 * for a JSON body); a chunked body of unknown size is refused before it is read.
 */
function graphqlOverHttp(yoga: GraphQLServer, req: IncomingMessage, res: ServerResponse) {
  const refuse = (status: number, message: string) => {
    req.resume();
    sendJson(res, status, { errors: [{ message, extensions: { code: ErrorCodes.BAD_USER_INPUT } }] });
  };
  if (req.method === "POST" && req.headers["content-length"] === undefined)
    return refuse(411, "a Content-Length header is required for POST /graphql");
  const length = Number(req.headers["content-length"] ?? 0);
  if (length > LIMITS.requestBytes)
    return refuse(413, `request body of ${length} bytes exceeds the limit of ${LIMITS.requestBytes} bytes`);
  // GraphiQL's page may carry a signed-in user's token: never cached.
  if (req.method === "GET") res.setHeader("cache-control", "no-store");
  return yoga(req, res);
}

/**
 * Dispatches a request by the table: the first route whose path matches handles it; a method the route
 * does not take is 405, a path no route takes is 404.
 */
const METHODS = {
  "POST, GET": { accepted: new Set(["POST", "GET", "HEAD", "OPTIONS"]), allow: "POST, GET" },
  GET: { accepted: new Set(["GET", "HEAD"]), allow: "GET, HEAD" },
} as const;

export function createRouter(routes: readonly Route[]): Handler {
  const served = routes.filter((r) => r.matches && r.handle && r.method !== "WS");
  return (req, res, path) => {
    const route = served.find((r) => r.matches!(path));
    if (!route) return notFound(res, path);
    const method = req.method ?? "GET";
    const { accepted, allow } = METHODS[route.method as keyof typeof METHODS];
    if (!accepted.has(method)) {
      return sendJson(
        res,
        405,
        { error: `method ${method} is not allowed on ${route.path}`, code: ErrorCodes.BAD_USER_INPUT },
        { allow },
      );
    }
    return route.handle!(req, res, path);
  };
}
