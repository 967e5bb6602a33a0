/**
 * Where the dashboard's token comes from: one the user entered (kept in sessionStorage, so it ends with
 * the tab), or the read token the service embeds in the page in its local-secret mode.
 */
import { Scopes } from "../contract/enums.js";

const STORAGE_KEY = "session-buddy.token";

export type TokenSource = "entered" | "local";

export interface Claims {
  sub?: string;
  scopes: string[];
  /** Seconds since the epoch. */
  exp?: number;
}

const meta = (name: string) =>
  document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content.trim() || undefined;

/** `local-secret`, `secret` or `jwks`, as the page was told by the service; undefined when unknown. */
export const authMode = () => meta("session-buddy-auth-mode");

/** The read token the service embedded (local-secret mode only). */
export const embeddedToken = () => meta("session-buddy-token");

export function currentToken(): { token: string; source: TokenSource } | undefined {
  let entered: string | null = null;
  try {
    entered = sessionStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be disabled; the embedded token still works.
  }
  if (entered) return { token: entered, source: "entered" };
  const local = embeddedToken();
  return local ? { token: local, source: "local" } : undefined;
}

export function storeToken(token: string): void {
  sessionStorage.setItem(STORAGE_KEY, token.trim().replace(/^Bearer\s+/i, ""));
}

export function forgetToken(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored then
  }
}

/**
 * The token's claims, read without verifying (the service verifies every request): only to show who
 * the dashboard acts as and whether command text will be visible.
 */
export function readClaims(token: string): Claims | undefined {
  const part = token.split(".")[1];
  if (!part) return undefined;
  try {
    const json = atob(
      part
        .replace(/-/g, "+")
        .replace(/_/g, "/")
        .padEnd(Math.ceil(part.length / 4) * 4, "="),
    );
    const payload = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
    return {
      sub: typeof payload.sub === "string" ? payload.sub : undefined,
      scopes: typeof payload.scope === "string" ? payload.scope.split(/\s+/).filter(Boolean) : [],
      exp: typeof payload.exp === "number" ? payload.exp : undefined,
    };
  } catch {
    return undefined;
  }
}

export const canReadText = (claims: Claims | undefined) =>
  Boolean(claims?.scopes.includes(Scopes.AUDIT) || claims?.scopes.includes(Scopes.ADMIN));
