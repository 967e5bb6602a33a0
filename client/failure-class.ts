/**
 * How the delivery loop reacts to a refused or failed request, decided from the contract's error code and
 * `extensions.reason` alone (contract/errors.ts), never from a message.
 */

import { ErrorCodes, ForbiddenReasons } from "../contract/errors.js";
import { GraphQLRequestError } from "./graphql-http.js";

/** How the delivery loop reacts to a failed request. */
export const FailureClasses = {
  /** The service could not be reached or failed: retry with backoff, count against the breaker. */
  TRANSIENT: "transient",
  /** The token was refused: stop sending until the token changes. */
  AUTH: "auth",
  /** This record can never be stored: drop it. */
  REJECT: "reject",
  /** The service does not know the session (yet). */
  NOT_FOUND: "not-found",
} as const;
export type FailureClass = (typeof FailureClasses)[keyof typeof FailureClasses];

/** `FORBIDDEN` reasons that are about the token itself: the same token is refused for every record. */
const TOKEN_REASONS: ReadonlySet<string> = new Set([
  ForbiddenReasons.TOKEN_SCOPE,
  ForbiddenReasons.TOKEN_COMPONENTS,
]);

/**
 * Classifies an error of a request.
 *
 * @example
 * ```ts
 * classifyFailure(new GraphQLRequestError("no", "UNAUTHENTICATED")); // "auth"
 * ```
 */
export function classifyFailure(error: unknown): FailureClass {
  if (!(error instanceof GraphQLRequestError)) return FailureClasses.TRANSIENT;
  return classifyCode(error.code, error.reason);
}

/**
 * {@link classifyFailure} for a code and reason, as a request error or a `RecordEventsResult.rejected`
 * entry carries them.
 *
 * `FORBIDDEN` is about the token when it lacks a scope or a component (`TOKEN_SCOPE`, `TOKEN_COMPONENTS`),
 * and about the record when the session belongs to another subject (`NOT_OWNER`). Only the former pauses
 * delivery; the latter drops the record.
 *
 * @example
 * ```ts
 * classifyCode("FORBIDDEN", "NOT_OWNER"); // "reject"
 * ```
 */
export function classifyCode(code: string, reason?: string | null): FailureClass {
  switch (code) {
    case ErrorCodes.UNAUTHENTICATED:
      return FailureClasses.AUTH;
    case ErrorCodes.FORBIDDEN:
      return reason != null && TOKEN_REASONS.has(reason) ? FailureClasses.AUTH : FailureClasses.REJECT;
    case ErrorCodes.BAD_USER_INPUT:
    case ErrorCodes.CONFLICT:
      return FailureClasses.REJECT;
    case ErrorCodes.NOT_FOUND:
      return FailureClasses.NOT_FOUND;
    default:
      // Unreachable, timed out, 5xx, masked errors and anything unknown: the journal makes a wasted retry
      // cheap, while dropping a record on an unrecognised answer would lose it.
      return FailureClasses.TRANSIENT;
  }
}
