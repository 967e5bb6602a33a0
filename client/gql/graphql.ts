/* eslint-disable */
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar. */
  DateTime: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf). */
  JSON: { input: unknown; output: unknown; }
};

/** DAY and HOUR are UTC. */
export type AggregateKey =
  | 'ACTOR'
  | 'COMPONENT'
  | 'DAY'
  | 'HOSTNAME'
  | 'HOUR'
  | 'STATUS'
  | 'TYPE';

export type AggregateRow = {
  __typename?: 'AggregateRow';
  avgDurationSeconds?: Maybe<Scalars['Float']['output']>;
  count: Scalars['Int']['output'];
  /** Events with outcome error (sum of errorCount). */
  errorCount: Scalars['Int']['output'];
  failedSessions: Scalars['Int']['output'];
  /** The group, e.g. { "component": "akosha", "day": "2026-11-24" }. */
  key: Scalars['JSON']['output'];
};

export type Anomaly = {
  __typename?: 'Anomaly';
  /** Session start, or the start of the hour. */
  at: Scalars['DateTime']['output'];
  /** Median of the metric's baseline, same unit. */
  baseline: Scalars['Float']['output'];
  component: Scalars['String']['output'];
  metric: Scalars['String']['output'];
  reason: Scalars['String']['output'];
  /** Sessions in the hour, or baseline observations for per-session metrics. */
  sampleSize?: Maybe<Scalars['Int']['output']>;
  /** Robust (modified) z-score; negative below the baseline. */
  score: Scalars['Float']['output'];
  sessionId?: Maybe<Scalars['ID']['output']>;
  value: Scalars['Float']['output'];
};

export type CaptureMode =
  | 'BUFFERED'
  | 'STRICT';

export type ClientHealthInput = {
  breaker?: InputMaybe<Scalars['String']['input']>;
  dropped?: InputMaybe<Scalars['Int']['input']>;
  journalDepth?: InputMaybe<Scalars['Int']['input']>;
  oldestPendingSeconds?: InputMaybe<Scalars['Float']['input']>;
};

export type CommandOutcome =
  | 'error'
  | 'ok';

/** Mean duration of a component's finished sessions in the window. */
export type ComponentDuration = {
  __typename?: 'ComponentDuration';
  avgDurationSeconds: Scalars['Float']['output'];
  component: Scalars['String']['output'];
  /** Finished sessions averaged. */
  sessionCount: Scalars['Int']['output'];
};

/** A component's failures in the window. */
export type ComponentErrorRate = {
  __typename?: 'ComponentErrorRate';
  component: Scalars['String']['output'];
  errorRate: Scalars['Float']['output'];
  failedSessions: Scalars['Int']['output'];
  /** Most frequent errorClass among the events of those sessions (ties: alphabetical). */
  mostCommonError?: Maybe<Scalars['String']['output']>;
  totalSessions: Scalars['Int']['output'];
};

/** How a component's sessions ended over a window. */
export type ComponentQuality = {
  __typename?: 'ComponentQuality';
  abandonedRate?: Maybe<Scalars['Float']['output']>;
  activeSessions: Scalars['Int']['output'];
  /** Share (0–1) of finished sessions that ended with EXIT; null when none finished. */
  cleanEndRate?: Maybe<Scalars['Float']['output']>;
  component: Scalars['String']['output'];
  /** Share (0–1) of sessions flagged delayed. */
  delayedRate: Scalars['Float']['output'];
  finishedSessions: Scalars['Int']['output'];
  /** 0–100: finished sessions that ended cleanly with no sequence gap. */
  qualityScore?: Maybe<Scalars['Float']['output']>;
  totalSessions: Scalars['Int']['output'];
};

/** A component's sessions started in the window. */
export type ComponentStats = {
  __typename?: 'ComponentStats';
  /** Of those, still ACTIVE. */
  activeSessions: Scalars['Int']['output'];
  /** Mean duration of the finished ones; null when none finished. */
  avgDurationSeconds?: Maybe<Scalars['Float']['output']>;
  component: Scalars['String']['output'];
  /** Of those, ENDED or ABANDONED. */
  endedSessions: Scalars['Int']['output'];
  /** failedSessions / totalSessions (0–1). */
  errorRate: Scalars['Float']['output'];
  /** Of those, ABANDONED or ended with ERROR. */
  failedSessions: Scalars['Int']['output'];
  /** 95th percentile (continuous) of the finished ones' durations. */
  p95DurationSeconds?: Maybe<Scalars['Float']['output']>;
  totalSessions: Scalars['Int']['output'];
};

/** How much a component was used in the window. */
export type ComponentUsage = {
  __typename?: 'ComponentUsage';
  component: Scalars['String']['output'];
  /** Latest end (or heartbeat, for active sessions) among the window's sessions. */
  lastActiveAt: Scalars['DateTime']['output'];
  /** 0–100: share of finished sessions that ended cleanly (EXIT) with no sequence gap, as session_quality_score; null when none finished. */
  qualityScore?: Maybe<Scalars['Float']['output']>;
  sessionCount: Scalars['Int']['output'];
  /** Sum of the finished sessions' durations. */
  totalDurationSeconds: Scalars['Float']['output'];
};

export type EndReason =
  | 'ABANDONED'
  | 'ERROR'
  | 'EXIT'
  | 'SIGHUP'
  | 'SIGINT'
  | 'SIGTERM';

export type EndSessionInput = {
  endReason?: InputMaybe<EndReason>;
  endedAt?: InputMaybe<Scalars['DateTime']['input']>;
  exitCode?: InputMaybe<Scalars['Int']['input']>;
  id: Scalars['ID']['input'];
  metadata?: InputMaybe<Scalars['JSON']['input']>;
};

export type ExportFormat =
  | 'CSV'
  | 'NDJSON';

export type GraphEdge = {
  __typename?: 'GraphEdge';
  source: Scalars['ID']['output'];
  target: Scalars['ID']['output'];
  type: Scalars['String']['output'];
  /** Sessions the two share (1 for a session's own edges). */
  weight: Scalars['Float']['output'];
};

export type GraphNode = {
  __typename?: 'GraphNode';
  /** Breadth-first distance from the matching nodes. */
  depth: Scalars['Int']['output'];
  /** type:label, e.g. actor:alice or session:<uuid>. */
  id: Scalars['ID']['output'];
  label: Scalars['String']['output'];
  /** actor, component, host or session. */
  type: Scalars['String']['output'];
  /** Sessions in the window; commands for a session. */
  weight: Scalars['Float']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  endSession: Session;
  heartbeat: Scalars['Int']['output'];
  recordEvents: RecordEventsResult;
  startSession: Session;
};


