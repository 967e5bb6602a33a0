import {
  type GraphQLArgument,
  type GraphQLEnumValue,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLSchema,
  introspectionTypes,
  specifiedDirectives,
  specifiedScalarTypes,
} from "graphql";
import { describe, expect, it } from "vitest";
import { schema } from "../api/schema/index.js";

// Names only, never instanceof-based predicates (isObjectType, …): under vitest this file gets graphql's
// ESM build while Pothos, loaded by Node, builds the schema with its CommonJS build.
const builtIn = new Set([...introspectionTypes, ...specifiedScalarTypes].map((t) => t.name));
const builtInDirectives = new Set(specifiedDirectives.map((d) => d.name));

type Described = { coordinate: string; description: string | null | undefined };

/**
 * Every schema coordinate a GraphiQL user can look up, with its description: the types (not the
 * introspection types or the built-in scalars), their fields and arguments, input fields and enum values,
 * and the arguments of the schema's own directives.
 */
function coordinates(s: GraphQLSchema): Described[] {
  const out: Described[] = [];
  const args = (owner: string, list: readonly GraphQLArgument[]) => {
    for (const a of list) out.push({ coordinate: `${owner}(${a.name}:)`, description: a.description });
  };
  for (const type of Object.values(s.getTypeMap())) {
    if (builtIn.has(type.name) || type.name.startsWith("__")) continue;
    out.push({ coordinate: type.name, description: type.description });
    if ("getFields" in type) {
      // Objects and interfaces (fields with arguments) and input objects (input fields).
      const fields = Object.values(type.getFields()) as (
        | GraphQLField<unknown, unknown>
        | GraphQLInputField
      )[];
      for (const field of fields) {
        out.push({ coordinate: `${type.name}.${field.name}`, description: field.description });
        if ("args" in field) args(`${type.name}.${field.name}`, field.args);
      }
    } else if ("getValues" in type) {
      for (const value of type.getValues() as readonly GraphQLEnumValue[])
        out.push({ coordinate: `${type.name}.${value.name}`, description: value.description });
    }
  }
  for (const directive of s.getDirectives()) {
    if (builtInDirectives.has(directive.name)) continue;
    out.push({ coordinate: `@${directive.name}`, description: directive.description });
    args(`@${directive.name}`, directive.args);
  }
  return out;
}

describe("schema descriptions", () => {
  const all = coordinates(schema);

  it("covers the whole schema (the root types and the session types at least)", () => {
    const names = new Set(all.map((c) => c.coordinate));
    for (const expected of [
      "Query",
      "Mutation",
      "Subscription",
      "Session.events(first:)",
      "SessionStatus.ACTIVE",
    ])
      expect(names).toContain(expected);
  });

  it("describes every type, field, argument, input field and enum value", () => {
    const missing = all.filter((c) => !c.description?.trim()).map((c) => c.coordinate);
    expect(missing, `${missing.length} of ${all.length} schema coordinates have no description`).toEqual([]);
  });
});
