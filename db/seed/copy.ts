/**
 * Loading seed rows with COPY: the COPY text format of both tables, and a sink per backend (postgres.js
 * `copy … from stdin` on Postgres, a `/dev/blob` per chunk on PGlite).
 */
import { once } from "node:events";
import { getTableName, sql } from "drizzle-orm";
import type { ReservedSql, Sql } from "postgres";
import type { Database } from "../connection.js";
import { sessionEvents, sessions } from "../schema.js";
import { generateSeed, type SeedEvent, type SeedOptions, type SeedSession } from "./world.js";

const SESSION_COLUMNS = [
  "id",
  "type",
  "component",
  "component_type",
  "component_version",
  "shell_type",
  "adapters",
  "status",
  "started_at",
  "ended_at",
  "last_seen_at",
  "received_at",
  "end_received_at",
  "delayed",
  "end_reason",
  "exit_code",
  "capture_mode",
  "actor",
  "username",
  "hostname",
  "pid",
  "environment",
  "metadata",
  "command_count",
  "error_count",
  "event_count",
  "max_seq",
] as const;

const EVENT_COLUMNS = [
  "id",
  "session_id",
  "seq",
  "kind",
  "at",
  "text",
  "duration_ms",
  "outcome",
  "error_class",
  "redactions",
  "payload",
  "received_at",
] as const;

function copyText(v: string | number | boolean | Date | null): string {
  if (v == null) return "\\N";
  if (v instanceof Date) return v.toISOString();
  if (typeof v !== "string") return String(v);
  return /[\\\t\n\r]/.test(v)
    ? v.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r")
    : v;
}

function arrayLiteral(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
}

export function sessionCopyLine(s: SeedSession): string {
  return `${[
    s.id,
    s.type,
    s.component,
    s.componentType,
    s.componentVersion,
    s.shellType,
    arrayLiteral(s.adapters),
    s.status,
    s.startedAt,
    s.endedAt,
    s.lastSeenAt,
    s.receivedAt,
    s.endReceivedAt,
    s.delayed,
    s.endReason,
    s.exitCode,
    s.captureMode,
    s.actor,
    s.username,
    s.hostname,
    s.pid,
    JSON.stringify(s.environment),
    JSON.stringify(s.metadata),
    s.commandCount,
    s.errorCount,
    s.eventCount,
    s.maxSeq,
  ]
    .map(copyText)
    .join("\t")}\n`;
}

export function eventCopyLine(e: SeedEvent): string {
  return `${[
    e.id,
    e.sessionId,
    e.seq,
    e.kind,
    e.at,
    e.text,
    e.durationMs,
    e.outcome,
    e.errorClass,
    e.redactions,
    JSON.stringify(e.payload),
    e.receivedAt,
  ]
    .map(copyText)
    .join("\t")}\n`;
}

// ---------------------------------------------------------------------------------------------------
// Loading

const SESSIONS_TABLE = getTableName(sessions);
const EVENTS_TABLE = getTableName(sessionEvents);
const copySessions = `copy ${SESSIONS_TABLE} (${SESSION_COLUMNS.join(", ")})`;
const copyEvents = `copy ${EVENTS_TABLE} (${EVENT_COLUMNS.join(", ")})`;

