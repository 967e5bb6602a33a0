/**
 * TEST SUPPORT ONLY: a small AdminShell run by admin-shell.test.ts in a pseudo-terminal, recording through
 * the {@link FileRecorder}. Configured by environment variables because it is a separate process:
 *
 * - `DEMO_RECORD_FILE` — where the recorder writes (required unless `DEMO_TRACKING=off`)
 * - `DEMO_DATA_DIR` — data dir for the history file
 * - `DEMO_CAPTURE` — `buffered` (default) or `strict`
 * - `DEMO_TRACKING` — `off` (no client), `buffering` (client reports the service unreachable)
 * - `DEMO_TRACK_COMMANDS` — `false` to stop recording commands
 * - `DEMO_REJECT_START`, `DEMO_REJECT_COMMANDS` — STRICT refusals (a message; a regex source)
 * - `DEMO_GO_OFFLINE_ON` — a regex source: recording a matching command makes the client report buffering
 */
import { setTimeout as delay } from "node:timers/promises";
import { CaptureModes } from "../../client/types.js";
import { AdminShell, type AdminShellOptions } from "../core/admin-shell.js";
import { FileRecorder } from "./file-recorder.js";

const RUNS = [
  { id: "run-1", workflow: "release", status: "ok", durationMs: 812 },
  { id: "run-2", workflow: "nightly", status: "failed", durationMs: 4051 },
  { id: "run-3", workflow: "release", status: "running", durationMs: 120 },
];

export class DemoShell extends AdminShell {
  constructor(options: AdminShellOptions) {
    super({ name: "demo", componentType: "inspector", adapters: ["memory", "clock"] }, options);
    this.helper("greet", "greet(name = 'world')", "Say hello (sync)", (name = "world") => `Hello, ${name}!`);
    this.helper("ps", "ps(limit = 3)", "Workflow runs as a table (async)", async (limit = 3) => {
      await delay(30);
      return this.table(RUNS.slice(0, limit));
    });
    this.helper("boom", "boom()", "Always throws", () => {
      throw new Error("the flux capacitor is offline");
    });
    this.helper("show_info", "show_info()", "Prints a line and returns nothing", () => {
      this.print("demo info: all good");
    });
    this.property("clock", "The current time (a property)", () => new Date(0).toISOString());
  }
}

const env = process.env;
const trackingMode = env.DEMO_TRACKING;
const client =
  trackingMode === "off"
    ? undefined
    : new FileRecorder({
        file: env.DEMO_RECORD_FILE ?? "demo-shell.jsonl",
        captureMode: env.DEMO_CAPTURE === "strict" ? CaptureModes.STRICT : CaptureModes.BUFFERED,
        ...(trackingMode === "buffering" ? { tracking: { state: "buffering", reason: "ECONNREFUSED" } } : {}),
        ...(env.DEMO_REJECT_START ? { rejectStart: env.DEMO_REJECT_START } : {}),
        ...(env.DEMO_REJECT_COMMANDS ? { rejectCommands: new RegExp(env.DEMO_REJECT_COMMANDS) } : {}),
        ...(env.DEMO_GO_OFFLINE_ON ? { goOfflineOn: new RegExp(env.DEMO_GO_OFFLINE_ON) } : {}),
      });

const shell = new DemoShell({
  client,
  ...(trackingMode === "off" ? { trackingDisabledReason: "SESSION_BUDDY_TRACKING=false" } : {}),
  trackCommands: env.DEMO_TRACK_COMMANDS !== "false",
  ...(env.DEMO_DATA_DIR ? { dataDir: env.DEMO_DATA_DIR } : {}),
});
await shell.start();
