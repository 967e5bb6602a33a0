import { existsSync } from "node:fs";
import { createVerifier, mintToken } from "../auth/jwt.js";
import { LOGIN_TTL_SECONDS, loginLink } from "../auth/local-login.js";
import { ensureLocalSecret } from "../auth/local-secret.js";
import type { Logger } from "../config/logger.js";
import { dataPaths } from "../config/paths.js";
import { redactUrl } from "../config/redact-url.js";
import type { Settings } from "../config/settings.js";
import { Scopes } from "../contract/enums.js";
import { openDatabase } from "../db/connection.js";
import { embeddedDbDir, openServiceDatabase } from "../db/open.js";
import { type App, createApp } from "./app.js";
import { defaultExposure } from "./exposure.js";
import { openPubSub } from "./pubsub.js";
import type { LocalSignIn } from "./routes/login.js";
import { checkPolicy, type RetentionPolicy } from "./trust/retention.js";
import { loadSigningKey, type SigningKey } from "./trust/signing-key.js";

export interface RunningService {
  app: App;
  url: string;
  port: number;
  /** The embedded mode's sign-in links (dashboard, GraphiQL); absent with a configured secret or JWKS. */
  signInLinks?: { dashboard: string; graphiql: string } | undefined;
  stop(): Promise<void>;
}

/**
 * The embedded mode's sign-in: the read token signed-in pages get is re-minted daily, so a service that
 * runs for weeks never hands out an expired one.
 */
async function localSignIn(secret: string): Promise<LocalSignIn & { close(): void }> {
  const mint = () =>
    mintToken({
      secret,
      sub: "local-browser",
      scopes: [Scopes.READ, Scopes.AUDIT],
      ttlSeconds: LOGIN_TTL_SECONDS,
    });
  const signIn = { secret, pageToken: await mint(), close: () => clearInterval(timer) };
  const timer = setInterval(() => {
    mint().then(
      (t) => {
        signIn.pageToken = t;
      },
      () => {},
    );
  }, 86_400_000);
  timer.unref();
  return signIn;
}

export class StartupError extends Error {}

/**
 * Everything `session-buddy serve` does: choose the auth mode, open the database and migrate, open the
 * pub/sub, listen. The caller owns signals and exit codes.
 */
