/**
 * The GraphQL endpoint: Yoga over the Pothos schema, with the request limits (graphql-armor), the error
 * policy (domain and GraphQL errors speak to the caller, anything from below is masked and logged, a
 * database outage is SERVICE_UNAVAILABLE) and the request metrics. HTTP and WebSocket share it.
 */
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { GraphQLError } from "graphql";
import { createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import { AuthFailure, bearerToken, type Verifier } from "../auth/jwt.js";
import type { Logger } from "../config/logger.js";
import { ErrorCodes } from "../contract/errors.js";
import type { Context } from "./context.js";
import { schema } from "./schema/index.js";
import type { Services } from "./services/index.js";

export type GraphQLServer = YogaServerInstance<Record<string, unknown>, Context>;

export interface GraphQLOptions {
  services: Services;
  verify: Verifier;
  logger: Logger;
  /** A read token GraphiQL is pre-filled with; only in the embedded local mode. */
  graphiqlToken?: string | undefined;
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

const DB_DOWN_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01", // admin_shutdown
  "57P03", // cannot_connect_now
]);

/** A failure to reach the database (postgres.js codes, or a closed embedded database), anywhere in the cause chain. */
export function databaseUnavailable(error: unknown): boolean {
  for (
    let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    depth++
  ) {
    if (typeof e.code === "string" && DB_DOWN_CODES.has(e.code)) return true;
    if (typeof e.message === "string" && /PGlite is closed/i.test(e.message)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/**
 * graphql ships CJS and ESM builds; a library loading the other one (graphql-armor's parser does) makes
 * `instanceof GraphQLError` false for a real GraphQL error, so errors are recognised by shape.
 */
function isGraphQLError(e: unknown): e is GraphQLError {
  return e instanceof GraphQLError || (e instanceof Error && e.name === "GraphQLError");
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
  return createYoga<Record<string, unknown>, Context>({
    schema,
    logging: {
      debug() {},
      info() {},
      warn: (...args: unknown[]) => logger.warn(args.map(String).join(" ")),
      error: (...args: unknown[]) => logger.error(args.map(String).join(" ")),
    },
    maskedErrors: {
      // Domain errors and GraphQL's own errors (syntax, validation, variable coercion) speak to the
      // caller; anything thrown from below (a bug, a database failure) is masked and logged.
      maskError(error, message) {
        if (isGraphQLError(error)) {
          const original = error.originalError;
          if (isGraphQLError(original)) return hasCode(original) ? original : withCode(original);
          if (!original) return hasCode(error) ? error : withCode(error);
        }
        const original = (error as GraphQLError).originalError ?? error;
        if (databaseUnavailable(original)) {
          logger.error("the database is unavailable", original);
          return new GraphQLError("the database is unavailable; try again later", {
            extensions: { code: ErrorCodes.SERVICE_UNAVAILABLE, http: { status: 503 } },
          });
        }
        logger.error("unexpected error while resolving", original);
        return new GraphQLError(message, { extensions: { code: ErrorCodes.INTERNAL_SERVER_ERROR } });
      },
    },
    // GraphiQL's code comes from this package, not a CDN: it works offline and behind strict egress.
    renderGraphiQL,
    graphiql: {
      title: "Session-Buddy",
      defaultQuery: `# Sessions, newest first. Mint a token with: npx session-buddy token --scope "sessions:read audit:read"
query RecentSessions {
  sessions(first: 10) {
    totalCount
    edges { node { id component status actor startedAt durationSeconds commandCount } }
  }
}
`,
      ...(options.graphiqlToken
        ? { headers: JSON.stringify({ Authorization: `Bearer ${options.graphiqlToken}` }) }
        : {}),
    },
    plugins: [
      EnvelopArmorPlugin({
        maxDepth: { n: 12 },
        costLimit: { maxCost: 250_000 },
        maxAliases: { n: 30 },
        maxDirectives: { n: 30 },
        maxTokens: { n: 5000 },
        blockFieldSuggestion: { enabled: false },
      }),
      requestMetrics(services),
      normaliseErrorCodes(),
    ],
    context: async (initial) => {
      const params = (initial as { connectionParams?: Record<string, unknown> }).connectionParams;
      const raw = params
        ? (params.authorization ?? params.Authorization)
        : initial.request.headers.get("authorization");
      return { ...(await authenticate(options.verify, raw)), services };
    },
  });
}
