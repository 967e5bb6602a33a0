import Table from "cli-table3";
import pc from "picocolors";
import { csvCell } from "../../contract/csv.js";

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

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null) return "";
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${Math.round(seconds % 60)}s`;
  const h = Math.floor(m / 60);
  return `${h}h${m % 60}m`;
}

export function statusColour(status: string): string {
  if (status === "ACTIVE") return pc.green(status);
  if (status === "ABANDONED") return pc.yellow(status);
  return status;
}

export function shortTime(iso: string | null | undefined): string {
  if (!iso) return "";
  return iso.replace("T", " ").replace(/\.\d+Z$/, "Z");
}
