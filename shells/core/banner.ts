/** What a shell shows of itself: the tracking line and the banner printed above the first prompt. */
import { ClientRefusals } from "../../client/tracking.js";
import type { TrackingState } from "../../client/types.js";
import type { Colors } from "./helpers.js";

/**
 * The tracking line, one per state: `✓ Enabled`; `◌ Connecting — waiting for the service's first answer`;
 * `◌ Buffering — service unreachable, events will be replayed`; `✗ Refused — token expired; events are kept
 * in the journal until a valid token is configured`; `✗ Blocked (STRICT) — service unreachable; commands
 * are refused until the service acknowledges them`; for a journal that cannot be written
 * `⚠ Journal failing: disk full (ENOSPC) — 3 record(s) dropped, 1000 held in memory only`; `✗ Disabled: …`.
 *
 * @example
 * trackingLine(colors, { state: "enabled" }); // "✓ Enabled"
 */
export function trackingLine(c: Colors, state: TrackingState): string {
  switch (state.state) {
    case "enabled":
      return c.green("✓ Enabled");
    case "connecting":
      return c.yellow("◌ Connecting — waiting for the service's first answer");
    case "buffering":
      return c.yellow("◌ Buffering — service unreachable, events will be replayed");
    case "refused":
      return c.red(
        `✗ ${state.code === ClientRefusals.NO_TOKEN ? "Not sending" : "Refused"} — ${state.reason}`,
      );
    case "strict-blocked":
      return c.red(`✗ Blocked (STRICT) — ${state.reason}`);
    case "degraded":
      return c.yellow(`⚠ ${state.reason.charAt(0).toUpperCase()}${state.reason.slice(1)}`);
    case "disabled":
      return c.red(`✗ Disabled: ${state.reason}`);
    default:
      return c.dim(`? ${(state as { state: string }).state}`);
  }
}

/**
 * The tracking state as `status()` shows it: the state with its reason, and since when it holds (ISO 8601,
 * `null` when the client does not say).
 *
 * @example
 * trackingStatus({ state: "enabled" }, "2026-01-01T00:00:00.000Z"); // { state: "enabled", since: "2026-…" }
 */
export function trackingStatus(
  state: TrackingState,
  since: string | undefined,
): TrackingState & { since: string | null } {
  return { ...state, since: since ?? null };
}

export interface BannerFacts {
  displayName: string;
  componentType: string;
  version: string;
  adapters: readonly string[];
  /** The tracking line and the details shown after it (capture mode, session id, …). */
  tracking: string;
  /** Why the session was started, when a reason was given. */
  reason?: string;
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
    ...(f.reason ? [`  ${label("Reason")}${f.reason}`] : []),
    `  ${label("Helpers")}`,
    ...f.helperLines,
    c.dim("  Tab completes names · help() describes helpers · .exit or Ctrl-D leaves"),
  ].join("\n");
}
