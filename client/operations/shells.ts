import { graphql } from "../gql/index.js";

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
  query RecentEvents($component: String, $type: String, $kind: String, $outcome: CommandOutcome, $limit: Int) {
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

export const AggregateQuery = graphql(`
  query Aggregate($groupBy: [AggregateKey!]!, $filter: SessionFilter, $limit: Int) {
    aggregateSessions(groupBy: $groupBy, filter: $filter, limit: $limit) {
      key
      count
      avgDurationSeconds
      errorCount
      failedSessions
    }
  }
`);

export const SearchQuery = graphql(`
  query Search($query: String!, $index: SearchIndex, $limit: Int) {
    searchSessions(query: $query, index: $index, limit: $limit) {
      sessionId
      eventId
      index
      score
      snippet
      at
    }
  }
`);

export const DetectQuery = graphql(`
  query Detect($metric: String!, $threshold: Float, $windowSeconds: Int, $component: String) {
    detectAnomalies(metric: $metric, threshold: $threshold, windowSeconds: $windowSeconds, component: $component) {
      metric
      at
      value
      baseline
      score
      component
      sessionId
      reason
    }
  }
`);

export const GraphQuery = graphql(`
  query Graph($query: String, $nodeType: String, $depth: Int) {
    sessionGraph(query: $query, nodeType: $nodeType, depth: $depth) {
      depth
      truncated
      maxNodes
      nodes {
        id
        type
        label
        weight
        depth
      }
      edges {
        source
        target
        type
        weight
      }
    }
  }
`);

export const TrendsQuery = graphql(`
  query Trends($metric: String!, $windowSeconds: Int!, $granularitySeconds: Int!, $component: String) {
    sessionTrends(
      metric: $metric
      windowSeconds: $windowSeconds
      granularitySeconds: $granularitySeconds
      component: $component
    ) {
      metric
      direction
      slope
      points {
        bucketStart
        value
      }
    }
  }
`);

export const InsightsQuery = graphql(`
  query Insights($days: Int) {
    mostActiveComponents(days: $days, limit: 50) {
      component
      sessionCount
      totalDurationSeconds
      qualityScore
      lastActiveAt
    }
    aggregateSessions(groupBy: [ACTOR], limit: 5) {
      key
      count
    }
    sessionErrorRate(days: $days) {
      component
      totalSessions
      failedSessions
      errorRate
      mostCommonError
    }
  }
`);
