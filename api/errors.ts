import { GraphQLError } from "graphql";
import {
  type ErrorCode,
  ErrorCodes,
  type ForbiddenReason,
  type TokenFailure,
  TokenFailures,
} from "../contract/errors.js";

/** An expected failure of the domain: shown to the caller with its code, never masked. */
export class DomainError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
}

/** No usable token; `reason` says which (missing, expired, invalid, bad claims) so a client can act on it. */
export const unauthenticated = (
  message = "a valid bearer token is required",
  reason: TokenFailure = TokenFailures.MISSING,
) => new DomainError(ErrorCodes.UNAUTHENTICATED, message, { reason });
export const forbidden = (message: string, reason: ForbiddenReason) =>
  new DomainError(ErrorCodes.FORBIDDEN, message, { reason });
export const badInput = (message: string, extra: Record<string, unknown> = {}) =>
  new DomainError(ErrorCodes.BAD_USER_INPUT, message, extra);
export const notFound = (message: string) => new DomainError(ErrorCodes.NOT_FOUND, message);
export const conflict = (message: string) => new DomainError(ErrorCodes.CONFLICT, message);

/**
 * graphql ships CJS and ESM builds; a library loading the other one (graphql-armor's parser does) makes
 * `instanceof GraphQLError` false for a real GraphQL error, so errors are recognised by shape.
 */
export function isGraphQLError(e: unknown): e is GraphQLError {
  return e instanceof GraphQLError || (e instanceof Error && e.name === "GraphQLError");
}
