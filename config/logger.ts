/**
 * The service's log: structured JSON lines (pino) on stderr, one object per event with a request id,
 * the operation and the actor where there is one; pretty-printed when stderr is a terminal. It sits in
 * config/ so the service and the CLI share it without either importing the other.
 *
 * Levels: `error` is for the service's own faults (a bug, the database gone); a client's mistake (a bad
 * token, a forbidden read, a bad cursor) is `info`; a request that went well is `debug`.
 */
import { pino } from "pino";
import pretty from "pino-pretty";

export type Logger = pino.Logger;
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** A logger that writes nothing (tests, embedders). */
export const silentLogger: Logger = pino({ level: "silent" });

/**
 * The service's logger at `level`, writing to `stream`.
 *
 * @example
 * const log = createServiceLogger("info");
 * log.info({ reqId, op: "RecentSessions", actor: "ana" }, "graphql request");
 */
export function createServiceLogger(
  level: LogLevel = "info",
  stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): Logger {
  const destination = stream.isTTY
    ? pretty({
        destination: stream,
        sync: true,
        translateTime: "SYS:HH:MM:ss.l",
        ignore: "pid,hostname,service",
        singleLine: true,
      })
    : stream;
  return pino(
    {
      level,
      base: { service: "session-buddy", pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
