/**
 * The one error vocabulary of the product. The service puts these codes in `extensions.code` (and a
 * rejected event's `code`); the client, the CLI and the dashboard switch on them, never on a message.
 * Each entry says whether retrying the same request can help.
 */
export const ErrorCodes = {
  /** The token is missing, malformed, expired or not accepted. Retry only with another token. */
  UNAUTHENTICATED: "UNAUTHENTICATED",
  /** The token is valid but may not do this (see {@link ForbiddenReasons}). Retry cannot help. */
  FORBIDDEN: "FORBIDDEN",
  /** The input breaks the contract (a limit, a pattern, a malformed value). Retry cannot help. */
  BAD_USER_INPUT: "BAD_USER_INPUT",
  /** The record does not exist (yet): an event for a session whose start has not arrived. */
  NOT_FOUND: "NOT_FOUND",
  /** The input contradicts what is stored (a seq taken by another event). Retry cannot help. */
  CONFLICT: "CONFLICT",
  /** A dependency of the service (the database) is down; retry later. */
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  /** The service's own fault, masked; retry later. */
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  // Raised by the client itself, never sent by the service:
  /** The service could not be reached at all (connection refused or reset, name not resolved). Retry later. */
  NETWORK: "NETWORK",
  /** The service could not be reached in time. Retry later. */
  TIMEOUT: "TIMEOUT",
  /** The client's circuit breaker is open, so the request was not attempted. Retry later. */
  CIRCUIT_OPEN: "CIRCUIT_OPEN",
  /** STRICT mode: the service did not acknowledge a record, so the shell must not proceed. */
  STRICT_NOT_ACKNOWLEDGED: "STRICT_NOT_ACKNOWLEDGED",
  /** The service answered something the client cannot interpret. */
  BAD_RESPONSE: "BAD_RESPONSE",
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Codes after which the same request may succeed later. */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set([
  ErrorCodes.SERVICE_UNAVAILABLE,
  ErrorCodes.INTERNAL_SERVER_ERROR,
  ErrorCodes.NETWORK,
  ErrorCodes.TIMEOUT,
  ErrorCodes.CIRCUIT_OPEN,
]);

/**
 * Why something is forbidden, in `extensions.reason`: the token itself (`TOKEN_SCOPE`, `TOKEN_COMPONENTS`:
 * retrying with the same token cannot help) or the record (`NOT_OWNER`: another subject's session).
 */
export const ForbiddenReasons = {
  TOKEN_SCOPE: "TOKEN_SCOPE",
  TOKEN_COMPONENTS: "TOKEN_COMPONENTS",
  NOT_OWNER: "NOT_OWNER",
  /** A reviewer's verdict on a session they started themselves. */
  SELF_REVIEW: "SELF_REVIEW",
} as const;
export type ForbiddenReason = (typeof ForbiddenReasons)[keyof typeof ForbiddenReasons];

/**
 * Why an input is refused, in `extensions.reason` of BAD_USER_INPUT (and a rejected event's `reason`),
 * for the refusals a client may want to tell apart; other contract violations carry no reason.
 */
export const BadInputReasons = {
  /** A text or a JSON key/string holds U+0000, which Postgres text and jsonb cannot store. */
  NUL_CHARACTER: "NUL_CHARACTER",
  /** A text or a JSON key/string holds an unpaired UTF-16 surrogate (not well-formed Unicode). */
  LONE_SURROGATE: "LONE_SURROGATE",
  /** A JSON input nests objects and arrays deeper than `LIMITS.jsonDepth`. */
  JSON_TOO_DEEP: "JSON_TOO_DEEP",
  /** A pagination cursor the service did not hand out (forged, truncated, or of another list). */
  BAD_CURSOR: "BAD_CURSOR",
} as const;
export type BadInputReason = (typeof BadInputReasons)[keyof typeof BadInputReasons];

/** Why a token was not accepted, in `extensions.reason` of UNAUTHENTICATED. */
export const TokenFailures = {
  MISSING: "TOKEN_MISSING",
  EXPIRED: "TOKEN_EXPIRED",
  NOT_YET_VALID: "TOKEN_NOT_YET_VALID",
  INVALID: "TOKEN_INVALID",
  CLAIMS: "TOKEN_CLAIMS_INVALID",
} as const;
export type TokenFailure = (typeof TokenFailures)[keyof typeof TokenFailures];

/** True when `value` is one of the {@link ErrorCodes}. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ErrorCodes, value);
}
