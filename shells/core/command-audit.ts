/** The command audit's pure parts: what is recorded of a command, and how an error is described. */
import { inspect, types } from "node:util";
import vm from "node:vm";
import { MAX_COMMAND_TEXT_BYTES } from "./definition.js";
import { redact } from "./redact.js";

/** Whether `code` is a complete program as the REPL would run it (plain, object literal, or top-level await). */
export function compiles(code: string): boolean {
  const attempts = [code];
  if (/^\s*\{/.test(code)) attempts.push(`(${code.trim()})`);
  if (code.includes("await")) attempts.push(`(async () => {\n${code}\n})`);
  return attempts.some((source) => {
    try {
      new vm.Script(source, { filename: "admin-shell-syntax-check" });
      return true;
    } catch {
      return false;
    }
  });
}

/** The recorded text of a command: redacted, without the REPL's trailing newline, cut to the service's limit. */
export function commandText(code: string): { text: string; redactions: number; truncatedFrom?: number } {
  const { text, redactions } = redact(code.replace(/\n$/, ""));
  const bytes = Buffer.byteLength(text);
  if (bytes <= MAX_COMMAND_TEXT_BYTES) return { text, redactions };
  const marker = ` …[truncated ${bytes} bytes]`;
  let cut = Buffer.from(text)
    .subarray(0, MAX_COMMAND_TEXT_BYTES - Buffer.byteLength(marker))
    .toString("utf8");
  cut = cut.replace(/\uFFFD$/, ""); // a multi-byte character cut in half
  return { text: `${cut}${marker}`, redactions, truncatedFrom: bytes };
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** Errors thrown by typed code come from the REPL's own realm, so `instanceof Error` is not enough. */
export function errorLike(err: unknown): err is { name?: unknown; message: string; code?: unknown } {
  return (
    types.isNativeError(err) ||
    (typeof err === "object" && err !== null && typeof (err as { message?: unknown }).message === "string")
  );
}

export function messageOf(err: unknown): string {
  return errorLike(err) ? err.message : String(err);
}

/** The class of an error for the audit; a bare `Error` with a stable code says more by its code. */
export function errorClassOf(err: unknown): string {
  if (!errorLike(err)) return typeof err;
  const name = typeof err.name === "string" && err.name !== "" ? err.name : "Error";
  return name === "Error" && typeof err.code === "string" ? err.code : name;
}

/** `TypeError: x is not a function`, `Error [CODE]: message` — one line for the usual case. */
export function describeError(err: unknown): string {
  if (!errorLike(err)) return `Error: ${typeof err === "string" ? err : inspect(err, { depth: 2 })}`;
  const name = typeof err.name === "string" && err.name !== "" ? err.name : "Error";
  const code = typeof err.code === "string" && !name.includes(err.code) ? ` [${err.code}]` : "";
  return `${name}${code}: ${err.message}`;
}
