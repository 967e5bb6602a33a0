/**
 * Unit tests of the delivery loop and the client around it, against an in-memory fake of the service's
 * ingest semantics (no network). The real service is exercised by test/client-*.test.ts.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { classifyCode } from "./failure-class.js";
import type { EndSessionInput, SessionEventInput, StartSessionInput } from "./gql/graphql.js";
import { GraphQLRequestError } from "./graphql-http.js";
import {
  createClient,
  type SessionBuddyClient,
  type SessionBuddyClientOptions,
  type TrackingState,
} from "./index.js";
import { Journal, type JournalRecord } from "./journal/journal.js";
import { PendingStore } from "./pending-store.js";
import type { RecordEventsResult, RequestContext, Transport } from "./transport.js";

type Call = { op: string; ids: string[] };

/** The service's ingest rules, in memory: idempotent starts, events once by eventId, completion, NOT_FOUND. */
class FakeService implements Transport {
  readonly calls: Call[] = [];
  readonly sessions = new Map<string, { ended: boolean }>();
  readonly events = new Map<string, SessionEventInput>();
  /** Return an error to fail the call with it. */
  failWith: ((op: string, ids: string[]) => Error | undefined) | undefined;
  /** Calls block until released. */
  gate: Promise<void> | undefined;

  private async enter(op: string, ids: string[], ctx: RequestContext): Promise<void> {
    this.calls.push({ op, ids });
    if (this.gate) {
      await Promise.race([
        this.gate,
        new Promise((_, reject) =>
          ctx.signal.addEventListener("abort", () => reject(new GraphQLRequestError("aborted", "NETWORK"))),
        ),
      ]);
    }
    const error = this.failWith?.(op, ids);
    if (error) throw error;
  }

  async startSession(input: StartSessionInput, ctx: RequestContext) {
    await this.enter("start", [input.id], ctx);
    if (!/^[a-z0-9-]+$/.test(input.component))
      throw new GraphQLRequestError("invalid component", "BAD_USER_INPUT");
    if (!this.sessions.has(input.id)) this.sessions.set(input.id, { ended: false });
  }

  async endSession(input: EndSessionInput, ctx: RequestContext) {
    await this.enter("end", [input.id], ctx);
    const s = this.sessions.get(input.id);
    if (!s) throw new GraphQLRequestError(`no session ${input.id}`, "NOT_FOUND");
    s.ended = true;
  }

  async recordEvents(events: SessionEventInput[], ctx: RequestContext): Promise<RecordEventsResult> {
    await this.enter(
      "events",
      events.map((e) => e.eventId),
      ctx,
    );
    // Like GraphQL variable coercion: one malformed event fails the whole request.
    if (events.some((e) => !Number.isInteger(e.seq)))
      throw new GraphQLRequestError("Variable $events got invalid value", "BAD_USER_INPUT");
    const result: RecordEventsResult = { accepted: 0, duplicates: 0, rejected: [] };
    for (const e of events) {
      if (!this.sessions.has(e.sessionId)) {
        result.rejected.push({ eventId: e.eventId, code: "NOT_FOUND", message: `no session ${e.sessionId}` });
      } else if (e.kind === "forbidden") {
        result.rejected.push({
          eventId: e.eventId,
          code: "FORBIDDEN",
          message: "belongs to another subject",
        });
      } else {
        const stored = this.events.get(e.eventId);
        if (!stored || (stored.outcome == null && e.outcome != null)) {
          this.events.set(e.eventId, e);
          result.accepted++;
        } else result.duplicates++;
      }
    }
    return result;
  }

  async heartbeat(ids: string[], _client: unknown, ctx: RequestContext) {
    await this.enter("heartbeat", ids, ctx);
    return ids.filter((id) => this.sessions.has(id)).length;
  }

  ops(): string[] {
    return this.calls.map((c) => c.op);
  }
}

const dirs: string[] = [];
const clients: SessionBuddyClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.shutdown(0);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(options: Partial<SessionBuddyClientOptions> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "sb-delivery-"));
  dirs.push(dataDir);
  const service = new FakeService();
  const logs: string[] = [];
  const client = createClient({
    url: "http://fake/graphql",
    token: "t",
    dataDir,
    transport: service,
    probe: false,
    logger: { warn: (m) => logs.push(`warn ${m}`), error: (m) => logs.push(`error ${m}`) },
    ...options,
    limits: { backoffBaseMs: 1, backoffMaxMs: 2, ...options.limits },
  });
  clients.push(client);
  return { client, service, logs, dataDir };
}

