/**
 * The product's one way to print a duration, used by the CLI, the shells and the dashboard alike:
 * `850 ms`, `12.3 s`, `2 min 59 s`, `3 h 05 min`, `2 d 4 h`.
 *
 * Each form shows a value rounded to its own step (1 ms, 0.1 s, 1 s, 1 min, 1 h), and the form is chosen
 * after rounding, so a value never shows a component that has reached its base: 179 999 ms is
 * `3 min 00 s`, never `2 min 60 s`; 59 960 ms is `1 min 00 s`, never `60.0 s`. The printed value never
 * decreases as the duration grows.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The placeholder for a duration that is not known (null, undefined, NaN, ±Infinity). */
export const NO_DURATION = "—";

const pad2 = (n: number) => String(n).padStart(2, "0");

/** `ms` rounded to the nearest multiple of `step` (halves up), in whole steps. */
const steps = (ms: number, step: number) => Math.round(ms / step);

/**
 * A duration given in milliseconds, for people. Negative durations (clock skew) print as `0 ms`.
 *
 * @example
 * formatDuration(850);        // "850 ms"
 * formatDuration(12_345);     // "12.3 s"
 * formatDuration(179_999);    // "3 min 00 s"
 * formatDuration(11_100_000); // "3 h 05 min"
 * formatDuration(187_200_000); // "2 d 4 h"
 * formatDuration(null);       // "—"
 */
export function formatDuration(ms: number | null | undefined, missing: string = NO_DURATION): string {
  if (ms == null || !Number.isFinite(ms)) return missing;
  const v = Math.max(0, ms);
  const millis = steps(v, 1);
  if (millis < SECOND) return `${millis} ms`;
  const tenths = steps(v, SECOND / 10);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const seconds = steps(v, SECOND);
  if (seconds < HOUR / SECOND) return `${Math.floor(seconds / 60)} min ${pad2(seconds % 60)} s`;
  const minutes = steps(v, MINUTE);
  if (minutes < DAY / MINUTE) return `${Math.floor(minutes / 60)} h ${pad2(minutes % 60)} min`;
  const hours = steps(v, HOUR);
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/**
 * The same, for a duration in seconds (what the API's `durationSeconds` and analytics carry).
 *
 * @example
 * formatSeconds(179.999); // "3 min 00 s"
 */
export function formatSeconds(seconds: number | null | undefined, missing: string = NO_DURATION): string {
  return formatDuration(seconds == null ? seconds : seconds * SECOND, missing);
}

const UNITS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?$/;

/**
 * A duration in seconds from a number (seconds) or text such as `'90s'`, `'15m'`, `'2h'`, `'7d'`, `'2w'`;
 * `undefined` when it is neither.
 *
 * @example
 * parseDuration("90d"); // 7776000
 * parseDuration(3600);  // 3600
 * parseDuration("2x");  // undefined
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const m = DURATION.exec(value.trim().toLowerCase());
  if (!m) return undefined;
  const seconds = Math.round(Number(m[1]) * UNITS[(m[2] ?? "s") as keyof typeof UNITS]);
  return seconds > 0 ? seconds : undefined;
}

/** Seconds in the largest unit that divides them: 60 → `1m`, 2592000 → `30d`, 90 → `90s`. */
export function durationText(seconds: number): string {
  for (const [unit, size] of [
    ["w", UNITS.w],
    ["d", UNITS.d],
    ["h", UNITS.h],
    ["m", UNITS.m],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