export type MutationEndSessionArgs = {
  input: EndSessionInput;
};


export type MutationHeartbeatArgs = {
  client?: InputMaybe<ClientHealthInput>;
  ids: Array<Scalars['ID']['input']>;
};


export type MutationRecordEventsArgs = {
  events: Array<SessionEventInput>;
};


export type MutationStartSessionArgs = {
  input: StartSessionInput;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  hasPreviousPage: Scalars['Boolean']['output'];
  startCursor?: Maybe<Scalars['String']['output']>;
};

export type Query = {
  __typename?: 'Query';
  activeSessions: Array<Session>;
  /** Sessions matching the filter grouped by the keys, largest groups first. */
  aggregateSessions: Array<AggregateRow>;
  /** Per component, the mean duration of the window's finished sessions. */
  averageSessionDuration: Array<ComponentDuration>;
  /** Outliers by robust z-score against the metric's own baseline (metrics: session_duration, sessions_per_hour, error_rate, commands_per_session; threshold default 3.5; window default 86400 s). */
  detectAnomalies: Array<Anomaly>;
  /** Sessions matching the filter, oldest first, as NDJSON or CSV; at most 10000 (default 1000). Stream larger exports from GET /export/sessions.ndjson or .csv. */
  exportSessions: Scalars['String']['output'];
  /** Components by sessions started in the window, busiest first. */
  mostActiveComponents: Array<ComponentUsage>;
  /** Events across sessions, newest first, e.g. failed workflow steps: kind workflow_step, outcome error. */
  recentEvents: Array<SessionEvent>;
  /** Full-text search (web-search syntax: words, "phrases", or, -not) over sessions (identity and metadata) and command text, best first. Command hits need audit:read; without it ALL searches sessions only. */
  searchSessions: Array<SearchHit>;
  session?: Maybe<Session>;
  /** Per component, the failed share of the window's sessions, highest first. */
  sessionErrorRate: Array<ComponentErrorRate>;
  /** Actors, components, hosts and sessions of the last `days`, breadth-first from the nodes matching `query` to `depth`, at most `maxNodes`. */
  sessionGraph: SessionGraph;
  sessionQuality: Array<ComponentQuality>;
  /** Per component, the sessions started in the last `days` × 24 h (by component). */
  sessionStats: Array<ComponentStats>;
  /** A metric (sessions, avg_duration, error_rate, commands) per bucket over the window, empty buckets 0, with its direction. */
  sessionTrends: Trend;
  sessions: SessionConnection;
  /** Sessions started in [start, end), oldest first. */
  sessionsByTimeRange: Array<Session>;
};


export type QueryActiveSessionsArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
};


export type QueryAggregateSessionsArgs = {
  filter?: InputMaybe<SessionFilter>;
  groupBy: Array<AggregateKey>;
  limit?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryAverageSessionDurationArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
  days?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryDetectAnomaliesArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
  limit?: InputMaybe<Scalars['Int']['input']>;
  metric: Scalars['String']['input'];
  threshold?: InputMaybe<Scalars['Float']['input']>;
  windowSeconds?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryExportSessionsArgs = {
  filter?: InputMaybe<SessionFilter>;
  format?: InputMaybe<ExportFormat>;
  limit?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryMostActiveComponentsArgs = {
  days?: InputMaybe<Scalars['Int']['input']>;
  limit?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryRecentEventsArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
  kind?: InputMaybe<Scalars['String']['input']>;
  limit?: InputMaybe<Scalars['Int']['input']>;
  outcome?: InputMaybe<CommandOutcome>;
  type?: InputMaybe<Scalars['String']['input']>;
};


export type QuerySearchSessionsArgs = {
  index?: InputMaybe<SearchIndex>;
  limit?: InputMaybe<Scalars['Int']['input']>;
  query: Scalars['String']['input'];
};


export type QuerySessionArgs = {
  id: Scalars['ID']['input'];
};


export type QuerySessionErrorRateArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
  days?: InputMaybe<Scalars['Int']['input']>;
};


export type QuerySessionGraphArgs = {
  days?: InputMaybe<Scalars['Int']['input']>;
  depth?: InputMaybe<Scalars['Int']['input']>;
  maxNodes?: InputMaybe<Scalars['Int']['input']>;
  nodeType?: InputMaybe<Scalars['String']['input']>;
  query?: InputMaybe<Scalars['String']['input']>;
};


export type QuerySessionQualityArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
  days?: InputMaybe<Scalars['Int']['input']>;
};


export type QuerySessionStatsArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
  days?: InputMaybe<Scalars['Int']['input']>;
};


export type QuerySessionTrendsArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
  granularitySeconds: Scalars['Int']['input'];
  metric: Scalars['String']['input'];
  windowSeconds: Scalars['Int']['input'];
};


export type QuerySessionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<SessionFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QuerySessionsByTimeRangeArgs = {
  end: Scalars['DateTime']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  start: Scalars['DateTime']['input'];
};

export type RecordEventsResult = {
  __typename?: 'RecordEventsResult';
  accepted: Scalars['Int']['output'];
  duplicates: Scalars['Int']['output'];
  rejected: Array<RejectedEvent>;
};

/** An event the service refused; switch on code and reason, the message is for people. */
export type RejectedEvent = {
  __typename?: 'RejectedEvent';
  /** One of the service's error codes, e.g. NOT_FOUND. */
  code: Scalars['String']['output'];
  eventId: Scalars['ID']['output'];
  message: Scalars['String']['output'];
  /** For FORBIDDEN: TOKEN_COMPONENTS (the token) or NOT_OWNER (the session); else null. */
  reason?: Maybe<Scalars['String']['output']>;
};

export type SearchHit = {
  __typename?: 'SearchHit';
  at: Scalars['DateTime']['output'];
  /** Set for command (event text) hits. */
  eventId?: Maybe<Scalars['ID']['output']>;
  index: SearchIndex;
  /** ts_rank of the match. */
  score: Scalars['Float']['output'];
  sessionId: Scalars['ID']['output'];
  /** The matching text, terms marked «like this». */
  snippet: Scalars['String']['output'];
};

export type SearchIndex =
  | 'ALL'
  | 'COMMANDS'
  | 'SESSIONS';

