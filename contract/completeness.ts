/**
 * Words for a session's completeness details, shared by the CLI, the shells and the dashboard (no Node
 * APIs: the dashboard bundles it).
 */

/** Where `Session.brokenSeq` says a chain failed when it was the end. */
export const BROKEN_AT_END = -1;

/** Where a chain broke, in words: "the start", "the end", "seq 4"; "" when it did not. */
export function breakPlace(brokenSeq: number | null | undefined): string {
  if (brokenSeq === null || brokenSeq === undefined) return "";
  if (brokenSeq === 0) return "the start";
  if (brokenSeq === BROKEN_AT_END) return "the end";
  return `seq ${brokenSeq}`;
}

/** Missing seq ranges as text: "2–3, 6". */
export function seqRangesText(ranges: readonly { from: number; to: number }[] | null | undefined): string {
  return (ranges ?? []).map((r) => (r.from === r.to ? `${r.from}` : `${r.from}–${r.to}`)).join(", ");
}
