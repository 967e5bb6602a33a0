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
  review: boolean;
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
        review: admin || (s?.has(Scopes.REVIEW) ?? false),
        admin,
      };
    },
    // No identity means the caller is not authenticated; an identity without the scope is forbidden.
    unauthorizedError: (_parent, ctx, info) => {
      if (!ctx.identity)
        return unauthenticated(
          ctx.authFailure?.message ?? "a valid bearer token is required",
          ctx.authFailure?.code,
        );
      const field = info.parentType.getFields()[info.fieldName];
      const wanted = (field?.extensions?.pothosOptions as { authScopes?: unknown } | undefined)?.authScopes;
      const needs =
        wanted && typeof wanted === "object"
          ? Object.keys(wanted)
              .map((k) => SCOPE_NAMES[k as keyof typeof SCOPE_NAMES])
              .filter(Boolean)
          : [];
      return forbidden(
        `the token's scopes do not allow ${info.parentType.name}.${info.fieldName}${needs.length ? ` (it needs ${needs.join(" or ")})` : ""}`,
        ForbiddenReasons.TOKEN_SCOPE,
      );
    },
  },
});

/** The token scope each auth scope of the schema stands for (admin holds them all). */
const SCOPE_NAMES = {
  read: Scopes.READ,
  write: Scopes.WRITE,
  audit: Scopes.AUDIT,
  review: Scopes.REVIEW,
  admin: Scopes.ADMIN,
} as const;

builder.addScalarType("DateTime", DateTimeResolver, {
  description:
    "An instant as an RFC 3339 (ISO 8601) date-time string, e.g. 2026-11-24T10:15:30.000Z. Input needs the date, the time to the second and an offset (Z or ±hh:mm), e.g. 2026-11-24T11:15:30+01:00; output is always UTC with milliseconds.",
});
builder.addScalarType("JSON", JSONResolver, {
  description:
    "Any JSON value (ECMA-404); the fields typed JSON here hold objects unless they say otherwise.",
});
builder.queryType({
  description:
    "Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read.",
});
builder.mutationType({
  description:
    "Writes of producers — starting, ending and keeping sessions alive, and recording their events: these need sessions:write (or admin) and act only on sessions the token's subject started (admin: on any) — and the admin's retention: legal holds and purges, which need admin.",
});
builder.subscriptionType({
  description:
    "Live feeds over graphql-ws (token in connectionParams.authorization); every field needs sessions:read (or admin). Each publishes only after the change is committed.",
});
