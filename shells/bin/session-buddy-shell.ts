import { launchShell } from "../core/launch.js";
import { SessionBuddyShell } from "../session-buddy/shell.js";

/** `session-buddy shell`: Session-Buddy's own tracked admin shell. */
export function runSessionBuddyShell(): Promise<void> {
  return launchShell("session-buddy", (runtime, options) => new SessionBuddyShell(runtime, options));
}
