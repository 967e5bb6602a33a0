import type { IncomingMessage, ServerResponse } from "node:http";
import { AuthFailure, bearerToken, type Verifier } from "../../auth/jwt.js";
import { ErrorCodes } from "../../contract/errors.js";
import { sendJson } from "./http.js";

const challenge = { "www-authenticate": 'Bearer realm="session-buddy"' };

/**
 * The bearer token of a plain HTTP route, checked: its scopes when it is valid and holds one of `anyOf`;
 * otherwise null, after answering 401 (no token, or one refused, with the reason) or 403 (`refusal`).
 *
 * @example
 * const scopes = await bearerScopes(req, res, verify, [Scopes.AUDIT, Scopes.ADMIN], "the trail needs audit:read");
 * if (!scopes) return;
 */
export async function bearerScopes(
  req: IncomingMessage,
  res: ServerResponse,
  verify: Verifier,
  anyOf: readonly string[],
  refusal: string,
): Promise<ReadonlySet<string> | null> {
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
  let scopes: ReadonlySet<string>;
  try {
    scopes = (await verify(token)).scopes;
  } catch (err) {
    if (!(err instanceof AuthFailure)) throw err;
    sendJson(res, 401, { error: err.message, code: ErrorCodes.UNAUTHENTICATED }, challenge);
    return null;
  }
  if (!anyOf.some((s) => scopes.has(s))) {
    sendJson(res, 403, { error: refusal, code: ErrorCodes.FORBIDDEN });
    return null;
  }
  return scopes;
}
