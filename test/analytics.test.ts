import { sql } from "drizzle-orm";
import { beforeAll, describe, expect } from "vitest";
import { mintToken } from "../auth/jwt.js";
import { type ActorKind, ActorKinds, Scopes } from "../contract/enums.js";
import { rowsOf } from "../db/rows.js";
import type { SeedSession } from "../db/seed/main.js";
import { it, suiteTokens, useDatabase, useService } from "./fixture.js";
import { backends, codeOf, component, gql, runCli, TEST_SECRET, token, uuid } from "./harness.js";
import { END, START, startInput } from "./ops.js";
import {
  clean,
  durationOf,
  failed,
  finished,
  groupBy,
  loadSeed,
  mean,
  percentileCont,
  plant,
  plantedCommands,
  plantedSession,
  robustScore,
  type Seeded,
} from "./seed-helpers.js";

/** The service clock and the end of the seeded period: a fixed Wednesday noon, so every run sees the same data. */
const T = new Date("2026-06-03T12:00:00.000Z");
const H = 3_600_000;
const DAY = 24 * H;
const SEED = { sessions: 6000, events: 60_000, seed: 7, days: 10, now: T };

const STATS = `query Stats($days: Int, $component: String) {
  sessionStats(days: $days, component: $component) {
    component totalSessions activeSessions endedSessions failedSessions avgDurationSeconds p95DurationSeconds errorRate } }`;
const AVG = `query Avg($days: Int, $component: String) {
  averageSessionDuration(days: $days, component: $component) { component avgDurationSeconds sessionCount } }`;
const MOST = `query Most($days: Int, $limit: Int) {
  mostActiveComponents(days: $days, limit: $limit) { component sessionCount totalDurationSeconds qualityScore lastActiveAt } }`;
const ERRORS = `query Errors($days: Int, $component: String) {
  sessionErrorRate(days: $days, component: $component) { component totalSessions failedSessions errorRate mostCommonError } }`;
const RANGE = `query Range($start: DateTime!, $end: DateTime!, $first: Int) {
  sessionsByTimeRange(start: $start, end: $end, first: $first) { id startedAt } }`;
const EXPORT = `query Export($filter: SessionFilter, $format: ExportFormat, $limit: Int) {
  exportSessions(filter: $filter, format: $format, limit: $limit) }`;
const AGG = `query Agg($groupBy: [AggregateKey!]!, $filter: SessionFilter, $limit: Int) {
  aggregateSessions(groupBy: $groupBy, filter: $filter, limit: $limit) { key count avgDurationSeconds errorCount failedSessions } }`;
const AGG_DAYS = `query AggDays($groupBy: [AggregateKey!]!, $filter: SessionFilter, $days: Int) {
  aggregateSessions(groupBy: $groupBy, filter: $filter, days: $days) { key count failedSessions avgDurationSeconds } }`;
const SEARCH = `query Search($query: String!, $index: SearchIndex, $limit: Int) {
  searchSessions(query: $query, index: $index, limit: $limit) { index sessionId eventId score snippet at } }`;
const ANOMALIES = `query Anomalies($metric: String!, $threshold: Float, $windowSeconds: Int, $limit: Int) {
  detectAnomalies(metric: $metric, threshold: $threshold, windowSeconds: $windowSeconds, limit: $limit) {
    metric at value baseline score component sessionId sampleSize reason } }`;
const GRAPH = `query Graph($query: String, $nodeType: String, $depth: Int, $days: Int, $maxNodes: Int) {
  sessionGraph(query: $query, nodeType: $nodeType, depth: $depth, days: $days, maxNodes: $maxNodes) {
    truncated maxNodes depth nodes { id type label weight depth } edges { source target type weight } } }`;
const TRENDS = `query Trends($metric: String!, $windowSeconds: Int!, $granularitySeconds: Int!, $component: String) {
  sessionTrends(metric: $metric, windowSeconds: $windowSeconds, granularitySeconds: $granularitySeconds, component: $component) {
    metric direction slope windowStart granularitySeconds points { bucketStart value sessions } } }`;

const inWindow = (s: SeedSession, days: number) => s.startedAt.getTime() >= T.getTime() - days * DAY;
const byComponent = <T extends { component: string }>(rows: T[]) =>
  [...rows].sort((a, b) => (a.component < b.component ? -1 : 1));

/** Asserts two numbers agree to about 1e-6 relative (float sums in another order). */
function near(actual: number | null | undefined, expected: number | null | undefined, what = "") {
  if (expected == null) return expect(actual, what).toBeNull();
  expect(actual, what).not.toBeNull();
  expect(Math.abs(actual! - expected), what).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected)));
}

const { reader } = await suiteTokens();
const readOnly = await token({ sub: "viewer", scopes: ["sessions:read"] });

