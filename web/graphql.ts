import { type Client, CloseCode, createClient } from "graphql-ws/client";
import type { TypedDocumentString } from "../client/gql/graphql.js";
import { ErrorCodes } from "../contract/errors.js";

/**
 * A failed request or subscription. `code` is the service's `extensions.code` (contract/errors.ts), or
 * TIMEOUT / BAD_RESPONSE when the service was not reached or did not answer with GraphQL; `closeCode` is
 * set when the live feed's socket was closed with it (4403: token rejected or expired); `reason` is the
 * service's `extensions.reason` (e.g. FORBIDDEN's SELF_REVIEW, which is about the record, not the token).
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly closeCode?: number,
    readonly reason?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The live feed was closed with 4403: the service no longer accepts the token. */
export const liveFeedForbidden = (reason: string) =>
  new ApiError(
    `the live feed was closed by the service (${CloseCode.Forbidden} ${reason || "Forbidden"})`,
    ErrorCodes.FORBIDDEN,
    CloseCode.Forbidden,
  );

interface GraphQLErrorBody {
  message?: string;
  extensions?: { code?: string; reason?: unknown };
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLErrorBody[];
}

const fromGraphQLError = (e: GraphQLErrorBody, fallback: string) =>
  new ApiError(
    e.message ?? fallback,
    e.extensions?.code,
    undefined,
    typeof e.extensions?.reason === "string" ? e.extensions.reason : undefined,
  );

const endpoint = () => new URL("/graphql", window.location.href);

/** POSTs one operation; throws an ApiError carrying the first error's `extensions.code`. */
export async function request<R, V>(
  token: string,
  document: TypedDocumentString<R, V>,
  variables: V,
): Promise<R> {
  let res: Response;
  try {
    res = await fetch(endpoint(), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
  } catch (err) {
    throw new ApiError(`the service is unreachable (${(err as Error).message})`, ErrorCodes.TIMEOUT);
  }
  let body: GraphQLResponse<R>;
  try {
    body = (await res.json()) as GraphQLResponse<R>;
  } catch {
    throw new ApiError(`the service answered HTTP ${res.status} without GraphQL`, ErrorCodes.BAD_RESPONSE);
  }
  const first = body.errors?.[0];
  if (first) throw fromGraphQLError(first, "the request failed");
  if (!body.data)
    throw new ApiError(`the service answered HTTP ${res.status} without data`, ErrorCodes.BAD_RESPONSE);
  return body.data;
}

/** What an error sink of a subscription receives, as one ApiError. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (Array.isArray(err) && err.length > 0)
    return fromGraphQLError(err[0] as GraphQLErrorBody, "subscription failed");
  if (isCloseEvent(err)) {
    if (err.code === CloseCode.Forbidden) return liveFeedForbidden(err.reason);
    return new ApiError(
      `the live feed closed (${err.code}${err.reason ? ` ${err.reason}` : ""})`,
      ErrorCodes.TIMEOUT,
      err.code,
    );
  }
  return new ApiError(err instanceof Error ? err.message : String(err), undefined);
}

const isCloseEvent = (e: unknown): e is { code: number; reason: string } =>
  typeof e === "object" && e !== null && "code" in e && "reason" in e;

export type LiveState = "connecting" | "live" | "reconnecting" | "forbidden";

export interface LiveFeed {
  /**
   * Subscribes; returns the function that stops it. Errors reach `error` as an ApiError, except
   * SERVICE_UNAVAILABLE: the service ends subscriptions when its own live feed (Redis) goes down, and
   * this subscribes again, with a backoff, until it is back. `variables` may be a function, called each
   * time the subscription is sent (again after a reconnect or such an end), so it can carry a resume point.
   */
  subscribe<R, V>(
    document: TypedDocumentString<R, V>,
    variables: V | (() => V),
    sink: { next(data: R): void; error?(err: ApiError): void },
  ): () => void;
  /** Called after a reconnect, when views should reload what they may have missed. */
  onReconnect(listener: () => void): () => void;
  /**
   * The feed's state now: a view that shows live data says so when it is not `live`, instead of
   * presenting what it holds as current.
   */
  readonly state: LiveState;
  /**
   * Calls `listener` on every state the feed reports from now on (with its detail, e.g. why it is
   * reconnecting), not with the current one; returns the function that stops it.
   */
  onState(listener: (state: LiveState, detail?: string) => void): () => void;
  dispose(): void;
}

