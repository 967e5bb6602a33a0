/**
 * `session-buddy export --signed --session ID [-o FILE]` and `session-buddy verify FILE [--key JWKS]` /
 * `session-buddy verify --all [--since DATE] [--key JWKS]`: one session's signed bundle, checked offline,
 * and the whole store checked against its signed checkpoints through the service (README, "Trust").
 */
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { type Command, Option } from "commander";
import type { JSONWebKeySet } from "jose";
import pc from "picocolors";
import type { SettingKey, Settings } from "../config/settings.js";
import { Scopes, SESSION_STATUSES } from "../contract/enums.js";
import { shortId } from "../contract/short-id.js";
import {
  type Bundle,
  describeProblem,
  type TrailCheckpoint,
  type TrailLine,
  TrailVerifier,
  type VerifyReport,
  verifyBundle,
} from "../contract/verify.js";
import { resolveToken } from "./auth.js";
import { EXPORT_FORMATS, type ExportFormat, exportRecords } from "./export.js";
import { get, routeUrl, writeOut } from "./http-get.js";
import { since } from "./options.js";
import { findSession, SESSION_REF_FORMS, sessionRefText } from "./session-ref.js";

interface ExportCommandOptions {
  session?: string;
  signed?: boolean;
  format?: ExportFormat;
  component?: string;
  actor?: string;
  status?: string;
  since?: Date;
  limit?: number;
  output?: string;
}

export interface TrailCommandHelpers {
  config(flags?: Partial<Record<SettingKey, unknown>>): Settings;
  out(text: string): void;
  /** An error the user can act on: printed as one line, exit 1. */
  fail(message: string): Error;
  /** An end with this exit code and nothing more to print. */
  exit(code: number): Error;
}

const err = (text: string) => process.stderr.write(`${text}\n`);
const count = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

function readJson(path: string, what: string, helpers: TrailCommandHelpers): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw helpers.fail(
      `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw helpers.fail(`${what} ${path} is not JSON: ${(e as Error).message}`);
  }
}

/** `--witness`: saved GET /checkpoints pages — one JSON page, an array of checkpoints, or pages one per line. */
function readWitness(path: string, helpers: TrailCommandHelpers): TrailCheckpoint[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw helpers.fail(
      `cannot read the witness copy ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  const pages: unknown[] = [];
  try {
    pages.push(JSON.parse(text));
  } catch {
    try {
      for (const line of text.split("\n")) if (line.trim()) pages.push(JSON.parse(line));
    } catch (e) {
      throw helpers.fail(
        `the witness copy ${path} is not JSON (GET /checkpoints pages): ${(e as Error).message}`,
      );
    }
  }
  const checkpoints = pages.flatMap((p) =>
    Array.isArray(p) ? p : ((p as { checkpoints?: unknown[] } | null)?.checkpoints ?? []),
  ) as TrailCheckpoint[];
  if (
    checkpoints.length === 0 ||
    !checkpoints.every((c) => typeof c?.seq === "number" && typeof c?.jws === "string")
  )
    throw helpers.fail(
      `the witness copy ${path} holds no checkpoints (expected what GET /checkpoints answers)`,
    );
  return checkpoints;
}

/** `--key`: a JWKS file, or the URL of one (a service's /.well-known/jwks.json). */
async function loadKeys(ref: string, helpers: TrailCommandHelpers): Promise<JSONWebKeySet> {
  const jwks = /^https?:\/\//.test(ref)
    ? await (await get(ref, undefined, helpers.fail)).json().catch(() => null)
    : readJson(ref, "key set", helpers);
  const keys = (jwks as JSONWebKeySet | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0)
    throw helpers.fail(
      `${ref} is not a JSON Web Key Set (expected {"keys": [...]}, as /.well-known/jwks.json serves)`,
    );
  return jwks as JSONWebKeySet;
}

