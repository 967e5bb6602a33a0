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
