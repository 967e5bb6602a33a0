import type { Claims, TokenSource } from "./auth.js";
import type { ApiError, LiveFeed } from "./graphql.js";

/** What every page gets from the shell around it. */
export interface AppContext {
  token: string;
  source: TokenSource;
  claims: Claims | undefined;
  live: LiveFeed;
  /** One GraphQL request with this page's token. */
  query<T>(document: string, variables?: Record<string, unknown>): Promise<T>;
  /**
   * Reports an error. Token problems (UNAUTHENTICATED, FORBIDDEN, a 4403 close) end the session and
   * bring the token form back with the reason; returns true then. Other errors are the caller's to show.
   */
  authFailed(err: ApiError): boolean;
  navigate(path: string): void;
}

/** A mounted page: it owns its subscriptions, timers and charts until `dispose`. */
export interface View {
  dispose(): void;
}
