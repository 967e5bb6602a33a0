import { graphql } from "../client/gql/index.js";

/** Operations of the shells' read helpers. */

export const SessionQualityQuery = graphql(`
  query SessionQuality($days: Int, $component: String) {
    sessionQuality(days: $days, component: $component) {
      component
      totalSessions
      activeSessions
      finishedSessions
      cleanEndRate
      abandonedRate
      delayedRate
      qualityScore
    }
  }
`);

export const RecentEventsQuery = graphql(`
  query RecentEvents($component: String, $type: String, $kind: String, $outcome: String, $limit: Int) {
    recentEvents(component: $component, type: $type, kind: $kind, outcome: $outcome, limit: $limit) {
      id
      sessionId
      seq
      kind
      at
      text
      durationMs
      outcome
      errorClass
      payload
    }
  }
`);
