/**
 * The service's Ed25519 signing key, kept outside the database so that whoever can write the database
 * cannot forge what the service signs. By default it is a JWK file in the data dir, created once and
 * readable only by its owner (mode 0600); `SESSION_BUDDY_SIGNING_KEY` names a key file kept elsewhere (a
 * secrets mount the database operator cannot read). Its public half is served at `/.well-known/jwks.json`
 * so anyone can check a signature without trusting the service that made it.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  CompactSign,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
} from "jose";
import { SIGNING_ALG } from "../../contract/verify.js";

export interface SigningKey {
  /** RFC 7638 thumbprint of the public key: names the key in every signature's header. */
  kid: string;
  /** Where the key was read from (or created). */
  path: string;
  /** The public key set, as served at /.well-known/jwks.json. */
  jwks: JSONWebKeySet;
  /** A compact JWS over `payload` (canonical JSON is the caller's business), signed with this key. */
  sign(payload: Uint8Array): Promise<string>;
}

export class SigningKeyError extends Error {}

function publicPart(jwk: JWK, kid: string): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid, alg: SIGNING_ALG, use: "sig" } as JWK;
}

function parseKeyFile(path: string): JWK {
  let jwk: JWK;
  try {
    jwk = JSON.parse(readFileSync(path, "utf8")) as JWK;
  } catch (err) {
    throw new SigningKeyError(`cannot read the signing key ${path}: ${(err as Error).message}`);
  }
  if (jwk?.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string" || typeof jwk.d !== "string")
    throw new SigningKeyError(
      `the signing key ${path} is not an Ed25519 private JWK (expected {"kty":"OKP","crv":"Ed25519","x":…,"d":…})`,
    );
  return jwk;
}

/** Creates a new key file (mode 0600, never overwriting one that exists). */
async function createKeyFile(path: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { crv: "Ed25519", extractable: true });
  const jwk = await exportJWK(privateKey);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, `${JSON.stringify(jwk)}\n`, { mode: 0o600, flag: "wx" });
    chmodSync(path, 0o600);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new SigningKeyError(`cannot create the signing key ${path}: ${e.code ?? e.message}`);
  }
  return jwk;
}

/**
 * Loads the signing key from `configured` when given (it must exist), else from `defaultPath`, creating
 * it there on first start.
 *
 * @example
 * const key = await loadSigningKey({ defaultPath: dataPaths(dir).signingKey });
 * const jws = await key.sign(new TextEncoder().encode('{"root":"…"}'));
 */
export async function loadSigningKey(o: {
  configured?: string | undefined;
  defaultPath: string;
}): Promise<SigningKey> {
  const path = o.configured ?? o.defaultPath;
  let jwk: JWK;
  if (o.configured || existsSync(path)) {
    jwk = parseKeyFile(path);
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0)
      throw new SigningKeyError(
        `the signing key ${path} is readable by others (mode ${mode.toString(8)}); chmod 600 it`,
      );
  } else {
    jwk = await createKeyFile(path);
  }
  const kid = await calculateJwkThumbprint(jwk, "sha256");
  const privateKey = await importJWK({ ...jwk, alg: SIGNING_ALG }, SIGNING_ALG);
  return {
    kid,
    path,
    jwks: { keys: [publicPart(jwk, kid)] },
    sign: (payload) =>
      new CompactSign(payload).setProtectedHeader({ alg: SIGNING_ALG, kid }).sign(privateKey),
  };
}