/**
 * One graphql-ws connection for the page, authenticated at connection_init. It retries forever on
 * network failures and never on 4403 (a bad or expired token): `onState("forbidden")` then says so.
 */
export function openLiveFeed(
  token: string,
  onStateChange: (state: LiveState, detail?: string) => void,
): LiveFeed {
  const url = endpoint();
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const reconnectListeners = new Set<() => void>();
  const stateListeners = new Set<(state: LiveState, detail?: string) => void>();
  let state: LiveState = "connecting";
  const onState = (next: LiveState, detail?: string) => {
    state = next;
    onStateChange(next, detail);
    for (const l of stateListeners) l(next, detail);
  };
  /** The page's subscriptions, sent again with fresh variables after a reconnect. */
  const subscriptions = new Set<{ start(): void }>();
  let connectedOnce = false;
  let forbidden = false;
  let disposed = false;
  const client: Client = createClient({
    url: url.toString(),
    lazy: false,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: (e) => !(isCloseEvent(e) && e.code === CloseCode.Forbidden),
    onNonLazyError: () => {},
    on: {
      connecting: () => {
        if (!forbidden && !disposed) onState(connectedOnce ? "reconnecting" : "connecting");
      },
      connected: () => {
        onState("live");
        if (connectedOnce) {
          for (const s of subscriptions) s.start();
          for (const l of reconnectListeners) l();
        }
        connectedOnce = true;
      },
      closed: (e) => {
        if (disposed) return;
        if (isCloseEvent(e) && e.code === CloseCode.Forbidden) {
          forbidden = true;
          onState("forbidden", e.reason || "Forbidden");
        } else if (!forbidden) onState("reconnecting", isCloseEvent(e) ? `closed with ${e.code}` : undefined);
      },
    },
  });
  return {
    subscribe(document, variables, sink) {
      const current = () =>
        (typeof variables === "function" ? (variables as () => unknown)() : variables) as Record<
          string,
          unknown
        >;
      let generation = 0;
      let attempts = 0;
      let stop = () => {};
      let timer: ReturnType<typeof setTimeout> | undefined;
      const entry = {
        start() {
          clearTimeout(timer);
          const mine = ++generation;
          stop();
          const again = () => {
            if (mine !== generation || disposed) return;
            generation++;
            onState("reconnecting", "the service's live feed is down; resuming when it is back");
            timer = setTimeout(() => entry.start(), Math.min(5000, 250 * 2 ** Math.min(attempts++, 5)));
          };
          const failed = (err: ApiError) => {
            if (mine !== generation) return;
            if (err.code === ErrorCodes.SERVICE_UNAVAILABLE) again();
            else sink.error?.(err);
          };
          stop = client.subscribe(
            { query: document.toString(), variables: current() },
            {
              next: (r) => {
                if (mine !== generation) return;
                if (r.errors?.length) return failed(toApiError(r.errors));
                if (attempts > 0) {
                  attempts = 0;
                  onState("live");
                }
                if (r.data) sink.next(r.data as never);
              },
              error: (err) => failed(toApiError(err)),
              // Only the service ends a subscription on its own (its live feed went down): resume.
              complete: again,
            },
          );
        },
      };
      subscriptions.add(entry);
      entry.start();
      return () => {
        subscriptions.delete(entry);
        generation++;
        clearTimeout(timer);
        stop();
      };
    },
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    get state() {
      return state;
    },
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    dispose() {
      disposed = true;
      reconnectListeners.clear();
      stateListeners.clear();
      subscriptions.clear();
      void client.dispose();
    },
  };
}
