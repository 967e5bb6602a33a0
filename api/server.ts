import { createVerifier, mintToken } from "../auth/jwt.js";
import { ensureLocalSecret } from "../auth/local-secret.js";
import type { Logger } from "../config/logger.js";
import { redactUrl } from "../config/redact-url.js";
import type { Settings } from "../config/settings.js";
import { Scopes } from "../contract/enums.js";
import { embeddedDbDir, openConfiguredDatabase } from "../db/open.js";
import { type App, createApp } from "./app.js";
import { openPubSub } from "./pubsub.js";

export interface RunningService {
  app: App;
  url: string;
  port: number;
  stop(): Promise<void>;
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

  const database = await openConfiguredDatabase(settings).catch((err: Error) => {
    throw new StartupError(err.message);
  });
  let pubsub: Awaited<ReturnType<typeof openPubSub>>;
  try {
    pubsub = await openPubSub(settings.redisUrl, { channelPrefix: settings.redisPrefix });
  } catch (err) {
    await database.close();
    throw new StartupError((err as Error).message);
  }
  const graphiqlToken =
    authMode === "local-secret" && secret
      ? await mintToken({
          secret,
          sub: "graphiql",
          scopes: [Scopes.READ, Scopes.AUDIT],
          ttlSeconds: 7 * 86400,
        })
      : undefined;
  const app = createApp({
    database,
    pubsub,
    verify,
    logger,
    metricsEnabled: settings.metricsEnabled,
    abandonAfterSeconds: settings.abandonAfter,
    graphiqlToken,
    authMode,
  });
  let bound: { url: string; port: number };
  try {
    bound = await app.start(settings.port, settings.host);
  } catch (err) {
    await app.stop();
    await pubsub.close();
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
  let stopping: Promise<void> | undefined;
  return {
    app,
    url: bound.url,
    port: bound.port,
    stop() {
      stopping ??= (async () => {
        await app.stop();
        await pubsub.close();
        await database.close();
      })();
      return stopping;
    },
  };
}
