/**
 * Sensitive mode and the review queue: sensitive_begin / sensitive_end events recorded by a real client
 * and by a real shell in a terminal (the prompt changes, helpers that need it refuse outside it), read back
 * as Session.sensitive / sensitivePeriods, announced live on sensitiveAccess; pendingReviews with each cause
 * (sensitive, anomaly, review: required), reviewSession's refusals (own session, active, no note, no
 * scope), verdicts that are permanent, reviewQueueChanged, and the CLI's `review` as a process.
 */
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect } from "vitest";
import { EventKinds, Scopes } from "../contract/enums.js";
import { testClient } from "./client-kit.js";
import { it, useService } from "./fixture.js";
import {
  backends,
  codeOf,
  collect,
  component,
  gql,
  readerToken,
  runCli,
  startService,
  TEST_SECRET,
  token,
  untilLive,
  wsConnect,
} from "./harness.js";
import { shellIn } from "./pty.js";

const SESSION = `query ($id: ID!) {
  session(id: $id) {
    id sensitive reviewCauses
    sensitivePeriods { reason ticketRef beginSeq endSeq endedBy beganAt endedAt }
    reviews { verdict note reviewer reviewedAt }
  }
}`;
const PENDING = `query ($component: String, $first: Int, $after: String) {
  pendingReviews(component: $component, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id reviewCauses } }
  }
}`;
const REVIEW = `mutation ($id: ID!, $verdict: ReviewVerdict!, $note: String) {
  reviewSession(id: $id, verdict: $verdict, note: $note) { sessionId verdict note reviewer }
}`;
const SENSITIVE_ACCESS = `subscription ($component: String) {
  sensitiveAccess(component: $component) { sessionId component seq reason ticketRef session { actor } }
}`;
const QUEUE = `subscription ($component: String) {
  reviewQueueChanged(component: $component) { sessionId component change verdict reviewer }
}`;
const SENSITIVE_FILTER = `query ($component: String!) {
  sessions(filter: { component: $component, sensitive: true }) { totalCount edges { node { id } } }
}`;

const reviewerToken = (sub: string) => token({ sub, scopes: [Scopes.READ, Scopes.AUDIT, Scopes.REVIEW] });

type Client = Awaited<ReturnType<typeof testClient>>;

/** One ended session of `comp` with `commands` commands, optionally wrapped in a sensitive period. */
async function endedSession(
  client: Client,
  comp: string,
  opts: { commands?: number; sensitive?: string } = {},
) {
  const s = client.start({ component: comp, shellType: "TestShell" });
  await s.started;
  if (opts.sensitive)
    await s.record({
      kind: EventKinds.SENSITIVE_BEGIN,
      text: opts.sensitive,
      payload: { ticketRef: "OPS-77" },
    });
  for (let i = 0; i < (opts.commands ?? 1); i++) {
    const r = await s.record({ kind: "command", text: `step(${i})` });
    s.complete(r, { durationMs: 1, outcome: "ok" });
  }
  if (opts.sensitive)
    await s.record({
      kind: EventKinds.SENSITIVE_END,
      text: opts.sensitive,
      payload: { durationMs: 5, endedBy: "end_sensitive" },
    });
  s.end("EXIT", 0);
  expect((await client.flush()).pending).toBe(0);
  return s.id;
}

