import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { GraphQLError } from "graphql";
import { CloseCode } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import { WebSocketServer } from "ws";
import { z } from "zod";
import { VERSION } from "../config/version.js";
import type { Database } from "../db/connection.js";
import { AuthFailure, bearerToken, type Identity, type Verifier } from "../auth/jwt.js";
import type { Context } from "./context.js";
import { createDashboardHandler } from "./routes/dashboard.js";
import { ErrorCodes } from "./errors.js";
import { handleExport } from "./routes/export.js";
import { EVENT_MODEL_VERSION, LIMITS, publishedModels } from "../contract/models.js";
import type { PubSubHandle } from "./pubsub.js";
import { Reaper } from "./reaper.js";
import { schema } from "./schema/index.js";
import { createServices, type Services } from "./services/index.js";

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

/** The route table, served at `/about` (FastBlocks' `routes()` shows it). */
export const ROUTES = [
  { method: "POST, GET", path: "/graphql", description: "GraphQL over HTTP; GraphiQL in a browser" },
  { method: "WS", path: "/graphql", description: "graphql-ws subscriptions (token in connectionParams)" },
  { method: "GET", path: "/health", description: "liveness" },
  { method: "GET", path: "/ready", description: "200 when the database answers" },
  { method: "GET", path: "/about", description: "version, auth mode, database, live feed, this table" },
  { method: "GET", path: "/metrics", description: "Prometheus text format" },
  { method: "GET", path: "/schemas", description: "JSON Schemas of the event models" },
  {
    method: "GET",
    path: "/schemas/<name>.json",
    description: "one event model's JSON Schema (draft 2020-12)",
  },
  {
    method: "GET",
    path: "/export/sessions.ndjson",
    description: "all matching sessions, streamed as NDJSON",
  },
  { method: "GET", path: "/export/sessions.csv", description: "all matching sessions, streamed as CSV" },
  { method: "GET", path: "/dashboard", description: "the live web dashboard" },
  { method: "GET", path: "/dashboard/session/<id>", description: "one session's page and command timeline" },
] as const;

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export interface AppOptions {
  database: Database;
  pubsub: PubSubHandle;
  verify: Verifier;
  logger?: Logger;
  metricsEnabled?: boolean;
  abandonAfterSeconds?: number;
  /** How often the reaper looks for silent sessions; default a third of the abandon timeout, at most 10 s. */
  reapIntervalMs?: number;
  /** A read token GraphiQL is pre-filled with; only in the embedded local mode. */
  graphiqlToken?: string | undefined;
  /** Describes the auth mode to clients that ask (FastBlocks' `auth`). */
  authMode?: "local-secret" | "secret" | "jwks";
  /** The built dashboard served at /dashboard; default `<repo>/dist/web`. It embeds `graphiqlToken`. */
  dashboardDir?: string;
  now?: () => Date;
}

export interface App {
  yoga: YogaServerInstance<Record<string, unknown>, Context>;
  services: Services;
  reaper: Reaper;
  server: Server;
  /** Listens; port 0 picks a free port. Resolves with the bound URL of /graphql. */
  start(port: number, host: string): Promise<{ url: string; port: number }>;
  /** Disposes subscriptions, closes connections and the server, stops the reaper. */
  stop(): Promise<void>;
}

/** Accepted-code mapping: GraphQL's own parse/validation failures are bad input too. */
const BAD_INPUT_CODES = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST"]);

function normaliseErrorCodes(): Plugin {
  const fix = (result: unknown) => {
    const errors = (result as { errors?: GraphQLError[] })?.errors;
    if (!Array.isArray(errors)) return;
    for (const e of errors) {
      const code = e.extensions?.code as string | undefined;
      if (!code || BAD_INPUT_CODES.has(code)) {
        (e.extensions as Record<string, unknown>).code = ErrorCodes.BAD_USER_INPUT;
        if (code) (e.extensions as Record<string, unknown>).reason = code;
      }
    }
  };
  return {
    onResultProcess({ result }) {
      if (Array.isArray(result)) for (const r of result) fix(r);
      else if (result && typeof result === "object" && !(Symbol.asyncIterator in result)) fix(result);
    },
  };
}