/** One session of a producer (an admin shell, a workflow run, a CLI run). */
export type Session = {
  __typename?: 'Session';
  /** The token's subject; never taken from the request body. */
  actor: Scalars['String']['output'];
  adapters: Array<Scalars['String']['output']>;
  captureMode: CaptureMode;
  clientHealth?: Maybe<Scalars['JSON']['output']>;
  commandCount: Scalars['Int']['output'];
  component: Scalars['String']['output'];
  componentType?: Maybe<Scalars['String']['output']>;
  componentVersion?: Maybe<Scalars['String']['output']>;
  delayed: Scalars['Boolean']['output'];
  /** endedAt − startedAt (capture times) once the session has ended; null while active. */
  durationSeconds?: Maybe<Scalars['Float']['output']>;
  endReason?: Maybe<EndReason>;
  /** When the service learned of the end (or abandoned the session). */
  endReceivedAt?: Maybe<Scalars['DateTime']['output']>;
  endedAt?: Maybe<Scalars['DateTime']['output']>;
  environment: Scalars['JSON']['output'];
  errorCount: Scalars['Int']['output'];
  eventCount: Scalars['Int']['output'];
  events: SessionEventConnection;
  exitCode?: Maybe<Scalars['Int']['output']>;
  hostname?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  lastSeenAt: Scalars['DateTime']['output'];
  metadata: Scalars['JSON']['output'];
  pid?: Maybe<Scalars['Int']['output']>;
  receivedAt: Scalars['DateTime']['output'];
  shellType?: Maybe<Scalars['String']['output']>;
  startedAt: Scalars['DateTime']['output'];
  status: SessionStatus;
  type: Scalars['String']['output'];
  username?: Maybe<Scalars['String']['output']>;
};


/** One session of a producer (an admin shell, a workflow run, a CLI run). */
export type SessionEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type SessionConnection = {
  __typename?: 'SessionConnection';
  edges: Array<SessionEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type SessionEdge = {
  __typename?: 'SessionEdge';
  cursor: Scalars['String']['output'];
  node: Session;
};

/** One event of a session; stored once by id, ordered by seq. */
export type SessionEvent = {
  __typename?: 'SessionEvent';
  at: Scalars['DateTime']['output'];
  durationMs?: Maybe<Scalars['Float']['output']>;
  errorClass?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  kind: Scalars['String']['output'];
  outcome?: Maybe<CommandOutcome>;
  payload: Scalars['JSON']['output'];
  receivedAt: Scalars['DateTime']['output'];
  redactions: Scalars['Int']['output'];
  seq: Scalars['Int']['output'];
  sessionId: Scalars['ID']['output'];
  /** Redacted at the source; null unless the token has audit:read. */
  text?: Maybe<Scalars['String']['output']>;
  /** True when the event has text this token may not read. */
  textHidden: Scalars['Boolean']['output'];
};

export type SessionEventConnection = {
  __typename?: 'SessionEventConnection';
  edges: Array<SessionEventEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type SessionEventEdge = {
  __typename?: 'SessionEventEdge';
  cursor: Scalars['String']['output'];
  node: SessionEvent;
};

export type SessionEventInput = {
  at: Scalars['DateTime']['input'];
  durationMs?: InputMaybe<Scalars['Float']['input']>;
  errorClass?: InputMaybe<Scalars['String']['input']>;
  eventId: Scalars['ID']['input'];
  kind: Scalars['String']['input'];
  /** ok or error (a CommandOutcome); anything else rejects this event. */
  outcome?: InputMaybe<Scalars['String']['input']>;
  payload?: InputMaybe<Scalars['JSON']['input']>;
  redactions?: InputMaybe<Scalars['Int']['input']>;
  seq: Scalars['Int']['input'];
  sessionId: Scalars['ID']['input'];
  text?: InputMaybe<Scalars['String']['input']>;
};

export type SessionFilter = {
  actor?: InputMaybe<Scalars['String']['input']>;
  /** Sessions the service saw start or end after this time (catch-up of live feeds). */
  changedAfter?: InputMaybe<Scalars['DateTime']['input']>;
  component?: InputMaybe<Scalars['String']['input']>;
  delayed?: InputMaybe<Scalars['Boolean']['input']>;
  hostname?: InputMaybe<Scalars['String']['input']>;
  minDurationSeconds?: InputMaybe<Scalars['Float']['input']>;
  startedAfter?: InputMaybe<Scalars['DateTime']['input']>;
  startedBefore?: InputMaybe<Scalars['DateTime']['input']>;
  status?: InputMaybe<SessionStatus>;
  type?: InputMaybe<Scalars['String']['input']>;
  username?: InputMaybe<Scalars['String']['input']>;
};

export type SessionGraph = {
  __typename?: 'SessionGraph';
  depth: Scalars['Int']['output'];
  edges: Array<GraphEdge>;
  maxNodes: Scalars['Int']['output'];
  nodes: Array<GraphNode>;
  /** True when maxNodes stopped the search: more nodes were reachable. */
  truncated: Scalars['Boolean']['output'];
};

export type SessionStatus =
  | 'ABANDONED'
  | 'ACTIVE'
  | 'ENDED';

export type StartSessionInput = {
  adapters?: InputMaybe<Array<Scalars['String']['input']>>;
  captureMode?: InputMaybe<CaptureMode>;
  component: Scalars['String']['input'];
  componentType?: InputMaybe<Scalars['String']['input']>;
  componentVersion?: InputMaybe<Scalars['String']['input']>;
  environment?: InputMaybe<Scalars['JSON']['input']>;
  eventId?: InputMaybe<Scalars['ID']['input']>;
  eventVersion?: InputMaybe<Scalars['String']['input']>;
  hostname?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  metadata?: InputMaybe<Scalars['JSON']['input']>;
  pid?: InputMaybe<Scalars['Int']['input']>;
  shellType?: InputMaybe<Scalars['String']['input']>;
  startedAt?: InputMaybe<Scalars['DateTime']['input']>;
  type?: InputMaybe<Scalars['String']['input']>;
  username?: InputMaybe<Scalars['String']['input']>;
};

export type Subscription = {
  __typename?: 'Subscription';
  activeSessionCount: Scalars['Int']['output'];
  /** Every session's events as they arrive (no replay); optionally one component's, or some kinds. */
  liveEvents: SessionEvent;
  /** A session ended, or the reaper abandoned it (and again if a late end corrects an abandon). */
  sessionEnded: Session;
  /** Stored events after afterSeq in seq order, then live ones: no gap, no duplicate. */
  sessionEvents: SessionEvent;
  sessionStarted: Session;
};


export type SubscriptionActiveSessionCountArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
};


export type SubscriptionLiveEventsArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
  kinds?: InputMaybe<Array<Scalars['String']['input']>>;
};


export type SubscriptionSessionEndedArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
  type?: InputMaybe<Scalars['String']['input']>;
};


export type SubscriptionSessionEventsArgs = {
  afterSeq?: InputMaybe<Scalars['Int']['input']>;
  sessionId: Scalars['ID']['input'];
};


export type SubscriptionSessionStartedArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
  type?: InputMaybe<Scalars['String']['input']>;
};

export type Trend = {
  __typename?: 'Trend';
  direction: TrendDirection;
  granularitySeconds: Scalars['Int']['output'];
  metric: Scalars['String']['output'];
  points: Array<TrendPoint>;
  /** Least-squares change of the value per bucket. */
  slope: Scalars['Float']['output'];
  windowStart: Scalars['DateTime']['output'];
};

export type TrendDirection =
  | 'DOWN'
  | 'FLAT'
  | 'UP';

export type TrendPoint = {
  __typename?: 'TrendPoint';
  bucketStart: Scalars['DateTime']['output'];
  /** Sessions started in the bucket. */
  sessions: Scalars['Int']['output'];
  value: Scalars['Float']['output'];
};

export type StartSessionMutationVariables = Exact<{
  input: StartSessionInput;
}>;


export type StartSessionMutation = { __typename?: 'Mutation', startSession: { __typename?: 'Session', id: string, status: SessionStatus, startedAt: string } };

export type EndSessionMutationVariables = Exact<{
  input: EndSessionInput;
}>;


export type EndSessionMutation = { __typename?: 'Mutation', endSession: { __typename?: 'Session', id: string, status: SessionStatus, endedAt?: string | null, endReason?: EndReason | null } };

export type HeartbeatMutationVariables = Exact<{
  ids: Array<Scalars['ID']['input']> | Scalars['ID']['input'];
  client?: InputMaybe<ClientHealthInput>;
}>;


export type HeartbeatMutation = { __typename?: 'Mutation', heartbeat: number };

export type RecordEventsMutationVariables = Exact<{
  events: Array<SessionEventInput> | SessionEventInput;
}>;


export type RecordEventsMutation = { __typename?: 'Mutation', recordEvents: { __typename?: 'RecordEventsResult', accepted: number, duplicates: number, rejected: Array<{ __typename?: 'RejectedEvent', eventId: string, code: string, message: string }> } };

export type SessionFieldsFragment = { __typename?: 'Session', id: string, type: string, component: string, componentType?: string | null, componentVersion?: string | null, shellType?: string | null, adapters: Array<string>, status: SessionStatus, startedAt: string, endedAt?: string | null, lastSeenAt: string, receivedAt: string, endReceivedAt?: string | null, delayed: boolean, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, captureMode: CaptureMode, actor: string, username?: string | null, hostname?: string | null, pid?: number | null, environment: unknown, metadata: unknown, commandCount: number, errorCount: number, eventCount: number };

export type SessionEventFieldsFragment = { __typename?: 'SessionEvent', id: string, sessionId: string, seq: number, kind: string, at: string, text?: string | null, textHidden: boolean, durationMs?: number | null, outcome?: CommandOutcome | null, errorClass?: string | null, redactions: number };

