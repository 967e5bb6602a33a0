import { type SQL, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Sql } from "postgres";
import { csvCell } from "../../contract/csv.js";
import type { Database, Db } from "../../db/connection.js";
import { rowsOf } from "../../db/rows.js";

/**
 * Session exports, NDJSON or CSV: the bounded `exportSessions` query and the streaming
 * `/export/sessions.{ndjson,csv}` routes share the row shape and the formatting here.
 *
 * Streams hold one page in memory at a time: on Postgres a postgres.js cursor over one query (one
 * snapshot), on PGlite keyset pages on (startedAt, id). Either way in startedAt order, oldest first.
 */

export const EXPORT_FORMATS = ["NDJSON", "CSV"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One session as exported; JSON columns arrive as JSON text and are embedded as they are. */
export interface ExportRow {
  id: string;
  type: string;
  component: string;
  componentType: string | null;
  componentVersion: string | null;
  shellType: string | null;
  adapters: string;
  status: string;
  startedAt: number;
  endedAt: number | null;
  lastSeenAt: number;
  receivedAt: number;
  delayed: boolean;
  endReason: string | null;
  exitCode: number | null;
  captureMode: string;
  actor: string;
  username: string | null;
  hostname: string | null;
  pid: number | null;
  environment: string;
  metadata: string;
  commandCount: number;
  errorCount: number;
  eventCount: number;
}

const ms = (column: string) => sql.raw(`round(date_part('epoch', ${column}) * 1000)`);

/** Columns renamed to the API's names; timestamps as epoch ms so both drivers return numbers. */
const SELECT = sql`select id::text as "id", type as "type", component as "component",
  component_type as "componentType", component_version as "componentVersion", shell_type as "shellType",
  to_json(adapters)::text as "adapters", status as "status",
  ${ms("started_at")} as "startedAt", ${ms("ended_at")} as "endedAt", ${ms("last_seen_at")} as "lastSeenAt",
  ${ms("received_at")} as "receivedAt", delayed as "delayed", end_reason as "endReason",
  exit_code as "exitCode", capture_mode as "captureMode", actor as "actor", username as "username",
  hostname as "hostname", pid as "pid", environment::text as "environment", metadata::text as "metadata",
  command_count as "commandCount", error_count as "errorCount", event_count as "eventCount"
  from sessions`;

const iso = (msValue: number | null) => (msValue == null ? null : new Date(Number(msValue)).toISOString());
const duration = (r: ExportRow) =>
  r.endedAt == null ? null : (Number(r.endedAt) - Number(r.startedAt)) / 1000;

/**
 * What a column holds: `text` from producers (guarded in CSV against formula injection), `json` (JSON
 * text, embedded as it is in NDJSON), or a `value` the service writes (numbers, booleans, timestamps).
 */
type ColumnKind = "text" | "json" | "value";
type Column = [name: string, value: (r: ExportRow) => string | number | boolean | null, kind: ColumnKind];

/** The exported fields, in order; the names of the GraphQL Session type. */
export const EXPORT_COLUMNS: readonly Column[] = [
  ["id", (r) => r.id, "text"],
  ["type", (r) => r.type, "text"],
  ["component", (r) => r.component, "text"],
  ["componentType", (r) => r.componentType, "text"],
  ["componentVersion", (r) => r.componentVersion, "text"],
  ["shellType", (r) => r.shellType, "text"],
  ["adapters", (r) => r.adapters, "json"],
  ["status", (r) => r.status, "text"],
  ["startedAt", (r) => iso(r.startedAt), "value"],
  ["endedAt", (r) => iso(r.endedAt), "value"],
  ["lastSeenAt", (r) => iso(r.lastSeenAt), "value"],
  ["receivedAt", (r) => iso(r.receivedAt), "value"],
  ["delayed", (r) => Boolean(r.delayed), "value"],
  ["durationSeconds", duration, "value"],
  ["endReason", (r) => r.endReason, "text"],
  ["exitCode", (r) => (r.exitCode == null ? null : Number(r.exitCode)), "value"],
  ["captureMode", (r) => r.captureMode, "text"],
  ["actor", (r) => r.actor, "text"],
  ["username", (r) => r.username, "text"],
  ["hostname", (r) => r.hostname, "text"],
  ["pid", (r) => (r.pid == null ? null : Number(r.pid)), "value"],
  ["environment", (r) => r.environment, "json"],
  ["metadata", (r) => r.metadata, "json"],
  ["commandCount", (r) => Number(r.commandCount), "value"],
  ["errorCount", (r) => Number(r.errorCount), "value"],
  ["eventCount", (r) => Number(r.eventCount), "value"],
];

/** One JSON object per line. */
export function ndjsonLine(r: ExportRow): string {
  const parts = EXPORT_COLUMNS.map(([name, get, kind]) => {
    const v = get(r);
    return `${JSON.stringify(name)}:${kind === "json" && v != null ? String(v) : JSON.stringify(v)}`;
  });
  return `{${parts.join(",")}}\n`;
}

/** RFC 4180: CRLF line ends, quotes doubled; JSON columns as their JSON text; text cells formula-guarded. */
export const csvHeader = () => `${EXPORT_COLUMNS.map(([name]) => name).join(",")}\r\n`;
export const csvLine = (r: ExportRow) =>
  `${EXPORT_COLUMNS.map(([, get, kind]) => csvCell(get(r), kind === "text")).join(",")}\r\n`;

export const formatRows = (format: ExportFormat, rows: ExportRow[]) =>
  (format === "CSV" ? csvHeader() : "") + rows.map(format === "CSV" ? csvLine : ndjsonLine).join("");

export const contentTypes: Record<ExportFormat, string> = {
  NDJSON: "application/x-ndjson; charset=utf-8",
  CSV: "text/csv; charset=utf-8",
};

/** At most `limit` rows matching `where`, oldest first. */
export async function exportRows(db: Db, where: SQL | undefined, limit: number): Promise<ExportRow[]> {
  const r = await db.execute(
    sql`${SELECT} where ${where ?? sql`true`} order by started_at, id limit ${limit}`,
  );
  return rowsOf(r as unknown as ExportRow[] | { rows: ExportRow[] });
}

/**
 * Pages of the sessions matching `where` (at most `limit` in all), oldest first, one page in memory at
 * a time. Stopping early (`break`, `return`) closes the cursor.
 */
export async function* streamSessions(
  database: Database,
  where: SQL | undefined,
  options: { limit?: number | undefined; pageSize?: number } = {},
): AsyncGenerator<ExportRow[]> {
  const pageSize = options.pageSize ?? 500;
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;
  const condition = where ?? sql`true`;
  if (database.kind === "postgres") {
    const client = (database.db as unknown as { $client: Sql }).$client;
    const q = new PgDialect().sqlToQuery(
      sql`${SELECT} where ${condition} order by started_at, id${
        Number.isFinite(remaining) ? sql` limit ${remaining}` : sql``
      }`,
    );
    for await (const page of client.unsafe(q.sql, q.params as never[]).cursor(pageSize)) {
      yield page as unknown as ExportRow[];
    }
    return;
  }
  let after: { startedAt: string; id: string } | undefined;
  while (remaining > 0) {
    const n = Math.min(pageSize, remaining);
    const keyset = after
      ? sql` and (started_at, id) > (${after.startedAt}::timestamptz, ${after.id}::uuid)`
      : sql``;
    const page = rowsOf(
      (await database.db.execute(
        sql`${SELECT} where ${condition}${keyset} order by started_at, id limit ${n}`,
      )) as unknown as ExportRow[] | { rows: ExportRow[] },
    );
    if (page.length === 0) return;
    remaining -= page.length;
    const last = page[page.length - 1]!;
    after = { startedAt: new Date(Number(last.startedAt)).toISOString(), id: last.id };
    yield page;
    if (page.length < n) return;
  }
}