const DB_DOWN_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01", // admin_shutdown
  "57P03", // cannot_connect_now
]);

/** A failure to reach the database (postgres.js codes, or a closed embedded database), anywhere in the cause chain. */
function databaseUnavailable(error: unknown): boolean {
  for (
    let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    depth++
  ) {
    if (typeof e.code === "string" && DB_DOWN_CODES.has(e.code)) return true;
    if (typeof e.message === "string" && /PGlite is closed/i.test(e.message)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/**
 * graphql ships CJS and ESM builds; a library loading the other one (graphql-armor's parser does) makes
 * `instanceof GraphQLError` false for a real GraphQL error, so errors are recognised by shape.
 */
function isGraphQLError(e: unknown): e is GraphQLError {
  return e instanceof GraphQLError || (e instanceof Error && e.name === "GraphQLError");
}

/** A code of our own, or GraphQL's own parse/validation code (normalised to BAD_USER_INPUT later). */
function hasCode(e: GraphQLError): boolean {
  return typeof e.extensions?.code === "string";
}

function withCode(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, code: ErrorCodes.BAD_USER_INPUT, http: { status: 400 } },
  });
}

function requestMetrics(services: Services): Plugin {
  return {
    onExecute({ args }) {
      const started = performance.now();
      const op = args.document.definitions.find((d: { kind: string }) => d.kind === "OperationDefinition");
      const type = op && "operation" in op ? op.operation : "unknown";
      return {
        onExecuteDone({ result }) {
          const failed = "errors" in result && Array.isArray(result.errors) && result.errors.length > 0;
          services.metrics.graphqlRequests.inc({ operation_type: type, outcome: failed ? "error" : "ok" });
          services.metrics.graphqlDuration.observe(
            { operation_type: type },
            (performance.now() - started) / 1000,
          );
        },
      };
    },
  };
}

async function authenticate(
  verify: Verifier,
  raw: unknown,
): Promise<Pick<Context, "identity" | "authFailure">> {
  const token = typeof raw === "string" ? bearerToken(raw) : undefined;
  if (!token) return { identity: null, authFailure: null };
  try {
    return { identity: await verify(token), authFailure: null };
  } catch (err) {
    if (err instanceof AuthFailure) return { identity: null, authFailure: err };
    throw err;
  }
}

/**
 * Builds the service without I/O of its own: `start` listens, `stop` releases everything.
 *
 * @example
 * const app = createApp({ database, pubsub, verify });
 * const { url } = await app.start(0, "127.0.0.1");
 * await app.stop();
 */
