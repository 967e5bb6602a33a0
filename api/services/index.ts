import type { Db } from "../../db/connection.js";
import type { PubSub } from "../pubsub.js";
import { Metrics } from "./metrics.js";
import { SessionService } from "./sessions.js";

export interface Services {
  db: Db;
  pubsub: PubSub;
  sessions: SessionService;
  metrics: Metrics;
}

export function createServices(db: Db, pubsub: PubSub, options: { now?: () => Date } = {}): Services {
  const metrics = new Metrics(db);
  return {
    db,
    pubsub,
    metrics,
    sessions: new SessionService({ db, pubsub, metrics, ...(options.now ? { now: options.now } : {}) }),
  };
}
