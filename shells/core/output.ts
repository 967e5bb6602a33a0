import Table from "cli-table3";
import pc from "picocolors";
import { breakPlace, seqRangesText } from "../../contract/completeness.js";
import { csvCell } from "../../contract/csv.js";
import { formatSeconds } from "../../contract/duration.js";
import { Completenesses, SessionStatuses } from "../../contract/enums.js";

export const Formats = ["table", "json", "csv"] as const;
export type Format = (typeof Formats)[number];

/** A readable table for a terminal; columns given as [header, accessor]. */
export function table<T>(rows: readonly T[], columns: [string, (row: T) => unknown][]): string {
  const t = new Table({
    head: columns.map(([h]) => pc.bold(h)),
    style: { head: [], border: [] },
    wordWrap: true,
  });
  for (const row of rows) t.push(columns.map(([, get]) => cell(get(row))));
  return t.toString();
}

function cell(v: unknown): string {
  if (v == null) return pc.dim("—");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** CSV of rows; strings are formula-guarded (see contract/csv.ts), numbers and JSON are not. */
export function csv<T>(rows: readonly T[], columns: [string, (row: T) => unknown][]): string {
  const esc = (v: unknown) =>
    v !== null && typeof v === "object"
      ? csvCell(JSON.stringify(v), false)
      : csvCell(v as string | number | boolean | null | undefined, typeof v === "string");
  return [
    columns.map(([h]) => esc(h)).join(","),
    ...rows.map((r) => columns.map(([, g]) => esc(g(r))).join(",")),
  ].join("\n");
}

/** A duration in seconds, as the whole product prints one (`12.3 s`, `2 min 59 s`); empty when unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  return formatSeconds(seconds, "");
}

export function statusColour(status: string): string {
  if (status === SessionStatuses.ACTIVE) return pc.green(status);
  if (status === SessionStatuses.ABANDONED) return pc.yellow(status);
  return status;
}

/** A completeness value, coloured by how bad it is. */
export function completenessColour(value: string): string {
  const word = value.toLowerCase().replace("_", " ");
  if (value === Completenesses.BROKEN) return pc.red(word);
  if (value === Completenesses.GAPPED || value === Completenesses.TRUNCATED) return pc.yellow(word);
  return word;
}

/** What a session's `completeness` says, in words, with where it failed or what is missing. */
export function describeCompleteness(s: {
  completeness: string;
  chained?: boolean | null;
  brokenSeq?: number | null;
  missingSeqRanges?: readonly { from: number; to: number }[] | null;
}): string {
  const ranges = seqRangesText(s.missingSeqRanges);
  switch (s.completeness) {
    case Completenesses.COMPLETE:
      return `${pc.green("complete")}${s.chained ? " (hash chain matches)" : pc.dim(" (no gaps; not hash-chained)")}`;
    case Completenesses.IN_PROGRESS:
      return "in progress";
    case Completenesses.GAPPED:
      return pc.yellow(`gapped${ranges ? `: missing seq ${ranges}` : ""}`);
    case Completenesses.TRUNCATED:
      return pc.yellow("truncated: abandoned, the end is unknown");
    case Completenesses.BROKEN: {
      const where = breakPlace(s.brokenSeq);
      return pc.red(`BROKEN: the hash chain does not match${where ? ` at ${where}` : ""}`);
    }
    default:
      return s.completeness;
  }
}

export function shortTime(iso: string | null | undefined): string {
  if (!iso) return "";
  return iso.replace("T", " ").replace(/\.\d+Z$/, "Z");
}
