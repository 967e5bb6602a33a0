import type { TypedDocumentString } from "../client/gql/graphql.js";
import type { Claims, TokenSource } from "./auth.js";
import type { ApiError, LiveFeed } from "./graphql.js";

/** What every page gets from the shell around it. */
export interface AppContext {
  token: string;
  source: TokenSource;
  claims: Claims | undefined;
  live: LiveFeed;
  /** One GraphQL request with this page's token. */
  query<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R>;
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
