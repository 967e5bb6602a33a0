/**
 * A throwaway redis-server child process for fault tests: its own port, nothing persisted, so a test may
 * kill it under running services and start it again on the same port.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { trackChild } from "./children.js";
import { freePort } from "./client-kit.js";

export interface RedisServer {
  url: string;
  port: number;
  /** SIGKILL: connections drop at once, as when Redis crashes. Resolves once the process has exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Kills it if it runs. */
  destroy(): Promise<void>;
}

function launch(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    trackChild(child);
    let out = "";
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes("Ready to accept connections")) {
        child.stdout!.off("data", onData);
        child.stdout!.resume();
        child.off("exit", onExit);
        resolve(child);
      }
    };
    const onExit = (code: number | null) => reject(new Error(`redis-server exited (${code}): ${out}`));
    child.stdout!.on("data", onData);
    child.stderr!.resume();
    child.once("exit", onExit);
  });
}

/** Starts redis-server on a free port. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(port);
  const kill = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    c.kill("SIGKILL");
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    async start() {
      if (child) throw new Error("redis-server is already running");
      child = await launch(port);
    },
    destroy: kill,
  };
}
