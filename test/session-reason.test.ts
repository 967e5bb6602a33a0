/**
 * A session's reason (`requireReason`, SESSION_BUDDY_REASON): asked for by a real shell in a terminal
 * before its prompt, refused when empty, stored as `Session.reason { text ticketRef }`, filterable by
 * ticket, hashed with the start (the chain stays whole), part of the identity a checkpoint signs (an edit
 * in the database is named by verify), and append-only.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect } from "vitest";
import { parseReason } from "../contract/chain.js";
import { testClient } from "./client-kit.js";
import { it, useService } from "./fixture.js";
import { backends, codeOf, component, gql, readerToken, token } from "./harness.js";
import { START, startInput } from "./ops.js";
import { shellIn } from "./pty.js";
import { signedService, verifyTrail, withTriggersOff } from "./trail-kit.js";

const BY_TICKET = `query ($ticket: String!) {
  sessions(filter: { ticketRef: $ticket }) { totalCount edges { node { id reason { text ticketRef } completeness chained } } }
}`;

describe("parseReason", () => {
  it("keeps the words as typed and picks up the first ticket", () => {
    expect(parseReason("  restart the queue, OPS-1234 then INC-9 ")).toEqual({
      text: "restart the queue, OPS-1234 then INC-9",
      ticketRef: "OPS-1234",
    });
    expect(parseReason("look around")).toEqual({ text: "look around", ticketRef: null });
    expect(parseReason("ops-12 lower case is no ticket")?.ticketRef).toBeNull();
    expect(parseReason("   ")).toBeNull();
  });
});

describe.each(backends())("a session's reason on %s", (backend) => {
  it("is stored, filterable, hashed with the start, signed with the identity and append-only", async ({
    defer,
    dir,
  }) => {
    const { svc, key } = await signedService(backend, defer, dir);
    const client = await testClient(svc.url, join(dir, "journal"));
    defer(() => client.shutdown(0));
    const ticket = `OPS-${Math.floor(Math.random() * 1e9)}`;
    const s = client.start({
      component: component("why"),
      shellType: "TestShell",
      reason: { text: `rotate the keys, ${ticket}`, ticketRef: ticket },
    });
    await s.started;
    const r = await s.record({ kind: "command", text: "keys.rotate()" });
    s.complete(r, { durationMs: 3, outcome: "ok" });
    s.end("EXIT", 0);
    expect((await client.flush()).pending).toBe(0);

    const reader = await readerToken("auditor");
    const found = await gql(svc.url, BY_TICKET, { ticket }, reader);
    expect(found.body.errors).toBeUndefined();
    expect(found.body.data!.sessions.totalCount).toBe(1);
    expect(found.body.data!.sessions.edges[0].node).toEqual({
      id: s.id,
      reason: { text: `rotate the keys, ${ticket}`, ticketRef: ticket },
      completeness: "COMPLETE",
      chained: true,
    });
    const none = await gql(svc.url, BY_TICKET, { ticket: "NOPE-1" }, reader);
    expect(none.body.data!.sessions.totalCount).toBe(0);

    // A bad ticket reference or an empty reason is refused at the door, with what is wrong.
    const writer = await token({ sub: "alice" });
    const badTicket = await gql(
      svc.url,
      START,
      {
        input: startInput(component("bad"), crypto.randomUUID(), {
          reason: { text: "x", ticketRef: "ops 1" },
        }),
      },
      writer,
    );
    expect(codeOf(badTicket.body)).toBe("BAD_USER_INPUT");
    expect(badTicket.body.errors![0]!.message).toMatch(/ticket reference such as OPS-1234/);
    const empty = await gql(
      svc.url,
      START,
      { input: startInput(component("bad"), crypto.randomUUID(), { reason: { text: "   " } }) },
      writer,
    );
    expect(codeOf(empty.body)).toBe("BAD_USER_INPUT");

    // Append-only, and part of what the checkpoint signs: an edit with the triggers off is named.
    const db = svc.db.database.db;
    const refused = await db
      .execute(sql`update sessions set reason_text = 'nothing to see' where id = ${s.id}::uuid`)
      .then(
        () => "updated",
        (err: Error & { cause?: Error }) => `${err.message} ${err.cause?.message ?? ""}`,
      );
    expect(refused).toMatch(/UPDATE of sessions.reason_text refused/s);
    expect(await svc.app.checkpointer!.run()).toHaveLength(1);
    const verify = async () => (await verifyTrail(svc.url, reader, key.jwks)).problems;
    expect(await verify()).toEqual([]);
    await withTriggersOff(
      db,
      ["sessions"],
      sql`update sessions set reason_text = 'nothing to see' where id = ${s.id}::uuid`,
    );
    const problems = await verify();
    expect(problems).toContain(
      `session ${s.id}: its identity (actor, component, type, start time, user, host or pid) does not match its hash: altered after it was stored`,
    );
  });
});

describe("a shell that requires a reason", () => {
  const svc = useService(backends()[0]!);
  const PROMPT = /oneiric> $/;
  const ASK = /Reason for this session \(required; a ticket such as OPS-1234 is picked up\): $/;

  function shell(defer: (cleanup: () => unknown) => void, dir: string, env: Record<string, string> = {}) {
    writeFileSync(join(dir, "oneiric.yaml"), "components:\n  oneiric:\n    requireReason: true\n");
    return shellIn(defer, dir, svc.url, env);
  }

  it("asks before the prompt, and an empty answer starts nothing (exit 1)", async ({ defer, dir }) => {
    const sh = shell(defer, dir);
    await sh.waitFor(ASK);
    expect(sh.output()).not.toMatch(/Tracking/);
    sh.write("   \r");
    expect((await sh.exited).exitCode).toBe(1);
    expect(sh.output()).toMatch(
      /✗ A reason is required to open this shell \(components\.oneiric\.requireReason\); nothing was started\./,
    );
    expect(sh.output()).not.toMatch(PROMPT);
  });

  it("records the reason typed, with its ticket, and shows it in the banner and status()", async ({
    defer,
    dir,
  }) => {
    const ticket = `OPS-${Math.floor(Math.random() * 1e9)}`;
    const sh = shell(defer, dir);
    await sh.waitFor(ASK);
    sh.write(`drain the queue for ${ticket}\r`);
    await sh.ready(PROMPT);
    expect(sh.output()).toMatch(new RegExp(`Reason\\s+drain the queue for ${ticket} \\(ticket ${ticket}\\)`));
    expect(await sh.type("status().reason", PROMPT)).toMatch(
      new RegExp(`text: 'drain the queue for ${ticket}'[\\s\\S]*ticketRef: '${ticket}'`),
    );
    sh.write(".exit\r");
    expect((await sh.exited).exitCode).toBe(0);
    const reader = await readerToken("auditor");
    const found = await gql(svc.url, BY_TICKET, { ticket }, reader);
    expect(found.body.data!.sessions.edges.map((e: { node: unknown }) => e.node)).toEqual([
      expect.objectContaining({ reason: { text: `drain the queue for ${ticket}`, ticketRef: ticket } }),
    ]);
  });

  it("takes SESSION_BUDDY_REASON without asking", async ({ defer, dir }) => {
    const sh = shell(defer, dir, { SESSION_BUDDY_REASON: "nightly check" });
    await sh.ready(PROMPT);
    expect(sh.output()).not.toMatch(ASK);
    expect(sh.output()).toMatch(/Reason\s+nightly check\n/);
  });
});

describe("a shell that offers the reason prompt (askReason)", () => {
  const svc = useService(backends()[0]!);
  const PROMPT = /oneiric> $/;
  const OFFER =
    /Reason for this session \(optional, Enter skips; a ticket such as OPS-1234 is picked up\): $/;

  function shell(defer: (cleanup: () => unknown) => void, dir: string) {
    writeFileSync(join(dir, "oneiric.yaml"), "components:\n  oneiric:\n    askReason: true\n");
    return shellIn(defer, dir, svc.url);
  }

  it("Enter skips it: the shell opens with no reason on record", async ({ defer, dir }) => {
    const sh = shell(defer, dir);
    await sh.waitFor(OFFER);
    sh.write("\r");
    await sh.ready(PROMPT);
    // The banner has no Reason line (the offer itself was the only mention).
    expect(sh.output()).not.toMatch(/^\s*Reason\s{2,}\S/m);
    expect(await sh.type("status().reason", PROMPT)).toMatch(/\nnull\n/);
  });

  it("an answer is recorded as a required one is", async ({ defer, dir }) => {
    const ticket = `INC-${Math.floor(Math.random() * 1e9)}`;
    const sh = shell(defer, dir);
    await sh.waitFor(OFFER);
    sh.write(`look at one order, ${ticket}\r`);
    await sh.ready(PROMPT);
    expect(sh.output()).toMatch(new RegExp(`Reason\\s+look at one order, ${ticket} \\(ticket ${ticket}\\)`));
    sh.write(".exit\r");
    expect((await sh.exited).exitCode).toBe(0);
    const found = await gql(svc.url, BY_TICKET, { ticket }, await readerToken("auditor"));
    expect(found.body.data!.sessions.edges).toHaveLength(1);
  });
});
