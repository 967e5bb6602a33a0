/** Parsers of the CLI's option values: each throws commander's InvalidArgumentError with the accepted forms. */
import { InvalidArgumentError } from "commander";
import { parseDuration } from "../contract/duration.js";

/**
 * A whole number from `min` to `max`, of `unit` when given.
 *
 * @example
 * .option("--days <n>", "window", wholeNumber(1, 3650, "days"), 7)
 */
export const wholeNumber =
  (min: number, max: number, unit?: string) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`must be a whole number${unit ? ` of ${unit}` : ""}, ${min}–${max}`);
    return n;
  };

/** A date or instant, as ISO 8601 in UTC. */
export function isoDate(value: string): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new InvalidArgumentError("must be a date, e.g. 2026-11-24 or 2026-11-24T10:00:00Z");
  return d.toISOString();
}

/** `--since`: a duration back from now (`90m`, `7d`, `2w`) or a date (`2026-11-01`, ISO 8601). */
export function since(value: string, now: number = Date.now()): Date {
  const seconds = parseDuration(value);
  if (seconds !== undefined) return new Date(now - seconds * 1000);
  const at = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && Number.isFinite(at)) return new Date(at);
  throw new InvalidArgumentError("must be a duration back from now (90m, 7d, 2w) or a date (2026-11-01)");
}
