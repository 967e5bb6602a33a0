/**
 * The trail for verifiers, needing `audit:read` (they carry the command text):
 *   GET /trail.ndjson[?since=DATE]  every checkpoint with the records it signed, then the unsigned ones,
 *                                   then `{"type":"done"}`; NDJSON, streamed with backpressure
 *   GET /trail/sessions/<id>        one session's signed bundle (JSON), verifiable offline
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { Verifier } from "../../auth/jwt.js";
import type { Logger } from "../../config/logger.js";
import { Scopes } from "../../contract/enums.js";
import { ErrorCodes } from "../../contract/errors.js";
import { PATTERNS } from "../../contract/limits.js";
import { describeIssues } from "../../contract/models.js";
import { type Database, unreachable } from "../../db/connection.js";
import type { Services } from "../services/index.js";
import { tombstoneOf } from "../trust/retention.js";
import type { SigningKey } from "../trust/signing-key.js";
import { buildBundle, streamTrail } from "../trust/trail.js";
import { bearerIdentity } from "./bearer.js";
import { sendJson, streamTo } from "./http.js";

export interface TrailRouteOptions {
  database: Database;
  services: Services;
  verify: Verifier;
  logger: Logger;
  signingKey?: SigningKey | undefined;
}

const AUDITORS = [Scopes.AUDIT, Scopes.ADMIN];
const REFUSAL = "the trail carries command text: it needs the audit:read scope";
const trailParams = z
  .object({ since: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" }).optional() })
  .strict();
export const BUNDLE_PATH = /^\/trail\/sessions\/([^/]+)$/;
const UUID = new RegExp(PATTERNS.uuid);

const unavailable = (res: ServerResponse) =>
  sendJson(res, 503, { error: "the database is unreachable", code: ErrorCodes.SERVICE_UNAVAILABLE });

export async function handleTrailStream(req: IncomingMessage, res: ServerResponse, o: TrailRouteOptions) {
  const who = await bearerIdentity(req, res, o.verify, AUDITORS, REFUSAL);
  if (!who) return;
  const url = new URL(req.url ?? "/", "http://local");
  const parsed = trailParams.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success)
    return sendJson(res, 400, { error: describeIssues(parsed.error), code: ErrorCodes.BAD_USER_INPUT });
  const since = parsed.data.since ? new Date(parsed.data.since) : undefined;
  const lines = streamTrail(o.database.db, since ? { since } : {});
  // The first line is read before the headers go, so a database that is down is a 503, not a cut stream.
  let first: IteratorResult<unknown>;
  try {
    first = await lines.next();
  } catch (err) {
    if (unreachable(err)) return unavailable(res);
    throw err;
  }
  res.writeHead(200, {
    "content-type": "application/x-ndjson; charset=utf-8",
    "cache-control": "no-store",
  });
  if (req.method === "HEAD") {
    await lines.return(undefined);
    return res.end();
  }
  const out = streamTo(res);
  // Every event line carries its text: the read is recorded (as the whole trail's) with what was sent.
  let revealed = 0;
  try {
    let chunk = first.done ? "" : `${JSON.stringify(first.value)}\n`;
    for await (const line of lines) {
      if (out.closed) break;
      if (line.type === "event" && line.event.text != null) revealed++;
      chunk += `${JSON.stringify(line)}\n`;
      if (chunk.length >= 65_536) {
        await out.write(chunk);
        chunk = "";
      }
    }
    if (chunk && !out.closed) await out.write(chunk);
    o.services.access.note(who.sub, null, "/trail.ndjson", "trail", revealed);
    await o.services.access.flush();
    res.end();
  } catch (err) {
    o.services.access.note(who.sub, null, "/trail.ndjson", "trail", revealed);
    // Headers are gone: a cut stream (no `done` line) is the honest signal; the verifier names it.
    o.logger.error({ err }, "trail stream failed");
    res.destroy(err as Error);
  }
}

export async function handleBundle(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  o: TrailRouteOptions,
) {
  const who = await bearerIdentity(req, res, o.verify, AUDITORS, REFUSAL);
  if (!who) return;
  let id: string;
  try {
    id = decodeURIComponent(BUNDLE_PATH.exec(path)?.[1] ?? "");
  } catch {
    id = BUNDLE_PATH.exec(path)?.[1] ?? "";
  }
  if (!UUID.test(id))
    return sendJson(res, 400, {
      error: `${JSON.stringify(id)} is not a session id (a UUID)`,
      code: ErrorCodes.BAD_USER_INPUT,
    });
  if (!o.signingKey)
    return sendJson(res, 404, {
      error: "this service signs no trail (it has no signing key)",
      code: ErrorCodes.NOT_FOUND,
    });
  try {
    const bundle = await buildBundle(o.database.db, o.signingKey, id.toLowerCase());
    if (!bundle) {
      const purged = await tombstoneOf(o.database.db, id.toLowerCase());
      return sendJson(res, 404, {
        error: purged
          ? `session ${id} was purged at ${purged.purgedAt.toISOString()} by ${purged.purgedBy}; its tombstone is in GET /trail.ndjson`
          : `no session ${id}`,
        code: ErrorCodes.NOT_FOUND,
      });
    }
    o.services.access.note(
      who.sub,
      bundle.session.id,
      "/trail/sessions/<id>",
      "bundle",
      bundle.events.filter((e) => e.text != null).length,
    );
    await o.services.access.flush();
    sendJson(res, 200, bundle, {
      "cache-control": "no-store",
      "content-disposition": `attachment; filename="session-${id.toLowerCase()}.bundle.json"`,
    });
  } catch (err) {
    if (unreachable(err)) return unavailable(res);
    throw err;
  }
}
