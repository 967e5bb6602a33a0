/**
 * What an operator types for a session in a shell helper: the full id, a unique prefix, or the short id
 * (the last 8 hex digits the tables show). See contract/short-id.ts.
 */
import type { SessionFilter } from "../../client/gql/graphql.js";
import { ListSessionsQuery } from "../../client/operations/sessions.js";
import { QUERY_LIMITS } from "../../contract/limits.js";
import { findByIdRef, ID_REF_FORMS, parseIdRef, shortId } from "../../contract/short-id.js";
import type { ShellRuntime } from "./runtime.js";

/** How many of the newest sessions a reference is looked for among, when the service cannot filter. */
const SCAN_LIMIT = 5000;
const PAGE = QUERY_LIMITS.page;
/** Candidates named when a reference is ambiguous. */
const SHOWN = 5;

type Candidate = { id: string; component: string; startedAt: string };

/** Thrown when a reference finds no session or several: its message says which and what to type. */
export class SessionRefError extends Error {}

function describe(ref: string, hits: Candidate[], more: boolean): string {
  const shown = hits
    .slice(0, SHOWN)
    .map((s) => `${shortId(s.id)} (${s.component}, ${s.startedAt.slice(0, 16).replace("T", " ")})`)
    .join(", ");
  const rest = hits.length > SHOWN || more ? " and more" : "";
  return `"${ref}" matches several sessions: ${shown}${rest}; give more of the id, or its short id`;
}

/**
 * The full id of the one session `ref` refers to. The service matches the reference itself when it knows
 * `SessionFilter.idRef`; otherwise the newest {@link SCAN_LIMIT} sessions are searched here.
 *
 * @example
 * const id = await resolveSessionRef(runtime, "0a1b2c3d"); // "0193c0de-0000-7000-8000-00000a1b2c3d"
 */
export async function resolveSessionRef(runtime: ShellRuntime, ref: string): Promise<string> {
  const parsed = parseIdRef(ref);
  if (!parsed) throw new SessionRefError(`"${ref}" is not a session reference: use ${ID_REF_FORMS}`);
  if (parsed.kind === "id") return parsed.id;

  const byService = await runtime
    .query(ListSessionsQuery, { filter: { idRef: ref.trim() } as SessionFilter, first: SHOWN + 1 })
    .then(
      (data) => data.sessions.edges.map((e) => e.node),
      (err: unknown) => {
        // A service that does not know the filter yet says so; anything else is a real failure.
        if (/idRef/.test(String((err as Error).message))) return undefined;
        throw err;
      },
    );
  if (byService) {
    if (byService.length === 1) return byService[0]!.id;
    if (byService.length === 0) throw new SessionRefError(`no session matches "${ref}"`);
    throw new SessionRefError(describe(ref, byService, byService.length > SHOWN));
  }

  const candidates: Candidate[] = [];
  let after: string | null | undefined;
  for (let read = 0; read < SCAN_LIMIT; ) {
    const page = await runtime.query(ListSessionsQuery, { first: PAGE, after });
    candidates.push(...page.sessions.edges.map((e) => e.node));
    read += page.sessions.edges.length;
    if (!page.sessions.pageInfo.hasNextPage) {
      after = undefined;
      break;
    }
    after = page.sessions.pageInfo.endCursor;
  }
  const found = findByIdRef(candidates, ref, (s) => s.id);
  if (found.kind === "one") return found.item.id;
  if (found.kind === "many") throw new SessionRefError(describe(ref, found.items, false));
  throw new SessionRefError(
    `no session matches "${ref}"${after ? ` among the ${candidates.length} newest` : ""}`,
  );
}
