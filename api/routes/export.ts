import type { IncomingMessage, ServerResponse } from "node:http";
import { Counter, type Registry } from "prom-client";
import { z } from "zod";
import { AuthFailure, bearerToken, type Verifier } from "../../auth/jwt.js";
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
import { sendJson } from "./http.js";

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

function fail(res: ServerResponse, status: number, code: string, message: string, headers = {}) {
  sendJson(res, status, { error: message, code }, headers);
}

export async function handleExport(req: IncomingMessage, res: ServerResponse, o: ExportRouteOptions) {
  const url = new URL(req.url ?? "/", "http://local");
  const m = /^\/export\/sessions\.(ndjson|csv)$/.exec(url.pathname);
  const format = m ? formats[m[1]!] : undefined;
  if (!format) return fail(res, 404, ErrorCodes.NOT_FOUND, `no route ${url.pathname}`);

  const token = bearerToken(req.headers.authorization);
  const challenge = { "www-authenticate": 'Bearer realm="session-buddy"' };
  if (!token)
    return fail(res, 401, ErrorCodes.UNAUTHENTICATED, "a valid bearer token is required", challenge);
  let scopes: ReadonlySet<string>;
  try {
    scopes = (await o.verify(token)).scopes;
  } catch (err) {
    if (err instanceof AuthFailure) return fail(res, 401, ErrorCodes.UNAUTHENTICATED, err.message, challenge);
    throw err;
  }
  if (!scopes.has(Scopes.READ) && !scopes.has(Scopes.ADMIN))
    return fail(res, 403, ErrorCodes.FORBIDDEN, "exports need the sessions:read scope");

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

  let closed = false;
  res.once("close", () => {
    closed = true;
  });
  /** Resolves when the response can take more (or the client went away). */
  const write = (chunk: string) =>
    new Promise<void>((resolve) => {
      if (res.write(chunk) || closed) return resolve();
      const done = () => {
        res.off("drain", done);
        res.off("close", done);
        resolve();
      };
      res.on("drain", done);
      res.on("close", done);
    });

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
        if (closed) break;
        chunk += line(row);
        rows++;
        if (chunk.length >= 65_536) await flush();
      }
      if (closed) break;
    }
    if (chunk && !closed) await flush();
    res.end();
  } catch (err) {
    // Headers are gone: the only honest signal left is a broken (unterminated) response.
    o.logger.error({ err }, "export failed");
    res.destroy(err as Error);
  }
}
