import { readFileSync } from "node:fs";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JWTPayload,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from "jose";
import { ACTOR_KINDS, type ActorKind } from "../contract/enums.js";
import { type TokenFailure, TokenFailures } from "../contract/errors.js";

export const AUDIENCE = "session-buddy";
export const DEFAULT_ISSUER = "session-buddy";
const ASYMMETRIC_ALGS = ["EdDSA", "ES256", "RS256"];

/** Who a verified token speaks for. */
export interface Identity {
  sub: string;
  scopes: ReadonlySet<string>;
  /** Components a writer may report for; undefined means any. */
  components?: readonly string[];
  /** Expiry, seconds since the epoch. */
  exp: number;
  issuer: string;
  /** The token says who is at the prompt (`actor_kind` claim); it decides over what a shell detects. */
  actorKind?: ActorKind;
  /** Who delegated to the subject (RFC 8693 `act` claim: its `sub`), e.g. the person an AI agent acts for. */
  delegatedBy?: string;
}

/** A token that was not accepted; `code` says why. */
export class AuthFailure extends Error {
  constructor(
    message: string,
    readonly code: TokenFailure,
  ) {
    super(message);
  }
}

export type Verifier = (token: string) => Promise<Identity>;

export interface VerifierOptions {
  /** HS256 secret. */
  secret?: string | undefined;
  /** JWKS file path, or URL. */
  jwks?: string | undefined;
  issuers?: string[];
  /** Clock for tests, seconds or Date. */
  currentDate?: () => Date;
}

/**
 * One verifier for both transports: algorithms pinned to the key kind, audience and issuer checked,
 * `exp` and `sub` required.
 *
 * @example
 * const verify = createVerifier({ secret });
 * const identity = await verify(token); // throws AuthFailure
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const issuers = options.issuers?.length ? options.issuers : [DEFAULT_ISSUER];
  let key: Uint8Array | JWTVerifyGetKey;
  let algorithms: string[];
  if (options.jwks) {
    algorithms = ASYMMETRIC_ALGS;
    if (/^https?:\/\//.test(options.jwks)) {
      key = createRemoteJWKSet(new URL(options.jwks));
    } else {
      key = createLocalJWKSet(JSON.parse(readFileSync(options.jwks, "utf8")));
    }
  } else if (options.secret) {
    algorithms = ["HS256"];
    key = new TextEncoder().encode(options.secret);
  } else {
    throw new Error("a signing secret or a JWKS is required to verify tokens");
  }

  // Verifying costs a WebCrypto import and an HMAC/signature check per request; a token that verified
  // once stays valid until it expires, so successes are remembered (bounded, oldest evicted first).
  const verified = new Map<string, Identity>();
  const CACHE_MAX = 10_000;
  const remember = (token: string, identity: Identity) => {
    if (options.currentDate) return; // tests that move the clock verify every time
    if (verified.size >= CACHE_MAX) verified.delete(verified.keys().next().value as string);
    verified.set(token, identity);
  };

  return async (token: string) => {
    const known = verified.get(token);
    if (known) {
      if (known.exp * 1000 > Date.now()) return known;
      verified.delete(token);
      throw new AuthFailure("the token has expired", TokenFailures.EXPIRED);
    }
    let payload: JWTPayload;
    try {
      const verifyOptions = {
        algorithms,
        audience: AUDIENCE,
        issuer: issuers,
        requiredClaims: ["exp", "sub"],
        ...(options.currentDate ? { currentDate: options.currentDate() } : {}),
      };
      const result =
        key instanceof Uint8Array
          ? await jwtVerify(token, key, verifyOptions)
          : await jwtVerify(token, key, verifyOptions);
      payload = result.payload;
    } catch (err) {
      throw toAuthFailure(err);
    }
    const scope = typeof payload.scope === "string" ? payload.scope : "";
    const components = payload.components;
    if (
      components !== undefined &&
      !(Array.isArray(components) && components.every((c) => typeof c === "string"))
    ) {
      throw new AuthFailure("the components claim must be a list of component names", TokenFailures.CLAIMS);
    }
    if (typeof payload.sub !== "string" || payload.sub.length === 0) {
      throw new AuthFailure("the sub claim must be a non-empty string", TokenFailures.CLAIMS);
    }
    const actorKind = payload.actor_kind;
    if (actorKind !== undefined && !(ACTOR_KINDS as readonly unknown[]).includes(actorKind)) {
      throw new AuthFailure(
        `the actor_kind claim must be one of ${ACTOR_KINDS.join(", ")}`,
        TokenFailures.CLAIMS,
      );
    }
    const act = payload.act as { sub?: unknown } | undefined;
    if (
      act !== undefined &&
      (typeof act !== "object" || act === null || typeof act.sub !== "string" || act.sub === "")
    ) {
      throw new AuthFailure(
        "the act claim must be an object with the delegating sub (RFC 8693)",
        TokenFailures.CLAIMS,
      );
    }
    const identity: Identity = {
      sub: payload.sub,
      scopes: new Set(scope.split(/\s+/).filter(Boolean)),
      ...(components ? { components: components as string[] } : {}),
      exp: payload.exp as number,
      issuer: String(payload.iss),
      ...(actorKind !== undefined ? { actorKind: actorKind as ActorKind } : {}),
      ...(act ? { delegatedBy: act.sub as string } : {}),
    };
    remember(token, identity);
    return identity;
  };
}

function toAuthFailure(err: unknown): AuthFailure {
  if (err instanceof joseErrors.JWTExpired)
    return new AuthFailure("the token has expired", TokenFailures.EXPIRED);
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === "nbf")
      return new AuthFailure("the token is not yet valid", TokenFailures.NOT_YET_VALID);
    return new AuthFailure(`the token's ${err.claim} claim is not accepted`, TokenFailures.CLAIMS);
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed) {
    return new AuthFailure("the token's algorithm is not accepted", TokenFailures.INVALID);
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
    return new AuthFailure("the token's signature does not verify", TokenFailures.INVALID);
  }
  return new AuthFailure("the token is malformed or cannot be verified", TokenFailures.INVALID);
}

/** Reads `Bearer <token>` (or a bare token, as graphql-ws connectionParams often carry). */
export function bearerToken(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  if (m) return m[1];
  return /^\S+$/.test(header.trim()) ? header.trim() : undefined;
}

export interface MintOptions {
  secret: string;
  sub: string;
  scopes: readonly string[];
  components?: string[] | undefined;
  /** Who is at the prompt, said by the token (`actor_kind`). */
  actorKind?: ActorKind | undefined;
  /** Who delegated to `sub` (RFC 8693 `act: { sub }`). */
  delegatedBy?: string | undefined;
  /** Lifetime in seconds. */
  ttlSeconds: number;
  issuer?: string;
  now?: Date;
}

/**
 * Mints an HS256 token. Used by `session-buddy token` and by local shells reading the dev secret.
 *
 * @example
 * const token = await mintToken({ secret, sub: "alice", scopes: ["sessions:write"], ttlSeconds: 3600 });
 */
export async function mintToken(options: MintOptions): Promise<string> {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const jwt = new SignJWT({
    scope: options.scopes.join(" "),
    ...(options.components?.length ? { components: options.components } : {}),
    ...(options.actorKind ? { actor_kind: options.actorKind } : {}),
    ...(options.delegatedBy ? { act: { sub: options.delegatedBy } } : {}),
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(options.sub)
    .setAudience(AUDIENCE)
    .setIssuer(options.issuer ?? DEFAULT_ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + options.ttlSeconds);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