interface Sink {
  write(sessionsChunk: SeedSession[], eventsChunk: SeedEvent[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Sends text-format COPY lines to `statement` (`copy t (cols)`) FROM STDIN on a reserved postgres.js
 * connection, in ~64 KiB writes with backpressure.
 *
 * @example
 * await copyLines(conn, "copy sessions (id, component)", ["0193…\tcrackerjack\n"]);
 */
export async function copyLines(conn: ReservedSql, statement: string, lines: Iterable<string>) {
  const stream = await conn.unsafe(`${statement} from stdin`).writable();
  let buffer = "";
  for (const line of lines) {
    buffer += line;
    if (buffer.length >= 1 << 16) {
      if (!stream.write(buffer)) await once(stream, "drain");
      buffer = "";
    }
  }
  if (buffer) stream.write(buffer);
  stream.end();
  await once(stream, "finish");
}

/** postgres.js COPY … FROM STDIN, written with backpressure, on one reserved connection. */
async function postgresSink(client: Sql): Promise<Sink> {
  const conn = await client.reserve();
  const pump = (statement: string, rows: Iterable<string>) => copyLines(conn, statement, rows);
  return {
    async write(ss, es) {
      await pump(copySessions, lines(ss, sessionCopyLine));
      if (es.length) await pump(copyEvents, lines(es, eventCopyLine));
    },
    async close() {
      conn.release();
    },
  };
}

function* lines<T>(rows: T[], format: (row: T) => string): Generator<string> {
  for (const r of rows) yield format(r);
}

/** PGlite reads COPY data from a Blob (`/dev/blob`): one per table per chunk. */
function pgliteSink(database: Database): Sink {
  const pg = database.pglite!;
  return {
    async write(ss, es) {
      await pg.query(`${copySessions} from '/dev/blob'`, [], {
        blob: new Blob(ss.map(sessionCopyLine)),
      });
      if (es.length) {
        await pg.query(`${copyEvents} from '/dev/blob'`, [], { blob: new Blob(es.map(eventCopyLine)) });
      }
    },
    async close() {},
  };
}

/** The postgres.js client under a Drizzle database (drizzle exposes it as `$client`). */
export function postgresClient(database: Database): Sql {
  return (database.db as unknown as { $client: Sql }).$client;
}

async function sinkFor(database: Database): Promise<Sink> {
  return database.kind === "pglite" ? pgliteSink(database) : postgresSink(postgresClient(database));
}

/** Inserts given rows (sessions first) with the seed's loader; tests use it to plant rows. */
export async function insertSeedRows(
  database: Database,
  sessionRows: SeedSession[],
  eventRows: SeedEvent[] = [],
): Promise<void> {
  const sink = await sinkFor(database);
  try {
    await sink.write(sessionRows, eventRows);
  } finally {
    await sink.close();
  }
}

interface IndexDef {
  name: string;
  def: string;
}

/**
 * Secondary indexes of the two tables (not those backing constraints). Loading into empty tables is
 * several times faster without them; they are rebuilt from their catalog definitions afterwards.
 */
async function secondaryIndexes(client: Sql): Promise<IndexDef[]> {
  return client<IndexDef[]>`
    select quote_ident(c.relname) as name, pg_get_indexdef(i.indexrelid) as def
    from pg_index i
    join pg_class c on c.oid = i.indexrelid
    join pg_class t on t.oid = i.indrelid
    join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = current_schema()
      and t.relname in (${SESSIONS_TABLE}, ${EVENTS_TABLE})
      and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`;
}

export interface SeedSummary {
  sessions: number;
  events: number;
  seconds: number;
  rebuiltIndexes: number;
}

/**
 * Generates and loads the rows. On an empty Postgres database the secondary indexes are dropped for the
 * load and rebuilt after it (in a `finally`, so a failed load leaves the schema whole); then VACUUM
 * ANALYZE so plans and index-only scans see the new rows.
 */
export async function seedDatabase(database: Database, options: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const chunk = Math.max(1, options.chunkSessions ?? 5000);
  let dropped: IndexDef[] = [];
  const client = database.kind === "postgres" ? postgresClient(database) : undefined;
  if (client) {
    const [existing] = await client`select exists (select 1 from ${client(SESSIONS_TABLE)}) as found`;
    if (!existing?.found) {
      dropped = await secondaryIndexes(client);
      for (const ix of dropped) await client.unsafe(`drop index ${ix.name}`);
    }
  }
  const sink = await sinkFor(database);
  let doneSessions = 0;
  let doneEvents = 0;
  let lastReport = performance.now();
  try {
    let ss: SeedSession[] = [];
    let es: SeedEvent[] = [];
    const flush = async () => {
      await sink.write(ss, es);
      doneSessions += ss.length;
      doneEvents += es.length;
      ss = [];
      es = [];
      if (options.onProgress && performance.now() - lastReport > 1000) {
        lastReport = performance.now();
        options.onProgress({ sessions: doneSessions, events: doneEvents });
      }
    };
    for (const { session, events } of generateSeed(options)) {
      ss.push(session);
      for (const e of events) es.push(e);
      if (ss.length >= chunk || es.length >= chunk * 20) await flush();
    }
    if (ss.length) await flush();
  } finally {
    await sink.close();
    if (client && dropped.length) {
      const conn = await client.reserve();
      try {
        await conn`set maintenance_work_mem = '512MB'`;
        for (const ix of dropped) await conn.unsafe(ix.def);
      } finally {
        conn.release();
      }
    }
  }
  options.onProgress?.({ sessions: doneSessions, events: doneEvents });
  if (client) await client`vacuum (analyze) ${client(SESSIONS_TABLE)}, ${client(EVENTS_TABLE)}`;
  else await database.db.execute(sql`analyze`);
  return {
    sessions: doneSessions,
    events: doneEvents,
    seconds: (performance.now() - started) / 1000,
    rebuiltIndexes: dropped.length,
  };
}
