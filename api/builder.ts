import SchemaBuilder from "@pothos/core";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import { DateTimeResolver, JSONResolver } from "graphql-scalars";
import { Scopes } from "../contract/enums.js";
import { ForbiddenReasons } from "../contract/errors.js";
import type { Context } from "./context.js";
import { forbidden, unauthenticated } from "./errors.js";

/** Scope names used on fields; each maps to token scopes in `authScopes` below. */
export interface AuthScopes {
  read: boolean;
  write: boolean;
  audit: boolean;
  admin: boolean;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: AuthScopes;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  plugins: [ScopeAuthPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => {
      const s = ctx.identity?.scopes;
      const admin = s?.has(Scopes.ADMIN) ?? false;
      return {
        read: admin || (s?.has(Scopes.READ) ?? false),
        write: admin || (s?.has(Scopes.WRITE) ?? false),
        audit: admin || (s?.has(Scopes.AUDIT) ?? false),
        admin,
      };
    },
    // No identity means the caller is not authenticated; an identity without the scope is forbidden.
    unauthorizedError: (_parent, ctx, info) => {
      if (!ctx.identity)
        return unauthenticated(ctx.authFailure?.message ?? "a valid bearer token is required");
      return forbidden(
        `the token's scopes do not allow ${info.parentType.name}.${info.fieldName}`,
        ForbiddenReasons.TOKEN_SCOPE,
      );
    },
  },
});

builder.addScalarType("DateTime", DateTimeResolver);
builder.addScalarType("JSON", JSONResolver);
builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
