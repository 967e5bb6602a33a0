/**
 * The service's own plain-HTTP routes: liveness, readiness, the self-description, Prometheus metrics and
 * the event models' JSON Schemas.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { Logger } from "../../config/logger.js";
import { VERSION } from "../../config/version.js";
import { ErrorCodes } from "../../contract/errors.js";
import { EVENT_MODEL_VERSION } from "../../contract/limits.js";
import { publishedModels } from "../../contract/models.js";
import type { Database } from "../../db/connection.js";
import type { PubSubHandle } from "../pubsub.js";
import type { Services } from "../services/index.js";
import type { SigningKey } from "../trust/signing-key.js";
import { sendJson } from "./http.js";

export interface ServiceRouteOptions {
  database: Database;
  pubsub: PubSubHandle;
  services: Services;
  logger: Logger;
  metricsEnabled: boolean;
  authMode: "local-secret" | "secret" | "jwks";
  /** The service's trail-signing key (its public half is served); absent when the app has none. */
  signingKey?: SigningKey | undefined;
}

export const health = (_req: IncomingMessage, res: ServerResponse) =>
  sendJson(res, 200, { status: "healthy" });

/**
 * Readiness: 503 `unavailable` while the database does not answer (nothing can be stored). With the
 * database up but the live feed down (Redis unreachable), 200 `degraded`: sessions and events are still
 * accepted and stored, only subscriptions wait for Redis (and then resume from the database), so a load
 * balancer should keep sending writes.
 *
 * @example
 * // GET /ready → 200 {"status":"degraded","database":"postgres","liveFeed":"down","liveFeedError":"connect ECONNREFUSED …"}
 */
export async function ready(o: ServiceRouteOptions, res: ServerResponse) {
  const ok = await o.database.ping();
  const feed = o.pubsub.pubsub.liveFeed;
  const status = !ok ? "unavailable" : feed.state === "up" ? "ready" : "degraded";
  sendJson(res, ok ? 200 : 503, {
    status,
    database: o.database.kind,
    ...(ok ? {} : { databaseError: o.database.notReadyReason() ?? "the database did not answer" }),
    liveFeed: feed.state,
    ...(feed.reason ? { liveFeedError: feed.reason } : {}),
  });
}

export function about(o: ServiceRouteOptions, res: ServerResponse, routes: readonly unknown[]) {
  sendJson(res, 200, {
    service: "session-buddy",
    version: VERSION,
    authMode: o.authMode,
    database: o.database.kind,
    liveFeed: o.pubsub.kind,
    metrics: o.metricsEnabled,
    routes,
  });
}

export async function metrics(o: ServiceRouteOptions, res: ServerResponse) {
  try {
    const text = await o.services.metrics.registry.metrics();
    res.writeHead(200, { "content-type": o.services.metrics.registry.contentType });
    res.end(text);
  } catch (err) {
    o.logger.error({ err }, "cannot collect metrics");
    sendJson(res, 503, {
      error: "metrics unavailable: the database did not answer",
      code: ErrorCodes.SERVICE_UNAVAILABLE,
    });
  }
}

export function schemaIndex(res: ServerResponse) {
  sendJson(res, 200, {
    version: EVENT_MODEL_VERSION,
    schemas: Object.keys(publishedModels).map((name) => ({ name, url: `/schemas/${name}.json` })),
  });
}

export function schemaOf(name: string, res: ServerResponse) {
  const model = publishedModels[name as keyof typeof publishedModels];
  if (!model) return sendJson(res, 404, { error: `no schema ${name}`, code: ErrorCodes.NOT_FOUND });
  sendJson(res, 200, {
    $id: `/schemas/${name}.json`,
    version: EVENT_MODEL_VERSION,
    ...z.toJSONSchema(model, { target: "draft-2020-12", io: "input" }),
  });
}
