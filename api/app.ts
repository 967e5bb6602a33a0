/**
 * The service assembled without I/O of its own: the services over the database and the live feed, the
 * GraphQL endpoint (api/yoga.ts), its subscriptions (api/ws.ts), the route table (api/routes/) and the
 * reaper. `start` listens, `stop` releases everything.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Verifier } from "../auth/jwt.js";
import { type Logger, silentLogger } from "../config/logger.js";
import { ErrorCodes } from "../contract/errors.js";
import type { Database } from "../db/connection.js";
import type { PubSubHandle } from "./pubsub.js";
import { Reaper } from "./reaper.js";
import { createDashboardHandler } from "./routes/dashboard.js";
import { sendJson } from "./routes/http.js";
import { createRouter, describeRoutes, routeTable } from "./routes/index.js";
import { createServices, type Services } from "./services/index.js";
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
  /** A read token GraphiQL is pre-filled with; only in the embedded local mode. */
  graphiqlToken?: string | undefined;
  /** Describes the auth mode to clients that ask (FastBlocks' `auth`). */
  authMode?: "local-secret" | "secret" | "jwks";
  /** The built dashboard served at /dashboard; default `<repo>/dist/web`. It embeds `graphiqlToken`. */
  dashboardDir?: string;
  now?: () => Date;
}

export interface App {
  yoga: GraphQLServer;
  services: Services;
  reaper: Reaper;
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
  const yoga = createGraphQL({
    services,
    verify: options.verify,
    logger,
    graphiqlToken: options.graphiqlToken,
  });
  const dashboard = createDashboardHandler({
    dir: options.dashboardDir,
    token: options.graphiqlToken,
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
  });
  const route = createRouter(routes);

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    Promise.resolve()
      .then(() => route(req, res, path))
      .catch((err) => {
        logger.error("request failed", err);
        if (!res.headersSent)
          sendJson(res, 500, { error: "internal error", code: ErrorCodes.INTERNAL_SERVER_ERROR });
        else res.end();
      });
  });
  const subscriptions = attachSubscriptions(server, yoga, options.verify);

  let started = false;
  return {
    yoga,
    services,
    reaper,
    server,
    routes: describeRoutes(routes),
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
      await subscriptions.dispose();
      if (started) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await yoga.dispose?.();
    },
  };
}
