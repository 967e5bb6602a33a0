/** The GraphQL documents the dashboard sends, and the shapes it reads from them. */

export interface SessionSummary {
  id: string;
  type: string;
  component: string;
  status: "ACTIVE" | "ENDED" | "ABANDONED";
  actor: string;
  username: string | null;
  hostname: string | null;
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number | null;
  endReason: string | null;
  exitCode: number | null;
  commandCount: number;
  errorCount: number;
}

export interface SessionDetail extends SessionSummary {
  componentType: string | null;
  componentVersion: string | null;
  shellType: string | null;
  adapters: string[];
  pid: number | null;
  lastSeenAt: string;
  receivedAt: string;
  delayed: boolean;
  captureMode: string;
  environment: Record<string, unknown>;
}

export interface SessionEvent {
  id: string;
  seq: number;
  kind: string;
  at: string;
  text: string | null;
  textHidden: boolean;
  durationMs: number | null;
  outcome: string | null;
  errorClass: string | null;
  redactions: number;
}

export interface Page<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: T }[];
}

const SUMMARY = `id type component status actor username hostname startedAt endedAt durationSeconds endReason
  exitCode commandCount errorCount`;
const DETAIL = `${SUMMARY} componentType componentVersion shellType adapters pid lastSeenAt receivedAt delayed
  captureMode environment`;
const EVENT = "id seq kind at text textHidden durationMs outcome errorClass redactions";

/** A cheap query that tells whether the token may read (UNAUTHENTICATED / FORBIDDEN otherwise). */
export const PROBE = "query DashboardProbe { activeSessions { id } }";

export const ACTIVE = `query DashboardActive { activeSessions { ${SUMMARY} } }`;

export const RECENT_ENDED = `query DashboardRecentEnded($first: Int!) {
  ended: sessions(filter: { status: ENDED }, first: $first) { edges { node { ${SUMMARY} } } }
  abandoned: sessions(filter: { status: ABANDONED }, first: $first) { edges { node { ${SUMMARY} } } }
}`;

export const STARTED_SINCE = `query DashboardStartedSince($after: DateTime!, $first: Int!, $cursor: String) {
  sessions(filter: { startedAfter: $after }, first: $first, after: $cursor) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id component status startedAt durationSeconds } }
  }
}`;

export const SESSION = `query DashboardSession($id: ID!, $first: Int!, $after: String) {
  session(id: $id) {
    ${DETAIL}
    events(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { ${EVENT} } }
    }
  }
}`;

export const SUB_STARTED = `subscription DashboardStarted { sessionStarted { ${SUMMARY} } }`;
export const SUB_ENDED = `subscription DashboardEnded($component: String) {
  sessionEnded(component: $component) { ${SUMMARY} }
}`;
export const SUB_COUNT = "subscription DashboardActiveCount { activeSessionCount }";
export const SUB_EVENTS = `subscription DashboardEvents($sessionId: ID!, $afterSeq: Int) {
  sessionEvents(sessionId: $sessionId, afterSeq: $afterSeq) { ${EVENT} }
}`;
