import type { IncomingMessage, ServerResponse } from "node:http";
import { Counter, type Registry } from "prom-client";
import { z } from "zod";
import type { Verifier } from "../../auth/jwt.js";
import type { Logger } from "../../config/logger.js";
import { Scopes } from "../../contract/enums.js";
import { ErrorCodes } from "../../contract/errors.js";
import { describeIssues, sessionFilterParams } from "../../contract/models.js";
import type { Database } from "../../db/connection.js";
import {
  contentTypes,
  csvHeader,
  csvLine,
  type ExportFormat,
  ndjsonLine,
  streamSessions,
} from "../services/export.js";
import type { Services } from "../services/index.js";
import { bearerIdentity } from "./bearer.js";
import { sendJson, streamTo } from "./http.js";

/**
 * `GET /export/sessions.ndjson` and `GET /export/sessions.csv`: every session matching the SessionFilter
 * given as query parameters (plus an optional `limit`), oldest first, streamed with backpressure so memory
 * stays flat whatever the size. Needs a bearer token with `sessions:read` (or `admin`).
 */

export interface ExportRouteOptions {
  database: Database;
  services: Services;
  verify: Verifier;
  logger: Logger;
}

/** The SessionFilter fields, as query parameters. */
const exportParams = sessionFilterParams
  .extend({ limit: z.coerce.number().int().min(1).max(1_000_000_000).optional() })
  .strict();

const formats: Record<string, ExportFormat> = { ndjson: "NDJSON", csv: "CSV" };

const counters = new WeakMap<Registry, Counter<"format">>();
/** `session_export_rows_total{format}`: rows written by the streaming exports. */
function rowsCounter(registry: Registry): Counter<"format"> {
  let c = counters.get(registry);
  if (!c) {
    c = new Counter({
      name: "session_export_rows_total",
      help: "Sessions written by the streaming export routes",
      labelNames: ["format"],
      registers: [registry],
    });
    counters.set(registry, c);
  }
  return c;
}

function fail(res: ServerResponse, status: number, code: string, message: string) {
  sendJson(res, status, { error: message, code });
}

export async function handleExport(req: IncomingMessage, res: ServerResponse, o: ExportRouteOptions) {
  const url = new URL(req.url ?? "/", "http://local");
  const m = /^\/export\/sessions\.(ndjson|csv)$/.exec(url.pathname);
  const format = m ? formats[m[1]!] : undefined;
  if (!format) return fail(res, 404, ErrorCodes.NOT_FOUND, `no route ${url.pathname}`);

  const who = await bearerIdentity(
    req,
    res,
    o.verify,
    [Scopes.READ, Scopes.ADMIN],
    "exports need the sessions:read scope",
  );
  if (!who) return;

  const parsed = exportParams.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) return fail(res, 400, ErrorCodes.BAD_USER_INPUT, describeIssues(parsed.error));
  const { limit, ...filter } = parsed.data;
  const where = o.services.sessions.filterSql(filter);

  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  res.writeHead(200, {
    "content-type": contentTypes[format],
    "content-disposition": `attachment; filename="sessions-${stamp}.${m![1]}"`,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  if (req.method === "HEAD") return res.end();

  const stream = streamTo(res);
  const write = stream.write;

  const counter = rowsCounter(o.services.metrics.registry).labels({ format: m![1]! });
  const line = format === "CSV" ? csvLine : ndjsonLine;
  try {
    if (format === "CSV") await write(csvHeader());
    // Pages are written in ~64 KiB pieces, each awaited: what is buffered stays small and the counter
    // shows how far the reader really is.
    let chunk = "";
    let rows = 0;
    const flush = async () => {
      await write(chunk);
      counter.inc(rows);
      chunk = "";
      rows = 0;
    };
    for await (const page of streamSessions(o.database, where, { limit })) {
      for (const row of page) {
        if (stream.closed) break;
        chunk += line(row);
        rows++;
        if (chunk.length >= 65_536) await flush();
      }
      if (stream.closed) break;
    }
    if (chunk && !stream.closed) await flush();
    res.end();
  } catch (err) {
    // Headers are gone: the only honest signal left is a broken (unterminated) response.
    o.logger.error({ err }, "export failed");
    res.destroy(err as Error);
  }
}
