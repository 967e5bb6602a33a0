/** Outlier detection: modified z-scores per session and per hour. Definitions of the windows and states: ./shared.ts. */
import { type SQL, sql } from "drizzle-orm";
import { formatSeconds } from "../../../contract/duration.js";
import { QUERY_LIMITS } from "../../../contract/limits.js";
import { badInput } from "../../errors.js";
import {
  ANOMALY_METRICS,
  type AnalyticsQuery,
  type Anomaly,
  type AnomalyBaseline,
  boundedInt,
  checkText,
  DAY_MS,
  DEFAULT_ANOMALY_THRESHOLD,
  DURATION,
  epochMs,
  FAILED,
  FINISHED,
  hourLabel,
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
 * - sessions_per_hour: sessions started per component and hour (hours aligned to now; empty hours 0 from
 *   the hour of the component's first session on: hours before it existed are no evidence), against the
 *   same hour of the day in the baseline (at least 5 of them); scale floor √median (Poisson noise).
 * - error_rate: failed share per component and hour, for hours with at least 5 sessions, against all
 *   baseline hours (at least 10); scale floor √(p(1−p)/n) at the pooled baseline rate p (binomial noise).
 *
 * Candidates are the observations of the last `windowSeconds` (default 24 h; hourly metrics round it up
 * to whole hours); the baseline is the max(7 days, window) before it. Where that is too thin (a young
 * deployment, a new component: fewer observations than the counts above), the window itself is the
 * baseline, all its hours pooled for the hourly metrics (at least 10 observations): the median and the
 * MAD stay put with one outlier among them, so the outlier still stands out. Each anomaly says which
 * baseline it was scored against (`baselineSource`, and in its `reason`). Largest score first.
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
  const limit = boundedInt("limit", options.limit, 100, 1, QUERY_LIMITS.page);
  const component = options.component ? checkText("component", options.component) : null;
  const now = q.now();
  if (metric === "session_duration" || metric === "commands_per_session") {
    return perSessionAnomalies(q, metric, t, w, now, component, limit);
  }
  return hourlyAnomalies(q, metric as "sessions_per_hour" | "error_rate", t, w, now, component, limit);
}

/** The fewest observations of a baseline drawn from the window itself. */
const WINDOW_BASELINE_MIN = 10;

/**
 * The modified z-score of `x` against a median and its median absolute deviation (Iglewicz–Hoaglin:
 * 1.4826·MAD estimates σ), falling back to 1.2533·mean absolute deviation when over half the values equal the
 * median, and never dividing by less than `floor` (the noise a metric has anyway).
 */
const robustZ = (x: SQL, med: SQL, mad: SQL, meanAd: SQL, floor: SQL | number): SQL =>
  sql`(${x} - ${med}) / greatest(case when ${mad} > 0 then 1.4826 * ${mad} else 1.2533 * ${meanAd} end, ${floor})`;

/** How a reason names the baseline: `over the 7 days before` or `over this window (too few earlier …)`. */
function baselineWords(source: AnomalyBaseline, beforeMs: number, what: string): string {
  if (source === "WINDOW") return `over this window (too few earlier ${what})`;
  const days = Number((beforeMs / DAY_MS).toFixed(1));
  return `over the ${days === 1 ? "day" : `${days} days`} before`;
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
  const beforeMs = Math.max(7 * DAY_MS, windowSeconds * 1000);
  const baseStart = new Date(windowStart.getTime() - beforeMs);
  const value = metric === "session_duration" ? DURATION : sql`command_count::float8`;
  // `cur`: in the window. Each component and type is scored against the period before the window when
  // that has 10 sessions (false sorts first), else against the window itself when that has 10.
  const rows = await q.rows<Record<string, unknown>>(sql`
    with obs as materialized (
      select id, component, type, started_at, ${value} as v, ln(1 + greatest(${value}, 0)) as x,
        started_at >= ${ts(windowStart)} as cur
      from sessions
      where started_at >= ${ts(baseStart)} and ${FINISHED}${q.componentClause(component)}
    ),
    base as (
      select component, type, cur, med, n from (
        select component, type, cur, percentile_cont(0.5) within group (order by x) as med, count(*) as n,
          row_number() over (partition by component, type order by cur) as pick
        from obs
        group by component, type, cur
        having count(*) >= ${sql.raw(String(WINDOW_BASELINE_MIN))}
      ) candidates
      where pick = 1
    ),
    spread as (
      select o.component, o.type,
        percentile_cont(0.5) within group (order by abs(o.x - b.med)) as mad,
        avg(abs(o.x - b.med)) as mean_ad
      from obs o join base b on b.component = o.component and b.type = o.type and b.cur = o.cur
      group by o.component, o.type
    ),
    scored as (
      select o.id, o.component, o.started_at, o.v, exp(b.med) - 1 as med_v, b.n, b.cur as from_window,
        ${robustZ(sql`o.x`, sql`b.med`, sql`s.mad`, sql`s.mean_ad`, sql`0.25`)} as score
      from obs o
      join base b on b.component = o.component and b.type = o.type
      join spread s on s.component = o.component and s.type = o.type
      where o.cur
    )
    select id::text as id, component, ${epochMs(sql`started_at`)} as at, v, med_v, n::int as n, from_window,
      score
    from scored
    where score >= ${threshold}
    order by score desc, started_at desc, id
    limit ${limit}`);
  return rows.map((r) => {
    const v = num(r.v);
    const med = num(r.med_v);
    const score = num(r.score);
    const id = String(r.id);
    const baselineSource: AnomalyBaseline = r.from_window === true ? "WINDOW" : "BEFORE";
    const against = `a baseline median of ${metric === "session_duration" ? formatSeconds(med) : med} ${baselineWords(baselineSource, beforeMs, "sessions")}`;
    const what =
      metric === "session_duration"
        ? `lasted ${formatSeconds(v)} against ${against}`
        : `ran ${v} commands against ${against}`;
    return {
      metric,
      baselineSource,
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
  // binomially noisy at the component's pooled baseline rate. A window baseline pools all its hours.
  const group = rateMetric
    ? sql`0`
    : sql`(round(extract(epoch from (${ts(now)} - g.bucket)) / 3600)::int % 24)`;
  const noise = rateMetric
    ? sql`sqrt(greatest(c.pooled, 0.01) * (1 - least(greatest(c.pooled, 0.01), 0.99)) / c.n)`
    : sql`sqrt(greatest(c.med, 1))`;
  const beforeMin = sql.raw(String(rateMetric ? 10 : 5));
  const windowMin = sql.raw(String(WINDOW_BASELINE_MIN));
  const rows = await q.rows<Record<string, unknown>>(sql`
    with counts as (
      select component, date_bin('1 hour'::interval, started_at, ${ts(now)}) as bucket,
        count(*)::float8 as n, (count(*) filter (where ${FAILED}))::float8 as f
      from sessions
      where started_at >= ${ts(baseStart)} and started_at < ${ts(now)}${q.componentClause(component)}
      group by 1, 2
    ),
    seen as (
      select c.component, (select min(s.started_at) from sessions s where s.component = c.component) as first_at
      from (select distinct component from counts) c
    ),
    grid as (
      select f.component, g.bucket
      from seen f
      cross join generate_series(${ts(baseStart)}, ${ts(now)} - interval '1 hour', interval '1 hour') g(bucket)
      where g.bucket > f.first_at - interval '1 hour'
    ),
    valued as materialized (
      select g.component, g.bucket, ${group} as grp, coalesce(c.n, 0) as n, coalesce(c.f, 0) as f,
        ${rateMetric ? sql`c.f / c.n` : sql`coalesce(c.n, 0)`} as x, g.bucket >= ${ts(windowStart)} as cur
      from grid g left join counts c on c.component = g.component and c.bucket = g.bucket
      ${rateMetric ? sql`where c.n >= 5` : sql``}
    ),
    before as (
      select component, grp, percentile_cont(0.5) within group (order by x) as med,
        sum(f) / nullif(sum(n), 0) as pooled, count(*) as hours
      from valued where not cur
      group by component, grp
      having count(*) >= ${beforeMin}
    ),
    within as (
      select component, percentile_cont(0.5) within group (order by x) as med,
        sum(f) / nullif(sum(n), 0) as pooled, count(*) as hours
      from valued where cur
      group by component
      having count(*) >= ${windowMin}
    ),
    before_spread as (
      select v.component, v.grp,
        percentile_cont(0.5) within group (order by abs(v.x - b.med)) as mad,
        avg(abs(v.x - b.med)) as mean_ad
      from valued v join before b on b.component = v.component and b.grp = v.grp
      where not v.cur
      group by v.component, v.grp
    ),
    within_spread as (
      select v.component,
        percentile_cont(0.5) within group (order by abs(v.x - w.med)) as mad,
        avg(abs(v.x - w.med)) as mean_ad
      from valued v join within w on w.component = v.component
      where v.cur
      group by v.component
    ),
    candidates as (
      select v.component, v.bucket, v.x, v.n, b.component is null as from_window,
        coalesce(b.med, w.med) as med, coalesce(b.pooled, w.pooled) as pooled,
        coalesce(bs.mad, ws.mad) as mad, coalesce(bs.mean_ad, ws.mean_ad) as mean_ad
      from valued v
      left join before b on b.component = v.component and b.grp = v.grp
      left join before_spread bs on bs.component = v.component and bs.grp = v.grp
      left join within w on w.component = v.component and b.component is null
      left join within_spread ws on ws.component = v.component and b.component is null
      where v.cur and (b.component is not null or w.component is not null)
    ),
    scored as (
      select c.component, c.bucket, c.x, c.n, c.med, c.from_window,
        ${robustZ(sql`c.x`, sql`c.med`, sql`c.mad`, sql`c.mean_ad`, noise)} as score
      from candidates c
    )
    select component, ${epochMs(sql`bucket`)} as at, x, n::int as n, med, from_window, score
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
    const baselineSource: AnomalyBaseline = r.from_window === true ? "WINDOW" : "BEFORE";
    const over = baselineWords(baselineSource, baseHours * hour, "hours");
    const what = rateMetric
      ? `${pct(x)} of ${n} sessions failed in the hour from ${hourLabel(at)} against a baseline median of ${pct(med)} ${over}`
      : baselineSource === "BEFORE"
        ? `${x} sessions started in the hour from ${hourLabel(at)} against a median of ${med} in that hour of the day ${over}`
        : `${x} sessions started in the hour from ${hourLabel(at)} against a median of ${med} an hour ${over}`;
    return {
      metric,
      baselineSource,
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
