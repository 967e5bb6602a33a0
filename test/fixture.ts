/**
 * What the integration suites share, so that each states in a line what it needs and everything opened for
 * it is closed or removed whether its tests pass or fail.
 *
 * - `it`: vitest's `it` with per-test resources (`dir`, `serve`, `postgresDatabase`, `defer`), each
 *   released after the test, the last opened first.
 * - `useService` / `useDatabase` / `useSocket` / `useForSuite`: one resource for all tests of the
 *   enclosing `describe`, opened before its first test and closed after its last; the returned handle is
 *   live inside tests. They compose: one opened earlier (a database) may be passed to one opened later.
 * - `suiteTokens`: the writer and reader tokens most files share, minted once at import.
 *
 * @example
 * const { writer, reader } = await suiteTokens();
 * describe.each(backends())("sessions on %s", (backend) => {
 *   const svc = useService(backend);
 *   it("…", async () => { await gql(svc.url, START, { input }, writer); });
 * });
 */
import type { Client as WsClient } from "graphql-ws";
import { afterAll, it as base, beforeAll } from "vitest";
import {
  type Backend,
  createPostgresDatabase,
  openTestDatabase,
  readerToken,
  type ServiceOptions,
  type ServiceProcess,
  type SpawnOptions,
  spawnService,
  startService,
  type TestDatabase,
  type TestService,
  tempDir,
  token,
  wsConnect,
} from "./harness.js";

export interface TestResources {
  /**
   * Registers a cleanup that runs after the test, pass or fail (the last registered first). One registered
   * once the test's cleanups have run (by a step that finished after the test timed out) runs at once.
   */
  defer(cleanup: () => unknown): void;
  /** A fresh temp directory, removed after the test. */
  dir: string;
  /** `session-buddy serve` as a child process (see `spawnService`), stopped after the test. */
  serve(
    env: Record<string, string | undefined>,
    port?: number,
    options?: SpawnOptions,
  ): Promise<ServiceProcess>;
  /** A Postgres database cloned from the migrated template, dropped after the test. */
  postgresDatabase(): Promise<{ url: string }>;
}

export const it = base.extend<TestResources>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  defer: async ({}, use) => {
    const cleanups: (() => unknown)[] = [];
    let done = false;
    await use((cleanup) => {
      if (done) void (async () => cleanup())().catch(() => {});
      else cleanups.push(cleanup);
    });
    done = true;
    const failures: unknown[] = [];
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length > 0) throw failures[0];
  },
  dir: async ({ defer }, use) => {
    const dir = tempDir();
    defer(dir.remove);
    await use(dir.path);
  },
  serve: async ({ defer }, use) => {
    await use(async (env, port, options) => {
      const service = await spawnService(env, port, options);
      defer(() => service.stop());
      return service;
    });
  },
  postgresDatabase: async ({ defer }, use) => {
    await use(async () => {
      const db = await createPostgresDatabase();
      defer(db.drop);
      return { url: db.url };
    });
  },
});

/**
 * Opens a resource before the first test of the enclosing `describe` and closes it after the last. The
 * handle forwards to the resource, so tests use it as the resource itself; touching it outside a test throws.
 */
export function useForSuite<T extends object>(open: () => Promise<T>, close: (resource: T) => unknown): T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await open();
  });
  afterAll(async () => {
    const resource = current;
    current = undefined;
    if (resource) await close(resource);
  });
  const live = (): T => {
    if (!current) throw new Error("a suite resource is used outside the tests of its describe block");
    return current;
  };
  return new Proxy({} as T, {
    get(_, key) {
      const resource = live();
      const value = Reflect.get(resource, key);
      return typeof value === "function" ? value.bind(resource) : value;
    },
    set: (_, key, value) => Reflect.set(live(), key, value),
    has: (_, key) => Reflect.has(live(), key),
  });
}

/**
 * An in-process service (see `startService`) for the tests of the enclosing `describe`. Assigning to the
 * handle writes through to the service object, so a test may swap in a restarted one (stopped after the
 * suite): `await svc.stop(); Object.assign(svc, await startService(backend, sameOptions))`.
 */
export const useService = (backend: Backend, options?: ServiceOptions): TestService =>
  useForSuite(
    () => startService(backend, options),
    (svc) => svc.stop(),
  );

/**
 * The tokens most suites share: `writer` (sessions:write, as "alice") and `reader` (sessions:read and
 * audit, as "reader"). Valid an hour, so a file mints them once, at import:
 * `const { writer, reader } = await suiteTokens();`
 */
export async function suiteTokens(): Promise<{ writer: string; reader: string }> {
  return { writer: await token({ sub: "alice" }), reader: await readerToken() };
}

/**
 * A fresh database (see `openTestDatabase`) for the tests of the enclosing `describe`. Given to a later
 * `useService` as `database`, it can be seeded first (in a `beforeAll` between the two) and outlives the
 * service, which is stopped before it is closed.
 */
export const useDatabase = (backend: Backend): TestDatabase =>
  useForSuite(
    () => openTestDatabase(backend),
    (db) => db.close(),
  );

/** A connected graphql-ws client of `svc` for the tests of the enclosing `describe`. */
export const useSocket = (svc: TestService, bearer: string | undefined): WsClient =>
  useForSuite(
    () => wsConnect(svc.wsUrl, bearer),
    (ws) => ws.dispose(),
  );
