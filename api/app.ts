/**
 * The service assembled without I/O of its own: the services over the database and the live feed, the
 * GraphQL endpoint (api/yoga.ts), its subscriptions (api/ws.ts), the route table (api/routes/) and the
 * reaper. Every request first passes the Host allow-list (api/routes/host.ts) and gets a request id.
 * `start` listens, `stop` releases everything.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Verifier } from "../auth/jwt.js";
import { type Logger, silentLogger } from "../config/logger.js";
import { ErrorCodes } from "../contract/errors.js";
import type { Database } from "../db/connection.js";
import type { Exposure } from "./exposure.js";
import type { PubSubHandle } from "./pubsub.js";
import { Reaper } from "./reaper.js";
import { beginRequest } from "./request-log.js";
import { createDashboardHandler } from "./routes/dashboard.js";
import { createHostPolicy, type HostPolicy } from "./routes/host.js";
import { sendJson } from "./routes/http.js";
import { createRouter, describeRoutes, routeTable } from "./routes/index.js";
import { type LocalSignIn, pageTokenFor } from "./routes/login.js";
import { createServices, type ServiceOptions, type Services } from "./services/index.js";
import { Checkpointer } from "./trust/checkpoints.js";
import type { RetentionPolicy } from "./trust/retention.js";
import type { SigningKey } from "./trust/signing-key.js";
import { attachSubscriptions } from "./ws.js";
import { createGraphQL, type GraphQLServer } from "./yoga.js";

export interface AppOptions {
  database: Database;
  pubsub: PubSubHandle;
  verify: Verifier;
  logger?: Logger;
  metricsEnabled?: boolean;
  abandonAfterSeconds?: number;
  /** How often the reaper looks for silent sessions; default a third of the abandon timeout, at most 10 s. */
  reapIntervalMs?: number;
  /**
   * The embedded local mode's sign-in (the `/login` link); GraphiQL and the dashboard embed its page
   * token only for a signed-in browser.
   */
  signIn?: LocalSignIn | undefined;
  /** Host names served besides loopback names and the listen address (`*` = any). */
  allowedHosts?: readonly string[];
  /** Origins whose pages may call the API with credentials. */
  corsOrigins?: readonly string[];
  /** Who may introspect the schema / see "Did you mean" hints; default public. */
  introspection?: Exposure;
  suggestions?: Exposure;
  /** Describes the auth mode to clients that ask (FastBlocks' `auth`). */
  authMode?: "local-secret" | "secret" | "jwks";
  /** The built dashboard served at /dashboard; default `<repo>/dist/web`. */
  dashboardDir?: string;
  /** The trail-signing key: checkpoints are signed with it, its public half served at /.well-known/jwks.json. */
  signingKey?: SigningKey;
  /** Seconds between signed checkpoints (with a signing key); default 60. */
  checkpointIntervalSeconds?: number;
  /** How long ended sessions are kept, and the minimum age below which none is purged. */
  retention?: RetentionPolicy;
  /** The database purges delete through (a session_buddy_purge member); default `database`. */
  purgeDatabase?: Database | undefined;
  /** Seconds between retention passes (with a signing key); default 3600. */
  retentionIntervalSeconds?: number;
  /** Components whose every session needs a review (`review: required`). */
  reviewRequired?: readonly string[];
  /** Alert webhooks (`alerts` in the configuration) and, for tests, their timings. */
  alerts?: ServiceOptions["alerts"];
  alertTimings?: ServiceOptions["alertTimings"];
  now?: () => Date;
}

export interface App {
  yoga: GraphQLServer;
  services: Services;
  reaper: Reaper;
  /** Signs checkpoints of the trail; absent without a signing key. */
  checkpointer: Checkpointer | undefined;
  server: Server;
  /** The routes served, as `/about` lists them. */
  routes: { method: string; path: string; description: string }[];
  /** Listens; port 0 picks a free port. Resolves with the bound URL of /graphql. */
  start(port: number, host: string): Promise<{ url: string; port: number }>;
  /** Disposes subscriptions, closes connections and the server, stops the reaper. */
  stop(): Promise<void>;
}

/**
 * Builds the service.
 *
 * @example
 * const app = createApp({ database, pubsub, verify });
 * const { url } = await app.start(0, "127.0.0.1");
 * await app.stop();
 */
