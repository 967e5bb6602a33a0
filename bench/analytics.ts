/**
 * Analytics benchmark: every analytics query of SPEC §8 through the full API (HTTP, Yoga, Pothos, JWT,
 * the service's SQL) against the best hand-written SQL for the same answer, sent straight from postgres.js
 * to the same database, in the same run, alternating rounds.
 *
 * Size from BENCH_SESSIONS / BENCH_EVENTS (default 1,000,000 / 10,000,000), rounds from BENCH_RUNS
 * (default 15). BENCH_ANALYTICS_DB=postgres://… reuses an already seeded database instead of seeding a
 * scratch one.
 */
import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { mintToken } from "../auth/jwt.js";
import { Scopes } from "../contract/enums.js";
import { openDatabase } from "../db/connection.js";
import { seedDatabase } from "../db/seed/main.js";
import { fmt, scratchDatabase, spawnService, summarise } from "./util.js";

const SECRET = `bench-${randomUUID()}-${randomUUID()}`;

export interface AnalyticsBenchOptions {
  databaseUrl: string;
  sessions: number;
  events: number;
  runs: number;
  reuseUrl?: string | undefined;
}

type Row = Record<string, unknown>;

interface Case {
  name: string;
  query: string;
  variables: Record<string, unknown>;
  /** The hand-written equivalent: one or more statements on a plain postgres.js connection. */
  baseline: (sql: postgres.Sql) => Promise<unknown>;
  /** Both answers reduced to something comparable. */
  // biome-ignore lint/suspicious/noExplicitAny: both answers are untyped JSON / rows, shaped per query
  same: (api: any, base: any) => boolean;
}

const round = (x: unknown, digits = 9) => (x == null ? null : Number(Number(x).toPrecision(digits)));
const json = (x: unknown) => JSON.stringify(x);

