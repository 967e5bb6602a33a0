import { stripVTControlCharacters } from "node:util";
import pc from "picocolors";

/** The streams a status line shares a terminal with. */
export interface StatusLineStreams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WritableStream;
}

/**
 * A transient last line on a terminal (what is still running), kept below the lines printed for good:
 * each printed line first clears it and then draws it again, so it never scrolls into the output.
 * It is cut to the terminal's width, so it never wraps.
 *
 * @example
 * const screen = statusLine({ stdout: process.stdout, stderr: process.stderr });
 * screen.set("running: ps()");
 * screen.out("12:00:01 ps() ✓ 3 ms"); // the status line stays below
 * screen.set("");                     // cleared
 */
export function statusLine({ stdout, stderr }: StatusLineStreams) {
  let shown = "";
  const clear = () => {
    if (shown) stdout.write("\r\x1b[2K");
  };
  const draw = () => {
    if (shown) stdout.write(pc.dim(shown));
  };
  const fitted = (text: string) => {
    const plain = stripVTControlCharacters(text).replace(/\s+/g, " ");
    const width = Math.max(10, (stdout.columns || 80) - 1);
    return plain.length > width ? `${plain.slice(0, width - 1)}…` : plain;
  };
  return {
    out(line: string) {
      clear();
      stdout.write(`${line}\n`);
      draw();
    },
    err(line: string) {
      clear();
      stderr.write(`${line}\n`);
      draw();
    },
    set(text: string) {
      clear();
      shown = text ? fitted(text) : "";
      draw();
    },
  };
}
