import { inspect } from "node:util";
import Table from "cli-table3";

export interface TableOptions {
  /** Columns in order; default: every key of the rows, in order of first appearance. */
  columns?: readonly string[];
  /** Colour the header and borders. */
  color?: boolean;
  /** Printed when there are no rows. Default `(no rows)`. */
  empty?: string;
  /** Columns whose text is wrapped onto more lines instead of cut at 60 characters (a reason, a message). */
  wrap?: readonly string[];
}

const MAX_CELL = 60;

function cell(value: unknown, whole = false): string {
  if (value === null || value === undefined) return "";
  if (whole && typeof value === "string") return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString();
  if (typeof value === "string") return value.length > MAX_CELL ? `${value.slice(0, MAX_CELL - 1)}…` : value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean")
    return String(value);
  const text = inspect(value, { breakLength: Number.POSITIVE_INFINITY, depth: 1, colors: false });
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

/** Renders rows of objects as a text table. */
export function formatTable(rows: readonly object[], options: TableOptions = {}): string {
  if (rows.length === 0) return options.empty ?? "(no rows)";
  const columns = options.columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const wrap = new Set(options.wrap ?? []);
  const table = new Table({
    head: [...columns],
    style: options.color ? { head: ["cyan"], border: ["grey"] } : { head: [], border: [] },
    ...(wrap.size > 0
      ? {
          wordWrap: true,
          wrapOnWordBoundary: true,
          colWidths: columns.map((c) => (wrap.has(c) ? MAX_CELL + 2 : null)),
        }
      : {}),
  });
  for (const row of rows) {
    const record = row as Record<string, unknown>;
    table.push(columns.map((column) => cell(record[column], wrap.has(column))));
  }
  return table.toString();
}

/**
 * Returns `rows` itself, made to print as a table wherever it is inspected (the REPL's echo of a result,
 * `console.log`), so a helper can return its data *and* have it shown readably, without printing twice.
 *
 * @example
 * const rows = asTable([{ id: 1, status: "ok" }]);
 * rows[0].id;          // still plain data
 * util.inspect(rows);  // ┌────┬────────┐ …
 */
export function asTable<T extends object>(rows: T[], options: TableOptions = {}): T[] {
  Object.defineProperty(rows, inspect.custom, {
    value: (_depth: number, inspectOptions: { colors?: boolean }) =>
      formatTable(rows, { color: inspectOptions.colors ?? false, ...options }),
    enumerable: false,
    configurable: true,
  });
  return rows;
}
