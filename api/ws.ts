/**
 * graphql-ws subscriptions on `/graphql`: the token goes in `connectionParams.authorization`, a socket
 * lives no longer than its token, and documents are parsed and validated through the same Yoga envelope
 * (limits, masking, context) as HTTP requests.
 */
import type { Server } from "node:http";
import { GraphQLError } from "graphql";
import { CloseCode } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Identity, Verifier } from "../auth/jwt.js";
import { ErrorCodes } from "../contract/errors.js";
import { LIMITS } from "../contract/limits.js";
import { authenticate, type GraphQLServer } from "./yoga.js";

export interface Subscriptions {
  /** Closes every socket and stops accepting new ones. */
  dispose(): Promise<void>;
}

/**
 * Serves subscriptions on the HTTP server's `/graphql` upgrade.
 *
 * @example
 * const subscriptions = attachSubscriptions(server, yoga, verify);
 * await subscriptions.dispose();
 */
export function attachSubscriptions(server: Server, yoga: GraphQLServer, verify: Verifier): Subscriptions {
  const wss = new WebSocketServer({ server, path: "/graphql", maxPayload: LIMITS.requestBytes });
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
        });
        let document: ReturnType<typeof parse>;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [
            new GraphQLError((err as Error).message, { extensions: { code: ErrorCodes.BAD_USER_INPUT } }),
          ];
        }
        const errors = validate(s, document);
        if (errors.length > 0) {
          return errors.map(
            (e: GraphQLError) =>
              new GraphQLError(e.message, { extensions: { code: ErrorCodes.BAD_USER_INPUT } }),
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
