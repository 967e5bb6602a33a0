/** Outlier detection: modified z-scores per session and per hour. Definitions of the windows and states: ./shared.ts. */
import { sql } from "drizzle-orm";
import { badInput } from "../../errors.js";
import {
  ANOMALY_METRICS,
  type AnalyticsQuery,
  type Anomaly,
  boundedInt,
  checkText,
  DAY_MS,
  DEFAULT_ANOMALY_THRESHOLD,
  DURATION,
  epochMs,
  FAILED,
  FINISHED,
  formatSeconds,
  hourLabel,
  LIMITS,
  num,
  pct,
  ts,
} from "./shared.js";

/**
 * Values far above a metric's own recent history, by the modified z-score of Iglewicz & Hoaglin:
 * score = (x − median) / (1.4826 × MAD) over the baseline (1.2533 × mean absolute deviation when the
 * MAD is 0), with a floor on the scale so a flat baseline does not flag trivial changes. Only values
 * above the baseline are anomalies (long sessions, command storms, surges, failure spikes): drops are
 * ordinary at night and at weekends.
 *
 * - session_duration, commands_per_session: one observation per finished session, on a log scale
 *   (x = ln(1 + v): both are right-skewed); baseline per component and session type (at least 10
 *   sessions); scale floor 0.25 (a flat baseline needs a ×2.4 jump to reach the default threshold).
 * - sessions_per_hour: sessions started per component and hour (hours aligned to now; empty hours 0),
 *   against the same hour of the day in the baseline; scale floor √median (Poisson noise).
 * - error_rate: failed share per component and hour, for hours with at least 5 sessions, against all
 *   baseline hours (at least 10); scale floor √(p(1−p)/n) at the pooled baseline rate p (binomial noise).
 *
 * Candidates are the observations of the last `windowSeconds` (default 24 h; hourly metrics round it up
 * to whole hours); the baseline is the max(7 days, window) before it. Largest score first.
 */
export async function detectAnomalies(
  q: AnalyticsQuery,
  metric: string,
  threshold?: number | null,
  windowSeconds?: number | null,
  options: { component?: string | null; limit?: number | null } = {},
): Promise<Anomaly[]> {
  if (!(ANOMALY_METRICS as readonly string[]).includes(metric))
    throw badInput(`metric must be one of ${ANOMALY_METRICS.join(", ")}`);
  const t = threshold ?? DEFAULT_ANOMALY_THRESHOLD;
  if (!Number.isFinite(t) || t <= 0 || t > 100) throw badInput("threshold must be above 0 and at most 100");
  const w = boundedInt("windowSeconds", windowSeconds, 86_400, 60, 30 * 86_400);
  const limit = boundedInt("limit", options.limit, 100, 1, LIMITS.rows);
  const component = options.component ? checkText("component", options.component) : null;
  const now = q.now();
  if (metric === "session_duration" || metric === "commands_per_session") {
    return perSessionAnomalies(q, metric, t, w, now, component, limit);
  }
  return hourlyAnomalies(q, metric as "sessions_per_hour" | "error_rate", t, w, now, component, limit);
}

async function perSessionAnomalies(
  q: AnalyticsQuery,
  metric: "session_duration" | "commands_per_session",
  threshold: number,
  windowSeconds: number,
  now: Date,
  component: string | null,
  limit: number,
): Promise<Anomaly[]> {
  const windowStart = new Date(now.getTime() - windowSeconds * 1000);
  const baseStart = new Date(windowStart.getTime() - Math.max(7 * DAY_MS, windowSeconds * 1000));
  const value = metric === "session_duration" ? DURATION : sql`command_count::float8`;
  const rows = await q.rows<Record<string, unknown>>(sql`
    with obs as materialized (
      select id, component, type, started_at, ${value} as v, ln(1 + greatest(${value}, 0)) as x
      from sessions
      where started_at >= ${ts(baseStart)} and ${FINISHED}${q.componentClause(component)}
    ),
    base as (
      select component, type, percentile_cont(0.5) within group (order by x) as med, count(*) as n
      from obs where started_at < ${ts(windowStart)}
      group by component, type
      having count(*) >= 10
    ),
    spread as (
      select o.component, o.type,
        percentile_cont(0.5) within group (order by abs(o.x - b.med)) as mad,
        avg(abs(o.x - b.med)) as mean_ad
      from obs o join base b on b.component = o.component and b.type = o.type
      where o.started_at < ${ts(windowStart)}
      group by o.component, o.type
    ),
    scored as (
      select o.id, o.component, o.started_at, o.v, exp(b.med) - 1 as med_v, b.n,
        (o.x - b.med) / greatest(case when s.mad > 0 then 1.4826 * s.mad else 1.2533 * s.mean_ad end, 0.25)
          as score
      from obs o
      join base b on b.component = o.component and b.type = o.type
      join spread s on s.component = o.component and s.type = o.type
      where o.started_at >= ${ts(windowStart)}
    )
    select id::text as id, component, ${epochMs(sql`started_at`)} as at, v, med_v, n::int as n, score
    from scored
    where score >= ${threshold}
    order by score desc, started_at desc, id
    limit ${limit}`);
  return rows.map((r) => {
    const v = num(r.v);
    const med = num(r.med_v);
    const score = num(r.score);
    const id = String(r.id);
    const what =
      metric === "session_duration"
        ? `lasted ${formatSeconds(v)} against a baseline median of ${formatSeconds(med)}`
        : `ran ${v} commands against a baseline median of ${med}`;
    return {
      metric,
      at: new Date(num(r.at)),
      value: v,
      baseline: med,
      score,
      component: String(r.component),
      sessionId: id,
      sampleSize: num(r.n),
      reason: `session ${id} of ${r.component} ${what} (robust z ${score.toFixed(1)})`,
    };
  });
}