describe("delivery", () => {
  it("sends a session's start before its events and its end, in batches", async () => {
    const { client, service } = setup({ limits: { batchSize: 3 } });
    const s = client.start({ component: "comp" });
    for (let i = 0; i < 7; i++) await s.record({ kind: "command", text: `c${i}` });
    s.end("EXIT", 0);
    expect(await client.flush()).toEqual({ delivered: 9, pending: 0 });
    expect(service.ops()).toEqual(["start", "events", "events", "events", "end"]);
    expect(service.calls.slice(1, 4).map((c) => c.ids.length)).toEqual([3, 3, 1]);
    expect(service.events.size).toBe(7);
  });

  it("journals the start again when the bound dropped it before delivery", async () => {
    const { client, service, logs } = setup({ limits: { maxJournalEvents: 3 } });
    const s = client.start({ component: "comp" });
    for (let i = 0; i < 4; i++) await s.record({ kind: "command", text: `c${i}` });
    expect(client.journalStatus()).toMatchObject({ depth: 3, dropped: 2 }); // the start and c0
    await client.flush();
    expect(service.ops()).toEqual(["events", "start", "events"]);
    expect(service.sessions.has(s.id)).toBe(true);
    // Journaling the start again is subject to the bound too: it pushed out the oldest event.
    expect([...service.events.values()].map((e) => e.text)).toEqual(["c2", "c3"]);
    expect(client.journalStatus().dropped).toBe(3);
    expect(client.journalStatus().depth).toBe(0);
    expect(logs.some((l) => l.includes("dropped"))).toBe(true);
  });

  it("parks records of a session the service does not know, and keeps them journaled", async () => {
    const { client, service, dataDir } = setup({ limits: { heartbeatIntervalSeconds: 3600 } });
    // A record left by another process whose start this client never saw.
    const other = new Journal({ dataDir, fsync: "never" });
    const event: SessionEventInput = {
      eventId: "e-orphan",
      sessionId: "s-unknown",
      seq: 1,
      kind: "command",
      at: new Date().toISOString(),
    };
    other.append({ key: "e-orphan", kind: "event", at: Date.now(), body: event });
    other.close();
    expect(client.claimOrphans().records).toBe(1);
    const r1 = await client.flushDetailed();
    expect(r1).toMatchObject({ delivered: 0, pending: 1, stop: "done" });
    await client.flush();
    expect(service.ops()).toEqual(["events"]); // parked: not sent again at once
    service.sessions.set("s-unknown", { ended: false });
    expect(client.journalStatus().depth).toBe(1);
  });

  it("isolates an event that makes the whole request invalid, delivering the rest", async () => {
    const { client, service, logs } = setup();
    const s = client.start({ component: "comp" });
    await client.flush();
    const good = [];
    for (let i = 0; i < 5; i++) good.push(await s.record({ kind: "command", text: `c${i}` }));
    // Smuggle a malformed event into the journal, as an older client version might have written it.
    const journal = (client as unknown as { journal: Journal }).journal;
    journal.append({
      key: "bad",
      kind: "event",
      at: Date.now(),
      body: { eventId: "bad", sessionId: s.id, seq: 1.5, kind: "command", at: new Date().toISOString() },
    } as JournalRecord);
    for (let i = 5; i < 8; i++) good.push(await s.record({ kind: "command", text: `c${i}` }));
    await client.flush();
    expect(client.journalStatus().depth).toBe(0);
    expect([...service.events.keys()].sort()).toEqual(good.map((g) => g.eventId).sort());
    expect(client.stats().rejected).toBe(1);
    expect(logs.filter((l) => l.includes("BAD_USER_INPUT"))).toHaveLength(1);
  });

  it("drops events refused for good and logs once per code", async () => {
    const { client, service, logs } = setup();
    const s = client.start({ component: "comp" });
    await s.record({ kind: "forbidden" });
    await s.record({ kind: "forbidden" });
    await s.record({ kind: "command" });
    await client.flush();
    expect(service.events.size).toBe(1);
    expect(client.stats()).toMatchObject({ rejected: 2, delivered: 2 });
    expect(logs.filter((l) => l.includes("FORBIDDEN"))).toHaveLength(1);
  });

  it("never acknowledges a newer version of a record with the answer for an older one", async () => {
    const { client, service } = setup();
    const s = client.start({ component: "comp" });
    await client.flush();
    let release = () => {};
    service.gate = new Promise<void>((r) => {
      release = r;
    });
    const rec = await s.record({ kind: "command", text: "x" });
    const inFlight = client.flush();
    await new Promise((r) => setImmediate(r));
    expect(service.calls.at(-1)?.op).toBe("events");
    s.complete(rec, { durationMs: 5, outcome: "ok" });
    service.gate = undefined;
    release();
    await inFlight;
    await client.flush();
    expect(service.events.get(rec.eventId)).toMatchObject({ outcome: "ok", durationMs: 5 });
    expect(client.journalStatus().depth).toBe(0);
  });

  it("keeps records in memory when the journal cannot be written, and says so", async () => {
    class BrokenJournal extends Journal {
      override append(): void {
        throw new Error("EROFS: read-only file system");
      }
    }
    const dataDir = mkdtempSync(join(tmpdir(), "sb-delivery-"));
    dirs.push(dataDir);
    const logs: string[] = [];
    const store = new PendingStore(new BrokenJournal({ dataDir }), 10, {
      warn: (m) => logs.push(m),
      error: (m) => logs.push(m),
    });
    const v1 = store.append({ key: "a", kind: "event", at: Date.now(), body: {} });
    store.append({ key: "b", kind: "event", at: Date.now(), body: {} });
    expect(store.unwritable).toMatch(/EROFS/);
    expect(store.pending().map((r) => r.key)).toEqual(["a", "b"]);
    expect(store.ack([{ key: "a", version: v1 }])).toBe(1);
    expect(store.depth).toBe(1);
    expect(logs).toHaveLength(1);
    store.close();
  });

  it("shutdown(ms) gives up on a hung service within its bound and leaves the rest claimable", async () => {
    const { client, service, dataDir } = setup();
    service.gate = new Promise<void>(() => {});
    const s = client.start({ component: "comp" });
    await s.record({ kind: "command" });
    s.end("SIGTERM", 143);
    const t0 = performance.now();
    await client.shutdown(200);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(client.tracking().state).toBe("disabled");
    const files = readdirSync(join(dataDir, "journal"));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.closed\.jnl$/);
    expect(Journal.inspect(dataDir).depth).toBe(3);
    // Records written on the exit path after shutdown are still journaled.
    s.end("EXIT", 0); // no-op: already ended
    const late = client.start({ component: "comp" });
    late.end("ERROR", 1);
    expect(Journal.inspect(dataDir).depth).toBe(5);
  });

  it("does not wait out a backoff on the way out when the service has just failed", async () => {
    // A ten-minute backoff: if shutdown waited for the running pass, it would take its whole bound (far
    // longer than this test's timeout); instead it makes one more attempt and leaves the rest journaled.
    const { client, service, dataDir } = setup({ limits: { backoffBaseMs: 600_000, backoffMaxMs: 600_000 } });
    service.failWith = () =>
      new GraphQLRequestError("cannot reach http://fake/graphql (ECONNREFUSED)", "NETWORK");
    const failed = new Promise<void>((resolve) => {
      const off = client.onTrackingChange((state) => {
        if (state.state === "buffering" && /ECONNREFUSED/.test(state.reason)) {
          off();
          resolve();
        }
      });
    });
    const s = client.start({ component: "comp" });
    await failed;
    s.end("EXIT", 0);
    await client.shutdown(600_000);
    expect(client.tracking().state).toBe("disabled");
    expect(Journal.inspect(dataDir).depth).toBe(2);
    // The first attempt of the background pass, then exactly one more on the way out.
    expect(service.calls.map((c) => c.op)).toEqual(["start", "start"]);
  });

  it("STRICT: rejects a record the service does not acknowledge in time, and forgets it", async () => {
    const { client, service } = setup({ captureMode: "STRICT", limits: { strictTimeoutMs: 100 } });
    const s = client.start({ component: "comp" });
    await s.started;
    service.gate = new Promise<void>(() => {});
    await expect(s.record({ kind: "command", text: "rm -rf" })).rejects.toMatchObject({
      code: "STRICT_NOT_ACKNOWLEDGED",
    });
    expect(client.journalStatus().depth).toBe(0);
  });

  it("STRICT: a refused start fails the session and everything recorded in it", async () => {
    const { client } = setup({ captureMode: "STRICT" });
    const s = client.start({ component: "Not Valid" });
    await expect(s.started).rejects.toMatchObject({
      code: "STRICT_NOT_ACKNOWLEDGED",
      message: expect.stringMatching(/refused .*BAD_USER_INPUT/),
    });
    await expect(s.record({ kind: "command" })).rejects.toMatchObject({ code: "STRICT_NOT_ACKNOWLEDGED" });
    expect(client.journalStatus().depth).toBe(0);
  });

  it("journals while no token can be obtained, and sends once one can", async () => {
    let current: string | undefined;
    const { client, service, logs } = setup({
      token: undefined,
      getToken: () => {
        if (!current) throw new Error("no local secret yet");
        return current;
      },
    });
    const s = client.start({ component: "comp" });
    await client.flush();
    await client.flush();
    expect(service.calls).toHaveLength(0);
    expect(client.tracking()).toEqual({
      state: "refused",
      code: "NO_TOKEN",
      reason: "no token available; events are kept in the journal and sent once there is one",
      detail: "no local secret yet",
    });
    expect(logs.filter((l) => l.includes("no token"))).toHaveLength(1);
    current = "t";
    await client.flush();
    expect(client.tracking()).toEqual({ state: "enabled" });
    expect(service.sessions.has(s.id)).toBe(true);
  });

  it("reports the tracking state honestly", async () => {
    const { client, service } = setup();
    expect(client.tracking()).toEqual({
      state: "connecting",
      reason: expect.stringMatching(/waiting for the service's first answer/),
    });
    service.failWith = () => new GraphQLRequestError("cannot reach http://fake (ECONNREFUSED)", "NETWORK");
    client.start({ component: "comp" });
    await client.flush();
    expect(client.tracking()).toEqual({
      state: "buffering",
      reason: expect.stringMatching(/unreachable.*ECONNREFUSED/),
    });
    service.failWith = undefined;
    await client.flush({ force: true });
    expect(client.tracking()).toEqual({ state: "enabled" });
    client.shutdownSync();
    expect(client.tracking()).toEqual({ state: "disabled", reason: "the client was shut down" });
  });
});

