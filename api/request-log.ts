/**
 * What the log says about each request: one line per GraphQL operation with the request id, the
 * operation, the actor and the outcome. The service's own faults (an unexpected error, the database
 * gone) are `error` with the original error; a caller's mistake is `info` with its code and reason; a
 * request that went well is `debug`. HTTP routes and GraphQL share the request id (`x-request-id`).
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GraphQLError } from "graphql";
import type { Logger } from "../config/logger.js";
import { ErrorCodes } from "../contract/errors.js";

/** A caller-supplied request id is kept when it is short and plain; otherwise one is made. */
const REQUEST_ID = /^[\w.:-]{1,100}$/;

const logs = new WeakMap<IncomingMessage, Logger>();
const originals = new WeakMap<GraphQLError, unknown>();

/**
 * Gives a request its id (echoed as `x-request-id`) and its logger.
 *
 * @example
 * const log = beginRequest(logger, req, res); // log.info(...) carries reqId
 */
export function beginRequest(logger: Logger, req: IncomingMessage, res: ServerResponse): Logger {
  const given = req.headers["x-request-id"];
  const reqId = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader("x-request-id", reqId);
  const log = logger.child({ reqId });
  logs.set(req, log);
  return log;
}

/** The logger of a request `beginRequest` saw, else `fallback`. */
export function requestLog(req: IncomingMessage | undefined, fallback: Logger): Logger {
  return (req && logs.get(req)) ?? fallback;
}

/** Remembers what a masked error hid, so the log can show it while the caller sees only the mask. */
export function rememberOriginal(masked: GraphQLError, original: unknown): GraphQLError {
  originals.set(masked, original);
  return masked;
}

export interface OperationOutcome {
  op: string;
  actor: string | undefined;
  transport: "http" | "ws";
  errors: readonly GraphQLError[] | undefined;
  ms?: number | undefined;
}

/** Logs one operation's outcome at the level its worst error deserves. */
export function logOperation(log: Logger, o: OperationOutcome): void {
  const base = { op: o.op, actor: o.actor, transport: o.transport, ms: o.ms };
  if (!o.errors?.length) {
    log.debug(base, "graphql operation");
    return;
  }
  for (const e of o.errors) {
    const code = e.extensions?.code;
    const where = { ...base, code, path: e.path?.join(".") };
    if (code === ErrorCodes.INTERNAL_SERVER_ERROR) {
      log.error({ ...where, err: originals.get(e) ?? e }, "unexpected error while resolving");
    } else if (code === ErrorCodes.SERVICE_UNAVAILABLE) {
      log.error({ ...where, err: originals.get(e) ?? e }, "the database is unavailable");
    } else {
      log.info({ ...where, reason: e.extensions?.reason, message: e.message }, "graphql operation refused");
    }
  }
}
