/**
 * What the integration suites share, so that each states in a line what it needs and everything opened for
 * it is closed or removed whether its tests pass or fail.
 *
 * - `it`: vitest's `it` with per-test resources (`dir`, `serve`, `postgresDatabase`, `defer`), each
 *   released after the test, the last opened first.
 * - `useService` / `useSocket` / `useForSuite`: one resource for all tests of the enclosing `describe`,
 *   opened before its first test and closed after its last; the returned handle is live inside tests.
 *
 * @example
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
  type ServiceOptions,
  type ServiceProcess,
  spawnService,
  startService,
  type TestService,
  tempDir,
  wsConnect,
} from "./harness.js";

export interface TestResources {
  /** Registers a cleanup that runs after the test, pass or fail (the last registered first). */
  defer(cleanup: () => unknown): void;
  /** A fresh temp directory, removed after the test. */
  dir: string;
  /** `session-buddy serve` as a child process (see `spawnService`), stopped after the test. */
  serve(env: Record<string, string | undefined>, port?: number): Promise<ServiceProcess>;
  /** A Postgres database cloned from the migrated template, dropped after the test. */
  postgresDatabase(): Promise<{ url: string }>;
}

export const it = base.extend<TestResources>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  defer: async ({}, use) => {
    const cleanups: (() => unknown)[] = [];
    await use((cleanup) => {
      cleanups.push(cleanup);
    });
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
    await use(async (env, port) => {
      const service = await spawnService(env, port);
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

/** An in-process service (see `startService`) for the tests of the enclosing `describe`. */
export const useService = (backend: Backend, options?: ServiceOptions): TestService =>
  useForSuite(
    () => startService(backend, options),
    (svc) => svc.stop(),
  );

/** A connected graphql-ws client of `svc` for the tests of the enclosing `describe`. */
export const useSocket = (svc: TestService, bearer: string | undefined): WsClient =>
  useForSuite(
    () => wsConnect(svc.wsUrl, bearer),
    (ws) => ws.dispose(),
  );
