import { graphql } from "../gql/index.js";

/**
 * Operations of the web dashboard. The overview's lists select the summary below rather than every
 * field, since they hold hundreds of sessions; one session's page reads all of its fields and its events
 * through the fragments of `sessions.ts`, whose live feeds the dashboard subscribes to as well.
 *
 * This file is codegen's source. The dashboard imports the generated, compacted `…Document` constants
 * from `client/gql/graphql.ts` instead of these values, so its bundle carries each document once, on one
 * line, and not the `graphql()` map of every document of the product.
 */

export const SessionSummaryFieldsFragment = graphql(`
  fragment SessionSummaryFields on Session {
    id
    type
    component
    status
    actor
    actorKind
    actorKindSource
    delegatedBy
    username
    hostname
    startedAt
    endedAt
    durationSeconds
    endReason
    exitCode
    commandCount
    errorCount
    completeness
  }
`);

/** A cheap query that tells whether the token may read (UNAUTHENTICATED / FORBIDDEN otherwise). */
export const DashboardProbeQuery = graphql(`
  query DashboardProbe {
    activeSessions {
      id
    }
  }
`);

export const DashboardActiveQuery = graphql(`
  query DashboardActive {
    activeSessions {
      ...SessionSummaryFields
    }
  }
`);

export const DashboardRecentEndedQuery = graphql(`
  query DashboardRecentEnded($first: Int!) {
    ended: sessions(filter: { status: ENDED }, first: $first) {
      edges {
        node {
          ...SessionSummaryFields
        }
      }
    }
    abandoned: sessions(filter: { status: ABANDONED }, first: $first) {
      edges {
        node {
          ...SessionSummaryFields
        }
      }
    }
  }
`);

export const DashboardStartedSinceQuery = graphql(`
  query DashboardStartedSince($after: DateTime!, $first: Int!, $cursor: String) {
    sessions(filter: { startedAfter: $after }, first: $first, after: $cursor) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          component
          status
          startedAt
          durationSeconds
        }
      }
    }
  }
`);

export const DashboardSessionQuery = graphql(`
  query DashboardSession($id: ID!, $first: Int!, $after: String) {
    session(id: $id) {
      ...SessionFields
      legalHold {
        ...LegalHoldFields
      }
      events(first: $first, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            ...SessionEventFields
          }
        }
      }
    }
  }
`);

export const DashboardActiveCountSubscription = graphql(`
  subscription DashboardActiveCount($component: String, $after: DateTime) {
    activeSessionCount(component: $component, after: $after)
  }
`);

export const DashboardAnomalyFieldsFragment = graphql(`
  fragment DashboardAnomalyFields on Anomaly {
    metric
    at
    component
    sessionId
    value
    baseline
    score
    reason
  }
`);

/** The overview's anomalies: every metric over the last `windowSeconds`, highest score first per metric. */
export const DashboardAnomaliesQuery = graphql(`
  query DashboardAnomalies($windowSeconds: Int!, $limit: Int!) {
    sessionDuration: detectAnomalies(metric: "session_duration", windowSeconds: $windowSeconds, limit: $limit) {
      ...DashboardAnomalyFields
    }
    commandsPerSession: detectAnomalies(
      metric: "commands_per_session"
      windowSeconds: $windowSeconds
      limit: $limit
    ) {
      ...DashboardAnomalyFields
    }
    sessionsPerHour: detectAnomalies(metric: "sessions_per_hour", windowSeconds: $windowSeconds, limit: $limit) {
      ...DashboardAnomalyFields
    }
    errorRate: detectAnomalies(metric: "error_rate", windowSeconds: $windowSeconds, limit: $limit) {
      ...DashboardAnomalyFields
    }
  }
`);

/** The session page's legal-hold control (admin tokens). */
export const DashboardHoldSessionMutation = graphql(`
  mutation DashboardHoldSession($id: ID!, $reason: String!) {
    holdSession(id: $id, reason: $reason) {
      ...LegalHoldFields
    }
  }
`);

export const DashboardReleaseHoldMutation = graphql(`
  mutation DashboardReleaseHold($id: ID!) {
    releaseHold(id: $id) {
      releasedAt
    }
  }
`);

/** A session's legal hold as stored now (after a refused hold or release, the page shows what is true). */
export const DashboardSessionHoldQuery = graphql(`
  query DashboardSessionHold($id: ID!) {
    session(id: $id) {
      legalHold {
        ...LegalHoldFields
      }
    }
  }
`);

/**
 * The review page's live queue: a session joined it (QUEUED) or left it with a verdict (REVIEWED). The
 * page reads the queue itself with `PendingReviews`, and the verdict and a session's reviews with the
 * CLI's `ReviewSession` and `SessionReview`, rather than copies of them.
 */
export const DashboardReviewQueueChangedSubscription = graphql(`
  subscription DashboardReviewQueueChanged($component: String) {
    reviewQueueChanged(component: $component) {
      sessionId
      component
      change
      verdict
      reviewer
      at
    }
  }
`);
