/** Full-text search over sessions and commands. Definitions of the windows and states: ./shared.ts. */
import { type SQL, sql } from "drizzle-orm";
import { QUERY_LIMITS } from "../../../contract/limits.js";
import type { SessionFilter } from "../../../contract/models.js";
import { eventSearchVector, sessionEvents, sessions } from "../../../db/schema.js";
import { badInput } from "../../errors.js";
import {
  type AnalyticsQuery,
  boundedInt,
  checkFilter,
  checkText,
  epochMs,
  num,
  type SearchHit,
  type SearchIndex,
  SNIPPET_OPTIONS,
  SNIPPET_WORDS,
  WORD_SNIPPET_OPTIONS,
} from "./shared.js";

/**
 * The part of a web-search query whose words a match may contain: the query without its `-excluded`
 * words and `-"excluded phrases"` (a `-` that starts a word, as websearch_to_tsquery reads it).
 */
export const wantedWords = (query: string) => query.replace(/(^|\s)-("[^"]*"?|\S*)/g, " ");

/**
 * Postgres full-text search (`websearch_to_tsquery`: quotes, `or`, `-`; never a syntax error) over the
 * session document (identity fields and metadata) and event text, ranked by `ts_rank`. Command hits are
 * returned only when `commands` is allowed (they reveal text only audit:read may see).
 *
 * Snippets contain the match. ts_headline shows at most two fragments and, before Postgres 16, finds none
 * when the query's words lie far apart (it then shows the text's first words), so each query word the text
 * contains but the headline missed adds a short passage around its first occurrence (the headline is
 * dropped when it shows no query word at all). The session document a snippet is cut from holds what its
 * search vector holds: the identity fields and every string of the metadata, however deep.
 */
export async function searchSessions(
  ctx: AnalyticsQuery,
  query: string,
  index: SearchIndex,
  limit: number | null | undefined,
  commandsAllowed: boolean,
  filter?: SessionFilter | null,
): Promise<SearchHit[]> {
  const n = boundedInt("limit", limit, 10, 1, QUERY_LIMITS.searchHits);
  const q = checkText("query", query).trim();
  if (!q) throw badInput("query must not be empty");
  const wantSessions = index !== "COMMANDS";
  const wantCommands = index !== "SESSIONS" && commandsAllowed;
  const cfg = sql`'english'::regconfig`;
  const tsq = sql`websearch_to_tsquery(${cfg}, ${q})`;
  const svec = sql`${sessions.searchVector}`;
  const evec = eventSearchVector(sessionEvents);
  const narrowed = ctx.sessions.filterSql(checkFilter(filter));
  const inSessions = narrowed ? sql` and ${narrowed}` : sql``;
  const inSessionsOfEvents = narrowed
    ? sql` and session_id in (select ${sessions.id} from ${sessions} where ${narrowed})`
    : sql``;
  const parts: SQL[] = [];
  if (wantSessions) {
    parts.push(sql`(select 'SESSIONS'::text as idx, id as session_id, null::uuid as event_id,
        ts_rank(${svec}, ${tsq})::float8 as score, started_at as at
      from sessions where ${svec} @@ ${tsq}${inSessions}
      order by score desc, at desc, session_id limit ${n})`);
  }
  if (wantCommands) {
    parts.push(sql`(select 'COMMANDS'::text as idx, session_id, id as event_id,
        ts_rank(${evec}, ${tsq})::float8 as score, at
      from session_events where ${evec} @@ ${tsq}${inSessionsOfEvents}
      order by score desc, at desc, session_id, event_id limit ${n})`);
  }
  if (parts.length === 0) return [];
  // A lexeme as a tsquery literal (quotes and backslashes escaped), so it is not parsed or stemmed again.
  const lexemeQuery = sql.raw(
    `('''' || replace(replace(w.lexeme, '\\', '\\\\'), '''', '''''') || '''')::tsquery`,
  );
  const rows = await ctx.rows<Record<string, unknown>>(sql`
    with top as (
      select * from (${sql.join(parts, sql` union all `)}) hits
      order by score desc, at desc, session_id, event_id nulls first
      limit ${n}
    ),
    words as materialized (
      select ${lexemeQuery} as q, w.positions[1] as pos
      from unnest(to_tsvector(${cfg}, ${wantedWords(q)})) w
      order by w.positions[1]
      limit ${SNIPPET_WORDS}
    ),
    docs as (
      select top.*, case when top.event_id is null then
          (select concat_ws(' ', s.component, s.component_type, s.shell_type, s.type, s.actor, s.username,
              s.hostname,
              (select string_agg(v #>> '{}', ' ')
               from jsonb_path_query(s.metadata, 'strict $.** ? (@.type() == "string")') v))
           from sessions s where s.id = top.session_id)
        else (select e.text from session_events e where e.id = top.event_id)
        end as doc
      from top
    )
    select d.idx, d.session_id::text as session_id, d.event_id::text as event_id, d.score,
      ${epochMs(sql`d.at`)} as at,
      case when m.missing is null then h.first
        when m.covered = 0 then m.missing
        else h.first || ' … ' || m.missing end as snippet
    from docs d
    cross join lateral (select ts_headline(${cfg}, d.doc, ${tsq}, ${SNIPPET_OPTIONS}) as first) h
    cross join lateral (select to_tsvector(${cfg}, d.doc) as dv, to_tsvector(${cfg}, h.first) as hv) v
    cross join lateral (
      select count(*) filter (where v.hv @@ w.q) as covered,
        string_agg(ts_headline(${cfg}, d.doc, w.q, ${WORD_SNIPPET_OPTIONS}), ' … ' order by w.pos)
          filter (where not v.hv @@ w.q) as missing
      from words w
      where v.dv @@ w.q
    ) m
    order by d.score desc, d.at desc, d.session_id, d.event_id nulls first`);
  const found = new Map(
    (await ctx.sessions.getMany([...new Set(rows.map((r) => String(r.session_id)))])).map((row) => [
      row.id,
      row,
    ]),
  );
  return rows.flatMap((r) => {
    const session = found.get(String(r.session_id));
    // A session purged between the two reads is no hit any more.
    return session ? [{ ...hitOf(r), session }] : [];
  });
}

function hitOf(r: Record<string, unknown>): Omit<SearchHit, "session"> {
  return {
    index: r.idx === "COMMANDS" ? "COMMANDS" : "SESSIONS",
    sessionId: String(r.session_id),
    eventId: r.event_id == null ? null : String(r.event_id),
    score: num(r.score),
    snippet: String(r.snippet ?? ""),
    at: new Date(num(r.at)),
  };
}
