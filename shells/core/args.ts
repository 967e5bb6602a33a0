/**
 * Declarative argument specs for helpers. A helper registered with `args` has every call checked before
 * it runs: a value of the wrong kind or out of range is refused with one line in the helper's own words —
 * its signature, the argument, the forms it accepts and what was given — never a default used silently or
 * a message from deep inside the service.
 *
 * @example
 * this.helper("ps", "ps(limit = 20)", "Recent sessions", (limit = 20) => …, {
 *   args: [{ name: "limit", kind: "int", min: 1, max: 1000 }],
 * });
 * // ps('abc') → UsageError: ps(limit = 20) — limit must be a whole number from 1 to 1000; got 'abc'
 */

import { inspect } from "node:util";
import { durationText, parseDuration } from "../../contract/duration.js";
import { ID_REF_FORMS, parseIdRef } from "../../contract/short-id.js";

interface BaseArg {
  name: string;
  /** Refuse a call that leaves it out. Default: optional (the helper's default applies). */
  required?: boolean;
  /** What the value is, when its kind alone does not say: "the name of a workflow". */
  what?: string;
}

export type ArgSpec = BaseArg &
  (
    | { kind: "int"; min?: number; max?: number }
    | { kind: "number"; min?: number; max?: number /** min itself is not allowed */; above?: boolean }
    | { kind: "boolean" }
    | {
        kind: "string";
        /** The allowed values (a function: read on each call, e.g. the workflows configured now). */
        oneOf?: readonly string[] | (() => readonly string[]);
        /** Compare with oneOf in any case. */
        ignoreCase?: boolean;
        /** What to say when oneOf is empty: "none is defined yet (add them to oneiric.yaml)". */
        none?: string;
        pattern?: RegExp;
        /** How the pattern reads to a person: "letters, digits, - and _ (at most 64)". */
        patternText?: string;
        maxLength?: number;
      }
    | {
        /** One or more of `oneOf`, as an array or a comma-separated string. */
        kind: "choices";
        oneOf: readonly string[];
        ignoreCase?: boolean;
      }
    | {
        /** A duration: seconds as a number, or text such as '90s', '15m', '2h', '7d', '2w'. */
        kind: "duration";
        /** Bounds in seconds. */
        min?: number;
        max?: number;
      }
    | { kind: "object" /** The keys it may have. */; keys?: readonly string[]; example?: string }
    | { kind: "helper" }
    | { kind: "idRef" }
    | { kind: "path" }
  );