function report(r: VerifyReport, what: string, helpers: TrailCommandHelpers, format: "text" | "json") {
  if (format === "json") {
    helpers.out(
      JSON.stringify(
        {
          intact: r.problems.length === 0,
          ...r,
          problems: r.problems.map((p) => ({ ...p, line: describeProblem(p) })),
        },
        null,
        2,
      ),
    );
  } else {
    for (const p of r.problems) helpers.out(describeProblem(p));
    for (const n of r.notes) err(pc.dim(`note: ${n}`));
    const c = r.counts;
    const read = `${count(c.checkpoints, "checkpoint")}, ${count(c.sessions, "session")}, ${count(c.events, "event")}${c.purged > 0 ? `, ${count(c.purged, "purged session")} accounted for by tombstones` : ""}`;
    err(
      r.problems.length === 0
        ? pc.green(`intact: ${what} (${read})`)
        : pc.red(`${count(r.problems.length, "problem")} in ${what} (${read})`),
    );
  }
  if (r.problems.length > 0) throw helpers.exit(1);
}

/**
 * Adds `export` (a session's signed bundle) and `verify` (a bundle offline, or the whole store).
 *
 * @example
 * registerTrailCommands(program, { config, out, fail: (m) => new UserError(m), exit: (c) => new ExitCode(c) });
 */
