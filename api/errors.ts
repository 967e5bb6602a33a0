import { GraphQLError } from "graphql";

/** Stable error codes; clients switch on these, tests assert them. */
export const ErrorCodes = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  BAD_USER_INPUT: "BAD_USER_INPUT",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** An expected failure of the domain: shown to the caller with its code, never masked. */
export class DomainError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
}

export const unauthenticated = (message = "a valid bearer token is required") =>
  new DomainError(ErrorCodes.UNAUTHENTICATED, message);
/**
 * Why something is forbidden, in `extensions.reason`: the token itself (`TOKEN_SCOPE`, `TOKEN_COMPONENTS`:
 * retrying with the same token cannot help) or the record (`NOT_OWNER`: another subject's session).
 */
export const ForbiddenReasons = {
  TOKEN_SCOPE: "TOKEN_SCOPE",
  TOKEN_COMPONENTS: "TOKEN_COMPONENTS",
  NOT_OWNER: "NOT_OWNER",
} as const;
export type ForbiddenReason = (typeof ForbiddenReasons)[keyof typeof ForbiddenReasons];

export const forbidden = (message: string, reason: ForbiddenReason) =>
  new DomainError(ErrorCodes.FORBIDDEN, message, { reason });
export const badInput = (message: string, extra: Record<string, unknown> = {}) =>
  new DomainError(ErrorCodes.BAD_USER_INPUT, message, extra);
export const notFound = (message: string) => new DomainError(ErrorCodes.NOT_FOUND, message);
export const conflict = (message: string) => new DomainError(ErrorCodes.CONFLICT, message);
