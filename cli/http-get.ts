/** Plain HTTP routes of the service as the CLI reads them (the trail, bundles, exports), and where it writes. */
import { renameSync, writeFileSync } from "node:fs";
import type { Settings } from "../config/settings.js";

/** A service route's URL, from the GraphQL URL the settings name. */
export const routeUrl = (settings: Settings, path: string) => new URL(path, settings.url).toString();

/**
 * GETs `url` with the bearer token; an unreachable service or a refusal is `fail(message)` thrown, with the
 * service's own error text and code when it sent one.
 */
export async function get(
  url: string,
  token: string | undefined,
  fail: (message: string) => Error,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw fail(`cannot reach ${url}${cause ? ` (${cause.code ?? cause.message})` : ""}`);
  }
  if (response.ok) return response;
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: string; code?: string };
    if (body.error) message = `${body.error}${body.code ? ` [${body.code}]` : ""}`;
  } catch {
    // not JSON: the status says it
  }
  throw fail(`${url}: ${message}`);
}

/** Writes `text` to `file` (mode 0600, whole or not at all) or, without one, to stdout. */
export function writeOut(file: string | undefined, text: string) {
  if (!file) {
    process.stdout.write(text);
    return;
  }
  const partial = `${file}.partial`;
  writeFileSync(partial, text, { mode: 0o600 });
  renameSync(partial, file);
}