async function hourlyAnomalies(
  q: AnalyticsQuery,
  metric: "sessions_per_hour" | "error_rate",
  threshold: number,
  windowSeconds: number,
  now: Date,
  component: string | null,
  limit: number,
): Promise<Anomaly[]> {
  const hour = 3_600_000;
  const windowHours = Math.ceil(windowSeconds / 3600);
  const baseHours = Math.max(168, windowHours);
  const windowStart = new Date(now.getTime() - windowHours * hour);
  const baseStart = new Date(windowStart.getTime() - baseHours * hour);
  const rateMetric = metric === "error_rate";
  // sessions_per_hour compares an hour with the same hour of the day (daily seasonality), and counts
  // are at least Poisson-noisy; error_rate compares with every hour, and a rate is at least
  // binomially noisy at the component's pooled baseline rate.
  const group = rateMetric
    ? sql`0`
    : sql`(round(extract(epoch from (${ts(now)} - g.bucket)) / 3600)::int % 24)`;
  const noise = rateMetric
    ? sql`sqrt(greatest(b.pooled, 0.01) * (1 - least(greatest(b.pooled, 0.01), 0.99)) / v.n)`
    : sql`sqrt(greatest(b.med, 1))`;
  const rows = await q.rows<Record<string, unknown>>(sql`
    with counts as (
      select component, date_bin('1 hour'::interval, started_at, ${ts(now)}) as bucket,
        count(*)::float8 as n, (count(*) filter (where ${FAILED}))::float8 as f
      from sessions
      where started_at >= ${ts(baseStart)} and started_at < ${ts(now)}${q.componentClause(component)}
      group by 1, 2
    ),
    grid as (
      select c.component, g.bucket
      from (select distinct component from counts) c
      cross join generate_series(${ts(baseStart)}, ${ts(now)} - interval '1 hour', interval '1 hour') g(bucket)
    ),
    valued as materialized (
      select g.component, g.bucket, ${group} as grp, coalesce(c.n, 0) as n, coalesce(c.f, 0) as f,
        ${rateMetric ? sql`c.f / c.n` : sql`coalesce(c.n, 0)`} as x
      from grid g left join counts c on c.component = g.component and c.bucket = g.bucket
      ${rateMetric ? sql`where c.n >= 5` : sql``}
    ),
    base as (
      select component, grp, percentile_cont(0.5) within group (order by x) as med,
        sum(f) / nullif(sum(n), 0) as pooled
      from valued where bucket < ${ts(windowStart)}
      group by component, grp
      having count(*) >= ${rateMetric ? 10 : 5}
    ),
    spread as (
      select v.component, v.grp,
        percentile_cont(0.5) within group (order by abs(v.x - b.med)) as mad,
        avg(abs(v.x - b.med)) as mean_ad
      from valued v join base b on b.component = v.component and b.grp = v.grp
      where v.bucket < ${ts(windowStart)}
      group by v.component, v.grp
    ),
    scored as (
      select v.component, v.bucket, v.x, v.n, b.med,
        (v.x - b.med) / greatest(case when s.mad > 0 then 1.4826 * s.mad else 1.2533 * s.mean_ad end, ${noise})
          as score
      from valued v
      join base b on b.component = v.component and b.grp = v.grp
      join spread s on s.component = v.component and s.grp = v.grp
      where v.bucket >= ${ts(windowStart)}
    )
    select component, ${epochMs(sql`bucket`)} as at, x, n::int as n, med, score
    from scored
    where score >= ${threshold}
    order by score desc, bucket desc, component
    limit ${limit}`);
  return rows.map((r) => {
    const x = num(r.x);
    const med = num(r.med);
    const score = num(r.score);
    const at = new Date(num(r.at));
    const n = num(r.n);
    const what = rateMetric
      ? `${pct(x)} of ${n} sessions failed in the hour from ${hourLabel(at)} against a baseline median of ${pct(med)}`
      : `${x} sessions started in the hour from ${hourLabel(at)} against a median of ${med} in that hour of the day`;
    return {
      metric,
      at,
      value: x,
      baseline: med,
      score,
      component: String(r.component),
      sessionId: null,
      sampleSize: n,
      reason: `${r.component}: ${what} (robust z ${score.toFixed(1)})`,
    };
  });
}
