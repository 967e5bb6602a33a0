import { graphql } from "../gql/index.js";

/**
 * Reading sessions and their events, and their live feeds; the CLI, the shells and the dashboard share
 * these.
 */

export const SessionFieldsFragment = graphql(`
  fragment SessionFields on Session {
    id
    type
    component
    componentType
    componentVersion
    shellType
    adapters
    status
    startedAt
    endedAt
    lastSeenAt
    receivedAt
    endReceivedAt
    delayed
    durationSeconds
    endReason
    exitCode
    captureMode
    actor
    username
    hostname
    pid
    environment
    metadata
    commandCount
    errorCount
    eventCount
    completeness
    chained
    brokenSeq
    lastSeq
    reason {
      text
      ticketRef
    }
    actorKind
    actorKindSource
    delegatedBy
  }
`);

export const SessionEventFieldsFragment = graphql(`
  fragment SessionEventFields on SessionEvent {
    id
    sessionId
    seq
    kind
    at
    text
    textHidden
    durationMs
    outcome
    errorClass
    redactions
    hashOk
    completionHash
  }
`);

export const ListSessionsQuery = graphql(`
  query ListSessions($filter: SessionFilter, $first: Int, $after: String) {
    sessions(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...SessionFields
        }
      }
    }
  }
`);

/** A legal hold as the CLI and the dashboard show it. */
export const LegalHoldFieldsFragment = graphql(`
  fragment LegalHoldFields on LegalHold {
    reason
    heldBy
    heldAt
  }
`);

export const SessionViewersQuery = graphql(`
  query SessionViewers($id: ID!) {
    session(id: $id) {
      viewedBy {
        subject
        events
        reads
        lastAt
      }
    }
  }
`);

export const ShowSessionQuery = graphql(`
  query ShowSession($id: ID!, $first: Int, $after: String) {
    session(id: $id) {
      ...SessionFields
      clientHealth
      legalHold {
        ...LegalHoldFields
      }
      ...SessionReviewFields
      missingSeqRanges {
        from
        to
      }
      events(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            ...SessionEventFields
            payload
          }
        }
      }
    }
  }
`);

export const ActiveSessionsQuery = graphql(`
  query ActiveSessions($component: String) {
    activeSessions(component: $component) {
      ...SessionFields
    }
  }
`);

export const SessionStartedSubscription = graphql(`
  subscription WatchStarted($component: String, $after: DateTime) {
    sessionStarted(component: $component, after: $after) {
      ...SessionFields
    }
  }
`);

export const SessionEndedSubscription = graphql(`
  subscription WatchEnded($component: String, $after: DateTime) {
    sessionEnded(component: $component, after: $after) {
      ...SessionFields
    }
  }
`);

export const SessionEventsSubscription = graphql(`
  subscription WatchEvents($sessionId: ID!, $afterSeq: Int) {
    sessionEvents(sessionId: $sessionId, afterSeq: $afterSeq) {
      ...SessionEventFields
    }
  }
`);

export const LiveEventsSubscription = graphql(`
  subscription LiveEvents($component: String) {
    liveEvents(component: $component) {
      ...SessionEventFields
    }
  }
`);

export const SessionEventsAfterQuery = graphql(`
  query SessionEventsAfter($id: ID!, $afterSeq: Int) {
    session(id: $id) {
      id
      component
      events(first: 1000, afterSeq: $afterSeq) {
        edges {
          node {
            ...SessionEventFields
          }
        }
      }
    }
  }
`);

export const StatsQuery = graphql(`
  query Stats($days: Int) {
    sessionStats(days: $days) {
      component
      totalSessions
      activeSessions
      endedSessions
      failedSessions
      avgDurationSeconds
      p95DurationSeconds
      errorRate
    }
    mostActiveComponents(days: $days, limit: 1000) {
      component
      totalDurationSeconds
      qualityScore
      lastActiveAt
    }
    sessionErrorRate(days: $days) {
      component
      mostCommonError
    }
    byActorKind: aggregateSessions(groupBy: [ACTOR_KIND], days: $days) {
      key
      count
      failedSessions
      avgDurationSeconds
    }
  }
`);
