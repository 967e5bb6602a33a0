/**
 * Retention, purge and legal holds, through the API and the CLI on a store written by a real client and
 * signed by the service: a dry run that removes nothing, the minimum age, holds that no purge (nor a
 * delete in the purge path) touches, signed tombstones that let `verify --all` tell a purge from
 * tampering, and a scheduled pass run by two replicas at once that purges each session exactly once.
 */
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { loadSigningKey, type SigningKey } from "../api/trust/signing-key.js";
import { Scopes } from "../contract/enums.js";
import { shortId } from "../contract/short-id.js";
import { testClient } from "./client-kit.js";
import {
  backends,
  codeOf,
  component,
  gql,
  readerToken,
  runCli,
  startService,
  type TestService,
  tempDir,
  token,
} from "./harness.js";
import { START, startInput } from "./ops.js";
import { verifyTrail, withTriggersOff } from "./trail-kit.js";

const DAY = 86_400_000;

const PURGE = `mutation ($before: DateTime!, $component: String, $dryRun: Boolean) {
  purgeSessions(before: $before, component: $component, dryRun: $dryRun) {
    dryRun cutoff clamped minDays component count events held unsigned active sessions { id component status events }
  }
}`;
const HOLD = `mutation ($id: ID!, $reason: String!) { holdSession(id: $id, reason: $reason) { sessionId reason heldBy releasedAt } }`;
const RELEASE = `mutation ($id: ID!) { releaseHold(id: $id) { sessionId releasedBy releasedAt } }`;
const SESSION = `query ($id: ID!) { session(id: $id) { id legalHold { reason heldBy } } }`;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

interface Store {
  svc: TestService;
  key: SigningKey;
  /** Moves the service's clock (days from the real now). */
  setDays(days: number): void;
  comp: string;
  other: string;
  /** Ended sessions of `comp`: a, b; of `other`: c; d is still open (of `comp`). */
  a: string;
  b: string;
  c: string;
  d: string;
  admin: string;
  exec(q: ReturnType<typeof sql>): Promise<Record<string, unknown>[]>;
  /** Runs a statement with the triggers of `tables` off, as a table owner could. */
  tamper(q: ReturnType<typeof sql>, tables?: string[]): Promise<void>;
  verify(): Promise<{ problems: string[]; purged: number }>;
}

async function openStore(backend: Parameters<typeof startService>[0]): Promise<Store> {
  const dir = tempDir("sb-retention-");
  cleanups.push(dir.remove);
  const key = await loadSigningKey({ configured: undefined, defaultPath: join(dir.path, "key.jwk") });
  let offset = 0;
  const comp = component("keep");
  const other = component("other");
  const svc = await startService(backend, {
    now: () => new Date(Date.now() + offset),
    reapIntervalMs: 3_600_000,
    app: {
      signingKey: key,
      checkpointIntervalSeconds: 3600,
      retention: { defaultSeconds: 365 * 86_400, components: { [comp]: 60 * 86_400 }, minDays: 30 },
      retentionIntervalSeconds: 3600,
    },
  });
  cleanups.push(() => svc.stop());
  const client = await testClient(svc.url, join(dir.path, "journal"));
  cleanups.push(() => client.shutdown(0));
  const session = async (name: string, commands: number, end = true) => {
    const s = client.start({ component: name, shellType: "TestShell" });
    await s.started;
    for (let i = 1; i <= commands; i++) {
      const r = await s.record({ kind: "command", text: `step ${i}` });
      s.complete(r, { durationMs: i, outcome: "ok" });
    }
    if (end) s.end("EXIT", 0);
    expect((await client.flush()).pending).toBe(0);
    return s.id;
  };
  const a = await session(comp, 3);
  const b = await session(comp, 2);
  const c = await session(other, 1);
  const d = await session(comp, 1, false);
  expect(await svc.app.checkpointer!.run()).toHaveLength(1);
  const db = svc.db.database.db;
  const exec = async (q: ReturnType<typeof sql>) => {
    const r = (await db.execute(q)) as unknown as
      | { rows?: Record<string, unknown>[] }
      | Record<string, unknown>[];
    return Array.isArray(r) ? r : (r.rows ?? []);
  };
  const reader = await readerToken("auditor");
  return {
    svc,
    key,
    setDays: (days) => {
      offset = days * DAY;
    },
    comp,
    other,
    a,
    b,
    c,
    d,
    admin: await token({ sub: "admin-ann", scopes: [Scopes.READ, Scopes.AUDIT, Scopes.ADMIN] }),
    exec,
    tamper: (q, tables = ["tombstones"]) => withTriggersOff(db, tables, q),
    async verify() {
      const { problems, counts } = await verifyTrail(svc.url, reader, key.jwks);
      return { problems, purged: counts.purged };
    },
  };
}

