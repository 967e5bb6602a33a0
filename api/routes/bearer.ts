import type { IncomingMessage, ServerResponse } from "node:http";
import { AuthFailure, bearerToken, type Identity, type Verifier } from "../../auth/jwt.js";
import { ErrorCodes } from "../../contract/errors.js";
import { sendJson } from "./http.js";

const challenge = { "www-authenticate": 'Bearer realm="session-buddy"' };

/**
 * The bearer token of a plain HTTP route, checked: its identity when it is valid and holds one of `anyOf`;
 * otherwise null, after answering 401 (no token, or one refused, with the reason) or 403 (`refusal`).
 *
 * @example
 * const who = await bearerIdentity(req, res, verify, [Scopes.AUDIT, Scopes.ADMIN], "the trail needs audit:read");
 * if (!who) return;
 */
export async function bearerIdentity(
  req: IncomingMessage,
  res: ServerResponse,
  verify: Verifier,
  anyOf: readonly string[],
  refusal: string,
): Promise<Identity | null> {
  const token = bearerToken(req.headers.authorization);
  if (!token) {
    sendJson(
      res,
      401,
      { error: "a valid bearer token is required", code: ErrorCodes.UNAUTHENTICATED },
      challenge,
    );
    return null;
  }
  let identity: Identity;
  try {
    identity = await verify(token);
  } catch (err) {
    if (!(err instanceof AuthFailure)) throw err;
    sendJson(res, 401, { error: err.message, code: ErrorCodes.UNAUTHENTICATED }, challenge);
    return null;
  }
  if (!anyOf.some((s) => identity.scopes.has(s))) {
    sendJson(res, 403, { error: refusal, code: ErrorCodes.FORBIDDEN });
    return null;
  }
  return identity;
}
