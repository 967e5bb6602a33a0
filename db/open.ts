import { dataPaths } from "../config/paths.js";
import { redactUrl } from "../config/redact-url.js";
import { type Database, DatabaseError, openDatabase, unreachable } from "./connection.js";

/** The settings that say which database to use. */
export interface DatabaseTarget {
  /** postgres:// URL; when unset, the embedded database in the data dir. */
  databaseUrl?: string | undefined;
  dataDir: string;
}

/** The directory of the embedded database under a data dir. */
export const embeddedDbDir = (dataDir: string) => dataPaths(dataDir).embeddedDb;

/**
 * Opens the database the settings name (Postgres at `databaseUrl`, else embedded PGlite in the data
 * dir) and applies pending migrations. A database that opened but cannot be migrated is closed again;
 * either failure is a {@link DatabaseError} whose message names the step and the place.
 *
 * @example
 * const database = await openConfiguredDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir });
 */
export async function openConfiguredDatabase(target: DatabaseTarget): Promise<Database> {
  const database = await openDatabase({
    url: target.databaseUrl,
    dataDir: target.databaseUrl ? undefined : embeddedDbDir(target.dataDir),
  }).catch((err: Error) => {
    throw new DatabaseError(
      target.databaseUrl
        ? `cannot open the database at ${redactUrl(target.databaseUrl)}: ${err.message}`
        : err.message,
      { cause: err },
    );
  });
  try {
    await database.migrate();
  } catch (err) {
    await database.close();
    throw new DatabaseError(`cannot apply migrations: ${(err as Error).message}`, { cause: err });
  }
  return database;
}

/** How the service hears about a database it waits for. */
export interface WaitHooks {
  /** The database cannot be reached (yet): the next attempt runs in `retryInMs`. */
  onWaiting(reason: string, retryInMs: number): void;
  /** Migrations are applied and queries are served, `waitedMs` after the first attempt. */
  onReady(waitedMs: number): void;
}

/** Delay before migration attempt `n` (from 0) while the database cannot be reached: 0.25 s doubling to 5 s. */
export const waitDelayMs = (attempt: number) => Math.min(250 * 2 ** attempt, 5_000);

/**
 * The service's open: like {@link openConfiguredDatabase}, except that a Postgres server that cannot be
 * reached (down, restarting, not started yet, or lost in the middle of the migrations) does not stop the
 * service. The database is returned at once, refusing every query as "not ready" (`notReadyReason()`, and
 * `ping()` false) while migrations are retried in the background with a growing delay; it serves queries
 * from the moment they are applied. A mistake that waiting cannot fix (a wrong password, a missing
 * database, a migration that fails) fails the open as before.
 *
 * @example
 * const database = await openServiceDatabase(settings, {
 *   onWaiting: (why, ms) => logger.warn(`database unreachable (${why}); retrying in ${ms} ms`),
 *   onReady: (ms) => logger.info(`database ready after ${ms} ms`),
 * });
 */
export async function openServiceDatabase(target: DatabaseTarget, hooks: WaitHooks): Promise<Database> {
  const url = target.databaseUrl;
  if (!url) return openConfiguredDatabase(target);
  const started = performance.now();
  const database = await openDatabase({ url, gated: true });
  const describe = (err: Error) =>
    unreachable(err)
      ? `cannot reach ${redactUrl(url)}: ${reasonOf(err)}`
      : `migrations failed: ${err.message}`;
  let firstFailure: Error;
  try {
    await database.migrate();
    hooks.onReady(Math.round(performance.now() - started));
    return database;
  } catch (err) {
    if (!unreachable(err)) {
      await database.close();
      throw new DatabaseError(`cannot apply migrations: ${(err as Error).message}`, { cause: err });
    }
    firstFailure = err as Error;
  }
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let lastReason = "";
  const retry = (n: number, reason: string) => {
    if (closed) return;
    const delay = waitDelayMs(n);
    // The first failure, and every change of reason, is worth a line; the same one again is not.
    if (reason !== lastReason) hooks.onWaiting(reason, delay);
    lastReason = reason;
    timer = setTimeout(() => {
      database.migrate().then(
        () => {
          if (!closed) hooks.onReady(Math.round(performance.now() - started));
        },
        (err: Error) => retry(n + 1, describe(err)),
      );
    }, delay);
  };
  retry(0, describe(firstFailure));
  const gatedReason = database.notReadyReason;
  const close = database.close;
  return Object.assign(database, {
    notReadyReason: () => (gatedReason() ? lastReason : undefined),
    async close() {
      closed = true;
      clearTimeout(timer);
      await close();
    },
  });
}

/** A connection error's most telling words: Node's code and message, or the first of an AggregateError's. */
function reasonOf(err: Error & { code?: string; errors?: Error[] }): string {
  const inner = err.errors?.[0] ?? err;
  return (inner as Error & { code?: string }).code ?? inner.message ?? String(err);
}
