/**
 * How much the schema shows of itself to whom: introspection and GraphQL's "Did you mean …?" hints are
 * `public`, `authenticated` (a caller with a valid token) or `off`. In production both default to
 * authenticated callers only, so an anonymous scan learns nothing beyond the errors it earns.
 */
import { GraphQLError, NoSchemaIntrospectionCustomRule } from "graphql";
import type { Plugin } from "graphql-yoga";
import { isGraphQLError } from "./errors.js";

export type Exposure = "public" | "authenticated" | "off";

export interface ExposureOptions {
  introspection: Exposure;
  suggestions: Exposure;
  /** Whether the operation's caller presented a valid token. */
  authenticated(context: unknown): boolean;
}

/** The defaults: everything public in development, authenticated callers only in production. */
export function defaultExposure(production: boolean): Exposure {
  return production ? "authenticated" : "public";
}

const allows = (e: Exposure, authenticated: boolean) =>
  e === "public" || (e === "authenticated" && authenticated);

const SUGGESTION = /\s*Did you mean .*\?\s*$/s;

/** The errors with GraphQL's suggestions removed from their messages. */
export function withoutSuggestions<E extends Error>(errors: readonly E[]): (E | GraphQLError)[] {
  return errors.map((e) =>
    isGraphQLError(e) && SUGGESTION.test(e.message)
      ? new GraphQLError(e.message.replace(SUGGESTION, ""), {
          nodes: e.nodes,
          source: e.source,
          positions: e.positions,
          path: e.path,
          originalError: e.originalError,
          extensions: e.extensions,
        })
      : e,
  );
}

/** Whether this caller may see suggestions. */
export function suggestionsAllowed(o: ExposureOptions, context: unknown): boolean {
  return allows(o.suggestions, o.authenticated(context));
}

/**
 * The validation side: refuses introspection fields (`__schema`, `__type`; `__typename` stays) and strips
 * suggestions from validation errors for callers the policy does not cover.
 */
export function exposurePlugin(o: ExposureOptions): Plugin {
  return {
    onValidate({ context, addValidationRule }) {
      const authenticated = o.authenticated(context);
      if (!allows(o.introspection, authenticated)) addValidationRule(NoSchemaIntrospectionCustomRule);
      if (allows(o.suggestions, authenticated)) return undefined;
      return ({ result, setResult }) => {
        if (result.length > 0) setResult(withoutSuggestions(result));
      };
    },
  };
}
