/**
 * The hash chain end to end: the client chains its records at capture, the service recomputes and stores
 * the hashes, checks each completion against its command's hash, and says how complete
 * a session's record is — COMPLETE, GAPPED, TRUNCATED, BROKEN — and which seqs are missing. A record that
 * does not match is stored and flagged, never dropped.
 */
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createClient, type SessionBuddyClient } from "../client/index.js";
import { completionHash, endHash, eventHash, startHash } from "../contract/chain.js";
import { memoryLogger } from "./client-kit.js";
import {
  backends,
  component,
  gql,
  readerToken,
  startService,
  type TestService,
  tempDir,
  token,
  uuid,
} from "./harness.js";
import { END, RECORD, START, startInput } from "./ops.js";

const CHAIN = `query C($id: ID!) { session(id: $id) {
  status completeness chained brokenSeq lastSeq startHash sessionHash endHash commandCount errorCount eventCount
  missingSeqRanges { from to }
  events(first: 100) { edges { node { seq kind outcome durationMs errorClass payload hash prevHash hashOk completionHash } } }
} }`;
const BY_COMPLETENESS = `query L($c: String, $k: Completeness) {
  sessions(filter: { component: $c, completeness: $k }, first: 50) { edges { node { id completeness } } }
}`;

interface ChainEvent {
  seq: number;
  kind: string;
  outcome: string | null;
  durationMs: number | null;
  errorClass: string | null;
  payload: Record<string, unknown>;
  hash: string | null;
  prevHash: string | null;
  hashOk: boolean | null;
  completionHash: string | null;
}

/** A shell speaking the wire directly, chaining as the client does (so a test can break one link). */
function wireSession(c: string) {
  const id = uuid();
  const start = startInput(c, id, { startedAt: new Date(Date.now() - 60_000).toISOString() });
  const root = startHash(start);
  let last = root;
  let seq = 0;
  return {
    id,
    start: { ...start, hash: root },
    root,
    next(extra: Record<string, unknown> = {}) {
      seq++;
      const e = {
        eventId: uuid(),
        sessionId: id,
        seq,
        kind: "command",
        at: new Date(Date.now() - 30_000 + seq).toISOString(),
        text: `cmd ${seq}`,
        ...extra,
      };
      const withChain = { ...e, prevHash: last, hash: eventHash(last, e) };
      last = withChain.hash;
      return withChain;
    },
    end(lastSeq = seq) {
      const body = {
        id,
        endedAt: new Date().toISOString(),
        endReason: "EXIT" as const,
        exitCode: 0,
        lastSeq,
      };
      return { ...body, prevHash: last, hash: endHash(last, body) };
    },
  };
}

