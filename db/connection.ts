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
  /** Why queries are refused for now (a gated database whose migrations are not applied yet). */
  notReadyReason(): string | undefined;
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
  /**
   * Postgres only: refuse every query (as {@link NOT_READY_CODE}, "cannot connect now") until `migrate()`
   * has succeeded, so a service that listens while its database is unreachable never queries a schema
   * that is not there yet.
   */
  gated?: boolean;
}

/**
 * Error codes that say the database cannot be reached or went away (postgres.js and Node codes, and
 * Postgres' own shutdown codes): an outage, not a mistake in what was asked.
 */
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "EPIPE",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
]);

/** The code a gated database's queries fail with before its migrations are applied. */
export const NOT_READY_CODE = "57P03";

/** Whether `error` (or one of its causes) says the database cannot be reached. */
export function unreachable(error: unknown): boolean {
  for (
    let e = error as { code?: unknown; cause?: unknown; errors?: unknown } | undefined, depth = 0;
    e && depth < 5;
    depth++
  ) {
    if (typeof e.code === "string" && UNREACHABLE_CODES.has(e.code)) return true;
    // Node reports a refused dual-stack connect as an AggregateError of one error per address.
    if (Array.isArray(e.errors) && e.errors.some((x) => unreachable(x))) return true;
    e = e.cause as typeof e;
  }
  return false;
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

export const MIGRATION_LOCK_KEY = 86780001;

/**
 * Whether every migration of the folder is recorded as applied, as drizzle's migrator decides it (the
 * newest applied one is at least as recent as the newest in the journal). False when there is no record.
 */
async function allApplied(sql: postgres.Sql): Promise<boolean> {
  const journal = JSON.parse(readFileSync(join(migrationsFolder(), "meta", "_journal.json"), "utf8")) as {
    entries: { when: number }[];
  };
  const newest = Math.max(...journal.entries.map((e) => e.when));
  try {
    const [row] = await sql<
      { at: string | null }[]
    >`select max(created_at)::text as at from drizzle.__drizzle_migrations`;
    return row?.at != null && Number(row.at) >= newest;
  } catch (err) {
    const code = (err as { code?: string }).code;
    // No migrations table yet (42P01) or schema (3F000): not applied.
    if (code === "42P01" || code === "3F000") return false;
    throw err;
  }
}

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
  if (options.url) return openPostgres(options.url, options.maxConnections ?? 10, options.gated ?? false);
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
    notReadyReason: () => undefined,
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
function retryingReads(client: postgres.Sql, gate: () => Error | undefined): postgres.Sql {
  type Params = Parameters<postgres.Sql["unsafe"]>;
  const unsafe = (query: Params[0], params?: Params[1], options?: Params[2]) => {
    const run = (values: boolean) => {
      const refused = gate();
      if (refused) return Promise.reject(refused);
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
  const begin = (...args: Parameters<postgres.Sql["begin"]>) => {
    const refused = gate();
    return refused ? Promise.reject(refused) : client.begin(...args);
  };
  return new Proxy(client, {
    get: (target, property, receiver) =>
      property === "unsafe" ? unsafe : property === "begin" ? begin : Reflect.get(target, property, receiver),
  });
}

/** What a gated database's queries are refused with until its migrations are applied. */
class NotReadyError extends Error {
  readonly code = NOT_READY_CODE;
}

async function openPostgres(url: string, max: number, gated: boolean): Promise<Database> {
  let migrated = !gated;
  const gate = () =>
    migrated ? undefined : new NotReadyError("the database is not ready: its migrations are not applied yet");
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connect_timeout: 10,
    backoff: reconnectDelaySeconds,
    // Dates travel as ISO strings with their zone; numeric types stay exact.
    types: {},
  });
  const db = drizzlePostgres(retryingReads(client, gate), { schema }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    notReadyReason: () => (migrated ? undefined : "the database's migrations are not applied yet"),
    async migrate() {
      // One connection holds an advisory lock while migrating, so replicas starting together take turns.
      const single = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
      // A connection lost mid-way took its lock and its transaction with it: nothing to unlock or wait for.
      let lost = false;
      const noting = (err: unknown) => {
        lost ||= unreachable(err);
        throw err;
      };
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.catch(noting);
        try {
          // Nothing to apply: no DDL is sent, so a role without DDL rights (db/optional/roles.sql) can serve.
          if (!(await allApplied(single).catch(noting)))
            await migratePostgres(drizzlePostgres(single, { schema }), {
              migrationsFolder: migrationsFolder(),
            }).catch(noting);
        } finally {
          if (!lost) await single`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
        }
      } finally {
        await single.end({ timeout: lost ? 0 : 5 });
      }
      migrated = true;
    },
    async ping() {
      if (!migrated) return false;
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
