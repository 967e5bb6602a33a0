import { type ErrorCode, ErrorCodes, isErrorCode } from "../contract/errors.js";
import type { TypedDocumentString } from "./gql/graphql.js";

/** One entry of a GraphQL response's `errors`. */
export interface GraphQLErrorEntry {
  message: string;
  extensions?: Record<string, unknown>;
}

/**
 * A request that failed: the service refused it (its first error's `extensions.code` and `.reason`), or it
 * never got a GraphQL answer (`NETWORK` when the service could not be reached, `TIMEOUT` when it did not answer in time, `SERVICE_UNAVAILABLE`
 * for a 5xx without one, `BAD_RESPONSE` for anything else the client cannot interpret).
 */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode,
    /** The first error's `extensions.reason`: a `ForbiddenReasons` member for `FORBIDDEN`, a `TokenFailures` one for `UNAUTHENTICATED`. */
    readonly reason?: string,
    readonly errors: readonly GraphQLErrorEntry[] = [],
  ) {
    super(message);
    this.name = "GraphQLRequestError";
  }
}

export interface RequestOptions {
  url: string;
  token?: string | undefined;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Sends one typed operation over HTTP and returns its data, or throws {@link GraphQLRequestError}.
 *
 * @example
 * const data = await request({ url, token }, ListSessionsDocument, { first: 10 });
 */
export async function request<TResult, TVariables>(
  options: RequestOptions,
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  const signals = [AbortSignal.timeout(options.timeoutMs ?? 10_000)];
  if (options.signal) signals.push(options.signal);
  let response: Response;
  try {
    response = await fetch(options.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: JSON.stringify({ query: document.toString(), variables }),
      signal: AbortSignal.any(signals),
    });
  } catch (err) {
    const e = err as Error;
    if (e.name === "TimeoutError")
      throw new GraphQLRequestError(`no answer from ${options.url} in time`, ErrorCodes.TIMEOUT);
    const cause = (e.cause as { code?: string } | undefined)?.code;
    throw new GraphQLRequestError(
      `cannot reach ${options.url}${cause ? ` (${cause})` : ""}`,
      ErrorCodes.NETWORK,
    );
  }
  let body: { data?: TResult | null; errors?: GraphQLErrorEntry[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new GraphQLRequestError(
      `the service answered HTTP ${response.status} without a GraphQL response`,
      statusCode(response.status),
    );
  }
  if (body.errors?.length) {
    const first = body.errors[0]!;
    const code = first.extensions?.code;
    const reason = first.extensions?.reason;
    throw new GraphQLRequestError(
      first.message,
      isErrorCode(code) ? code : statusCode(response.status),
      typeof reason === "string" ? reason : undefined,
      body.errors,
    );
  }
  if (!response.ok || body.data == null) {
    throw new GraphQLRequestError(
      `the service answered HTTP ${response.status}`,
      statusCode(response.status),
    );
  }
  return body.data;
}

/** The code of an HTTP answer that names none. */
function statusCode(status: number): ErrorCode {
  if (status >= 500) return ErrorCodes.SERVICE_UNAVAILABLE;
  // A body over the limit (a proxy's, say) fails the same way every time it is sent.
  if (status === 413) return ErrorCodes.BAD_USER_INPUT;
  return ErrorCodes.BAD_RESPONSE;
}
