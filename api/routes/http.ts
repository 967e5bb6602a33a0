import type { ServerResponse } from "node:http";

/**
 * Answers with a JSON body. Errors of the plain HTTP routes carry `{ error, code }`, the `code` one of the
 * contract's ErrorCodes, so a client switches on it as it does on a GraphQL error's `extensions.code`.
 *
 * @example
 * sendJson(res, 404, { error: "no route /nope", code: "NOT_FOUND" });
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}
