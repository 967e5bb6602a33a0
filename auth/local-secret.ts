import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dataPaths } from "../config/paths.js";

/** Reads the local dev secret, or undefined when there is none or it cannot be read. */
export function readLocalSecret(dataDir: string): string | undefined {
  try {
    const s = readFileSync(dataPaths(dataDir).localSecret, "utf8").trim();
    return s.length >= 32 ? s : undefined;
  } catch {
    return undefined;
  }
}

/** The secret tokens are signed with: the configured one, else the local dev secret of the data dir. */
export function signingSecret(settings: {
  secret?: string | undefined;
  dataDir: string;
}): string | undefined {
  return settings.secret ?? readLocalSecret(settings.dataDir);
}

/**
 * The embedded default: a random secret created once in the data dir, readable only by its owner, which
 * local shells and CLIs read to mint their tokens.
 */
export function ensureLocalSecret(dataDir: string): string {
  const existing = readLocalSecret(dataDir);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  const path = dataPaths(dataDir).localSecret;
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: existsSync(path) ? "w" : "wx" });
  chmodSync(path, 0o600);
  return secret;
}
