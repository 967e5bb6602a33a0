/**
 * Who was at the prompt (`Session.actorKind`, `actorKindSource`, `delegatedBy`): the token decides when it
 * says so (`actor_kind`, RFC 8693 `act`), otherwise what the shell detected (a real shell in a terminal
 * with an agent's marker); filterable, hashed with the start, signed with the identity, append-only.
 */
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { SignJWT } from "jose";
import { describe, expect } from "vitest";
import { mintToken } from "../auth/jwt.js";
import { Scopes } from "../contract/enums.js";
import { testClient } from "./client-kit.js";
import { it, useService } from "./fixture.js";
import { backends, codeOf, component, gql, readerToken, TEST_SECRET, uuid } from "./harness.js";
import { START, startInput } from "./ops.js";
import { shellIn } from "./pty.js";
import { signedService, verifyTrail, withTriggersOff } from "./trail-kit.js";

const KIND = `query ($id: ID!) { session(id: $id) { actorKind actorKindSource delegatedBy completeness chained } }`;
const BY_KIND = `query ($c: String!, $k: ActorKind!) { sessions(filter: { component: $c, actorKind: $k }) { totalCount } }`;

const tokenAs = (o: { sub: string; actorKind?: "HUMAN" | "AI_AGENT" | "AUTOMATION"; delegatedBy?: string }) =>
  mintToken({ secret: TEST_SECRET, scopes: [Scopes.WRITE], ttlSeconds: 3600, ...o });

describe.each(backends())("actor kind and delegation on %s", (backend) => {
  it("the token decides over the shell, the shell decides otherwise; filterable, signed and append-only", async ({
    defer,
    dir,
  }) => {
    const { svc, key } = await signedService(backend, defer, dir);
    const reader = await readerToken("auditor");
    const c = component("kind");
    const start = async (bearer: string, extra: Record<string, unknown>) => {
      const id = uuid();
      const r = await gql(svc.url, START, { input: startInput(c, id, extra) }, bearer);
      expect(r.body.errors).toBeUndefined();
      return (await gql(svc.url, KIND, { id }, reader)).body.data!.session;
    };
    const agent = await tokenAs({ sub: "claude", actorKind: "AI_AGENT", delegatedBy: "alice" });
    expect(await start(agent, { actorKind: "HUMAN" })).toMatchObject({
      actorKind: "AI_AGENT",
      actorKindSource: "TOKEN",
      delegatedBy: "alice",
    });
    const plain = await tokenAs({ sub: "bob" });
    expect(await start(plain, { actorKind: "AUTOMATION" })).toMatchObject({
      actorKind: "AUTOMATION",
      actorKindSource: "SHELL",
      delegatedBy: null,
    });
    expect(await start(plain, {})).toMatchObject({ actorKind: null, actorKindSource: null });
    for (const [kind, n] of [
      ["AI_AGENT", 1],
      ["AUTOMATION", 1],
      ["HUMAN", 0],
    ] as const)
      expect((await gql(svc.url, BY_KIND, { c, k: kind }, reader)).body.data!.sessions.totalCount).toBe(n);

    // A claim the service cannot read is refused with what is wrong, never ignored.
    const robot = await new SignJWT({ scope: Scopes.WRITE, actor_kind: "ROBOT" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("x")
      .setAudience("session-buddy")
      .setIssuer("session-buddy")
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(TEST_SECRET));
    const refused = await gql(svc.url, START, { input: startInput(c, uuid()) }, robot);
    expect(codeOf(refused.body)).toBe("UNAUTHENTICATED");
    expect(refused.body.errors![0]!.message).toMatch(
      /actor_kind claim must be one of HUMAN, AI_AGENT, AUTOMATION/,
    );

    // A real client's chained session: the kind is hashed with the start and signed with the identity.
    const client = await testClient(svc.url, join(dir, "journal"));
    defer(() => client.shutdown(0));
    const s = client.start({ component: c, shellType: "TestShell", actorKind: "AUTOMATION" });
    await s.started;
    s.end("EXIT", 0);
    expect((await client.flush()).pending).toBe(0);
    expect((await gql(svc.url, KIND, { id: s.id }, reader)).body.data!.session).toMatchObject({
      actorKind: "AUTOMATION",
      actorKindSource: "SHELL",
      completeness: "COMPLETE",
      chained: true,
    });
    const db = svc.db.database.db;
    const update = await db
      .execute(sql`update sessions set actor_kind = 'HUMAN' where id = ${s.id}::uuid`)
      .then(
        () => "updated",
        (err: Error & { cause?: Error }) => `${err.message} ${err.cause?.message ?? ""}`,
      );
    expect(update).toMatch(/UPDATE of sessions.actor_kind refused/s);
    await svc.app.checkpointer!.run();
    const verify = async () => (await verifyTrail(svc.url, reader, key.jwks)).problems;
    expect(await verify()).toEqual([]);
    await withTriggersOff(
      db,
      ["sessions"],
      sql`update sessions set actor_kind = 'HUMAN' where id = ${s.id}::uuid`,
    );
    expect(await verify()).toContain(
      `session ${s.id}: its identity (actor, component, type, start time, user, host or pid) does not match its hash: altered after it was stored`,
    );
  });
});

describe("the actor kind a real shell reports", () => {
  const svc = useService(backends()[0]!);
  const PROMPT = /oneiric> $/;

  it("an AI agent's marker in the environment: AI_AGENT, detected by the shell", async ({ defer, dir }) => {
    const sh = shellIn(defer, dir, svc.url, { CLAUDECODE: "1" });
    await sh.ready(PROMPT);
    expect(await sh.type("status().actorKind", PROMPT)).toMatch(
      /kind: 'AI_AGENT'[\s\S]*why: 'CLAUDECODE is set'/,
    );
    const id = (await sh.type("status().sessionId", PROMPT)).match(/'([0-9a-f-]{36})'/)?.[1];
    expect(id).toBeDefined();
    sh.write(".exit\r");
    expect((await sh.exited).exitCode).toBe(0);
    const reader = await readerToken("auditor");
    const stored = await gql(svc.url, KIND, { id }, reader);
    expect(stored.body.data!.session).toMatchObject({ actorKind: "AI_AGENT", actorKindSource: "SHELL" });
  });
});
