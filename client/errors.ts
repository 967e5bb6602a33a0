/**
 * Errors of the embeddable client.
 *
 * Every error carries a stable `code` (scripts and tests match on it, never on the message) and a
 * `retryable` flag that {@link retry} and the delivery loop obey: retrying a request the service refused on
 * purpose (bad token, missing scope, invalid input) only burns the breaker and delays the operator.
 */

export const ErrorCodes = {
  /** The token is missing, malformed, expired or not accepted. */
  UNAUTHENTICATED: "UNAUTHENTICATED",
  /** The token is valid but lacks the scope or component the request needs. */
  FORBIDDEN: "FORBIDDEN",
  /** The service could not be reached or answered with a transient failure (5xx, 429, reset). */
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  /** A request did not complete within the request timeout. */
  TIMEOUT: "TIMEOUT",
  /** The circuit breaker is open, so the request was not even attempted. */
  CIRCUIT_OPEN: "CIRCUIT_OPEN",
  /** STRICT mode: the service did not acknowledge a record, so the shell must not proceed. */
  STRICT_NOT_ACKNOWLEDGED: "STRICT_NOT_ACKNOWLEDGED",
  /** The service answered something the client cannot interpret (wrong shape, unexpected error). */
  BAD_RESPONSE: "BAD_RESPONSE",
  /** The service rejected the input (a limit or validation); sending it again cannot succeed. */
  BAD_USER_INPUT: "BAD_USER_INPUT",
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Extra fields of a {@link SessionBuddyError}. */
export interface SessionBuddyErrorOptions {
  cause?: unknown;
  /** Overrides the default retryability of the error class. */
  retryable?: boolean;
  /** A server-provided hint (e.g. `Retry-After`) of how long to wait before the next attempt. */
  retryAfterMs?: number;
}

/**
 * Base class of all client errors.
 *
 * @example
 * ```ts
 * try { await send(); } catch (e) {
 *   if (e instanceof SessionBuddyError && e.code === ErrorCodes.FORBIDDEN) logger.warn(e.message);
 * }
 * ```
 */
export class SessionBuddyError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, retryable: boolean, options: SessionBuddyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SessionBuddyError";
    this.code = code;
    this.retryable = options.retryable ?? retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The service refused the caller's credentials (`UNAUTHENTICATED`) or permissions (`FORBIDDEN`).
 * Never retryable: the same token will be refused again.
 *
 * @example
 * ```ts
 * throw new AuthError("FORBIDDEN", "token lacks sessions:write");
 * ```
 */
export class AuthError extends SessionBuddyError {
  constructor(
    code: typeof ErrorCodes.UNAUTHENTICATED | typeof ErrorCodes.FORBIDDEN,
    message: string,
    options: Omit<SessionBuddyErrorOptions, "retryable"> = {},
  ) {
    super(code, message, false, { ...options, retryable: false });
    this.name = "AuthError";
  }
}

/**
 * The service is down, overloaded or timed out. Retryable by default.
 *
 * @example
 * ```ts
 * throw new ServiceUnavailableError("HTTP 503", { retryAfterMs: 2000 });
 * ```
 */
export class ServiceUnavailableError extends SessionBuddyError {
  constructor(
    message: string,
    options: SessionBuddyErrorOptions & {
      code?: typeof ErrorCodes.SERVICE_UNAVAILABLE | typeof ErrorCodes.TIMEOUT;
    } = {},
  ) {
    super(options.code ?? ErrorCodes.SERVICE_UNAVAILABLE, message, true, options);
    this.name = "ServiceUnavailableError";
  }
}

/**
 * The circuit breaker is open; the request was not sent. Not retryable within the same `retry` loop: the
 * breaker decides when the next probe happens, not the backoff.
 *
 * @example
 * ```ts
 * if (!breaker.canRequest()) throw new CircuitOpenError(breaker.retryInMs());
 * ```
 */
export class CircuitOpenError extends SessionBuddyError {
  constructor(retryInMs: number) {
    super(ErrorCodes.CIRCUIT_OPEN, `circuit breaker open; next probe in ${Math.ceil(retryInMs)} ms`, false, {
      retryAfterMs: retryInMs,
    });
    this.name = "CircuitOpenError";
  }
}

/**
 * The service answered with something the client cannot use, or rejected the input (`BAD_USER_INPUT`).
 * Not retryable by default: resending identical bytes yields an identical answer.
 *
 * @example
 * ```ts
 * if (!json?.data) throw new BadResponseError("response has no data", { cause: json });
 * ```
 */
export class BadResponseError extends SessionBuddyError {
  constructor(
    message: string,
    options: SessionBuddyErrorOptions & {
      code?: typeof ErrorCodes.BAD_RESPONSE | typeof ErrorCodes.BAD_USER_INPUT;
    } = {},
  ) {
    super(options.code ?? ErrorCodes.BAD_RESPONSE, message, false, options);
    this.name = "BadResponseError";
  }
}

/**
 * STRICT mode: a record was not acknowledged, so the shell refuses to start or to run the command.
 *
 * @example
 * ```ts
 * throw new StrictNotAcknowledgedError("session start not acknowledged", { cause: lastError });
 * ```
 */
export class StrictNotAcknowledgedError extends SessionBuddyError {
  constructor(message: string, options: Omit<SessionBuddyErrorOptions, "retryable"> = {}) {
    super(ErrorCodes.STRICT_NOT_ACKNOWLEDGED, message, false, { ...options, retryable: false });
    this.name = "StrictNotAcknowledgedError";
  }
}

/**
 * Whether an error is worth another attempt.
 *
 * Client errors say so themselves; an abort is the caller giving up; anything else (a `fetch` network
 * `TypeError`, `ECONNRESET`, …) is assumed transient, because the journal makes a wasted retry cheap while
 * a wrongly abandoned delivery is not.
 *
 * @example
 * ```ts
 * isRetryable(new AuthError("UNAUTHENTICATED", "expired")); // false
 * isRetryable(new TypeError("fetch failed")); // true
 * ```
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof SessionBuddyError) return error.retryable;
  if (error instanceof Error && error.name === "AbortError") return false;
  return true;
}

/**
 * The `code` of a client error, or `undefined` for foreign errors.
 *
 * @example
 * ```ts
 * errorCode(new AuthError("FORBIDDEN", "no")); // "FORBIDDEN"
 * ```
 */
export function errorCode(error: unknown): ErrorCode | undefined {
  return error instanceof SessionBuddyError ? error.code : undefined;
}
