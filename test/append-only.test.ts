// Append-only storage: the database itself refuses edits of stored event content, a second completion,
// changes to a session's identity and chain anchors, and deletes outside the purge path.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, openTestDatabase, type TestDatabase, uuid } from "./harness.js";

interface DbError {
  code?: string;
  message: string;
}

const failure = async (run: () => Promise<unknown>): Promise<DbError> => {
  try {
    await run();
  } catch (err) {
    const e = err as { code?: string; message: string; cause?: { code?: string; message: string } };
    return { code: e.cause?.code ?? e.code, message: `${e.message} ${e.cause?.message ?? ""}` };
  }
  throw new Error("expected the statement to be refused");
};

// PGlite answers { rows }, postgres-js an array of rows.
const count = (result: unknown): number | undefined => {
  const rows = Array.isArray(result) ? result : (result as { rows: { n: number }[] }).rows;
  return (rows[0] as { n: number } | undefined)?.n;
};

describe.each(backends())("append-only storage on %s", (backend) => {
  let t: TestDatabase;
  const exec = (q: ReturnType<typeof sql>) => t.database.db.execute(q);
  const session = uuid();
  const command = uuid();
  const open = uuid();

  beforeAll(async () => {
    t = await openTestDatabase(backend);
    await exec(sql`insert into sessions (id, component, actor, started_at, last_seen_at, start_hash, session_hash)
      values (${session}::uuid, 'c', 'alice', now(), now(), 'sha256:start', 'sha256:session')`);
    await exec(sql`insert into session_events (id, session_id, seq, kind, at, text, outcome, hash)
      values (${command}::uuid, ${session}::uuid, 1, 'command', now(), 'ls', 'ok', 'sha256:one')`);
    await exec(sql`insert into session_events (id, session_id, seq, kind, at, text)
      values (${open}::uuid, ${session}::uuid, 2, 'command', now(), 'sleep 10')`);
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    ["text", sql`text = 'rm -rf /'`],
    ["hash", sql`hash = 'sha256:forged'`],
    ["seq", sql`seq = 7`],
    ["at", sql`at = now() - interval '1 day'`],
    ["session_id", sql`session_id = gen_random_uuid()`],
    ["redactions", sql`redactions = 3`],
  ])("refuses an update of session_events.%s", async (column, set) => {
    const e = await failure(() => exec(sql`update session_events set ${set} where id = ${command}::uuid`));
    expect(e.code).toBe("42501");
    expect(e.message).toContain(`session_events.${column}`);
  });

  it("refuses to change a completed command's outcome, and allows the one completion", async () => {
    const e = await failure(() =>
      exec(sql`update session_events set outcome = 'error' where id = ${command}::uuid`),
    );
    expect(e.code).toBe("42501");
    expect(e.message).toContain("session_events.outcome");
    await exec(sql`update session_events set outcome = 'ok', duration_ms = 5, completion_hash = repeat('c', 64),
      payload = '{"exitCode":0}'::jsonb where id = ${open}::uuid`);
    const again = await failure(() =>
      exec(sql`update session_events set duration_ms = 1 where id = ${open}::uuid`),
    );
    expect(again.message).toContain("session_events.duration_ms");
  });

  it("keeps a chain found broken broken: its flag can move, never be cleared", async () => {
    const id = uuid();
    await exec(sql`insert into sessions (id, component, actor, started_at, last_seen_at, broken_seq)
      values (${id}::uuid, 'c', 'alice', now(), now(), 4)`);
    await exec(sql`update sessions set broken_seq = 2 where id = ${id}::uuid`);
    const e = await failure(() => exec(sql`update sessions set broken_seq = null where id = ${id}::uuid`));
    expect(e.message).toContain("sessions.broken_seq");
  });

  it.each([
    ["actor", sql`actor = 'mallory'`],
    ["started_at", sql`started_at = now() - interval '1 year'`],
    ["component", sql`component = 'other'`],
    ["start_hash", sql`start_hash = 'sha256:other'`],
    ["session_hash", sql`session_hash = null`],
  ])("refuses an update of sessions.%s", async (column, set) => {
    const e = await failure(() => exec(sql`update sessions set ${set} where id = ${session}::uuid`));
    expect(e.code).toBe("42501");
    expect(e.message).toContain(`sessions.${column}`);
  });

  it("lets the session's status and counters change, and its end anchors be set once", async () => {
    await exec(sql`update sessions set status = 'ENDED', ended_at = now(), event_count = 2, last_seen_at = now(),
      metadata = '{"k":1}'::jsonb, end_hash = 'sha256:end', last_seq = 2 where id = ${session}::uuid`);
    const e = await failure(() => exec(sql`update sessions set last_seq = 3 where id = ${session}::uuid`));
    expect(e.message).toContain("sessions.last_seq");
    const end = await failure(() =>
      exec(sql`update sessions set end_hash = 'x' where id = ${session}::uuid`),
    );
    expect(end.message).toContain("sessions.end_hash");
  });

  it("refuses deletes and truncates of events and sessions outside the purge path", async () => {
    for (const q of [
      sql`delete from session_events where id = ${command}::uuid`,
      sql`delete from sessions where id = ${session}::uuid`,
      sql`truncate session_events`,
    ]) {
      const e = await failure(() => exec(q));
      expect(e.code).toBe("42501");
      expect(e.message).toMatch(/refused: (sessions|session_events) is append-only/);
    }
    const rows = await exec(
      sql`select count(*)::int as n from session_events where session_id = ${session}::uuid`,
    );
    expect(count(rows)).toBe(2);
  });

  it("deletes a session and its events in a transaction that is marked as a purge", async () => {
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local session_buddy.purge = 'on'`);
      await tx.execute(sql`delete from sessions where id = ${session}::uuid`);
    });
    const rows = await exec(
      sql`select count(*)::int as n from session_events where session_id = ${session}::uuid`,
    );
    expect(count(rows)).toBe(0);
    // The mark ends with its transaction.
    const other = uuid();
    await exec(sql`insert into sessions (id, component, actor, started_at, last_seen_at)
      values (${other}::uuid, 'c', 'bob', now(), now())`);
    const e = await failure(() => exec(sql`delete from sessions where id = ${other}::uuid`));
    expect(e.code).toBe("42501");
  });
});
