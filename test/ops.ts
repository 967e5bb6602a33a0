/**
 * GraphQL documents the integration tests send. Most are the product's own operations; the two below
 * select every field of what they return, which only tests read. This file is among codegen's documents,
 * so a schema change that breaks a test's document fails `npm run codegen` like one of the product's.
 * Each is exported as its text, typed with its result and variables.
 */
import { graphql } from "../client/gql/index.js";
import { HeartbeatMutation, RecordEventsMutation } from "../client/operations/client.js";
import {
  ActiveSessionsQuery,
  ListSessionsQuery,
  SessionEndedSubscription,
  SessionEventsSubscription,
  SessionStartedSubscription,
  ShowSessionQuery,
} from "../client/operations/sessions.js";
import { DashboardActiveCountSubscription } from "../client/operations/web.js";

export const START = graphql(`
  mutation TestStartSession($input: StartSessionInput!) {
    startSession(input: $input) {
      ...SessionFields
    }
  }
`).toString();

export const END = graphql(`
  mutation TestEndSession($input: EndSessionInput!) {
    endSession(input: $input) {
      ...SessionFields
    }
  }
`).toString();

export const RECORD = RecordEventsMutation.toString();
export const HEARTBEAT = HeartbeatMutation.toString();
export const SESSION = ShowSessionQuery.toString();
export const SESSIONS = ListSessionsQuery.toString();
export const ACTIVE = ActiveSessionsQuery.toString();
export const SUB_STARTED = SessionStartedSubscription.toString();
export const SUB_ENDED = SessionEndedSubscription.toString();
export const SUB_EVENTS = SessionEventsSubscription.toString();
export const SUB_COUNT = DashboardActiveCountSubscription.toString();

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