export function createApp(options: AppOptions): App {
  const logger = options.logger ?? silentLogger;
  const services = createServices(
    options.database.db,
    options.pubsub.pubsub,
    options.now ? { now: options.now } : {},
  );
  const abandonAfter = options.abandonAfterSeconds ?? 90;
  const reaper = new Reaper(services.sessions, {
    abandonAfterSeconds: abandonAfter,
    intervalMs: options.reapIntervalMs ?? Math.min(10_000, Math.max(100, (abandonAfter * 1000) / 3)),
    logger,
  });

  const yoga = createYoga<Record<string, unknown>, Context>({
    schema,
    logging: {
      debug() {},
      info() {},
      warn: (...args: unknown[]) => logger.warn(args.map(String).join(" ")),
      error: (...args: unknown[]) => logger.error(args.map(String).join(" ")),
    },
    maskedErrors: {
      // Domain errors and GraphQL's own errors (syntax, validation, variable coercion) speak to the
      // caller; anything thrown from below (a bug, a database failure) is masked and logged.
      maskError(error, message) {
        if (isGraphQLError(error)) {
          const original = error.originalError;
          if (isGraphQLError(original)) return hasCode(original) ? original : withCode(original);
          if (!original) return hasCode(error) ? error : withCode(error);
        }
        const original = (error as GraphQLError).originalError ?? error;
        if (databaseUnavailable(original)) {
          logger.error("the database is unavailable", original);
          return new GraphQLError("the database is unavailable; try again later", {
            extensions: { code: "SERVICE_UNAVAILABLE", http: { status: 503 } },
          });
        }
        logger.error("unexpected error while resolving", original);
        return new GraphQLError(message, { extensions: { code: "INTERNAL_SERVER_ERROR" } });
      },
    },
    // GraphiQL's code comes from this package, not a CDN: it works offline and behind strict egress.
    renderGraphiQL,
    graphiql: {
      title: "Session-Buddy",
      defaultQuery: `# Sessions, newest first. Mint a token with: npx session-buddy token --scope "sessions:read audit:read"
query RecentSessions {
  sessions(first: 10) {
    totalCount
    edges { node { id component status actor startedAt durationSeconds commandCount } }
  }
}
`,
      ...(options.graphiqlToken
        ? { headers: JSON.stringify({ Authorization: `Bearer ${options.graphiqlToken}` }) }
        : {}),
    },
    plugins: [
      EnvelopArmorPlugin({
        maxDepth: { n: 12 },
        costLimit: { maxCost: 250_000 },
        maxAliases: { n: 30 },
        maxDirectives: { n: 30 },
        maxTokens: { n: 5000 },
        blockFieldSuggestion: { enabled: false },
      }),
      requestMetrics(services),
      normaliseErrorCodes(),
    ],
    context: async (initial) => {
      const params = (initial as { connectionParams?: Record<string, unknown> }).connectionParams;
      const raw = params
        ? (params.authorization ?? params.Authorization)
        : initial.request.headers.get("authorization");
      return { ...(await authenticate(options.verify, raw)), services };
    },
  });

  const metricsEnabled = options.metricsEnabled ?? true;
  const dashboard = createDashboardHandler({
    dir: options.dashboardDir,
    token: options.graphiqlToken,
    authMode: options.authMode,
    logger,
  });

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path === "/graphql" || path === "/graphql/") {
      const length = Number(req.headers["content-length"] ?? 0);
      // The size limit is enforced on the declared length, so a body must declare one (every HTTP client
      // sends it for a JSON body); a chunked body of unknown size is refused before it is read.
      if (req.method === "POST" && req.headers["content-length"] === undefined) {
        req.resume();
        return json(res, 411, {
          errors: [
            {
              message: "a Content-Length header is required for POST /graphql",
              extensions: { code: ErrorCodes.BAD_USER_INPUT },
            },
          ],
        });
      }
      if (length > LIMITS.requestBytes) {
        req.resume();
        return json(res, 413, {
          errors: [
            {
              message: `request body of ${length} bytes exceeds the limit of ${LIMITS.requestBytes} bytes`,
              extensions: { code: ErrorCodes.BAD_USER_INPUT },
            },
          ],
        });
      }
      return yoga(req, res);
    }
    if (req.method !== "GET" && req.method !== "HEAD") return json(res, 405, { error: "method not allowed" });
    if (path === "/health") return json(res, 200, { status: "healthy" });
    if (path === "/about") {
      return json(res, 200, {
        service: "session-buddy",
        version: VERSION,
        authMode: options.authMode ?? "secret",
        database: options.database.kind,
        liveFeed: options.pubsub.kind,
        metrics: metricsEnabled,
        routes: ROUTES.filter((r) => r.path !== "/metrics" || metricsEnabled),
      });
    }
    if (path === "/ready") {
      const ok = await options.database.ping();
      return json(res, ok ? 200 : 503, {
        status: ok ? "ready" : "unavailable",
        database: options.database.kind,
      });
    }
    if (path === "/metrics") {
      if (!metricsEnabled) return json(res, 404, { error: "metrics are disabled" });
      try {
        const text = await services.metrics.registry.metrics();
        res.writeHead(200, { "content-type": services.metrics.registry.contentType });
        return res.end(text);
      } catch (err) {
        logger.error("cannot collect metrics", err);
        return json(res, 503, { error: "metrics unavailable: the database did not answer" });
      }
    }
    if (path.startsWith("/export/")) return handleExport(req, res, { ...options, services, logger });
    if (path === "/schemas") {
      return json(res, 200, {
        version: EVENT_MODEL_VERSION,
        schemas: Object.keys(publishedModels).map((name) => ({ name, url: `/schemas/${name}.json` })),
      });
    }
    const m = /^\/schemas\/([a-z-]+)\.json$/.exec(path);
    if (m) {
      const model = publishedModels[m[1] as keyof typeof publishedModels];
      if (!model) return json(res, 404, { error: `no schema ${m[1]}` });
      return json(res, 200, {
        $id: `/schemas/${m[1]}.json`,
        version: EVENT_MODEL_VERSION,
        ...z.toJSONSchema(model, { target: "draft-2020-12", io: "input" }),
      });
    }
    if (await dashboard(req, res, path)) return;
    if (path === "/") {
      res.writeHead(302, { location: "/graphql" });
      return res.end();
    }
    return json(res, 404, { error: `no route ${path}` });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      logger.error("request failed", err);
      if (!res.headersSent) json(res, 500, { error: "internal error" });
      else res.end();
    });
  });

  const wss = new WebSocketServer({ server, path: "/graphql", maxPayload: LIMITS.requestBytes });
  const expiryTimers = new Set<NodeJS.Timeout>();
  const wsServer = useServer<Record<string, unknown>, { identity?: Identity }>(
    {
      execute: (args) => (args.rootValue as { execute: (a: unknown) => unknown }).execute(args) as never,
      subscribe: (args) =>
        (args.rootValue as { subscribe: (a: unknown) => unknown }).subscribe(args) as never,
      onConnect: async (ctx) => {
        const raw = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const auth = await authenticate(options.verify, raw);
        if (!auth.identity) return false;
        ctx.extra.identity = auth.identity;
        // The socket lives no longer than its token.
        const ms = auth.identity.exp * 1000 - Date.now();
        const timer = setTimeout(
          () => {
            expiryTimers.delete(timer);
            ctx.extra.socket.close(CloseCode.Forbidden, "Forbidden: token expired");
          },
          Math.max(0, Math.min(ms, 2 ** 31 - 1)),
        );
        expiryTimers.add(timer);
        ctx.extra.socket.once("close", () => {
          clearTimeout(timer);
          expiryTimers.delete(timer);
        });
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const {
          schema: s,
          execute,
          subscribe,
          contextFactory,
          parse,
          validate,
        } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
        });
        let document: ReturnType<typeof parse>;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [
            new GraphQLError((err as Error).message, { extensions: { code: ErrorCodes.BAD_USER_INPUT } }),
          ];
        }
        const errors = validate(s, document);
        if (errors.length > 0) {
          return errors.map(
            (e: GraphQLError) =>
              new GraphQLError(e.message, { extensions: { code: ErrorCodes.BAD_USER_INPUT } }),
          );
        }
        return {
          schema: s,
          operationName: payload.operationName ?? null,
          document,
          variableValues: payload.variables ?? null,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
      },
    },
    wss,
  );

  let started = false;
  return {
    yoga,
    services,
    reaper,
    server,
    async start(port, host) {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      started = true;
      reaper.start();
      const address = server.address() as AddressInfo;
      const h = address.family === "IPv6" ? `[${address.address}]` : address.address;
      return { url: `http://${h}:${address.port}/graphql`, port: address.port };
    },
    async stop() {
      reaper.stop();
      for (const t of expiryTimers) clearTimeout(t);
      await wsServer.dispose();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      if (started) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await yoga.dispose?.();
    },
  };
}
