/**
 * Helpers of the client integration tests: a fault-injecting HTTP proxy in front of a real service, a free
 * port for a service that starts later, producer child processes, and readers of what the service stored.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createClient } from "../client/index.js";
import {
  type Backend,
  createPostgresDatabase,
  DIST,
  type GraphQLBody,
  gql,
  readerToken,
  tempDir,
  token,
} from "./harness.js";
import { SESSION } from "./ops.js";

export type ProxyMode = "forward" | "refuse" | "503" | "hang";

export interface FaultProxy {
  url: string;
  mode: ProxyMode;
  /** In `forward` mode, how long each request is held before it is forwarded (a slow service). Default 0. */
  delayMs: number;
  /** Requests that reached the proxy, per GraphQL operation name. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * An HTTP proxy to `target` (a GraphQL URL) whose behaviour a test switches: forward, answer 503, destroy
 * the connection (a network error), or never answer.
 */
export async function faultProxy(target: string, mode: ProxyMode = "forward"): Promise<FaultProxy> {
  const to = new URL(target);
  const hanging = new Set<import("node:http").ServerResponse>();
  const proxy: FaultProxy = { url: "", mode, delayMs: 0, requests: [], close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const op = /mutation (\w+)|query (\w+)/.exec(body.toString())?.slice(1).find(Boolean) ?? "?";
      proxy.requests.push(op);
      switch (proxy.mode) {
        case "refuse":
          req.socket.destroy();
          return;
        case "503":
          res.writeHead(503, { "content-type": "text/plain" }).end("unavailable");
          return;
        case "hang":
          hanging.add(res);
          return;
        case "forward": {
          const upstream = httpRequest(
            {
              host: to.hostname,
              port: to.port,
              path: to.pathname,
              method: req.method,
              headers: { ...req.headers, host: to.host },
            },
            (up) => {
              res.writeHead(up.statusCode ?? 502, up.headers);
              up.pipe(res);
            },
          );
          upstream.on("error", () => req.socket.destroy());
          if (proxy.delayMs > 0) setTimeout(() => upstream.end(body), proxy.delayMs);
          else upstream.end(body);
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  proxy.url = `http://127.0.0.1:${port}/graphql`;
  proxy.close = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return proxy;
}

/** A port nothing listens on right now (a service started later may take it). */
/** A client logger whose lines a test reads (and clears with `logs.length = 0`). */
export function memoryLogger() {
  const logs: string[] = [];
  const logger = {
    warn: (m: string) => logs.push(`warn ${m}`),
    error: (m: string) => logs.push(`error ${m}`),
  };
  return { logs, logger };
}

/** A real client of `url` whose token's subject is `sub`, journaling under `dataDir`, logging to memory. */
export async function testClient(url: string, dataDir: string, sub = "alice") {
  const { logger } = memoryLogger();
  return createClient({ url, token: await token({ sub }), dataDir, logger });
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export interface Producer {
  child: ChildProcess;
  /** Every JSON line printed so far. */
  lines: Record<string, any>[];
  /** Resolves once `predicate` holds for the lines printed (checked on each line). */
  until(predicate: (lines: Record<string, any>[]) => boolean): Promise<void>;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `dist/client/testing/producer.js` with a config (see `ProducerConfig`). */
export function spawnProducer(config: Record<string, unknown>): Producer {
  const child = spawn(
    process.execPath,
    [join(DIST, "client", "testing", "producer.js"), JSON.stringify(config)],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines: Record<string, any>[] = [];
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  let waiters: {
    predicate: (l: Record<string, any>[]) => boolean;
    resolve(): void;
    reject(e: Error): void;
  }[] = [];
  const check = () => {
    waiters = waiters.filter((w) => {
      if (w.predicate(lines)) {
        w.resolve();
        return false;
      }
      return true;
    });
  };
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      lines.push(JSON.parse(line));
    } catch {
      return;
    }
    check();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("close", (code, signal) => {
      for (const w of waiters) w.reject(new Error(`producer exited (${code ?? signal}) first:\n${err}`));
      waiters = [];
      resolve({ code, signal });
    }),
  );
  return {
    child,
    lines,
    exited,
    stderr: () => err,
    until(predicate) {
      return new Promise<void>((resolve, reject) => {
        if (predicate(lines)) return resolve();
        if (child.exitCode !== null || child.signalCode !== null)
          return reject(new Error(`producer already exited:\n${err}`));
        waiters.push({ predicate, resolve, reject });
      });
    },
    async kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface StoredEvent {
  id: string;
  seq: number;
  kind: string;
  at: string;
  text: string | null;
  durationMs: number | null;
  outcome: string | null;
}

export interface StoredSession {
  id: string;
  status: string;
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number | null;
  delayed: boolean;
  commandCount: number;
  errorCount: number;
  eventCount: number;
  clientHealth: Record<string, unknown> | null;
  events: StoredEvent[];
}

/** A session and all its events as the service stores them (paged through GraphQL). */
export async function storedSession(url: string, id: string): Promise<StoredSession | null> {
  const reader = await readerToken();
  let after: string | null = null;
  let session: StoredSession | null = null;
  for (;;) {
    const res: { body: GraphQLBody<Record<string, any>> } = await gql(
      url,
      SESSION,
      { id, first: 1000, after },
      reader,
    );
    if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
    const s: Record<string, any> | null = res.body.data!.session;
    if (!s) return null;
    const events = s.events.edges.map((e: { node: StoredEvent }) => e.node);
    if (!session) session = { ...s, events } as StoredSession;
    else session.events.push(...events);
    if (!s.events.pageInfo.hasNextPage) return session;
    after = s.events.pageInfo.endCursor;
  }
}

/** Environment for a `session-buddy serve` child process on `backend`, and how to clean up after it. */
export async function serviceEnv(
  backend: Backend,
): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }> {
  const dir = tempDir("sb-svc-");
  if (backend === "pglite") {
    return {
      env: { SESSION_BUDDY_DATA_DIR: dir.path },
      cleanup: async () => dir.remove(),
    };
  }
  const db = await createPostgresDatabase();
  return {
    env: { SESSION_BUDDY_DATA_DIR: dir.path, DATABASE_URL: db.url },
    cleanup: async () => {
      dir.remove();
      await db.drop();
    },
  };
}

/**
 * Runs the compiled `session-buddy` CLI in `cwd` with HOME there too, so no project or user configuration
 * file (which other suites may create) changes what the command sees.
 */
export function runIsolatedCli(
  args: string[],
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(DIST, "cli", "session-buddy.js"), ...args], {
      cwd,
      env: { ...process.env, HOME: cwd, NO_COLOR: "1", FORCE_COLOR: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
