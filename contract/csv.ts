/**
 * One RFC 4180 cell, as every CSV the product writes (the export route, `list-sessions --format csv`, the
 * shells' tables) encodes it. A cell that a spreadsheet would run as a formula (OWASP "CSV Injection":
 * it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) is written quoted with a leading `'`,
 * which makes it text; only text from producers is guarded, so a negative number stays a number.
 *
 * @example
 * csvCell("=HYPERLINK(\"x\")", true); // "\"'=HYPERLINK(\"\"x\"\")\""
 * csvCell(-1, false);                  // "-1"
 */
export function csvCell(value: string | number | boolean | null | undefined, guard: boolean): string {
  if (value == null) return "";
  const s = String(value);
  const guarded = guard && FORMULA_START.test(s);
  if (!guarded && !/[",\n\r]/.test(s)) return s;
  return `"${guarded ? "'" : ""}${s.replace(/"/g, '""')}"`;
}

const FORMULA_START = /^[=+\-@\t\r]/;
