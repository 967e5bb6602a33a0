// Signed checkpoints: each signs the Merkle root of the records stored since the one before, chained to it,
// and marks what it signed; the marks and the checkpoints themselves are append-only.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import canonicalize from "canonicalize";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Checkpointer } from "../api/trust/checkpoints.js";
import { loadSigningKey, type SigningKey } from "../api/trust/signing-key.js";
import { merkleRoot } from "../contract/merkle.js";
import {
  type CheckpointPayload,
  checkpointHash,
  completionLeaf,
  endLeaf,
  eventLeaf,
  leafHashes,
  orderLeaves,
  sessionLeaf,
} from "../contract/trail.js";
import { verifySigned } from "../contract/verify.js";
import { checkpoints, sessionEvents, sessions } from "../db/schema.js";
import {
  backends,
  eventually,
  gql,
  openTestDatabase,
  randomUUIDv7,
  startService,
  type TestDatabase,
  token,
  uuid,
} from "./harness.js";
import { END, START, startInput } from "./ops.js";

const refusal = async (run: () => Promise<unknown>): Promise<string> => {
  try {
    await run();
  } catch (err) {
    const e = err as { code?: string; message: string; cause?: { code?: string; message: string } };
    return `${e.cause?.code ?? e.code} ${e.message} ${e.cause?.message ?? ""}`;
  }
  throw new Error("expected the statement to be refused");
};

describe.each(backends())("signed checkpoints on %s", (backend) => {
  let t: TestDatabase;
  let key: SigningKey;
  let dir: string;
  const exec = (q: ReturnType<typeof sql>) => t.database.db.execute(q);
  const session = uuid();
  const done = uuid();
  const open = uuid();

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    dir = mkdtempSync(join(tmpdir(), "sb-checkpoints-"));
    key = await loadSigningKey({ configured: undefined, defaultPath: join(dir, "signing-key.jwk") });
    await exec(sql`insert into sessions (id, component, actor, started_at, last_seen_at, start_hash, session_hash)
      values (${session}::uuid, 'oneiric', 'alice', now(), now(), repeat('a', 64), repeat('b', 64))`);
    await exec(sql`insert into session_events (id, session_id, seq, kind, at, text, outcome, duration_ms)
      values (${done}::uuid, ${session}::uuid, 1, 'command', now(), 'ls', 'ok', 3)`);
    await exec(sql`insert into session_events (id, session_id, seq, kind, at, text, payload)
      values (${open}::uuid, ${session}::uuid, 2, 'command', now(), 'sleep 10', '{"a":1}'::jsonb)`);
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const signedPayload = async (jws: string): Promise<CheckpointPayload> =>
    JSON.parse(new TextDecoder().decode(await verifySigned(jws, key.jwks)));

  /** The root of what the database says checkpoint `seq` signed, rebuilt from the rows. */
  async function rebuiltRoot(seq: number) {
    const db = t.database.db;
    const s = await db.select().from(sessions);
    const e = await db.select().from(sessionEvents).orderBy(asc(sessionEvents.seq));
    const leaves = [
      ...s.filter((r) => r.checkpoint === seq).map(sessionLeaf),
      ...e.filter((r) => r.checkpoint === seq).map((r) => eventLeaf(r, r.completionCheckpoint === seq)),
      ...e.filter((r) => r.checkpoint !== seq && r.completionCheckpoint === seq).map(completionLeaf),
      ...s.filter((r) => r.endCheckpoint === seq).map(endLeaf),
    ];
    return { root: merkleRoot(leafHashes(orderLeaves(leaves))), size: leaves.length };
  }

  it("signs what was stored, once, and marks it", async () => {
    const cp = new Checkpointer(t.database.db, key, { intervalMs: 60_000 });
    const [first, ...more] = await cp.run();
    expect(more).toEqual([]);
    const payload = await signedPayload(first!.jws);
    expect(payload).toMatchObject({
      v: 2,
      seq: 1,
      prev: "",
      size: 3,
      sessions: 1,
      events: 2,
      completions: 0,
      ends: 0,
    });
    // One session: its span is the whole tree.
    expect(payload.spans).toEqual([{ session, size: 3, root: payload.root }]);
    expect(first).toMatchObject({
      seq: 1,
      root: payload.root,
      kid: key.kid,
      hash: checkpointHash(first!.jws),
    });
    expect(new TextDecoder().decode(await verifySigned(first!.jws, key.jwks))).toBe(canonicalize(payload));
    expect(await rebuiltRoot(1)).toEqual({ root: payload.root, size: 3 });
    const [e1] = await t.database.db.select().from(sessionEvents).where(eq(sessionEvents.id, done));
    expect([e1?.checkpoint, e1?.completionCheckpoint]).toEqual([1, 1]);
    expect(await cp.run()).toEqual([]);
  });

  it("signs a later completion and the end in the next checkpoint, chained to the first", async () => {
    await exec(sql`update session_events set outcome = 'ok', duration_ms = 10000,
      payload = '{"a":1,"b":2}'::jsonb, capture_payload = '{"a":1}'::jsonb where id = ${open}::uuid`);
    await exec(sql`update sessions set status = 'ENDED', ended_at = now(), end_reason = 'EXIT', exit_code = 0,
      end_received_at = now(), last_seq = 2 where id = ${session}::uuid`);
    const [second] = await new Checkpointer(t.database.db, key, { intervalMs: 60_000 }).run();
    const payload = await signedPayload(second!.jws);
    const [first] = await t.database.db.select().from(checkpoints).where(eq(checkpoints.seq, 1));
    expect(payload).toMatchObject({
      seq: 2,
      prev: first!.hash,
      size: 2,
      sessions: 0,
      events: 0,
      completions: 1,
      ends: 1,
    });
    expect(await rebuiltRoot(2)).toEqual({ root: payload.root, size: 2 });
    // The first checkpoint's leaves hold the open command as captured: its completion did not change them.
    expect((await rebuiltRoot(1)).root).toBe(first!.root);
  });

  it("lets one of several checkpointers sign a round, never two the same seq", async () => {
    await exec(sql`insert into sessions (id, component, actor, started_at, last_seen_at)
      values (${uuid()}::uuid, 'akosha', 'bob', now(), now())`);
    const runs = await Promise.all(
      [1, 2, 3].map(() => new Checkpointer(t.database.db, key, { intervalMs: 60_000 }).run()),
    );
    expect(runs.flat().map((c) => c.seq)).toEqual([3]);
  });

  it("refuses to change which checkpoint signed a record, and to edit or delete a checkpoint", async () => {
    expect(
      await refusal(() => exec(sql`update session_events set checkpoint = 9 where id = ${done}::uuid`)),
    ).toMatch(/42501.*session_events\.checkpoint/s);
    expect(
      await refusal(() =>
        exec(sql`update session_events set completion_checkpoint = 9 where id = ${open}::uuid`),
      ),
    ).toMatch(/42501.*session_events\.completion_checkpoint/s);
    expect(
      await refusal(() => exec(sql`update sessions set end_checkpoint = null where id = ${session}::uuid`)),
    ).toMatch(/42501.*sessions\.end_checkpoint/s);
    expect(
      await refusal(() => exec(sql`update checkpoints set root = repeat('0', 64) where seq = 1`)),
    ).toMatch(/42501.*checkpoints is append-only/s);
    expect(await refusal(() => exec(sql`delete from checkpoints where seq = 2`))).toMatch(/42501/);
    expect(await refusal(() => exec(sql`truncate checkpoints`))).toMatch(/42501/);
  });
});

