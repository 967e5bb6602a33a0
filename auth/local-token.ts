import { userInfo } from "node:os";
import { mintToken } from "./jwt.js";
import { signingSecret } from "./local-secret.js";

/** The OS user a local program speaks for; "local" where there is no passwd entry (containers). */
export function localSubject(): string {
  try {
    return userInfo().username;
  } catch {
    return "local";
  }
}

/**
 * A token for the local user, signed with the configured secret or the local dev secret in the data dir
 * (the embedded default); undefined when neither is readable, which each caller explains in its own words.
 */
export async function mintLocalToken(
  settings: { secret?: string | undefined; dataDir: string },
  scopes: readonly string[],
  ttlSeconds: number,
): Promise<string | undefined> {
  const secret = signingSecret(settings);
  return secret ? mintToken({ secret, sub: localSubject(), scopes, ttlSeconds }) : undefined;
}
