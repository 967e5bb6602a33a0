/**
 * The service's log sink: the CLI gives it plain stderr lines, tests and embedders a silent one. It sits
 * in config/ so the service and the CLI can share it without either importing the other.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