describe.each(backends())("analytics on %s", (backend) => {
  const db = useDatabase(backend);
  let data: Seeded;
  const planted = {
    long: "",
    storm: "",
    surgeHour: new Date(T.getTime() - 5 * H),
    failHour: new Date(T.getTime() - 8 * H),
  };

  beforeAll(async () => {
    data = await loadSeed(db.database, SEED);

    // Anomalies planted in the last 24 h: a 19-hour shell, a command storm, a surge of starts, a burst
    // of failures.
    const long = plantedSession({
      component: "crackerjack",
      startedAt: new Date(T.getTime() - 20 * H),
      endedAt: new Date(T.getTime() - H),
      metadata: { reason: "zebra migration, zebra cleanup, zebra audit" },
    });
    const storm = plantedSession({
      component: "fastblocks",
      componentType: "builder",
      shellType: "FastBlocksShell",
      startedAt: new Date(T.getTime() - 3 * H),
      endedAt: new Date(T.getTime() - 3 * H + 20 * 60_000),
      metadata: { reason: "zebra" },
    });
    const stormEvents = plantedCommands(
      storm,
      Array.from({ length: 600 }, (_, i) => (i === 0 ? "feed_zebra(1)" : `render("page-${i}")`)),
    );
    const surge = Array.from({ length: 40 }, (_, i) =>
      plantedSession({
        component: "oneiric",
        componentType: "foundation",
        shellType: "OneiricShell",
        startedAt: new Date(planted.surgeHour.getTime() + i * 60_000),
        endedAt: new Date(planted.surgeHour.getTime() + i * 60_000 + 120_000),
      }),
    );
    const failures = Array.from({ length: 10 }, (_, i) =>
      plantedSession({
        component: "mahavishnu",
        componentType: "orchestrator",
        shellType: "MahavishnuShell",
        startedAt: new Date(planted.failHour.getTime() + i * 5 * 60_000),
        endedAt: new Date(planted.failHour.getTime() + i * 5 * 60_000 + 240_000),
        endReason: i < 9 ? "ERROR" : "EXIT",
        exitCode: i < 9 ? 1 : 0,
      }),
    );
    await plant(db.database, data, [long, storm, ...surge, ...failures], stormEvents);
    planted.long = long.id;
    planted.storm = storm.id;
  });
  const svc = useService(backend, { database: db, now: () => T });

  const q = async (query: string, variables: Record<string, unknown> = {}, bearer = reader) => {
    const r = await gql(svc.url, query, variables, bearer);
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    return r.body.data!;
  };

  it("sessionStats: counts, active, mean and continuous p95 of finished durations, error rate per component", async () => {
    for (const days of [1, 7, 30]) {
      const got: any[] = (await q(STATS, { days })).sessionStats;
      const expected = [
        ...groupBy(
          data.sessions.filter((s) => inWindow(s, days)),
          (s) => s.component,
        ),
      ].map(([component, list]) => {
        const durations = list.filter(finished).map(durationOf);
        return {
          component,
          totalSessions: list.length,
          activeSessions: list.filter((s) => s.status === "ACTIVE").length,
          endedSessions: durations.length,
          failedSessions: list.filter(failed).length,
          avgDurationSeconds: mean(durations),
          p95DurationSeconds: percentileCont(durations, 0.95),
          errorRate: list.filter(failed).length / list.length,
        };
      });
      expect(got.map((r: any) => r.component)).toEqual([...got.map((r: any) => r.component)].sort());
      expect(got).toHaveLength(expected.length);
      for (const [g, e] of byComponent(got).map((g, i) => [g, byComponent(expected)[i]!] as const)) {
        expect({ ...g, avgDurationSeconds: 0, p95DurationSeconds: 0, errorRate: 0 }).toEqual({
          ...e,
          avgDurationSeconds: 0,
          p95DurationSeconds: 0,
          errorRate: 0,
        });
        near(g.avgDurationSeconds, e.avgDurationSeconds, `${days}d ${e.component} avg`);
        near(g.p95DurationSeconds, e.p95DurationSeconds, `${days}d ${e.component} p95`);
        near(g.errorRate, e.errorRate);
      }
    }
    const one = (await q(STATS, { days: 7, component: "akosha" })).sessionStats;
    expect(one.map((r: any) => r.component)).toEqual(["akosha"]);
    expect((await q(STATS, { days: 7, component: "no-such" })).sessionStats).toEqual([]);
    // Active sessions exist in the seed (still running at T) and are not in any duration.
    expect(data.sessions.some((s) => s.status === "ACTIVE" && inWindow(s, 1))).toBe(true);
  });

  it("averageSessionDuration and mostActiveComponents (quality score as the gauge defines it, last activity)", async () => {
    const avg: any[] = (await q(AVG, { days: 7 })).averageSessionDuration;
    const win = data.sessions.filter((s) => inWindow(s, 7));
    const expected = [...groupBy(win.filter(finished), (s) => s.component)].map(([component, list]) => ({
      component,
      avgDurationSeconds: mean(list.map(durationOf))!,
      sessionCount: list.length,
    }));
    expect(byComponent(avg).map((r: any) => [r.component, r.sessionCount])).toEqual(
      byComponent(expected).map((r) => [r.component, r.sessionCount]),
    );
    for (const [i, r] of byComponent(avg).entries())
      near(r.avgDurationSeconds, byComponent(expected)[i]!.avgDurationSeconds);

    const most = (await q(MOST, { days: 7, limit: 3 })).mostActiveComponents;
    const usage = [...groupBy(win, (s) => s.component)]
      .map(([component, list]) => {
        const fin = list.filter(finished);
        return {
          component,
          sessionCount: list.length,
          totalDurationSeconds: fin.reduce((a, s) => a + durationOf(s), 0),
          qualityScore: fin.length ? (100 * list.filter(clean).length) / fin.length : null,
          lastActiveAt: new Date(
            Math.max(...list.map((s) => (s.endedAt ?? s.lastSeenAt).getTime())),
          ).toISOString(),
        };
      })
      .sort((a, b) => b.sessionCount - a.sessionCount || (a.component < b.component ? -1 : 1))
      .slice(0, 3);
    expect(most.map((r: any) => [r.component, r.sessionCount, r.lastActiveAt])).toEqual(
      usage.map((r) => [r.component, r.sessionCount, r.lastActiveAt]),
    );
    for (const [i, r] of most.entries()) {
      near(r.totalDurationSeconds, usage[i]!.totalDurationSeconds);
      near(r.qualityScore, usage[i]!.qualityScore);
    }
    // The seed has sequence gaps, so the score is below the clean-exit share.
    expect(data.sessions.some((s) => s.eventCount !== s.maxSeq)).toBe(true);
  });

  it("sessionErrorRate: failed share (ABANDONED or ERROR) and the most common error class of those sessions' events", async () => {
    const got = (await q(ERRORS, { days: 7 })).sessionErrorRate;
    const win = data.sessions.filter((s) => inWindow(s, 7));
    const componentOf = new Map(win.map((s) => [s.id, s.component]));
    const classes = new Map<string, Map<string, number>>();
    for (const e of data.events) {
      const c = componentOf.get(e.sessionId);
      if (!c || e.errorClass == null) continue;
      const m = classes.get(c) ?? new Map<string, number>();
      m.set(e.errorClass, (m.get(e.errorClass) ?? 0) + 1);
      classes.set(c, m);
    }
    const expected = [...groupBy(win, (s) => s.component)]
      .map(([component, list]) => {
        const top = [...(classes.get(component) ?? new Map<string, number>())].sort(
          (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
        )[0];
        return {
          component,
          totalSessions: list.length,
          failedSessions: list.filter(failed).length,
          errorRate: list.filter(failed).length / list.length,
          mostCommonError: top ? top[0] : null,
        };
      })
      .sort((a, b) => b.errorRate - a.errorRate || (a.component < b.component ? -1 : 1));
    expect(got.map((r: any) => ({ ...r, errorRate: 0 }))).toEqual(
      expected.map((r) => ({ ...r, errorRate: 0 })),
    );
    for (const [i, r] of got.entries()) near(r.errorRate, expected[i]!.errorRate);
    expect(got.every((r: any) => r.mostCommonError)).toBe(true);
  });

  it("sessionsByTimeRange: [start, end) oldest first, bounded by first", async () => {
    const start = new Date(T.getTime() - 30 * H);
    const end = new Date(T.getTime() - 20 * H);
    const expected = data.sessions
      .filter((s) => s.startedAt >= start && s.startedAt < end)
      .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || (a.id < b.id ? -1 : 1));
    const got = (await q(RANGE, { start, end, first: 1000 })).sessionsByTimeRange;
    expect(got.map((s: any) => s.id)).toEqual(expected.map((s) => s.id));
    const few = (await q(RANGE, { start, end, first: 5 })).sessionsByTimeRange;
    expect(few.map((s: any) => s.id)).toEqual(expected.slice(0, 5).map((s) => s.id));
    expect((await q(RANGE, { start: T, end: new Date(T.getTime() + H) })).sessionsByTimeRange).toEqual([]);
  });

  it("exportSessions: NDJSON and CSV of the filtered sessions, bounded", async () => {
    const filter = { component: "oneiric", startedAfter: new Date(T.getTime() - 6 * H).toISOString() };
    const expected = data.sessions
      .filter((s) => s.component === "oneiric" && s.startedAt.getTime() >= T.getTime() - 6 * H)
      .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || (a.id < b.id ? -1 : 1));
    const nd = (await q(EXPORT, { filter })).exportSessions as string;
    const rows = nd
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => r.id)).toEqual(expected.map((s) => s.id));
    const first = expected[0]!;
    expect(rows[0]).toMatchObject({
      id: first.id,
      component: "oneiric",
      status: first.status,
      startedAt: first.startedAt.toISOString(),
      endedAt: first.endedAt?.toISOString() ?? null,
      durationSeconds: first.endedAt ? durationOf(first) : null,
      actor: first.actor,
      metadata: first.metadata,
      adapters: first.adapters,
      commandCount: first.commandCount,
    });
    const csv = (await q(EXPORT, { filter, format: "CSV", limit: 3 })).exportSessions as string;
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^id,type,component,componentType,/);
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(expected.slice(0, 3).map((s) => s.id));
    const over = await gql(svc.url, EXPORT, { limit: 10_001 }, reader);
    expect(codeOf(over.body)).toBe("BAD_USER_INPUT");
  });

  it("aggregateSessions: groups by any keys with counts, mean durations, error counts; filters apply", async () => {
    const keyOf: Record<string, (s: SeedSession) => string | null> = {
      COMPONENT: (s) => s.component,
      TYPE: (s) => s.type,
      ACTOR: (s) => s.actor,
      // The seed reports no actor kind: every seeded session is in the unknown (null) group.
      ACTOR_KIND: (s) => (s as { actorKind?: string | null }).actorKind ?? null,
      HOSTNAME: (s) => s.hostname,
      STATUS: (s) => s.status,
      DAY: (s) => s.startedAt.toISOString().slice(0, 10),
      HOUR: (s) => `${s.startedAt.toISOString().slice(0, 13)}:00:00Z`,
    };
    const names: Record<string, string> = {
      COMPONENT: "component",
      TYPE: "type",
      ACTOR: "actor",
      ACTOR_KIND: "actorKind",
      HOSTNAME: "hostname",
      STATUS: "status",
      DAY: "day",
      HOUR: "hour",
    };
    const reference = (keys: string[], rows: SeedSession[]) =>
      [...groupBy(rows, (s) => JSON.stringify(keys.map((k) => keyOf[k]!(s))))].map(([k, list]) => ({
        key: Object.fromEntries(keys.map((name, i) => [names[name]!, JSON.parse(k)[i]])),
        count: list.length,
        avgDurationSeconds: mean(list.filter(finished).map(durationOf)),
        errorCount: list.reduce((a, s) => a + s.errorCount, 0),
        failedSessions: list.filter(failed).length,
      }));
    const canon = (rows: any[]) =>
      rows
        .map((r) => ({
          ...r,
          avgDurationSeconds: r.avgDurationSeconds == null ? null : r.avgDurationSeconds.toFixed(6),
        }))
        .sort((a, b) => (JSON.stringify(a.key) < JSON.stringify(b.key) ? -1 : 1));

    const after = new Date(T.getTime() - 2 * DAY);
    const cases: [string[], Record<string, unknown> | null, (s: SeedSession) => boolean][] = [
      [["COMPONENT", "STATUS"], null, () => true],
      [["DAY"], { type: "admin_shell" }, (s) => s.type === "admin_shell"],
      [["ACTOR_KIND", "COMPONENT"], { status: "ENDED" }, (s) => s.status === "ENDED"],
      [["HOUR", "COMPONENT"], { startedAfter: after.toISOString() }, (s) => s.startedAt >= after],
      [
        ["ACTOR", "HOSTNAME", "TYPE"],
        { component: "crackerjack", status: "ENDED" },
        (s) => s.component === "crackerjack" && s.status === "ENDED",
      ],
    ];
    for (const [keys, filter, pick] of cases) {
      const got = (await q(AGG, { groupBy: keys, filter, limit: 1000 })).aggregateSessions;
      const expected = reference(keys, data.sessions.filter(pick));
      expect(canon(got), keys.join()).toEqual(canon(expected));
      for (let i = 1; i < got.length; i++) expect(got[i - 1].count).toBeGreaterThanOrEqual(got[i].count);
    }
    // A limit keeps the largest groups.
    const all = reference(["ACTOR"], data.sessions);
    const top = (await q(AGG, { groupBy: ["ACTOR"], limit: 5 })).aggregateSessions;
    expect(top).toHaveLength(5);
    const cut = Math.min(...top.map((r: any) => r.count));
    const keptActors = new Set(top.map((r: any) => r.key.actor));
    expect(all.filter((r) => !keptActors.has(r.key.actor)).every((r) => r.count <= cut)).toBe(true);
    expect(codeOf((await gql(svc.url, AGG, { groupBy: [] }, reader)).body)).toBe("BAD_USER_INPUT");
  });

  it("sessionTrends: buckets cover the window ending now, empty ones 0, with slope and direction", async () => {
    const W = 3 * DAY;
    const g = 6 * H;
    const n = Math.ceil(W / g);
    const start = T.getTime() - n * g;
    const buckets = Array.from({ length: n }, () => [] as SeedSession[]);
    for (const s of data.sessions) {
      const t = s.startedAt.getTime();
      if (t >= start && t < T.getTime()) buckets[Math.floor((t - start) / g)]!.push(s);
    }
    const values: Record<string, (b: SeedSession[]) => number> = {
      sessions: (b) => b.length,
      avg_duration: (b) => mean(b.filter(finished).map(durationOf)) ?? 0,
      error_rate: (b) => (b.length ? b.filter(failed).length / b.length : 0),
      commands: (b) => b.reduce((a, s) => a + s.commandCount, 0),
    };
    for (const metric of Object.keys(values)) {
      const got = (await q(TRENDS, { metric, windowSeconds: W / 1000, granularitySeconds: g / 1000 }))
        .sessionTrends;
      const ys = buckets.map(values[metric]!);
      expect(got.points.map((p: any) => p.bucketStart)).toEqual(
        ys.map((_, i) => new Date(start + i * g).toISOString()),
      );
      for (const [i, y] of ys.entries()) near(got.points[i].value, y, `${metric} ${i}`);
      expect(got.points.map((p: any) => p.sessions)).toEqual(buckets.map((b) => b.length));
      const xm = (n - 1) / 2;
      const ym = mean(ys)!;
      const slope =
        ys.reduce((a, y, i) => a + (i - xm) * (y - ym), 0) / ys.reduce((a, _, i) => a + (i - xm) ** 2, 0);
      near(got.slope, slope, `${metric} slope`);
      const change = (slope * (n - 1)) / (Math.abs(ym) || 1);
      expect(got.direction).toBe(ym === 0 || Math.abs(change) <= 0.1 ? "FLAT" : change > 0 ? "UP" : "DOWN");
    }
    // A window with no data: every bucket 0, flat.
    const empty = (
      await q(TRENDS, {
        metric: "avg_duration",
        windowSeconds: 3600,
        granularitySeconds: 60,
        component: "nobody",
      })
    ).sessionTrends;
    expect(empty.points).toHaveLength(60);
    expect(empty.points.every((p: any) => p.value === 0)).toBe(true);
    expect(empty.direction).toBe("FLAT");
    const tooMany = await gql(
      svc.url,
      TRENDS,
      { metric: "sessions", windowSeconds: 86_400, granularitySeconds: 60 },
      reader,
    );
    expect(codeOf(tooMany.body)).toBe("BAD_USER_INPUT");
    const badMetric = await gql(
      svc.url,
      TRENDS,
      { metric: "nope", windowSeconds: 3600, granularitySeconds: 60 },
      reader,
    );
    expect(codeOf(badMetric.body)).toBe("BAD_USER_INPUT");
  });

  it("detectAnomalies finds every planted anomaly, matches the robust z-score computed here, and flags nothing ordinary", async () => {
    const W = DAY;
    const windowStart = T.getTime() - W;
    const threshold = 3.5;
    const found: Record<string, any[]> = {};
    for (const metric of ["session_duration", "commands_per_session", "sessions_per_hour", "error_rate"]) {
      found[metric] = (await q(ANOMALIES, { metric, windowSeconds: W / 1000, limit: 1000 })).detectAnomalies;
    }

    // Per-session metrics: log scale, baseline per component and type over the 7 days before the window.
    const perSession = (value: (s: SeedSession) => number) => {
      const obs = data.sessions.filter((s) => finished(s) && s.startedAt.getTime() >= windowStart - 7 * DAY);
      const out: { id: string; score: number }[] = [];
      for (const [, list] of groupBy(obs, (s) => `${s.component}|${s.type}`)) {
        const base = list
          .filter((s) => s.startedAt.getTime() < windowStart)
          .map((s) => Math.log(1 + value(s)));
        if (base.length < 10) continue;
        for (const s of list.filter((x) => x.startedAt.getTime() >= windowStart)) {
          const score = robustScore(Math.log(1 + value(s)), base, () => 0.25);
          if (score >= threshold) out.push({ id: s.id, score });
        }
      }
      return out.sort((a, b) => b.score - a.score);
    };
    const durations = perSession(durationOf);
    const commands = perSession((s) => s.commandCount);
    expect(found.session_duration!.map((a) => a.sessionId)).toEqual(durations.map((a) => a.id));
    expect(found.commands_per_session!.map((a) => a.sessionId)).toEqual(commands.map((a) => a.id));
    for (const [i, a] of found.session_duration!.entries()) near(a.score, durations[i]!.score);
    expect(durations.map((a) => a.id)).toEqual([planted.long]);
    expect(commands.map((a) => a.id)).toEqual([planted.storm]);
    expect(found.session_duration![0]).toMatchObject({ component: "crackerjack", value: 19 * 3600 });
    expect(found.session_duration![0].reason).toMatch(/lasted 19 h 00 min against a baseline median of/);

    // Hourly metrics: hours aligned to T over 7 days + the window.
    const hours = 7 * 24 + 24;
    const cells = new Map<string, { n: number; f: number }>();
    const components = new Set<string>();
    for (const s of data.sessions) {
      // Hour k is [T − k h, T − (k − 1) h).
      const hourIndex = Math.ceil((T.getTime() - s.startedAt.getTime()) / H);
      if (hourIndex < 1 || hourIndex > hours) continue;
      components.add(s.component);
      const c = cells.get(`${s.component}|${hourIndex}`) ?? { n: 0, f: 0 };
      c.n++;
      if (failed(s)) c.f++;
      cells.set(`${s.component}|${hourIndex}`, c);
    }
    const surges: { component: string; at: string; score: number }[] = [];
    const spikes: { component: string; at: string; score: number }[] = [];
    for (const component of components) {
      const cell = (k: number) => cells.get(`${component}|${k}`) ?? { n: 0, f: 0 };
      for (let k = 1; k <= 24; k++) {
        const base = [];
        for (let j = 25; j <= hours; j++) if (j % 24 === k % 24) base.push(cell(j).n);
        const score = robustScore(cell(k).n, base, (med) => Math.sqrt(Math.max(med, 1)));
        if (score >= threshold)
          surges.push({ component, at: new Date(T.getTime() - k * H).toISOString(), score });
      }
      const baseCells = [];
      for (let j = 25; j <= hours; j++) if (cell(j).n >= 5) baseCells.push(cell(j));
      if (baseCells.length < 10) continue;
      const pooled = baseCells.reduce((a, c) => a + c.f, 0) / baseCells.reduce((a, c) => a + c.n, 0);
      const p = Math.max(pooled, 0.01);
      for (let k = 1; k <= 24; k++) {
        const c = cell(k);
        if (c.n < 5) continue;
        const score = robustScore(
          c.f / c.n,
          baseCells.map((b) => b.f / b.n),
          () => Math.sqrt((p * (1 - Math.min(p, 0.99))) / c.n),
        );
        if (score >= threshold)
          spikes.push({ component, at: new Date(T.getTime() - k * H).toISOString(), score });
      }
    }
    const key = (a: { component: string; at: string }) => `${a.component}@${a.at}`;
    expect(found.sessions_per_hour!.map(key).sort()).toEqual(surges.map(key).sort());
    expect(found.error_rate!.map(key).sort()).toEqual(spikes.map(key).sort());
    for (const a of found.sessions_per_hour!) near(a.score, surges.find((s) => key(s) === key(a))!.score);
    for (const a of found.error_rate!) near(a.score, spikes.find((s) => key(s) === key(a))!.score);
    // What was planted is found; nothing else is flagged.
    expect(surges.map(key)).toContain(`oneiric@${planted.surgeHour.toISOString()}`);
    expect(spikes.map(key)).toEqual([`mahavishnu@${planted.failHour.toISOString()}`]);
    const plantedHours = new Set([
      `oneiric@${planted.surgeHour.toISOString()}`,
      `mahavishnu@${planted.failHour.toISOString()}`,
    ]);
    expect(surges.filter((s) => !plantedHours.has(key(s)))).toEqual([]);
    const spike = found.error_rate![0];
    expect(spike).toMatchObject({ component: "mahavishnu", sampleSize: expect.any(Number), sessionId: null });
    expect(spike.reason).toMatch(/% of \d+ sessions failed in the hour from/);

    // A lower threshold flags more, never fewer; bad input is refused.
    const loose = (await q(ANOMALIES, { metric: "session_duration", threshold: 2 })).detectAnomalies;
    expect(loose.length).toBeGreaterThanOrEqual(found.session_duration!.length);
    for (const bad of [
      { metric: "nope" },
      { metric: "error_rate", threshold: -1 },
      { metric: "error_rate", windowSeconds: 5 },
    ]) {
      expect(codeOf((await gql(svc.url, ANOMALIES, bad, reader)).body)).toBe("BAD_USER_INPUT");
    }
  });

  it("searchSessions ranks like ts_rank over the same rows; command hits need audit:read", async () => {
    const reference = async (query: string, limit: number) => {
      const r = rowsOf(
        (await db.database.db.execute(sql`
          with q as (select websearch_to_tsquery('english', ${query}) as q)
          select * from (
            select 'SESSIONS' as idx, id::text as sid, null::text as eid,
              ts_rank(setweight(to_tsvector('english', concat_ws(' ', component, component_type, shell_type, type, actor, username, hostname)), 'A')
                || setweight(jsonb_to_tsvector('english', metadata, '["string"]'), 'B'), q.q)::float8 as score,
              (extract(epoch from started_at) * 1000)::float8 as at
            from sessions, q
            where (setweight(to_tsvector('english', concat_ws(' ', component, component_type, shell_type, type, actor, username, hostname)), 'A')
                || setweight(jsonb_to_tsvector('english', metadata, '["string"]'), 'B')) @@ q.q
            union all
            select 'COMMANDS', session_id::text, id::text, ts_rank(to_tsvector('english', text), q.q)::float8,
              (extract(epoch from at) * 1000)::float8
            from session_events, q where to_tsvector('english', text) @@ q.q
          ) hits
          order by score desc, at desc, sid, eid nulls first
          limit ${limit}`)) as any,
      ) as { idx: string; sid: string; eid: string | null; score: number }[];
      return r;
    };
    for (const query of ["zebra", "deploy hotfix", '"database migration"', "crackerjack -alice", "o'brien"]) {
      const got = (await q(SEARCH, { query, limit: 20 })).searchSessions;
      const expected = await reference(query, 20);
      expect(got.length, query).toBeGreaterThan(0);
      expect(got.map((h: any) => [h.index, h.sessionId, h.eventId])).toEqual(
        expected.map((e) => [e.idx, e.sid, e.eid]),
      );
      for (const [i, h] of got.entries()) near(h.score, Number(expected[i]!.score));
    }
    // More occurrences rank higher; snippets mark the terms.
    const zebra = (await q(SEARCH, { query: "zebra", index: "SESSIONS" })).searchSessions;
    expect(zebra.map((h: any) => h.sessionId)).toEqual([planted.long, planted.storm]);
    expect(zebra[0].snippet).toContain("«zebra»");
    const cmd = (await q(SEARCH, { query: "zebra", index: "COMMANDS" })).searchSessions;
    expect(cmd).toEqual([
      expect.objectContaining({ index: "COMMANDS", sessionId: planted.storm, eventId: expect.any(String) }),
    ]);
    expect(cmd[0].snippet).toMatch(/«zebra»/);

    // Without audit:read: no command hits, and asking for them is forbidden.
    const viewer = (await q(SEARCH, { query: "zebra" }, readOnly)).searchSessions;
    expect(viewer.every((h: any) => h.index === "SESSIONS")).toBe(true);
    expect(codeOf((await gql(svc.url, SEARCH, { query: "zebra", index: "COMMANDS" }, readOnly)).body)).toBe(
      "FORBIDDEN",
    );
    expect(codeOf((await gql(svc.url, SEARCH, { query: "   " }, reader)).body)).toBe("BAD_USER_INPUT");
  });

  it("sessionGraph: breadth-first from the matches, exact weights, and a reported bound", async () => {
    const win = data.sessions.filter((s) => inWindow(s, 7));
    const g = (await q(GRAPH, { query: "alice", nodeType: "actor", depth: 1, maxNodes: 1000 })).sessionGraph;
    expect(g.truncated).toBe(false);
    const alice = win.filter((s) => s.actor === "alice");
    const nodeIds = new Set(g.nodes.map((n: any) => n.id));
    expect(g.nodes.filter((n: any) => n.depth === 0).map((n: any) => n.id)).toEqual(["actor:alice"]);
    // Depth 1: alice's components, hosts and sessions.
    const expectedIds = new Set([
      "actor:alice",
      ...alice.map((s) => `component:${s.component}`),
      ...alice.map((s) => `host:${s.hostname}`),
      ...alice.map((s) => `session:${s.id}`),
    ]);
    expect(nodeIds).toEqual(expectedIds);
    const weight = (id: string) => g.nodes.find((n: any) => n.id === id).weight;
    expect(weight("actor:alice")).toBe(alice.length);
    for (const c of new Set(alice.map((s) => s.component)))
      expect(weight(`component:${c}`)).toBe(win.filter((s) => s.component === c).length);
    const edge = (source: string, target: string) =>
      g.edges.find((e: any) => e.source === source && e.target === target);
    for (const c of new Set(alice.map((s) => s.component)))
      expect(edge("actor:alice", `component:${c}`).weight).toBe(
        alice.filter((s) => s.component === c).length,
      );
    const one = alice[0]!;
    expect(edge("actor:alice", `session:${one.id}`)).toMatchObject({ type: "actor_session", weight: 1 });
    expect(weight(`session:${one.id}`)).toBe(one.commandCount);
    // Every edge joins nodes of the graph; every non-seed node is one step from the level before it.
    for (const e of g.edges) expect(nodeIds.has(e.source) && nodeIds.has(e.target)).toBe(true);

    const small = (await q(GRAPH, { query: "alice", nodeType: "actor", depth: 3, maxNodes: 25 }))
      .sessionGraph;
    expect(small).toMatchObject({ truncated: true, maxNodes: 25 });
    expect(small.nodes).toHaveLength(25);
    const deep = (await q(GRAPH, { query: "o'brien", depth: 2, maxNodes: 1000 })).sessionGraph;
    expect(deep.nodes[0]).toMatchObject({ id: "actor:o'brien", depth: 0 });
    expect(Math.max(...deep.nodes.map((n: any) => n.depth))).toBe(2);
    const bySession = (await q(GRAPH, { query: planted.long, nodeType: "session", depth: 1 })).sessionGraph;
    expect(bySession.nodes.map((n: any) => n.id).sort()).toEqual(
      [`session:${planted.long}`, "actor:planter", "component:crackerjack", "host:plant-1"].sort(),
    );
    const none = (await q(GRAPH, { query: "%", depth: 2 })).sessionGraph;
    expect(none).toMatchObject({ nodes: [], edges: [], truncated: false });
    for (const bad of [{ depth: 9 }, { maxNodes: 0 }, { nodeType: "planet" }]) {
      expect(codeOf((await gql(svc.url, GRAPH, bad, reader)).body)).toBe("BAD_USER_INPUT");
    }
  });

  it("stays safe with hostile input in search, filters and graph queries", async () => {
    const before = data.sessions.length;
    const hostile = [
      "'; drop table sessions; --",
      '" or 1=1 --',
      "a & b | !c <-> d:*",
      "(((",
      "\\",
      "%_%",
      "$1 $2",
      ":* & !",
      "select * from session_events where true",
      "Ünïcödé 🚀 <script>alert(1)</script>",
      "o'brien's \"quoted\" phrase",
    ];
    for (const h of hostile) {
      const s = await gql(svc.url, SEARCH, { query: h }, reader);
      expect(s.body.errors, h).toBeUndefined();
      const a = await gql(
        svc.url,
        AGG,
        { groupBy: ["COMPONENT"], filter: { actor: h, hostname: h } },
        reader,
      );
      expect(a.body.data!.aggregateSessions, h).toEqual([]);
      const e = await gql(svc.url, EXPORT, { filter: { component: h } }, reader);
      expect(e.body.data!.exportSessions, h).toBe("");
      const gr = await gql(svc.url, GRAPH, { query: h }, reader);
      expect(gr.body.errors, h).toBeUndefined();
      const st = await gql(svc.url, STATS, { component: h }, reader);
      expect(st.body.data!.sessionStats, h).toEqual([]);
    }
    for (const bad of ["x".repeat(257), "nul\u0000byte"]) {
      expect(codeOf((await gql(svc.url, SEARCH, { query: bad }, reader)).body)).toBe("BAD_USER_INPUT");
      expect(
        codeOf((await gql(svc.url, AGG, { groupBy: ["ACTOR"], filter: { actor: bad } }, reader)).body),
      ).toBe("BAD_USER_INPUT");
    }
    const [row] = rowsOf(
      (await db.database.db.execute(sql`select count(*)::int as n from sessions`)) as any,
    ) as { n: number }[];
    expect(row!.n).toBe(before);
  });

  it("requires sessions:read, and bounds every size argument", async () => {
    const writer = await token({ sub: "w", scopes: ["sessions:write"] });
    for (const [query, vars] of [
      [STATS, {}],
      [AVG, {}],
      [MOST, {}],
      [ERRORS, {}],
      [EXPORT, {}],
      [AGG, { groupBy: ["COMPONENT"] }],
      [SEARCH, { query: "x" }],
      [ANOMALIES, { metric: "error_rate" }],
      [GRAPH, {}],
      [TRENDS, { metric: "sessions", windowSeconds: 3600, granularitySeconds: 600 }],
      [RANGE, { start: T, end: T }],
    ] as const) {
      expect(codeOf((await gql(svc.url, query, vars)).body)).toBe("UNAUTHENTICATED");
      expect(codeOf((await gql(svc.url, query, vars, writer)).body)).toBe("FORBIDDEN");
    }
    for (const [query, vars] of [
      [STATS, { days: 0 }],
      [STATS, { days: 100_000 }],
      [MOST, { limit: 0 }],
      [MOST, { limit: 1001 }],
      [RANGE, { start: T, end: T, first: 1001 }],
      [RANGE, { start: T, end: new Date(T.getTime() - 1) }],
      [AGG, { groupBy: ["COMPONENT"], limit: 5000 }],
      [SEARCH, { query: "x", limit: 101 }],
      [ANOMALIES, { metric: "error_rate", limit: 0 }],
    ] as const) {
      const r = await gql(svc.url, query, vars, reader);
      expect(r.status, JSON.stringify(vars)).toBeLessThan(500);
      expect(codeOf(r.body), JSON.stringify(vars)).toBe("BAD_USER_INPUT");
    }
  });

  it("session-buddy stats prints the window's numbers as JSON and as a table", async () => {
    const env = { SESSION_BUDDY_URL: svc.url, SESSION_BUDDY_TOKEN: reader };
    const json = await runCli(["stats", "--days", "7", "--format", "json"], env);
    expect(json.stderr).toBe("");
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    const stats = (await q(STATS, { days: 7 })).sessionStats;
    expect(out.days).toBe(7);
    expect(out.components.map((c: any) => [c.component, c.totalSessions, c.failedSessions])).toEqual(
      stats.map((s: any) => [s.component, s.totalSessions, s.failedSessions]),
    );
    expect(out.components.every((c: any) => "qualityScore" in c && "mostCommonError" in c)).toBe(true);
    const tableOut = await runCli(["stats"], env);
    expect(tableOut.code).toBe(0);
    expect(tableOut.stdout).toMatch(/component/);
    expect(tableOut.stdout).toMatch(/crackerjack/);
    expect(tableOut.stdout).toMatch(/p95/);
    const bad = await runCli(["stats", "--days", "zero"], env);
    expect(bad.code).toBe(2);
  });
});