describe.each(backends())("sensitive mode and the review queue on %s", (backend) => {
  it("records sensitive periods, queues what needs review and records verdicts once reviewed", async ({
    defer,
    dir,
  }) => {
    const sensitiveComp = component("sens");
    const requiredComp = component("req");
    const plainComp = component("plain");
    const svc = await startService(backend, { app: { reviewRequired: [requiredComp] } });
    defer(() => svc.stop());
    const alice = await testClient(svc.url, join(dir, "journal"), "alice");
    defer(() => alice.shutdown(0));
    const rita = await reviewerToken("rita");
    const reader = await readerToken("oncall");

    // On-call watch sensitive access; reviewers watch the queue. Both are live before anything happens.
    const ws = await wsConnect(svc.wsUrl, reader);
    defer(() => ws.dispose());
    const access = collect(ws, SENSITIVE_ACCESS, { component: sensitiveComp });
    defer(() => access.dispose());
    const probe = alice.start({ component: sensitiveComp, shellType: "TestShell" });
    await probe.started;
    await untilLive(
      async () => {
        await probe.record({ kind: EventKinds.SENSITIVE_BEGIN, text: "probe" });
        await alice.flush();
      },
      () => access.items.length > 0,
    );
    const reviewWs = await wsConnect(svc.wsUrl, rita);
    defer(() => reviewWs.dispose());
    const queue = collect(reviewWs, QUEUE, { component: requiredComp });
    defer(() => queue.dispose());
    const probes: string[] = [];
    await untilLive(
      async () => {
        probes.push(await endedSession(alice, requiredComp));
      },
      () => queue.items.length > 0,
    );

    const sensitive = await endedSession(alice, sensitiveComp, {
      sensitive: "OPS-77 refund a double charge",
    });
    const required = await endedSession(alice, requiredComp);
    const plain = await endedSession(alice, plainComp);

    const seen = await access.when((a) => a.sensitiveAccess.reason === "OPS-77 refund a double charge");
    expect(seen.sensitiveAccess).toEqual({
      sessionId: sensitive,
      component: sensitiveComp,
      seq: 1,
      reason: "OPS-77 refund a double charge",
      ticketRef: "OPS-77",
      session: { actor: "alice" },
    });
    const queued = await queue.when((c) => c.reviewQueueChanged.sessionId === required);
    expect(queued.reviewQueueChanged).toEqual({
      sessionId: required,
      component: requiredComp,
      change: "QUEUED",
      verdict: null,
      reviewer: null,
    });

    const s = (await gql(svc.url, SESSION, { id: sensitive }, rita)).body.data!.session;
    expect(s).toMatchObject({
      sensitive: true,
      reviewCauses: ["SENSITIVE"],
      reviews: [],
      sensitivePeriods: [
        {
          reason: "OPS-77 refund a double charge",
          ticketRef: "OPS-77",
          beginSeq: 1,
          endSeq: 3,
          endedBy: "end_sensitive",
        },
      ],
    });
    const plainRead = (await gql(svc.url, SESSION, { id: plain }, rita)).body.data!.session;
    expect(plainRead).toMatchObject({ sensitive: false, sensitivePeriods: [], reviewCauses: [] });
    const filtered = await gql(svc.url, SENSITIVE_FILTER, { component: sensitiveComp }, reader);
    // The probe is sensitive too (still active); the filter does not care about status.
    expect(filtered.body.data!.sessions.edges.map((e: { node: { id: string } }) => e.node.id).sort()).toEqual(
      [sensitive, probe.id].sort(),
    );

    // The queue: the ended sensitive session, every ended session of the required component; not the
    // plain one, not the active probe.
    const pending = async (comp: string) => {
      const r = await gql(svc.url, PENDING, { component: comp, first: 50 }, rita);
      expect(r.body.errors).toBeUndefined();
      return r.body.data!.pendingReviews;
    };
    expect((await pending(sensitiveComp)).edges.map((e: { node: unknown }) => e.node)).toEqual([
      { id: sensitive, reviewCauses: ["SENSITIVE"] },
    ]);
    const req = await pending(requiredComp);
    expect(req.totalCount).toBe(probes.length + 1);
    expect(req.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(required);
    expect(
      req.edges.every((e: { node: { reviewCauses: string[] } }) => e.node.reviewCauses.includes("REQUIRED")),
    ).toBe(true);
    expect((await pending(plainComp)).totalCount).toBe(0);

    // Pages, and a forged cursor.
    const p1 = (await gql(svc.url, PENDING, { component: requiredComp, first: 1 }, rita)).body.data!
      .pendingReviews;
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = (
      await gql(svc.url, PENDING, { component: requiredComp, first: 1, after: p1.pageInfo.endCursor }, rita)
    ).body.data!.pendingReviews;
    expect(p2.edges[0].node.id).not.toBe(p1.edges[0].node.id);
    const forged = await gql(svc.url, PENDING, { component: requiredComp, after: "bm90LWEtY3Vyc29y" }, rita);
    expect(codeOf(forged.body)).toBe("BAD_USER_INPUT");

    // Refusals, each with its reason.
    const aliceReviewer = await reviewerToken("alice");
    const own = await gql(svc.url, REVIEW, { id: sensitive, verdict: "APPROVED" }, aliceReviewer);
    expect(codeOf(own.body)).toBe("FORBIDDEN");
    expect(own.body.errors![0]!.extensions!.reason).toBe("SELF_REVIEW");
    expect(own.body.errors![0]!.message).toMatch(/nobody reviews their own session/);
    const active = await gql(svc.url, REVIEW, { id: probe.id, verdict: "APPROVED" }, rita);
    expect(codeOf(active.body)).toBe("CONFLICT");
    const noNote = await gql(svc.url, REVIEW, { id: sensitive, verdict: "FLAGGED" }, rita);
    expect(codeOf(noNote.body)).toBe("BAD_USER_INPUT");
    expect(noNote.body.errors![0]!.message).toMatch(/needs a note/);
    const unknown = await gql(svc.url, REVIEW, { id: crypto.randomUUID(), verdict: "APPROVED" }, rita);
    expect(codeOf(unknown.body)).toBe("NOT_FOUND");
    const noScope = await gql(svc.url, REVIEW, { id: sensitive, verdict: "APPROVED" }, reader);
    expect(codeOf(noScope.body)).toBe("FORBIDDEN");
    expect(noScope.body.errors![0]!.message).toMatch(/audit:review/);
    const noScopeQueue = await gql(svc.url, PENDING, {}, reader);
    expect(codeOf(noScopeQueue.body)).toBe("FORBIDDEN");

    // A verdict takes the session out of the queue, is announced and stays on the session.
    const approved = await gql(
      svc.url,
      REVIEW,
      { id: required, verdict: "APPROVED", note: "restart as planned" },
      rita,
    );
    expect(approved.body.data!.reviewSession).toEqual({
      sessionId: required,
      verdict: "APPROVED",
      note: "restart as planned",
      reviewer: "rita",
    });
    const reviewed = await queue.when(
      (c) => c.reviewQueueChanged.sessionId === required && c.reviewQueueChanged.change === "REVIEWED",
    );
    expect(reviewed.reviewQueueChanged).toMatchObject({ verdict: "APPROVED", reviewer: "rita" });
    expect((await pending(requiredComp)).edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(
      required,
    );
    const flagged = await gql(
      svc.url,
      REVIEW,
      { id: sensitive, verdict: "FLAGGED", note: "read rows beyond the ticket" },
      rita,
    );
    expect(flagged.body.errors).toBeUndefined();
    expect((await pending(sensitiveComp)).totalCount).toBe(0);
    const after = (await gql(svc.url, SESSION, { id: sensitive }, rita)).body.data!.session;
    expect(after.reviews).toEqual([
      expect.objectContaining({ verdict: "FLAGGED", note: "read rows beyond the ticket", reviewer: "rita" }),
    ]);

    // Verdicts are permanent: the database refuses to change or remove one.
    const db = svc.db.database.db;
    for (const statement of [
      sql`update session_reviews set verdict = 'APPROVED' where session_id = ${sensitive}::uuid`,
      sql`delete from session_reviews where session_id = ${sensitive}::uuid`,
    ]) {
      const refused = await db.execute(statement).then(
        () => "done",
        (err: Error & { cause?: Error }) => `${err.message} ${err.cause?.message ?? ""}`,
      );
      expect(refused).toMatch(/on session_reviews refused: session_reviews is permanent/);
    }
  });

  it("queues the sessions anomaly detection flags", async ({ defer, dir }) => {
    const comp = component("anom");
    const svc = await startService(backend);
    defer(() => svc.stop());
    const alice = await testClient(svc.url, join(dir, "journal"), "alice");
    defer(() => alice.shutdown(0));
    for (let i = 0; i < 12; i++) await endedSession(alice, comp, { commands: 1 });
    const storm = await endedSession(alice, comp, { commands: 60 });
    const rita = await reviewerToken("rita");
    const r = await gql(svc.url, PENDING, { component: comp }, rita);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!.pendingReviews.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { id: storm, reviewCauses: ["ANOMALY"] },
    ]);
  });
});

