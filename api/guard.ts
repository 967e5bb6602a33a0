/**
 * The serve process's last line of defence against a dependency's failure. The database driver and the
 * Redis client do some of their work in their own callbacks (socket events, timers, immediates), where an
 * error they throw, or a promise they reject with nobody listening, reaches no caller: Node would exit. Such
 * an error is recognised by its stack (every frame is in one of those libraries or in Node itself), logged,
 * and the process stays up: the library has already failed the queries it concerned and reconnects by
 * itself, and readiness (/ready) says whether the dependency is back. Anything else is the service's own
 * bug: it is logged as fatal and the process exits 1, as it would have without the guard.
 */
import type { Logger } from "../config/logger.js";

/** Packages whose callbacks may throw where no caller can catch (the driver, the Redis client and its parts). */
const LIBRARIES = [
  "postgres",
  "ioredis",
  "redis-parser",
  "standard-as-callback",
  "@graphql-yoga/redis-event-target",
];

const LIBRARY_FRAME = new RegExp(
  `[\\\\/]node_modules[\\\\/](${LIBRARIES.map((l) => l.replace(/[/.]/g, (c) => `\\${c}`)).join("|")})[\\\\/]`,
);

/** A frame that belongs to no application code: Node's own, or one without a location. */
const neutralFrame = (location: string) =>
  location === "" ||
  location.startsWith("node:") ||
  location === "<anonymous>" ||
  location === "native" ||
  /^index \d+$/.test(location);

/** Where a stack line points: the part in parentheses, or what follows "at ". */
function frameLocation(line: string): string {
  const body = line.trim().replace(/^at\s+(async\s+)?/, "");
  const paren = /\(([^()]*)\)$/.exec(body);
  return (paren ? paren[1]! : body).trim();
}

/**
 * The library an error was thrown from, when its whole stack is inside the known libraries (and Node);
 * undefined for anything with a frame of other code, which includes every error of the service's own.
 *
 * @example
 * libraryOf(new Error("mine")); // undefined: the frame is this file
 * libraryOf(connectRefused); // "network": a socket's system error with only Node's frames
 */
export function libraryOf(error: unknown): string | undefined {
  if (!(error instanceof Error) || typeof error.stack !== "string") return undefined;
  let library: string | undefined;
  for (const line of error.stack.split("\n")) {
    if (!/^\s+at\s/.test(line)) continue;
    const location = frameLocation(line);
    const hit = LIBRARY_FRAME.exec(location);
    if (hit) library ??= hit[1];
    else if (!neutralFrame(location)) return undefined;
  }
  // A socket's system error (ECONNREFUSED from a reconnect, say) carries only Node's frames: it comes
  // from a library's connection, never from the service's own logic, whichever promise let it go.
  if (!library && typeof (error as NodeJS.ErrnoException).syscall === "string") return "network";
  return library;
}

export interface ProcessGuardOptions {
  logger: Pick<Logger, "error" | "fatal">;
  /** How the process ends on an unknown error; default `process.exit`. */
  exit?: (code: number) => void;
}

/**
 * Installs the guard for uncaught exceptions and unhandled rejections; returns its removal.
 *
 * @example
 * installProcessGuard({ logger }); // in `session-buddy serve`, before the service starts
 */
export function installProcessGuard(options: ProcessGuardOptions): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const handler = (err: unknown, origin: NodeJS.UncaughtExceptionOrigin) => {
    const library = libraryOf(err);
    if (library) {
      options.logger.error(
        { err, origin, library },
        `${library} failed in its own callback; the service stays up and the library reconnects`,
      );
      return;
    }
    options.logger.fatal({ err, origin }, "uncaught error: the service exits");
    exit(1);
  };
  process.on("uncaughtException", handler);
  return () => {
    process.off("uncaughtException", handler);
  };
}
