/**
 * Integration-test kit: real databases (PGlite always, Postgres when TEST_DATABASE_URL is set), real
 * Redis when TEST_REDIS_URL is set, real HTTP and WebSocket on port 0, real JWTs. Everything a helper
 * opens is closed by the `stop()`/`close()` it returns.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type Client as WsClient } from "graphql-ws";
import postgres from "postgres";
import { inject } from "vitest";
import WebSocket from "ws";
import { type App, type AppOptions, createApp } from "../api/app.js";
import { openPubSub } from "../api/pubsub.js";
import { createVerifier, mintToken } from "../auth/jwt.js";
import { Scopes } from "../contract/enums.js";
import { type Database, openDatabase } from "../db/connection.js";
import { trackChild } from "./children.js";

export type Backend = "pglite" | "postgres";

export const REPO = new URL("..", import.meta.url).pathname;
export const DIST = join(REPO, "dist");

/** PGlite always; Postgres too when TEST_DATABASE_URL is set (CI sets it). */
export function backends(): Backend[] {
  return process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}

export const redisUrl = () => process.env.TEST_REDIS_URL || undefined;

export const TEST_SECRET = `t3st-${"k".repeat(8)}${randomBytes(16).toString("hex")}`;

export interface TestDatabase {
  database: Database;
  /** postgres:// URL of the database, for child processes (Postgres backend only). */
  url?: string;
  close(): Promise<void>;
}

/** A fresh database: PGlite loaded from the run's migrated snapshot, or a Postgres clone of the template. */
export async function openTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === "pglite") {
    const snapshot = readFileSync(inject("pgliteSnapshot"));
    const database = await openDatabase({ loadDataDir: new Blob([snapshot]) });
    return { database, close: () => database.close() };
  }
  const { url, drop } = await createPostgresDatabase();
  const database = await openDatabase({ url, maxConnections: 5 });
  return {
    database,
    url,
    async close() {
      await database.close();
      await drop();
    },
  };
}

/** A new Postgres database cloned from the migrated template; `drop` removes it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  const template = inject("postgresTemplate");
  if (!base || !template) throw new Error("TEST_DATABASE_URL is not set");
  const name = `sb_t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${template}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export interface TokenOptions {
  sub?: string;
  scopes?: string[];
  components?: string[];
  ttlSeconds?: number;
}

/**
 * A token signed with TEST_SECRET. By default it is valid an hour, longer than any file runs, so a file may
 * mint the tokens its suites share once, at import.
 */
export const token = (o: TokenOptions = {}) =>
  mintToken({
    secret: TEST_SECRET,
    sub: o.sub ?? "tester",
    scopes: o.scopes ?? [Scopes.WRITE],
    components: o.components,
    ttlSeconds: o.ttlSeconds ?? 3600,
  });

export const readerToken = (sub = "reader") => token({ sub, scopes: [Scopes.READ, Scopes.AUDIT] });

export interface GraphQLBody<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
}

/** POSTs a GraphQL operation; returns the HTTP status and the parsed body. */
export async function gql<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  bearer?: string,
): Promise<{ status: number; body: GraphQLBody<T> }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as GraphQLBody<T> };
}

/** The first error code of a response, for assertions. */
export const codeOf = (body: GraphQLBody) => body.errors?.[0]?.extensions?.code;

export interface TestService {
  app: App;
  url: string;
  wsUrl: string;
  origin: string;
  backend: Backend;
  db: TestDatabase;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  abandonAfterSeconds?: number;
  reapIntervalMs?: number;
  /** Reuse a database (e.g. a second replica); otherwise a fresh one is opened and closed with the service. */
  database?: TestDatabase;
  channelPrefix?: string;
  metricsEnabled?: boolean;
  /** The service's clock (receivedAt, lastSeenAt, the reaper's cutoff); tests move it instead of waiting. */
  now?: () => Date;
  /** Where the dashboard's built assets are (default dist/web). */
  dashboardDir?: string;
  /** The local-secret mode's sign-in: GraphiQL and the dashboard embed `pageToken` for a signed-in browser. */
  signIn?: { secret: string; pageToken: string };
  authMode?: "local-secret" | "secret" | "jwks";
  /** Any other service option (host allow-list, CORS origins, exposure, logger). */
  app?: Partial<AppOptions>;
}