describe("review from the CLI and sensitive mode in a shell", () => {
  const svc = useService(backends()[0]!, { app: { reviewRequired: ["oneiric"] } });
  const PROMPT = /oneiric> $/;
  const SENSITIVE_PROMPT = /oneiric\[sensitive\]! $/;

  it("a shell's sensitive mode: refusals outside it, the prompt, the live notice and the record", async ({
    defer,
    dir,
  }) => {
    const reader = await readerToken("oncall");
    const ws = await wsConnect(svc.wsUrl, reader);
    defer(() => ws.dispose());
    const access = collect(ws, SENSITIVE_ACCESS, { component: "oneiric" });
    defer(() => access.dispose());
    const sh = shellIn(defer, dir, svc.url);
    await sh.ready(PROMPT);
    expect(sh.output()).toMatch(/reveal_setting\(key\)\s+A secret setting's value.*\[sensitive\]/);

    expect(await sh.type("reveal_setting('secret')", PROMPT)).toMatch(
      /reveal_setting\(key\) needs sensitive mode: enter it with sensitive\(/,
    );
    expect(await sh.type("sensitive('')", PROMPT)).toMatch(/reason must be a reason: why/);
    const entered = await sh.type("sensitive('OPS-5150 rotate the shared secret')", SENSITIVE_PROMPT);
    expect(entered).toMatch(/⚠ Sensitive mode: OPS-5150 rotate the shared secret — recorded/);
    const notice = await access.when((a) => a.sensitiveAccess.reason === "OPS-5150 rotate the shared secret");
    expect(notice.sensitiveAccess).toMatchObject({ component: "oneiric", ticketRef: "OPS-5150" });
    expect(await sh.type("reveal_setting('secret')", SENSITIVE_PROMPT)).toContain(TEST_SECRET);
    expect(await sh.type("status().sensitive.ticketRef", SENSITIVE_PROMPT)).toMatch(/'OPS-5150'/);
    expect(await sh.type("endSensitive()", PROMPT)).toMatch(/✓ Sensitive mode ended after/);
    expect(await sh.type("reveal_setting('secret')", PROMPT)).toMatch(/needs sensitive mode/);
    // A period still open when the shell ends is closed with the session.
    await sh.type("sensitive('INC-9 look at one row')", SENSITIVE_PROMPT);
    sh.write(".exit\r");
    expect((await sh.exited).exitCode).toBe(0);

    const id = notice.sensitiveAccess.sessionId as string;
    const s = (await gql(svc.url, SESSION, { id }, await reviewerToken("rita"))).body.data!.session;
    expect(s.sensitive).toBe(true);
    expect(s.reviewCauses).toEqual(["SENSITIVE", "REQUIRED"]);
    expect(
      s.sensitivePeriods.map((p: Record<string, unknown>) => [p.reason, p.ticketRef, p.endedBy]),
    ).toEqual([
      ["OPS-5150 rotate the shared secret", "OPS-5150", "end_sensitive"],
      ["INC-9 look at one row", "INC-9", "session_end"],
    ]);
  });

  it("lists the queue, shows a session's review state and records a verdict; refuses self-review", async ({
    defer,
    dir,
  }) => {
    const alice = await testClient(svc.url, join(dir, "journal"), "alice");
    defer(() => alice.shutdown(0));
    const id = await endedSession(alice, "oneiric", { sensitive: "OPS-42 fix a customer's address" });
    const env = (sub: string) => ({
      SESSION_BUDDY_URL: svc.url,
      SESSION_BUDDY_DATA_DIR: join(dir, "cli"),
      SESSION_BUDDY_TOKEN: undefined as string | undefined,
      sub,
    });
    const as = async (sub: string) => {
      const e = env(sub);
      e.SESSION_BUDDY_TOKEN = await reviewerToken(sub);
      const { sub: _s, ...rest } = e;
      return rest;
    };
    const rita = await as("rita");

    const listed = await runCli(["review", "--pending", "--component", "oneiric", "--format", "json"], rita);
    expect(listed.code, listed.stderr).toBe(0);
    const queue = JSON.parse(listed.stdout) as { sessions: { id: string; reviewCauses: string[] }[] };
    expect(queue.sessions.find((s) => s.id === id)?.reviewCauses).toEqual(["SENSITIVE", "REQUIRED"]);
    const table = await runCli(["review", "--pending", "--component", "oneiric"], rita);
    expect(table.stdout).toMatch(/sensitive, required/);
    expect(table.stdout).toMatch(/OPS-42 fix a customer's address/);

    const short = id.replace(/-/g, "").slice(-8);
    const shown = await runCli(["review", short], rita);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/needs review: sensitive, required — not reviewed yet/);
    expect(shown.stdout).toMatch(/sensitive\s+.*OPS-42 fix a customer's address/);

    const self = await runCli(["review", short, "--approve"], await as("alice"));
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/nobody reviews their own session/);
    const noNote = await runCli(["review", short, "--flag"], rita);
    expect(noNote.code).toBe(1);
    expect(noNote.stderr).toMatch(/--flag needs --note/);

    const done = await runCli(["review", short, "--approve", "--note", "address matches the ticket"], rita);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/APPROVED by rita .*: address matches the ticket/);
    const again = await runCli(["review", short], rita);
    expect(again.stdout).toMatch(/review\s+APPROVED by rita .*address matches the ticket/);
    const after = await runCli(["review", "--pending", "--component", "oneiric", "--format", "json"], rita);
    expect(
      (JSON.parse(after.stdout) as { sessions: { id: string }[] }).sessions.map((s) => s.id),
    ).not.toContain(id);
  });
});
