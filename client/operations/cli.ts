import { graphql } from "../gql/index.js";

/** Operations only the `session-buddy` CLI sends (it shares the rest with the shells, in `sessions.ts`). */

/** The component of a session the live feed names only by id (it started before `watch` did). */
export const SessionComponentQuery = graphql(`
  query SessionComponent($id: ID!) {
    session(id: $id) {
      id
      component
    }
  }
`);

/** The sessions a reference (a full id, a prefix of ≥ 4 hex digits or the short id) names, newest first. */
export const SessionsByRefQuery = graphql(`
  query SessionsByRef($ref: String!, $first: Int!) {
    sessions(filter: { idRef: $ref }, first: $first) {
      totalCount
      edges {
        node {
          id
          component
          status
          startedAt
          actor
        }
      }
    }
  }
`);

/** `session-buddy search`: ranked hits, each with the session it belongs to. */
export const CliSearchQuery = graphql(`
  query CliSearch($query: String!, $index: SearchIndex, $limit: Int, $filter: SessionFilter) {
    searchSessions(query: $query, index: $index, limit: $limit, filter: $filter) {
      index
      sessionId
      eventId
      score
      snippet
      at
      session {
        id
        component
        actor
        hostname
        status
        startedAt
      }
    }
  }
`);

/** `session-buddy purge`: what goes (or went) and what is kept. */
export const PurgeSessionsMutation = graphql(`
  mutation PurgeSessions($before: DateTime!, $component: String, $dryRun: Boolean!) {
    purgeSessions(before: $before, component: $component, dryRun: $dryRun) {
      dryRun
      cutoff
      clamped
      minDays
      component
      count
      events
      held
      unsigned
      active
      sessions {
        id
        component
        actor
        status
        startedAt
        endedAt
        events
      }
    }
  }
`);

/** `session-buddy hold`. */
export const HoldSessionMutation = graphql(`
  mutation HoldSession($id: ID!, $reason: String!) {
    holdSession(id: $id, reason: $reason) {
      sessionId
      ...LegalHoldFields
    }
  }
`);

/** `session-buddy release`. */
export const ReleaseHoldMutation = graphql(`
  mutation ReleaseHold($id: ID!) {
    releaseHold(id: $id) {
      sessionId
      ...LegalHoldFields
      releasedBy
      releasedAt
    }
  }
`);

/** The review bits of a session, as `review` and `show-session` print them. */
export const SessionReviewFieldsFragment = graphql(`
  fragment SessionReviewFields on Session {
    sensitive
    sensitivePeriods {
      reason
      ticketRef
      beganAt
      endedAt
      beginSeq
      endSeq
      endedBy
    }
    reviewCauses
    reviews {
      verdict
      note
      reviewer
      reviewedAt
    }
  }
`);

/** `session-buddy review --pending`. */
export const PendingReviewsQuery = graphql(`
  query PendingReviews($component: String, $first: Int, $after: String) {
    pendingReviews(component: $component, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          component
          actor
          actorKind
          hostname
          status
          startedAt
          endedAt
          commandCount
          errorCount
          reason {
            text
            ticketRef
          }
          ...SessionReviewFields
        }
      }
    }
  }
`);

/** `session-buddy review ID --approve|--flag`. */
export const ReviewSessionMutation = graphql(`
  mutation ReviewSession($id: ID!, $verdict: ReviewVerdict!, $note: String) {
    reviewSession(id: $id, verdict: $verdict, note: $note) {
      id
      sessionId
      verdict
      note
      reviewer
      reviewedAt
    }
  }
`);

/** `session-buddy review ID` without a verdict: the session's review state. */
export const SessionReviewQuery = graphql(`
  query SessionReview($id: ID!) {
    session(id: $id) {
      id
      component
      actor
      status
      startedAt
      endedAt
      ...SessionReviewFields
    }
  }
`);

/** `session-buddy alerts`: the alert webhooks posted or waiting (admin). */
export const AlertDeliveriesQuery = graphql(`
  query AlertDeliveries($filter: AlertDeliveryFilter, $first: Int, $after: String) {
    alertDeliveries(filter: $filter, first: $first, after: $after) {
      hasNextPage
      endCursor
      deliveries {
        id
        eventId
        kind
        target
        sessionId
        component
        status
        attempts
        nextAttemptAt
        lastStatus
        lastError
        createdAt
        deliveredAt
      }
    }
  }
`);