describe.each(backends())("hash chain on %s", (backend) => {
  let svc: TestService;
  let writer: string;
  let reader: string;
  const cleanups: (() => unknown)[] = [];
  const { logger } = memoryLogger();

  beforeAll(async () => {
    svc = await startService(backend);
    writer = await token({ sub: "alice" });
    reader = await readerToken();
  });
  afterAll(() => svc.stop());
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  function client(): SessionBuddyClient {
    const dir = tempDir("sb-chain-");
    const c = createClient({ url: svc.url, token: writer, dataDir: dir.path, logger });
    cleanups.push(dir.remove, () => c.shutdown(0));
    return c;
  }

  const session = async (id: string) => (await gql(svc.url, CHAIN, { id }, reader)).body.data!.session;
  const events = (s: { events: { edges: { node: ChainEvent }[] } }) => s.events.edges.map((e) => e.node);

  it("chains a client's session from capture: every link and completion matches, the record is COMPLETE", async () => {
    const c = client();
    const comp = component("chain");
    const tracked = c.start({ component: comp, shellType: "TestShell" });
    await tracked.started;
    const r1 = await tracked.record({ kind: "command", text: "lint()" });
    const r2 = await tracked.record({ kind: "command", text: "boom()", payload: { at: "repl" } });
    tracked.complete(r2, { durationMs: 3, outcome: "error", errorClass: "TypeError", payload: { line: 1 } });
    tracked.complete(r1, { durationMs: 12.5, outcome: "ok" });
    await tracked.record({ kind: "note", text: "hello", payload: { a: 1 } });
    tracked.end("EXIT", 0);
    expect((await c.flush()).pending).toBe(0);

    const s = await session(tracked.id);
    expect(s).toMatchObject({
      status: "ENDED",
      completeness: "COMPLETE",
      chained: true,
      brokenSeq: null,
      lastSeq: 3,
      missingSeqRanges: [],
      commandCount: 2,
      errorCount: 1,
      eventCount: 3,
    });
    expect(s.startHash).toMatch(/^[0-9a-f]{64}$/);
    expect(s.sessionHash).toMatch(/^[0-9a-f]{64}$/);
    expect(s.endHash).toMatch(/^[0-9a-f]{64}$/);
    const list = events(s);
    expect(list.every((e) => e.hashOk === true)).toBe(true);
    // Each event is chained to the one before it, the first to the start.
    expect(list[0]!.prevHash).toBe(s.startHash);
    for (let i = 1; i < list.length; i++) expect(list[i]!.prevHash).toBe(list[i - 1]!.hash);
    expect(list[0]).toMatchObject({ outcome: "ok", durationMs: 12.5 });
    expect(list[0]!.completionHash).toBe(completionHash(list[0]!.hash!, { outcome: "ok", durationMs: 12.5 }));
    // The completion's result joins the captured payload; the hash still covers the payload as captured.
    expect(list[1]).toMatchObject({
      outcome: "error",
      errorClass: "TypeError",
      payload: { at: "repl", line: 1 },
    });
    expect(list[2]).toMatchObject({ kind: "note", completionHash: null });
  });

  it("checks a completion against its command whether it comes with the command or after it", async () => {
    const w = wireSession(component("complete"));
    await gql(svc.url, START, { input: w.start }, writer);
    const [a, b, c] = [w.next(), w.next(), w.next()];
    const done = (e: { hash: string }, outcome: string, durationMs: number) => ({
      outcome,
      durationMs,
      completionHash: completionHash(e.hash, { outcome, durationMs }),
    });
    // a: sent completed (its first version never left); b: completed later; c: a completion altered.
    const first = await gql(svc.url, RECORD, { events: [{ ...a, ...done(a, "ok", 5) }, b, c] }, writer);
    expect(first.body.data!.recordEvents).toMatchObject({ accepted: 3, rejected: [] });
    await gql(svc.url, RECORD, { events: [{ ...b, ...done(b, "error", 7) }] }, writer);
    let s = await session(w.id);
    expect(s.brokenSeq).toBeNull();
    // A completion sent again is a duplicate: the command is not completed a second time.
    const again = await gql(svc.url, RECORD, { events: [{ ...b, ...done(b, "ok", 1) }] }, writer);
    expect(again.body.data!.recordEvents).toMatchObject({ accepted: 0, duplicates: 1 });
    const altered = { ...c, ...done(c, "ok", 9), outcome: "error" };
    expect((await gql(svc.url, RECORD, { events: [altered] }, writer)).body.data!.recordEvents.accepted).toBe(
      1,
    );
    await gql(svc.url, END, { input: w.end() }, writer);
    s = await session(w.id);
    expect(events(s).map((e) => [e.outcome, e.durationMs])).toEqual([
      ["ok", 5],
      ["error", 7],
      ["error", 9],
    ]);
    expect(s).toMatchObject({ completeness: "BROKEN", brokenSeq: 3 });
  });

  it("says GAPPED with the missing ranges while seqs are missing, and COMPLETE once they arrive", async () => {
    const comp = component("gap");
    const w = wireSession(comp);
    await gql(svc.url, START, { input: w.start }, writer);
    const all = Array.from({ length: 7 }, () => w.next());
    await gql(svc.url, RECORD, { events: [all[0], all[3], all[4]] }, writer);
    await gql(svc.url, END, { input: w.end() }, writer);
    let s = await session(w.id);
    expect(s.completeness).toBe("GAPPED");
    expect(s.missingSeqRanges).toEqual([
      { from: 2, to: 3 },
      { from: 6, to: 7 },
    ]);
    const gapped = await gql(svc.url, BY_COMPLETENESS, { c: comp, k: "GAPPED" }, reader);
    expect(gapped.body.data!.sessions.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([w.id]);

    await gql(svc.url, RECORD, { events: [all[1], all[2], all[5], all[6]] }, writer);
    s = await session(w.id);
    expect(s).toMatchObject({ completeness: "COMPLETE", missingSeqRanges: [], brokenSeq: null });
  });

  it("stores an event that does not match its hash, flags it and says BROKEN at its seq", async () => {
    const comp = component("broken");
    const w = wireSession(comp);
    await gql(svc.url, START, { input: w.start }, writer);
    const [e1, e2, e3] = [w.next(), w.next(), w.next()];
    const altered = { ...e2, text: "rm -rf /" };
    const r = await gql(svc.url, RECORD, { events: [e1, altered, e3] }, writer);
    expect(r.body.data!.recordEvents).toMatchObject({ accepted: 3, rejected: [] });
    await gql(svc.url, END, { input: w.end() }, writer);
    const s = await session(w.id);
    expect(s).toMatchObject({ completeness: "BROKEN", brokenSeq: 2 });
    expect(events(s).map((e) => e.hashOk)).toEqual([true, false, true]);
    const broken = await gql(svc.url, BY_COMPLETENESS, { c: comp, k: "BROKEN" }, reader);
    expect(broken.body.data!.sessions.edges).toHaveLength(1);
    const metrics = await (await fetch(`${svc.origin}/metrics`)).text();
    expect(metrics).toContain(
      `session_record_completeness{component_name="${comp}",completeness="BROKEN"} 1`,
    );
  });

  it("finds a link that does not match whichever side arrives first", async () => {
    const w = wireSession(component("link"));
    await gql(svc.url, START, { input: w.start }, writer);
    const e1 = w.next();
    // An event chained to something else than seq 1 (its own hash is consistent): a record was replaced.
    const forged = { ...w.next(), prevHash: "f".repeat(64) };
    forged.hash = eventHash(forged.prevHash, forged);
    await gql(svc.url, RECORD, { events: [forged] }, writer);
    expect((await session(w.id)).brokenSeq).toBeNull();
    await gql(svc.url, RECORD, { events: [e1] }, writer);
    expect(await session(w.id)).toMatchObject({ completeness: "BROKEN", brokenSeq: 2 });
  });

  it("says BROKEN at the start when the start is not what was hashed, and at the end when the end is not", async () => {
    const a = wireSession(component("start"));
    await gql(svc.url, START, { input: { ...a.start, username: "someone-else" } }, writer);
    expect(await session(a.id)).toMatchObject({ completeness: "BROKEN", brokenSeq: 0 });

    const b = wireSession(component("end"));
    await gql(svc.url, START, { input: b.start }, writer);
    await gql(svc.url, RECORD, { events: [b.next()] }, writer);
    await gql(svc.url, END, { input: { ...b.end(), exitCode: 3 } }, writer);
    expect(await session(b.id)).toMatchObject({ completeness: "BROKEN", brokenSeq: -1 });
  });

  it("says TRUNCATED for an abandoned session, and an unchained session is checked for gaps only", async () => {
    const comp = component("trunc");
    const w = wireSession(comp);
    await gql(svc.url, START, { input: w.start }, writer);
    await gql(svc.url, RECORD, { events: [w.next()] }, writer);
    await svc.db.database.db.execute(
      sql`update sessions set last_seen_at = now() - interval '2 days' where id = ${w.id}::uuid`,
    );
    await svc.app.services.sessions.reap(60);
    expect(await session(w.id)).toMatchObject({ status: "ABANDONED", completeness: "TRUNCATED" });

    const id = uuid();
    await gql(svc.url, START, { input: startInput(comp, id) }, writer);
    const legacy = (seq: number) => ({
      eventId: uuid(),
      sessionId: id,
      seq,
      kind: "command",
      at: new Date().toISOString(),
      text: `legacy ${seq}`,
    });
    await gql(svc.url, RECORD, { events: [legacy(1), legacy(3)] }, writer);
    expect(await session(id)).toMatchObject({
      chained: false,
      completeness: "GAPPED",
      missingSeqRanges: [{ from: 2, to: 2 }],
    });
  });
});