/** An in-process service on port 0 over a real database (and Redis when TEST_REDIS_URL is set). */
export async function startService(backend: Backend, options: ServiceOptions = {}): Promise<TestService> {
  const db = options.database ?? (await openTestDatabase(backend));
  const pubsub = await openPubSub(redisUrl(), {
    channelPrefix: options.channelPrefix ?? `t${randomUUID()}:`,
  });
  const app = createApp({
    database: db.database,
    pubsub,
    verify: createVerifier({ secret: TEST_SECRET }),
    abandonAfterSeconds: options.abandonAfterSeconds ?? 90,
    ...(options.reapIntervalMs ? { reapIntervalMs: options.reapIntervalMs } : {}),
    ...(options.metricsEnabled !== undefined ? { metricsEnabled: options.metricsEnabled } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.dashboardDir ? { dashboardDir: options.dashboardDir } : {}),
    ...(options.signIn ? { signIn: options.signIn } : {}),
    ...(options.authMode ? { authMode: options.authMode } : {}),
    ...options.app,
  });
  const { url, port } = await app.start(0, "127.0.0.1");
  return {
    app,
    url,
    wsUrl: url.replace(/^http/, "ws"),
    origin: `http://127.0.0.1:${port}`,
    backend,
    db,
    async stop() {
      await app.stop();
      await pubsub.close();
      if (!options.database) await db.close();
    },
  };
}

/** A graphql-ws client that resolves once connected (or rejects with the close event). */
export async function wsConnect(wsUrl: string, bearer: string | undefined): Promise<WsClient> {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    // The close reaches the caller through the returned promise; the default would also print it.
    onNonLazyError: () => {},
    connectionParams: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
  await new Promise<void>((resolve, reject) => {
    const offConnected = client.on("connected", () => {
      offConnected();
      offClosed();
      resolve();
    });
    const offClosed = client.on("closed", (e) => {
      offConnected();
      offClosed();
      reject(e);
    });
  });
  return client;
}

