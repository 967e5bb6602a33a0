/** Small terminal charts: enough to see a shape at a glance in a REPL. */

const TICKS = "▁▂▃▄▅▆▇█";

/** One character per value, scaled between the series' min and max. */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return "";
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min;
  return values
    .map((v) =>
      span === 0 ? TICKS[v === 0 ? 0 : 3] : TICKS[Math.round(((v - min) / span) * (TICKS.length - 1))],
    )
    .join("");
}

/** Horizontal bars, labels padded, each bar scaled to `width` at the largest value. */
export function bars(rows: readonly { label: string; value: number }[], width = 40): string {
  if (rows.length === 0) return "";
  const max = Math.max(...rows.map((r) => Math.abs(r.value)), Number.EPSILON);
  const pad = Math.max(...rows.map((r) => r.label.length));
  return rows
    .map((r) => {
      const n = Math.round((Math.abs(r.value) / max) * width);
      return `${r.label.padEnd(pad)} ${"█".repeat(n)}${n === 0 && r.value !== 0 ? "▏" : ""} ${formatNumber(r.value)}`;
    })
    .join("\n");
}

export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3);
}
