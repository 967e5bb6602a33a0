import { describe, expect, it } from "vitest";
import { libraryOf } from "./guard.js";

const withStack = (stack: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(stack.split("\n")[0]), { stack }, extra);

describe("libraryOf", () => {
  it("never claims an error of the service's own code", () => {
    expect(libraryOf(new Error("mine"))).toBeUndefined();
    const mixed = withStack(
      "Error: x\n    at q (/app/node_modules/postgres/src/connection.js:1:1)\n    at f (/app/dist/api/app.js:3:4)",
    );
    expect(libraryOf(mixed)).toBeUndefined();
  });

  it("names the library when every frame is the library's or Node's", () => {
    const driver = withStack(
      "TypeError: null\n    at nextWrite (/app/node_modules/postgres/src/connection.js:1:1)\n    at process.processImmediate (node:internal/timers:478:21)",
    );
    expect(libraryOf(driver)).toBe("postgres");
  });

  it("takes a socket's system error with only Node's frames for the network's, not a bug", () => {
    const refused = withStack(
      "Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)",
      { code: "ECONNREFUSED", syscall: "connect" },
    );
    expect(libraryOf(refused)).toBe("network");
    const plain = withStack(
      "Error: boom\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
    );
    expect(libraryOf(plain)).toBeUndefined();
  });
});
