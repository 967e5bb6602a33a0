import { join } from "node:path";

/**
 * The layout of the data dir (`SESSION_BUDDY_DATA_DIR`, default `~/.session-buddy`), in one place:
 *
 * ```
 * <dataDir>/db/            the embedded PGlite database (service)
 * <dataDir>/local-secret   the local dev signing secret, mode 0600 (service, CLI, shells)
 * <dataDir>/signing-key.jwk the service's Ed25519 key for signing the trail, mode 0600 (service), unless
 *                          SESSION_BUDDY_SIGNING_KEY names a key file kept elsewhere
 * <dataDir>/journal/       the client's crash-safe journal (every tracked process)
 * <dataDir>/history/       one REPL history file per component (shells)
 * <dataDir>/reports/       HTML session reports FastBlocks' render() writes unless told where
 * ```
 */
export const dataPaths = (dataDir: string) => ({
  embeddedDb: join(dataDir, "db"),
  localSecret: join(dataDir, "local-secret"),
  signingKey: join(dataDir, "signing-key.jwk"),
  journal: join(dataDir, "journal"),
  history: join(dataDir, "history"),
  reports: join(dataDir, "reports"),
});
