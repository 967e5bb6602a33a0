import { userInfo } from "node:os";
import { mintToken, readLocalSecret, Scopes } from "../auth/jwt.js";
import type { Settings } from "../config/settings.js";

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
  const secret = settings.secret ?? readLocalSecret(settings.dataDir);
  if (!secret) {
    throw new NoTokenError(
      `no token: set SESSION_BUDDY_TOKEN, or run where the service's secret is readable (${settings.dataDir}/local-secret)`,
    );
  }
  return mintToken({ secret, sub: localSubject(), scopes, ttlSeconds });
}

export function localSubject(): string {
  try {
    return userInfo().username;
  } catch {
    return "local";
  }
}
