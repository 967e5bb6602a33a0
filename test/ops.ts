/** GraphQL documents the integration tests send (as a user of the API would write them). */

export const START = `mutation Start($input: StartSessionInput!) {
  startSession(input: $input) { id type component status actor startedAt receivedAt lastSeenAt delayed captureMode
    componentType componentVersion shellType adapters username hostname pid environment metadata commandCount errorCount }
}`;

export const END = `mutation End($input: EndSessionInput!) {
  endSession(input: $input) { id status endedAt endReason exitCode durationSeconds delayed metadata }
}`;

export const RECORD = `mutation Record($events: [SessionEventInput!]!) {
  recordEvents(events: $events) { accepted duplicates rejected { eventId code message } }
}`;

export const HEARTBEAT = `mutation Beat($ids: [ID!]!, $client: ClientHealthInput) { heartbeat(ids: $ids, client: $client) }`;

export const SESSION = `query One($id: ID!, $first: Int, $after: String) {
  session(id: $id) { id status component actor startedAt endedAt endReason exitCode durationSeconds delayed
    commandCount errorCount eventCount clientHealth metadata
    events(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id seq kind at text textHidden durationMs outcome errorClass redactions payload } } } }
}`;

export const SESSIONS = `query Many($filter: SessionFilter, $first: Int, $after: String) {
  sessions(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id component status startedAt } } }
}`;

export const ACTIVE = `query Active($component: String) { activeSessions(component: $component) { id component status } }`;

export const SUB_STARTED = `subscription S($component: String) { sessionStarted(component: $component) { id component status } }`;
export const SUB_ENDED = `subscription E($component: String) { sessionEnded(component: $component) { id component status endReason } }`;
export const SUB_EVENTS = `subscription V($sessionId: ID!, $afterSeq: Int) {
  sessionEvents(sessionId: $sessionId, afterSeq: $afterSeq) { id seq kind text outcome } }`;
export const SUB_COUNT = `subscription C($component: String) { activeSessionCount(component: $component) }`;

export function startInput(component: string, id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    component,
    componentType: "inspector",
    componentVersion: "1.2.3",
    shellType: "TestShell",
    adapters: ["pg", "redis"],
    pid: 4242,
    username: "op",
    hostname: "box-1",
    environment: { nodeVersion: process.version, platform: process.platform, cwd: "/srv" },
    ...extra,
  };
}

export function event(sessionId: string, eventId: string, seq: number, extra: Record<string, unknown> = {}) {
  return {
    eventId,
    sessionId,
    seq,
    kind: "command",
    at: new Date().toISOString(),
    text: `cmd ${seq}`,
    ...extra,
  };
}