describe.each(backends())("analytics by actor kind on %s", (backend) => {
  const svc = useService(backend);
  /** A writer whose token says who is at the prompt (an `actor_kind` claim), or says nothing. */
  const writerAs = (sub: string, actorKind?: ActorKind, delegatedBy?: string) =>
    mintToken({ secret: TEST_SECRET, sub, scopes: [Scopes.WRITE], ttlSeconds: 3600, actorKind, delegatedBy });

  it("aggregateSessions groups by ACTOR_KIND (null when unknown), filters by it, and stats lists every kind", async () => {
    const agent = await writerAs("claude", ActorKinds.AI_AGENT, "alice");
    const person = await writerAs("bob", ActorKinds.HUMAN);
    const plain = await writerAs("cron");
    const [a, b] = [component("kindA"), component("kindB")];
    const now = Date.now();
    const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
    /** Starts a session (with what the shell reports in `extra`) and ends it `minutes` later, if given. */
    const session = async (
      bearer: string,
      c: string,
      startedMinutesAgo: number,
      end?: { minutes: number; endReason: string },
      extra: Record<string, unknown> = {},
    ) => {
      const id = uuid();
      const started = await gql(
        svc.url,
        START,
        { input: startInput(c, id, { startedAt: ago(startedMinutesAgo), ...extra }) },
        bearer,
      );
      expect(started.body.errors, JSON.stringify(started.body.errors)).toBeUndefined();
      if (end) {
        const ended = await gql(
          svc.url,
          END,
          {
            input: {
              id,
              endedAt: ago(startedMinutesAgo - end.minutes),
              endReason: end.endReason,
              exitCode: end.endReason === "ERROR" ? 1 : 0,
            },
          },
          bearer,
        );
        expect(ended.body.errors, JSON.stringify(ended.body.errors)).toBeUndefined();
      }
      return id;
    };
    // AI agent (the token says so): two ended in a (one with ERROR), one still running, one 10 days old.
    await session(agent, a, 60, { minutes: 10, endReason: "EXIT" });
    await session(agent, a, 50, { minutes: 20, endReason: "ERROR" });
    await session(agent, a, 5);
    await session(agent, b, 10 * 24 * 60, { minutes: 30, endReason: "EXIT" });
    // Human (the token): two in b; a shell reporting AUTOMATION under a HUMAN token is still human.
    await session(person, b, 40, { minutes: 5, endReason: "EXIT" });
    await session(person, b, 30, { minutes: 15, endReason: "EXIT" });
    await session(person, a, 20, { minutes: 1, endReason: "EXIT" }, { actorKind: ActorKinds.AUTOMATION });
    // Automation as the shell reports it (SESSION_BUDDY_ACTOR_KIND, or no terminal), the token silent.
    await session(plain, a, 45, { minutes: 2, endReason: "EXIT" }, { actorKind: ActorKinds.AUTOMATION });
    // Nobody said: unknown.
    await session(plain, b, 35, { minutes: 4, endReason: "SIGINT" });
    await session(plain, b, 25, { minutes: 6, endReason: "ERROR" });

    const agg = async (vars: Record<string, unknown>) => {
      const r = await gql(svc.url, AGG_DAYS, vars, reader);
      expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
      const rows = r.body.data!.aggregateSessions as {
        key: Record<string, string | null>;
        count: number;
        failedSessions: number;
        avgDurationSeconds: number | null;
      }[];
      return Object.fromEntries(
        rows.map((x) => [
          Object.values(x.key).join("/"),
          [x.count, x.failedSessions, x.avgDurationSeconds == null ? null : Math.round(x.avgDurationSeconds)],
        ]),
      );
    };
    // Every session, keyed actorKind; null is the unknown group. [count, failed, mean seconds of finished]
    expect(await agg({ groupBy: ["ACTOR_KIND"] })).toEqual({
      AI_AGENT: [4, 1, 1200],
      HUMAN: [3, 0, 420],
      AUTOMATION: [1, 0, 120],
      "": [2, 1, 300],
    });
    const keys = (await gql(svc.url, AGG_DAYS, { groupBy: ["ACTOR_KIND"] }, reader)).body.data!
      .aggregateSessions as { key: Record<string, unknown> }[];
    expect(keys.map((k) => k.key)).toContainEqual({ actorKind: null });
    expect(keys.every((k) => Object.keys(k.key).join() === "actorKind")).toBe(true);
    // The window of `days` leaves the 10-day-old session out, as sessionStats does.
    expect(await agg({ groupBy: ["ACTOR_KIND"], days: 7 })).toEqual({
      AI_AGENT: [3, 1, 900],
      HUMAN: [3, 0, 420],
      AUTOMATION: [1, 0, 120],
      "": [2, 1, 300],
    });
    // With another key, and narrowed by the filter's actorKind.
    expect(await agg({ groupBy: ["ACTOR_KIND", "COMPONENT"], days: 7 })).toEqual({
      [`AI_AGENT/${a}`]: [3, 1, 900],
      [`HUMAN/${a}`]: [1, 0, 60],
      [`HUMAN/${b}`]: [2, 0, 600],
      [`AUTOMATION/${a}`]: [1, 0, 120],
      [`/${b}`]: [2, 1, 300],
    });
    expect(await agg({ groupBy: ["COMPONENT"], filter: { actorKind: ActorKinds.HUMAN }, days: 7 })).toEqual({
      [a]: [1, 0, 60],
      [b]: [2, 0, 600],
    });
    for (const days of [0, 3651]) {
      const bad = await gql(svc.url, AGG_DAYS, { groupBy: ["ACTOR_KIND"], days }, reader);
      expect(codeOf(bad.body), String(days)).toBe("BAD_USER_INPUT");
    }

    // The CLI, as a process: the same numbers per kind, every kind listed, unknown as null.
    const env = { SESSION_BUDDY_URL: svc.url, SESSION_BUDDY_TOKEN: reader };
    const json = await runCli(["stats", "--days", "7", "--format", "json"], env);
    expect(json.stderr).toBe("");
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(
      out.actorKinds.map((k: any) => [k.actorKind, k.totalSessions, k.failedSessions, k.avgDurationSeconds]),
    ).toEqual([
      ["HUMAN", 3, 0, 420],
      ["AI_AGENT", 3, 1, 900],
      ["AUTOMATION", 1, 0, 120],
      [null, 2, 1, 300],
    ]);
    expect(out.actorKinds[1].errorRate).toBeCloseTo(1 / 3, 9);
    const total = out.components.reduce((n: number, c: any) => n + c.totalSessions, 0);
    expect(out.actorKinds.reduce((n: number, k: any) => n + k.totalSessions, 0)).toBe(total);

    const tableOut = await runCli(["stats", "--days", "7"], env);
    expect(tableOut.code).toBe(0);
    const row = (word: string) => tableOut.stdout.split("\n").find((l) => l.includes(`│ ${word} `)) ?? "";
    expect(tableOut.stdout).toMatch(/actor kind/);
    expect(row("human")).toMatch(/│ human\s+│ 3\s+│ 33\.3%\s+│ 0\s+│ 0\.0%\s+│ 7 min 00 s\s+│/);
    expect(row("AI agent")).toMatch(/│ AI agent\s+│ 3\s+│ 33\.3%\s+│ 1\s+│ 33\.3%\s+│ 15 min 00 s\s+│/);
    expect(row("automation")).toMatch(/│ automation\s+│ 1\s+│ 11\.1%\s+│ 0\s+│ 0\.0%\s+│ 2 min 00 s\s+│/);
    expect(row("unknown")).toMatch(/│ unknown\s+│ 2\s+│ 22\.2%\s+│ 1\s+│ 50\.0%\s+│ 5 min 00 s\s+│/);
  });
});

