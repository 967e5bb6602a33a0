/**
 * A stored session as the terminal showed it, frame by frame: the line that opens it, the prompt, each
 * command as typed and how it finished, the marks of sensitive mode, and the end. `session-buddy play`
 * writes the frames with their pauses; `export --format asciicast` writes them as an asciicast v2 file
 * (https://docs.asciinema.org/manual/asciicast/v2/), which `asciinema play` replays.
 */
import { formatDuration } from "./duration.js";
import { CommandOutcomes, EventKinds } from "./enums.js";
import { shortId } from "./short-id.js";

/** What of a session a replay needs. */
export interface ReplaySession {
  id: string;
  component: string;
  actor: string;
  hostname?: string | null;
  startedAt: string;
  endedAt?: string | null;
  status: string;
  endReason?: string | null;
  exitCode?: number | null;
}

/** What of an event a replay needs. */
export interface ReplayEvent {
  seq: number;
  kind: string;
  at: string;
  text?: string | null;
  textHidden?: boolean | null;
  durationMs?: number | null;
  outcome?: string | null;
  errorClass?: string | null;
}

/** Text written at `at` milliseconds after the session's start; `seq` is the event it comes from. */
export interface ReplayFrame {
  at: number;
  text: string;
  seq?: number;
}

/** The colours a replay uses; pass identity functions for plain text. */
export interface ReplayColors {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const EOL = "\r\n";

/**
 * The frames of a session, in time order (a command's outcome at its completion time). With `fromSeq`,
 * the events before it are skipped (the sensitive mode they left on is kept) and time starts at it.
 */
export function replayFrames(
  session: ReplaySession,
  events: readonly ReplayEvent[],
  c: ReplayColors,
  options: { fromSeq?: number } = {},
): ReplayFrame[] {
  const start = Date.parse(session.startedAt);
  const since = (iso: string) => Math.max(0, Date.parse(iso) - start);
  const prompt = (sensitive: boolean) =>
    sensitive
      ? `${c.red(c.bold(`${session.component}[sensitive]`))}${c.red("!")} `
      : `${c.cyan(session.component)}${c.dim(">")} `;
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  const from = options.fromSeq ?? 0;
  let sensitive = false;
  for (const e of ordered) {
    if (e.seq >= from) break;
    if (e.kind === EventKinds.SENSITIVE_BEGIN) sensitive = true;
    if (e.kind === EventKinds.SENSITIVE_END) sensitive = false;
  }
  const shown = ordered.filter((e) => e.seq >= from);
  const origin = from > 0 && shown[0] ? since(shown[0].at) : 0;
  const frames: ReplayFrame[] = [
    {
      at: 0,
      text: `${c.dim(`── ${session.component} session ${shortId(session.id)} by ${session.actor}${session.hostname ? ` on ${session.hostname}` : ""}, started ${session.startedAt}${from > 0 ? `, from seq ${from}` : ""} ──`)}${EOL}${prompt(sensitive)}`,
    },
  ];
  // An outcome lands at its command's completion, but never after the next event (a REPL finishes a command
  // before the next is typed; clocks and rounding may say otherwise). Times never go back.
  let clock = origin;
  const push = (at: number, text: string, seq?: number) => {
    clock = Math.max(clock, at);
    frames.push({ at: clock - origin, text, ...(seq !== undefined ? { seq } : {}) });
  };
  // A command's outcome waits until it completed: what the shell recorded meanwhile (sensitive(reason) is a
  // command that records its mark) is printed first, as the command's own output, and the prompt after the
  // outcome is the one the shell showed then.
  let outcome: { at: number; text: string; seq: number } | undefined;
  const settle = (before: number) => {
    if (!outcome) return;
    push(Math.min(outcome.at, before), `${outcome.text}${EOL}${prompt(sensitive)}`, outcome.seq);
    outcome = undefined;
  };
  for (const e of shown) {
    const at = since(e.at);
    if (e.kind === EventKinds.SENSITIVE_BEGIN || e.kind === EventKinds.SENSITIVE_END) {
      const during = outcome !== undefined && at <= outcome.at;
      if (!during) settle(at);
      sensitive = e.kind === EventKinds.SENSITIVE_BEGIN;
      const mark = sensitive ? c.red(`⚠ sensitive mode: ${e.text ?? ""}`) : c.green("✓ sensitive mode ended");
      push(at, `${mark}${EOL}${during ? "" : prompt(sensitive)}`, e.seq);
      continue;
    }
    settle(at);
    const typed = e.textHidden ? c.dim("(command text hidden: needs audit:read)") : (e.text ?? "");
    if (e.kind !== EventKinds.COMMAND) {
      push(at, `${c.dim(`[${e.kind}] ${typed}`)}${EOL}${prompt(sensitive)}`, e.seq);
      continue;
    }
    push(at, `${typed}${EOL}`, e.seq);
    const took = e.durationMs == null ? "" : ` ${formatDuration(e.durationMs)}`;
    const text =
      e.outcome === CommandOutcomes.ok
        ? c.dim(`✓${took}`)
        : e.outcome === CommandOutcomes.error
          ? c.red(`✗ ${e.errorClass ?? "error"}${took}`)
          : e.outcome === CommandOutcomes.interrupted
            ? c.yellow(`⏹ interrupted${took}`)
            : c.yellow("… no outcome recorded");
    outcome = { at: at + (e.durationMs ?? 0), text, seq: e.seq };
  }
  settle(Number.POSITIVE_INFINITY);
  const how = session.endReason
    ? `${session.status.toLowerCase()}: ${session.endReason}${session.exitCode != null ? ` (exit ${session.exitCode})` : ""}`
    : "still active (the record so far)";
  push(session.endedAt ? since(session.endedAt) : clock, `${EOL}${c.dim(`── session ${how} ──`)}${EOL}`);
  return frames;
}

/**
 * An asciicast v2 file: a header line, then one `[seconds, "o", text]` line per frame.
 *
 * @example
 * writeFileSync("s.cast", asciicast(session, replayFrames(session, events, colors)));
 */
export function asciicast(
  session: ReplaySession,
  frames: readonly ReplayFrame[],
  size: { width: number; height: number } = { width: 120, height: 40 },
): string {
  const header = {
    version: 2,
    width: size.width,
    height: size.height,
    timestamp: Math.floor(Date.parse(session.startedAt) / 1000),
    title: `${session.component} session ${shortId(session.id)} by ${session.actor}`,
    env: { TERM: "xterm-256color", SHELL: "/bin/sh" },
  };
  const lines = [JSON.stringify(header)];
  for (const f of frames) lines.push(JSON.stringify([Math.round(f.at) / 1000, "o", f.text]));
  return `${lines.join("\n")}\n`;
}
