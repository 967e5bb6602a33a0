/**
 * Return values that read well at the prompt. A helper prints its readable output itself and returns the
 * full data; the REPL then echoes the value — which, for a graph or a series, would be hundreds of lines
 * repeating what was just printed. {@link summarised} keeps the data as it is and makes the echo one line
 * that says what it holds and where to find the rest.
 */
import { inspect } from "node:util";

/**
 * Returns `data` itself, shown by the REPL (and `console.log`, `util.inspect`) as the one line `summary`.
 * The fields stay plain data: `result.points`, `JSON.stringify(result)` and spreading work as before.
 *
 * @example
 * return summarised(trend, `sessions: 24 points, flat — .points, .slope, .direction`);
 */
export function summarised<T extends object>(data: T, summary: string | ((data: T) => string)): T {
  Object.defineProperty(data, inspect.custom, {
    value: (_depth: number, options: { stylize?: (text: string, style: string) => string }) => {
      const text = typeof summary === "function" ? summary(data) : summary;
      return options.stylize ? options.stylize(text, "special") : text;
    },
    enumerable: false,
    configurable: true,
  });
  return data;
}

/** `.a, .b and .c`: the fields a summary points to. */
export function fields(...names: string[]): string {
  const dotted = names.map((n) => `.${n}`);
  return dotted.length > 1 ? `${dotted.slice(0, -1).join(", ")} and ${dotted.at(-1)}` : (dotted[0] ?? "");
}
