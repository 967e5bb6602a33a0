import { mintLocalToken } from "../auth/local-token.js";
import { dataPaths } from "../config/paths.js";
import type { Settings } from "../config/settings.js";
import { Scopes } from "../contract/enums.js";

export class NoTokenError extends Error {}

/**
 * The token a local program sends: SESSION_BUDDY_TOKEN when set; otherwise one minted from the configured
 * secret or the local dev secret in the data dir (the embedded default), with the scopes it needs.
 */
export async function resolveToken(
  settings: Settings,
  scopes: string[] = [Scopes.READ, Scopes.AUDIT],
  ttlSeconds = 3600,
): Promise<string> {
  if (settings.token) return settings.token;
  const token = await mintLocalToken(settings, scopes, ttlSeconds);
  if (!token) {
    throw new NoTokenError(
      `no token: set SESSION_BUDDY_TOKEN, or run where the service's secret is readable (${dataPaths(settings.dataDir).localSecret})`,
    );
  }
  return token;
}
