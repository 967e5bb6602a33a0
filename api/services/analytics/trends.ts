/** Trends: bucketed series with a least-squares direction. Definitions of the windows and states: ./shared.ts. */
import { type SQL, sql } from "drizzle-orm";
import { QUERY_LIMITS } from "../../../contract/limits.js";
import { badInput } from "../../errors.js";
import {
  type AnalyticsQuery,
  boundedInt,
  DURATION,
  FAILED,
  FINISHED,
  num,
  TREND_METRICS,
  type Trend,
  type TrendMetric,
  ts,
} from "./shared.js";

/**
 * Per bucket of `granularitySeconds`, ending now and covering the window (rounded up to whole buckets):
 * sessions started, the mean duration of those that finished, their failed share, or their commands.
 * Empty buckets are 0. `slope` is the least-squares slope per bucket; `direction` is UP or DOWN when
 * the fitted change over the window exceeds 10 % of the mean value, FLAT otherwise.
 */
export async function sessionTrends(
  q: AnalyticsQuery,
  metric: string,
  windowSeconds: number,
  granularitySeconds: number,
  component?: string | null,
): Promise<Trend> {
  if (!(TREND_METRICS as readonly string[]).includes(metric))
    throw badInput(`metric must be one of ${TREND_METRICS.join(", ")}`);
  const w = boundedInt("windowSeconds", windowSeconds, 0, 60, QUERY_LIMITS.windowSeconds);
  const g = boundedInt("granularitySeconds", granularitySeconds, 0, 1, QUERY_LIMITS.windowSeconds);
  const buckets = Math.ceil(w / g);
  if (buckets > QUERY_LIMITS.buckets)
    throw badInput(
      `window / granularity gives ${buckets} buckets; at most ${QUERY_LIMITS.buckets} are allowed`,
    );
  const now = q.now();
  const start = new Date(now.getTime() - buckets * g * 1000);
  // Only the aggregate the metric needs (beside the count every point reports).
  const aggregate: Record<TrendMetric, { expr: SQL; value: SQL }> = {
    sessions: { expr: sql`null::float8`, value: sql`a.n` },
    avg_duration: { expr: sql`avg(${DURATION}) filter (where ${FINISHED})`, value: sql`a.x` },
    error_rate: {
      expr: sql`(count(*) filter (where ${FAILED}))::float8`,
      value: sql`a.x / nullif(a.n, 0)`,
    },
    commands: { expr: sql`coalesce(sum(command_count), 0)::float8`, value: sql`a.x` },
  };
  const chosen = aggregate[metric as TrendMetric];
  const rows = await q.rows<Record<string, unknown>>(sql`
    with a as (
      select floor(date_part('epoch', started_at - ${ts(start)}) / ${g})::int as i,
        count(*)::float8 as n,
        ${chosen.expr} as x
      from sessions
      where started_at >= ${ts(start)} and started_at < ${ts(now)}${q.componentClause(component)}
      group by 1
    ),
    pts as (
      select g.i, coalesce(${chosen.value}, 0)::float8 as v, coalesce(a.n, 0)::float8 as n
      from generate_series(0, ${buckets - 1}) g(i) left join a on a.i = g.i
    )
    select i, v, n, coalesce(regr_slope(v, i) over (), 0) as slope, avg(v) over () as mean
    from pts order by i`);
  const slope = num(rows[0]?.slope);
  const mean = num(rows[0]?.mean);
  const change = (slope * Math.max(0, buckets - 1)) / (Math.abs(mean) || 1);
  const direction = mean === 0 || Math.abs(change) <= 0.1 ? "FLAT" : change > 0 ? "UP" : "DOWN";
  return {
    metric: metric as TrendMetric,
    points: rows.map((r) => ({
      bucketStart: new Date(start.getTime() + num(r.i) * g * 1000),
      value: num(r.v),
      sessions: num(r.n),
    })),
    direction,
    slope,
    windowStart: start,
    granularitySeconds: g,
  };
}
