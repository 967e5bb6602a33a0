/**
 * graphql-ws subscriptions on `/graphql`: the token goes in `connectionParams.authorization`, a socket
 * lives no longer than its token, and documents are parsed and validated through the same Yoga envelope
 * (limits, masking, context, introspection policy) as HTTP requests. An operation over a limit fails on
 * its own with the error HTTP gives; the socket and its other subscriptions carry on. The upgrade passes
 * the same Host allow-list as every route, and a browser page of a foreign origin cannot open a socket.
 */
import type { Server } from "node:http";
import { GraphQLError } from "graphql";
import { CloseCode } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Identity, Verifier } from "../auth/jwt.js";
import type { Logger } from "../config/logger.js";
import { ErrorCodes } from "../contract/errors.js";
import { LIMITS } from "../contract/limits.js";
import { nestingError } from "./document-nesting.js";
import { logOperation } from "./request-log.js";
import type { HostPolicy } from "./routes/host.js";
import { authenticate, type GraphQLServer } from "./yoga.js";

export interface SubscriptionOptions {
  logger: Logger;
  /** The Host/Origin policy in force (it changes when the server starts listening). */
  hosts: () => HostPolicy;
}

/** A refusal of one operation, as HTTP would answer it. */
const badInput = (message: string, reason?: string) =>
  new GraphQLError(message, {
    extensions: { code: ErrorCodes.BAD_USER_INPUT, ...(reason ? { reason } : {}) },
  });

export interface Subscriptions {
  /** Closes every socket and stops accepting new ones. */
  dispose(): Promise<void>;
}

/**
 * Serves subscriptions on the HTTP server's `/graphql` upgrade.
 *
 * @example
 * const subscriptions = attachSubscriptions(server, yoga, verify, { logger, hosts: () => policy });
 * await subscriptions.dispose();
 */
export function attachSubscriptions(
  server: Server,
  yoga: GraphQLServer,
  verify: Verifier,
  options: SubscriptionOptions,
): Subscriptions {
  // `noServer`: the socket server takes only the upgrades handed to it, and does not re-emit the HTTP
  // server's own errors (a busy port at listen is the caller's one-line error, not a ws stack trace).
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: LIMITS.requestBytes,
    verifyClient: ({ req, origin }, done) => {
      const policy = options.hosts();
      const host = policy.check(req.headers.host);
      if (!host.ok) return done(false, host.status, host.reason);
      if (!policy.socketAllowed(origin, req.headers.host ?? "")) {
        return done(false, 403, "a page of another origin may not open this socket");
      }
      done(true);
    },
  });
  server.on("upgrade", (req, socket, head) => {
    if ((req.url ?? "").split("?")[0] !== "/graphql") {
      socket.end("HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });
  const refuse = (identity: Identity | undefined, op: string | undefined, errors: GraphQLError[]) => {
    logOperation(options.logger, { op: op ?? "anonymous", actor: identity?.sub, transport: "ws", errors });
    return errors;
  };
  const expiryTimers = new Set<NodeJS.Timeout>();
  const wsServer = useServer<Record<string, unknown>, { identity?: Identity }>(
    {
      execute: (args) => (args.rootValue as { execute: (a: unknown) => unknown }).execute(args) as never,
      subscribe: (args) =>
        (args.rootValue as { subscribe: (a: unknown) => unknown }).subscribe(args) as never,
      onConnect: async (ctx) => {
        const raw = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const auth = await authenticate(verify, raw);
        if (!auth.identity) return false;
        ctx.extra.identity = auth.identity;
        // The socket lives no longer than its token.
        const ms = auth.identity.exp * 1000 - Date.now();
        const timer = setTimeout(
          () => {
            expiryTimers.delete(timer);
            ctx.extra.socket.close(CloseCode.Forbidden, "Forbidden: token expired");
          },
          Math.max(0, Math.min(ms, 2 ** 31 - 1)),
        );
        expiryTimers.add(timer);
        ctx.extra.socket.once("close", () => {
          clearTimeout(timer);
          expiryTimers.delete(timer);
        });
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const identity = ctx.extra.identity;
        const op = payload.operationName ?? undefined;
        const {
          schema: s,
          execute,
          subscribe,
          contextFactory,
          parse,
          validate,
        } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          auth: { identity: identity ?? null, authFailure: null },
        });
        // A limit (depth, cost, aliases, tokens) may throw from parse or validate; either way it is this
        // operation's error, never the socket's.
        const tooDeep = nestingError(payload.query);
        if (tooDeep) return refuse(identity, op, [tooDeep]);
        let document: ReturnType<typeof parse>;
        let errors: readonly GraphQLError[];
        try {
          document = parse(payload.query);
          errors = validate(s, document);
        } catch (err) {
          return refuse(identity, op, [badInput((err as Error).message)]);
        }
        if (errors.length > 0) {
          const reason = (e: GraphQLError) => e.extensions?.code as string | undefined;
          return refuse(
            identity,
            op,
            errors.map((e) => badInput(e.message, reason(e) ?? "GRAPHQL_VALIDATION_FAILED")),
          );
        }
        return {
          schema: s,
          operationName: payload.operationName ?? null,
          document,
          variableValues: payload.variables ?? null,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
      },
      onNext: (ctx, _id, payload, _args, result) => {
        const errors = (result as { errors?: GraphQLError[] }).errors;
        if (errors?.length) {
          logOperation(options.logger, {
            op: payload.operationName ?? "anonymous",
            actor: ctx.extra.identity?.sub,
            transport: "ws",
            errors,
          });
        }
      },
    },
    wss,
  );
  return {
    async dispose() {
      for (const t of expiryTimers) clearTimeout(t);
      await wsServer.dispose();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
