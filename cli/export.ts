/**
 * `session-buddy export --format asciicast|ndjson|csv|json`: one session (`--session`: its events, or its
 * replay as an asciicast v2 recording) or every session a filter matches (streamed from the service's
 * `/export/sessions.ndjson|csv` routes, with a progress line on a terminal). `--signed` bundles are
 * cli/trail.ts's.
 */
import { createWriteStream, renameSync } from "node:fs";
import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import pc from "picocolors";
import type { Settings } from "../config/settings.js";
import { csvCell } from "../contract/csv.js";
import { Scopes } from "../contract/enums.js";
import { asciicast, replayFrames } from "../contract/replay.js";
import { shortId } from "../contract/short-id.js";
import { resolveToken } from "./auth.js";
import { get, routeUrl, writeOut } from "./http-get.js";
import { loadReplay } from "./play.js";

export const EXPORT_FORMATS = ["asciicast", "ndjson", "csv", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format: ExportFormat;
  session?: string | undefined;
  component?: string | undefined;
  actor?: string | undefined;
  status?: string | undefined;
  since?: Date | undefined;
  limit?: number | undefined;
  output?: string | undefined;
}

const err = (text: string) => process.stderr.write(`${text}\n`);
const count = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

const EVENT_COLUMNS = [
  "seq",
  "at",
  "kind",
  "text",
  "outcome",
  "durationMs",
  "errorClass",
  "redactions",
] as const;

/** One session: its replay (asciicast) or its events (ndjson: the session line first, each line saying its `record`; csv; json). */
async function exportSession(settings: Settings, o: ExportOptions, fail: (m: string) => Error) {
  const { session, events } = await loadReplay(settings, o.session as string, fail);
  let text: string;
  if (o.format === "asciicast")
    text = asciicast(session, replayFrames(session, events, pc.createColors(true)));
  else if (o.format === "json") text = `${JSON.stringify({ session, events }, null, 2)}\n`;
  else if (o.format === "ndjson")
    text = [{ record: "session", ...session }, ...events.map((e) => ({ record: "event", ...e }))]
      .map((l) => `${JSON.stringify(l)}\n`)
      .join("");
  else
    text = [
      EVENT_COLUMNS.join(","),
      ...events.map((e) =>
        EVENT_COLUMNS.map((c) => {
          const v = (e as unknown as Record<string, string | number | boolean | null | undefined>)[c];
          return csvCell(v, c === "text" || c === "errorClass" || c === "kind");
        }).join(","),
      ),
    ]
      .map((l) => `${l}\r\n`)
      .join("");
  writeOut(o.output, text);
  err(
    pc.dim(
      `session ${shortId(session.id)}: ${count(events.length, "event")} as ${o.format}${o.output ? ` → ${o.output}` : ""}`,
    ),
  );
}

/** Counts lines as they pass, and shows the count on a terminal (at most every 250 ms). */
function progress(what: string, skipHeader: boolean) {
  let lines = 0;
  let shownAt = 0;
  const tty = process.stderr.isTTY;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      for (const b of chunk) if (b === 10) lines++;
      if (tty && Date.now() - shownAt > 250) {
        shownAt = Date.now();
        process.stderr.write(`\r${pc.dim(`exported ${Math.max(0, lines - (skipHeader ? 1 : 0))} ${what}…`)}`);
      }
      done(null, chunk);
    },
  });
  return { stream, rows: () => Math.max(0, lines - (skipHeader ? 1 : 0)), tty };
}

/** Stdout as the end of a pipeline, with backpressure, left open when the pipeline ends. */
const stdoutSink = () =>
  new Writable({
    write(chunk: Buffer, _enc, done) {
      if (process.stdout.write(chunk)) done();
      else process.stdout.once("drain", () => done());
    },
  });

/** NDJSON lines as one JSON array, streamed. */
function ndjsonToArray() {
  let first = true;
  let rest = "";
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const text = rest + chunk.toString("utf8");
      const lines = text.split("\n");
      rest = lines.pop() ?? "";
      let out = "";
      for (const l of lines) {
        if (!l.trim()) continue;
        out += `${first ? "[\n" : ",\n"}${l}`;
        first = false;
      }
      done(null, out);
    },
    flush(done) {
      let out = "";
      if (rest.trim()) {
        out += `${first ? "[\n" : ",\n"}${rest}`;
        first = false;
      }
      done(null, `${out}${first ? "[]\n" : "\n]\n"}`);
    },
  });
}

/** Every session the filter matches, oldest first, streamed from the service. */
async function exportSessions(settings: Settings, o: ExportOptions, fail: (m: string) => Error) {
  if (o.format === "asciicast") throw fail("--format asciicast records one session: give --session");
  const token = await resolveToken(settings, [Scopes.READ]);
  const query = new URLSearchParams();
  if (o.component) query.set("component", o.component);
  if (o.actor) query.set("actor", o.actor);
  if (o.status) query.set("status", o.status);
  if (o.since) query.set("startedAfter", o.since.toISOString());
  if (o.limit) query.set("limit", String(o.limit));
  const route = o.format === "csv" ? "csv" : "ndjson";
  const response = await get(routeUrl(settings, `/export/sessions.${route}?${query}`), token, fail);
  const counted = progress("sessions", o.format === "csv");
  const partial = o.output ? `${o.output}.partial` : undefined;
  const sink: Writable = partial ? createWriteStream(partial, { mode: 0o600 }) : stdoutSink();
  const body = Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
  if (o.format === "json") await pipeline(body, counted.stream, ndjsonToArray(), sink);
  else await pipeline(body, counted.stream, sink);
  if (partial && o.output) renameSync(partial, o.output);
  if (counted.tty) process.stderr.write("\r\x1b[2K");
  err(
    pc.dim(`exported ${count(counted.rows(), "session")} as ${o.format}${o.output ? ` → ${o.output}` : ""}`),
  );
}

export function exportRecords(settings: Settings, o: ExportOptions, fail: (m: string) => Error) {
  return o.session ? exportSession(settings, o, fail) : exportSessions(settings, o, fail);
}
