import type { Logger } from "../client/types.js";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;

/** The client's messages as plain lines on stderr, so stdout stays clean for `--format json`. */
export function createLogger(
  level: keyof typeof LEVELS = "info",
  stream: NodeJS.WritableStream = process.stderr,
): Logger {
  const min = LEVELS[level];
  const line = (lvl: keyof typeof LEVELS, message: string) => {
    if (LEVELS[lvl] >= min)
      stream.write(`${new Date().toISOString()} ${lvl.toUpperCase().padEnd(5)} ${message}\n`);
  };
  return {
    debug: (m) => line("debug", m),
    warn: (m) => line("warn", m),
    error: (m) => line("error", m),
  };
}