/** A call refused because of its arguments. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A value as an operator typed it, short: `'abc'`, `42`, `-3`, `null`, `a function`. */
export function shown(value: unknown): string {
  if (typeof value === "function") return "a function";
  const text = inspect(value, { depth: 0, breakLength: Number.POSITIVE_INFINITY, colors: false });
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function list(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(", ");
}

function allowed(spec: Extract<ArgSpec, { kind: "string" }>): readonly string[] | undefined {
  return typeof spec.oneOf === "function" ? spec.oneOf() : spec.oneOf;
}

/** What an argument accepts, as a phrase: "a whole number from 1 to 1000". */
export function describeArg(spec: ArgSpec): string {
  const what = spec.what ? `${spec.what}, ` : "";
  switch (spec.kind) {
    case "int":
      return `${what}a whole number${range(spec.min, spec.max)}`;
    case "number":
      return `${what}a number${
        spec.above && spec.min !== undefined
          ? ` above ${spec.min}${spec.max !== undefined ? ` and at most ${spec.max}` : ""}`
          : range(spec.min, spec.max)
      }`;
    case "boolean":
      return `${what}true or false`;
    case "string": {
      const values = allowed(spec);
      if (values)
        return `${what}${values.length ? `one of ${list(values)}` : (spec.none ?? "none is defined")}`;
      const limit = spec.maxLength ? ` of at most ${spec.maxLength} characters` : "";
      return `${what}${spec.patternText ?? `a text${limit}`}`;
    }
    case "choices":
      return `${what}one or more of ${list(spec.oneOf)} (an array, or comma-separated)`;
    case "duration": {
      const bounds =
        spec.min !== undefined && spec.max !== undefined
          ? ` from ${durationText(spec.min)} to ${durationText(spec.max)}`
          : spec.max !== undefined
            ? ` up to ${durationText(spec.max)}`
            : spec.min !== undefined
              ? ` of at least ${durationText(spec.min)}`
              : "";
      return `${what}a duration${bounds}, such as '90s', '15m', '2h' or '7d' (a number is seconds)`;
    }
    case "object":
      return `${what}an object${spec.keys ? ` with keys among ${spec.keys.join(", ")}` : ""}${
        spec.example ? `, e.g. ${spec.example}` : ""
      }`;
    case "helper":
      return `${what}a helper, or its name as text: help(ps) or help('ps')`;
    case "idRef":
      return `${what}a session: ${ID_REF_FORMS}`;
    case "path":
      return `${what}a path (text)`;
  }
}

function range(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return "";
}

/** Why `value` does not fit `spec`, or undefined when it does. */
function problem(spec: ArgSpec, value: unknown): string | undefined {
  switch (spec.kind) {
    case "int":
      if (typeof value !== "number" || !Number.isInteger(value)) return "bad";
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max))
        return "bad";
      return undefined;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return "bad";
      if (spec.min !== undefined && (spec.above ? value <= spec.min : value < spec.min)) return "bad";
      if (spec.max !== undefined && value > spec.max) return "bad";
      return undefined;
    case "boolean":
      return typeof value === "boolean" ? undefined : "bad";
    case "string": {
      if (typeof value !== "string" || value.trim() === "") return "bad";
      const values = allowed(spec);
      if (values) {
        const v = spec.ignoreCase ? value.toLowerCase() : value;
        return values.some((a) => (spec.ignoreCase ? a.toLowerCase() : a) === v) ? undefined : "bad";
      }
      if (spec.maxLength !== undefined && value.length > spec.maxLength) return "bad";
      if (spec.pattern && !spec.pattern.test(value)) return "bad";
      return undefined;
    }
    case "choices": {
      const items = Array.isArray(value) ? value : typeof value === "string" ? value.split(/[\s,]+/) : null;
      if (!items) return "bad";
      const names = items.filter((x) => x !== "");
      if (names.length === 0) return "bad";
      const ok = names.every(
        (x) =>
          typeof x === "string" &&
          spec.oneOf.some((a) => (spec.ignoreCase ? a.toLowerCase() === x.toLowerCase() : a === x)),
      );
      return ok ? undefined : "bad";
    }
    case "duration": {
      const s = parseDuration(value);
      if (s === undefined) return "bad";
      if ((spec.min !== undefined && s < spec.min) || (spec.max !== undefined && s > spec.max)) return "bad";
      return undefined;
    }
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return "bad";
      const keys = spec.keys;
      if (keys) {
        const unknown = Object.keys(value).filter((k) => !keys.includes(k));
        if (unknown.length) return `unknown key${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}`;
      }
      return undefined;
    }
    case "helper":
      return typeof value === "function" || (typeof value === "string" && value.trim() !== "")
        ? undefined
        : "bad";
    case "idRef":
      return typeof value === "string" && parseIdRef(value) ? undefined : "bad";
    case "path":
      return typeof value === "string" && value.trim() !== "" ? undefined : "bad";
  }
}

/**
 * Checks a call's arguments against the helper's specs; throws a {@link UsageError} naming the first
 * argument that does not fit. `null` and `undefined` leave an optional argument out.
 *
 * @example
 * checkArgs("ps(limit = 20)", [{ name: "limit", kind: "int", min: 1, max: 1000 }], ["abc"]);
 * // UsageError: ps(limit = 20) — limit must be a whole number from 1 to 1000; got 'abc'
 */
export function checkArgs(signature: string, specs: readonly ArgSpec[], args: readonly unknown[]): void {
  let given = args.length;
  while (given > 0 && args[given - 1] === undefined) given--;
  if (given > specs.length) {
    throw new UsageError(
      `${signature} — takes ${
        specs.length === 0
          ? "no arguments"
          : `at most ${specs.length} argument${specs.length === 1 ? "" : "s"}`
      }, got ${given}`,
    );
  }
  for (const [i, spec] of specs.entries()) {
    const value = args[i];
    if (value === undefined || value === null) {
      if (spec.required)
        throw new UsageError(`${signature} — ${spec.name} is required: ${describeArg(spec)}`);
      continue;
    }
    const bad = problem(spec, value);
    if (bad) {
      const detail = bad === "bad" ? "" : ` (${bad})`;
      throw new UsageError(
        `${signature} — ${spec.name} must be ${describeArg(spec)}; got ${shown(value)}${detail}`,
      );
    }
  }
}
