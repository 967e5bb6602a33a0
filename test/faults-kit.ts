/**
 * What the suites that drive the real client against a real service under faults share: polling until a
 * condition holds, draining the clients' journals, counting what was sent against what was stored, the
 * setting of a client that journals before its service exists, and a test API whose clients, data
 * directories and fault proxies are closed after each test.
 */
import { expect } from "vitest";
import {
  createClient,
  type RecordedEvent,
  type SessionBuddyClient,
  type SessionBuddyClientOptions,
} from "../client/index.js";
import {
  type FaultProxy,
  faultProxy,
  freePort,
  memoryLogger,
  type ProxyMode,
  runIsolatedCli,
  storedSession,
} from "./client-kit.js";
import { it, type TestResources } from "./fixture.js";
import { type TestService, tempDir } from "./harness.js";

/**
 * Resolves once `check` holds, polling every `everyMs`; throws after `deadlineMs`, or at once when `abort`
 * returns a reason (e.g. the service process exited).
 */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  abort: () => string | undefined = () => undefined,
  deadlineMs = 30_000,
  everyMs = 25,
): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const reason = abort();
    if (reason) throw new Error(`${reason} while waiting for ${what}`);
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Flushes each client (forced) until its journal is empty; throws after `rounds` flushes of one client. */
export async function drainJournals(
  clients: SessionBuddyClient[],
  { rounds = 100, timeoutMs = 20_000 }: { rounds?: number; timeoutMs?: number } = {},
): Promise<void> {
  for (const client of clients) {
    for (let round = 0; client.journalStatus().depth > 0; round++) {
      if (round > rounds) throw new Error(`journal did not drain: ${JSON.stringify(client.journalStatus())}`);
      await client.flush({ force: true, timeoutMs });
    }
  }
}

export interface DeliveryCount {
  /** Events recorded through the client. */
  sent: number;
  /** Events the service stores (duplicates included). */
  stored: number;
  /** Recorded events the service does not store. */
  lost: number;
  /** Stored events beyond the first of each id. */
  duplicated: number;
}

/**
 * Reads each session back from the service and counts the events recorded in it (`recorded[i]` for
 * `sessions[i]`) against the stored ones. Asserts that every session ended and, with `inOrder`, that the
 * stored events have the recorded seqs.
 */
export async function countDelivery(
  url: string,
  sessions: { id: string }[],
  recordedIn: RecordedEvent[][],
  { inOrder = false }: { inOrder?: boolean } = {},
): Promise<DeliveryCount> {
  const count: DeliveryCount = { sent: 0, stored: 0, lost: 0, duplicated: 0 };
  for (const [i, { id }] of sessions.entries()) {
    const recorded = recordedIn[i]!;
    const row = (await storedSession(url, id))!;
    expect(row.status).toBe("ENDED");
    const ids = row.events.map((e) => e.id);
    const want = recorded.map((r) => r.eventId);
    count.sent += want.length;
    count.stored += ids.length;
    count.duplicated += ids.length - new Set(ids).size;
    count.lost += want.filter((e) => !ids.includes(e)).length;
    if (inOrder) expect(row.events.map((e) => e.seq)).toEqual(recorded.map((r) => r.seq));
  }
  return count;
}

/**
 * For a test whose client journals before its service exists: a free port for the service started later
 * and its GraphQL URL, a data dir, and `buffer(args, bearer)`, which runs `session-buddy buffer …args` on
 * that data dir against that URL (in a working dir of its own). Both dirs are removed after the test.
 */
export async function journalFirst(defer: TestResources["defer"]) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/graphql`;
  const dataDir = tempDir("sb-journal-");
  defer(dataDir.remove);
  const cwd = tempDir("sb-cwd-");
  defer(cwd.remove);
  return {
    port,
    url,
    dataDir: dataDir.path,
    buffer: (args: string[], bearer: string) =>
      runIsolatedCli(
        ["buffer", ...args],
        { SESSION_BUDDY_DATA_DIR: dataDir.path, SESSION_BUDDY_URL: url, SESSION_BUDDY_TOKEN: bearer },
        cwd.path,
      ),
  };
}

export interface ClientResources {
  /** This test's client logger (see `memoryLogger`); `logs` and `logger` are its two halves. */
  memory: ReturnType<typeof memoryLogger>;
  /** What this test's clients logged, a line each ("warn …", "error …"). */
  logs: string[];
  /** The logger behind `logs`, for clients a test creates itself. */
  logger: ReturnType<typeof memoryLogger>["logger"];
  /** A fresh directory (a client's data dir, a CLI's working dir), removed after the test. */
  dataDir(): string;
  /** A client of the service (the writer token, a fresh data dir, `logger`), shut down after the test. */
  client(options?: Partial<SessionBuddyClientOptions>): SessionBuddyClient;
  /** A fault proxy in front of the service (see `faultProxy`), closed after the test. */
  proxy(mode?: ProxyMode): Promise<FaultProxy>;
}

/**
 * The fixture's `it` with `ClientResources` for clients of `svc` writing with `writer`.
 *
 * @example
 * const svc = useService(backend);
 * const it = clientTest(svc, writer);
 * it("…", async ({ client, proxy, logs }) => { … });
 */
export const clientTest = (svc: TestService, writer: string) =>
  it.extend<ClientResources>({
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
    memory: async ({}, use) => {
      await use(memoryLogger());
    },
    logs: async ({ memory }, use) => {
      await use(memory.logs);
    },
    logger: async ({ memory }, use) => {
      await use(memory.logger);
    },
    dataDir: async ({ defer }, use) => {
      await use(() => {
        const dir = tempDir("sb-client-");
        defer(dir.remove);
        return dir.path;
      });
    },
    client: async ({ defer, dataDir, logger }, use) => {
      await use((options = {}) => {
        const c = createClient({ url: svc.url, token: writer, dataDir: dataDir(), logger, ...options });
        defer(() => c.shutdown(0));
        return c;
      });
    },
    proxy: async ({ defer }, use) => {
      await use(async (mode) => {
        const p = await faultProxy(svc.url, mode);
        defer(() => p.close());
        return p;
      });
    },
  });