function cases(now: Date): Case[] {
  const d7 = new Date(now.getTime() - 7 * 86_400_000).toISOString();
  const h1 = new Date(now.getTime() - 3_600_000).toISOString();
  const d1 = new Date(now.getTime() - 86_400_000).toISOString();
  const FAILED = `(status = 'ABANDONED' or end_reason in ('ERROR', 'ABANDONED'))`;
  const FINISHED = `(status <> 'ACTIVE' and ended_at is not null)`;
  const DUR = `date_part('epoch', ended_at - started_at)`;
  const byComponent = (rows: Row[], fields: string[]) =>
    json(
      [...rows]
        .sort((a, b) => String(a.component).localeCompare(String(b.component)))
        .map((r) => fields.map((f) => (f === "component" || f === "mostCommonError" ? r[f] : round(r[f])))),
    );
  const anomaly = (metric: string, perSession: boolean): Case => ({
    name: `detectAnomalies(${metric})`,
    query: `query($m: String!) { detectAnomalies(metric: $m) { component sessionId at score } }`,
    variables: { m: metric },
    baseline: (sql) =>
      perSession
        ? sql.unsafe(
            `with obs as materialized (
               select id, component, type, started_at, ln(1 + greatest(${metric === "session_duration" ? DUR : "command_count"}, 0)) as x
               from sessions where started_at >= $1::timestamptz - interval '7 days' and ${FINISHED}),
             base as (select component, type, percentile_cont(0.5) within group (order by x) as med
                      from obs where started_at < $1 group by 1, 2 having count(*) >= 10),
             spread as (select o.component, o.type, percentile_cont(0.5) within group (order by abs(o.x - b.med)) as mad,
                          avg(abs(o.x - b.med)) as mean_ad
                        from obs o join base b using (component, type) where o.started_at < $1 group by 1, 2)
             select o.id, o.component, (o.x - b.med) / greatest(case when s.mad > 0 then 1.4826 * s.mad else 1.2533 * s.mean_ad end, 0.25) as score
             from obs o join base b using (component, type) join spread s using (component, type)
             where o.started_at >= $1 and (o.x - b.med) / greatest(case when s.mad > 0 then 1.4826 * s.mad else 1.2533 * s.mean_ad end, 0.25) >= 3.5
             order by score desc limit 100`,
            [d1],
          )
        : sql.unsafe(
            `with counts as (
               select component, date_bin('1 hour', started_at, $2::timestamptz) as bucket, count(*)::float8 as n,
                 (count(*) filter (where ${FAILED}))::float8 as f
               from sessions where started_at >= $2::timestamptz - interval '192 hours' and started_at < $2 group by 1, 2),
             grid as (select c.component, g.bucket from (select distinct component from counts) c
                      cross join generate_series($2::timestamptz - interval '192 hours', $2::timestamptz - interval '1 hour', interval '1 hour') g(bucket)),
             v as materialized (select g.component, g.bucket, ${metric === "error_rate" ? "0" : "(round(date_part('epoch', $2::timestamptz - g.bucket) / 3600)::int % 24)"} as grp,
                      coalesce(c.n, 0) as n, coalesce(c.f, 0) as f, ${metric === "error_rate" ? "c.f / c.n" : "coalesce(c.n, 0)"} as x
                    from grid g left join counts c using (component, bucket) ${metric === "error_rate" ? "where c.n >= 5" : ""}),
             b as (select component, grp, percentile_cont(0.5) within group (order by x) as med, sum(f) / nullif(sum(n), 0) as pooled
                   from v where bucket < $1 group by 1, 2 having count(*) >= ${metric === "error_rate" ? 10 : 5}),
             s as (select v.component, v.grp, percentile_cont(0.5) within group (order by abs(v.x - b.med)) as mad, avg(abs(v.x - b.med)) as mean_ad
                   from v join b using (component, grp) where v.bucket < $1 group by 1, 2)
             select * from (
               select v.component, v.bucket, (v.x - b.med) / greatest(case when s.mad > 0 then 1.4826 * s.mad else 1.2533 * s.mean_ad end,
                 ${metric === "error_rate" ? "sqrt(greatest(b.pooled, 0.01) * (1 - least(greatest(b.pooled, 0.01), 0.99)) / v.n)" : "sqrt(greatest(b.med, 1))"}) as score
               from v join b using (component, grp) join s using (component, grp) where v.bucket >= $1) z
             where score >= 3.5 order by score desc limit 100`,
            [d1, now.toISOString()],
          ),
    same: (api, base) => api.detectAnomalies.length === base.length,
  });
  return [
    {
      name: "sessionStats(days: 7)",
      query: `{ sessionStats(days: 7) { component totalSessions activeSessions failedSessions avgDurationSeconds p95DurationSeconds } }`,
      variables: {},
      baseline: (sql) =>
        sql.unsafe(
          `select component, count(*) as "totalSessions", count(*) filter (where status = 'ACTIVE') as "activeSessions",
             count(*) filter (where ${FAILED}) as "failedSessions",
             avg(${DUR}) filter (where ${FINISHED}) as "avgDurationSeconds",
             percentile_cont(0.95) within group (order by ${DUR}) filter (where ${FINISHED}) as "p95DurationSeconds"
           from sessions where started_at >= $1 group by component`,
          [d7],
        ),
      same: (api, base) =>
        byComponent(api.sessionStats, [
          "component",
          "totalSessions",
          "failedSessions",
          "p95DurationSeconds",
        ]) === byComponent(base, ["component", "totalSessions", "failedSessions", "p95DurationSeconds"]),
    },
    {
      name: "activeSessions",
      query: `{ activeSessions { id component startedAt } }`,
      variables: {},
      baseline: (sql) =>
        sql`select id, component, started_at from sessions where status = 'ACTIVE' order by started_at desc limit 10000`,
      same: (api, base) => api.activeSessions.length === base.length,
    },
    {
      name: "sessionsByTimeRange(1 h, first 100)",
      query: `query($s: DateTime!, $e: DateTime!) { sessionsByTimeRange(start: $s, end: $e, first: 100) { id component status startedAt } }`,
      variables: { s: h1, e: now.toISOString() },
      baseline: (sql) =>
        sql`select * from sessions where started_at >= ${h1} and started_at < ${now.toISOString()} order by started_at, id limit 100`,
      same: (api, base) =>
        json(api.sessionsByTimeRange.map((s: Row) => s.id)) === json(base.map((s: Row) => s.id)),
    },
    {
      name: "averageSessionDuration(days: 7)",
      query: `{ averageSessionDuration(days: 7) { component avgDurationSeconds sessionCount } }`,
      variables: {},
      baseline: (sql) =>
        sql.unsafe(
          `select component, avg(${DUR}) as "avgDurationSeconds", count(*) as "sessionCount"
           from sessions where started_at >= $1 and ${FINISHED} group by component`,
          [d7],
        ),
      same: (api, base) =>
        byComponent(api.averageSessionDuration, ["component", "sessionCount"]) ===
        byComponent(base, ["component", "sessionCount"]),
    },
    {
      name: "mostActiveComponents(days: 7)",
      query: `{ mostActiveComponents(days: 7, limit: 10) { component sessionCount totalDurationSeconds qualityScore lastActiveAt } }`,
      variables: {},
      baseline: (sql) =>
        sql.unsafe(
          `select component, count(*) as "sessionCount", sum(${DUR}) filter (where ${FINISHED}) as total,
             100.0 * count(*) filter (where status = 'ENDED' and end_reason = 'EXIT' and event_count = max_seq)
               / nullif(count(*) filter (where ${FINISHED}), 0) as "qualityScore",
             max(coalesce(ended_at, last_seen_at)) as last
           from sessions where started_at >= $1 group by component order by 2 desc, 1 limit 10`,
          [d7],
        ),
      same: (api, base) =>
        byComponent(api.mostActiveComponents, ["component", "sessionCount", "qualityScore"]) ===
        byComponent(base, ["component", "sessionCount", "qualityScore"]),
    },
    {
      name: "sessionErrorRate(days: 7)",
      query: `{ sessionErrorRate(days: 7) { component totalSessions failedSessions errorRate mostCommonError } }`,
      variables: {},
      baseline: (sql) =>
        sql.unsafe(
          `with t as (select component, count(*) as "totalSessions", count(*) filter (where ${FAILED}) as "failedSessions"
                      from sessions where started_at >= $1 group by component),
                e as (select distinct on (s.component) s.component, e.error_class
                      from sessions s join session_events e on e.session_id = s.id
                      where s.started_at >= $1 and e.error_class is not null
                      group by s.component, e.error_class order by s.component, count(*) desc, e.error_class)
           select t.*, e.error_class as "mostCommonError" from t left join e using (component)`,
          [d7],
        ),
      same: (api, base) =>
        byComponent(api.sessionErrorRate, ["component", "failedSessions", "mostCommonError"]) ===
        byComponent(base, ["component", "failedSessions", "mostCommonError"]),
    },
    {
      name: "exportSessions(1000, NDJSON)",
      query: `query($f: SessionFilter) { exportSessions(filter: $f, limit: 1000) }`,
      variables: { f: { startedAfter: d1 } },
      baseline: (sql) =>
        sql`select json_build_object('id', id, 'type', type, 'component', component, 'componentType', component_type,
              'componentVersion', component_version, 'shellType', shell_type, 'adapters', adapters, 'status', status,
              'startedAt', started_at, 'endedAt', ended_at, 'lastSeenAt', last_seen_at, 'receivedAt', received_at,
              'delayed', delayed, 'durationSeconds', date_part('epoch', ended_at - started_at), 'endReason', end_reason,
              'exitCode', exit_code, 'captureMode', capture_mode, 'actor', actor, 'username', username, 'hostname', hostname,
              'pid', pid, 'environment', environment, 'metadata', metadata, 'commandCount', command_count,
              'errorCount', error_count, 'eventCount', event_count)::text as line
            from sessions where started_at >= ${d1} order by started_at, id limit 1000`,
      same: (api, base) => api.exportSessions.trimEnd().split("\n").length === base.length,
    },
    {
      name: "aggregateSessions([COMPONENT, DAY], 7 d)",
      query: `query($f: SessionFilter) { aggregateSessions(groupBy: [COMPONENT, DAY], filter: $f) { key count avgDurationSeconds errorCount } }`,
      variables: { f: { startedAfter: d7 } },
      baseline: (sql) =>
        sql.unsafe(
          `select component, to_char(started_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*) as n,
             avg(${DUR}) filter (where ${FINISHED}) as avg, sum(error_count) as errors
           from sessions where started_at >= $1 group by 1, 2 order by 3 desc limit 100`,
          [d7],
        ),
      same: (api, base) =>
        json(api.aggregateSessions.map((r: Row) => r.count).sort()) ===
        json(base.map((r: Row) => Number(r.n)).sort()),
    },
    {
      name: "aggregateSessions([ACTOR]), all time",
      query: `{ aggregateSessions(groupBy: [ACTOR]) { key count errorCount } }`,
      variables: {},
      baseline: (sql) =>
        sql`select actor, count(*) as n, sum(error_count) from sessions group by 1 order by 2 desc limit 100`,
      same: (api, base) =>
        json(api.aggregateSessions.map((r: Row) => r.count).sort()) ===
        json(base.map((r: Row) => Number(r.n)).sort()),
    },
    ...(
      [
        ["deploy hotfix", "broad: 7 % of sessions"],
        ["nightly backup", "broad: 1.7 % of events"],
        ["report-17", "narrow"],
      ] as const
    ).map(
      ([q, what]): Case => ({
        name: `searchSessions("${q}") — ${what}`,
        query: `query($q: String!) { searchSessions(query: $q, limit: 10) { index sessionId eventId score snippet } }`,
        variables: { q },
        baseline: (sql) =>
          sql`with top as (
                (select id as sid, null::uuid as eid, ts_rank(search_vector, websearch_to_tsquery('english', ${q})) as score,
                   started_at as at
                 from sessions where search_vector @@ websearch_to_tsquery('english', ${q}) order by 3 desc, 4 desc limit 10)
                union all
                (select session_id, id, ts_rank(to_tsvector('english', text), websearch_to_tsquery('english', ${q})), at
                 from session_events where to_tsvector('english', text) @@ websearch_to_tsquery('english', ${q})
                 order by 3 desc, 4 desc limit 10)
                order by score desc, at desc limit 10)
              select top.*, ts_headline('english', coalesce(
                  (select text from session_events where id = top.eid),
                  (select concat_ws(' ', component, component_type, shell_type, type, actor, username, hostname,
                     (select string_agg(value, ' ') from jsonb_each_text(metadata))) from sessions where id = top.sid)),
                websearch_to_tsquery('english', ${q}), 'StartSel=«, StopSel=»') as snippet
              from top order by score desc, at desc`,
        same: (api, base) =>
          // ts_rank is a float4: compare at its precision.
          json(api.searchSessions.map((h: Row) => round(h.score, 6))) ===
          json(base.map((h: Row) => round(h.score, 6))),
      }),
    ),
    anomaly("session_duration", true),
    anomaly("commands_per_session", true),
    anomaly("sessions_per_hour", false),
    anomaly("error_rate", false),
    {
      name: `sessionGraph("alice", actor, depth 2)`,
      query: `{ sessionGraph(query: "alice", nodeType: "actor", depth: 2) { truncated nodes { id weight } edges { source target weight } } }`,
      variables: {},
      baseline: async (sql) => {
        // The same breadth-first walk, as the fewest statements that give it: seeds, one level of
        // co-occurring entities and newest sessions per depth, then exact weights.
        const since = d7;
        const seeds =
          await sql`select actor from sessions where started_at >= ${since} and actor ilike '%alice%' group by 1`;
        const actors = seeds.map((r) => r.actor as string);
        const l1 = await sql`select actor, component, hostname, count(*) as n from sessions
          where started_at >= ${since} and actor = any(${actors}) group by 1, 2, 3`;
        const s1 = await sql`select id from sessions where started_at >= ${since} and actor = any(${actors})
          order by started_at desc limit 200`;
        const components = [...new Set(l1.map((r) => r.component as string))];
        const hosts = [...new Set(l1.map((r) => r.hostname as string))];
        const weights = await sql`select actor, component, hostname, count(*) as n from sessions
          where started_at >= ${since} and (actor = any(${actors}) or component = any(${components}) or hostname = any(${hosts}))
          group by 1, 2, 3`;
        return { seeds, l1, s1, weights };
      },
      same: (api) => api.sessionGraph.nodes.length > 0,
    },
    {
      name: "sessionTrends(sessions, 7 d by 1 h)",
      query: `{ sessionTrends(metric: "sessions", windowSeconds: 604800, granularitySeconds: 3600) { direction slope points { bucketStart value } } }`,
      variables: {},
      baseline: (sql) =>
        sql`with a as (select floor(date_part('epoch', started_at - ${d7}::timestamptz) / 3600)::int as i, count(*) as n
                       from sessions where started_at >= ${d7} and started_at < ${now.toISOString()} group by 1)
            select g.i, coalesce(a.n, 0) as v, regr_slope(coalesce(a.n, 0), g.i) over () as slope
            from generate_series(0, 167) g(i) left join a using (i) order by g.i`,
      same: (api, base) => api.sessionTrends.points.length === base.length,
    },
  ];
}

