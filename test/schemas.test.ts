import { describe, expect } from "vitest";
import { publishedModels } from "../contract/models.js";
import { it, suiteTokens, useService } from "./fixture.js";
import { codeOf, gql, uuid } from "./harness.js";
import { END, event, RECORD, START, startInput } from "./ops.js";

const { writer } = await suiteTokens();

type Schema = Record<string, any>;

/**
 * A validator for the JSON Schema (draft 2020-12) keywords the published schemas use: enough to check
 * that a schema accepts and refuses what the service does. Unknown keywords fail loudly.
 */
function validate(schema: Schema, value: unknown, path = "$"): string[] {
  const errors: string[] = [];
  const known = new Set([
    "$schema",
    "$id",
    "version",
    "title",
    "description",
    "default",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "propertyNames",
    "items",
    "maxItems",
    "enum",
    "const",
    "pattern",
    "format",
    "maxLength",
    "minimum",
    "maximum",
    "anyOf",
  ]);
  for (const k of Object.keys(schema))
    if (!known.has(k)) throw new Error(`unsupported keyword ${k} at ${path}`);
  const typeOf = (v: unknown) =>
    v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v;
  if (schema.type !== undefined) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    const t = typeOf(value);
    if (!types.includes(t) && !(t === "integer" && types.includes("number")))
      return [`${path}: expected ${types.join("|")}, got ${t}`];
  }
  if (schema.anyOf && !schema.anyOf.some((s: Schema) => validate(s, value, path).length === 0))
    errors.push(`${path}: matches none of anyOf`);
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: not in enum`);
  if ("const" in schema && schema.const !== value) errors.push(`${path}: not ${schema.const}`);
  if (typeof value === "string") {
    if (schema.pattern && !new RegExp(schema.pattern, "u").test(value)) errors.push(`${path}: pattern`);
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength)
      errors.push(`${path}: too long`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: below minimum`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: above maximum`);
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      errors.push(`${path}: too many items`);
    if (schema.items)
      for (const [i, v] of value.entries()) errors.push(...validate(schema.items, v, `${path}[${i}]`));
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in obj)) errors.push(`${path}.${r}: required`);
    for (const [k, v] of Object.entries(obj)) {
      if (schema.properties?.[k]) errors.push(...validate(schema.properties[k], v, `${path}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${path}.${k}: not allowed`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === "object")
        errors.push(...validate(schema.additionalProperties, v, `${path}.${k}`));
    }
  }
  return errors;
}

describe("JSON Schemas of the event models", () => {
  const svc = useService("pglite");
  const schemas: Record<string, Schema> = {};

  it("lists every model at /schemas with its URL and the model version", async () => {
    const res = await fetch(`${svc.origin}/schemas`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const index = (await res.json()) as { version: string; schemas: { name: string; url: string }[] };
    expect(index.version).toBe("1.0");
    expect(index.schemas.map((s) => s.name).sort()).toEqual(Object.keys(publishedModels).sort());
    for (const { name, url } of index.schemas) {
      expect(url).toBe(`/schemas/${name}.json`);
      const r = await fetch(`${svc.origin}${url}`);
      expect(r.status, url).toBe(200);
      const schema = (await r.json()) as Schema;
      expect(schema).toMatchObject({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        $id: url,
        version: "1.0",
        type: "object",
        title: expect.any(String),
        description: expect.any(String),
      });
      schemas[name] = schema;
    }
    for (const missing of ["/schemas/nope.json", "/schemas/session-start", "/schemas/..%2Fpackage.json"]) {
      expect((await fetch(`${svc.origin}${missing}`)).status, missing).toBe(404);
    }
  });

  it("accepts what the service accepts and refuses what it refuses", async () => {
    const id = uuid();
    const good = startInput("crackerjack", id, {
      startedAt: new Date().toISOString(),
      captureMode: "STRICT",
    });
    const startCases: [Record<string, unknown>, boolean][] = [
      [good, true],
      [{ id: uuid().toUpperCase(), component: "oneiric" }, true],
      [{ ...good, id: uuid(), component: "bad name!" }, false],
      [{ ...good, id: uuid(), pid: 0 }, false],
      [{ ...good, id: uuid(), pid: 4194305 }, false],
      [{ ...good, id: uuid(), eventVersion: "2.0" }, false],
      [{ ...good, id: uuid(), type: "has space" }, false],
      [{ ...good, id: uuid(), startedAt: "yesterday" }, false],
      [{ ...good, id: "not-a-uuid" }, false],
      [{ ...good, id: uuid(), adapters: ["x".repeat(65)] }, false],
    ];
    for (const [input, accepted] of startCases) {
      const label = JSON.stringify(input).slice(0, 120);
      expect(validate(schemas["session-start"]!, input).length === 0, label).toBe(accepted);
      expect(publishedModels["session-start"].safeParse(input).success, label).toBe(accepted);
      const r = await gql(svc.url, START, { input }, writer);
      if (accepted) expect(r.body.errors, label).toBeUndefined();
      else expect(codeOf(r.body), label).toBe("BAD_USER_INPUT");
    }

    const endCases: [Record<string, unknown>, boolean][] = [
      [{ id, endReason: "SIGTERM", exitCode: 143, endedAt: new Date().toISOString() }, true],
      [{ id, endReason: "CRASH" }, false],
      [{ id, exitCode: 300 }, false],
    ];
    for (const [input, accepted] of endCases) {
      expect(validate(schemas["session-end"]!, input).length === 0).toBe(accepted);
      expect(publishedModels["session-end"].safeParse(input).success).toBe(accepted);
    }

    const second = uuid();
    await gql(svc.url, START, { input: startInput("crackerjack", second) }, writer);
    const eventCases: [Record<string, unknown>, boolean][] = [
      [event(second, uuid(), 1, { outcome: "ok", durationMs: 3.5, redactions: 1, payload: { a: 1 } }), true],
      [event(second, uuid(), 0), false],
      [event(second, uuid(), 2, { kind: "Command" }), false],
      [event(second, uuid(), 3, { outcome: "maybe" }), false],
      [event(second, uuid(), 4, { durationMs: -1 }), false],
    ];
    // GraphQL's DateTime scalar refuses a bad `at` before the model sees it; the schema must refuse it too.
    expect(validate(schemas["session-event"]!, event(second, uuid(), 5, { at: "noon" }))).not.toEqual([]);
    const batch = await gql(svc.url, RECORD, { events: eventCases.map(([e]) => e) }, writer);
    const result = batch.body.data!.recordEvents;
    const rejected = new Set(result.rejected.map((r: { eventId: string }) => r.eventId));
    for (const [e, accepted] of eventCases) {
      expect(validate(schemas["session-event"]!, e).length === 0, JSON.stringify(e)).toBe(accepted);
      expect(rejected.has(e.eventId), JSON.stringify(e)).toBe(!accepted);
    }
    // The service's own answer fits the published result model.
    expect(validate(schemas["record-events-result"]!, result)).toEqual([]);
    const ended = await gql(svc.url, END, { input: endCases[0]![0] }, writer);
    expect(ended.body.errors).toBeUndefined();
  });
});
