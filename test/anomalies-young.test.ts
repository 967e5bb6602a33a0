/**
 * detectAnomalies on a young deployment: where the period before the window holds too few observations,
 * the window itself is the baseline (the median and MAD are robust to the outlier among them), and each
 * anomaly says which baseline it was scored against, in full.
 */
import { describe, expect } from "vitest";
import { insertSeedRows } from "../db/seed/main.js";
import { it } from "./fixture.js";
import { backends, gql, openTestDatabase, readerToken, startService } from "./harness.js";
import { plantedSession } from "./seed-helpers.js";

const reader = await readerToken();
const ANOMALIES = `query A($metric: String!, $windowSeconds: Int, $component: String) {
  detectAnomalies(metric: $metric, windowSeconds: $windowSeconds, component: $component) {
    metric at value baseline baselineSource score component sessionId sampleSize reason } }`;
/** The service clock: a fixed instant, so the hours and windows are the same every run. */
const T = new Date("2026-06-03T12:00:00.000Z");
const H = 3_600_000;
const DAY = 24 * H;
const MIN = 60_000;

describe.each(backends())("anomalies in a young deployment on %s", (backend) => {
  it("reports a 40-hour session among 10-minute ones in a fresh database, against the window itself", async ({
    defer,
  }) => {
    const db = await openTestDatabase(backend);
    defer(() => db.close());
    const svc = await startService(backend, { database: db, now: () => T });
    defer(() => svc.stop());
    const detect = async (variables: Record<string, unknown>) => {
      const r = await gql(svc.url, ANOMALIES, variables, reader);
      expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
      return r.body.data!.detectAnomalies as Record<string, any>[];
    };
    const session = (startedAt: number, minutes: number) =>
      plantedSession({
        component: "youngling",
        startedAt: new Date(startedAt),
        endedAt: new Date(startedAt + minutes * MIN),
      });
    // Two and a half days of 9- to 11-minute sessions, and one of 40 hours that ended an hour ago.
    const short = Array.from({ length: 12 }, (_, i) =>
      session(T.getTime() - 60 * H + i * 4 * H, 9 + (i % 3)),
    );
    const long = session(T.getTime() - 41 * H, 40 * 60);
    await insertSeedRows(db.database, [...short, long]);

    const window = { metric: "session_duration", windowSeconds: 3 * 86_400, component: "youngling" };
    const found = await detect(window);
    expect(found.map((a) => a.sessionId)).toEqual([long.id]);
    expect(found[0]).toMatchObject({
      baselineSource: "WINDOW",
      value: 40 * 3600,
      baseline: 600,
      sampleSize: 13,
      reason: expect.stringContaining(
        `session ${long.id} of youngling lasted 1 d 16 h against a baseline median of 10 min 00 s over this window (too few earlier sessions) (robust z `,
      ),
    });
    expect(found[0]!.reason).toMatch(/\(robust z \d+\.\d\)$/);

    // With ten sessions in the week before the window, that week is the baseline, and the reason says so.
    const earlier = Array.from({ length: 10 }, (_, i) => session(T.getTime() - 4 * DAY - i * 10 * H, 10));
    await insertSeedRows(db.database, earlier);
    const again = await detect(window);
    expect(again.map((a) => a.sessionId)).toEqual([long.id]);
    expect(again[0]).toMatchObject({ baselineSource: "BEFORE", sampleSize: 10 });
    expect(again[0]!.reason).toContain(
      "against a baseline median of 10 min 00 s over the 7 days before (robust z ",
    );
  });

  it("scores the hours of a component first seen yesterday against its own hours, not the empty week before it", async ({
    defer,
  }) => {
    const db = await openTestDatabase(backend);
    defer(() => db.close());
    const svc = await startService(backend, { database: db, now: () => T });
    defer(() => svc.stop());
    // Five sessions an hour for the last 30 hours, and a surge of 40 more in the hour 5 h ago.
    const rows = [];
    for (let k = 1; k <= 30; k++) {
      const hour = T.getTime() - k * H;
      for (let i = 0; i < (k === 5 ? 45 : 5); i++) {
        rows.push(
          plantedSession({
            component: "fresh",
            startedAt: new Date(hour + i * 60_000),
            endedAt: new Date(hour + i * 60_000 + 5 * MIN),
          }),
        );
      }
    }
    await insertSeedRows(db.database, rows);
    const r = await gql(svc.url, ANOMALIES, { metric: "sessions_per_hour", component: "fresh" }, reader);
    expect(r.body.errors).toBeUndefined();
    const found = r.body.data!.detectAnomalies as Record<string, any>[];
    expect(found.map((a) => a.at)).toEqual([new Date(T.getTime() - 5 * H).toISOString()]);
    expect(found[0]).toMatchObject({ baselineSource: "WINDOW", value: 45, baseline: 5 });
    expect(found[0]!.reason).toContain(
      "fresh: 45 sessions started in the hour from 2026-06-03T07:00Z against a median of 5 an hour over this window (too few earlier hours) (robust z ",
    );
  });
});