const stored = async (s: Store, id: string) =>
  Number((await s.exec(sql`select count(*)::int as n from sessions where id = ${id}::uuid`))[0]!.n);

describe.each(backends())("retention, purge and legal holds on %s", (backend) => {
  it("a dry run lists what would go and removes nothing; the minimum age clamps the cut-off; only admins purge", async () => {
    const s = await openStore(backend);
    const future = new Date(Date.now() + 365 * DAY).toISOString();
    const reader = await readerToken("auditor");
    const refused = await gql(s.svc.url, PURGE, { before: future }, reader);
    expect(codeOf(refused.body)).toBe("FORBIDDEN");

    // Nothing is 30 days old yet: the cut-off moves back to now − 30 d and nothing qualifies.
    const young = await gql(s.svc.url, PURGE, { before: future }, s.admin);
    expect(young.body.errors).toBeUndefined();
    expect(young.body.data!.purgeSessions).toMatchObject({
      dryRun: true,
      clamped: true,
      minDays: 30,
      count: 0,
    });

    s.setDays(40);
    const plan = await gql(s.svc.url, PURGE, { before: future }, s.admin);
    const p = plan.body.data!.purgeSessions;
    expect(p).toMatchObject({
      dryRun: true,
      clamped: true,
      count: 3,
      events: 6,
      held: 0,
      unsigned: 0,
      active: 1,
    });
    expect(new Date(p.cutoff).getTime()).toBeCloseTo(Date.now() + 10 * DAY, -5);
    expect(p.sessions.map((x: { id: string }) => x.id).sort()).toEqual([s.a, s.b, s.c].sort());
    for (const id of [s.a, s.b, s.c, s.d]) expect(await stored(s, id)).toBe(1);

    const bad = await gql(s.svc.url, PURGE, { before: "yesterday" }, s.admin);
    expect(codeOf(bad.body)).toBe("BAD_USER_INPUT");
  });

  it("purges with signed tombstones, keeps held sessions, and verify tells the purge from tampering", async () => {
    const s = await openStore(backend);
    s.setDays(40);
    const future = new Date(Date.now() + 365 * DAY).toISOString();

    const held = await gql(s.svc.url, HOLD, { id: s.b, reason: "case 42" }, s.admin);
    expect(held.body.data!.holdSession).toMatchObject({
      sessionId: s.b,
      reason: "case 42",
      heldBy: "admin-ann",
    });
    const twice = await gql(s.svc.url, HOLD, { id: s.b, reason: "again" }, s.admin);
    expect(codeOf(twice.body)).toBe("CONFLICT");
    expect(twice.body.errors![0]!.message).toMatch(/already held \(by admin-ann since .*: case 42\)/);
    expect(codeOf((await gql(s.svc.url, HOLD, { id: s.b, reason: "  " }, s.admin)).body)).toBe(
      "BAD_USER_INPUT",
    );
    const shown = await gql(s.svc.url, SESSION, { id: s.b }, s.admin);
    expect(shown.body.data!.session.legalHold).toEqual({ reason: "case 42", heldBy: "admin-ann" });

    // Even in the purge path, the database refuses to delete a held session.
    const refusal = await s.svc.db.database.db
      .transaction(async (tx) => {
        await tx.execute(sql`set local session_buddy.purge = 'on'`);
        await tx.execute(sql`delete from session_events where session_id = ${s.b}::uuid`);
        await tx.execute(sql`delete from sessions where id = ${s.b}::uuid`);
      })
      .then(
        () => "deleted",
        (err: Error & { cause?: Error }) => `${err.message} ${err.cause?.message ?? ""}`,
      );
    expect(refusal).toMatch(/under a legal hold/s);

    const done = await gql(s.svc.url, PURGE, { before: future, component: s.comp, dryRun: false }, s.admin);
    expect(done.body.errors).toBeUndefined();
    expect(done.body.data!.purgeSessions).toMatchObject({
      dryRun: false,
      count: 1,
      events: 3,
      held: 1,
      active: 1,
    });
    expect(await stored(s, s.a)).toBe(0);
    expect(
      Number(
        (await s.exec(sql`select count(*)::int as n from session_events where session_id = ${s.a}::uuid`))[0]!
          .n,
      ),
    ).toBe(0);
    for (const id of [s.b, s.c, s.d]) expect(await stored(s, id)).toBe(1);

    const [tomb] = await s.exec(
      sql`select component, events, purged_by, jws from tombstones where session_id = ${s.a}::uuid`,
    );
    expect(tomb).toMatchObject({ component: s.comp, events: 3, purged_by: "admin-ann" });
    const clean = await s.verify();
    expect(clean).toEqual({ problems: [], purged: 1 });

    // A purged session's bundle and id are gone for good.
    const bundle = await fetch(new URL(`/trail/sessions/${s.a}`, s.svc.url), {
      headers: { authorization: `Bearer ${s.admin}` },
    });
    expect(bundle.status).toBe(404);
    expect(((await bundle.json()) as { error: string }).error).toMatch(/was purged at .* by admin-ann/);
    const writer = await token({ sub: "alice" });
    const again = await gql(s.svc.url, START, { input: startInput(s.comp, s.a) }, writer);
    expect(codeOf(again.body)).toBe("CONFLICT");
    expect(again.body.errors![0]!.message).toMatch(/was purged/);
    expect(codeOf((await gql(s.svc.url, HOLD, { id: s.a, reason: "late" }, s.admin)).body)).toBe("NOT_FOUND");

    // The tombstone itself cannot be changed through the database's front door…
    const edit = await s.svc.db.database.db
      .execute(sql`update tombstones set purged_by = 'nobody' where session_id = ${s.a}::uuid`)
      .then(
        () => "updated",
        (err: Error & { cause?: Error }) => `${err.message} ${err.cause?.message ?? ""}`,
      );
    expect(edit).toMatch(/tombstones is permanent/s);
    // …and past it, a forged or deleted one is named: the purge is then indistinguishable from a deletion.
    const jws = String(tomb!.jws);
    const forged = `${jws.slice(0, jws.lastIndexOf(".") + 1)}${"A".repeat(86)}`;
    await s.tamper(sql`update tombstones set jws = ${forged} where session_id = ${s.a}::uuid`);
    const withForged = await s.verify();
    expect(withForged.problems).toEqual([
      expect.stringMatching(new RegExp(`^session ${s.a}: its tombstone's signature does not verify`)),
      expect.stringMatching(
        new RegExp(
          `^checkpoint 1 session ${s.a}: deleted: checkpoint 1 signed 5 records of it, none is stored as signed$`,
        ),
      ),
    ]);
    await s.tamper(sql`delete from tombstones where session_id = ${s.a}::uuid`);
    expect((await s.verify()).problems).toEqual([
      `checkpoint 1 session ${s.a}: deleted: checkpoint 1 signed 5 records of it, none is stored as signed`,
    ]);
    await s.tamper(
      sql`insert into tombstones (session_id, component, events, purged_by, purged_at, kid, jws) values (${s.a}::uuid, ${s.comp}, 3, 'admin-ann', now(), 'k', ${jws})`,
    );
    expect(await s.verify()).toEqual({ problems: [], purged: 1 });

    // Released, b goes with the next purge; the hold stays on record.
    const released = await gql(s.svc.url, RELEASE, { id: s.b }, s.admin);
    expect(released.body.data!.releaseHold).toMatchObject({ sessionId: s.b, releasedBy: "admin-ann" });
    expect(codeOf((await gql(s.svc.url, RELEASE, { id: s.b }, s.admin)).body)).toBe("NOT_FOUND");
    const refused = async (q: ReturnType<typeof sql>) =>
      s.svc.db.database.db.execute(q).then(
        () => "allowed",
        (err: Error & { cause?: Error }) => `${err.message} ${err.cause?.message ?? ""}`,
      );
    expect(
      await refused(sql`update legal_holds set reason = 'nothing' where session_id = ${s.b}::uuid`),
    ).toMatch(/a hold is only released, once/s);
    expect(
      await refused(sql`update legal_holds set released_at = now() where session_id = ${s.b}::uuid`),
    ).toMatch(/a hold is only released, once/s);
    expect(await refused(sql`delete from legal_holds`)).toMatch(/legal_holds is permanent/s);
    const next = await gql(s.svc.url, PURGE, { before: future, component: s.comp, dryRun: false }, s.admin);
    expect(next.body.data!.purgeSessions).toMatchObject({ count: 1, held: 0 });
    expect(await stored(s, s.b)).toBe(0);
    expect(
      Number(
        (await s.exec(sql`select count(*)::int as n from legal_holds where session_id = ${s.b}::uuid`))[0]!.n,
      ),
    ).toBe(1);
    expect(await s.verify()).toEqual({ problems: [], purged: 2 });

    // A session altered before its purge: its tombstone keeps what was removed, which is not what was signed.
    await s.tamper(
      sql`update session_events set text = 'rm -rf /' where session_id = ${s.c}::uuid and seq = 1`,
      ["session_events"],
    );
    const altered = await gql(
      s.svc.url,
      PURGE,
      { before: future, component: s.other, dryRun: false },
      s.admin,
    );
    expect(altered.body.data!.purgeSessions).toMatchObject({ count: 1 });
    expect((await s.verify()).problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^checkpoint 1 session ${s.c}: purged at \\S+, but what it removed differs from what checkpoint 1 signed \\(3 records signed, 3 purged\\): altered before the purge$`,
        ),
      ),
    ]);
  });

  it("the scheduled pass purges by each component's period, once, with two replicas running it together", async () => {
    const s = await openStore(backend);
    const replica = await startService(backend, {
      database: s.svc.db,
      now: () => new Date(Date.now() + 70 * DAY),
      reapIntervalMs: 3_600_000,
      app: {
        signingKey: s.key,
        checkpointIntervalSeconds: 3600,
        retention: s.svc.app.services.retention.policy,
      },
    });
    cleanups.push(() => replica.stop());
    // 40 days: nothing has reached its period (60 d for comp, 365 d for the rest).
    s.setDays(40);
    const early = await s.svc.app.services.retention.pass();
    expect(early.reduce((n, r) => n + r.count, 0)).toBe(0);
    // 70 days: comp's ended sessions (a, b) go; c (365 d) and the open d stay.
    s.setDays(70);
    const [one, two] = await Promise.all([
      s.svc.app.services.retention.pass(),
      replica.app.services.retention.pass(),
    ]);
    const purged = [...one!, ...two!].flatMap((r) => r.sessions.map((x) => x.id));
    expect(purged.sort()).toEqual([s.a, s.b].sort());
    const tombs = await s.exec(sql`select session_id, purged_by from tombstones order by session_id`);
    expect(tombs).toEqual([s.a, s.b].sort().map((id) => ({ session_id: id, purged_by: "retention" })));
    for (const id of [s.c, s.d]) expect(await stored(s, id)).toBe(1);
    expect(await s.verify()).toEqual({ problems: [], purged: 2 });
    // Each replica counts what it purged itself; together, both sessions.
    let counted = 0;
    for (const url of [s.svc.url, replica.url]) {
      const text = await (await fetch(new URL("/metrics", url))).text();
      for (const m of text.matchAll(
        /^sessions_purged_total\{component_name="[^"]+",by="retention"\} (\d+)$/gm,
      ))
        counted += Number(m[1]);
    }
    expect(counted).toBe(2);
  });
});

describe("purge, hold and release, run as processes", () => {
  it("dry run by default, --yes purges, holds by short id, clear errors", async () => {
    const s = await openStore("pglite");
    s.setDays(40);
    const env = { SESSION_BUDDY_URL: s.svc.url, SESSION_BUDDY_TOKEN: s.admin, NO_COLOR: "1" };
    const hold = await runCli(["hold", shortId(s.b), "--reason", "OPS-7 litigation"], env);
    expect(hold.stderr).toBe("");
    expect(hold.stdout).toMatch(/^session \S+ is held: OPS-7 litigation \(by admin-ann, /);
    expect(hold.code).toBe(0);

    const dry = await runCli(["purge", "--before", "2099-01-01", "--component", s.comp], env);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/nothing that ended less than 30 days ago is purged/);
    expect(dry.stdout).toMatch(
      /dry run: 1 session \(3 events\) of the \S+ sessions that ended before .* would be purged; kept: 1 under a legal hold, 1 still active/,
    );
    expect(dry.stdout).toMatch(/run again with --yes/);
    expect(await stored(s, s.a)).toBe(1);

    const real = await runCli(["purge", "--before", "2099-01-01", "--component", s.comp, "--yes"], env);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(
      /purged 1 session \(3 events\) .* each leaving a signed tombstone; kept: 1 under a legal hold/,
    );
    expect(await stored(s, s.a)).toBe(0);

    const release = await runCli(["release", s.b], env);
    expect(release.code).toBe(0);
    expect(release.stdout).toMatch(
      /released from its hold \(OPS-7 litigation; held by admin-ann since .*, released by admin-ann\)/,
    );

    const badWhen = await runCli(["purge", "--before", "soon"], env);
    expect(badWhen.code).not.toBe(0);
    expect(badWhen.stderr).toMatch(/--before.*must be a duration back from now/);
    const notAdmin = await runCli(["purge", "--before", "90d"], {
      ...env,
      SESSION_BUDDY_TOKEN: await readerToken("r"),
    });
    expect(notAdmin.code).toBe(1);
    expect(notAdmin.stderr).toMatch(/admin/);
    expect(notAdmin.stderr).not.toMatch(/at .*\.js:\d+/);
    const unknown = await runCli(["hold", "0000000000000000000000000000abcd", "--reason", "x"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no session matches/);
  });
});
