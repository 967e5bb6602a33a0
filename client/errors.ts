/**
 * The errors the client raises. Each carries one of the contract's {@link ErrorCodes} in `code` (callers
 * switch on it, never on the message): a failed request is a `GraphQLRequestError` (client/graphql-http.ts),
 * a STRICT record the service did not acknowledge is a {@link StrictNotAcknowledgedError}, one that could not
 * even be journaled a {@link StrictJournalError}.
 */

import { ErrorCodes } from "../contract/errors.js";
import { GraphQLRequestError } from "./graphql-http.js";

/**
 * STRICT mode: a record was not acknowledged, so the shell refuses to start or to run the command.
 *
 * @example
 * ```ts
 * throw new StrictNotAcknowledgedError("session start not acknowledged", { cause: lastError });
 * ```
 */
export class StrictNotAcknowledgedError extends Error {
  readonly code = ErrorCodes.STRICT_NOT_ACKNOWLEDGED;
  /**
   * The record that was journaled but not acknowledged, when there is one: the caller that refuses the
   * action completes it as refused, so the service learns of the refusal once the record is delivered.
   */
  recorded?: { eventId: string; seq: number; at: string };

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StrictNotAcknowledgedError";
  }
}

/**
 * STRICT mode: a record could not be journaled (disk full, read-only data dir), so the shell refuses to
 * start or to run the command, as it does when the service does not acknowledge. Same `code`, so callers
 * that only switch on it refuse alike.
 *
 * @example
 * ```ts
 * throw new StrictJournalError("command event 3 could not be journaled (disk full (ENOSPC))");
 * ```
 */
export class StrictJournalError extends StrictNotAcknowledgedError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StrictJournalError";
  }
}

/**
 * An error as one line for a log: a request error's message with its code.
 *
 * @example
 * ```ts
 * messageOf(new GraphQLRequestError("token expired", "UNAUTHENTICATED")); // "token expired [UNAUTHENTICATED]"
 * ```
 */
export function messageOf(error: unknown): string {
  if (error instanceof GraphQLRequestError) return `${error.message} [${error.code}]`;
  return error instanceof Error ? error.message : String(error);
}