describe.each(backends())("checkpoints through the service on %s", (backend) => {
  it("signs a checkpoint soon after a session ends, lists it at /checkpoints, verifiable with the JWKS", async ({
    onTestFinished,
  }) => {
    const dir = mkdtempSync(join(tmpdir(), "sb-checkpoints-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const key = await loadSigningKey({ configured: undefined, defaultPath: join(dir, "signing-key.jwk") });
    // An interval far longer than the test: only the end of the session can bring the checkpoint.
    const service = await startService(backend, {
      app: { signingKey: key, checkpointIntervalSeconds: 3600 },
    });
    onTestFinished(() => service.stop());
    const writer = await token();
    const id = randomUUIDv7();
    expect(
      (await gql(service.url, START, { input: startInput("oneiric", id) }, writer)).body.errors,
    ).toBeUndefined();
    expect(
      (await gql(service.url, END, { input: { id, endReason: "EXIT" } }, writer)).body.errors,
    ).toBeUndefined();

    const listed = await eventually(
      "a checkpoint signing the end",
      async () =>
        (await (await fetch(`${service.origin}/checkpoints`)).json()) as { checkpoints: any[]; next: null },
      (body) => body.checkpoints.some((c) => c.ends > 0),
    );
    expect(listed.next).toBeNull();
    const signedEnd = listed.checkpoints.find((c) => c.ends > 0);
    const jwks = await (await fetch(`${service.origin}/.well-known/jwks.json`)).json();
    const payload = JSON.parse(new TextDecoder().decode(await verifySigned(signedEnd.jws, jwks)));
    expect(payload).toMatchObject({ seq: signedEnd.seq, root: signedEnd.root, ends: 1 });
    expect(signedEnd.hash).toBe(checkpointHash(signedEnd.jws));

    const page = await fetch(`${service.origin}/checkpoints?after=0&limit=0`);
    expect(page.status).toBe(400);
    expect(await page.json()).toMatchObject({ code: "BAD_USER_INPUT" });
    expect((await fetch(`${service.origin}/checkpoints?since=yesterday`)).status).toBe(400);

    // The same pages through GraphQL, for any reader.
    const reader = await token({ scopes: ["sessions:read"] });
    const q = `query C($after: Int, $first: Int) { checkpoints(after: $after, first: $first) {
      checkpoints { seq at kid prevHash root size sessions events completions ends jws hash } next } }`;
    const all = await gql(service.url, q, {}, reader);
    expect(all.body.data?.checkpoints).toEqual({ checkpoints: listed.checkpoints, next: null });
    const bad = await gql(service.url, q, { first: 0 }, reader);
    expect(bad.body.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
    expect((await gql(service.url, q, {}, undefined)).body.errors?.[0]?.extensions?.code).toBe(
      "UNAUTHENTICATED",
    );
  });
});