export function registerTrailCommands(program: Command, helpers: TrailCommandHelpers) {
  program
    .command("export")
    .description(
      "write one session's signed bundle (--signed), its replay (--format asciicast) or its events, or every session a filter matches (--format ndjson|csv|json)",
    )
    .option("--session <id>", `the session: ${SESSION_REF_FORMS}`)
    .option("--signed", "a signed bundle (what `verify FILE` checks offline)")
    .addOption(
      new Option(
        "--format <format>",
        "asciicast: one session as an asciicast v2 recording (asciinema play); ndjson, csv, json: one session's events, or without --session every session the filter matches",
      ).choices(EXPORT_FORMATS),
    )
    .option("--component <name>", "without --session: only this component's sessions")
    .option("--actor <subject>", "without --session: only sessions of this token subject")
    .addOption(
      new Option("--status <status>", "without --session: only sessions in this status").choices(
        SESSION_STATUSES,
      ),
    )
    .option("--since <when>", "without --session: started at or after this (7d, 2026-11-01)", (v) => since(v))
    .option("--limit <n>", "without --session: at most this many sessions", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw helpers.fail("--limit must be a whole number above 0");
      return n;
    })
    .option("-o, --output <file>", "write to this file (mode 0600: it holds command text) instead of stdout")
    .action(async (opts: ExportCommandOptions) => {
      if (opts.signed && opts.format)
        throw helpers.fail(`--signed and --format ${opts.format} are two exports: give one`);
      if (opts.format) {
        const filtered = opts.component || opts.actor || opts.status || opts.since || opts.limit;
        if (opts.session && filtered)
          throw helpers.fail(
            "--component, --actor, --status, --since and --limit select sessions: not with --session",
          );
        return exportRecords(helpers.config(), { ...opts, format: opts.format }, helpers.fail);
      }
      if (!opts.session)
        throw helpers.fail("give --session REF --signed, or --format ndjson|csv|json for sessions");
      if (!opts.signed)
        throw helpers.fail(
          "export --session writes a signed bundle: add --signed (or --format asciicast|ndjson|csv|json for its replay or events)",
        );
      const typed = sessionRefText(opts.session);
      if (!typed) throw helpers.fail(`--session must be ${SESSION_REF_FORMS}`);
      const settings = helpers.config();
      const token = await resolveToken(settings, [Scopes.READ, Scopes.AUDIT]);
      const found = await findSession({ url: settings.url, token }, typed);
      if (found.kind === "none") throw helpers.fail(`no session matches ${typed}`);
      if (found.kind === "many")
        throw helpers.fail(`${typed} matches ${found.total} sessions: give more digits or the full id`);
      const response = await get(routeUrl(settings, `/trail/sessions/${found.id}`), token, helpers.fail);
      const text = await response.text();
      const bundle = JSON.parse(text) as Bundle;
      writeOut(opts.output, `${text}\n`);
      const unsigned =
        (bundle.session.checkpoint === null ? 1 : 0) +
        bundle.events.filter((e) => e.checkpoint === null).length;
      err(
        pc.dim(
          `session ${shortId(found.id)}: ${count(bundle.events.length, "event")}, ${count(bundle.proofs.length, "inclusion proof")}, ${count(bundle.checkpoints.length, "checkpoint")}${unsigned ? `; ${unsigned} records not signed yet (export again after the next checkpoint to cover them)` : ""}${opts.output ? ` → ${opts.output}` : ""}`,
        ),
      );
    });

  program
    .command("verify")
    .description(
      "check a signed bundle offline, or (--all) everything the service stores against its signed checkpoints; exit 1 with one line per problem",
    )
    .argument("[file]", "a bundle written by `export --signed`")
    .option("--all", "verify the whole store through the service (needs audit:read)")
    .option(
      "--since <when>",
      "with --all: from the first checkpoint signed at or after this (7d, 2026-11-01)",
      (v) => since(v),
    )
    .option(
      "--key <jwks>",
      "the service's public keys: a JWKS file or URL (a copy of /.well-known/jwks.json kept elsewhere)",
    )
    .option(
      "--witness <file>",
      "with --all: a copy of GET /checkpoints saved earlier (a page as JSON, or pages one per line); each checkpoint in it must still be stored as it was",
    )
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(
      async (
        file: string | undefined,
        opts: { all?: boolean; since?: Date; key?: string; witness?: string; format: "text" | "json" },
      ) => {
        if (!file === !opts.all)
          throw helpers.fail("give a bundle FILE, or --all to verify the whole store (not both)");
        if (opts.since && !opts.all) throw helpers.fail("--since goes with --all");
        if (opts.witness && !opts.all) throw helpers.fail("--witness goes with --all");
        const keys = opts.key ? await loadKeys(opts.key, helpers) : undefined;
        if (file) {
          const r = await verifyBundle(readJson(file, "bundle", helpers), keys);
          return report(r, `bundle ${file}`, helpers, opts.format);
        }
        const settings = helpers.config();
        const token = await resolveToken(settings, [Scopes.AUDIT]);
        const jwks = keys ?? (await loadKeys(routeUrl(settings, "/.well-known/jwks.json"), helpers));
        const query = opts.since ? `?since=${encodeURIComponent(opts.since.toISOString())}` : "";
        const response = await get(routeUrl(settings, `/trail.ndjson${query}`), token, helpers.fail);
        const verifier = new TrailVerifier(jwks, { partial: !!opts.since });
        if (opts.witness)
          await verifier.witness(readWitness(opts.witness, helpers), `the witness copy ${opts.witness}`);
        const progress = process.stderr.isTTY && opts.format === "text";
        let lines = 0;
        let shown = Date.now();
        const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
        try {
          for await (const text of createInterface({ input: body, crlfDelay: Number.POSITIVE_INFINITY })) {
            if (!text) continue;
            await verifier.line(JSON.parse(text) as TrailLine);
            lines++;
            if (progress && Date.now() - shown > 500) {
              shown = Date.now();
              process.stderr.write(`\r${pc.dim(`verifying… ${lines.toLocaleString("en")} records read`)}`);
            }
          }
        } catch (e) {
          // A cut connection: what was read is checked and the report says the stream ended early.
          err(pc.yellow(`the trail's stream broke off: ${(e as Error).message}`));
        }
        if (progress) process.stderr.write("\r\x1b[K");
        const r = await verifier.finish();
        if (!keys)
          r.notes.push(
            "checked against the keys the service serves now: pass --key with a copy of /.well-known/jwks.json kept elsewhere to check them independently",
          );
        return report(
          r,
          opts.since ? `the trail since ${opts.since.toISOString()}` : "the whole trail",
          helpers,
          opts.format,
        );
      },
    );
}