export async function benchAnalytics(o: AnalyticsBenchOptions): Promise<string[]> {
  const scratch = o.reuseUrl ? undefined : await scratchDatabase(o.databaseUrl);
  const url = o.reuseUrl ?? scratch!.url;
  const lines: string[] = [];
  let seeded = "";
  try {
    if (!o.reuseUrl) {
      const database = await openDatabase({ url });
      await database.migrate();
      const t0 = performance.now();
      const summary = await seedDatabase(database, {
        sessions: o.sessions,
        events: o.events,
        seed: 1,
        days: 30,
        onProgress: ({ sessions, events }) =>
          process.stderr.write(
            `  seeded ${sessions.toLocaleString("en")} sessions, ${events.toLocaleString("en")} events (${Math.round((performance.now() - t0) / 1000)} s)\n`,
          ),
      });
      await database.close();
      seeded = `seeded with \`db:seed\` (COPY) in ${summary.seconds.toFixed(0)} s, indexes rebuilt and VACUUM ANALYZE included`;
    }
    const service = await spawnService({
      DATABASE_URL: url,
      SESSION_BUDDY_SECRET: SECRET,
      SESSION_BUDDY_ABANDON_AFTER: "86400",
    });
    // The baseline gets the same sort/hash memory the service gives its analytics transactions.
    // Analytics want a plan for the actual values: unnamed statements (no generic plans after 5 runs).
    const sql = postgres(url, {
      max: 2,
      prepare: false,
      onnotice: () => {},
      connection: { work_mem: "64MB" },
    });
    try {
      const [{ n, m }] =
        (await sql`select (select count(*) from sessions) as n, (select count(*) from session_events) as m`) as unknown as [
          { n: string; m: string },
        ];
      const token = await mintToken({
        secret: SECRET,
        sub: "bench",
        scopes: [Scopes.READ, Scopes.AUDIT],
        ttlSeconds: 7200,
      });
      const serviceUrl = service.url;
      const viaApi = async (c: Case) => {
        const res = await fetch(serviceUrl, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: c.query, variables: c.variables }),
        });
        const body = (await res.json()) as { data?: unknown; errors?: unknown };
        if (body.errors) throw new Error(`${c.name}: ${JSON.stringify(body.errors)}`);
        return body.data;
      };
      const rows: string[] = [];
      for (let i = 0; i < cases(new Date()).length; i++) {
        // Windows relative to now on the API side (the service's clock) and here agree to a few ms.
        const c = cases(new Date())[i]!;
        process.stderr.write(`  ${c.name}\n`);
        const apiAnswer = await viaApi(c);
        const baseAnswer = await c.baseline(sql);
        const same = c.same(apiAnswer, baseAnswer);
        await viaApi(c);
        await c.baseline(sql);
        const api: number[] = [];
        const base: number[] = [];
        // Alternate, and swap who goes first every round: whatever the one leaves behind (the service's
        // garbage collection, Postgres' parallel workers winding down) lands on both equally.
        const timeApi = async () => {
          const t = performance.now();
          await viaApi(c);
          api.push(performance.now() - t);
        };
        const timeBase = async () => {
          const t = performance.now();
          await c.baseline(sql);
          base.push(performance.now() - t);
        };
        for (let i = 0; i < o.runs; i++) {
          if (i % 2 === 0) {
            await timeApi();
            await timeBase();
          } else {
            await timeBase();
            await timeApi();
          }
        }
        const a = summarise(api);
        const b = summarise(base);
        rows.push(
          `| ${c.name} | ${fmt(a.p50, 1)} | ${fmt(a.p95, 1)} | ${fmt(b.p50, 1)} | ${fmt(b.p95, 1)} | **${fmt(a.p50 / b.p50)}** | ${fmt(a.p95 / b.p95)} | ${same ? "✓" : "✗"} |`,
        );
      }
      lines.push(
        `### Analytics: ${Number(n).toLocaleString("en")} sessions, ${Number(m).toLocaleString("en")} events, Postgres`,
        "",
        `Data: 30 days of deterministic, realistic sessions (6 components, 30 people and 2 service accounts, office-hours load, log-normal durations, 4 % abandoned, error classes, command text)${seeded ? `, ${seeded}` : ""}.`,
        `Each query ${o.runs} times through the API (a \`session-buddy serve\` process: HTTP, Yoga, JWT, scope check, the service's SQL in a read-only transaction) and as hand-written SQL on a plain postgres.js connection (unnamed statements, the same \`work_mem\`), alternating and swapping which goes first each round. Times in ms, wall clock at the client. "same" checks the two answers agree.`,
        "",
        "| query | API p50 | API p95 | SQL p50 | SQL p95 | ratio p50 | ratio p95 | same |",
        "|---|---|---|---|---|---|---|---|",
        ...rows,
      );
    } finally {
      await sql.end({ timeout: 5 });
      await service.stop();
    }
  } finally {
    await scratch?.drop();
  }
  return lines;
}
