/**
 * `session-buddy watch` as a real process: its output followed line by line, waits on what it prints
 * (bounded), and its exit awaited. Shared by the watch suites.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { DIST } from "./harness.js";

/** Follows a stream's text and resolves waits when a pattern has appeared. */
export function follower(stream: NodeJS.ReadableStream) {
  let text = "";
  let waiters: { re: RegExp; resolve: () => void }[] = [];
  stream.on("data", (d: Buffer) => {
    text += d.toString();
    waiters = waiters.filter((w) => {
      if (!w.re.test(text)) return true;
      w.resolve();
      return false;
    });
  });
  return {
    text: () => text,
    lines: () => text.split("\n").filter(Boolean),
    /** How many lines match `re`. */
    count: (re: RegExp) => text.split("\n").filter((l) => re.test(l)).length,
    waitFor(re: RegExp, what: string, ms = 30_000): Promise<void> {
      if (re.test(text)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${what}; output:\n${text}`)),
          ms,
        );
        waiters.push({
          re,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}

export interface Watcher {
  child: ChildProcess;
  out: ReturnType<typeof follower>;
  err: ReturnType<typeof follower>;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** Ends the process (SIGTERM unless given) if it is still running, and waits for it. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Runs `session-buddy watch …args` with `env` over the caller's environment (colours off). */
export function spawnWatch(args: string[], env: Record<string, string | undefined>): Watcher {
  const child = spawn(process.execPath, [join(DIST, "cli", "session-buddy.js"), "watch", ...args], {
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = follower(child.stdout!);
  const err = follower(child.stderr!);
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    child,
    out,
    err,
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * A TCP server on a free port that takes each connection and drops it at once: a "service" that is
 * never reachable, and that counts the attempts made to reach it.
 */
export async function droppingServer(port = 0): Promise<{
  port: number;
  attempts(): number;
  /** Resolves once at least `n` connections were attempted. */
  untilAttempts(n: number, ms?: number): Promise<void>;
  close(): Promise<void>;
}> {
  let attempts = 0;
  let waiters: { n: number; resolve: () => void }[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    attempts += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.destroy();
    waiters = waiters.filter((w) => {
      if (attempts < w.n) return true;
      w.resolve();
      return false;
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    attempts: () => attempts,
    untilAttempts(n, ms = 30_000) {
      if (attempts >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${attempts} of ${n} attempts came`)), ms);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A stack trace or an unhandled rejection: never part of what the CLI prints. */
export const STACK = /UnhandledPromiseRejection|^\s+at |node:internal/m;
