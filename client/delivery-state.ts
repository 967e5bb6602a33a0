/**
 * How the delivery loop's situation reads to an operator (the shell's banner, `status`): from the token
 * refused, the breaker, the last failure and whether the service ever answered, the tracking state and
 * its reason; and why a STRICT record was not acknowledged.
 */
import { BreakerStates } from "./breaker.js";
import { type PumpResult, StopReasons } from "./delivery-types.js";
import { ClientRefusals, refusalWords } from "./tracking.js";
import type { BreakerState, RefusalCode, TrackingState } from "./types.js";

/** What the delivery state is decided from. */
export interface DeliveryFacts {
  /** The token was refused (`refused`) or could not be obtained (`missing`). */
  refused: { message: string; code: RefusalCode } | null;
  strict: boolean;
  breaker: BreakerState;
  /** The last transient failure, while it stands. */
  lastFailure: string | null;
  /** Whether the service ever answered. */
  answered: boolean;
  url: string;
}

/** The tracking state delivery alone decides (a failing journal is the client's to add). */
export function deliveryState(f: DeliveryFacts): TrackingState {
  const refused = f.refused;
  if (refused) {
    const words = refusalWords(refused.code);
    if (f.strict)
      return {
        state: "strict-blocked",
        cause: "refused",
        code: refused.code,
        reason: `${words}; commands are refused until a valid token is configured`,
        detail: refused.message,
      };
    return {
      state: "refused",
      code: refused.code,
      reason:
        refused.code === ClientRefusals.NO_TOKEN
          ? `${words}; events are kept in the journal and sent once there is one`
          : `${words}; events are kept in the journal until a valid token is configured`,
      detail: refused.message,
    };
  }
  const breaker = f.breaker;
  const unreachable =
    breaker !== BreakerStates.CLOSED
      ? `service unreachable (${f.lastFailure ?? "failing"}); circuit breaker ${breaker}`
      : f.lastFailure !== null
        ? `service unreachable (${f.lastFailure})`
        : null;
  if (unreachable === null) {
    if (f.answered) return { state: "enabled" };
    return { state: "connecting", reason: `waiting for the service's first answer (${f.url})` };
  }
  if (f.strict)
    return {
      state: "strict-blocked",
      cause: "unreachable",
      reason: "service unreachable; commands are refused until the service acknowledges them",
      detail: unreachable,
    };
  return { state: "buffering", reason: `${unreachable}, events will be replayed` };
}

/** The delivery state in a few words, after a failing journal's. */
export function deliverySummary(state: TrackingState): string {
  switch (state.state) {
    case "buffering":
    case "connecting":
      return state.reason;
    case "refused":
      return `the service refused the token: ${refusalWords(state.code)}, nothing is sent`;
    default:
      return "reason" in state ? state.reason : state.state;
  }
}

/** Why a STRICT record was not acknowledged, from how its pass stopped. */
export function notAcknowledgedWhy(result: PumpResult, strictTimeoutMs: number): string {
  return result.stop === StopReasons.BREAKER_OPEN
    ? `the service is unreachable and the circuit breaker is open (${result.error ?? "failing"})`
    : result.stop === StopReasons.UNREACHABLE
      ? `the service is unreachable (${result.error ?? "failing"})`
      : result.stop === StopReasons.AUTH
        ? `the service refused the token: ${result.error ?? "refused"}`
        : result.stop === StopReasons.DEADLINE
          ? `no acknowledgement within ${strictTimeoutMs} ms`
          : result.stop === StopReasons.CLOSED
            ? "the client was shut down"
            : "it could not be sent";
}
