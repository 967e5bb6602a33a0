/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query SessionComponent($id: ID!) {\n    session(id: $id) {\n      id\n      component\n    }\n  }\n": typeof types.SessionComponentDocument,
    "\n  query SessionsByRef($ref: String!, $first: Int!) {\n    sessions(filter: { idRef: $ref }, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          component\n          status\n          startedAt\n          actor\n        }\n      }\n    }\n  }\n": typeof types.SessionsByRefDocument,
    "\n  query CliSearch($query: String!, $index: SearchIndex, $limit: Int, $filter: SessionFilter) {\n    searchSessions(query: $query, index: $index, limit: $limit, filter: $filter) {\n      index\n      sessionId\n      eventId\n      score\n      snippet\n      at\n      session {\n        id\n        component\n        actor\n        hostname\n        status\n        startedAt\n      }\n    }\n  }\n": typeof types.CliSearchDocument,
    "\n  mutation PurgeSessions($before: DateTime!, $component: String, $dryRun: Boolean!) {\n    purgeSessions(before: $before, component: $component, dryRun: $dryRun) {\n      dryRun\n      cutoff\n      clamped\n      minDays\n      component\n      count\n      events\n      held\n      unsigned\n      active\n      sessions {\n        id\n        component\n        actor\n        status\n        startedAt\n        endedAt\n        events\n      }\n    }\n  }\n": typeof types.PurgeSessionsDocument,
    "\n  mutation HoldSession($id: ID!, $reason: String!) {\n    holdSession(id: $id, reason: $reason) {\n      sessionId\n      ...LegalHoldFields\n    }\n  }\n": typeof types.HoldSessionDocument,
    "\n  mutation ReleaseHold($id: ID!) {\n    releaseHold(id: $id) {\n      sessionId\n      ...LegalHoldFields\n      releasedBy\n      releasedAt\n    }\n  }\n": typeof types.ReleaseHoldDocument,
    "\n  fragment SessionReviewFields on Session {\n    sensitive\n    sensitivePeriods {\n      reason\n      ticketRef\n      beganAt\n      endedAt\n      beginSeq\n      endSeq\n      endedBy\n    }\n    reviewCauses\n    reviews {\n      verdict\n      note\n      reviewer\n      reviewedAt\n    }\n  }\n": typeof types.SessionReviewFieldsFragmentDoc,
    "\n  query PendingReviews($component: String, $first: Int, $after: String) {\n    pendingReviews(component: $component, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          component\n          actor\n          actorKind\n          hostname\n          status\n          startedAt\n          endedAt\n          commandCount\n          errorCount\n          reason {\n            text\n            ticketRef\n          }\n          ...SessionReviewFields\n        }\n      }\n    }\n  }\n": typeof types.PendingReviewsDocument,
    "\n  mutation ReviewSession($id: ID!, $verdict: ReviewVerdict!, $note: String) {\n    reviewSession(id: $id, verdict: $verdict, note: $note) {\n      id\n      sessionId\n      verdict\n      note\n      reviewer\n      reviewedAt\n    }\n  }\n": typeof types.ReviewSessionDocument,
    "\n  query SessionReview($id: ID!) {\n    session(id: $id) {\n      id\n      component\n      actor\n      status\n      startedAt\n      endedAt\n      ...SessionReviewFields\n    }\n  }\n": typeof types.SessionReviewDocument,
    "\n  query AlertDeliveries($filter: AlertDeliveryFilter, $first: Int, $after: String) {\n    alertDeliveries(filter: $filter, first: $first, after: $after) {\n      hasNextPage\n      endCursor\n      deliveries {\n        id\n        eventId\n        kind\n        target\n        sessionId\n        component\n        status\n        attempts\n        nextAttemptAt\n        lastStatus\n        lastError\n        createdAt\n        deliveredAt\n      }\n    }\n  }\n": typeof types.AlertDeliveriesDocument,
    "\n  mutation StartSession($input: StartSessionInput!) {\n    startSession(input: $input) {\n      id\n      status\n      startedAt\n    }\n  }\n": typeof types.StartSessionDocument,
    "\n  mutation EndSession($input: EndSessionInput!) {\n    endSession(input: $input) {\n      id\n      status\n      endedAt\n      endReason\n    }\n  }\n": typeof types.EndSessionDocument,
    "\n  mutation Heartbeat($ids: [ID!]!, $client: ClientHealthInput) {\n    heartbeat(ids: $ids, client: $client)\n  }\n": typeof types.HeartbeatDocument,
    "\n  mutation RecordEvents($events: [SessionEventInput!]!) {\n    recordEvents(events: $events) {\n      accepted\n      duplicates\n      rejected {\n        eventId\n        code\n        reason\n        message\n      }\n    }\n  }\n": typeof types.RecordEventsDocument,
    "\n  fragment SessionFields on Session {\n    id\n    type\n    component\n    componentType\n    componentVersion\n    shellType\n    adapters\n    status\n    startedAt\n    endedAt\n    lastSeenAt\n    receivedAt\n    endReceivedAt\n    delayed\n    durationSeconds\n    endReason\n    exitCode\n    captureMode\n    actor\n    username\n    hostname\n    pid\n    environment\n    metadata\n    commandCount\n    errorCount\n    eventCount\n    completeness\n    chained\n    brokenSeq\n    lastSeq\n    reason {\n      text\n      ticketRef\n    }\n    actorKind\n    actorKindSource\n    delegatedBy\n  }\n": typeof types.SessionFieldsFragmentDoc,
    "\n  fragment SessionEventFields on SessionEvent {\n    id\n    sessionId\n    seq\n    kind\n    at\n    text\n    textHidden\n    durationMs\n    outcome\n    errorClass\n    redactions\n    hashOk\n    completionHash\n  }\n": typeof types.SessionEventFieldsFragmentDoc,
    "\n  query ListSessions($filter: SessionFilter, $first: Int, $after: String) {\n    sessions(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...SessionFields\n        }\n      }\n    }\n  }\n": typeof types.ListSessionsDocument,
    "\n  fragment LegalHoldFields on LegalHold {\n    reason\n    heldBy\n    heldAt\n  }\n": typeof types.LegalHoldFieldsFragmentDoc,
    "\n  query SessionViewers($id: ID!) {\n    session(id: $id) {\n      viewedBy {\n        subject\n        events\n        reads\n        lastAt\n      }\n    }\n  }\n": typeof types.SessionViewersDocument,
    "\n  query ShowSession($id: ID!, $first: Int, $after: String) {\n    session(id: $id) {\n      ...SessionFields\n      clientHealth\n      legalHold {\n        ...LegalHoldFields\n      }\n      ...SessionReviewFields\n      missingSeqRanges {\n        from\n        to\n      }\n      events(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            ...SessionEventFields\n            payload\n          }\n        }\n      }\n    }\n  }\n": typeof types.ShowSessionDocument,
    "\n  query ActiveSessions($component: String) {\n    activeSessions(component: $component) {\n      ...SessionFields\n    }\n  }\n": typeof types.ActiveSessionsDocument,
    "\n  subscription WatchStarted($component: String, $after: DateTime) {\n    sessionStarted(component: $component, after: $after) {\n      ...SessionFields\n    }\n  }\n": typeof types.WatchStartedDocument,
    "\n  subscription WatchEnded($component: String, $after: DateTime) {\n    sessionEnded(component: $component, after: $after) {\n      ...SessionFields\n    }\n  }\n": typeof types.WatchEndedDocument,
    "\n  subscription WatchEvents($sessionId: ID!, $afterSeq: Int) {\n    sessionEvents(sessionId: $sessionId, afterSeq: $afterSeq) {\n      ...SessionEventFields\n    }\n  }\n": typeof types.WatchEventsDocument,
    "\n  subscription LiveEvents($component: String) {\n    liveEvents(component: $component) {\n      ...SessionEventFields\n    }\n  }\n": typeof types.LiveEventsDocument,
    "\n  query SessionEventsAfter($id: ID!, $afterSeq: Int) {\n    session(id: $id) {\n      id\n      component\n      events(first: 1000, afterSeq: $afterSeq) {\n        edges {\n          node {\n            ...SessionEventFields\n          }\n        }\n      }\n    }\n  }\n": typeof types.SessionEventsAfterDocument,
    "\n  query Stats($days: Int) {\n    sessionStats(days: $days) {\n      component\n      totalSessions\n      activeSessions\n      endedSessions\n      failedSessions\n      avgDurationSeconds\n      p95DurationSeconds\n      errorRate\n    }\n    mostActiveComponents(days: $days, limit: 1000) {\n      component\n      totalDurationSeconds\n      qualityScore\n      lastActiveAt\n    }\n    sessionErrorRate(days: $days) {\n      component\n      mostCommonError\n    }\n    byActorKind: aggregateSessions(groupBy: [ACTOR_KIND], days: $days) {\n      key\n      count\n      failedSessions\n      avgDurationSeconds\n    }\n  }\n": typeof types.StatsDocument,
    "\n  query SessionQuality($days: Int, $component: String) {\n    sessionQuality(days: $days, component: $component) {\n      component\n      totalSessions\n      activeSessions\n      finishedSessions\n      cleanEndRate\n      abandonedRate\n      delayedRate\n      qualityScore\n    }\n  }\n": typeof types.SessionQualityDocument,
    "\n  query RecentEvents($component: String, $type: String, $kind: String, $outcome: CommandOutcome, $limit: Int) {\n    recentEvents(component: $component, type: $type, kind: $kind, outcome: $outcome, limit: $limit) {\n      id\n      sessionId\n      seq\n      kind\n      at\n      text\n      durationMs\n      outcome\n      errorClass\n      payload\n    }\n  }\n": typeof types.RecentEventsDocument,
    "\n  query Aggregate($groupBy: [AggregateKey!]!, $filter: SessionFilter, $limit: Int) {\n    aggregateSessions(groupBy: $groupBy, filter: $filter, limit: $limit) {\n      key\n      count\n      avgDurationSeconds\n      errorCount\n      failedSessions\n    }\n  }\n": typeof types.AggregateDocument,
    "\n  query Search($query: String!, $index: SearchIndex, $limit: Int) {\n    searchSessions(query: $query, index: $index, limit: $limit) {\n      sessionId\n      eventId\n      index\n      score\n      snippet\n      at\n    }\n  }\n": typeof types.SearchDocument,
    "\n  query Detect($metric: String!, $threshold: Float, $windowSeconds: Int, $component: String) {\n    detectAnomalies(metric: $metric, threshold: $threshold, windowSeconds: $windowSeconds, component: $component) {\n      metric\n      at\n      value\n      baseline\n      score\n      component\n      sessionId\n      reason\n    }\n  }\n": typeof types.DetectDocument,
    "\n  query Graph($query: String, $nodeType: String, $depth: Int) {\n    sessionGraph(query: $query, nodeType: $nodeType, depth: $depth) {\n      depth\n      truncated\n      maxNodes\n      nodes {\n        id\n        type\n        label\n        weight\n        depth\n      }\n      edges {\n        source\n        target\n        type\n        weight\n      }\n    }\n  }\n": typeof types.GraphDocument,
    "\n  query Trends($metric: String!, $windowSeconds: Int!, $granularitySeconds: Int!, $component: String) {\n    sessionTrends(\n      metric: $metric\n      windowSeconds: $windowSeconds\n      granularitySeconds: $granularitySeconds\n      component: $component\n    ) {\n      metric\n      direction\n      slope\n      points {\n        bucketStart\n        value\n      }\n    }\n  }\n": typeof types.TrendsDocument,
    "\n  query Insights($days: Int) {\n    mostActiveComponents(days: $days, limit: 50) {\n      component\n      sessionCount\n      totalDurationSeconds\n      qualityScore\n      lastActiveAt\n    }\n    aggregateSessions(groupBy: [ACTOR], limit: 5) {\n      key\n      count\n    }\n    sessionErrorRate(days: $days) {\n      component\n      totalSessions\n      failedSessions\n      errorRate\n      mostCommonError\n    }\n  }\n": typeof types.InsightsDocument,
    "\n  fragment SessionSummaryFields on Session {\n    id\n    type\n    component\n    status\n    actor\n    actorKind\n    actorKindSource\n    delegatedBy\n    username\n    hostname\n    startedAt\n    endedAt\n    durationSeconds\n    endReason\n    exitCode\n    commandCount\n    errorCount\n    completeness\n  }\n": typeof types.SessionSummaryFieldsFragmentDoc,
    "\n  query DashboardProbe {\n    activeSessions {\n      id\n    }\n  }\n": typeof types.DashboardProbeDocument,
    "\n  query DashboardActive {\n    activeSessions {\n      ...SessionSummaryFields\n    }\n  }\n": typeof types.DashboardActiveDocument,
    "\n  query DashboardRecentEnded($first: Int!) {\n    ended: sessions(filter: { status: ENDED }, first: $first) {\n      edges {\n        node {\n          ...SessionSummaryFields\n        }\n      }\n    }\n    abandoned: sessions(filter: { status: ABANDONED }, first: $first) {\n      edges {\n        node {\n          ...SessionSummaryFields\n        }\n      }\n    }\n  }\n": typeof types.DashboardRecentEndedDocument,
    "\n  query DashboardStartedSince($after: DateTime!, $first: Int!, $cursor: String) {\n    sessions(filter: { startedAfter: $after }, first: $first, after: $cursor) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          component\n          status\n          startedAt\n          durationSeconds\n        }\n      }\n    }\n  }\n": typeof types.DashboardStartedSinceDocument,
    "\n  query DashboardSession($id: ID!, $first: Int!, $after: String) {\n    session(id: $id) {\n      ...SessionFields\n      legalHold {\n        ...LegalHoldFields\n      }\n      events(first: $first, after: $after) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            ...SessionEventFields\n          }\n        }\n      }\n    }\n  }\n": typeof types.DashboardSessionDocument,
    "\n  subscription DashboardActiveCount($component: String, $after: DateTime) {\n    activeSessionCount(component: $component, after: $after)\n  }\n": typeof types.DashboardActiveCountDocument,
    "\n  fragment DashboardAnomalyFields on Anomaly {\n    metric\n    at\n    component\n    sessionId\n    value\n    baseline\n    score\n    reason\n  }\n": typeof types.DashboardAnomalyFieldsFragmentDoc,
    "\n  query DashboardAnomalies($windowSeconds: Int!, $limit: Int!) {\n    sessionDuration: detectAnomalies(metric: \"session_duration\", windowSeconds: $windowSeconds, limit: $limit) {\n      ...DashboardAnomalyFields\n    }\n    commandsPerSession: detectAnomalies(\n      metric: \"commands_per_session\"\n      windowSeconds: $windowSeconds\n      limit: $limit\n    ) {\n      ...DashboardAnomalyFields\n    }\n    sessionsPerHour: detectAnomalies(metric: \"sessions_per_hour\", windowSeconds: $windowSeconds, limit: $limit) {\n      ...DashboardAnomalyFields\n    }\n    errorRate: detectAnomalies(metric: \"error_rate\", windowSeconds: $windowSeconds, limit: $limit) {\n      ...DashboardAnomalyFields\n    }\n  }\n": typeof types.DashboardAnomaliesDocument,
    "\n  mutation DashboardHoldSession($id: ID!, $reason: String!) {\n    holdSession(id: $id, reason: $reason) {\n      ...LegalHoldFields\n    }\n  }\n": typeof types.DashboardHoldSessionDocument,
    "\n  mutation DashboardReleaseHold($id: ID!) {\n    releaseHold(id: $id) {\n      releasedAt\n    }\n  }\n": typeof types.DashboardReleaseHoldDocument,
    "\n  query DashboardSessionHold($id: ID!) {\n    session(id: $id) {\n      legalHold {\n        ...LegalHoldFields\n      }\n    }\n  }\n": typeof types.DashboardSessionHoldDocument,
    "\n  subscription DashboardReviewQueueChanged($component: String) {\n    reviewQueueChanged(component: $component) {\n      sessionId\n      component\n      change\n      verdict\n      reviewer\n      at\n    }\n  }\n": typeof types.DashboardReviewQueueChangedDocument,
    "\n  mutation TestStartSession($input: StartSessionInput!) {\n    startSession(input: $input) {\n      ...SessionFields\n    }\n  }\n": typeof types.TestStartSessionDocument,
    "\n  mutation TestEndSession($input: EndSessionInput!) {\n    endSession(input: $input) {\n      ...SessionFields\n    }\n  }\n": typeof types.TestEndSessionDocument,
};
const documents: Documents = {
    "\n  query SessionComponent($id: ID!) {\n    session(id: $id) {\n      id\n      component\n    }\n  }\n": types.SessionComponentDocument,
    "\n  query SessionsByRef($ref: String!, $first: Int!) {\n    sessions(filter: { idRef: $ref }, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          component\n          status\n          startedAt\n          actor\n        }\n      }\n    }\n  }\n": types.SessionsByRefDocument,
    "\n  query CliSearch($query: String!, $index: SearchIndex, $limit: Int, $filter: SessionFilter) {\n    searchSessions(query: $query, index: $index, limit: $limit, filter: $filter) {\n      index\n      sessionId\n      eventId\n      score\n      snippet\n      at\n      session {\n        id\n        component\n        actor\n        hostname\n        status\n        startedAt\n      }\n    }\n  }\n": types.CliSearchDocument,
    "\n  mutation PurgeSessions($before: DateTime!, $component: String, $dryRun: Boolean!) {\n    purgeSessions(before: $before, component: $component, dryRun: $dryRun) {\n      dryRun\n      cutoff\n      clamped\n      minDays\n      component\n      count\n      events\n      held\n      unsigned\n      active\n      sessions {\n        id\n        component\n        actor\n        status\n        startedAt\n        endedAt\n        events\n      }\n    }\n  }\n": types.PurgeSessionsDocument,
    "\n  mutation HoldSession($id: ID!, $reason: String!) {\n    holdSession(id: $id, reason: $reason) {\n      sessionId\n      ...LegalHoldFields\n    }\n  }\n": types.HoldSessionDocument,
    "\n  mutation ReleaseHold($id: ID!) {\n    releaseHold(id: $id) {\n      sessionId\n      ...LegalHoldFields\n      releasedBy\n      releasedAt\n    }\n  }\n": types.ReleaseHoldDocument,
    "\n  fragment SessionReviewFields on Session {\n    sensitive\n    sensitivePeriods {\n      reason\n      ticketRef\n      beganAt\n      endedAt\n      beginSeq\n      endSeq\n      endedBy\n    }\n    reviewCauses\n    reviews {\n      verdict\n      note\n      reviewer\n      reviewedAt\n    }\n  }\n": types.SessionReviewFieldsFragmentDoc,
    "\n  query PendingReviews($component: String, $first: Int, $after: String) {\n    pendingReviews(component: $component, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          component\n          actor\n          actorKind\n          hostname\n          status\n          startedAt\n          endedAt\n          commandCount\n          errorCount\n          reason {\n            text\n            ticketRef\n          }\n          ...SessionReviewFields\n        }\n      }\n    }\n  }\n": types.PendingReviewsDocument,
    "\n  mutation ReviewSession($id: ID!, $verdict: ReviewVerdict!, $note: String) {\n    reviewSession(id: $id, verdict: $verdict, note: $note) {\n      id\n      sessionId\n      verdict\n      note\n      reviewer\n      reviewedAt\n    }\n  }\n": types.ReviewSessionDocument,
    "\n  query SessionReview($id: ID!) {\n    session(id: $id) {\n      id\n      component\n      actor\n      status\n      startedAt\n      endedAt\n      ...SessionReviewFields\n    }\n  }\n": types.SessionReviewDocument,
    "\n  query AlertDeliveries($filter: AlertDeliveryFilter, $first: Int, $after: String) {\n    alertDeliveries(filter: $filter, first: $first, after: $after) {\n      hasNextPage\n      endCursor\n      deliveries {\n        id\n        eventId\n        kind\n        target\n        sessionId\n        component\n        status\n        attempts\n        nextAttemptAt\n        lastStatus\n        lastError\n        createdAt\n        deliveredAt\n      }\n    }\n  }\n": types.AlertDeliveriesDocument,
    "\n  mutation StartSession($input: StartSessionInput!) {\n    startSession(input: $input) {\n      id\n      status\n      startedAt\n    }\n  }\n": types.StartSessionDocument,
    "\n  mutation EndSession($input: EndSessionInput!) {\n    endSession(input: $input) {\n      id\n      status\n      endedAt\n      endReason\n    }\n  }\n": types.EndSessionDocument,
    "\n  mutation Heartbeat($ids: [ID!]!, $client: ClientHealthInput) {\n    heartbeat(ids: $ids, client: $client)\n  }\n": types.HeartbeatDocument,
    "\n  mutation RecordEvents($events: [SessionEventInput!]!) {\n    recordEvents(events: $events) {\n      accepted\n      duplicates\n      rejected {\n        eventId\n        code\n        reason\n        message\n      }\n    }\n  }\n": types.RecordEventsDocument,
    "\n  fragment SessionFields on Session {\n    id\n    type\n    component\n    componentType\n    componentVersion\n    shellType\n    adapters\n    status\n    startedAt\n    endedAt\n    lastSeenAt\n    receivedAt\n    endReceivedAt\n    delayed\n    durationSeconds\n    endReason\n    exitCode\n    captureMode\n    actor\n    username\n    hostname\n    pid\n    environment\n    metadata\n    commandCount\n    errorCount\n    eventCount\n    completeness\n    chained\n    brokenSeq\n    lastSeq\n    reason {\n      text\n      ticketRef\n    }\n    actorKind\n    actorKindSource\n    delegatedBy\n  }\n": types.SessionFieldsFragmentDoc,
    "\n  fragment SessionEventFields on SessionEvent {\n    id\n    sessionId\n    seq\n    kind\n    at\n    text\n    textHidden\n    durationMs\n    outcome\n    errorClass\n    redactions\n    hashOk\n    completionHash\n  }\n": types.SessionEventFieldsFragmentDoc,
    "\n  query ListSessions($filter: SessionFilter, $first: Int, $after: String) {\n    sessions(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...SessionFields\n        }\n      }\n    }\n  }\n": types.ListSessionsDocument,
    "\n  fragment LegalHoldFields on LegalHold {\n    reason\n    heldBy\n    heldAt\n  }\n": types.LegalHoldFieldsFragmentDoc,
    "\n  query SessionViewers($id: ID!) {\n    session(id: $id) {\n      viewedBy {\n        subject\n        events\n        reads\n        lastAt\n      }\n    }\n  }\n": types.SessionViewersDocument,
    "\n  query ShowSession($id: ID!, $first: Int, $after: String) {\n    session(id: $id) {\n      ...SessionFields\n      clientHealth\n      legalHold {\n        ...LegalHoldFields\n      }\n      ...SessionReviewFields\n      missingSeqRanges {\n        from\n        to\n      }\n      events(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            ...SessionEventFields\n            payload\n          }\n        }\n      }\n    }\n  }\n": types.ShowSessionDocument,
    "\n  query ActiveSessions($component: String) {\n    activeSessions(component: $component) {\n      ...SessionFields\n    }\n  }\n": types.ActiveSessionsDocument,
    "\n  subscription WatchStarted($component: String, $after: DateTime) {\n    sessionStarted(component: $component, after: $after) {\n      ...SessionFields\n    }\n  }\n": types.WatchStartedDocument,
    "\n  subscription WatchEnded($component: String, $after: DateTime) {\n    sessionEnded(component: $component, after: $after) {\n      ...SessionFields\n    }\n  }\n": types.WatchEndedDocument,
    "\n  subscription WatchEvents($sessionId: ID!, $afterSeq: Int) {\n    sessionEvents(sessionId: $sessionId, afterSeq: $afterSeq) {\n      ...SessionEventFields\n    }\n  }\n": types.WatchEventsDocument,
    "\n  subscription LiveEvents($component: String) {\n    liveEvents(component: $component) {\n      ...SessionEventFields\n    }\n  }\n": types.LiveEventsDocument,
    "\n  query SessionEventsAfter($id: ID!, $afterSeq: Int) {\n    session(id: $id) {\n      id\n      component\n      events(first: 1000, afterSeq: $afterSeq) {\n        edges {\n          node {\n            ...SessionEventFields\n          }\n        }\n      }\n    }\n  }\n": types.SessionEventsAfterDocument,
    "\n  query Stats($days: Int) {\n    sessionStats(days: $days) {\n      component\n      totalSessions\n      activeSessions\n      endedSessions\n      failedSessions\n      avgDurationSeconds\n      p95DurationSeconds\n      errorRate\n    }\n    mostActiveComponents(days: $days, limit: 1000) {\n      component\n      totalDurationSeconds\n      qualityScore\n      lastActiveAt\n    }\n    sessionErrorRate(days: $days) {\n      component\n      mostCommonError\n    }\n    byActorKind: aggregateSessions(groupBy: [ACTOR_KIND], days: $days) {\n      key\n      count\n      failedSessions\n      avgDurationSeconds\n    }\n  }\n": types.StatsDocument,
    "\n  query SessionQuality($days: Int, $component: String) {\n    sessionQuality(days: $days, component: $component) {\n      component\n      totalSessions\n      activeSessions\n      finishedSessions\n      cleanEndRate\n      abandonedRate\n      delayedRate\n      qualityScore\n    }\n  }\n": types.SessionQualityDocument,
    "\n  query RecentEvents($component: String, $type: String, $kind: String, $outcome: CommandOutcome, $limit: Int) {\n    recentEvents(component: $component, type: $type, kind: $kind, outcome: $outcome, limit: $limit) {\n      id\n      sessionId\n      seq\n      kind\n      at\n      text\n      durationMs\n      outcome\n      errorClass\n      payload\n    }\n  }\n": types.RecentEventsDocument,
    "\n  query Aggregate($groupBy: [AggregateKey!]!, $filter: SessionFilter, $limit: Int) {\n    aggregateSessions(groupBy: $groupBy, filter: $filter, limit: $limit) {\n      key\n      count\n      avgDurationSeconds\n      errorCount\n      failedSessions\n    }\n  }\n": types.AggregateDocument,
    "\n  query Search($query: String!, $index: SearchIndex, $limit: Int) {\n    searchSessions(query: $query, index: $index, limit: $limit) {\n      sessionId\n      eventId\n      index\n      score\n      snippet\n      at\n    }\n  }\n": types.SearchDocument,
    "\n  query Detect($metric: String!, $threshold: Float, $windowSeconds: Int, $component: String) {\n    detectAnomalies(metric: $metric, threshold: $threshold, windowSeconds: $windowSeconds, component: $component) {\n      metric\n      at\n      value\n      baseline\n      score\n      component\n      sessionId\n      reason\n    }\n  }\n": types.DetectDocument,
    "\n  query Graph($query: String, $nodeType: String, $depth: Int) {\n    sessionGraph(query: $query, nodeType: $nodeType, depth: $depth) {\n      depth\n      truncated\n      maxNodes\n      nodes {\n        id\n        type\n        label\n        weight\n        depth\n      }\n      edges {\n        source\n        target\n        type\n        weight\n      }\n    }\n  }\n": types.GraphDocument,
    "\n  query Trends($metric: String!, $windowSeconds: Int!, $granularitySeconds: Int!, $component: String) {\n    sessionTrends(\n      metric: $metric\n      windowSeconds: $windowSeconds\n      granularitySeconds: $granularitySeconds\n      component: $component\n    ) {\n      metric\n      direction\n      slope\n      points {\n        bucketStart\n        value\n      }\n    }\n  }\n": types.TrendsDocument,
    "\n  query Insights($days: Int) {\n    mostActiveComponents(days: $days, limit: 50) {\n      component\n      sessionCount\n      totalDurationSeconds\n      qualityScore\n      lastActiveAt\n    }\n    aggregateSessions(groupBy: [ACTOR], limit: 5) {\n      key\n      count\n    }\n    sessionErrorRate(days: $days) {\n      component\n      totalSessions\n      failedSessions\n      errorRate\n      mostCommonError\n    }\n  }\n": types.InsightsDocument,
    "\n  fragment SessionSummaryFields on Session {\n    id\n    type\n    component\n    status\n    actor\n    actorKind\n    actorKindSource\n    delegatedBy\n    username\n    hostname\n    startedAt\n    endedAt\n    durationSeconds\n    endReason\n    exitCode\n    commandCount\n    errorCount\n    completeness\n  }\n": types.SessionSummaryFieldsFragmentDoc,
    "\n  query DashboardProbe {\n    activeSessions {\n      id\n    }\n  }\n": types.DashboardProbeDocument,
    "\n  query DashboardActive {\n    activeSessions {\n      ...SessionSummaryFields\n    }\n  }\n": types.DashboardActiveDocument,
    "\n  query DashboardRecentEnded($first: Int!) {\n    ended: sessions(filter: { status: ENDED }, first: $first) {\n      edges {\n        node {\n          ...SessionSummaryFields\n        }\n      }\n    }\n    abandoned: sessions(filter: { status: ABANDONED }, first: $first) {\n      edges {\n        node {\n          ...SessionSummaryFields\n        }\n      }\n    }\n  }\n": types.DashboardRecentEndedDocument,
    "\n  query DashboardStartedSince($after: DateTime!, $first: Int!, $cursor: String) {\n    sessions(filter: { startedAfter: $after }, first: $first, after: $cursor) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          component\n          status\n          startedAt\n          durationSeconds\n        }\n      }\n    }\n  }\n": types.DashboardStartedSinceDocument,
    "\n  query DashboardSession($id: ID!, $first: Int!, $after: String) {\n    session(id: $id) {\n      ...SessionFields\n      legalHold {\n        ...LegalHoldFields\n      }\n      events(first: $first, after: $after) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            ...SessionEventFields\n          }\n        }\n      }\n    }\n  }\n": types.DashboardSessionDocument,
    "\n  subscription DashboardActiveCount($component: String, $after: DateTime) {\n    activeSessionCount(component: $component, after: $after)\n  }\n": types.DashboardActiveCountDocument,
    "\n  fragment DashboardAnomalyFields on Anomaly {\n    metric\n    at\n    component\n    sessionId\n    value\n    baseline\n    score\n    reason\n  }\n": types.DashboardAnomalyFieldsFragmentDoc,
    "\n  query DashboardAnomalies($windowSeconds: Int!, $limit: Int!) {\n    sessionDuration: detectAnomalies(metric: \"session_duration\", windowSeconds: $windowSeconds, limit: $limit) {\n      ...DashboardAnomalyFields\n    }\n    commandsPerSession: detectAnomalies(\n      metric: \"commands_per_session\"\n      windowSeconds: $windowSeconds\n      limit: $limit\n    ) {\n      ...DashboardAnomalyFields\n    }\n    sessionsPerHour: detectAnomalies(metric: \"sessions_per_hour\", windowSeconds: $windowSeconds, limit: $limit) {\n      ...DashboardAnomalyFields\n    }\n    errorRate: detectAnomalies(metric: \"error_rate\", windowSeconds: $windowSeconds, limit: $limit) {\n      ...DashboardAnomalyFields\n    }\n  }\n": types.DashboardAnomaliesDocument,
    "\n  mutation DashboardHoldSession($id: ID!, $reason: String!) {\n    holdSession(id: $id, reason: $reason) {\n      ...LegalHoldFields\n    }\n  }\n": types.DashboardHoldSessionDocument,
    "\n  mutation DashboardReleaseHold($id: ID!) {\n    releaseHold(id: $id) {\n      releasedAt\n    }\n  }\n": types.DashboardReleaseHoldDocument,
    "\n  query DashboardSessionHold($id: ID!) {\n    session(id: $id) {\n      legalHold {\n        ...LegalHoldFields\n      }\n    }\n  }\n": types.DashboardSessionHoldDocument,
    "\n  subscription DashboardReviewQueueChanged($component: String) {\n    reviewQueueChanged(component: $component) {\n      sessionId\n      component\n      change\n      verdict\n      reviewer\n      at\n    }\n  }\n": types.DashboardReviewQueueChangedDocument,
    "\n  mutation TestStartSession($input: StartSessionInput!) {\n    startSession(input: $input) {\n      ...SessionFields\n    }\n  }\n": types.TestStartSessionDocument,
    "\n  mutation TestEndSession($input: EndSessionInput!) {\n    endSession(input: $input) {\n      ...SessionFields\n    }\n  }\n": types.TestEndSessionDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SessionComponent($id: ID!) {\n    session(id: $id) {\n      id\n      component\n    }\n  }\n"): typeof import('./graphql.js').SessionComponentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SessionsByRef($ref: String!, $first: Int!) {\n    sessions(filter: { idRef: $ref }, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          component\n          status\n          startedAt\n          actor\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.js').SessionsByRefDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CliSearch($query: String!, $index: SearchIndex, $limit: Int, $filter: SessionFilter) {\n    searchSessions(query: $query, index: $index, limit: $limit, filter: $filter) {\n      index\n      sessionId\n      eventId\n      score\n      snippet\n      at\n      session {\n        id\n        component\n        actor\n        hostname\n        status\n        startedAt\n      }\n    }\n  }\n"): typeof import('./graphql.js').CliSearchDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PurgeSessions($before: DateTime!, $component: String, $dryRun: Boolean!) {\n    purgeSessions(before: $before, component: $component, dryRun: $dryRun) {\n      dryRun\n      cutoff\n      clamped\n      minDays\n      component\n      count\n      events\n      held\n      unsigned\n      active\n      sessions {\n        id\n        component\n        actor\n        status\n        startedAt\n        endedAt\n        events\n      }\n    }\n  }\n"): typeof import('./graphql.js').PurgeSessionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation HoldSession($id: ID!, $reason: String!) {\n    holdSession(id: $id, reason: $reason) {\n      sessionId\n      ...LegalHoldFields\n    }\n  }\n"): typeof import('./graphql.js').HoldSessionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReleaseHold($id: ID!) {\n    releaseHold(id: $id) {\n      sessionId\n      ...LegalHoldFields\n      releasedBy\n      releasedAt\n    }\n  }\n"): typeof import('./graphql.js').ReleaseHoldDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionReviewFields on Session {\n    sensitive\n    sensitivePeriods {\n      reason\n      ticketRef\n      beganAt\n      endedAt\n      beginSeq\n      endSeq\n      endedBy\n    }\n    reviewCauses\n    reviews {\n      verdict\n      note\n      reviewer\n      reviewedAt\n    }\n  }\n"): typeof import('./graphql.js').SessionReviewFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PendingReviews($component: String, $first: Int, $after: String) {\n    pendingReviews(component: $component, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          component\n          actor\n          actorKind\n          hostname\n          status\n          startedAt\n          endedAt\n          commandCount\n          errorCount\n          reason {\n            text\n            ticketRef\n          }\n          ...SessionReviewFields\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.js').PendingReviewsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReviewSession($id: ID!, $verdict: ReviewVerdict!, $note: String) {\n    reviewSession(id: $id, verdict: $verdict, note: $note) {\n      id\n      sessionId\n      verdict\n      note\n      reviewer\n      reviewedAt\n    }\n  }\n"): typeof import('./graphql.js').ReviewSessionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SessionReview($id: ID!) {\n    session(id: $id) {\n      id\n      component\n      actor\n      status\n      startedAt\n      endedAt\n      ...SessionReviewFields\n    }\n  }\n"): typeof import('./graphql.js').SessionReviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AlertDeliveries($filter: AlertDeliveryFilter, $first: Int, $after: String) {\n    alertDeliveries(filter: $filter, first: $first, after: $after) {\n      hasNextPage\n      endCursor\n      deliveries {\n        id\n        eventId\n        kind\n        target\n        sessionId\n        component\n        status\n        attempts\n        nextAttemptAt\n        lastStatus\n        lastError\n        createdAt\n        deliveredAt\n      }\n    }\n  }\n"): typeof import('./graphql.js').AlertDeliveriesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartSession($input: StartSessionInput!) {\n    startSession(input: $input) {\n      id\n      status\n      startedAt\n    }\n  }\n"): typeof import('./graphql.js').StartSessionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EndSession($input: EndSessionInput!) {\n    endSession(input: $input) {\n      id\n      status\n      endedAt\n      endReason\n    }\n  }\n"): typeof import('./graphql.js').EndSessionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Heartbeat($ids: [ID!]!, $client: ClientHealthInput) {\n    heartbeat(ids: $ids, client: $client)\n  }\n"): typeof import('./graphql.js').HeartbeatDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordEvents($events: [SessionEventInput!]!) {\n    recordEvents(events: $events) {\n      accepted\n      duplicates\n      rejected {\n        eventId\n        code\n        reason\n        message\n      }\n    }\n  }\n"): typeof import('./graphql.js').RecordEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionFields on Session {\n    id\n    type\n    component\n    componentType\n    componentVersion\n    shellType\n    adapters\n    status\n    startedAt\n    endedAt\n    lastSeenAt\n    receivedAt\n    endReceivedAt\n    delayed\n    durationSeconds\n    endReason\n    exitCode\n    captureMode\n    actor\n    username\n    hostname\n    pid\n    environment\n    metadata\n    commandCount\n    errorCount\n    eventCount\n    completeness\n    chained\n    brokenSeq\n    lastSeq\n    reason {\n      text\n      ticketRef\n    }\n    actorKind\n    actorKindSource\n    delegatedBy\n  }\n"): typeof import('./graphql.js').SessionFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionEventFields on SessionEvent {\n    id\n    sessionId\n    seq\n    kind\n    at\n    text\n    textHidden\n    durationMs\n    outcome\n    errorClass\n    redactions\n    hashOk\n    completionHash\n  }\n"): typeof import('./graphql.js').SessionEventFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListSessions($filter: SessionFilter, $first: Int, $after: String) {\n    sessions(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...SessionFields\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.js').ListSessionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LegalHoldFields on LegalHold {\n    reason\n    heldBy\n    heldAt\n  }\n"): typeof import('./graphql.js').LegalHoldFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SessionViewers($id: ID!) {\n    session(id: $id) {\n      viewedBy {\n        subject\n        events\n        reads\n        lastAt\n      }\n    }\n  }\n"): typeof import('./graphql.js').SessionViewersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ShowSession($id: ID!, $first: Int, $after: String) {\n    session(id: $id) {\n      ...SessionFields\n      clientHealth\n      legalHold {\n        ...LegalHoldFields\n      }\n      ...SessionReviewFields\n      missingSeqRanges {\n        from\n        to\n      }\n      events(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            ...SessionEventFields\n            payload\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.js').ShowSessionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ActiveSessions($component: String) {\n    activeSessions(component: $component) {\n      ...SessionFields\n    }\n  }\n"): typeof import('./graphql.js').ActiveSessionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WatchStarted($component: String, $after: DateTime) {\n    sessionStarted(component: $component, after: $after) {\n      ...SessionFields\n    }\n  }\n"): typeof import('./graphql.js').WatchStartedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WatchEnded($component: String, $after: DateTime) {\n    sessionEnded(component: $component, after: $after) {\n      ...SessionFields\n    }\n  }\n"): typeof import('./graphql.js').WatchEndedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WatchEvents($sessionId: ID!, $afterSeq: Int) {\n    sessionEvents(sessionId: $sessionId, afterSeq: $afterSeq) {\n      ...SessionEventFields\n    }\n  }\n"): typeof import('./graphql.js').WatchEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveEvents($component: String) {\n    liveEvents(component: $component) {\n      ...SessionEventFields\n    }\n  }\n"): typeof import('./graphql.js').LiveEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SessionEventsAfter($id: ID!, $afterSeq: Int) {\n    session(id: $id) {\n      id\n      component\n      events(first: 1000, afterSeq: $afterSeq) {\n        edges {\n          node {\n            ...SessionEventFields\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.js').SessionEventsAfterDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Stats($days: Int) {\n    sessionStats(days: $days) {\n      component\n      totalSessions\n      activeSessions\n      endedSessions\n      failedSessions\n      avgDurationSeconds\n      p95DurationSeconds\n      errorRate\n    }\n    mostActiveComponents(days: $days, limit: 1000) {\n      component\n      totalDurationSeconds\n      qualityScore\n      lastActiveAt\n    }\n    sessionErrorRate(days: $days) {\n      component\n      mostCommonError\n    }\n    byActorKind: aggregateSessions(groupBy: [ACTOR_KIND], days: $days) {\n      key\n      count\n      failedSessions\n      avgDurationSeconds\n    }\n  }\n"): typeof import('./graphql.js').StatsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SessionQuality($days: Int, $component: String) {\n    sessionQuality(days: $days, component: $component) {\n      component\n      totalSessions\n      activeSessions\n      finishedSessions\n      cleanEndRate\n      abandonedRate\n      delayedRate\n      qualityScore\n    }\n  }\n"): typeof import('./graphql.js').SessionQualityDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RecentEvents($component: String, $type: String, $kind: String, $outcome: CommandOutcome, $limit: Int) {\n    recentEvents(component: $component, type: $type, kind: $kind, outcome: $outcome, limit: $limit) {\n      id\n      sessionId\n      seq\n      kind\n      at\n      text\n      durationMs\n      outcome\n      errorClass\n      payload\n    }\n  }\n"): typeof import('./graphql.js').RecentEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Aggregate($groupBy: [AggregateKey!]!, $filter: SessionFilter, $limit: Int) {\n    aggregateSessions(groupBy: $groupBy, filter: $filter, limit: $limit) {\n      key\n      count\n      avgDurationSeconds\n      errorCount\n      failedSessions\n    }\n  }\n"): typeof import('./graphql.js').AggregateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Search($query: String!, $index: SearchIndex, $limit: Int) {\n    searchSessions(query: $query, index: $index, limit: $limit) {\n      sessionId\n      eventId\n      index\n      score\n      snippet\n      at\n    }\n  }\n"): typeof import('./graphql.js').SearchDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Detect($metric: String!, $threshold: Float, $windowSeconds: Int, $component: String) {\n    detectAnomalies(metric: $metric, threshold: $threshold, windowSeconds: $windowSeconds, component: $component) {\n      metric\n      at\n      value\n      baseline\n      score\n      component\n      sessionId\n      reason\n    }\n  }\n"): typeof import('./graphql.js').DetectDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Graph($query: String, $nodeType: String, $depth: Int) {\n    sessionGraph(query: $query, nodeType: $nodeType, depth: $depth) {\n      depth\n      truncated\n      maxNodes\n      nodes {\n        id\n        type\n        label\n        weight\n        depth\n      }\n      edges {\n        source\n        target\n        type\n        weight\n      }\n    }\n  }\n"): typeof import('./graphql.js').GraphDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Trends($metric: String!, $windowSeconds: Int!, $granularitySeconds: Int!, $component: String) {\n    sessionTrends(\n      metric: $metric\n      windowSeconds: $windowSeconds\n      granularitySeconds: $granularitySeconds\n      component: $component\n    ) {\n      metric\n      direction\n      slope\n      points {\n        bucketStart\n        value\n      }\n    }\n  }\n"): typeof import('./graphql.js').TrendsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Insights($days: Int) {\n    mostActiveComponents(days: $days, limit: 50) {\n      component\n      sessionCount\n      totalDurationSeconds\n      qualityScore\n      lastActiveAt\n    }\n    aggregateSessions(groupBy: [ACTOR], limit: 5) {\n      key\n      count\n    }\n    sessionErrorRate(days: $days) {\n      component\n      totalSessions\n      failedSessions\n      errorRate\n      mostCommonError\n    }\n  }\n"): typeof import('./graphql.js').InsightsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionSummaryFields on Session {\n    id\n    type\n    component\n    status\n    actor\n    actorKind\n    actorKindSource\n    delegatedBy\n    username\n    hostname\n    startedAt\n    endedAt\n    durationSeconds\n    endReason\n    exitCode\n    commandCount\n    errorCount\n    completeness\n  }\n"): typeof import('./graphql.js').SessionSummaryFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardProbe {\n    activeSessions {\n      id\n    }\n  }\n"): typeof import('./graphql.js').DashboardProbeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardActive {\n    activeSessions {\n      ...SessionSummaryFields\n    }\n  }\n"): typeof import('./graphql.js').DashboardActiveDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardRecentEnded($first: Int!) {\n    ended: sessions(filter: { status: ENDED }, first: $first) {\n      edges {\n        node {\n          ...SessionSummaryFields\n        }\n      }\n    }\n    abandoned: sessions(filter: { status: ABANDONED }, first: $first) {\n      edges {\n        node {\n          ...SessionSummaryFields\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.js').DashboardRecentEndedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardStartedSince($after: DateTime!, $first: Int!, $cursor: String) {\n    sessions(filter: { startedAfter: $after }, first: $first, after: $cursor) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          component\n          status\n          startedAt\n          durationSeconds\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.js').DashboardStartedSinceDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardSession($id: ID!, $first: Int!, $after: String) {\n    session(id: $id) {\n      ...SessionFields\n      legalHold {\n        ...LegalHoldFields\n      }\n      events(first: $first, after: $after) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            ...SessionEventFields\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.js').DashboardSessionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardActiveCount($component: String, $after: DateTime) {\n    activeSessionCount(component: $component, after: $after)\n  }\n"): typeof import('./graphql.js').DashboardActiveCountDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DashboardAnomalyFields on Anomaly {\n    metric\n    at\n    component\n    sessionId\n    value\n    baseline\n    score\n    reason\n  }\n"): typeof import('./graphql.js').DashboardAnomalyFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardAnomalies($windowSeconds: Int!, $limit: Int!) {\n    sessionDuration: detectAnomalies(metric: \"session_duration\", windowSeconds: $windowSeconds, limit: $limit) {\n      ...DashboardAnomalyFields\n    }\n    commandsPerSession: detectAnomalies(\n      metric: \"commands_per_session\"\n      windowSeconds: $windowSeconds\n      limit: $limit\n    ) {\n      ...DashboardAnomalyFields\n    }\n    sessionsPerHour: detectAnomalies(metric: \"sessions_per_hour\", windowSeconds: $windowSeconds, limit: $limit) {\n      ...DashboardAnomalyFields\n    }\n    errorRate: detectAnomalies(metric: \"error_rate\", windowSeconds: $windowSeconds, limit: $limit) {\n      ...DashboardAnomalyFields\n    }\n  }\n"): typeof import('./graphql.js').DashboardAnomaliesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardHoldSession($id: ID!, $reason: String!) {\n    holdSession(id: $id, reason: $reason) {\n      ...LegalHoldFields\n    }\n  }\n"): typeof import('./graphql.js').DashboardHoldSessionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardReleaseHold($id: ID!) {\n    releaseHold(id: $id) {\n      releasedAt\n    }\n  }\n"): typeof import('./graphql.js').DashboardReleaseHoldDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardSessionHold($id: ID!) {\n    session(id: $id) {\n      legalHold {\n        ...LegalHoldFields\n      }\n    }\n  }\n"): typeof import('./graphql.js').DashboardSessionHoldDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardReviewQueueChanged($component: String) {\n    reviewQueueChanged(component: $component) {\n      sessionId\n      component\n      change\n      verdict\n      reviewer\n      at\n    }\n  }\n"): typeof import('./graphql.js').DashboardReviewQueueChangedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TestStartSession($input: StartSessionInput!) {\n    startSession(input: $input) {\n      ...SessionFields\n    }\n  }\n"): typeof import('./graphql.js').TestStartSessionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TestEndSession($input: EndSessionInput!) {\n    endSession(input: $input) {\n      ...SessionFields\n    }\n  }\n"): typeof import('./graphql.js').TestEndSessionDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
