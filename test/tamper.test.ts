/**
 * The tamper corpus: a store written by real shells (the client chains at capture) and signed by the
 * service's checkpoints, then altered directly in the database the way someone with write access would
 * (the append-only triggers switched off first, as the table owner can). Each alteration must be detected
 * by `GET /trail.ndjson` + the verifier, and named: the session, the seq and what is wrong. An untouched
 * store verifies clean; so does its bundle, and a bundle cut after export is named too.
 */
import { join } from "node:path";
import { type SQL, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { loadSigningKey } from "../api/trust/signing-key.js";
import { createClient } from "../client/index.js";
import { eventHash, sessionHash } from "../contract/chain.js";
import {
  capturedContent,
  describeProblem,
  type TrailCheckpoint,
  type TrailLine,
  TrailVerifier,
  verifyBundle,
} from "../contract/verify.js";
import { memoryLogger } from "./client-kit.js";
import {
  backends,
  component,
  readerToken,
  startService,
  type TestService,
  tempDir,
  token,
} from "./harness.js";

interface Store {
  svc: TestService;
  /** Sessions A (ended, 4 commands), B (ended, 3) signed by checkpoint 1; C (ended, 2) by checkpoint 2. */
  a: string;
  b: string;
  c: string;
  exec(q: SQL): Promise<Record<string, unknown>[]>;
  /** Runs statements with the append-only triggers off, as a table owner could. */
  tamper(...qs: SQL[]): Promise<void>;
  /** The problems `verify --all` would print (with `--witness`, given a copy of GET /checkpoints). */
  verify(witness?: TrailCheckpoint[]): Promise<string[]>;
  bundle(id: string): Promise<Record<string, unknown>>;
}

const TABLES = ["sessions", "session_events", "checkpoints"];

async function openStore(backend: Parameters<typeof startService>[0], defer: (f: () => unknown) => void) {
  const dir = tempDir("sb-tamper-");
  defer(dir.remove);
  const signingKey = await loadSigningKey({ configured: undefined, defaultPath: join(dir.path, "key.jwk") });
  const svc = await startService(backend, { app: { signingKey, checkpointIntervalSeconds: 3600 } });
  defer(() => svc.stop());
  const writer = await token({ sub: "alice" });
  const reader = await readerToken("auditor");
  const { logger } = memoryLogger();
  const client = createClient({ url: svc.url, token: writer, dataDir: join(dir.path, "journal"), logger });
  defer(() => client.shutdown(0));
  const comp = component("tamper");

  async function session(commands: number) {
    const s = client.start({ component: comp, shellType: "TestShell" });
    await s.started;
    for (let i = 1; i <= commands; i++) {
      const r = await s.record({ kind: "command", text: `step ${i}`, payload: { n: i } });
      s.complete(r, {
        durationMs: i,
        outcome: i === 2 ? "error" : "ok",
        ...(i === 2 ? { errorClass: "TypeError" } : {}),
        ...(i === 3 ? { payload: { rows: 3 } } : {}),
      });
    }
    s.end("EXIT", 0);
    expect((await client.flush()).pending).toBe(0);
    return s.id;
  }

  const checkpointer = svc.app.checkpointer!;
  const a = await session(4);
  const b = await session(3);
  expect(await checkpointer.run()).toHaveLength(1);
  const c = await session(2);
  expect(await checkpointer.run()).toHaveLength(1);

  const db = svc.db.database.db;
  const exec = async (q: SQL) => {
    const r = (await db.execute(q)) as unknown as
      | { rows?: Record<string, unknown>[] }
      | Record<string, unknown>[];
    return Array.isArray(r) ? r : (r.rows ?? []);
  };
  const store: Store = {
    svc,
    a,
    b,
    c,
    exec,
    async tamper(...qs) {
      await db.transaction(async (tx) => {
        for (const t of TABLES) await tx.execute(sql.raw(`alter table ${t} disable trigger user`));
        for (const q of qs) await tx.execute(q);
        for (const t of TABLES) await tx.execute(sql.raw(`alter table ${t} enable trigger user`));
      });
    },
    async verify(witness?: TrailCheckpoint[]) {
      const res = await fetch(new URL("/trail.ndjson", svc.url), {
        headers: { authorization: `Bearer ${reader}` },
      });
      expect(res.status).toBe(200);
      const v = new TrailVerifier(signingKey.jwks);
      if (witness) await v.witness(witness);
      for (const line of (await res.text()).split("\n").filter(Boolean))
        await v.line(JSON.parse(line) as TrailLine);
      const report = await v.finish();
      return report.problems.map(describeProblem);
    },
    async bundle(id) {
      const res = await fetch(new URL(`/trail/sessions/${id}`, svc.url), {
        headers: { authorization: `Bearer ${reader}` },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as Record<string, unknown>;
    },
  };
  return { store, signingKey };
}

/** The stored event `seq` of session `id`, as the trail carries it. */
async function eventRow(s: Store, id: string, seq: number) {
  const [row] = await s.exec(sql`select id, session_id as "sessionId", seq, kind, at, text, redactions,
      prev_hash as "prevHash", outcome, duration_ms as "durationMs", error_class as "errorClass", payload,
      capture_payload as "capturePayload", completion_hash as "completionHash"
    from session_events where session_id = ${id}::uuid and seq = ${seq}`);
  return row as unknown as Parameters<typeof capturedContent>[0] & { prevHash: string };
}

/**
 * Rewrites session `id`'s events `from`..`to` consistently: the first one's text changed, every hash from
 * there recomputed (completion hashes dropped, each event hashed with its outcome as if captured
 * complete), and the end chained to the new last hash, so the chain itself holds.
 */
async function rewriteChain(s: Store, id: string, from: number, to: number, text: string) {
  let prev = (await eventRow(s, id, from)).prevHash;
  for (let seq = from; seq <= to; seq++) {
    const row = await eventRow(s, id, seq);
    const t = seq === from ? text : row.text;
    const hash = eventHash(prev, {
      ...capturedContent({ ...row, text: t, completionHash: null }),
      eventId: row.id,
    });
    await s.tamper(
      sql`update session_events set text = ${t}, prev_hash = ${prev}, hash = ${hash}, completion_hash = null
        where session_id = ${id}::uuid and seq = ${seq}`,
    );
    prev = hash;
  }
  await s.tamper(sql`update sessions set end_prev_hash = ${prev} where id = ${id}::uuid`);
}

describe.each(backends())("the tamper corpus on %s", (backend) => {
  const cleanups: (() => unknown)[] = [];
  const defer = (f: () => unknown) => cleanups.push(f);
  afterEach(async () => {
    for (const f of cleanups.splice(0).reverse()) await f();
  });
  const open = async () => (await openStore(backend, defer)).store;

  it("verifies an untouched store clean, with every record signed and counted", async () => {
    const { store, signingKey } = await openStore(backend, defer);
    expect(await store.verify()).toEqual([]);
    const res = await fetch(new URL("/trail.ndjson", store.svc.url), {
      headers: { authorization: `Bearer ${await readerToken()}` },
    });
    const v = new TrailVerifier(signingKey.jwks);
    for (const line of (await res.text()).split("\n").filter(Boolean)) await v.line(JSON.parse(line));
    const report = await v.finish();
    expect(report.counts).toEqual({ checkpoints: 2, sessions: 3, events: 9, unsigned: 0, purged: 0 });
    for (const id of [store.a, store.b, store.c]) {
      const r = await verifyBundle(await store.bundle(id), signingKey.jwks);
      expect(r.problems.map(describeProblem)).toEqual([]);
    }
  });

  it("names an event whose text was edited", async () => {
    const s = await open();
    await s.tamper(
      sql`update session_events set text = 'drop table users' where session_id = ${s.a}::uuid and seq = 2`,
    );
    expect(await s.verify()).toEqual([
      `session ${s.a} seq 2: its content (text, time, kind, seq or payload) does not match its hash: altered after capture`,
    ]);
  });

  it("names the link broken when an event's text and its stored hash were both rewritten", async () => {
    const s = await open();
    const row = await eventRow(s, s.a, 2);
    const forged = eventHash(row.prevHash, {
      ...capturedContent(row),
      eventId: row.id,
      text: "drop table users",
    });
    await s.tamper(
      sql`update session_events set text = 'drop table users', hash = ${forged} where session_id = ${s.a}::uuid and seq = 2`,
    );
    // The command's completion was chained to its old hash: that link breaks too.
    expect(await s.verify()).toEqual([
      `session ${s.a} seq 2: its completion (outcome, duration, error class or result) does not match its hash`,
      `session ${s.a} seq 3: not chained to seq 2 (seq 2's hash was changed, or an event was inserted)`,
    ]);
  });

  it("names the session when its whole chain was rewritten consistently, from the checkpoint that signed it", async () => {
    const s = await open();
    await rewriteChain(s, s.a, 2, 4, "drop table users");
    expect(await s.verify()).toEqual([
      `checkpoint 1 session ${s.a}: checkpoint 1 signed 6 records of it, 6 are stored and they differ from what was signed (altered, deleted or inserted after signing)`,
    ]);
  });

  it("needs a witness copy of the checkpoints to catch a rewrite signed afresh after its checkpoint was deleted", async () => {
    const s = await open();
    const witness = (
      (await (await fetch(new URL("/checkpoints", s.svc.url))).json()) as { checkpoints: TrailCheckpoint[] }
    ).checkpoints;
    // Session C's chain rewritten, its checkpoint (the newest) deleted and its marks cleared: the service
    // signs the rewritten records afresh as checkpoint 2.
    await rewriteChain(s, s.c, 1, 2, "grant all to mallory");
    await s.tamper(
      sql`delete from checkpoints where seq = 2`,
      sql`update sessions set checkpoint = null where checkpoint = 2`,
      sql`update sessions set end_checkpoint = null where end_checkpoint = 2`,
      sql`update session_events set checkpoint = null, completion_checkpoint = null where checkpoint = 2`,
    );
    expect(await s.svc.app.checkpointer!.run()).toHaveLength(1);
    // The store alone is consistent again: what the README's Trust section says verifying cannot tell.
    expect(await s.verify()).toEqual([]);
    expect(await s.verify(witness)).toEqual([
      "checkpoint 2: differs from the witness copy: replaced after it was witnessed (the records it signed may have been rewritten)",
    ]);
  });

  it("names a deleted event", async () => {
    const s = await open();
    await s.tamper(sql`delete from session_events where session_id = ${s.b}::uuid and seq = 2`);
    expect(await s.verify()).toEqual([`session ${s.b} seq 2: seq 2 is missing from the record`]);
  });

  it("names both events of two swapped seqs", async () => {
    const s = await open();
    await s.tamper(
      sql`update session_events set seq = -1 where session_id = ${s.a}::uuid and seq = 2`,
      sql`update session_events set seq = 2 where session_id = ${s.a}::uuid and seq = 3`,
      sql`update session_events set seq = 3 where session_id = ${s.a}::uuid and seq = -1`,
    );
    const problems = await s.verify();
    for (const seq of [2, 3])
      expect(problems).toContainEqual(
        `session ${s.a} seq ${seq}: its content (text, time, kind, seq or payload) does not match its hash: altered after capture`,
      );
  });

  it("names a forged event inserted after a session's end, chained to its last event", async () => {
    const s = await open();
    const last = await s.exec(
      sql`select hash from session_events where session_id = ${s.b}::uuid and seq = 3`,
    );
    const forged = {
      eventId: "0190a000-0000-7000-8000-000000000001",
      sessionId: s.b,
      seq: 4,
      kind: "command",
      at: new Date().toISOString(),
      text: "grant all to mallory",
    };
    const hash = eventHash(String(last[0]!.hash), forged);
    await s.tamper(sql`insert into session_events (id, session_id, seq, kind, at, text, prev_hash, hash, hash_ok)
      values (${forged.eventId}::uuid, ${s.b}::uuid, 4, 'command', ${forged.at}::timestamptz, ${forged.text},
        ${String(last[0]!.hash)}, ${hash}, true)`);
    expect(await s.verify()).toEqual([
      `session ${s.b} seq 4: seq 4 recorded after the session's end, which names seq 3 as its last`,
    ]);
    // Marked as if a checkpoint had signed it, it is named from that checkpoint too.
    await s.tamper(
      sql`update session_events set checkpoint = 1, completion_checkpoint = 1 where id = ${forged.eventId}::uuid`,
    );
    expect(await s.verify()).toContain(
      `session ${s.b} seq 4: seq 4 recorded after the session's end, which names seq 3 as its last`,
    );
  });

  it("names a deleted session", async () => {
    const s = await open();
    await s.tamper(sql`delete from sessions where id = ${s.b}::uuid`);
    expect(await s.verify()).toEqual([
      `checkpoint 1 session ${s.b}: deleted: checkpoint 1 signed 5 records of it, none is stored as signed`,
    ]);
  });

  it("names a session whose actor or start time was changed, even with its hash recomputed", async () => {
    const s = await open();
    await s.tamper(sql`update sessions set actor = 'mallory' where id = ${s.a}::uuid`);
    expect(await s.verify()).toEqual([
      `session ${s.a}: its identity (actor, component, type, start time, user, host or pid) does not match its hash: altered after it was stored`,
    ]);
    const [row] =
      await s.exec(sql`select id, component, type, actor, started_at as "startedAt", username, hostname,
      pid, start_hash as "startHash" from sessions where id = ${s.c}::uuid`);
    const moved = new Date(Date.parse(String(new Date(row!.startedAt as string).toISOString())) - 3_600_000);
    const rehashed = sessionHash({
      ...(row as unknown as Parameters<typeof sessionHash>[0]),
      startedAt: moved,
    });
    await s.tamper(
      sql`update sessions set started_at = ${moved.toISOString()}::timestamptz, session_hash = ${rehashed} where id = ${s.c}::uuid`,
    );
    expect(await s.verify()).toContainEqual(
      `checkpoint 2 session ${s.c}: checkpoint 2 signed 4 records of it, 4 are stored and they differ from what was signed (altered, deleted or inserted after signing)`,
    );
  });

  it("names an edited checkpoint: a stored column, or its signed form", async () => {
    const s = await open();
    await s.tamper(sql`update checkpoints set root = repeat('0', 64) where seq = 1`);
    expect(await s.verify()).toEqual([
      expect.stringMatching(
        /^checkpoint 1: its stored root \(0{64}\) differs from the signed one \([0-9a-f]{64}\)$/,
      ),
    ]);
    await s.tamper(
      sql`update checkpoints set jws = regexp_replace(jws, '\\.[^.]+$', '.' || repeat('A', 86)) where seq = 2`,
    );
    const problems = await s.verify();
    expect(problems).toContainEqual(expect.stringMatching(/^checkpoint 2: its signature does not verify/));
    expect(problems).toContainEqual(
      expect.stringMatching(/^checkpoint 2: its stored hash is not the hash of its signed form/),
    );
  });

  it("names a deleted checkpoint, in the middle of the chain or at its end", async () => {
    const s = await open();
    await s.tamper(sql`delete from checkpoints where seq = 1`);
    expect(await s.verify()).toEqual([
      "checkpoint 1: missing: 11 stored records name it as their checkpoint, but it is not stored (deleted)",
    ]);
    await s.tamper(sql`delete from checkpoints where seq = 2`);
    expect(await s.verify()).toEqual([
      "checkpoint 1: missing: 11 stored records name it as their checkpoint, but it is not stored (deleted)",
      "checkpoint 2: missing: 4 stored records name it as their checkpoint, but it is not stored (deleted)",
    ]);
  });

  it("names a bundle cut or edited after export, and the event the store lost since it was signed", async () => {
    const { store: s, signingKey } = await openStore(backend, defer);
    const bundle = (await s.bundle(s.a)) as { events: { seq: number; text: string }[] };
    const cut = { ...bundle, events: bundle.events.slice(0, 3) };
    const r = await verifyBundle(cut, signingKey.jwks);
    expect(r.problems.map(describeProblem)).toContain(
      "bundle: truncated after export: it holds 3 of the 4 events exported (seq 4 removed)",
    );
    const edited = structuredClone(bundle);
    edited.events[0]!.text = "harmless";
    const e = (await verifyBundle(edited, signingKey.jwks)).problems.map(describeProblem);
    expect(e).toContain("bundle: altered after export: its content does not match the signed digest");
    expect(e).toContainEqual(
      expect.stringMatching(
        new RegExp(`^checkpoint 1 session ${s.a} seq 1: the event is not what checkpoint 1 signed`),
      ),
    );
    // Exported after an event was deleted from the store: the bundle is as exported, the record is not.
    await s.tamper(sql`delete from session_events where session_id = ${s.a}::uuid and seq = 3`);
    const later = (await verifyBundle(await s.bundle(s.a), signingKey.jwks)).problems.map(describeProblem);
    expect(later).toContain(`session ${s.a} seq 3: seq 3 is missing from the record`);
    // Another service's keys do not verify it.
    const other = await loadSigningKey({
      configured: undefined,
      defaultPath: join(tempDir().path, "other.jwk"),
    });
    const foreign = (await verifyBundle(bundle, other.jwks)).problems.map(describeProblem);
    expect(foreign[0]).toMatch(/^bundle: its signature does not verify/);
  });
});
