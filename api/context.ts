import type { YogaInitialContext } from "graphql-yoga";
import type { AuthFailure, Identity } from "../auth/jwt.js";
import type { Services } from "./services/index.js";

/** What every resolver sees, on HTTP and WebSocket alike. */
export interface Context extends Partial<YogaInitialContext> {
  identity: Identity | null;
  /** Why the presented token was refused, when one was presented and refused. */
  authFailure: AuthFailure | null;
  services: Services;
}