describe.each(backends())("analytics on an empty %s database", (backend) => {
  const svc = useService(backend);

  it("answers every query with empty results or zero buckets, never an error", async () => {
    const cases: [string, Record<string, unknown>, unknown][] = [
      [STATS, {}, { sessionStats: [] }],
      [AVG, {}, { averageSessionDuration: [] }],
      [MOST, {}, { mostActiveComponents: [] }],
      [ERRORS, {}, { sessionErrorRate: [] }],
      [RANGE, { start: new Date(0), end: new Date() }, { sessionsByTimeRange: [] }],
      [EXPORT, {}, { exportSessions: "" }],
      [AGG, { groupBy: ["COMPONENT", "DAY"] }, { aggregateSessions: [] }],
      [SEARCH, { query: "anything" }, { searchSessions: [] }],
      [
        GRAPH,
        { query: "alice", depth: 3 },
        { sessionGraph: { truncated: false, maxNodes: 200, depth: 3, nodes: [], edges: [] } },
      ],
    ];
    for (const metric of ["session_duration", "sessions_per_hour", "error_rate", "commands_per_session"])
      cases.push([ANOMALIES, { metric }, { detectAnomalies: [] }]);
    for (const [query, vars, expected] of cases) {
      const r = await gql(svc.url, query, vars, reader);
      expect(r.body.errors, query).toBeUndefined();
      expect(r.body.data, query).toEqual(expected);
    }
    const csv = await gql(svc.url, EXPORT, { format: "CSV" }, reader);
    expect(csv.body.data!.exportSessions).toMatch(/^id,type,component,.*\r\n$/);
    for (const metric of ["sessions", "avg_duration", "error_rate", "commands"]) {
      const r = await gql(
        svc.url,
        TRENDS,
        { metric, windowSeconds: 86_400, granularitySeconds: 3600 },
        reader,
      );
      expect(r.body.data!.sessionTrends.points).toHaveLength(24);
      expect(r.body.data!.sessionTrends).toMatchObject({ direction: "FLAT", slope: 0 });
      expect(r.body.data!.sessionTrends.points.every((p: any) => p.value === 0 && p.sessions === 0)).toBe(
        true,
      );
    }
  });
});
