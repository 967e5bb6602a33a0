import { SessionStatuses } from "../../contract/enums.js";
import type { Db } from "../../db/connection.js";
import type { PubSub } from "../pubsub.js";
import { Retention, type RetentionPolicy } from "../trust/retention.js";
import type { SigningKey } from "../trust/signing-key.js";
import { AccessLog } from "./access-log.js";
import { type AlertOptions, Alerts, type AlertTarget } from "./alerts.js";
import { AnalyticsService } from "./analytics/index.js";
import { Metrics } from "./metrics.js";
import { Reviews } from "./reviews.js";
import { SessionService } from "./sessions.js";

export interface Services {
  db: Db;
  pubsub: PubSub;
  sessions: SessionService;
  metrics: Metrics;
  analytics: AnalyticsService;
  /** Who read command text. */
  access: AccessLog;
  /** Retention, purge and legal holds. */
  retention: Retention;
  /** Sensitive periods, the review queue and verdicts. */
  reviews: Reviews;
  /** Alert webhooks and their deliveries. */
  alerts: Alerts;
}

export interface ServiceOptions {
  now?: () => Date;
  /** Signs the tombstones a purge leaves; without it nothing can be purged (holds still work). */
  signingKey?: SigningKey | undefined;
  retention?: RetentionPolicy;
  /** Milliseconds between retention passes. */
  retentionIntervalMs?: number;
  /** The connection purges delete through; default `db`. */
  purgeDb?: Db | undefined;
  /** Signs what is unsigned (the checkpointer), run before a purge. */
  checkpoint?: () => Promise<unknown>;
  logger?: { info(o: object, message: string): void; error(message: string, err?: unknown): void };
  /** Components whose every session needs a review (`review: required`). */
  reviewRequired?: readonly string[];
  /** Alert webhooks (`alerts` in the configuration). */
  alerts?: readonly AlertTarget[];
  /** Timings of alert sweeps and retries (tests shorten them). */
  alertTimings?: Pick<
    AlertOptions,
    | "intervalMs"
    | "baseDelayMs"
    | "maxDelayMs"
    | "maxAttempts"
    | "timeoutMs"
    | "anomalyIntervalMs"
    | "lookbackMs"
  >;
}

export function createServices(db: Db, pubsub: PubSub, options: ServiceOptions = {}): Services {
  const metrics = new Metrics(db);
  const now = options.now ? { now: options.now } : {};
  const sessions = new SessionService({ db, pubsub, metrics, ...now });
  const analytics = new AnalyticsService({ db, sessions, ...now });
  const alerts = new Alerts({
    db,
    sessions,
    analytics,
    registry: metrics.registry,
    targets: options.alerts ?? [],
    ...now,
    ...(options.logger ? { logger: options.logger } : {}),
    ...options.alertTimings,
  });
  const reviews = new Reviews({
    db,
    pubsub,
    analytics,
    sessions,
    ...(options.reviewRequired ? { reviewRequired: options.reviewRequired } : {}),
    onFlagged: () => alerts.nudge(),
  });
  sessions.onRecorded((rows) => alerts.noticeEvents(rows));
  sessions.onEnded((row) => {
    if (row.status === SessionStatuses.ABANDONED || row.brokenSeq !== null) alerts.nudge();
    reviews
      .announceEnded(row)
      .catch((err: unknown) =>
        options.logger?.error("review queue: could not announce an ended session", err),
      );
  });
  return {
    db,
    pubsub,
    metrics,
    sessions,
    analytics,
    reviews,
    alerts,
    access: new AccessLog(db, metrics.registry),
    retention: new Retention(db, options.signingKey, {
      ...now,
      ...(options.retention ? { policy: options.retention } : {}),
      ...(options.retentionIntervalMs ? { intervalMs: options.retentionIntervalMs } : {}),
      ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
      ...(options.purgeDb ? { purgeDb: options.purgeDb } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      onPurged: (component, by, n) => metrics.sessionsPurged(component, by, n),
    }),
  };
}