/** Subscribes and collects results; `next(n)` waits until n results have arrived. */
export function collect<T = any>(client: WsClient, query: string, variables: Record<string, unknown> = {}) {
  const items: T[] = [];
  const errors: unknown[] = [];
  let waiters: { n: number; resolve: () => void }[] = [];
  const notify = () => {
    waiters = waiters.filter((w) => {
      if (items.length >= w.n || errors.length > 0) {
        w.resolve();
        return false;
      }
      return true;
    });
  };
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (r) => {
        if (r.errors?.length) errors.push(r.errors);
        else items.push(r.data as T);
        notify();
      },
      error: (e) => {
        errors.push(e);
        notify();
      },
      complete: () => notify(),
    },
  );
  return {
    items,
    errors,
    /** Resolves with the first item (arrived or to come) that satisfies `pred`. */
    async when(pred: (item: T) => boolean): Promise<T> {
      for (let n = 1; ; n++) {
        await this.until(n);
        if (errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(errors[0])}`);
        const hit = items.find(pred);
        if (hit) return hit;
        n = items.length;
      }
    },
    /** Resolves when at least n items arrived (or an error did). */
    until(n: number): Promise<T[]> {
      return new Promise((resolve) => {
        waiters.push({ n, resolve: () => resolve(items) });
        notify();
      });
    },
    dispose,
  };
}

export const uuid = () => randomUUIDv7();

/**
 * A subscription becomes active on the server some time after the client sends it (with Redis, after an
 * asynchronous SUBSCRIBE). This triggers `poke` until `arrived()` says its effect reached the subscriber:
 * from then on the subscription is known to be live. Each round waits for the event, bounded.
 */
export async function untilLive(
  poke: () => Promise<void>,
  arrived: () => boolean,
  rounds = 100,
): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await poke();
    for (let j = 0; j < 20 && !arrived(); j++) await new Promise((r) => setTimeout(r, 10));
    if (arrived()) return;
  }
  throw new Error("subscription never became live");
}

/** Time-ordered UUID (v7) — what clients use for session and event ids. */
/**
 * Resolves with `read()`'s first value that `ok` accepts, asking every 50 ms; rejects after `ms` naming
 * `what`. For state that has no event to await (a row in the database, a file a child writes).
 */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function randomUUIDv7(): string {
  const bytes = randomBytes(16);
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const h = bytes.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function tempDir(prefix = "sb-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A unique component name per test, so tests sharing Redis or Postgres never see each other's data. */
export const component = (prefix = "c") => `${prefix}${randomBytes(4).toString("hex")}`;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  /** How long the process may run before it is SIGKILLed and the call rejects with its output (60 s). */
  timeoutMs?: number;
  /**
   * Output (stdout or stderr) that means the process will not end on its own: once it appears, the process
   * is SIGKILLed and the call rejects with its output at once, instead of at the deadline.
   */
  failOn?: RegExp;
}

const RUN_TIMEOUT_MS = 60_000;

/** The line `serve` prints once it accepts connections, with its URL and port. */
const LISTENING = /listening on (http:\/\/[^\s]+:(\d+)\/graphql)/;

/** Runs a compiled script as a real process and collects its output (see `RunOptions`). */
export function runNode(
  file: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  cwdOrOptions?: string | RunOptions,
): Promise<CliResult> {
  const options = typeof cwdOrOptions === "string" ? { cwd: cwdOrOptions } : (cwdOrOptions ?? {});
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], {
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    trackChild(child);
    let stdout = "";
    let stderr = "";
    let failure: string | undefined;
    const fail = (why: string) => {
      if (failure) return;
      failure = why;
      child.kill("SIGKILL");
    };
    const timeoutMs = options.timeoutMs ?? RUN_TIMEOUT_MS;
    const timer = setTimeout(() => fail(`did not exit within ${timeoutMs} ms`), timeoutMs);
    const watch = () => {
      if (options.failOn && (options.failOn.test(stderr) || options.failOn.test(stdout)))
        fail(`printed ${options.failOn}, so it would not exit on its own`);
    };
    child.stdout.on("data", (d) => {
      stdout += d;
      watch();
    });
    child.stderr.on("data", (d) => {
      stderr += d;
      watch();
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (failure)
        reject(
          new Error(
            `${[file, ...args].join(" ")} ${failure}; killed.\nstdout:\n${stdout}\nstderr:\n${stderr}`,
          ),
        );
      else resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs the compiled `session-buddy` CLI as a real process. `serve` is run this way only where it is expected
 * to exit: should it start listening instead, it is killed and the call rejects at once.
 */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: RunOptions = {},
): Promise<CliResult> {
  const failOn = args[0] === "serve" ? LISTENING : undefined;
  return runNode(join(DIST, "cli", "session-buddy.js"), args, env, {
    ...(failOn ? { failOn } : {}),
    ...options,
  });
}

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /**
   * Stops the process (SIGTERM, or SIGKILL when `kill` is true) and waits for it to exit; one that has not
   * exited 15 s after the SIGTERM is SIGKILLed.
   */
  stop(kill?: boolean): Promise<void>;
  output(): string;
}

export interface SpawnOptions {
  /** How long `serve` may take to say it listens before it is SIGKILLed and the call rejects (45 s). */
  startupTimeoutMs?: number;
}

const STARTUP_TIMEOUT_MS = 45_000;
const STOP_TIMEOUT_MS = 15_000;

/**
 * Runs `session-buddy serve` as a real child process and resolves when it listens. With `port` 0 the
 * process picks a free port, read back from its start-up line. A process that neither listens nor exits
 * within the start-up deadline is SIGKILLed, and the call rejects with what it printed.
 */
export function spawnService(
  env: Record<string, string | undefined>,
  port = 0,
  options: SpawnOptions = {},
): Promise<ServiceProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(DIST, "cli", "session-buddy.js"), "serve", "--port", String(port)],
      {
        env: {
          ...process.env,
          SESSION_BUDDY_SECRET: TEST_SECRET,
          SESSION_BUDDY_HOST: "127.0.0.1",
          NO_COLOR: "1",
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    trackChild(child);
    let log = "";
    const startupMs = options.startupTimeoutMs ?? STARTUP_TIMEOUT_MS;
    const deadline = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`service did not listen within ${startupMs} ms; killed. Output:\n${log}`));
    }, startupMs);
    const onData = (d: Buffer) => {
      log += d.toString();
      const m = LISTENING.exec(log);
      if (m) {
        clearTimeout(deadline);
        child.stderr!.off("data", onData);
        child.stderr!.on("data", (x: Buffer) => (log += x.toString()));
        const exited = new Promise<void>((r) => child.once("exit", () => r()));
        resolve({
          child,
          url: m[1]!,
          port: Number(m[2]),
          output: () => log,
          async stop(kill = false) {
            if (child.exitCode !== null || child.signalCode !== null) return;
            child.kill(kill ? "SIGKILL" : "SIGTERM");
            const escalate = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
            await exited;
            clearTimeout(escalate);
          },
        });
      }
    };
    child.stderr!.on("data", onData);
    child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
    child.once("exit", (code) => {
      clearTimeout(deadline);
      reject(new Error(`service exited with ${code} before listening:\n${log}`));
    });
  });
}
