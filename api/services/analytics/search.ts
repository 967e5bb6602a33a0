/** Full-text search over sessions and commands. Definitions of the windows and states: ./shared.ts. */
import { type SQL, sql } from "drizzle-orm";
import { eventSearchVector, sessionEvents, sessions } from "../../../db/schema.js";
import { badInput } from "../../errors.js";
import {
  type AnalyticsQuery,
  boundedInt,
  checkText,
  epochMs,
  LIMITS,
  num,
  type SearchHit,
  type SearchIndex,
  SNIPPET_OPTIONS,
} from "./shared.js";

/**
 * Postgres full-text search (`websearch_to_tsquery`: quotes, `or`, `-`; never a syntax error) over the
 * session document (identity fields and metadata) and event text, ranked by `ts_rank`. Command hits are
 * returned only when `commands` is allowed (they reveal text only audit:read may see).
 */
export async function searchSessions(
  ctx: AnalyticsQuery,
  query: string,
  index: SearchIndex,
  limit: number | null | undefined,
  commandsAllowed: boolean,
): Promise<SearchHit[]> {
  const n = boundedInt("limit", limit, 10, 1, LIMITS.searchHits);
  const q = checkText("query", query).trim();
  if (!q) throw badInput("query must not be empty");
  const wantSessions = index !== "COMMANDS";
  const wantCommands = index !== "SESSIONS" && commandsAllowed;
  const tsq = sql`websearch_to_tsquery('english'::regconfig, ${q})`;
  const svec = sql`${sessions.searchVector}`;
  const evec = eventSearchVector(sessionEvents);
  const parts: SQL[] = [];
  if (wantSessions) {
    parts.push(sql`(select 'SESSIONS'::text as idx, id as session_id, null::uuid as event_id,
        ts_rank(${svec}, ${tsq})::float8 as score, started_at as at
      from sessions where ${svec} @@ ${tsq}
      order by score desc, at desc, session_id limit ${n})`);
  }
  if (wantCommands) {
    parts.push(sql`(select 'COMMANDS'::text as idx, session_id, id as event_id,
        ts_rank(${evec}, ${tsq})::float8 as score, at
      from session_events where ${evec} @@ ${tsq}
      order by score desc, at desc, session_id, event_id limit ${n})`);
  }
  if (parts.length === 0) return [];
  const rows = await ctx.rows<Record<string, unknown>>(sql`
    with top as (
      select * from (${sql.join(parts, sql` union all `)}) hits
      order by score desc, at desc, session_id, event_id nulls first
      limit ${n}
    )
    select top.idx, top.session_id::text as session_id, top.event_id::text as event_id, top.score,
      ${epochMs(sql`top.at`)} as at,
      case when top.event_id is null then
        ts_headline('english'::regconfig,
          (select concat_ws(' ', s.component, s.component_type, s.shell_type, s.type, s.actor, s.username,
              s.hostname, (select string_agg(value, ' ') from jsonb_each_text(s.metadata)))
           from sessions s where s.id = top.session_id),
          ${tsq}, ${SNIPPET_OPTIONS})
      else
        ts_headline('english'::regconfig,
          (select e.text from session_events e where e.id = top.event_id), ${tsq}, ${SNIPPET_OPTIONS})
      end as snippet
    from top
    order by top.score desc, top.at desc, top.session_id, top.event_id nulls first`);
  return rows.map((r) => ({
    index: r.idx === "COMMANDS" ? "COMMANDS" : "SESSIONS",
    sessionId: String(r.session_id),
    eventId: r.event_id == null ? null : String(r.event_id),
    score: num(r.score),
    snippet: String(r.snippet ?? ""),
    at: new Date(num(r.at)),
  }));
}