export async function runService(settings: Settings, logger: Logger): Promise<RunningService> {
  const production = settings.nodeEnv === "production" || Boolean(settings.databaseUrl);
  let authMode: "local-secret" | "secret" | "jwks";
  let secret = settings.secret;
  if (settings.jwks) authMode = "jwks";
  else if (secret) authMode = "secret";
  else if (production) {
    throw new StartupError(
      "SESSION_BUDDY_SECRET (at least 32 random characters) or SESSION_BUDDY_JWKS is required with DATABASE_URL or NODE_ENV=production",
    );
  } else {
    secret = ensureLocalSecret(settings.dataDir);
    authMode = "local-secret";
  }
  const verify = createVerifier({ secret, jwks: settings.jwks, issuers: settings.issuers });
  let signingKey: SigningKey;
  try {
    signingKey = await loadSigningKey({
      configured: settings.signingKey,
      defaultPath: dataPaths(settings.dataDir).signingKey,
    });
  } catch (err) {
    throw new StartupError((err as Error).message);
  }
  logger.info(`trail signing key ${signingKey.kid} (${signingKey.path})`);
  const retention: RetentionPolicy = {
    defaultSeconds: settings.retention.default,
    components: settings.retention.components,
    minDays: settings.retentionMinDays,
  };
  try {
    checkPolicy(retention);
  } catch (err) {
    throw new StartupError((err as Error).message);
  }

  const opened = performance.now();
  if (settings.databaseUrl) {
    logger.info(`connecting to ${redactUrl(settings.databaseUrl)} and applying migrations…`);
  } else {
    const dir = embeddedDbDir(settings.dataDir);
    logger.info(
      existsSync(dir)
        ? `opening the embedded database in ${dir}…`
        : `creating the embedded database in ${dir} and applying migrations (first start: a few seconds)…`,
    );
  }
  // A Postgres server that cannot be reached yet does not stop the service: it listens, answers 503 on
  // /ready and SERVICE_UNAVAILABLE to operations, and applies the migrations once the database answers.
  const database = await openServiceDatabase(settings, {
    onWaiting: (reason, retryInMs) =>
      logger.warn(
        `database not ready (${reason}); serving 503 until it is, next attempt in ${(retryInMs / 1000).toFixed(2)} s`,
      ),
    onReady: (ms) => logger.info(`database ready in ${ms} ms`),
  }).catch((err: Error) => {
    throw new StartupError(err.message);
  });
  if (!settings.databaseUrl) logger.info(`database ready in ${Math.round(performance.now() - opened)} ms`);
  let pubsub: Awaited<ReturnType<typeof openPubSub>>;
  try {
    if (settings.redisUrl) logger.info(`connecting to ${redactUrl(settings.redisUrl)} for the live feed…`);
    pubsub = await openPubSub(settings.redisUrl, { channelPrefix: settings.redisPrefix });
  } catch (err) {
    await database.close();
    throw new StartupError((err as Error).message);
  }
  if (settings.purgeDatabaseUrl && !settings.databaseUrl) {
    await pubsub.close();
    await database.close();
    throw new StartupError(
      "SESSION_BUDDY_PURGE_DATABASE_URL needs DATABASE_URL (the embedded database has no roles to separate)",
    );
  }
  // Connects on first use (a purge), so a purge role that cannot log in yet does not stop the service.
  const purgeDatabase = settings.purgeDatabaseUrl
    ? await openDatabase({ url: settings.purgeDatabaseUrl, maxConnections: 2 })
    : undefined;
  if (settings.purgeDatabaseUrl) logger.info(`purges delete through ${redactUrl(settings.purgeDatabaseUrl)}`);
  const signIn = authMode === "local-secret" && secret ? await localSignIn(secret) : undefined;
  const app = createApp({
    database,
    purgeDatabase,
    pubsub,
    verify,
    logger,
    metricsEnabled: settings.metricsEnabled,
    abandonAfterSeconds: settings.abandonAfter,
    signIn,
    allowedHosts: settings.allowedHosts,
    corsOrigins: settings.corsOrigins,
    introspection: settings.introspection ?? defaultExposure(production),
    suggestions: settings.suggestions ?? defaultExposure(production),
    authMode,
    signingKey,
    checkpointIntervalSeconds: settings.checkpointInterval,
    retention,
    retentionIntervalSeconds: settings.retentionInterval,
    reviewRequired: Object.entries(settings.components)
      .filter(([, c]) => c.review === "required")
      .map(([name]) => name),
    alerts: settings.alerts,
  });
  let bound: { url: string; port: number };
  try {
    bound = await app.start(settings.port, settings.host);
  } catch (err) {
    signIn?.close();
    await app.stop();
    await pubsub.close();
    await purgeDatabase?.close();
    await database.close();
    const e = err as NodeJS.ErrnoException;
    throw new StartupError(
      e.code === "EADDRINUSE"
        ? `port ${settings.port} on ${settings.host} is already in use (set SESSION_BUDDY_PORT or --port)`
        : `cannot listen on ${settings.host}:${settings.port}: ${e.message}`,
    );
  }
  logger.info(
    `Session-Buddy listening on ${bound.url} (database: ${database.kind === "pglite" ? `embedded PGlite in ${embeddedDbDir(settings.dataDir)}` : redactUrl(settings.databaseUrl ?? "")}; live feed: ${pubsub.kind}; auth: ${authMode})`,
  );
  const origin = new URL(bound.url).origin
    .replace("//0.0.0.0:", "//127.0.0.1:")
    .replace("//[::]:", "//[::1]:");
  let stopping: Promise<void> | undefined;
  return {
    app,
    url: bound.url,
    port: bound.port,
    signInLinks: signIn && {
      dashboard: loginLink(origin, signIn.secret),
      graphiql: loginLink(origin, signIn.secret, "/graphql"),
    },
    stop() {
      stopping ??= (async () => {
        signIn?.close();
        await app.stop();
        await pubsub.close();
        await purgeDatabase?.close();
        await database.close();
      })();
      return stopping;
    },
  };
}
