/**
 * Arithmetic on per-reason drop counts ({@link DropCounts}), shared by the journal's line format, the
 * journal, the pending store and the heartbeat. Pure functions; a count object never holds a zero.
 */

import { DROP_REASONS, type DropReason, DropReasons } from "../../contract/enums.js";
import type { DropCounts } from "../types.js";

const KNOWN = new Set<string>(DROP_REASONS);

/**
 * A reason read from a journal line. Lines written before drops had reasons were all bound drops, and a
 * reason this version does not know must still count, so both read as `overflow`.
 *
 * @example
 * ```ts
 * toDropReason("memory_cap"); // "memory_cap"
 * toDropReason(undefined);    // "overflow"
 * ```
 */
export function toDropReason(value: unknown): DropReason {
  return typeof value === "string" && KNOWN.has(value) ? (value as DropReason) : DropReasons.overflow;
}

/**
 * `a` plus `b`, as a new object.
 *
 * @example
 * ```ts
 * addDrops({ overflow: 2 }, { overflow: 1, malformed: 1 }); // { overflow: 3, malformed: 1 }
 * ```
 */
export function addDrops(a: DropCounts, b: DropCounts): DropCounts {
  const out: DropCounts = { ...a };
  for (const reason of DROP_REASONS) {
    const n = b[reason] ?? 0;
    if (n > 0) out[reason] = (out[reason] ?? 0) + n;
  }
  return out;
}

/**
 * `a` minus `b` per reason, never below zero, as a new object.
 *
 * @example
 * ```ts
 * subtractDrops({ overflow: 3, expired: 1 }, { overflow: 1, expired: 5 }); // { overflow: 2 }
 * ```
 */
export function subtractDrops(a: DropCounts, b: DropCounts): DropCounts {
  const out: DropCounts = {};
  for (const reason of DROP_REASONS) {
    const n = (a[reason] ?? 0) - (b[reason] ?? 0);
    if (n > 0) out[reason] = n;
  }
  return out;
}

/**
 * Takes `n` from `a` without saying from which reasons (a `reported` line written before reasons existed),
 * in the order of {@link DROP_REASONS}.
 *
 * @example
 * ```ts
 * subtractTotal({ overflow: 1, expired: 2 }, 2); // { expired: 1 }
 * ```
 */
export function subtractTotal(a: DropCounts, n: number): DropCounts {
  const out: DropCounts = {};
  let left = n;
  for (const reason of DROP_REASONS) {
    const have = a[reason] ?? 0;
    const take = Math.min(have, left);
    left -= take;
    if (have - take > 0) out[reason] = have - take;
  }
  return out;
}

/**
 * All drops, whatever their reason.
 *
 * @example
 * ```ts
 * totalDrops({ overflow: 2, malformed: 1 }); // 3
 * ```
 */
export function totalDrops(counts: DropCounts): number {
  let n = 0;
  for (const reason of DROP_REASONS) n += counts[reason] ?? 0;
  return n;
}
