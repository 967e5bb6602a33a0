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

/**
 * Writes to a streaming response with backpressure: `write` resolves when the response can take more,
 * or at once when the client went away (`closed`), so memory stays flat whatever the size.
 *
 * @example
 * const out = streamTo(res);
 * for (const line of lines) { if (out.closed) break; await out.write(line); }
 */
export function streamTo(res: ServerResponse) {
  let closed = false;
  res.once("close", () => {
    closed = true;
  });
  return {
    get closed() {
      return closed;
    },
    write: (chunk: string) =>
      new Promise<void>((resolve) => {
        if (res.write(chunk) || closed) return resolve();
        const done = () => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.on("drain", done);
        res.on("close", done);
      }),
  };
}
