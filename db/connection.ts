import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema.js";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /** Applies pending migrations; safe when several processes start at once. */
  migrate(): Promise<void>;
  /** Answers when the database can run a query (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /** The embedded instance, when there is one (tests snapshot it). */
  pglite?: PGlite;
}

export interface DatabaseOptions {
  /** postgres:// URL; when unset an embedded PGlite database is used. */
  url?: string | undefined;
  /** Directory of the embedded database; in memory when unset. */
  dataDir?: string | undefined;
  /** A pre-migrated PGlite snapshot (from `dumpDataDir`) to start from. */
  loadDataDir?: Blob | File | undefined;
  /** Connections in the postgres.js pool. */
  maxConnections?: number;
}

/** The database cannot be opened or prepared; the message says why and where. */
export class DatabaseError extends Error {}

/** Migrations ship as SQL beside the schema; from `dist/` they are found in the source tree. */
export function migrationsFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, "migrations"), join(here, "..", "..", "db", "migrations")]) {
    if (existsSync(join(candidate, "meta", "_journal.json"))) return candidate;
  }
  throw new Error(`cannot find db/migrations from ${here}`);
}

const MIGRATION_LOCK_KEY = 86780001;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite is one process's database: a second process opening the same directory would corrupt it.
 * A pid lock file turns that into a clear error.
 */
function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, "session-buddy.pid");
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, "utf8").trim());
    if (pid && pid !== process.pid && pidAlive(pid)) {
      throw new DatabaseError(
        `the embedded database in ${dir} is in use by process ${pid}; stop it, or set DATABASE_URL so several processes can share a Postgres server`,
      );
    }
  }
  writeFileSync(lock, String(process.pid));
  return () => {
    try {
      if (readFileSync(lock, "utf8").trim() === String(process.pid)) rmSync(lock);
    } catch {
      // already gone
    }
  };
}

/**
 * Opens the database: embedded PGlite under `dataDir` when no URL is given, postgres.js otherwise.
 *
 * @example
 * const database = await openDatabase({ url: process.env.DATABASE_URL, dataDir: "/var/lib/sb/db" });
 * await database.migrate();
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.maxConnections ?? 10);
  return openPglite(options);
}

async function openPglite(options: DatabaseOptions): Promise<Database> {
  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => {};
  let client: PGlite;
  try {
    client = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
  } catch (err) {
    unlock();
    throw err;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    pglite: client,
    async migrate() {
      await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder: migrationsFolder() });
    },
    async ping() {
      try {
        await client.query("select 1");
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (!client.closed) await client.close();
      unlock();
    },
  };
}

/**
 * Seconds before postgres.js tries a connection again after `retries` failed attempts: 0.1 s doubling to at
 * most 1 s, so the service is back within about a second of the database (the driver's own backoff grows
 * to 20 s during an outage of a few seconds, and every query waits for it).
 */
export const reconnectDelaySeconds = (retries: number) => Math.min(0.05 * 2 ** retries, 1);

/** How long a readiness probe waits for `select 1` before answering "not ready". */
export const PING_TIMEOUT_MS = 2_000;

/**
 * Errors that mean the connection a query ran on was gone before the query could run (the server closed
 * it, or it was reset): the same read on a fresh connection may well succeed.
 */
const LOST_CONNECTION_CODES = new Set(["CONNECTION_CLOSED", "ECONNRESET", "EPIPE", "57P01", "57P02"]);

const lostConnection = (err: unknown) =>
  LOST_CONNECTION_CODES.has(String((err as { code?: unknown } | null)?.code ?? ""));

/** A statement that only reads: retrying it cannot apply anything twice. */
const readOnly = (query: string) => /^\s*\(?\s*select\b/i.test(query);

/**
 * The pool as Drizzle sees it: a read outside a transaction that fails because its pooled connection was
 * closed under it (by a database restart the pool had not noticed yet) runs once more, on another or a
 * new connection, instead of answering SERVICE_UNAVAILABLE for an outage that is already over. Writes and
 * everything inside a transaction run exactly once, as before.
 */
function retryingReads(client: postgres.Sql): postgres.Sql {
  type Params = Parameters<postgres.Sql["unsafe"]>;
  const unsafe = (query: Params[0], params?: Params[1], options?: Params[2]) => {
    const run = (values: boolean) => {
      const once = () => {
        const pending = client.unsafe(query, params, options);
        return values ? pending.values() : pending;
      };
      const first = Promise.resolve(once());
      return readOnly(query)
        ? first.catch((err) => (lostConnection(err) ? once() : Promise.reject(err)))
        : first;
    };
    return {
      // biome-ignore lint/suspicious/noThenProperty: Drizzle awaits the query, as it would postgres.js's own.
      then: (resolve: (rows: unknown) => unknown, reject: (err: unknown) => unknown) =>
        run(false).then(resolve, reject),
      values: () => run(true),
      // A stream (the exports) is not retried: rows may already have reached the caller.
      cursor: (...args: Parameters<ReturnType<postgres.Sql["unsafe"]>["cursor"]>) =>
        client.unsafe(query, params, options).cursor(...args),
    };
  };
  return new Proxy(client, {
    get: (target, property, receiver) =>
      property === "unsafe" ? unsafe : Reflect.get(target, property, receiver),
  });
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connect_timeout: 10,
    backoff: reconnectDelaySeconds,
    // Dates travel as ISO strings with their zone; numeric types stay exact.
    types: {},
  });
  const db = drizzlePostgres(retryingReads(client), { schema }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    async migrate() {
      // One connection holds an advisory lock while migrating, so replicas starting together take turns.
      const single = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        try {
          await migratePostgres(drizzlePostgres(single, { schema }), {
            migrationsFolder: migrationsFolder(),
          });
        } finally {
          await single`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
        }
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    async ping() {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
      });
      try {
        // The probe's own failure answers false too: after a timeout nobody awaits it any more, and an
        // unhandled rejection would end the process.
        return await Promise.race([
          client`select 1`.then(
            () => true,
            () => false,
          ),
          timedOut,
        ]);
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}
