/**
 * `GET /checkpoints?after=SEQ&limit=N`: the signed checkpoints of the trail, oldest first, a page at a time
 * (`next` is the `after` of the next page, null at the end). Public like /.well-known/jwks.json: a
 * checkpoint holds only hashes and counts, and anyone should be able to keep a copy to witness the trail.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { ErrorCodes } from "../../contract/errors.js";
import { describeIssues } from "../../contract/models.js";
import { unreachable } from "../../db/connection.js";
import { CHECKPOINT_PAGE_MAX, checkpointPage } from "../trust/checkpoints.js";
import { sendJson } from "./http.js";
import type { ServiceRouteOptions } from "./service.js";

const params = z
  .object({
    after: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(CHECKPOINT_PAGE_MAX).default(100),
  })
  .strict();

export async function listCheckpoints(req: IncomingMessage, res: ServerResponse, o: ServiceRouteOptions) {
  const url = new URL(req.url ?? "/", "http://local");
  const parsed = params.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success)
    return sendJson(res, 400, {
      error: describeIssues(parsed.error),
      code: ErrorCodes.BAD_USER_INPUT,
    });
  const { after, limit } = parsed.data;
  try {
    const page = await checkpointPage(o.database.db, after, limit);
    sendJson(res, 200, {
      ...page,
      checkpoints: page.checkpoints.map((c) => ({ ...c, at: c.at.toISOString() })),
    });
  } catch (err) {
    if (!unreachable(err)) throw err;
    sendJson(res, 503, { error: "the database is unreachable", code: ErrorCodes.SERVICE_UNAVAILABLE });
  }
}