/** Resolves with the first state `client` changes to that satisfies `pred`. */
function nextState(
  client: SessionBuddyClient,
  pred: (state: TrackingState) => boolean,
): Promise<TrackingState> {
  return new Promise((resolve) => {
    const off = client.onTrackingChange((state) => {
      if (!pred(state)) return;
      off();
      resolve(state);
    });
  });
}

const unreachable = () =>
  new GraphQLRequestError("cannot reach http://fake/graphql (ECONNREFUSED)", "NETWORK");

describe("tracking state", () => {
  it("tells each change of state once, not each failure within one", async () => {
    const { client, service } = setup({ limits: { recoveryProbeMs: 60_000 } });
    const told: string[] = [];
    client.onTrackingChange((state) => told.push(state.state));
    const connectingSince = client.trackingSince();
    expect(client.tracking().state).toBe("connecting");
    service.failWith = unreachable;
    client.start({ component: "comp" });
    await client.flush();
    await client.flush({ force: true });
    expect(service.calls.length).toBeGreaterThanOrEqual(3);
    expect(client.breakerState).toBe("open");
    expect(client.tracking()).toEqual({
      state: "buffering",
      reason: expect.stringMatching(
        /^service unreachable \(.*ECONNREFUSED.*\); circuit breaker open, events will be replayed$/,
      ),
    });
    // Failures with other reasons, the breaker opening: still the one state, told once.
    expect(told).toEqual(["buffering"]);
    const bufferingSince = client.trackingSince();
    expect(Date.parse(bufferingSince)).toBeGreaterThanOrEqual(Date.parse(connectingSince));
    service.failWith = undefined;
    await client.flush({ force: true });
    expect(told).toEqual(["buffering", "enabled"]);
    expect(client.trackingSince() >= bufferingSince).toBe(true);
  });

  it("a slow first answer is connecting, not unreachable", async () => {
    const { client, service } = setup();
    let release = () => {};
    service.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const told: string[] = [];
    client.onTrackingChange((state) => told.push(state.state));
    client.start({ component: "comp" });
    const flushed = client.flush();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(service.calls).toHaveLength(1); // the start is in flight
    expect(client.tracking().state).toBe("connecting");
    service.gate = undefined;
    release();
    await flushed;
    expect(told).toEqual(["enabled"]);
  });

  it.each([
    ["UNAUTHENTICATED", "TOKEN_EXPIRED", "token expired"],
    ["UNAUTHENTICATED", "TOKEN_NOT_YET_VALID", "token not yet valid (is a clock off?)"],
    [
      "UNAUTHENTICATED",
      "TOKEN_INVALID",
      "token invalid (its signature, algorithm or format is not accepted)",
    ],
    [
      "UNAUTHENTICATED",
      "TOKEN_CLAIMS_INVALID",
      "token claims not accepted (wrong audience, issuer or subject)",
    ],
    ["UNAUTHENTICATED", undefined, "token refused"],
    ["FORBIDDEN", "TOKEN_COMPONENTS", "component not allowed by the token"],
    ["FORBIDDEN", "TOKEN_SCOPE", "token lacks the sessions:write scope"],
  ] as const)("%s %s: refused — %s; the records stay journaled", async (code, reason, words) => {
    const { client, service } = setup();
    // The message says something else on purpose: the reason decides, never the wording.
    service.failWith = () => new GraphQLRequestError("the service is unreachable", code, reason);
    const s = client.start({ component: "comp" });
    await s.record({ kind: "command", text: "a()" });
    await client.flush();
    expect(client.tracking()).toEqual({
      state: "refused",
      code: reason ?? "TOKEN_REFUSED",
      reason: `${words}; events are kept in the journal until a valid token is configured`,
      detail: `the service is unreachable [${code}]`,
    });
    expect(client.journalStatus().depth).toBe(2);
  });

  it("a refusal for another reason is a change; a valid token ends it", async () => {
    let current = "expired";
    const { client, service } = setup({ token: undefined, getToken: () => current });
    service.failWith = () =>
      current === "expired"
        ? new GraphQLRequestError("the token has expired", "UNAUTHENTICATED", "TOKEN_EXPIRED")
        : current === "other"
          ? new GraphQLRequestError("no", "FORBIDDEN", "TOKEN_COMPONENTS")
          : undefined;
    const told: TrackingState[] = [];
    client.onTrackingChange((state) => told.push(state));
    client.start({ component: "comp" });
    await client.flush();
    await client.flush();
    current = "other";
    await client.flush();
    current = "good";
    await client.flush();
    expect(told.map((t) => ("code" in t ? `${t.state}:${t.code}` : t.state))).toEqual([
      "refused:TOKEN_EXPIRED",
      "refused:TOKEN_COMPONENTS",
      "enabled",
    ]);
  });

  it("STRICT: blocked while unreachable or refused, and never promises a replay", async () => {
    const { client, service } = setup({
      captureMode: "STRICT",
      limits: { recoveryProbeMs: 20, recoveryProbeMaxMs: 40 },
    });
    const s = client.start({ component: "comp" });
    await s.started;
    service.failWith = unreachable;
    await expect(s.record({ kind: "command", text: "rm()" })).rejects.toMatchObject({
      code: "STRICT_NOT_ACKNOWLEDGED",
    });
    const blocked = client.tracking();
    expect(blocked).toMatchObject({
      state: "strict-blocked",
      cause: "unreachable",
      reason: "service unreachable; commands are refused until the service acknowledges them",
      detail: expect.stringMatching(/ECONNREFUSED/),
    });
    expect(JSON.stringify(blocked)).not.toMatch(/replay/);
    // The service is back, and refuses the token: the next reachability probe finds out.
    const refused = nextState(
      client,
      (state) => state.state === "strict-blocked" && state.cause === "refused",
    );
    service.failWith = () =>
      new GraphQLRequestError("the token has expired", "UNAUTHENTICATED", "TOKEN_EXPIRED");
    await refused;
    await expect(s.record({ kind: "command", text: "rm()" })).rejects.toMatchObject({
      message: expect.stringMatching(/refused the token: token expired/),
    });
    expect(client.tracking()).toMatchObject({
      state: "strict-blocked",
      cause: "refused",
      code: "TOKEN_EXPIRED",
      reason: "token expired; commands are refused until a valid token is configured",
    });
  });

  it("recovers within the probe cadence, not the breaker's cooldown, probing cheaply meanwhile", async () => {
    const { client, service } = setup({
      limits: { breakerCooldownMs: 600_000, recoveryProbeMs: 20, recoveryProbeMaxMs: 40 },
    });
    service.failWith = unreachable;
    const s = client.start({ component: "comp" });
    await s.record({ kind: "command", text: "a()" });
    await client.flush();
    expect(client.breakerState).toBe("open");
    const opened = service.calls.length;
    // Three probes while the service is still down, each a lone empty heartbeat.
    const probes: number[] = [];
    await new Promise<void>((resolve) => {
      service.failWith = (op, ids) => {
        if (op === "heartbeat" && ids.length === 0) probes.push(performance.now());
        if (probes.length >= 3) resolve();
        return unreachable();
      };
    });
    expect(service.calls.slice(opened).map((c) => `${c.op}:${c.ids.length}`)).toEqual(
      probes.map(() => "heartbeat:0"),
    );
    // Jittered in [c/2, c): never closer than 10 ms (first) or 20 ms (capped) apart.
    expect(probes[1]! - probes[0]!).toBeGreaterThanOrEqual(15);
    expect(probes[2]! - probes[1]!).toBeGreaterThanOrEqual(15);
    const enabled = nextState(client, (state) => state.state === "enabled");
    const back = performance.now();
    service.failWith = undefined;
    await enabled;
    expect(performance.now() - back).toBeLessThan(2_000);
    await client.flush();
    expect(client.journalStatus().depth).toBe(0);
    expect(service.sessions.has(s.id)).toBe(true);
  });

  it("a service that answers but cannot store: one probe and one request per round, and no flapping", async () => {
    const { client, service } = setup({
      limits: { breakerCooldownMs: 600_000, recoveryProbeMs: 20, recoveryProbeMaxMs: 40 },
    });
    const dbDown = () => new GraphQLRequestError("the database is unavailable", "SERVICE_UNAVAILABLE");
    service.failWith = (op) => (op === "heartbeat" ? undefined : dbDown());
    const told: string[] = [];
    client.onTrackingChange((state) => told.push(state.state));
    client.start({ component: "comp" });
    await client.flush();
    expect(client.breakerState).toBe("open");
    const opened = service.calls.length;
    await new Promise<void>((resolve) => {
      service.failWith = (op) => {
        if (service.calls.length - opened >= 6) resolve();
        return op === "heartbeat" ? undefined : dbDown();
      };
    });
    expect(
      service.calls
        .slice(opened, opened + 6)
        .map((c) => c.op)
        .join(" "),
    ).toBe("heartbeat start heartbeat start heartbeat start");
    expect(told).toEqual(["buffering"]);
  });
});

describe("classifyCode", () => {
  it("pauses on token problems, drops what can never be stored, retries the rest", () => {
    expect(classifyCode("UNAUTHENTICATED", "TOKEN_EXPIRED")).toBe("auth");
    expect(classifyCode("FORBIDDEN", "TOKEN_SCOPE")).toBe("auth");
    expect(classifyCode("FORBIDDEN", "TOKEN_COMPONENTS")).toBe("auth");
    expect(classifyCode("FORBIDDEN", "NOT_OWNER")).toBe("reject");
    // The reason decides, never the wording of a message.
    expect(classifyCode("FORBIDDEN", "the token's scopes do not allow this")).toBe("reject");
    expect(classifyCode("FORBIDDEN")).toBe("reject");
    expect(classifyCode("BAD_USER_INPUT", "invalid")).toBe("reject");
    expect(classifyCode("CONFLICT", "seq taken")).toBe("reject");
    expect(classifyCode("NOT_FOUND", "no session")).toBe("not-found");
    for (const code of [
      "NETWORK",
      "TIMEOUT",
      "HTTP_503",
      "INTERNAL_SERVER_ERROR",
      "BAD_RESPONSE",
      "WHATEVER",
    ])
      expect(classifyCode(code, "")).toBe("transient");
  });
});
