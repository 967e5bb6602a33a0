/**
 * The `interrupted` command outcome (a helper cancelled with Ctrl-C): accepted, stored, filterable, and
 * no error — neither in the session's errorCount nor in the analytics' error figures. The database
 * refuses an outcome outside the contract's set.
 */
import { sql } from "drizzle-orm";
import { describe, expect } from "vitest";
import { COMMAND_OUTCOMES } from "../contract/enums.js";
import { it, useService } from "./fixture.js";
import { backends, component, gql, readerToken, token, uuid } from "./harness.js";
import { event, RECORD, START, startInput } from "./ops.js";

const writer = await token({ sub: "alice" });
const reader = await readerToken();
const SESSION = `query S($id: ID!) { session(id: $id) { commandCount errorCount events { edges { node { seq outcome } } } } }`;
const RECENT = `query R($c: String, $outcome: CommandOutcome) { recentEvents(component: $c, outcome: $outcome) { id outcome } }`;
const AGG = `query A($c: String) { aggregateSessions(groupBy: [COMPONENT], filter: { component: $c }) { errorCount } }`;

describe.each(backends())("interrupted commands on %s", (backend) => {
  const svc = useService(backend);

  it("records an interrupted command, completes one as interrupted, and counts neither as an error", async () => {
    expect(COMMAND_OUTCOMES).toContain("interrupted");
    const c = component("i");
    const id = uuid();
    await gql(svc.url, START, { input: startInput(c, id) }, writer);
    const running = uuid();
    const events = [
      event(id, uuid(), 1, { outcome: "interrupted", durationMs: 800 }),
      event(id, uuid(), 2, { outcome: "error", errorClass: "TypeError" }),
      event(id, running, 3),
    ];
    const r1 = await gql(svc.url, RECORD, { events }, writer);
    expect(r1.body.data!.recordEvents).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    // Ctrl-C while it ran: its completion says so.
    const r2 = await gql(
      svc.url,
      RECORD,
      { events: [event(id, running, 3, { outcome: "interrupted" })] },
      writer,
    );
    expect(r2.body.data!.recordEvents).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const bogus = await gql(
      svc.url,
      RECORD,
      { events: [event(id, uuid(), 4, { outcome: "cancelled" })] },
      writer,
    );
    expect(bogus.body.data!.recordEvents.rejected).toEqual([
      expect.objectContaining({ code: "BAD_USER_INPUT" }),
    ]);

    const s = (await gql(svc.url, SESSION, { id }, reader)).body.data!.session;
    expect(s).toMatchObject({ commandCount: 3, errorCount: 1 });
    expect(s.events.edges.map((e: { node: { outcome: string } }) => e.node.outcome)).toEqual([
      "interrupted",
      "error",
      "interrupted",
    ]);
    const recent = await gql(svc.url, RECENT, { c, outcome: "interrupted" }, reader);
    expect(recent.body.data!.recentEvents).toHaveLength(2);
    const agg = await gql(svc.url, AGG, { c }, reader);
    expect(agg.body.data!.aggregateSessions).toEqual([{ errorCount: 1 }]);
  });

  it("has the database refuse an outcome outside the contract", async () => {
    const c = component("d");
    const id = uuid();
    await gql(svc.url, START, { input: startInput(c, id) }, writer);
    const insert = (outcome: string) =>
      svc.db.database.db.execute(sql`insert into session_events (id, session_id, seq, kind, at, outcome)
        values (${uuid()}::uuid, ${id}::uuid, ${Math.floor(Math.random() * 1e6) + 10}, 'command', now(), ${outcome})`);
    await expect(insert("interrupted")).resolves.toBeDefined();
    const refused = (await insert("cancelled").then(
      () => undefined,
      (err: Error) => err,
    )) as (Error & { cause?: Error }) | undefined;
    expect(refused?.cause?.message ?? refused?.message).toMatch(/session_events_outcome_known/);
  });
});
