/**
 * `session-buddy play REF [--speed N] [--no-wait] [--from SEQ] [--max-pause S]`: replays a stored session in
 * the terminal as it happened (contract/replay.ts), with its real pauses, capped and scaled; Space pauses,
 * Ctrl-C stops. The same frames are what `export --format asciicast` writes.
 */
import type { Command } from "commander";
import pc from "picocolors";
import { request } from "../client/graphql-http.js";
import { ShowSessionQuery } from "../client/operations/sessions.js";
import type { SettingKey, Settings } from "../config/settings.js";
import { Scopes } from "../contract/enums.js";
import { QUERY_LIMITS } from "../contract/limits.js";
import { type ReplayEvent, type ReplaySession, replayFrames } from "../contract/replay.js";
import { resolveToken } from "./auth.js";
import { oneSessionId, SESSION_REF_FORMS } from "./session-ref.js";

export interface PlayCommandHelpers {
  config(flags?: Partial<Record<SettingKey, unknown>>): Settings;
  /** An error the user can act on: printed as one line, exit 1. */
  fail(message: string): Error;
  /** Ends the command with this exit code. */
  exit(code: number): Error;
}

/** A stored session and all its events, for a replay. */
export async function loadReplay(
  settings: Settings,
  ref: string,
  fail: (message: string) => Error,
): Promise<{ session: ReplaySession; events: ReplayEvent[] }> {
  const http = { url: settings.url, token: await resolveToken(settings, [Scopes.READ, Scopes.AUDIT]) };
  const id = await oneSessionId(http, ref, fail);
  const events: ReplayEvent[] = [];
  let after: string | null | undefined;
  let session: ReplaySession | undefined;
  for (;;) {
    const data = await request(http, ShowSessionQuery, { id, first: QUERY_LIMITS.page, after });
    if (!data.session) throw fail(`no session ${id}`);
    session ??= data.session;
    events.push(...data.session.events.edges.map((e) => e.node));
    if (!data.session.events.pageInfo.hasNextPage) break;
    after = data.session.events.pageInfo.endCursor;
  }
  return { session: session as ReplaySession, events };
}

const positive = (name: string, fail: (m: string) => Error) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw fail(`${name} must be a number above 0, e.g. ${name} 2`);
  return n;
};

/** What the keys change while a replay runs; `wake` interrupts the wait in progress. */
interface PlayState {
  paused: boolean;
  stopped: boolean;
  wake?: (() => void) | undefined;
}

/** Waits `ms` of unpaused time: a pause stops the clock, what is left runs on resume; a stop ends it. */
async function pausableDelay(ms: number, state: PlayState): Promise<void> {
  let left = ms;
  while (left > 0 && !state.stopped) {
    const started = Date.now();
    const running = !state.paused;
    await new Promise<void>((resolve) => {
      const timer = running ? setTimeout(resolve, left) : undefined;
      state.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    state.wake = undefined;
    if (running) left -= Date.now() - started;
  }
}

export function registerPlayCommand(program: Command, helpers: PlayCommandHelpers) {
  program
    .command("play")
    .description("replay a stored session in the terminal as it happened (Space pauses, Ctrl-C stops)")
    .argument("<session>", `the session: ${SESSION_REF_FORMS}`)
    .option(
      "--speed <n>",
      "play this many times faster (0.5 is slower)",
      positive("--speed", helpers.fail),
      1,
    )
    .option(
      "--max-pause <seconds>",
      "the longest pause between two frames, before --speed",
      positive("--max-pause", helpers.fail),
      2,
    )
    .option("--no-wait", "print it all at once, without pauses")
    .option("--from <seq>", "start at this event (the ones before are skipped)", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw helpers.fail("--from must be an event's seq, 1 or more");
      return n;
    })
    .action(async (ref: string, opts: { speed: number; maxPause: number; wait: boolean; from?: number }) => {
      const settings = helpers.config();
      const { session, events } = await loadReplay(settings, ref, helpers.fail);
      if (opts.from && !events.some((e) => e.seq >= opts.from!))
        throw helpers.fail(`session ${session.id} has no event at or after seq ${opts.from}`);
      const colors = pc.createColors(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
      const frames = replayFrames(session, events, colors, opts.from ? { fromSeq: opts.from } : {});
      const state: PlayState = { paused: false, stopped: false };
      const stdin = process.stdin;
      const interactive = opts.wait && stdin.isTTY;
      // Keys typed together arrive in one chunk: each counts.
      const onKey = (data: Buffer) => {
        for (const key of data.toString()) {
          if (key === "\u0003") {
            state.stopped = true;
            state.wake?.();
            return;
          }
          if (key === " ") {
            state.paused = !state.paused;
            if (state.paused) process.stderr.write(pc.dim("\r\n[paused — Space resumes, Ctrl-C stops]\r\n"));
            state.wake?.();
          }
        }
      };
      const onSigint = () => {
        state.stopped = true;
        state.wake?.();
      };
      process.on("SIGINT", onSigint);
      if (interactive) {
        stdin.setRawMode(true);
        stdin.on("data", onKey);
        stdin.resume();
      }
      try {
        let clock = 0;
        for (const f of frames) {
          if (state.stopped) break;
          const gap = f.at - clock;
          clock = f.at;
          if (opts.wait && gap > 0)
            await pausableDelay(Math.min(gap, opts.maxPause * 1000) / opts.speed, state);
          if (state.stopped) break;
          process.stdout.write(f.text);
        }
      } finally {
        process.off("SIGINT", onSigint);
        if (interactive) {
          stdin.off("data", onKey);
          stdin.setRawMode(false);
          stdin.pause();
        }
      }
      if (state.stopped) {
        process.stdout.write(`\r\n${pc.dim("── stopped ──")}\r\n`);
        throw helpers.exit(130);
      }
    });
}
