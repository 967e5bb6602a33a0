import type { Db } from "../../db/connection.js";
import type { PubSub } from "../pubsub.js";
import { AccessLog } from "./access-log.js";
import { AnalyticsService } from "./analytics/index.js";
import { Metrics } from "./metrics.js";
import { SessionService } from "./sessions.js";

export interface Services {
  db: Db;
  pubsub: PubSub;
  sessions: SessionService;
  metrics: Metrics;
  analytics: AnalyticsService;
  /** Who read command text. */
  access: AccessLog;
}

export function createServices(db: Db, pubsub: PubSub, options: { now?: () => Date } = {}): Services {
  const metrics = new Metrics(db);
  const now = options.now ? { now: options.now } : {};
  const sessions = new SessionService({ db, pubsub, metrics, ...now });
  return {
    db,
    pubsub,
    metrics,
    sessions,
    analytics: new AnalyticsService({ db, sessions, ...now }),
    access: new AccessLog(db, metrics.registry),
  };
}