export type ListSessionsQueryVariables = Exact<{
  filter?: InputMaybe<SessionFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ListSessionsQuery = { __typename?: 'Query', sessions: { __typename?: 'SessionConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'SessionEdge', node: { __typename?: 'Session', id: string, type: string, component: string, componentType?: string | null, componentVersion?: string | null, shellType?: string | null, adapters: Array<string>, status: SessionStatus, startedAt: string, endedAt?: string | null, lastSeenAt: string, receivedAt: string, endReceivedAt?: string | null, delayed: boolean, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, captureMode: CaptureMode, actor: string, username?: string | null, hostname?: string | null, pid?: number | null, environment: unknown, metadata: unknown, commandCount: number, errorCount: number, eventCount: number } }> } };

export type ShowSessionQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ShowSessionQuery = { __typename?: 'Query', session?: { __typename?: 'Session', clientHealth?: unknown | null, id: string, type: string, component: string, componentType?: string | null, componentVersion?: string | null, shellType?: string | null, adapters: Array<string>, status: SessionStatus, startedAt: string, endedAt?: string | null, lastSeenAt: string, receivedAt: string, endReceivedAt?: string | null, delayed: boolean, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, captureMode: CaptureMode, actor: string, username?: string | null, hostname?: string | null, pid?: number | null, environment: unknown, metadata: unknown, commandCount: number, errorCount: number, eventCount: number, events: { __typename?: 'SessionEventConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'SessionEventEdge', node: { __typename?: 'SessionEvent', payload: unknown, id: string, sessionId: string, seq: number, kind: string, at: string, text?: string | null, textHidden: boolean, durationMs?: number | null, outcome?: CommandOutcome | null, errorClass?: string | null, redactions: number } }> } } | null };

export type ActiveSessionsQueryVariables = Exact<{
  component?: InputMaybe<Scalars['String']['input']>;
}>;


export type ActiveSessionsQuery = { __typename?: 'Query', activeSessions: Array<{ __typename?: 'Session', id: string, type: string, component: string, componentType?: string | null, componentVersion?: string | null, shellType?: string | null, adapters: Array<string>, status: SessionStatus, startedAt: string, endedAt?: string | null, lastSeenAt: string, receivedAt: string, endReceivedAt?: string | null, delayed: boolean, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, captureMode: CaptureMode, actor: string, username?: string | null, hostname?: string | null, pid?: number | null, environment: unknown, metadata: unknown, commandCount: number, errorCount: number, eventCount: number }> };

export type WatchStartedSubscriptionVariables = Exact<{
  component?: InputMaybe<Scalars['String']['input']>;
}>;


export type WatchStartedSubscription = { __typename?: 'Subscription', sessionStarted: { __typename?: 'Session', id: string, type: string, component: string, componentType?: string | null, componentVersion?: string | null, shellType?: string | null, adapters: Array<string>, status: SessionStatus, startedAt: string, endedAt?: string | null, lastSeenAt: string, receivedAt: string, endReceivedAt?: string | null, delayed: boolean, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, captureMode: CaptureMode, actor: string, username?: string | null, hostname?: string | null, pid?: number | null, environment: unknown, metadata: unknown, commandCount: number, errorCount: number, eventCount: number } };

export type WatchEndedSubscriptionVariables = Exact<{
  component?: InputMaybe<Scalars['String']['input']>;
}>;


export type WatchEndedSubscription = { __typename?: 'Subscription', sessionEnded: { __typename?: 'Session', id: string, type: string, component: string, componentType?: string | null, componentVersion?: string | null, shellType?: string | null, adapters: Array<string>, status: SessionStatus, startedAt: string, endedAt?: string | null, lastSeenAt: string, receivedAt: string, endReceivedAt?: string | null, delayed: boolean, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, captureMode: CaptureMode, actor: string, username?: string | null, hostname?: string | null, pid?: number | null, environment: unknown, metadata: unknown, commandCount: number, errorCount: number, eventCount: number } };

export type WatchEventsSubscriptionVariables = Exact<{
  sessionId: Scalars['ID']['input'];
  afterSeq?: InputMaybe<Scalars['Int']['input']>;
}>;


export type WatchEventsSubscription = { __typename?: 'Subscription', sessionEvents: { __typename?: 'SessionEvent', id: string, sessionId: string, seq: number, kind: string, at: string, text?: string | null, textHidden: boolean, durationMs?: number | null, outcome?: CommandOutcome | null, errorClass?: string | null, redactions: number } };

export type LiveEventsSubscriptionVariables = Exact<{
  component?: InputMaybe<Scalars['String']['input']>;
}>;


export type LiveEventsSubscription = { __typename?: 'Subscription', liveEvents: { __typename?: 'SessionEvent', id: string, sessionId: string, seq: number, kind: string, at: string, text?: string | null, textHidden: boolean, durationMs?: number | null, outcome?: CommandOutcome | null, errorClass?: string | null, redactions: number } };

export type SessionEventsAfterQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type SessionEventsAfterQuery = { __typename?: 'Query', session?: { __typename?: 'Session', id: string, component: string, events: { __typename?: 'SessionEventConnection', edges: Array<{ __typename?: 'SessionEventEdge', node: { __typename?: 'SessionEvent', id: string, sessionId: string, seq: number, kind: string, at: string, text?: string | null, textHidden: boolean, durationMs?: number | null, outcome?: CommandOutcome | null, errorClass?: string | null, redactions: number } }> } } | null };

export type StatsQueryVariables = Exact<{
  days?: InputMaybe<Scalars['Int']['input']>;
}>;


export type StatsQuery = { __typename?: 'Query', sessionStats: Array<{ __typename?: 'ComponentStats', component: string, totalSessions: number, activeSessions: number, endedSessions: number, failedSessions: number, avgDurationSeconds?: number | null, p95DurationSeconds?: number | null, errorRate: number }>, mostActiveComponents: Array<{ __typename?: 'ComponentUsage', component: string, totalDurationSeconds: number, qualityScore?: number | null, lastActiveAt: string }>, sessionErrorRate: Array<{ __typename?: 'ComponentErrorRate', component: string, mostCommonError?: string | null }> };

export type SessionQualityQueryVariables = Exact<{
  days?: InputMaybe<Scalars['Int']['input']>;
  component?: InputMaybe<Scalars['String']['input']>;
}>;


export type SessionQualityQuery = { __typename?: 'Query', sessionQuality: Array<{ __typename?: 'ComponentQuality', component: string, totalSessions: number, activeSessions: number, finishedSessions: number, cleanEndRate?: number | null, abandonedRate?: number | null, delayedRate: number, qualityScore?: number | null }> };

export type RecentEventsQueryVariables = Exact<{
  component?: InputMaybe<Scalars['String']['input']>;
  type?: InputMaybe<Scalars['String']['input']>;
  kind?: InputMaybe<Scalars['String']['input']>;
  outcome?: InputMaybe<CommandOutcome>;
  limit?: InputMaybe<Scalars['Int']['input']>;
}>;


export type RecentEventsQuery = { __typename?: 'Query', recentEvents: Array<{ __typename?: 'SessionEvent', id: string, sessionId: string, seq: number, kind: string, at: string, text?: string | null, durationMs?: number | null, outcome?: CommandOutcome | null, errorClass?: string | null, payload: unknown }> };

export type AggregateQueryVariables = Exact<{
  groupBy: Array<AggregateKey> | AggregateKey;
  filter?: InputMaybe<SessionFilter>;
  limit?: InputMaybe<Scalars['Int']['input']>;
}>;


export type AggregateQuery = { __typename?: 'Query', aggregateSessions: Array<{ __typename?: 'AggregateRow', key: unknown, count: number, avgDurationSeconds?: number | null, errorCount: number, failedSessions: number }> };

export type SearchQueryVariables = Exact<{
  query: Scalars['String']['input'];
  index?: InputMaybe<SearchIndex>;
  limit?: InputMaybe<Scalars['Int']['input']>;
}>;


export type SearchQuery = { __typename?: 'Query', searchSessions: Array<{ __typename?: 'SearchHit', sessionId: string, eventId?: string | null, index: SearchIndex, score: number, snippet: string, at: string }> };

export type DetectQueryVariables = Exact<{
  metric: Scalars['String']['input'];
  threshold?: InputMaybe<Scalars['Float']['input']>;
  windowSeconds?: InputMaybe<Scalars['Int']['input']>;
  component?: InputMaybe<Scalars['String']['input']>;
}>;


export type DetectQuery = { __typename?: 'Query', detectAnomalies: Array<{ __typename?: 'Anomaly', metric: string, at: string, value: number, baseline: number, score: number, component: string, sessionId?: string | null, reason: string }> };

export type GraphQueryVariables = Exact<{
  query?: InputMaybe<Scalars['String']['input']>;
  nodeType?: InputMaybe<Scalars['String']['input']>;
  depth?: InputMaybe<Scalars['Int']['input']>;
}>;


export type GraphQuery = { __typename?: 'Query', sessionGraph: { __typename?: 'SessionGraph', depth: number, truncated: boolean, maxNodes: number, nodes: Array<{ __typename?: 'GraphNode', id: string, type: string, label: string, weight: number, depth: number }>, edges: Array<{ __typename?: 'GraphEdge', source: string, target: string, type: string, weight: number }> } };

export type TrendsQueryVariables = Exact<{
  metric: Scalars['String']['input'];
  windowSeconds: Scalars['Int']['input'];
  granularitySeconds: Scalars['Int']['input'];
  component?: InputMaybe<Scalars['String']['input']>;
}>;


export type TrendsQuery = { __typename?: 'Query', sessionTrends: { __typename?: 'Trend', metric: string, direction: TrendDirection, slope: number, points: Array<{ __typename?: 'TrendPoint', bucketStart: string, value: number }> } };

export type InsightsQueryVariables = Exact<{
  days?: InputMaybe<Scalars['Int']['input']>;
}>;


export type InsightsQuery = { __typename?: 'Query', mostActiveComponents: Array<{ __typename?: 'ComponentUsage', component: string, sessionCount: number, totalDurationSeconds: number, qualityScore?: number | null, lastActiveAt: string }>, aggregateSessions: Array<{ __typename?: 'AggregateRow', key: unknown, count: number }>, sessionErrorRate: Array<{ __typename?: 'ComponentErrorRate', component: string, totalSessions: number, failedSessions: number, errorRate: number, mostCommonError?: string | null }> };

export type SessionSummaryFieldsFragment = { __typename?: 'Session', id: string, type: string, component: string, status: SessionStatus, actor: string, username?: string | null, hostname?: string | null, startedAt: string, endedAt?: string | null, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, commandCount: number, errorCount: number };

export type DashboardProbeQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardProbeQuery = { __typename?: 'Query', activeSessions: Array<{ __typename?: 'Session', id: string }> };

export type DashboardActiveQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardActiveQuery = { __typename?: 'Query', activeSessions: Array<{ __typename?: 'Session', id: string, type: string, component: string, status: SessionStatus, actor: string, username?: string | null, hostname?: string | null, startedAt: string, endedAt?: string | null, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, commandCount: number, errorCount: number }> };

export type DashboardRecentEndedQueryVariables = Exact<{
  first: Scalars['Int']['input'];
}>;


export type DashboardRecentEndedQuery = { __typename?: 'Query', ended: { __typename?: 'SessionConnection', edges: Array<{ __typename?: 'SessionEdge', node: { __typename?: 'Session', id: string, type: string, component: string, status: SessionStatus, actor: string, username?: string | null, hostname?: string | null, startedAt: string, endedAt?: string | null, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, commandCount: number, errorCount: number } }> }, abandoned: { __typename?: 'SessionConnection', edges: Array<{ __typename?: 'SessionEdge', node: { __typename?: 'Session', id: string, type: string, component: string, status: SessionStatus, actor: string, username?: string | null, hostname?: string | null, startedAt: string, endedAt?: string | null, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, commandCount: number, errorCount: number } }> } };

export type DashboardStartedSinceQueryVariables = Exact<{
  after: Scalars['DateTime']['input'];
  first: Scalars['Int']['input'];
  cursor?: InputMaybe<Scalars['String']['input']>;
}>;


export type DashboardStartedSinceQuery = { __typename?: 'Query', sessions: { __typename?: 'SessionConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'SessionEdge', node: { __typename?: 'Session', id: string, component: string, status: SessionStatus, startedAt: string, durationSeconds?: number | null } }> } };

export type DashboardSessionQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  first: Scalars['Int']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type DashboardSessionQuery = { __typename?: 'Query', session?: { __typename?: 'Session', id: string, type: string, component: string, componentType?: string | null, componentVersion?: string | null, shellType?: string | null, adapters: Array<string>, status: SessionStatus, startedAt: string, endedAt?: string | null, lastSeenAt: string, receivedAt: string, endReceivedAt?: string | null, delayed: boolean, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, captureMode: CaptureMode, actor: string, username?: string | null, hostname?: string | null, pid?: number | null, environment: unknown, metadata: unknown, commandCount: number, errorCount: number, eventCount: number, events: { __typename?: 'SessionEventConnection', pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'SessionEventEdge', node: { __typename?: 'SessionEvent', id: string, sessionId: string, seq: number, kind: string, at: string, text?: string | null, textHidden: boolean, durationMs?: number | null, outcome?: CommandOutcome | null, errorClass?: string | null, redactions: number } }> } } | null };

export type DashboardActiveCountSubscriptionVariables = Exact<{
  component?: InputMaybe<Scalars['String']['input']>;
}>;


export type DashboardActiveCountSubscription = { __typename?: 'Subscription', activeSessionCount: number };

export type TestStartSessionMutationVariables = Exact<{
  input: StartSessionInput;
}>;


export type TestStartSessionMutation = { __typename?: 'Mutation', startSession: { __typename?: 'Session', id: string, type: string, component: string, componentType?: string | null, componentVersion?: string | null, shellType?: string | null, adapters: Array<string>, status: SessionStatus, startedAt: string, endedAt?: string | null, lastSeenAt: string, receivedAt: string, endReceivedAt?: string | null, delayed: boolean, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, captureMode: CaptureMode, actor: string, username?: string | null, hostname?: string | null, pid?: number | null, environment: unknown, metadata: unknown, commandCount: number, errorCount: number, eventCount: number } };

export type TestEndSessionMutationVariables = Exact<{
  input: EndSessionInput;
}>;


export type TestEndSessionMutation = { __typename?: 'Mutation', endSession: { __typename?: 'Session', id: string, type: string, component: string, componentType?: string | null, componentVersion?: string | null, shellType?: string | null, adapters: Array<string>, status: SessionStatus, startedAt: string, endedAt?: string | null, lastSeenAt: string, receivedAt: string, endReceivedAt?: string | null, delayed: boolean, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, captureMode: CaptureMode, actor: string, username?: string | null, hostname?: string | null, pid?: number | null, environment: unknown, metadata: unknown, commandCount: number, errorCount: number, eventCount: number } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const SessionFieldsFragmentDoc = new TypedDocumentString(`fragment SessionFields on Session{id type component componentType componentVersion shellType adapters status startedAt endedAt lastSeenAt receivedAt endReceivedAt delayed durationSeconds endReason exitCode captureMode actor username hostname pid environment metadata commandCount errorCount eventCount}`, {"fragmentName":"SessionFields"}) as unknown as TypedDocumentString<SessionFieldsFragment, unknown>;
export const SessionEventFieldsFragmentDoc = new TypedDocumentString(`fragment SessionEventFields on SessionEvent{id sessionId seq kind at text textHidden durationMs outcome errorClass redactions}`, {"fragmentName":"SessionEventFields"}) as unknown as TypedDocumentString<SessionEventFieldsFragment, unknown>;
export const SessionSummaryFieldsFragmentDoc = new TypedDocumentString(`fragment SessionSummaryFields on Session{id type component status actor username hostname startedAt endedAt durationSeconds endReason exitCode commandCount errorCount}`, {"fragmentName":"SessionSummaryFields"}) as unknown as TypedDocumentString<SessionSummaryFieldsFragment, unknown>;
export const StartSessionDocument = new TypedDocumentString(`mutation StartSession($input:StartSessionInput!){startSession(input:$input){id status startedAt}}`) as unknown as TypedDocumentString<StartSessionMutation, StartSessionMutationVariables>;
export const EndSessionDocument = new TypedDocumentString(`mutation EndSession($input:EndSessionInput!){endSession(input:$input){id status endedAt endReason}}`) as unknown as TypedDocumentString<EndSessionMutation, EndSessionMutationVariables>;
export const HeartbeatDocument = new TypedDocumentString(`mutation Heartbeat($ids:[ID!]!$client:ClientHealthInput){heartbeat(ids:$ids client:$client)}`) as unknown as TypedDocumentString<HeartbeatMutation, HeartbeatMutationVariables>;
export const RecordEventsDocument = new TypedDocumentString(`mutation RecordEvents($events:[SessionEventInput!]!){recordEvents(events:$events){accepted duplicates rejected{eventId code message}}}`) as unknown as TypedDocumentString<RecordEventsMutation, RecordEventsMutationVariables>;
export const ListSessionsDocument = new TypedDocumentString(`query ListSessions($filter:SessionFilter$first:Int$after:String){sessions(filter:$filter first:$first after:$after){totalCount pageInfo{hasNextPage endCursor}edges{node{...SessionFields}}}}fragment SessionFields on Session{id type component componentType componentVersion shellType adapters status startedAt endedAt lastSeenAt receivedAt endReceivedAt delayed durationSeconds endReason exitCode captureMode actor username hostname pid environment metadata commandCount errorCount eventCount}`) as unknown as TypedDocumentString<ListSessionsQuery, ListSessionsQueryVariables>;
export const ShowSessionDocument = new TypedDocumentString(`query ShowSession($id:ID!$first:Int$after:String){session(id:$id){...SessionFields clientHealth events(first:$first after:$after){totalCount pageInfo{hasNextPage endCursor}edges{node{...SessionEventFields payload}}}}}fragment SessionFields on Session{id type component componentType componentVersion shellType adapters status startedAt endedAt lastSeenAt receivedAt endReceivedAt delayed durationSeconds endReason exitCode captureMode actor username hostname pid environment metadata commandCount errorCount eventCount}fragment SessionEventFields on SessionEvent{id sessionId seq kind at text textHidden durationMs outcome errorClass redactions}`) as unknown as TypedDocumentString<ShowSessionQuery, ShowSessionQueryVariables>;
export const ActiveSessionsDocument = new TypedDocumentString(`query ActiveSessions($component:String){activeSessions(component:$component){...SessionFields}}fragment SessionFields on Session{id type component componentType componentVersion shellType adapters status startedAt endedAt lastSeenAt receivedAt endReceivedAt delayed durationSeconds endReason exitCode captureMode actor username hostname pid environment metadata commandCount errorCount eventCount}`) as unknown as TypedDocumentString<ActiveSessionsQuery, ActiveSessionsQueryVariables>;
export const WatchStartedDocument = new TypedDocumentString(`subscription WatchStarted($component:String){sessionStarted(component:$component){...SessionFields}}fragment SessionFields on Session{id type component componentType componentVersion shellType adapters status startedAt endedAt lastSeenAt receivedAt endReceivedAt delayed durationSeconds endReason exitCode captureMode actor username hostname pid environment metadata commandCount errorCount eventCount}`) as unknown as TypedDocumentString<WatchStartedSubscription, WatchStartedSubscriptionVariables>;
export const WatchEndedDocument = new TypedDocumentString(`subscription WatchEnded($component:String){sessionEnded(component:$component){...SessionFields}}fragment SessionFields on Session{id type component componentType componentVersion shellType adapters status startedAt endedAt lastSeenAt receivedAt endReceivedAt delayed durationSeconds endReason exitCode captureMode actor username hostname pid environment metadata commandCount errorCount eventCount}`) as unknown as TypedDocumentString<WatchEndedSubscription, WatchEndedSubscriptionVariables>;
export const WatchEventsDocument = new TypedDocumentString(`subscription WatchEvents($sessionId:ID!$afterSeq:Int){sessionEvents(sessionId:$sessionId afterSeq:$afterSeq){...SessionEventFields}}fragment SessionEventFields on SessionEvent{id sessionId seq kind at text textHidden durationMs outcome errorClass redactions}`) as unknown as TypedDocumentString<WatchEventsSubscription, WatchEventsSubscriptionVariables>;
export const LiveEventsDocument = new TypedDocumentString(`subscription LiveEvents($component:String){liveEvents(component:$component){...SessionEventFields}}fragment SessionEventFields on SessionEvent{id sessionId seq kind at text textHidden durationMs outcome errorClass redactions}`) as unknown as TypedDocumentString<LiveEventsSubscription, LiveEventsSubscriptionVariables>;
export const SessionEventsAfterDocument = new TypedDocumentString(`query SessionEventsAfter($id:ID!$after:String){session(id:$id){id component events(first:1000 after:$after){edges{node{...SessionEventFields}}}}}fragment SessionEventFields on SessionEvent{id sessionId seq kind at text textHidden durationMs outcome errorClass redactions}`) as unknown as TypedDocumentString<SessionEventsAfterQuery, SessionEventsAfterQueryVariables>;
export const StatsDocument = new TypedDocumentString(`query Stats($days:Int){sessionStats(days:$days){component totalSessions activeSessions endedSessions failedSessions avgDurationSeconds p95DurationSeconds errorRate}mostActiveComponents(days:$days limit:1000){component totalDurationSeconds qualityScore lastActiveAt}sessionErrorRate(days:$days){component mostCommonError}}`) as unknown as TypedDocumentString<StatsQuery, StatsQueryVariables>;
export const SessionQualityDocument = new TypedDocumentString(`query SessionQuality($days:Int$component:String){sessionQuality(days:$days component:$component){component totalSessions activeSessions finishedSessions cleanEndRate abandonedRate delayedRate qualityScore}}`) as unknown as TypedDocumentString<SessionQualityQuery, SessionQualityQueryVariables>;
export const RecentEventsDocument = new TypedDocumentString(`query RecentEvents($component:String$type:String$kind:String$outcome:CommandOutcome$limit:Int){recentEvents(component:$component type:$type kind:$kind outcome:$outcome limit:$limit){id sessionId seq kind at text durationMs outcome errorClass payload}}`) as unknown as TypedDocumentString<RecentEventsQuery, RecentEventsQueryVariables>;
export const AggregateDocument = new TypedDocumentString(`query Aggregate($groupBy:[AggregateKey!]!$filter:SessionFilter$limit:Int){aggregateSessions(groupBy:$groupBy filter:$filter limit:$limit){key count avgDurationSeconds errorCount failedSessions}}`) as unknown as TypedDocumentString<AggregateQuery, AggregateQueryVariables>;
export const SearchDocument = new TypedDocumentString(`query Search($query:String!$index:SearchIndex$limit:Int){searchSessions(query:$query index:$index limit:$limit){sessionId eventId index score snippet at}}`) as unknown as TypedDocumentString<SearchQuery, SearchQueryVariables>;
export const DetectDocument = new TypedDocumentString(`query Detect($metric:String!$threshold:Float$windowSeconds:Int$component:String){detectAnomalies(metric:$metric threshold:$threshold windowSeconds:$windowSeconds component:$component){metric at value baseline score component sessionId reason}}`) as unknown as TypedDocumentString<DetectQuery, DetectQueryVariables>;
export const GraphDocument = new TypedDocumentString(`query Graph($query:String$nodeType:String$depth:Int){sessionGraph(query:$query nodeType:$nodeType depth:$depth){depth truncated maxNodes nodes{id type label weight depth}edges{source target type weight}}}`) as unknown as TypedDocumentString<GraphQuery, GraphQueryVariables>;
export const TrendsDocument = new TypedDocumentString(`query Trends($metric:String!$windowSeconds:Int!$granularitySeconds:Int!$component:String){sessionTrends(metric:$metric windowSeconds:$windowSeconds granularitySeconds:$granularitySeconds component:$component){metric direction slope points{bucketStart value}}}`) as unknown as TypedDocumentString<TrendsQuery, TrendsQueryVariables>;
export const InsightsDocument = new TypedDocumentString(`query Insights($days:Int){mostActiveComponents(days:$days limit:50){component sessionCount totalDurationSeconds qualityScore lastActiveAt}aggregateSessions(groupBy:[ACTOR]limit:5){key count}sessionErrorRate(days:$days){component totalSessions failedSessions errorRate mostCommonError}}`) as unknown as TypedDocumentString<InsightsQuery, InsightsQueryVariables>;
export const DashboardProbeDocument = new TypedDocumentString(`query DashboardProbe{activeSessions{id}}`) as unknown as TypedDocumentString<DashboardProbeQuery, DashboardProbeQueryVariables>;
export const DashboardActiveDocument = new TypedDocumentString(`query DashboardActive{activeSessions{...SessionSummaryFields}}fragment SessionSummaryFields on Session{id type component status actor username hostname startedAt endedAt durationSeconds endReason exitCode commandCount errorCount}`) as unknown as TypedDocumentString<DashboardActiveQuery, DashboardActiveQueryVariables>;
export const DashboardRecentEndedDocument = new TypedDocumentString(`query DashboardRecentEnded($first:Int!){ended:sessions(filter:{status:ENDED}first:$first){edges{node{...SessionSummaryFields}}}abandoned:sessions(filter:{status:ABANDONED}first:$first){edges{node{...SessionSummaryFields}}}}fragment SessionSummaryFields on Session{id type component status actor username hostname startedAt endedAt durationSeconds endReason exitCode commandCount errorCount}`) as unknown as TypedDocumentString<DashboardRecentEndedQuery, DashboardRecentEndedQueryVariables>;
export const DashboardStartedSinceDocument = new TypedDocumentString(`query DashboardStartedSince($after:DateTime!$first:Int!$cursor:String){sessions(filter:{startedAfter:$after}first:$first after:$cursor){totalCount pageInfo{hasNextPage endCursor}edges{node{id component status startedAt durationSeconds}}}}`) as unknown as TypedDocumentString<DashboardStartedSinceQuery, DashboardStartedSinceQueryVariables>;
export const DashboardSessionDocument = new TypedDocumentString(`query DashboardSession($id:ID!$first:Int!$after:String){session(id:$id){...SessionFields events(first:$first after:$after){pageInfo{hasNextPage endCursor}edges{node{...SessionEventFields}}}}}fragment SessionFields on Session{id type component componentType componentVersion shellType adapters status startedAt endedAt lastSeenAt receivedAt endReceivedAt delayed durationSeconds endReason exitCode captureMode actor username hostname pid environment metadata commandCount errorCount eventCount}fragment SessionEventFields on SessionEvent{id sessionId seq kind at text textHidden durationMs outcome errorClass redactions}`) as unknown as TypedDocumentString<DashboardSessionQuery, DashboardSessionQueryVariables>;
export const DashboardActiveCountDocument = new TypedDocumentString(`subscription DashboardActiveCount($component:String){activeSessionCount(component:$component)}`) as unknown as TypedDocumentString<DashboardActiveCountSubscription, DashboardActiveCountSubscriptionVariables>;
export const TestStartSessionDocument = new TypedDocumentString(`mutation TestStartSession($input:StartSessionInput!){startSession(input:$input){...SessionFields}}fragment SessionFields on Session{id type component componentType componentVersion shellType adapters status startedAt endedAt lastSeenAt receivedAt endReceivedAt delayed durationSeconds endReason exitCode captureMode actor username hostname pid environment metadata commandCount errorCount eventCount}`) as unknown as TypedDocumentString<TestStartSessionMutation, TestStartSessionMutationVariables>;
export const TestEndSessionDocument = new TypedDocumentString(`mutation TestEndSession($input:EndSessionInput!){endSession(input:$input){...SessionFields}}fragment SessionFields on Session{id type component componentType componentVersion shellType adapters status startedAt endedAt lastSeenAt receivedAt endReceivedAt delayed durationSeconds endReason exitCode captureMode actor username hostname pid environment metadata commandCount errorCount eventCount}`) as unknown as TypedDocumentString<TestEndSessionMutation, TestEndSessionMutationVariables>;