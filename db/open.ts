import { dataPaths } from "../config/paths.js";
import { redactUrl } from "../config/redact-url.js";
import { type Database, DatabaseError, openDatabase } from "./connection.js";

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