export function createApp(options: AppOptions): App {
  const logger = options.logger ?? silentLogger;
  const checkpointer = options.signingKey
    ? new Checkpointer(options.database.db, options.signingKey, {
        intervalMs: (options.checkpointIntervalSeconds ?? 60) * 1000,
        logger,
      })
    : undefined;
  const services = createServices(options.database.db, options.pubsub.pubsub, {
    ...(options.now ? { now: options.now } : {}),
    signingKey: options.signingKey,
    ...(options.retention ? { retention: options.retention } : {}),
    ...(options.retentionIntervalSeconds
      ? { retentionIntervalMs: options.retentionIntervalSeconds * 1000 }
      : {}),
    ...(checkpointer ? { checkpoint: () => checkpointer.run() } : {}),
    purgeDb: options.purgeDatabase?.db,
    logger,
    ...(options.reviewRequired ? { reviewRequired: options.reviewRequired } : {}),
    ...(options.alerts ? { alerts: options.alerts } : {}),
    ...(options.alertTimings ? { alertTimings: options.alertTimings } : {}),
  });
  const abandonAfter = options.abandonAfterSeconds ?? 90;
  const reaper = new Reaper(services.sessions, {
    abandonAfterSeconds: abandonAfter,
    intervalMs: options.reapIntervalMs ?? Math.min(10_000, Math.max(100, (abandonAfter * 1000) / 3)),
    logger,
  });
  if (checkpointer) services.sessions.onEnded(() => checkpointer.nudge());
  const policyFor = (listenHost: string) =>
    createHostPolicy({ listenHost, allowedHosts: options.allowedHosts, corsOrigins: options.corsOrigins });
  let hosts: HostPolicy = policyFor("127.0.0.1");
  const yoga = createGraphQL({
    services,
    verify: options.verify,
    logger,
    corsAllowed: (origin) => hosts.corsAllowed(origin),
    graphiqlToken: (request) => pageTokenFor(options.signIn, request.headers.get("cookie") ?? undefined),
    introspection: options.introspection,
    suggestions: options.suggestions,
  });
  const dashboard = createDashboardHandler({
    dir: options.dashboardDir,
    tokenFor: (req) => pageTokenFor(options.signIn, req.headers.cookie),
    authMode: options.authMode,
    logger,
  });
  const routes = routeTable({
    database: options.database,
    pubsub: options.pubsub,
    services,
    logger,
    metricsEnabled: options.metricsEnabled ?? true,
    authMode: options.authMode ?? "secret",
    yoga,
    verify: options.verify,
    dashboard,
    signIn: options.signIn,
    signingKey: options.signingKey,
  });
  const route = createRouter(routes);

  const server = createServer((req, res) => {
    const log = beginRequest(logger, req, res);
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("x-frame-options", "DENY");
    const host = hosts.check(req.headers.host);
    if (!host.ok) {
      log.info({ host: req.headers.host, status: host.status }, "request refused by the Host allow-list");
      req.resume();
      return sendJson(res, host.status, {
        error: host.reason,
        code: host.status === 400 ? ErrorCodes.BAD_USER_INPUT : ErrorCodes.FORBIDDEN,
      });
    }
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    Promise.resolve()
      .then(() => route(req, res, path))
      .catch((err) => {
        log.error({ err, path }, "request failed");
        if (!res.headersSent)
          sendJson(res, 500, { error: "internal error", code: ErrorCodes.INTERNAL_SERVER_ERROR });
        else res.end();
      });
  });
  const subscriptions = attachSubscriptions(server, yoga, options.verify, {
    logger,
    hosts: () => hosts,
  });

  let started = false;
  return {
    yoga,
    services,
    reaper,
    checkpointer,
    server,
    routes: describeRoutes(routes),
    async start(port, host) {
      hosts = policyFor(host);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      started = true;
      reaper.start();
      checkpointer?.start();
      services.retention.start();
      services.alerts.start();
      const address = server.address() as AddressInfo;
      const h = address.family === "IPv6" ? `[${address.address}]` : address.address;
      return { url: `http://${h}:${address.port}/graphql`, port: address.port };
    },
    async stop() {
      await reaper.stop();
      await checkpointer?.stop();
      await services.retention.stop();
      await services.alerts.stop();
      await subscriptions.dispose();
      if (started) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await yoga.dispose?.();
      await services.access.stop();
    },
  };
}
