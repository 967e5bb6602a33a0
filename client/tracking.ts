/**
 * The vocabulary of the tracking state: which refusal a service's answer is (from its `extensions.reason`
 * alone, never its message), how to say it in plain words, and when two states are the same state.
 */

import { ErrorCodes, ForbiddenReasons, TokenFailures } from "../contract/errors.js";
import { GraphQLRequestError } from "./graphql-http.js";
import type { RefusalCode, TrackingState } from "./types.js";

/** The {@link RefusalCode}s the client itself uses (the others are the contract's). */
export const ClientRefusals = {
  /** The client has no token to send (none configured, and none can be minted). */
  NO_TOKEN: "NO_TOKEN",
  /** The service refused the token without saying why. */
  TOKEN_REFUSED: "TOKEN_REFUSED",
} as const satisfies Record<string, RefusalCode>;

const WORDS: Record<RefusalCode, string> = {
  [TokenFailures.MISSING]: "no token sent",
  [TokenFailures.EXPIRED]: "token expired",
  [TokenFailures.NOT_YET_VALID]: "token not yet valid (is a clock off?)",
  [TokenFailures.INVALID]: "token invalid (its signature, algorithm or format is not accepted)",
  [TokenFailures.CLAIMS]: "token claims not accepted (wrong audience, issuer or subject)",
  [ForbiddenReasons.TOKEN_SCOPE]: "token lacks the sessions:write scope",
  [ForbiddenReasons.TOKEN_COMPONENTS]: "component not allowed by the token",
  [ClientRefusals.NO_TOKEN]: "no token available",
  [ClientRefusals.TOKEN_REFUSED]: "token refused",
};

/**
 * A refusal in plain words.
 *
 * @example
 * ```ts
 * refusalWords("TOKEN_COMPONENTS"); // "component not allowed by the token"
 * ```
 */
export function refusalWords(code: RefusalCode): string {
  return WORDS[code] ?? WORDS[ClientRefusals.TOKEN_REFUSED];
}

/**
 * The {@link RefusalCode} of a token-wide refusal (an error `classifyFailure` calls `auth`), from its code
 * and `extensions.reason`.
 *
 * @example
 * ```ts
 * refusalCode(new GraphQLRequestError("the token has expired", "UNAUTHENTICATED", "TOKEN_EXPIRED")); // "TOKEN_EXPIRED"
 * ```
 */
export function refusalCode(error: unknown): RefusalCode {
  if (!(error instanceof GraphQLRequestError)) return ClientRefusals.TOKEN_REFUSED;
  const reason = error.reason;
  if (error.code === ErrorCodes.UNAUTHENTICATED) {
    const known = Object.values(TokenFailures) as string[];
    return reason !== undefined && known.includes(reason)
      ? (reason as RefusalCode)
      : ClientRefusals.TOKEN_REFUSED;
  }
  if (
    error.code === ErrorCodes.FORBIDDEN &&
    (reason === ForbiddenReasons.TOKEN_SCOPE || reason === ForbiddenReasons.TOKEN_COMPONENTS)
  )
    return reason;
  return ClientRefusals.TOKEN_REFUSED;
}

/**
 * What makes two tracking states "the same" for an operator: the state, plus the refusal code or the cause
 * of a STRICT block. A new failure within a state (another network error, the breaker opening) is not a
 * change; a refusal for another reason is. (`degraded` states are told apart by the client itself, which
 * knows how the journal fails.)
 *
 * @example
 * ```ts
 * trackingKey({ state: "buffering", reason: "service unreachable (ECONNREFUSED)" }); // "buffering"
 * ```
 */
export function trackingKey(state: TrackingState): string {
  switch (state.state) {
    case "refused":
      return `refused|${state.code}`;
    case "strict-blocked":
      return `strict-blocked|${state.cause}|${state.code ?? ""}`;
    case "degraded":
      return `degraded|${state.reason}`;
    default:
      return state.state;
  }
}
