/**
 * The GraphQL endpoint: Yoga over the Pothos schema, with the request limits (graphql-armor), the error
 * policy (domain and GraphQL errors speak to the caller with their path and locations, anything from below
 * is masked and logged, a database outage is SERVICE_UNAVAILABLE), CORS for configured origins only, the
 * introspection/suggestion policy, the request log and metrics. HTTP and WebSocket share it.
 */
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { GraphQLError } from "graphql";
import { createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import { AuthFailure, bearerToken, type Verifier } from "../auth/jwt.js";
import type { Logger } from "../config/logger.js";
import { ErrorCodes } from "../contract/errors.js";
import { unreachable } from "../db/connection.js";
import type { Context } from "./context.js";
import { nestingError } from "./document-nesting.js";
import { isGraphQLError } from "./errors.js";
import { type Exposure, exposurePlugin, suggestionsAllowed, withoutSuggestions } from "./exposure.js";
import { logOperation, rememberOriginal, requestLog } from "./request-log.js";
import { schema } from "./schema/index.js";
import type { Services } from "./services/index.js";

export type GraphQLServer = YogaServerInstance<Record<string, unknown>, Context>;

export interface GraphQLOptions {
  services: Services;
  verify: Verifier;
  logger: Logger;
  /** Whether a page of `origin` may call with credentials (CORS); same-origin pages need no CORS. */
  corsAllowed?: (origin: string) => boolean;
  /**
   * The read token GraphiQL is pre-filled with for this request: only for a signed-in local user of the
   * embedded mode (see auth/local-login.ts), never for a page any origin can load.
   */
  graphiqlToken?: (request: Request) => string | undefined;
  /** Who may introspect the schema; default public. */
  introspection?: Exposure;
  /** Who sees "Did you mean …?" hints; default public. */
  suggestions?: Exposure;
}

type Auth = Pick<Context, "identity" | "authFailure">;

/** Each HTTP request's caller and operation, known from its params on. */
const requests = new WeakMap<Request, { auth: Auth; op: string | undefined; started: number }>();

/** The caller of an operation: from the HTTP request, or what the WebSocket passed (`auth`). */
function authOf(context: unknown): Auth | undefined {
  const c = context as { auth?: Auth; request?: Request } | undefined;
  return c?.auth ?? (c?.request ? requests.get(c.request)?.auth : undefined);
}

/** Accepted-code mapping: GraphQL's own parse/validation failures are bad input too. */
const BAD_INPUT_CODES = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST"]);

function normaliseErrorCodes(): Plugin {
  const fix = (result: unknown) => {
    const errors = (result as { errors?: GraphQLError[] })?.errors;
    if (!Array.isArray(errors)) return;
    for (const e of errors) {
      const code = e.extensions?.code as string | undefined;
      if (!code || BAD_INPUT_CODES.has(code)) {
        (e.extensions as Record<string, unknown>).code = ErrorCodes.BAD_USER_INPUT;
        if (code) (e.extensions as Record<string, unknown>).reason = code;
      }
    }
  };
  return {
    onResultProcess({ result }) {
      if (Array.isArray(result)) for (const r of result) fix(r);
      else if (result && typeof result === "object" && !(Symbol.asyncIterator in result)) fix(result);
    },
  };
}

/** A failure to reach the database (postgres.js codes, or a closed embedded database), anywhere in the cause chain. */
export function databaseUnavailable(error: unknown): boolean {
  if (unreachable(error)) return true;
  for (
    let e = error as { message?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    depth++
  ) {
    if (typeof e.message === "string" && /PGlite is closed/i.test(e.message)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** A code of our own, or GraphQL's own parse/validation code (normalised to BAD_USER_INPUT later). */
function hasCode(e: GraphQLError): boolean {
  return typeof e.extensions?.code === "string";
}

function withCode(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, code: ErrorCodes.BAD_USER_INPUT, http: { status: 400 } },
  });
}

/**
 * A domain error thrown by a resolver, re-raised where it happened: the caller sees its message and
 * extensions together with the field's `path` and `locations` (GraphQL spec §7.1.2).
 */
function located(error: GraphQLError, original: GraphQLError): GraphQLError {
  if (error.path && error.nodes) {
    return new GraphQLError(original.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: original,
      extensions: original.extensions,
    });
  }
  return original;
}

/** A masked error, keeping where it happened. */
function masked(error: unknown, message: string, extensions: Record<string, unknown>): GraphQLError {
  const e = isGraphQLError(error) ? error : undefined;
  return new GraphQLError(message, {
    nodes: e?.nodes,
    source: e?.source,
    positions: e?.positions,
    path: e?.path,
    extensions,
  });
}

function requestMetrics(services: Services): Plugin {
  return {
    onExecute({ args }) {
      const started = performance.now();
      const op = args.document.definitions.find((d: { kind: string }) => d.kind === "OperationDefinition");
      const type = op && "operation" in op ? op.operation : "unknown";
      return {
        onExecuteDone({ result }) {
          const failed = "errors" in result && Array.isArray(result.errors) && result.errors.length > 0;
          services.metrics.graphqlRequests.inc({ operation_type: type, outcome: failed ? "error" : "ok" });
          services.metrics.graphqlDuration.observe(
            { operation_type: type },
            (performance.now() - started) / 1000,
          );
        },
      };
    },
  };
}

/**
 * Authenticates each HTTP request once, from its params on: the introspection policy (at validation) and
 * the resolvers' context read the same result. Logs each operation when its result is ready.
 */
function requestLifecycle(
  options: GraphQLOptions,
  exposure: Parameters<typeof suggestionsAllowed>[0],
): Plugin {
  return {
    async onParams({ request, params, setResult }) {
      const auth = await authenticate(options.verify, request.headers.get("authorization"));
      requests.set(request, { auth, op: params.operationName ?? undefined, started: performance.now() });
      const tooDeep = nestingError(params.query);
      if (tooDeep) setResult({ errors: [tooDeep] });
    },
    onExecute({ args }) {
      const info = (args.contextValue as { request?: Request }).request;
      const entry = info ? requests.get(info) : undefined;
      if (entry && !entry.op) {
        const op = args.document.definitions.find((d: { kind: string }) => d.kind === "OperationDefinition");
        entry.op = op && "operation" in op ? (op.name?.value ?? op.operation) : undefined;
      }
    },
    async onResultProcess({ request, result, setResult, serverContext }) {
      if (Array.isArray(result) || !result || typeof result !== "object" || Symbol.asyncIterator in result)
        return;
      // Who read command text is stored before the text goes out (requests that revealed none do not wait).
      await options.services.access.flushFor(request);
      const entry = requests.get(request);
      const errors = (result as { errors?: GraphQLError[] }).errors;
      if (errors?.length && !suggestionsAllowed(exposure, { request })) {
        setResult({ ...result, errors: withoutSuggestions(errors) });
      }
      const req = (serverContext as { req?: import("node:http").IncomingMessage }).req;
      logOperation(requestLog(req, options.logger), {
        op: entry?.op ?? "anonymous",
        actor: entry?.auth.identity?.sub,
        transport: "http",
        errors,
        ms: entry ? Math.round(performance.now() - entry.started) : undefined,
      });
    },
  };
}

/**
 * The identity of a request from its `Authorization` value (a header or a connection parameter): none
 * without a token, an {@link AuthFailure} kept for the resolvers to report when the token is refused.
 */
export async function authenticate(
  verify: Verifier,
  raw: unknown,
): Promise<Pick<Context, "identity" | "authFailure">> {
  const token = typeof raw === "string" ? bearerToken(raw) : undefined;
  if (!token) return { identity: null, authFailure: null };
  try {
    return { identity: await verify(token), authFailure: null };
  } catch (err) {
    if (err instanceof AuthFailure) return { identity: null, authFailure: err };
    throw err;
  }
}

/**
 * Builds the GraphQL endpoint.
 *
 * @example
 * const yoga = createGraphQL({ services, verify, logger });
 * createServer(yoga).listen(0);
 */
export function createGraphQL(options: GraphQLOptions): GraphQLServer {
  const { services, logger } = options;
  const exposure = {
    introspection: options.introspection ?? "public",
    suggestions: options.suggestions ?? "public",
    authenticated: (context: unknown) => Boolean(authOf(context)?.identity),
  } as const;
  const corsAllowed = options.corsAllowed ?? (() => false);
  return createYoga<Record<string, unknown>, Context>({
    schema,
    // Yoga reports every error it handles; a GraphQL error also reaches the request log
    // (api/request-log.ts), which tells a caller's mistake from a fault and logs the original once. Only
    // what is not a GraphQL error (Yoga's own trouble) is an error here.
    logging: {
      debug() {},
      info() {},
      warn: (...args: unknown[]) => logger.warn(args.map(String).join(" ")),
      error: (...args: unknown[]) => {
        const reported = args.find((a) => isGraphQLError(a));
        if (reported) logger.debug({ yoga: String(reported) }, "graphql-yoga reported an operation's error");
        else logger.error({ err: args[0] }, `graphql-yoga: ${args.map(String).join(" ")}`);
      },
    },
    // Yoga's default echoes any Origin with credentials; only configured origins get CORS headers.
    cors: (request) => {
      const origin = request.headers.get("origin");
      if (!origin || !corsAllowed(origin)) return false;
      return {
        origin: [origin],
        credentials: true,
        methods: ["GET", "POST"],
        allowedHeaders: ["authorization", "content-type", "x-request-id"],
        exposedHeaders: ["x-request-id"],
        maxAge: 600,
      };
    },
    maskedErrors: {
      // Domain errors and GraphQL's own errors (syntax, validation, variable coercion) speak to the
      // caller; anything thrown from below (a bug, a database failure) is masked and logged.
      maskError(error, message) {
        if (isGraphQLError(error)) {
          const original = error.originalError;
          if (isGraphQLError(original))
            return located(error, hasCode(original) ? original : withCode(original));
          if (!original) return hasCode(error) ? error : withCode(error);
        }
        const original = (error as GraphQLError).originalError ?? error;
        // The log (api/request-log.ts) shows the original; the caller sees the mask, with its path.
        if (databaseUnavailable(original)) {
          return rememberOriginal(
            masked(error, "the database is unavailable; try again later", {
              code: ErrorCodes.SERVICE_UNAVAILABLE,
              http: { status: 503 },
            }),
            original,
          );
        }
        return rememberOriginal(masked(error, message, { code: ErrorCodes.INTERNAL_SERVER_ERROR }), original);
      },
    },
    // GraphiQL's code comes from this package, not a CDN: it works offline and behind strict egress.
    renderGraphiQL,
    graphiql: (request) => ({
      ...graphiqlPage,
      ...tokenHeaders(options.graphiqlToken?.(request)),
    }),
    plugins: [
      EnvelopArmorPlugin({
        maxDepth: { n: 12 },
        costLimit: { maxCost: 250_000 },
        maxAliases: { n: 30 },
        maxDirectives: { n: 30 },
        maxTokens: { n: 5000 },
        blockFieldSuggestion: { enabled: false },
      }),
      exposurePlugin(exposure),
      requestLifecycle(options, exposure),
      requestMetrics(services),
      normaliseErrorCodes(),
    ],
    context: async (initial) => {
      const auth =
        authOf(initial) ?? (await authenticate(options.verify, initial.request.headers.get("authorization")));
      return { ...auth, services };
    },
  });
}

const tokenHeaders = (token: string | undefined) =>
  token ? { headers: JSON.stringify({ Authorization: `Bearer ${token}` }) } : {};

const graphiqlPage = {
  title: "Session-Buddy",
  defaultQuery: `# Sessions, newest first. Send a token in Headers below: npx session-buddy token --scope "sessions:read audit:read"
# (the embedded local mode fills it in after you open the sign-in link that \`session-buddy serve\` printed)
query RecentSessions {
  sessions(first: 10) {
    totalCount
    edges { node { id component status actor startedAt durationSeconds commandCount } }
  }
}
`,
};
