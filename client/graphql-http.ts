import type { TypedDocumentString } from "./gql/graphql.js";

/** An error the service answered with (its `extensions.code`), or a failure to reach it. */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    /** The first error's `extensions.code`, or a transport code: `NETWORK`, `TIMEOUT`, `HTTP_<status>`, `BAD_RESPONSE`. */
    readonly code: string,
    readonly errors: readonly { message: string; extensions?: Record<string, unknown> }[] = [],
  ) {
    super(message);
    this.name = "GraphQLRequestError";
  }

  /** The service refused the caller; retrying with the same token cannot help. */
  get isAuth(): boolean {
    return this.code === "UNAUTHENTICATED" || this.code === "FORBIDDEN";
  }

  /** The service could not be reached or failed; a retry may succeed. */
  get isTransient(): boolean {
    return (
      this.code === "NETWORK" ||
      this.code === "TIMEOUT" ||
      /^HTTP_5\d\d$/.test(this.code) ||
      this.code === "INTERNAL_SERVER_ERROR"
    );
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
      throw new GraphQLRequestError(`no answer from ${options.url} in time`, "TIMEOUT");
    const cause = (e.cause as { code?: string } | undefined)?.code;
    throw new GraphQLRequestError(`cannot reach ${options.url}${cause ? ` (${cause})` : ""}`, "NETWORK");
  }
  let body: { data?: TResult | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new GraphQLRequestError(
      `the service answered HTTP ${response.status} without a GraphQL response`,
      response.status >= 500 ? `HTTP_${response.status}` : "BAD_RESPONSE",
    );
  }
  if (body.errors?.length) {
    const first = body.errors[0]!;
    const code = String(
      first.extensions?.code ?? (response.status >= 500 ? `HTTP_${response.status}` : "BAD_RESPONSE"),
    );
    throw new GraphQLRequestError(first.message, code, body.errors);
  }
  if (!response.ok || body.data == null) {
    throw new GraphQLRequestError(`the service answered HTTP ${response.status}`, `HTTP_${response.status}`);
  }
  return body.data;
}
