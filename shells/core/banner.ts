/** What a shell shows of itself: the tracking line and the banner printed above the first prompt. */
import type { TrackingState } from "../../client/types.js";
import type { Colors } from "./helpers.js";

/**
 * The tracking line, e.g. `✓ Enabled`, or for a journal that cannot be written
 * `⚠ Journal failing: disk full (ENOSPC) — 3 record(s) dropped, 1000 held in memory only`.
 *
 * @example
 * trackingLine(colors, { state: "enabled" }); // "✓ Enabled"
 */
export function trackingLine(c: Colors, state: TrackingState): string {
  switch (state.state) {
    case "enabled":
      return c.green("✓ Enabled");
    case "buffering":
      return c.yellow("◌ Buffering — service unreachable, events will be replayed");
    case "degraded":
      return c.yellow(`⚠ ${state.reason.charAt(0).toUpperCase()}${state.reason.slice(1)}`);
    case "disabled":
      return c.red(`✗ Disabled: ${state.reason}`);
  }
}

export interface BannerFacts {
  displayName: string;
  componentType: string;
  version: string;
  adapters: readonly string[];
  /** The tracking line and the details shown after it (capture mode, session id, …). */
  tracking: string;
  details: readonly string[];
  helperLines: readonly string[];
}

/** The banner: who this is, its version and adapters, the real tracking state and the helpers. */
export function renderBanner(c: Colors, f: BannerFacts): string {
  const label = (text: string) => c.dim(text.padEnd(10));
  return [
    `${c.bold(`${f.displayName} admin shell`)} ${c.dim("—")} ${f.componentType} ${c.dim(`v${f.version}`)}`,
    `  ${label("Adapters")}${f.adapters.length > 0 ? f.adapters.join(", ") : c.dim("none")}`,
    `  ${label("Tracking")}${f.tracking}${f.details.length > 0 ? c.dim(`  (${f.details.join(", ")})`) : ""}`,
    `  ${label("Helpers")}`,
    ...f.helperLines,
    c.dim("  Tab completes names · help() describes helpers · .exit or Ctrl-D leaves"),
  ].join("\n");
}
