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
  /** An instant as an RFC 3339 (ISO 8601) date-time string, e.g. 2026-11-24T10:15:30.000Z. Input needs the date, the time to the second and an offset (Z or ±hh:mm), e.g. 2026-11-24T11:15:30+01:00; output is always UTC with milliseconds. */
  DateTime: { input: string; output: string; }
  /** Any JSON value (ECMA-404); the fields typed JSON here hold objects unless they say otherwise. */
  JSON: { input: unknown; output: unknown; }
};

/** Which access records; every field given must match. */
export type AccessLogFilter = {
  /** Reads of this session. */
  sessionId?: InputMaybe<Scalars['ID']['input']>;
  /** Recorded at or after. */
  since?: InputMaybe<Scalars['DateTime']['input']>;
  /** Reads by this token subject. */
  subject?: InputMaybe<Scalars['String']['input']>;
  /** Recorded before. */
  until?: InputMaybe<Scalars['DateTime']['input']>;
};

/** A read of command text: who, which session, by which route or GraphQL operation, how many events, when (reads close together are summed in one record). */
export type AccessRecord = {
  __typename?: 'AccessRecord';
  /** When it was recorded. */
  at: Scalars['DateTime']['output'];
  /** Events whose text it returned. */
  events: Scalars['Int']['output'];
  /** Its place in the log; newer is larger. */
  id: Scalars['ID']['output'];
  /** How: `graphql <operation type> <operation name>`, or the HTTP route. */
  route: Scalars['String']['output'];
  /** The session read; null for a read of the whole trail (GET /trail.ndjson). */
  sessionId?: Maybe<Scalars['ID']['output']>;
  /** The reader: the token's subject. */
  subject: Scalars['String']['output'];
};

/** A page of the access log, newest first. */
export type AccessRecordPage = {
  __typename?: 'AccessRecordPage';
  /** Pass as after for the next page; null when the page is empty. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when older records follow. */
  hasNextPage: Scalars['Boolean']['output'];
  /** The records of this page. */
  records: Array<AccessRecord>;
};

/** Who was at the prompt. */
export type ActorKind =
  /** An AI coding agent (acting for delegatedBy when the token says who). */
  | 'AI_AGENT'
  /** An unattended job: CI, cron, a script without a terminal. */
  | 'AUTOMATION'
  /** A person at a terminal. */
  | 'HUMAN';

/** What decided a session's actor kind. */
export type ActorKindSource =
  /** What the shell detected: no terminal, or the environment markers AI agents and CI systems set. */
  | 'SHELL'
  /** The token's actor_kind claim (it decides over what a shell detects). */
  | 'TOKEN';

/** A dimension to group sessions by; DAY and HOUR are UTC, of startedAt. */
export type AggregateKey =
  /** The token subject that started it (key name actor). */
  | 'ACTOR'
  /** Who was at the prompt, HUMAN, AI_AGENT or AUTOMATION as Session.actorKind; null when unknown (key name actorKind). */
  | 'ACTOR_KIND'
  /** The component (key name component). */
  | 'COMPONENT'
  /** The UTC day it started, e.g. 2026-11-24 (key name day). */
  | 'DAY'
  /** The reported host; null when none (key name hostname). */
  | 'HOSTNAME'
  /** The UTC hour it started, e.g. 2026-11-24T10:00:00Z (key name hour). */
  | 'HOUR'
  /** ACTIVE, ENDED or ABANDONED (key name status). */
  | 'STATUS'
  /** The session type (key name type). */
  | 'TYPE';

/** One group of sessions. */
export type AggregateRow = {
  __typename?: 'AggregateRow';
  /** Mean duration of the group's finished sessions, in seconds; null when none finished. */
  avgDurationSeconds?: Maybe<Scalars['Float']['output']>;
  /** Sessions in the group. */
  count: Scalars['Int']['output'];
  /** Events with outcome error in the group's sessions (sum of their errorCount). */
  errorCount: Scalars['Int']['output'];
  /** Sessions ABANDONED or ended with ERROR. */
  failedSessions: Scalars['Int']['output'];
  /** The group, a JSON object with one string (or null) per groupBy key, e.g. { "component": "akosha", "day": "2026-11-24" }. */
  key: Scalars['JSON']['output'];
};

/** One alert for one webhook target, and how its delivery went. */
export type AlertDelivery = {
  __typename?: 'AlertDelivery';
  /** Posts made so far. */
  attempts: Scalars['Int']['output'];
  /** That session's component. */
  component?: Maybe<Scalars['String']['output']>;
  /** When it was queued. */
  createdAt: Scalars['DateTime']['output'];
  /** When the target acknowledged it. */
  deliveredAt?: Maybe<Scalars['DateTime']['output']>;
  /** The alert's id, the same for every target and every attempt (the Session-Buddy-Event-Id header). */
  eventId: Scalars['String']['output'];
  /** Its place in the record; newer is larger. */
  id: Scalars['ID']['output'];
  /** What it tells of. */
  kind: AlertKind;
  /** Why the last attempt failed (e.g. HTTP 503, ECONNREFUSED, timed out); null after a success. */
  lastError?: Maybe<Scalars['String']['output']>;
  /** The HTTP status of the last attempt; null when it got no answer. */
  lastStatus?: Maybe<Scalars['Int']['output']>;
  /** When it is posted next; null once delivered or failed. */
  nextAttemptAt?: Maybe<Scalars['DateTime']['output']>;
  /** The body posted (never command text). */
  payload: Scalars['JSON']['output'];
  /** The session it is about. */
  sessionId?: Maybe<Scalars['ID']['output']>;
  /** Where it stands. */
  status: AlertDeliveryStatus;
  /** The webhook's URL (credentials removed). */
  target: Scalars['String']['output'];
};

/** Which deliveries; every field given must match. */
export type AlertDeliveryFilter = {
  /** Only alerts of this kind. */
  kind?: InputMaybe<AlertKind>;
  /** Only alerts about this session. */
  sessionId?: InputMaybe<Scalars['ID']['input']>;
  /** Only those in this state. */
  status?: InputMaybe<AlertDeliveryStatus>;
};

/** A page of alert deliveries, newest first. */
export type AlertDeliveryPage = {
  __typename?: 'AlertDeliveryPage';
  /** The deliveries of this page. */
  deliveries: Array<AlertDelivery>;
  /** Pass as after for the next page; null when the page is empty. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when older deliveries follow. */
  hasNextPage: Scalars['Boolean']['output'];
};

/** Where a delivery stands. */
export type AlertDeliveryStatus =
  /** The target answered 2xx. */
  | 'DELIVERED'
  /** Given up after the last attempt (or its target is no longer configured). */
  | 'FAILED'
  /** Queued, or waiting for its next attempt after a failure. */
  | 'PENDING';

/** What an alert webhook tells of (the events of an alerts target in the configuration). */
export type AlertKind =
  /** Anomaly detection flagged an ended session (its duration or command count is an outlier). */
  | 'anomaly'
  /** A session's hash chain did not match at ingest (a record was altered, lost or forged). */
  | 'chain_broken'
  /** An operator entered sensitive mode (with the reason given). */
  | 'sensitive_begin'
  /** The reaper marked a session abandoned (its shell went silent). */
  | 'session_abandoned'
  /** A reviewer recorded a FLAGGED verdict. */
  | 'session_flagged'
  /** A STRICT shell refused to run a command because the service did not acknowledge it. */
  | 'strict_refused';

/** A value far above its metric's own baseline. */
export type Anomaly = {
  __typename?: 'Anomaly';
  /** The session's startedAt (per-session metrics), or the start of the hour (hourly ones). */
  at: Scalars['DateTime']['output'];
  /** Median of the metric's baseline, same unit. */
  baseline: Scalars['Float']['output'];
  /** Which baseline: the period before the window, or the window itself (too little history). */
  baselineSource: AnomalyBaseline;
  /** The component. */
  component: Scalars['String']['output'];
  /** The metric asked for: one of session_duration, sessions_per_hour, error_rate, commands_per_session. */
  metric: Scalars['String']['output'];
  /** One line for people saying what is unusual, by how much and against which baseline (over the N days before, or over this window when there were too few earlier observations); never shortened. */
  reason: Scalars['String']['output'];
  /** Sessions in the hour, or baseline observations (sessions) for per-session metrics. */
  sampleSize?: Maybe<Scalars['Int']['output']>;
  /** Robust (modified) z-score against the baseline, at least the threshold (per-session metrics: on ln(1 + value)). */
  score: Scalars['Float']['output'];
  /** The session, for session_duration and commands_per_session; null for the hourly metrics. */
  sessionId?: Maybe<Scalars['ID']['output']>;
  /** The observation, in the metric's unit: seconds, commands, sessions started in the hour, or the hour's failed share (0–1). */
  value: Scalars['Float']['output'];
};

/** What an anomaly was scored against. */
export type AnomalyBaseline =
  /** The metric's own history: the max(7 days, window) before the window. */
  | 'BEFORE'
  /** The window itself, because the period before it held too few observations (a young deployment, a new component); the median and MAD are robust to the outlier among them. */
  | 'WINDOW';

/** How the producer treats the service while the session runs; stamped on the session at start. */
export type CaptureMode =
  /** Never block the operator: records are journaled on disk and delivered later, exactly once. */
  | 'BUFFERED'
  /** The producer refuses to start, or to run a command, until the service has acknowledged its record. */
  | 'STRICT';

/** A signed checkpoint: the Merkle root of the records stored since the previous one, chained to that one's hash, signed by the service (EdDSA; keys at /.well-known/jwks.json). */
export type Checkpoint = {
  __typename?: 'Checkpoint';
  /** When it was signed (ISO 8601). */
  at: Scalars['String']['output'];
  /** Command completions it signed after their events. */
  completions: Scalars['Int']['output'];
  /** Session ends it signed. */
  ends: Scalars['Int']['output'];
  /** Events it signed. */
  events: Scalars['Int']['output'];
  /** SHA-256 (hex) of jws: what the next checkpoint chains to. */
  hash: Scalars['String']['output'];
  /** The compact JWS over the canonical JSON of the fields above. */
  jws: Scalars['String']['output'];
  /** The signing key's id (RFC 7638 thumbprint), as in the JWKS. */
  kid: Scalars['String']['output'];
  /** SHA-256 (hex) of the previous checkpoint's JWS; empty for the first. */
  prevHash: Scalars['String']['output'];
  /** RFC 6962 Merkle root (hex) of the records it signed. */
  root: Scalars['String']['output'];
  /** Its place in the chain, from 1. */
  seq: Scalars['Int']['output'];
  /** Sessions whose identity it signed. */
  sessions: Scalars['Int']['output'];
  /** How many records (leaves) it signed. */
  size: Scalars['Int']['output'];
};

/** A page of checkpoints, oldest first. */
export type CheckpointPage = {
  __typename?: 'CheckpointPage';
  /** The checkpoints of this page, oldest first. */
  checkpoints: Array<Checkpoint>;
  /** The after of the next page; null when this is the last. */
  next?: Maybe<Scalars['Int']['output']>;
};

/** How the client's own delivery is doing; stored on the heartbeat's sessions as clientHealth and exported as metrics. */
export type ClientHealthInput = {
  /** The client's circuit-breaker state, e.g. closed, open or half-open. */
  breaker?: InputMaybe<Scalars['String']['input']>;
  /** Records the client could not keep, for any reason (droppedByReason). */
  dropped?: InputMaybe<Scalars['Int']['input']>;
  /** The drops per reason, e.g. {"memory_cap": 3}: overflow, expired, memory_cap, journal_full, journal_unwritable or malformed. */
  droppedByReason?: InputMaybe<Scalars['JSON']['input']>;
  /** Records waiting in the client's on-disk journal. */
  journalDepth?: InputMaybe<Scalars['Int']['input']>;
  /** Why the journal cannot be written, e.g. disk full (ENOSPC); else null. */
  journalError?: InputMaybe<Scalars['String']['input']>;
  /** Age of the oldest waiting record, in seconds; null when none waits. */
  oldestPendingSeconds?: InputMaybe<Scalars['Float']['input']>;
};

/** How a command (or another event with an outcome) finished. */
export type CommandOutcome =
  /** It failed; counted in the session's errorCount. */
  | 'error'
  /** The operator cancelled it before it finished (Ctrl-C in a shell); not an error: counted in neither errorCount nor any failure rate. */
  | 'interrupted'
  /** It completed without an error. */
  | 'ok';

/** How complete a session's record is, the worst that applies (BROKEN, then GAPPED). See the README's Trust section. */
export type Completeness =
  /** A chain link does not match (brokenSeq names the first: 0 the start, -1 the end): a record is not what the shell hashed, or events lie beyond the end. */
  | 'BROKEN'
  /** ENDED; every seq up to the end's lastSeq is stored and every chain link matches. */
  | 'COMPLETE'
  /** A seq is missing (missingSeqRanges names them): not delivered yet, or lost. */
  | 'GAPPED'
  /** ACTIVE, and nothing is missing so far. */
  | 'IN_PROGRESS'
  /** ABANDONED: the end is unknown, so events after the last one stored may exist. */
  | 'TRUNCATED';

/** Mean duration of a component's finished sessions in the window. */
export type ComponentDuration = {
  __typename?: 'ComponentDuration';
  /** Mean duration in seconds of its ENDED and ABANDONED sessions started in the window. */
  avgDurationSeconds: Scalars['Float']['output'];
  /** The component. */
  component: Scalars['String']['output'];
  /** Finished sessions averaged. */
  sessionCount: Scalars['Int']['output'];
};

/** A component's failures in the window. */
export type ComponentErrorRate = {
  __typename?: 'ComponentErrorRate';
  /** The component. */
  component: Scalars['String']['output'];
  /** failedSessions / totalSessions (0–1). */
  errorRate: Scalars['Float']['output'];
  /** Sessions started in the window that were ABANDONED or ended with ERROR. */
  failedSessions: Scalars['Int']['output'];
  /** Most frequent errorClass among the events of the window's sessions (ties: alphabetical); null when none has one. */
  mostCommonError?: Maybe<Scalars['String']['output']>;
  /** Sessions started in the window. */
  totalSessions: Scalars['Int']['output'];
};

/** How a component's sessions started in the window ended. */
export type ComponentQuality = {
  __typename?: 'ComponentQuality';
  /** Share (0–1) of finished sessions that were ABANDONED; null when none finished. */
  abandonedRate?: Maybe<Scalars['Float']['output']>;
  /** Sessions started in the window that are still ACTIVE. */
  activeSessions: Scalars['Int']['output'];
  /** Share (0–1) of finished sessions that ENDED with EXIT; null when none finished. */
  cleanEndRate?: Maybe<Scalars['Float']['output']>;
  /** The component. */
  component: Scalars['String']['output'];
  /** Share (0–1) of all the window's sessions flagged delayed; 0 when there are none. */
  delayedRate: Scalars['Float']['output'];
  /** Sessions started in the window that are ENDED or ABANDONED (finished). */
  finishedSessions: Scalars['Int']['output'];
  /** 0–100: share of finished sessions that ENDED with EXIT with no sequence gap, as the session_quality_score gauge; null when none finished. */
  qualityScore?: Maybe<Scalars['Float']['output']>;
  /** Sessions started in the window. */
  totalSessions: Scalars['Int']['output'];
};

/** A component's sessions started in the window. */
export type ComponentStats = {
  __typename?: 'ComponentStats';
  /** Sessions started in the window that are still ACTIVE. */
  activeSessions: Scalars['Int']['output'];
  /** Mean duration of the finished ones, in seconds; null when none finished. */
  avgDurationSeconds?: Maybe<Scalars['Float']['output']>;
  /** The component. */
  component: Scalars['String']['output'];
  /** Sessions started in the window that are ENDED or ABANDONED (finished). */
  endedSessions: Scalars['Int']['output'];
  /** failedSessions / totalSessions (0–1). */
  errorRate: Scalars['Float']['output'];
  /** Sessions started in the window that were ABANDONED or ended with ERROR. */
  failedSessions: Scalars['Int']['output'];
  /** 95th percentile (continuous) of the finished ones' durations, in seconds; null when none finished. */
  p95DurationSeconds?: Maybe<Scalars['Float']['output']>;
  /** Sessions started in the window. */
  totalSessions: Scalars['Int']['output'];
};

/** How much a component was used in the window. */
export type ComponentUsage = {
  __typename?: 'ComponentUsage';
  /** The component. */
  component: Scalars['String']['output'];
  /** Latest sign of life among the window's sessions: endedAt, or lastSeenAt for those still ACTIVE. */
  lastActiveAt: Scalars['DateTime']['output'];
  /** 0–100: share of finished sessions that ended cleanly (EXIT) with no sequence gap, as session_quality_score; null when none finished. */
  qualityScore?: Maybe<Scalars['Float']['output']>;
  /** Sessions started in the window. */
  sessionCount: Scalars['Int']['output'];
  /** Sum of the finished sessions' durations, in seconds; 0 when none finished. */
  totalDurationSeconds: Scalars['Float']['output'];
};

/** How a session ended, as its producer reported it (ABANDONED: as the reaper decided). */
export type EndReason =
  /** Set by the reaper when heartbeats stopped; never sent by a well-behaved client. */
  | 'ABANDONED'
  /** Failed: an uncaught exception, a failed workflow step or check. */
  | 'ERROR'
  /** A clean exit: .exit, Ctrl-D or exit() in a shell, a successful run. */
  | 'EXIT'
  /** Its terminal hung up (SIGHUP). */
  | 'SIGHUP'
  /** Interrupted by SIGINT (in a shell: Ctrl-C twice). */
  | 'SIGINT'
  /** Terminated by SIGTERM. */
  | 'SIGTERM';

/** A session ending. Ending an ENDED session again changes nothing; ending an ABANDONED one makes it ENDED. */
export type EndSessionInput = {
  /** How it ended (default EXIT). */
  endReason?: InputMaybe<EndReason>;
  /** Capture time on the client; default: when the service receives the end. Not before startedAt. */
  endedAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** The process's exit code, −255 … 255. */
  exitCode?: InputMaybe<Scalars['Int']['input']>;
  /** The end's chain hash, over prevHash and the canonical end (64 hex digits). Omit for an unchained client. */
  hash?: InputMaybe<Scalars['String']['input']>;
  /** The session's UUID; it must exist and belong to the token's subject. */
  id: Scalars['ID']['input'];
  /** The last seq the client recorded (0 when none): every seq up to it must be stored for the session to be COMPLETE. */
  lastSeq?: InputMaybe<Scalars['Int']['input']>;
  /** A JSON object (at most 16 KiB serialised, 32 levels deep) merged into the session's metadata; its keys replace the start's. */
  metadata?: InputMaybe<Scalars['JSON']['input']>;
  /** The hash the end is chained to: seq lastSeq's hash, or the start's when lastSeq is 0. */
  prevHash?: InputMaybe<Scalars['String']['input']>;
};

/** The text format of an export; both carry the fields of Session, oldest session first. */
export type ExportFormat =
  /** RFC 4180 with a header row and CRLF line ends; JSON columns hold JSON text. */
  | 'CSV'
  /** One JSON object per session per line. */
  | 'NDJSON';

/** A link between two nodes of the graph. */
export type GraphEdge = {
  __typename?: 'GraphEdge';
  /** The id of one end (a GraphNode id). */
  source: Scalars['ID']['output'];
  /** The id of the other end (a GraphNode id). */
  target: Scalars['ID']['output'];
  /** The ends' types: actor_component, actor_host, component_host, actor_session, session_component or session_host. */
  type: Scalars['String']['output'];
  /** Sessions the two share (1 for a session's own edges). */
  weight: Scalars['Float']['output'];
};

/** An actor, component, host or session of the graph. */
export type GraphNode = {
  __typename?: 'GraphNode';
  /** Breadth-first distance from the matching nodes. */
  depth: Scalars['Int']['output'];
  /** type:label, e.g. actor:alice or session:<uuid>. */
  id: Scalars['ID']['output'];
  /** The actor's, component's or host's name, or the session's id. */
  label: Scalars['String']['output'];
  /** actor, component, host, session. */
  type: Scalars['String']['output'];
  /** Sessions in the window; commands for a session. */
  weight: Scalars['Float']['output'];
};

/** A legal hold: a purge never removes a session while it is held. */
export type LegalHold = {
  __typename?: 'LegalHold';
  /** When it was placed. */
  heldAt: Scalars['DateTime']['output'];
  /** Who placed it: the token's subject. */
  heldBy: Scalars['String']['output'];
  /** Why, as given when it was placed. */
  reason: Scalars['String']['output'];
  /** When it was released; null while it holds. */
  releasedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Who released it; null while it holds. */
  releasedBy?: Maybe<Scalars['String']['output']>;
  /** The session held. */
  sessionId: Scalars['ID']['output'];
};

/** Writes of producers — starting, ending and keeping sessions alive, and recording their events: these need sessions:write (or admin) and act only on sessions the token's subject started (admin: on any) — and the admin's retention: legal holds and purges, which need admin. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Records a session's end and returns the session. Ending an ENDED session returns it unchanged; a late end turns an ABANDONED one into ENDED with its true end time. NOT_FOUND for an unknown id, FORBIDDEN for another subject's session. Needs sessions:write, and the session's component in the token's components claim when it has one. */
  endSession: Session;
  /** Keeps sessions alive (sets lastSeenAt) so the reaper does not abandon them, and brings back one the reaper ABANDONED (ACTIVE again, the interruption kept in interruptedPeriods, published by sessionResumed); returns how many were touched: those now ACTIVE and the token subject's. Other ids (ENDED sessions among them) are ignored. Needs sessions:write; one of the subject's sessions outside the token's components claim refuses the whole call (FORBIDDEN). */
  heartbeat: Scalars['Int']['output'];
  /** Places a legal hold on a session: no purge removes it until it is released. CONFLICT when it is held already, NOT_FOUND when there is no such session. Needs admin. */
  holdSession: LegalHold;
  /** Removes the sessions that ended before `before` (of one component, or all) with their events, each leaving a signed tombstone so verify tells the purge from tampering. A dry run by default: pass dryRun: false to remove. Never removes a held or active session, one with unsigned records, or one younger than the minimum age. Needs admin. */
  purgeSessions: PurgeResult;
  /** Stores a batch of events, each once by eventId, for sessions the token's subject started; rejects bad events one by one and keeps the good ones. Every event of such a session, stored or not, is a sign of life (see Session.lastSeenAt); one captured after the reaper abandoned its session brings the session back, as a heartbeat does. Needs sessions:write; an event of a session outside the token's components claim is rejected (FORBIDDEN). */
  recordEvents: RecordEventsResult;
  /** Releases a session's legal hold (the hold stays on record, with who released it and when). NOT_FOUND when it has none. Needs admin. */
  releaseHold: LegalHold;
  /** Records a verdict on an ended session, with the reviewer (the token's subject) and time. FORBIDDEN (reason SELF_REVIEW) on a session the reviewer started; CONFLICT while it is ACTIVE; NOT_FOUND for an unknown id; FLAGGED needs a note. Needs audit:review. */
  reviewSession: SessionReview;
  /** Records a session's start and returns the session; actor is the token's subject. The same id again returns the stored session unchanged (FORBIDDEN when another subject started it). Needs sessions:write, and the component in the token's components claim when it has one. */
  startSession: Session;
};


/** Writes of producers — starting, ending and keeping sessions alive, and recording their events: these need sessions:write (or admin) and act only on sessions the token's subject started (admin: on any) — and the admin's retention: legal holds and purges, which need admin. */
export type MutationEndSessionArgs = {
  input: EndSessionInput;
};


/** Writes of producers — starting, ending and keeping sessions alive, and recording their events: these need sessions:write (or admin) and act only on sessions the token's subject started (admin: on any) — and the admin's retention: legal holds and purges, which need admin. */
export type MutationHeartbeatArgs = {
  client?: InputMaybe<ClientHealthInput>;
  ids: Array<Scalars['ID']['input']>;
};


/** Writes of producers — starting, ending and keeping sessions alive, and recording their events: these need sessions:write (or admin) and act only on sessions the token's subject started (admin: on any) — and the admin's retention: legal holds and purges, which need admin. */
export type MutationHoldSessionArgs = {
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


/** Writes of producers — starting, ending and keeping sessions alive, and recording their events: these need sessions:write (or admin) and act only on sessions the token's subject started (admin: on any) — and the admin's retention: legal holds and purges, which need admin. */
export type MutationPurgeSessionsArgs = {
  before: Scalars['DateTime']['input'];
  component?: InputMaybe<Scalars['String']['input']>;
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
};


/** Writes of producers — starting, ending and keeping sessions alive, and recording their events: these need sessions:write (or admin) and act only on sessions the token's subject started (admin: on any) — and the admin's retention: legal holds and purges, which need admin. */
export type MutationRecordEventsArgs = {
  events: Array<SessionEventInput>;
};


/** Writes of producers — starting, ending and keeping sessions alive, and recording their events: these need sessions:write (or admin) and act only on sessions the token's subject started (admin: on any) — and the admin's retention: legal holds and purges, which need admin. */
export type MutationReleaseHoldArgs = {
  id: Scalars['ID']['input'];
};


/** Writes of producers — starting, ending and keeping sessions alive, and recording their events: these need sessions:write (or admin) and act only on sessions the token's subject started (admin: on any) — and the admin's retention: legal holds and purges, which need admin. */
export type MutationReviewSessionArgs = {
  id: Scalars['ID']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
  verdict: ReviewVerdict;
};


/** Writes of producers — starting, ending and keeping sessions alive, and recording their events: these need sessions:write (or admin) and act only on sessions the token's subject started (admin: on any) — and the admin's retention: legal holds and purges, which need admin. */
export type MutationStartSessionArgs = {
  input: StartSessionInput;
};

/** Where a page of a connection sits; cursors are opaque strings, valid only for the same field. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** The cursor of the page's last edge, to pass as after for the next page; null when the page is empty. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when more items follow: ask again with after set to endCursor. */
  hasNextPage: Scalars['Boolean']['output'];
  /** True when the page was asked for after a position (after, or afterSeq above 0); it does not check that items precede it. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** The cursor of the page's first edge; null when the page is empty. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** What a purge did, or in a dry run would do: the sessions that go, and those older than the cut-off that are kept and why. */
export type PurgeResult = {
  __typename?: 'PurgeResult';
  /** Kept: still active. */
  active: Scalars['Int']['output'];
  /** True when the minimum age (SESSION_BUDDY_RETENTION_MIN_DAYS) moved the cut-off earlier. */
  clamped: Scalars['Boolean']['output'];
  /** The component; null for all. */
  component?: Maybe<Scalars['String']['output']>;
  /** Sessions purged (or that would be). */
  count: Scalars['Int']['output'];
  /** Sessions that ended before this go: the before asked for, or the minimum age's cut-off. */
  cutoff: Scalars['DateTime']['output'];
  /** True when nothing was removed. */
  dryRun: Scalars['Boolean']['output'];
  /** Their events. */
  events: Scalars['Int']['output'];
  /** Kept: under a legal hold. */
  held: Scalars['Int']['output'];
  /** The minimum age in days: nothing that ended more recently is purged. */
  minDays: Scalars['Float']['output'];
  /** The first 100 of them, oldest first. */
  sessions: Array<PurgedSession>;
  /** Kept: records no checkpoint has signed yet (a tombstone could not prove them). */
  unsigned: Scalars['Int']['output'];
};

/** A session a purge removed (or, in a dry run, would remove). */
export type PurgedSession = {
  __typename?: 'PurgedSession';
  /** Who ran it. */
  actor: Scalars['String']['output'];
  /** Its component. */
  component: Scalars['String']['output'];
  /** Its end (for an abandoned session, its last sign of life). */
  endedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Its events. */
  events: Scalars['Int']['output'];
  /** The session's UUID. */
  id: Scalars['ID']['output'];
  /** Its start. */
  startedAt: Scalars['DateTime']['output'];
  /** ENDED or ABANDONED. */
  status: Scalars['String']['output'];
};

/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type Query = {
  __typename?: 'Query';
  /** Who read command text, newest first, a page at a time. Needs admin. */
  accessLog: AccessRecordPage;
  /** Sessions still ACTIVE, newest first (at most 10000). Needs sessions:read. */
  activeSessions: Array<Session>;
  /** Sessions matching the filter grouped by the keys, largest groups first: count, mean duration, error events, failed sessions. Needs sessions:read. */
  aggregateSessions: Array<AggregateRow>;
  /** The alert webhooks posted or waiting, newest first, a page at a time. Needs admin. */
  alertDeliveries: AlertDeliveryPage;
  /** Per component (alphabetical), the mean duration of the window's finished (ENDED or ABANDONED) sessions; components with none are left out. Needs sessions:read. */
  averageSessionDuration: Array<ComponentDuration>;
  /** The trail's signed checkpoints, oldest first, a page at a time (as GET /checkpoints). Verify them with `session-buddy verify --all`. Needs sessions:read. */
  checkpoints: CheckpointPage;
  /** Outliers by robust (modified) z-score against the metric's own baseline, highest score first; only values above the baseline count. Candidates are the last windowSeconds, the baseline the max(7 days, window) before them — or, where that holds too few observations (a young deployment), the window itself (see baselineSource). Needs sessions:read. */
  detectAnomalies: Array<Anomaly>;
  /** Sessions matching the filter, oldest first, as NDJSON or CSV; at most 10000 (default 1000). Stream larger exports from GET /export/sessions.ndjson or .csv. Needs sessions:read. */
  exportSessions: Scalars['String']['output'];
  /** Components by sessions started in the window, busiest first (ties alphabetical). Needs sessions:read. */
  mostActiveComponents: Array<ComponentUsage>;
  /** Ended (or abandoned) sessions that need a review and have none yet — sensitive ones, those anomaly detection flags, and every session of a component configured review: required — newest first. Each node's reviewCauses says why. Needs audit:review. */
  pendingReviews: SessionConnection;
  /** Events across sessions, newest first (by at), e.g. failed workflow steps: kind workflow_step, outcome error. Command text needs audit:read. Needs sessions:read. */
  recentEvents: Array<SessionEvent>;
  /** The retention policy in force. Needs admin. */
  retentionPolicy: RetentionPolicy;
  /** Full-text search (web-search syntax: words, "phrases", or, -not) over sessions (identity and metadata) and command text, best first. Command hits need audit:read; without it ALL searches sessions only. Needs sessions:read. */
  searchSessions: Array<SearchHit>;
  /** One session by id; null when there is none. Needs sessions:read. */
  session?: Maybe<Session>;
  /** Per component, the failed share (ABANDONED or ended with ERROR) of the window's sessions, highest first, with the most common errorClass. Needs sessions:read. */
  sessionErrorRate: Array<ComponentErrorRate>;
  /** Actors, components, hosts and sessions of the last `days`, breadth-first from the nodes matching `query` to `depth`, at most `maxNodes`. Needs sessions:read. */
  sessionGraph: SessionGraph;
  /** Per component (alphabetical), how the sessions started in the last `days` × 24 h ended: clean-end, abandoned and delayed shares and the quality score. Needs sessions:read. */
  sessionQuality: Array<ComponentQuality>;
  /** Per component (alphabetical), the sessions started in the last `days` × 24 h: counts, durations and error rate. Needs sessions:read. */
  sessionStats: Array<ComponentStats>;
  /** A metric per bucket over the window ending now, empty buckets 0, with its least-squares slope and direction. Needs sessions:read. */
  sessionTrends: Trend;
  /** Sessions matching the filter, newest first (startedAt, then id), a page at a time. Needs sessions:read. */
  sessions: SessionConnection;
  /** Sessions started in [start, end), oldest first. Needs sessions:read. */
  sessionsByTimeRange: Array<Session>;
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QueryAccessLogArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AccessLogFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QueryActiveSessionsArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QueryAggregateSessionsArgs = {
  days?: InputMaybe<Scalars['Int']['input']>;
  filter?: InputMaybe<SessionFilter>;
  groupBy: Array<AggregateKey>;
  limit?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QueryAlertDeliveriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AlertDeliveryFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QueryAverageSessionDurationArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
  days?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QueryCheckpointsArgs = {
  after?: InputMaybe<Scalars['Int']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QueryDetectAnomaliesArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
  limit?: InputMaybe<Scalars['Int']['input']>;
  metric: Scalars['String']['input'];
  threshold?: InputMaybe<Scalars['Float']['input']>;
  windowSeconds?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QueryExportSessionsArgs = {
  filter?: InputMaybe<SessionFilter>;
  format?: InputMaybe<ExportFormat>;
  limit?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QueryMostActiveComponentsArgs = {
  days?: InputMaybe<Scalars['Int']['input']>;
  limit?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QueryPendingReviewsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  component?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QueryRecentEventsArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
  kind?: InputMaybe<Scalars['String']['input']>;
  limit?: InputMaybe<Scalars['Int']['input']>;
  outcome?: InputMaybe<CommandOutcome>;
  type?: InputMaybe<Scalars['String']['input']>;
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QuerySearchSessionsArgs = {
  filter?: InputMaybe<SessionFilter>;
  index?: InputMaybe<SearchIndex>;
  limit?: InputMaybe<Scalars['Int']['input']>;
  query: Scalars['String']['input'];
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QuerySessionArgs = {
  id: Scalars['ID']['input'];
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QuerySessionErrorRateArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
  days?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QuerySessionGraphArgs = {
  days?: InputMaybe<Scalars['Int']['input']>;
  depth?: InputMaybe<Scalars['Int']['input']>;
  maxNodes?: InputMaybe<Scalars['Int']['input']>;
  nodeType?: InputMaybe<Scalars['String']['input']>;
  query?: InputMaybe<Scalars['String']['input']>;
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QuerySessionQualityArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
  days?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QuerySessionStatsArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
  days?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QuerySessionTrendsArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
  granularitySeconds: Scalars['Int']['input'];
  metric: Scalars['String']['input'];
  windowSeconds: Scalars['Int']['input'];
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QuerySessionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<SessionFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads: sessions, their events and analytics. Every field needs a bearer token with sessions:read (or admin); command text also needs audit:read. */
export type QuerySessionsByTimeRangeArgs = {
  end: Scalars['DateTime']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  start: Scalars['DateTime']['input'];
};

/** What the service did with a batch of events: each event sent is counted once, in accepted, duplicates or rejected. */
export type RecordEventsResult = {
  __typename?: 'RecordEventsResult';
  /** Events stored by this call, counting commands it completed (outcome and duration added). */
  accepted: Scalars['Int']['output'];
  /** Events already stored (before, or earlier in this batch) under the same eventId, session and seq; nothing changed. Safe to drop. */
  duplicates: Scalars['Int']['output'];
  /** Events refused one by one; the others in the batch still count. Empty when all were taken. */
  rejected: Array<RejectedEvent>;
};

/** An event the service refused; switch on code and reason, the message is for people. */
export type RejectedEvent = {
  __typename?: 'RejectedEvent';
  /** An error code: BAD_USER_INPUT (breaks the contract), NOT_FOUND (no such session yet: its start has not arrived), FORBIDDEN (see reason) or CONFLICT (its seq is taken, or the id was stored with another session or seq). */
  code: Scalars['String']['output'];
  /** The eventId as sent. */
  eventId: Scalars['ID']['output'];
  /** What was wrong, for people; may change between versions. */
  message: Scalars['String']['output'];
  /** For FORBIDDEN: TOKEN_COMPONENTS (the token) or NOT_OWNER (the session); for BAD_USER_INPUT: NUL_CHARACTER, LONE_SURROGATE or JSON_TOO_DEEP when one applies; else null. */
  reason?: Maybe<Scalars['String']['output']>;
};

/** How long one component's ended sessions are kept. */
export type RetentionPeriod = {
  __typename?: 'RetentionPeriod';
  /** The component. */
  component: Scalars['String']['output'];
  /** Days after its end a session is kept; null for ever. */
  days?: Maybe<Scalars['Float']['output']>;
};

/** What the scheduled retention pass purges, and the minimum age no purge goes below. */
export type RetentionPolicy = {
  __typename?: 'RetentionPolicy';
  /** Components with a period of their own. */
  components: Array<RetentionPeriod>;
  /** Days after its end a session is kept, for components without a period of their own; null for ever. */
  defaultDays?: Maybe<Scalars['Float']['output']>;
  /** No session that ended less than this many days ago is purged, by any path. */
  minDays: Scalars['Float']['output'];
};

/** Why a session needs a review. */
export type ReviewCause =
  /** Anomaly detection flags it now: a session_duration or commands_per_session outlier of the last 7 days. */
  | 'ANOMALY'
  /** Its component is configured review: required. */
  | 'REQUIRED'
  /** It had a sensitive period (sensitive(reason) at the prompt). */
  | 'SENSITIVE';

/** The review queue changed: a session joined it or was reviewed. */
export type ReviewQueueChange = {
  __typename?: 'ReviewQueueChange';
  /** When it changed. */
  at: Scalars['DateTime']['output'];
  /** QUEUED: it ended and needs review (sensitive, or its component requires review); REVIEWED: a verdict was recorded. */
  change: Scalars['String']['output'];
  /** Its component. */
  component: Scalars['String']['output'];
  /** Who reviewed it, for REVIEWED. */
  reviewer?: Maybe<Scalars['String']['output']>;
  /** The session. */
  sessionId: Scalars['ID']['output'];
  /** The verdict, for REVIEWED. */
  verdict?: Maybe<ReviewVerdict>;
};

/** A reviewer's verdict on an ended session. */
export type ReviewVerdict =
  /** What was done was justified and as expected. */
  | 'APPROVED'
  /** Something needs a closer look (the note says what); on-call are alerted. */
  | 'FLAGGED';

/** One full-text match: a session, or one of its events. */
export type SearchHit = {
  __typename?: 'SearchHit';
  /** The session's startedAt, or the event's at. */
  at: Scalars['DateTime']['output'];
  /** The event, for command (event text) hits; null for session hits. */
  eventId?: Maybe<Scalars['ID']['output']>;
  /** Where it matched: SESSIONS or COMMANDS (never ALL). */
  index: SearchIndex;
  /** ts_rank of the match; higher is better. */
  score: Scalars['Float']['output'];
  /** That session (who, which component, when), so a hit can be shown without another query. */
  session: Session;
  /** The session matched, or the session of the event matched. */
  sessionId: Scalars['ID']['output'];
  /** The matching text around every query word it contains, each marked «like this»; passages far apart are joined with … . */
  snippet: Scalars['String']['output'];
};

/** What a full-text search looks through. */
export type SearchIndex =
  /** Both; without audit:read, sessions only. */
  | 'ALL'
  /** Event text (what was typed); needs audit:read. */
  | 'COMMANDS'
  /** Each session's identity (component, componentType, shellType, type, actor, username, hostname) and its metadata's string values. */
  | 'SESSIONS';

/** Sensitive mode began in a session. */
export type SensitiveAccess = {
  __typename?: 'SensitiveAccess';
  /** When it began (the shell's clock). */
  at: Scalars['DateTime']['output'];
  /** Its component. */
  component: Scalars['String']['output'];
  /** Why, as the operator gave it. */
  reason?: Maybe<Scalars['String']['output']>;
  /** The seq of the sensitive_begin event. */
  seq: Scalars['Int']['output'];
  /** The session as stored now (who, where); null if it is gone. */
  session?: Maybe<Session>;
  /** The session. */
  sessionId: Scalars['ID']['output'];
  /** The ticket it names, if any. */
  ticketRef?: Maybe<Scalars['String']['output']>;
};

/** One stretch of sensitive mode, from sensitive(reason) to end_sensitive() or the session's end. */
export type SensitivePeriod = {
  __typename?: 'SensitivePeriod';
  /** When it began. */
  beganAt: Scalars['DateTime']['output'];
  /** The seq of its sensitive_begin event. */
  beginSeq: Scalars['Int']['output'];
  /** The seq of its sensitive_end event. */
  endSeq?: Maybe<Scalars['Int']['output']>;
  /** When it ended; null while it lasts, or when the shell stopped without recording its end (a crash, an abandoned session). */
  endedAt?: Maybe<Scalars['DateTime']['output']>;
  /** end_sensitive (the operator left it) or session_end (the session ended in it); null when no end was recorded. */
  endedBy?: Maybe<Scalars['String']['output']>;
  /** Why, as the operator gave it (redacted at the source like command text). */
  reason?: Maybe<Scalars['String']['output']>;
  /** The ticket the reason names (e.g. OPS-1234), if any. */
  ticketRef?: Maybe<Scalars['String']['output']>;
};

/** A stretch of missing seqs, both ends included. */
export type SeqRange = {
  __typename?: 'SeqRange';
  /** The first missing seq. */
  from: Scalars['Int']['output'];
  /** The last missing seq (equal to from for one). */
  to: Scalars['Int']['output'];
};

/** One session of a producer (an admin shell, a workflow run, a CLI run). */
export type Session = {
  __typename?: 'Session';
  /** Who opened it: the sub of the token that started it, never taken from the request body. */
  actor: Scalars['String']['output'];
  /** Who was at the prompt: the token's actor_kind claim when it has one, else what the shell detected (actorKindSource says which); null when neither said. */
  actorKind?: Maybe<ActorKind>;
  /** What decided actorKind: TOKEN or SHELL; null when it is unknown. */
  actorKindSource?: Maybe<ActorKindSource>;
  /** Adapters the component reported (e.g. postgres); empty when none. */
  adapters: Array<Scalars['String']['output']>;
  /** Where its chain first failed to match: 0 the start, n event n, -1 the end; null when every link matched. */
  brokenSeq?: Maybe<Scalars['Int']['output']>;
  /** The capture mode the producer ran in (BUFFERED unless the start said STRICT). */
  captureMode: CaptureMode;
  /** Whether its shell hash-chained the record (startHash sent); an unchained session is checked for gaps only. */
  chained: Scalars['Boolean']['output'];
  /** The delivery health its client last reported with a heartbeat (the fields of ClientHealthInput, and reportedAt, service clock); null when never reported. */
  clientHealth?: Maybe<Scalars['JSON']['output']>;
  /** Stored events of kind command. */
  commandCount: Scalars['Int']['output'];
  /** How complete its record is: IN_PROGRESS, COMPLETE, GAPPED, TRUNCATED or BROKEN (the worst that applies). */
  completeness: Completeness;
  /** The reporting component, e.g. crackerjack (letters, digits, _ and -, at most 64). */
  component: Scalars['String']['output'];
  /** The component's role (orchestrator, manager, foundation, inspector, diviner, builder, …); null when not reported. */
  componentType?: Maybe<Scalars['String']['output']>;
  /** The component's version; null when not reported. */
  componentVersion?: Maybe<Scalars['String']['output']>;
  /** True when its start or end reached the service more than 60 s after capture. */
  delayed: Scalars['Boolean']['output'];
  /** Who delegated to the actor: the token's RFC 8693 act claim (its sub), e.g. the person an AI agent acts for. */
  delegatedBy?: Maybe<Scalars['String']['output']>;
  /** endedAt − startedAt in seconds, for ENDED and ABANDONED sessions (for ABANDONED ones: start to last sign of life), interruptions included; null while ACTIVE. */
  durationSeconds?: Maybe<Scalars['Float']['output']>;
  /** The end's chain hash as the shell sent it; null until ended or when unchained. */
  endHash?: Maybe<Scalars['String']['output']>;
  /** How it ended; null while ACTIVE. */
  endReason?: Maybe<EndReason>;
  /** When the service learned of the end, or abandoned the session (service clock); null while ACTIVE. */
  endReceivedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Capture time of the end on the client; for an ABANDONED session its last sign of life (lastSeenAt when it was abandoned, moved on by events received later that were captured before the abandon). Null while ACTIVE. */
  endedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The producer's runtime as a JSON object: nodeVersion, platform, cwd (at most 500 characters), …; {} when none. */
  environment: Scalars['JSON']['output'];
  /** Stored events with outcome error, of any kind (a command counts once it completes with error); an interrupted command is not an error. */
  errorCount: Scalars['Int']['output'];
  /** Stored events of every kind; below the highest seq when some never arrived (a gap). */
  eventCount: Scalars['Int']['output'];
  /** The session's events in seq order, a page at a time; text follows the audit:read rule of SessionEvent.text. */
  events: SessionEventConnection;
  /** The process's exit code (−255 … 255) as the end reported it; null while ACTIVE, when abandoned, or when not reported. */
  exitCode?: Maybe<Scalars['Int']['output']>;
  /** The host the producer ran on; null when not reported. */
  hostname?: Maybe<Scalars['String']['output']>;
  /** The UUID the client chose (v7 recommended); a repeated start with it returns this session. */
  id: Scalars['ID']['output'];
  /** Those interruptions, oldest first (the latest 100 when there were more); empty when none. */
  interruptedPeriods: Array<SessionInterruption>;
  /** How many times the reaper abandoned the session and a heartbeat or event from it brought it back (0 for most). */
  interruptions: Scalars['Int']['output'];
  /** Its last sign of life, never moving back: the service's receipt of its start, a heartbeat or its end, or the latest moment an event received from it describes (capture time, plus a completed command's duration; at most the event's receipt). Capture time rather than receipt, so that events delivered late (a journal replayed after the shell died) date its life truly. */
  lastSeenAt: Scalars['DateTime']['output'];
  /** The last seq its end names; null until ended (or for a client that does not say). */
  lastSeq?: Maybe<Scalars['Int']['output']>;
  /** The legal hold on this session, if any: a purge never removes it while it holds. */
  legalHold?: Maybe<LegalHold>;
  /** Free-form JSON object from the start (at most 16 KiB serialised), with the end's metadata merged in (its keys win); {} when none. */
  metadata: Scalars['JSON']['output'];
  /** The seqs missing up to the end's lastSeq (or the highest seq stored), as ranges; empty when none. */
  missingSeqRanges: Array<SeqRange>;
  /** The producer's process id (1 … 4194304); null when not reported. */
  pid?: Maybe<Scalars['Int']['output']>;
  /** Why it was started (required for components configured requireReason); null when none was given. */
  reason?: Maybe<SessionReason>;
  /** When the service first learned of the session (service clock). */
  receivedAt: Scalars['DateTime']['output'];
  /** When it last came back from ABANDONED (service clock), the resume point of sessionResumed; null when it never did. */
  resumedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Why it needs a review (whether or not it has one yet); empty when nothing calls for one. */
  reviewCauses: Array<ReviewCause>;
  /** Its reviews, oldest first; the last is the verdict that stands. */
  reviews: Array<SessionReview>;
  /** Whether it had a sensitive period (see sensitivePeriods). */
  sensitive: Scalars['Boolean']['output'];
  /** Its sensitive periods, oldest first. */
  sensitivePeriods: Array<SensitivePeriod>;
  /** The service's hash over the identity it stored (id, component, type, actor, start time, user, host, pid) and startHash. */
  sessionHash?: Maybe<Scalars['String']['output']>;
  /** The shell's class name, e.g. CrackerjackShell; null when not reported. */
  shellType?: Maybe<Scalars['String']['output']>;
  /** The root of its hash chain as the shell sent it; null when unchained. */
  startHash?: Maybe<Scalars['String']['output']>;
  /** Capture time of the start on the client (the service's receipt time when the start carried none); never re-stamped. */
  startedAt: Scalars['DateTime']['output'];
  /** ACTIVE, ENDED or ABANDONED. */
  status: SessionStatus;
  /** What produced it: admin_shell for shells; workflow, cli, … for other producers. */
  type: Scalars['String']['output'];
  /** The OS user the producer reported (not verified, unlike actor); null when not reported. */
  username?: Maybe<Scalars['String']['output']>;
  /** Who read this session's command text, the latest reader first. Needs audit:read. */
  viewedBy: Array<SessionViewer>;
};


/** One session of a producer (an admin shell, a workflow run, a CLI run). */
export type SessionEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  afterSeq?: InputMaybe<Scalars['Int']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of sessions, newest first (by startedAt, then id). */
export type SessionConnection = {
  __typename?: 'SessionConnection';
  /** The page's sessions. */
  edges: Array<SessionEdge>;
  /** Cursors and whether more follow. */
  pageInfo: PageInfo;
  /** All sessions matching the filter, whatever the page (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

/** One session of a page, with its cursor. */
export type SessionEdge = {
  __typename?: 'SessionEdge';
  /** Opaque position of this session; pass it as after to continue after it. */
  cursor: Scalars['String']['output'];
  /** The session. */
  node: Session;
};

/** One event of a session; stored once by id, ordered by seq. */
export type SessionEvent = {
  __typename?: 'SessionEvent';
  /** Capture time on the client (when the command was typed), never re-stamped. */
  at: Scalars['DateTime']['output'];
  /** For a command completed after capture: the hash of its completion (outcome, duration, error class, result), chained to hash; null otherwise. */
  completionHash?: Maybe<Scalars['String']['output']>;
  /** How long it ran, in milliseconds; null while a command runs or when not reported. */
  durationMs?: Maybe<Scalars['Float']['output']>;
  /** The error's class or code (e.g. TypeError, Exit3), at most 256 characters; null when none. */
  errorClass?: Maybe<Scalars['String']['output']>;
  /** Its chain hash as the shell computed it at capture (SHA-256, hex); null for an unchained client. */
  hash?: Maybe<Scalars['String']['output']>;
  /** Whether its content and prevHash hash to hash, checked when stored; false marks the session BROKEN; null when unchained. */
  hashOk?: Maybe<Scalars['Boolean']['output']>;
  /** The eventId the client chose (a UUID); the event is stored once under it. */
  id: Scalars['ID']['output'];
  /** What happened: command, error, note, workflow_step, check, … (lower-case, at most 64 characters). */
  kind: Scalars['String']['output'];
  /** How it finished; null while a command runs (its completion is re-sent with the same id) or for events without one. */
  outcome?: Maybe<CommandOutcome>;
  /** Producer-specific details as a JSON object (at most 16 KiB serialised; {} when none), e.g. a workflow step's exit code and stderr tail. */
  payload: Scalars['JSON']['output'];
  /** The hash it is chained to: the previous seq's, or the session's startHash for seq 1. */
  prevHash?: Maybe<Scalars['String']['output']>;
  /** When the service stored the event (service clock). */
  receivedAt: Scalars['DateTime']['output'];
  /** How many secrets were masked in text (0 when none). */
  redactions: Scalars['Int']['output'];
  /** Position in the session, from 1, unique per session; a missing number is a sequence gap. */
  seq: Scalars['Int']['output'];
  /** The session the event belongs to. */
  sessionId: Scalars['ID']['output'];
  /** What was typed (at most 8 KiB UTF-8), secrets masked at the source. Null without audit:read (then textHidden is true) or when the event carries no text. */
  text?: Maybe<Scalars['String']['output']>;
  /** True when the event has text this token may not read (no audit:read); false otherwise. */
  textHidden: Scalars['Boolean']['output'];
};

/** A page of a session's events, in seq order. */
export type SessionEventConnection = {
  __typename?: 'SessionEventConnection';
  /** The page's events. */
  edges: Array<SessionEventEdge>;
  /** Cursors and whether more follow. */
  pageInfo: PageInfo;
  /** All events stored for the session, whatever the page. */
  totalCount: Scalars['Int']['output'];
};

/** One event of a page, with its cursor. */
export type SessionEventEdge = {
  __typename?: 'SessionEventEdge';
  /** Opaque position of this event; pass it as after to continue after it. */
  cursor: Scalars['String']['output'];
  /** The event. */
  node: SessionEvent;
};

/** One event of a session. An event that breaks the contract (a limit, a pattern) is rejected on its own; the rest of the batch still counts. */
export type SessionEventInput = {
  /** Capture time on the client. */
  at: Scalars['DateTime']['input'];
  /** With a completion of a chained command: SHA-256 (64 hex digits) over the command's hash and the canonical completion (outcome, durationMs, errorClass, result). A mismatch is stored and marks the session BROKEN. */
  completionHash?: InputMaybe<Scalars['String']['input']>;
  /** How long it ran, in milliseconds (≥ 0); usually sent with the completion. */
  durationMs?: InputMaybe<Scalars['Float']['input']>;
  /** The error's class or code, at most 256 characters. */
  errorClass?: InputMaybe<Scalars['String']['input']>;
  /** A UUID the client chooses; sending it again is a duplicate, or completes a command recorded without an outcome. */
  eventId: Scalars['ID']['input'];
  /** The event's chain hash: SHA-256 (64 hex digits) over prevHash and the canonical event. The service recomputes it; a mismatch is stored and marks the session BROKEN. */
  hash?: InputMaybe<Scalars['String']['input']>;
  /** What happened, matching ^[a-z][a-z0-9_]{0,63}$: command, error, note, workflow_step, …; command counts in commandCount. */
  kind: Scalars['String']['input'];
  /** ok, error or interrupted (a CommandOutcome); anything else rejects this event. */
  outcome?: InputMaybe<Scalars['String']['input']>;
  /** A JSON object of details, at most 16 KiB serialised and 32 levels deep; a legacy completion's payload is merged into the stored one. */
  payload?: InputMaybe<Scalars['JSON']['input']>;
  /** The hash this event is chained to: the previous seq's hash, or the start's for seq 1. */
  prevHash?: InputMaybe<Scalars['String']['input']>;
  /** How many secrets the client masked in text, ≥ 0 (default 0). */
  redactions?: InputMaybe<Scalars['Int']['input']>;
  /** With a completion: what it adds to the command's payload (a JSON object, at most 16 KiB serialised), so payload stays as captured. */
  result?: InputMaybe<Scalars['JSON']['input']>;
  /** Position in the session, 1 … 2147483647; another event claiming a taken seq is rejected with CONFLICT. */
  seq: Scalars['Int']['input'];
  /** The session's UUID; it must have started (else NOT_FOUND), belong to the token's subject and be of a component its claim allows. */
  sessionId: Scalars['ID']['input'];
  /** What was typed, at most 8 KiB UTF-8, secrets already masked by the client; readable only with audit:read. */
  text?: InputMaybe<Scalars['String']['input']>;
};

/** Which sessions to cover: every field given narrows (they combine with AND), none is required. Text fields match exactly and hold at most 256 characters. */
export type SessionFilter = {
  /** Only sessions started by this token subject. */
  actor?: InputMaybe<Scalars['String']['input']>;
  /** Only sessions of this actor kind. */
  actorKind?: InputMaybe<ActorKind>;
  /** Only sessions whose start or end the service received, or that came back from ABANDONED, after this time (catch-up of live feeds). */
  changedAfter?: InputMaybe<Scalars['DateTime']['input']>;
  /** Only sessions whose record is this complete (see Session.completeness). */
  completeness?: InputMaybe<Completeness>;
  /** Only this component. */
  component?: InputMaybe<Scalars['String']['input']>;
  /** Only sessions whose delayed flag is this value. */
  delayed?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only sessions with (true) or without (false) a reason. */
  hasReason?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only sessions reporting this host. */
  hostname?: InputMaybe<Scalars['String']['input']>;
  /** Only the sessions this reference names: a full id (exactly that one), a prefix of at least 4 hex digits, or the short id — the last 8 hex digits (exactly 8 digits match as a prefix or as the short id). Hyphens are optional, case does not matter; anything else is BAD_USER_INPUT. Several sessions may match: ask for first: 2 to learn whether the reference is unique. */
  idRef?: InputMaybe<Scalars['String']['input']>;
  /** Only ENDED or ABANDONED sessions that lasted at least this many seconds (0 … 1000000000). */
  minDurationSeconds?: InputMaybe<Scalars['Float']['input']>;
  /** Only sessions with (true) or without (false) a sensitive period (see Session.sensitive). */
  sensitive?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only sessions with startedAt at or after this time. */
  startedAfter?: InputMaybe<Scalars['DateTime']['input']>;
  /** Only sessions with startedAt before this time (exclusive). */
  startedBefore?: InputMaybe<Scalars['DateTime']['input']>;
  /** Only sessions in this status. */
  status?: InputMaybe<SessionStatus>;
  /** Only sessions whose reason names this ticket (e.g. OPS-1234). */
  ticketRef?: InputMaybe<Scalars['String']['input']>;
  /** Only this session type (admin_shell, workflow, cli, …). */
  type?: InputMaybe<Scalars['String']['input']>;
  /** Only sessions reporting this OS user. */
  username?: InputMaybe<Scalars['String']['input']>;
};

/** Actors, components, hosts and sessions of a window, and how they link. */
export type SessionGraph = {
  __typename?: 'SessionGraph';
  /** The depth that applied. */
  depth: Scalars['Int']['output'];
  /** The links between the nodes returned. */
  edges: Array<GraphEdge>;
  /** The bound on nodes that applied. */
  maxNodes: Scalars['Int']['output'];
  /** The nodes, in the order the walk reached them. */
  nodes: Array<GraphNode>;
  /** True when maxNodes stopped the search: more nodes were reachable. */
  truncated: Scalars['Boolean']['output'];
};

/** A stretch during which the reaper had the session ABANDONED and it came back: the service heard nothing for the abandon timeout (an outage, a network partition, a suspended machine), then a heartbeat or an event from it. */
export type SessionInterruption = {
  __typename?: 'SessionInterruption';
  /** When the reaper abandoned it (service clock); between from and to. */
  abandonedAt: Scalars['DateTime']['output'];
  /** Its last sign of life before the silence: the endedAt the reaper gave it (see lastSeenAt). */
  from: Scalars['DateTime']['output'];
  /** to − from in seconds: how long the service did not hear from it. */
  seconds: Scalars['Float']['output'];
  /** When the service heard from it again and made it ACTIVE (service clock). */
  to: Scalars['DateTime']['output'];
};

/** Why a session was started, as the operator gave it at the prompt or in SESSION_BUDDY_REASON. */
export type SessionReason = {
  __typename?: 'SessionReason';
  /** The reason as given. */
  text: Scalars['String']['output'];
  /** The ticket it names (the first reference such as OPS-1234 in the text), if any. */
  ticketRef?: Maybe<Scalars['String']['output']>;
};

/** Why a session is started: the operator's words, and the ticket they name. */
export type SessionReasonInput = {
  /** The reason as given, 1–500 characters (not only spaces). */
  text: Scalars['String']['input'];
  /** A ticket reference matching ^[A-Z][A-Z0-9_]{0,31}-[0-9]{1,12}$, e.g. OPS-1234. */
  ticketRef?: InputMaybe<Scalars['String']['input']>;
};

/** A reviewer's verdict on a session. Permanent: a later review adds one, the latest stands. */
export type SessionReview = {
  __typename?: 'SessionReview';
  /** The review's number. */
  id: Scalars['ID']['output'];
  /** What the reviewer noted. */
  note?: Maybe<Scalars['String']['output']>;
  /** When. */
  reviewedAt: Scalars['DateTime']['output'];
  /** The token subject who reviewed it. */
  reviewer: Scalars['String']['output'];
  /** The session reviewed. */
  sessionId: Scalars['ID']['output'];
  /** The verdict. */
  verdict: ReviewVerdict;
};

/** Where a session is in its life: ACTIVE, then ENDED or ABANDONED. */
export type SessionStatus =
  /** Nothing heard for the abandon timeout (SESSION_BUDDY_ABANDON_AFTER, default 90 s); set by the reaper. A late end turns it into ENDED; a heartbeat, or an event captured after the abandon, makes it ACTIVE again (see Session.interruptions). */
  | 'ABANDONED'
  /** Started and not ended; heartbeats and events keep it alive (and bring an ABANDONED one back). */
  | 'ACTIVE'
  /** An end was received (also a late end after the session was abandoned). */
  | 'ENDED';

/** Someone who read a session's command text. */
export type SessionViewer = {
  __typename?: 'SessionViewer';
  /** Events' text returned to them, over all their reads. */
  events: Scalars['Int']['output'];
  /** Their first read of it. */
  firstAt: Scalars['DateTime']['output'];
  /** Their latest read of it. */
  lastAt: Scalars['DateTime']['output'];
  /** Access records (reads close together are one). */
  reads: Scalars['Int']['output'];
  /** The reader: the token's subject. */
  subject: Scalars['String']['output'];
};

/** A session starting. Sent once per session; sending it again with the same id changes nothing. */
export type StartSessionInput = {
  /** Who the shell detected at the prompt; the token's actor_kind claim decides over it. Hashed with the start when given. */
  actorKind?: InputMaybe<ActorKind>;
  /** Adapters the component uses: at most 64, each at most 64 characters. */
  adapters?: InputMaybe<Array<Scalars['String']['input']>>;
  /** How the producer runs: BUFFERED (default) or STRICT. */
  captureMode?: InputMaybe<CaptureMode>;
  /** The reporting component, matching ^[a-zA-Z0-9_-]{1,64}$; must be in the token's components claim when it has one. */
  component: Scalars['String']['input'];
  /** The component's role (orchestrator, inspector, …), at most 64 characters. */
  componentType?: InputMaybe<Scalars['String']['input']>;
  /** The component's version, at most 64 characters. */
  componentVersion?: InputMaybe<Scalars['String']['input']>;
  /** A JSON object of the runtime (nodeVersion, platform, cwd, …), at most 16 KiB serialised and 32 levels deep; cwd at most 500 characters. */
  environment?: InputMaybe<Scalars['JSON']['input']>;
  /** The client's id for this start record, at most 64 characters; stored, not echoed. */
  eventId?: InputMaybe<Scalars['ID']['input']>;
  /** Version of the event models the client speaks; only 1.0 is accepted. */
  eventVersion?: InputMaybe<Scalars['String']['input']>;
  /** The root of the session's hash chain: SHA-256 (64 hex digits) over the canonical start (see the README's Trust section). The service recomputes it; a mismatch marks the session BROKEN. Omit for an unchained client. */
  hash?: InputMaybe<Scalars['String']['input']>;
  /** The host, at most 256 characters. */
  hostname?: InputMaybe<Scalars['String']['input']>;
  /** A UUID the client chooses (v7 recommended); the session's identity, so retries never duplicate it. */
  id: Scalars['ID']['input'];
  /** A free-form JSON object, at most 16 KiB serialised and 32 levels deep; its string values are searchable. */
  metadata?: InputMaybe<Scalars['JSON']['input']>;
  /** The producer's process id, 1 … 4194304. */
  pid?: InputMaybe<Scalars['Int']['input']>;
  /** Why the session is started (required by components configured requireReason); part of its identity and hashed with the start. */
  reason?: InputMaybe<SessionReasonInput>;
  /** The shell's class name, e.g. CrackerjackShell, at most 128 characters. */
  shellType?: InputMaybe<Scalars['String']['input']>;
  /** Capture time on the client; default: when the service receives the start. At most 5 minutes in the future. */
  startedAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** The session type, matching ^[a-zA-Z0-9_.-]{1,64}$ (default admin_shell). */
  type?: InputMaybe<Scalars['String']['input']>;
  /** The OS user, at most 256 characters (the actor comes from the token). */
  username?: InputMaybe<Scalars['String']['input']>;
};

/** Live feeds over graphql-ws (token in connectionParams.authorization); every field needs sessions:read (or admin). Each publishes only after the change is committed. */
export type Subscription = {
  __typename?: 'Subscription';
  /** The number of ACTIVE sessions: the current count at once, then each time it changes (a start, an end, an abandon, a comeback). Ends with SERVICE_UNAVAILABLE when the live feed goes down: subscribe again (the first value is then the count now). Needs sessions:read. */
  activeSessionCount: Scalars['Int']['output'];
  /** Every session's events as they are stored, and commands again as they complete (no replay); optionally one component's, or some kinds. Ends with SERVICE_UNAVAILABLE when the live feed goes down: subscribe again, and read what was missed from the sessions' events. Command text needs audit:read. Needs sessions:read. */
  liveEvents: SessionEvent;
  /** The review queue changing: an ended session that needs review (sensitive, or of a component that requires review), or a verdict. No replay: read pendingReviews for the queue now. Ends with SERVICE_UNAVAILABLE when the live feed goes down. Needs audit:review. */
  reviewQueueChanged: ReviewQueueChange;
  /** Sensitive mode beginning in any session (optionally one component's), the moment its sensitive_begin event is stored. No replay: read Session.sensitivePeriods for what began meanwhile. Ends with SERVICE_UNAVAILABLE when the live feed goes down. Needs sessions:read. */
  sensitiveAccess: SensitiveAccess;
  /** A session ended, or the reaper abandoned it (and again if a late end corrects an abandon); not on a repeated end. With `after`, the ones ended since come first (each in its current state). Ends with SERVICE_UNAVAILABLE when the live feed goes down: subscribe again with `after`. Needs sessions:read. */
  sessionEnded: Session;
  /** One session's events: the stored ones after afterSeq in seq order, then live ones, with no gap and no duplicate. A command comes again when it completes (same id, now with outcome). Ends with SERVICE_UNAVAILABLE when the live feed goes down: subscribe again with afterSeq. Command text needs audit:read. Needs sessions:read. */
  sessionEvents: SessionEvent;
  /** A session the reaper had ABANDONED came back: a heartbeat or an event from it made it ACTIVE again (its interruptions count and interruptedPeriods say when it was silent). With `after`, the ones that came back since come first (each once, in its current state, by its latest resumedAt). Ends with SERVICE_UNAVAILABLE when the live feed goes down: subscribe again with `after`. Needs sessions:read. */
  sessionResumed: Session;
  /** A new session was stored (not on a repeated start of a known id). With `after`, the ones stored since come first. Ends with SERVICE_UNAVAILABLE when the live feed goes down: subscribe again with `after`. Needs sessions:read. */
  sessionStarted: Session;
};


/** Live feeds over graphql-ws (token in connectionParams.authorization); every field needs sessions:read (or admin). Each publishes only after the change is committed. */
export type SubscriptionActiveSessionCountArgs = {
  after?: InputMaybe<Scalars['DateTime']['input']>;
  component?: InputMaybe<Scalars['String']['input']>;
};


/** Live feeds over graphql-ws (token in connectionParams.authorization); every field needs sessions:read (or admin). Each publishes only after the change is committed. */
export type SubscriptionLiveEventsArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
  kinds?: InputMaybe<Array<Scalars['String']['input']>>;
};


/** Live feeds over graphql-ws (token in connectionParams.authorization); every field needs sessions:read (or admin). Each publishes only after the change is committed. */
export type SubscriptionReviewQueueChangedArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
};


/** Live feeds over graphql-ws (token in connectionParams.authorization); every field needs sessions:read (or admin). Each publishes only after the change is committed. */
export type SubscriptionSensitiveAccessArgs = {
  component?: InputMaybe<Scalars['String']['input']>;
};


/** Live feeds over graphql-ws (token in connectionParams.authorization); every field needs sessions:read (or admin). Each publishes only after the change is committed. */
export type SubscriptionSessionEndedArgs = {
  after?: InputMaybe<Scalars['DateTime']['input']>;
  component?: InputMaybe<Scalars['String']['input']>;
  type?: InputMaybe<Scalars['String']['input']>;
};


/** Live feeds over graphql-ws (token in connectionParams.authorization); every field needs sessions:read (or admin). Each publishes only after the change is committed. */
export type SubscriptionSessionEventsArgs = {
  afterSeq?: InputMaybe<Scalars['Int']['input']>;
  sessionId: Scalars['ID']['input'];
};


/** Live feeds over graphql-ws (token in connectionParams.authorization); every field needs sessions:read (or admin). Each publishes only after the change is committed. */
export type SubscriptionSessionResumedArgs = {
  after?: InputMaybe<Scalars['DateTime']['input']>;
  component?: InputMaybe<Scalars['String']['input']>;
  type?: InputMaybe<Scalars['String']['input']>;
};


/** Live feeds over graphql-ws (token in connectionParams.authorization); every field needs sessions:read (or admin). Each publishes only after the change is committed. */
export type SubscriptionSessionStartedArgs = {
  after?: InputMaybe<Scalars['DateTime']['input']>;
  component?: InputMaybe<Scalars['String']['input']>;
  type?: InputMaybe<Scalars['String']['input']>;
};

/** A metric per time bucket, with its direction. */
export type Trend = {
  __typename?: 'Trend';
  /** UP, DOWN or FLAT. */
  direction: TrendDirection;
  /** Length of one bucket, in seconds. */
  granularitySeconds: Scalars['Int']['output'];
  /** The metric asked for: one of sessions, avg_duration, error_rate, commands. */
  metric: Scalars['String']['output'];
  /** One point per bucket, oldest first; the last bucket ends now. */
  points: Array<TrendPoint>;
  /** Least-squares change of the value per bucket. */
  slope: Scalars['Float']['output'];
  /** Start of the first bucket: the window rounded up to whole buckets, back from now. */
  windowStart: Scalars['DateTime']['output'];
};

/** Which way a trend goes: the least-squares change over the window against 10 % of the mean value. */
export type TrendDirection =
  /** The fitted change over the window is more than 10 % of the mean, downwards. */
  | 'DOWN'
  /** Neither (or the mean is 0). */
  | 'FLAT'
  /** The fitted change over the window is more than 10 % of the mean, upwards. */
  | 'UP';

/** One bucket of a trend. */
export type TrendPoint = {
  __typename?: 'TrendPoint';
  /** Start of the bucket (inclusive). */
  bucketStart: Scalars['DateTime']['output'];
  /** Sessions started in the bucket. */
  sessions: Scalars['Int']['output'];
  /** The metric for the sessions started in the bucket: their count, mean finished duration (seconds), failed share (0–1) or commands; 0 when empty. */
  value: Scalars['Float']['output'];
};

export type SessionComponentQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type SessionComponentQuery = { __typename?: 'Query', session?: { __typename?: 'Session', id: string, component: string } | null };

export type SessionsByRefQueryVariables = Exact<{
  ref: Scalars['String']['input'];
  first: Scalars['Int']['input'];
}>;


export type SessionsByRefQuery = { __typename?: 'Query', sessions: { __typename?: 'SessionConnection', totalCount: number, edges: Array<{ __typename?: 'SessionEdge', node: { __typename?: 'Session', id: string, component: string, status: SessionStatus, startedAt: string, actor: string } }> } };

export type CliSearchQueryVariables = Exact<{
  query: Scalars['String']['input'];
  index?: InputMaybe<SearchIndex>;
  limit?: InputMaybe<Scalars['Int']['input']>;
  filter?: InputMaybe<SessionFilter>;
}>;


export type CliSearchQuery = { __typename?: 'Query', searchSessions: Array<{ __typename?: 'SearchHit', index: SearchIndex, sessionId: string, eventId?: string | null, score: number, snippet: string, at: string, session: { __typename?: 'Session', id: string, component: string, actor: string, hostname?: string | null, status: SessionStatus, startedAt: string } }> };

export type PurgeSessionsMutationVariables = Exact<{
  before: Scalars['DateTime']['input'];
  component?: InputMaybe<Scalars['String']['input']>;
  dryRun: Scalars['Boolean']['input'];
}>;


export type PurgeSessionsMutation = { __typename?: 'Mutation', purgeSessions: { __typename?: 'PurgeResult', dryRun: boolean, cutoff: string, clamped: boolean, minDays: number, component?: string | null, count: number, events: number, held: number, unsigned: number, active: number, sessions: Array<{ __typename?: 'PurgedSession', id: string, component: string, actor: string, status: string, startedAt: string, endedAt?: string | null, events: number }> } };

export type HoldSessionMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
}>;


export type HoldSessionMutation = { __typename?: 'Mutation', holdSession: { __typename?: 'LegalHold', sessionId: string, reason: string, heldBy: string, heldAt: string } };

export type ReleaseHoldMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ReleaseHoldMutation = { __typename?: 'Mutation', releaseHold: { __typename?: 'LegalHold', sessionId: string, releasedBy?: string | null, releasedAt?: string | null, reason: string, heldBy: string, heldAt: string } };

export type SessionReviewFieldsFragment = { __typename?: 'Session', sensitive: boolean, reviewCauses: Array<ReviewCause>, sensitivePeriods: Array<{ __typename?: 'SensitivePeriod', reason?: string | null, ticketRef?: string | null, beganAt: string, endedAt?: string | null, beginSeq: number, endSeq?: number | null, endedBy?: string | null }>, reviews: Array<{ __typename?: 'SessionReview', verdict: ReviewVerdict, note?: string | null, reviewer: string, reviewedAt: string }> };

export type PendingReviewsQueryVariables = Exact<{
  component?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type PendingReviewsQuery = { __typename?: 'Query', pendingReviews: { __typename?: 'SessionConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'SessionEdge', node: { __typename?: 'Session', id: string, component: string, actor: string, actorKind?: ActorKind | null, hostname?: string | null, status: SessionStatus, startedAt: string, endedAt?: string | null, commandCount: number, errorCount: number, sensitive: boolean, reviewCauses: Array<ReviewCause>, reason?: { __typename?: 'SessionReason', text: string, ticketRef?: string | null } | null, sensitivePeriods: Array<{ __typename?: 'SensitivePeriod', reason?: string | null, ticketRef?: string | null, beganAt: string, endedAt?: string | null, beginSeq: number, endSeq?: number | null, endedBy?: string | null }>, reviews: Array<{ __typename?: 'SessionReview', verdict: ReviewVerdict, note?: string | null, reviewer: string, reviewedAt: string }> } }> } };

export type ReviewSessionMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  verdict: ReviewVerdict;
  note?: InputMaybe<Scalars['String']['input']>;
}>;


export type ReviewSessionMutation = { __typename?: 'Mutation', reviewSession: { __typename?: 'SessionReview', id: string, sessionId: string, verdict: ReviewVerdict, note?: string | null, reviewer: string, reviewedAt: string } };

export type SessionReviewQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type SessionReviewQuery = { __typename?: 'Query', session?: { __typename?: 'Session', id: string, component: string, actor: string, status: SessionStatus, startedAt: string, endedAt?: string | null, sensitive: boolean, reviewCauses: Array<ReviewCause>, sensitivePeriods: Array<{ __typename?: 'SensitivePeriod', reason?: string | null, ticketRef?: string | null, beganAt: string, endedAt?: string | null, beginSeq: number, endSeq?: number | null, endedBy?: string | null }>, reviews: Array<{ __typename?: 'SessionReview', verdict: ReviewVerdict, note?: string | null, reviewer: string, reviewedAt: string }> } | null };

export type AlertDeliveriesQueryVariables = Exact<{
  filter?: InputMaybe<AlertDeliveryFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type AlertDeliveriesQuery = { __typename?: 'Query', alertDeliveries: { __typename?: 'AlertDeliveryPage', hasNextPage: boolean, endCursor?: string | null, deliveries: Array<{ __typename?: 'AlertDelivery', id: string, eventId: string, kind: AlertKind, target: string, sessionId?: string | null, component?: string | null, status: AlertDeliveryStatus, attempts: number, nextAttemptAt?: string | null, lastStatus?: number | null, lastError?: string | null, createdAt: string, deliveredAt?: string | null }> } };

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


export type RecordEventsMutation = { __typename?: 'Mutation', recordEvents: { __typename?: 'RecordEventsResult', accepted: number, duplicates: number, rejected: Array<{ __typename?: 'RejectedEvent', eventId: string, code: string, reason?: string | null, message: string }> } };

export type SessionFieldsFragment = { __typename?: 'Session', id: string, type: string, component: string, componentType?: string | null, componentVersion?: string | null, shellType?: string | null, adapters: Array<string>, status: SessionStatus, startedAt: string, endedAt?: string | null, lastSeenAt: string, receivedAt: string, endReceivedAt?: string | null, delayed: boolean, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, captureMode: CaptureMode, actor: string, username?: string | null, hostname?: string | null, pid?: number | null, environment: unknown, metadata: unknown, commandCount: number, errorCount: number, eventCount: number, completeness: Completeness, chained: boolean, brokenSeq?: number | null, lastSeq?: number | null, actorKind?: ActorKind | null, actorKindSource?: ActorKindSource | null, delegatedBy?: string | null, reason?: { __typename?: 'SessionReason', text: string, ticketRef?: string | null } | null };

export type SessionEventFieldsFragment = { __typename?: 'SessionEvent', id: string, sessionId: string, seq: number, kind: string, at: string, text?: string | null, textHidden: boolean, durationMs?: number | null, outcome?: CommandOutcome | null, errorClass?: string | null, redactions: number, hashOk?: boolean | null, completionHash?: string | null };

export type ListSessionsQueryVariables = Exact<{
  filter?: InputMaybe<SessionFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ListSessionsQuery = { __typename?: 'Query', sessions: { __typename?: 'SessionConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'SessionEdge', node: { __typename?: 'Session', id: string, type: string, component: string, componentType?: string | null, componentVersion?: string | null, shellType?: string | null, adapters: Array<string>, status: SessionStatus, startedAt: string, endedAt?: string | null, lastSeenAt: string, receivedAt: string, endReceivedAt?: string | null, delayed: boolean, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, captureMode: CaptureMode, actor: string, username?: string | null, hostname?: string | null, pid?: number | null, environment: unknown, metadata: unknown, commandCount: number, errorCount: number, eventCount: number, completeness: Completeness, chained: boolean, brokenSeq?: number | null, lastSeq?: number | null, actorKind?: ActorKind | null, actorKindSource?: ActorKindSource | null, delegatedBy?: string | null, reason?: { __typename?: 'SessionReason', text: string, ticketRef?: string | null } | null } }> } };

export type LegalHoldFieldsFragment = { __typename?: 'LegalHold', reason: string, heldBy: string, heldAt: string };

export type SessionViewersQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type SessionViewersQuery = { __typename?: 'Query', session?: { __typename?: 'Session', viewedBy: Array<{ __typename?: 'SessionViewer', subject: string, events: number, reads: number, lastAt: string }> } | null };

export type ShowSessionQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ShowSessionQuery = { __typename?: 'Query', session?: { __typename?: 'Session', clientHealth?: unknown | null, id: string, type: string, component: string, componentType?: string | null, componentVersion?: string | null, shellType?: string | null, adapters: Array<string>, status: SessionStatus, startedAt: string, endedAt?: string | null, lastSeenAt: string, receivedAt: string, endReceivedAt?: string | null, delayed: boolean, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, captureMode: CaptureMode, actor: string, username?: string | null, hostname?: string | null, pid?: number | null, environment: unknown, metadata: unknown, commandCount: number, errorCount: number, eventCount: number, completeness: Completeness, chained: boolean, brokenSeq?: number | null, lastSeq?: number | null, actorKind?: ActorKind | null, actorKindSource?: ActorKindSource | null, delegatedBy?: string | null, sensitive: boolean, reviewCauses: Array<ReviewCause>, legalHold?: { __typename?: 'LegalHold', reason: string, heldBy: string, heldAt: string } | null, missingSeqRanges: Array<{ __typename?: 'SeqRange', from: number, to: number }>, events: { __typename?: 'SessionEventConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'SessionEventEdge', node: { __typename?: 'SessionEvent', payload: unknown, id: string, sessionId: string, seq: number, kind: string, at: string, text?: string | null, textHidden: boolean, durationMs?: number | null, outcome?: CommandOutcome | null, errorClass?: string | null, redactions: number, hashOk?: boolean | null, completionHash?: string | null } }> }, reason?: { __typename?: 'SessionReason', text: string, ticketRef?: string | null } | null, sensitivePeriods: Array<{ __typename?: 'SensitivePeriod', reason?: string | null, ticketRef?: string | null, beganAt: string, endedAt?: string | null, beginSeq: number, endSeq?: number | null, endedBy?: string | null }>, reviews: Array<{ __typename?: 'SessionReview', verdict: ReviewVerdict, note?: string | null, reviewer: string, reviewedAt: string }> } | null };

export type ActiveSessionsQueryVariables = Exact<{
  component?: InputMaybe<Scalars['String']['input']>;
}>;


export type ActiveSessionsQuery = { __typename?: 'Query', activeSessions: Array<{ __typename?: 'Session', id: string, type: string, component: string, componentType?: string | null, componentVersion?: string | null, shellType?: string | null, adapters: Array<string>, status: SessionStatus, startedAt: string, endedAt?: string | null, lastSeenAt: string, receivedAt: string, endReceivedAt?: string | null, delayed: boolean, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, captureMode: CaptureMode, actor: string, username?: string | null, hostname?: string | null, pid?: number | null, environment: unknown, metadata: unknown, commandCount: number, errorCount: number, eventCount: number, completeness: Completeness, chained: boolean, brokenSeq?: number | null, lastSeq?: number | null, actorKind?: ActorKind | null, actorKindSource?: ActorKindSource | null, delegatedBy?: string | null, reason?: { __typename?: 'SessionReason', text: string, ticketRef?: string | null } | null }> };

export type WatchStartedSubscriptionVariables = Exact<{
  component?: InputMaybe<Scalars['String']['input']>;
  after?: InputMaybe<Scalars['DateTime']['input']>;
}>;


export type WatchStartedSubscription = { __typename?: 'Subscription', sessionStarted: { __typename?: 'Session', id: string, type: string, component: string, componentType?: string | null, componentVersion?: string | null, shellType?: string | null, adapters: Array<string>, status: SessionStatus, startedAt: string, endedAt?: string | null, lastSeenAt: string, receivedAt: string, endReceivedAt?: string | null, delayed: boolean, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, captureMode: CaptureMode, actor: string, username?: string | null, hostname?: string | null, pid?: number | null, environment: unknown, metadata: unknown, commandCount: number, errorCount: number, eventCount: number, completeness: Completeness, chained: boolean, brokenSeq?: number | null, lastSeq?: number | null, actorKind?: ActorKind | null, actorKindSource?: ActorKindSource | null, delegatedBy?: string | null, reason?: { __typename?: 'SessionReason', text: string, ticketRef?: string | null } | null } };

export type WatchEndedSubscriptionVariables = Exact<{
  component?: InputMaybe<Scalars['String']['input']>;
  after?: InputMaybe<Scalars['DateTime']['input']>;
}>;


export type WatchEndedSubscription = { __typename?: 'Subscription', sessionEnded: { __typename?: 'Session', id: string, type: string, component: string, componentType?: string | null, componentVersion?: string | null, shellType?: string | null, adapters: Array<string>, status: SessionStatus, startedAt: string, endedAt?: string | null, lastSeenAt: string, receivedAt: string, endReceivedAt?: string | null, delayed: boolean, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, captureMode: CaptureMode, actor: string, username?: string | null, hostname?: string | null, pid?: number | null, environment: unknown, metadata: unknown, commandCount: number, errorCount: number, eventCount: number, completeness: Completeness, chained: boolean, brokenSeq?: number | null, lastSeq?: number | null, actorKind?: ActorKind | null, actorKindSource?: ActorKindSource | null, delegatedBy?: string | null, reason?: { __typename?: 'SessionReason', text: string, ticketRef?: string | null } | null } };

export type WatchEventsSubscriptionVariables = Exact<{
  sessionId: Scalars['ID']['input'];
  afterSeq?: InputMaybe<Scalars['Int']['input']>;
}>;


export type WatchEventsSubscription = { __typename?: 'Subscription', sessionEvents: { __typename?: 'SessionEvent', id: string, sessionId: string, seq: number, kind: string, at: string, text?: string | null, textHidden: boolean, durationMs?: number | null, outcome?: CommandOutcome | null, errorClass?: string | null, redactions: number, hashOk?: boolean | null, completionHash?: string | null } };

export type LiveEventsSubscriptionVariables = Exact<{
  component?: InputMaybe<Scalars['String']['input']>;
}>;


export type LiveEventsSubscription = { __typename?: 'Subscription', liveEvents: { __typename?: 'SessionEvent', id: string, sessionId: string, seq: number, kind: string, at: string, text?: string | null, textHidden: boolean, durationMs?: number | null, outcome?: CommandOutcome | null, errorClass?: string | null, redactions: number, hashOk?: boolean | null, completionHash?: string | null } };

export type SessionEventsAfterQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  afterSeq?: InputMaybe<Scalars['Int']['input']>;
}>;


export type SessionEventsAfterQuery = { __typename?: 'Query', session?: { __typename?: 'Session', id: string, component: string, events: { __typename?: 'SessionEventConnection', edges: Array<{ __typename?: 'SessionEventEdge', node: { __typename?: 'SessionEvent', id: string, sessionId: string, seq: number, kind: string, at: string, text?: string | null, textHidden: boolean, durationMs?: number | null, outcome?: CommandOutcome | null, errorClass?: string | null, redactions: number, hashOk?: boolean | null, completionHash?: string | null } }> } } | null };

export type StatsQueryVariables = Exact<{
  days?: InputMaybe<Scalars['Int']['input']>;
}>;


export type StatsQuery = { __typename?: 'Query', sessionStats: Array<{ __typename?: 'ComponentStats', component: string, totalSessions: number, activeSessions: number, endedSessions: number, failedSessions: number, avgDurationSeconds?: number | null, p95DurationSeconds?: number | null, errorRate: number }>, mostActiveComponents: Array<{ __typename?: 'ComponentUsage', component: string, totalDurationSeconds: number, qualityScore?: number | null, lastActiveAt: string }>, sessionErrorRate: Array<{ __typename?: 'ComponentErrorRate', component: string, mostCommonError?: string | null }>, byActorKind: Array<{ __typename?: 'AggregateRow', key: unknown, count: number, failedSessions: number, avgDurationSeconds?: number | null }> };

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

export type SessionSummaryFieldsFragment = { __typename?: 'Session', id: string, type: string, component: string, status: SessionStatus, actor: string, actorKind?: ActorKind | null, actorKindSource?: ActorKindSource | null, delegatedBy?: string | null, username?: string | null, hostname?: string | null, startedAt: string, endedAt?: string | null, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, commandCount: number, errorCount: number, completeness: Completeness };

export type DashboardProbeQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardProbeQuery = { __typename?: 'Query', activeSessions: Array<{ __typename?: 'Session', id: string }> };

export type DashboardActiveQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardActiveQuery = { __typename?: 'Query', activeSessions: Array<{ __typename?: 'Session', id: string, type: string, component: string, status: SessionStatus, actor: string, actorKind?: ActorKind | null, actorKindSource?: ActorKindSource | null, delegatedBy?: string | null, username?: string | null, hostname?: string | null, startedAt: string, endedAt?: string | null, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, commandCount: number, errorCount: number, completeness: Completeness }> };

export type DashboardRecentEndedQueryVariables = Exact<{
  first: Scalars['Int']['input'];
}>;


export type DashboardRecentEndedQuery = { __typename?: 'Query', ended: { __typename?: 'SessionConnection', edges: Array<{ __typename?: 'SessionEdge', node: { __typename?: 'Session', id: string, type: string, component: string, status: SessionStatus, actor: string, actorKind?: ActorKind | null, actorKindSource?: ActorKindSource | null, delegatedBy?: string | null, username?: string | null, hostname?: string | null, startedAt: string, endedAt?: string | null, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, commandCount: number, errorCount: number, completeness: Completeness } }> }, abandoned: { __typename?: 'SessionConnection', edges: Array<{ __typename?: 'SessionEdge', node: { __typename?: 'Session', id: string, type: string, component: string, status: SessionStatus, actor: string, actorKind?: ActorKind | null, actorKindSource?: ActorKindSource | null, delegatedBy?: string | null, username?: string | null, hostname?: string | null, startedAt: string, endedAt?: string | null, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, commandCount: number, errorCount: number, completeness: Completeness } }> } };

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


export type DashboardSessionQuery = { __typename?: 'Query', session?: { __typename?: 'Session', id: string, type: string, component: string, componentType?: string | null, componentVersion?: string | null, shellType?: string | null, adapters: Array<string>, status: SessionStatus, startedAt: string, endedAt?: string | null, lastSeenAt: string, receivedAt: string, endReceivedAt?: string | null, delayed: boolean, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, captureMode: CaptureMode, actor: string, username?: string | null, hostname?: string | null, pid?: number | null, environment: unknown, metadata: unknown, commandCount: number, errorCount: number, eventCount: number, completeness: Completeness, chained: boolean, brokenSeq?: number | null, lastSeq?: number | null, actorKind?: ActorKind | null, actorKindSource?: ActorKindSource | null, delegatedBy?: string | null, legalHold?: { __typename?: 'LegalHold', reason: string, heldBy: string, heldAt: string } | null, events: { __typename?: 'SessionEventConnection', pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'SessionEventEdge', node: { __typename?: 'SessionEvent', id: string, sessionId: string, seq: number, kind: string, at: string, text?: string | null, textHidden: boolean, durationMs?: number | null, outcome?: CommandOutcome | null, errorClass?: string | null, redactions: number, hashOk?: boolean | null, completionHash?: string | null } }> }, reason?: { __typename?: 'SessionReason', text: string, ticketRef?: string | null } | null } | null };

export type DashboardActiveCountSubscriptionVariables = Exact<{
  component?: InputMaybe<Scalars['String']['input']>;
  after?: InputMaybe<Scalars['DateTime']['input']>;
}>;


export type DashboardActiveCountSubscription = { __typename?: 'Subscription', activeSessionCount: number };

export type DashboardAnomalyFieldsFragment = { __typename?: 'Anomaly', metric: string, at: string, component: string, sessionId?: string | null, value: number, baseline: number, score: number, reason: string };

export type DashboardAnomaliesQueryVariables = Exact<{
  windowSeconds: Scalars['Int']['input'];
  limit: Scalars['Int']['input'];
}>;


export type DashboardAnomaliesQuery = { __typename?: 'Query', sessionDuration: Array<{ __typename?: 'Anomaly', metric: string, at: string, component: string, sessionId?: string | null, value: number, baseline: number, score: number, reason: string }>, commandsPerSession: Array<{ __typename?: 'Anomaly', metric: string, at: string, component: string, sessionId?: string | null, value: number, baseline: number, score: number, reason: string }>, sessionsPerHour: Array<{ __typename?: 'Anomaly', metric: string, at: string, component: string, sessionId?: string | null, value: number, baseline: number, score: number, reason: string }>, errorRate: Array<{ __typename?: 'Anomaly', metric: string, at: string, component: string, sessionId?: string | null, value: number, baseline: number, score: number, reason: string }> };

export type DashboardHoldSessionMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
}>;


export type DashboardHoldSessionMutation = { __typename?: 'Mutation', holdSession: { __typename?: 'LegalHold', reason: string, heldBy: string, heldAt: string } };

export type DashboardReleaseHoldMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type DashboardReleaseHoldMutation = { __typename?: 'Mutation', releaseHold: { __typename?: 'LegalHold', releasedAt?: string | null } };

export type DashboardSessionHoldQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type DashboardSessionHoldQuery = { __typename?: 'Query', session?: { __typename?: 'Session', legalHold?: { __typename?: 'LegalHold', reason: string, heldBy: string, heldAt: string } | null } | null };

export type DashboardReviewQueueChangedSubscriptionVariables = Exact<{
  component?: InputMaybe<Scalars['String']['input']>;
}>;


export type DashboardReviewQueueChangedSubscription = { __typename?: 'Subscription', reviewQueueChanged: { __typename?: 'ReviewQueueChange', sessionId: string, component: string, change: string, verdict?: ReviewVerdict | null, reviewer?: string | null, at: string } };

export type TestStartSessionMutationVariables = Exact<{
  input: StartSessionInput;
}>;


export type TestStartSessionMutation = { __typename?: 'Mutation', startSession: { __typename?: 'Session', id: string, type: string, component: string, componentType?: string | null, componentVersion?: string | null, shellType?: string | null, adapters: Array<string>, status: SessionStatus, startedAt: string, endedAt?: string | null, lastSeenAt: string, receivedAt: string, endReceivedAt?: string | null, delayed: boolean, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, captureMode: CaptureMode, actor: string, username?: string | null, hostname?: string | null, pid?: number | null, environment: unknown, metadata: unknown, commandCount: number, errorCount: number, eventCount: number, completeness: Completeness, chained: boolean, brokenSeq?: number | null, lastSeq?: number | null, actorKind?: ActorKind | null, actorKindSource?: ActorKindSource | null, delegatedBy?: string | null, reason?: { __typename?: 'SessionReason', text: string, ticketRef?: string | null } | null } };

export type TestEndSessionMutationVariables = Exact<{
  input: EndSessionInput;
}>;


export type TestEndSessionMutation = { __typename?: 'Mutation', endSession: { __typename?: 'Session', id: string, type: string, component: string, componentType?: string | null, componentVersion?: string | null, shellType?: string | null, adapters: Array<string>, status: SessionStatus, startedAt: string, endedAt?: string | null, lastSeenAt: string, receivedAt: string, endReceivedAt?: string | null, delayed: boolean, durationSeconds?: number | null, endReason?: EndReason | null, exitCode?: number | null, captureMode: CaptureMode, actor: string, username?: string | null, hostname?: string | null, pid?: number | null, environment: unknown, metadata: unknown, commandCount: number, errorCount: number, eventCount: number, completeness: Completeness, chained: boolean, brokenSeq?: number | null, lastSeq?: number | null, actorKind?: ActorKind | null, actorKindSource?: ActorKindSource | null, delegatedBy?: string | null, reason?: { __typename?: 'SessionReason', text: string, ticketRef?: string | null } | null } };

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
export const SessionReviewFieldsFragmentDoc = new TypedDocumentString(`fragment SessionReviewFields on Session{sensitive sensitivePeriods{reason ticketRef beganAt endedAt beginSeq endSeq endedBy}reviewCauses reviews{verdict note reviewer reviewedAt}}`, {"fragmentName":"SessionReviewFields"}) as unknown as TypedDocumentString<SessionReviewFieldsFragment, unknown>;
export const SessionFieldsFragmentDoc = new TypedDocumentString(`fragment SessionFields on Session{id type component componentType componentVersion shellType adapters status startedAt endedAt lastSeenAt receivedAt endReceivedAt delayed durationSeconds endReason exitCode captureMode actor username hostname pid environment metadata commandCount errorCount eventCount completeness chained brokenSeq lastSeq reason{text ticketRef}actorKind actorKindSource delegatedBy}`, {"fragmentName":"SessionFields"}) as unknown as TypedDocumentString<SessionFieldsFragment, unknown>;
export const SessionEventFieldsFragmentDoc = new TypedDocumentString(`fragment SessionEventFields on SessionEvent{id sessionId seq kind at text textHidden durationMs outcome errorClass redactions hashOk completionHash}`, {"fragmentName":"SessionEventFields"}) as unknown as TypedDocumentString<SessionEventFieldsFragment, unknown>;
export const LegalHoldFieldsFragmentDoc = new TypedDocumentString(`fragment LegalHoldFields on LegalHold{reason heldBy heldAt}`, {"fragmentName":"LegalHoldFields"}) as unknown as TypedDocumentString<LegalHoldFieldsFragment, unknown>;
export const SessionSummaryFieldsFragmentDoc = new TypedDocumentString(`fragment SessionSummaryFields on Session{id type component status actor actorKind actorKindSource delegatedBy username hostname startedAt endedAt durationSeconds endReason exitCode commandCount errorCount completeness}`, {"fragmentName":"SessionSummaryFields"}) as unknown as TypedDocumentString<SessionSummaryFieldsFragment, unknown>;
export const DashboardAnomalyFieldsFragmentDoc = new TypedDocumentString(`fragment DashboardAnomalyFields on Anomaly{metric at component sessionId value baseline score reason}`, {"fragmentName":"DashboardAnomalyFields"}) as unknown as TypedDocumentString<DashboardAnomalyFieldsFragment, unknown>;
export const SessionComponentDocument = new TypedDocumentString(`query SessionComponent($id:ID!){session(id:$id){id component}}`) as unknown as TypedDocumentString<SessionComponentQuery, SessionComponentQueryVariables>;
export const SessionsByRefDocument = new TypedDocumentString(`query SessionsByRef($ref:String!$first:Int!){sessions(filter:{idRef:$ref}first:$first){totalCount edges{node{id component status startedAt actor}}}}`) as unknown as TypedDocumentString<SessionsByRefQuery, SessionsByRefQueryVariables>;
export const CliSearchDocument = new TypedDocumentString(`query CliSearch($query:String!$index:SearchIndex$limit:Int$filter:SessionFilter){searchSessions(query:$query index:$index limit:$limit filter:$filter){index sessionId eventId score snippet at session{id component actor hostname status startedAt}}}`) as unknown as TypedDocumentString<CliSearchQuery, CliSearchQueryVariables>;
export const PurgeSessionsDocument = new TypedDocumentString(`mutation PurgeSessions($before:DateTime!$component:String$dryRun:Boolean!){purgeSessions(before:$before component:$component dryRun:$dryRun){dryRun cutoff clamped minDays component count events held unsigned active sessions{id component actor status startedAt endedAt events}}}`) as unknown as TypedDocumentString<PurgeSessionsMutation, PurgeSessionsMutationVariables>;
export const HoldSessionDocument = new TypedDocumentString(`mutation HoldSession($id:ID!$reason:String!){holdSession(id:$id reason:$reason){sessionId ...LegalHoldFields}}fragment LegalHoldFields on LegalHold{reason heldBy heldAt}`) as unknown as TypedDocumentString<HoldSessionMutation, HoldSessionMutationVariables>;
export const ReleaseHoldDocument = new TypedDocumentString(`mutation ReleaseHold($id:ID!){releaseHold(id:$id){sessionId ...LegalHoldFields releasedBy releasedAt}}fragment LegalHoldFields on LegalHold{reason heldBy heldAt}`) as unknown as TypedDocumentString<ReleaseHoldMutation, ReleaseHoldMutationVariables>;
export const PendingReviewsDocument = new TypedDocumentString(`query PendingReviews($component:String$first:Int$after:String){pendingReviews(component:$component first:$first after:$after){totalCount pageInfo{hasNextPage endCursor}edges{node{id component actor actorKind hostname status startedAt endedAt commandCount errorCount reason{text ticketRef}...SessionReviewFields}}}}fragment SessionReviewFields on Session{sensitive sensitivePeriods{reason ticketRef beganAt endedAt beginSeq endSeq endedBy}reviewCauses reviews{verdict note reviewer reviewedAt}}`) as unknown as TypedDocumentString<PendingReviewsQuery, PendingReviewsQueryVariables>;
export const ReviewSessionDocument = new TypedDocumentString(`mutation ReviewSession($id:ID!$verdict:ReviewVerdict!$note:String){reviewSession(id:$id verdict:$verdict note:$note){id sessionId verdict note reviewer reviewedAt}}`) as unknown as TypedDocumentString<ReviewSessionMutation, ReviewSessionMutationVariables>;
export const SessionReviewDocument = new TypedDocumentString(`query SessionReview($id:ID!){session(id:$id){id component actor status startedAt endedAt ...SessionReviewFields}}fragment SessionReviewFields on Session{sensitive sensitivePeriods{reason ticketRef beganAt endedAt beginSeq endSeq endedBy}reviewCauses reviews{verdict note reviewer reviewedAt}}`) as unknown as TypedDocumentString<SessionReviewQuery, SessionReviewQueryVariables>;
export const AlertDeliveriesDocument = new TypedDocumentString(`query AlertDeliveries($filter:AlertDeliveryFilter$first:Int$after:String){alertDeliveries(filter:$filter first:$first after:$after){hasNextPage endCursor deliveries{id eventId kind target sessionId component status attempts nextAttemptAt lastStatus lastError createdAt deliveredAt}}}`) as unknown as TypedDocumentString<AlertDeliveriesQuery, AlertDeliveriesQueryVariables>;
export const StartSessionDocument = new TypedDocumentString(`mutation StartSession($input:StartSessionInput!){startSession(input:$input){id status startedAt}}`) as unknown as TypedDocumentString<StartSessionMutation, StartSessionMutationVariables>;
export const EndSessionDocument = new TypedDocumentString(`mutation EndSession($input:EndSessionInput!){endSession(input:$input){id status endedAt endReason}}`) as unknown as TypedDocumentString<EndSessionMutation, EndSessionMutationVariables>;
export const HeartbeatDocument = new TypedDocumentString(`mutation Heartbeat($ids:[ID!]!$client:ClientHealthInput){heartbeat(ids:$ids client:$client)}`) as unknown as TypedDocumentString<HeartbeatMutation, HeartbeatMutationVariables>;
export const RecordEventsDocument = new TypedDocumentString(`mutation RecordEvents($events:[SessionEventInput!]!){recordEvents(events:$events){accepted duplicates rejected{eventId code reason message}}}`) as unknown as TypedDocumentString<RecordEventsMutation, RecordEventsMutationVariables>;
export const ListSessionsDocument = new TypedDocumentString(`query ListSessions($filter:SessionFilter$first:Int$after:String){sessions(filter:$filter first:$first after:$after){totalCount pageInfo{hasNextPage endCursor}edges{node{...SessionFields}}}}fragment SessionFields on Session{id type component componentType componentVersion shellType adapters status startedAt endedAt lastSeenAt receivedAt endReceivedAt delayed durationSeconds endReason exitCode captureMode actor username hostname pid environment metadata commandCount errorCount eventCount completeness chained brokenSeq lastSeq reason{text ticketRef}actorKind actorKindSource delegatedBy}`) as unknown as TypedDocumentString<ListSessionsQuery, ListSessionsQueryVariables>;
export const SessionViewersDocument = new TypedDocumentString(`query SessionViewers($id:ID!){session(id:$id){viewedBy{subject events reads lastAt}}}`) as unknown as TypedDocumentString<SessionViewersQuery, SessionViewersQueryVariables>;
export const ShowSessionDocument = new TypedDocumentString(`query ShowSession($id:ID!$first:Int$after:String){session(id:$id){...SessionFields clientHealth legalHold{...LegalHoldFields}...SessionReviewFields missingSeqRanges{from to}events(first:$first after:$after){totalCount pageInfo{hasNextPage endCursor}edges{node{...SessionEventFields payload}}}}}fragment SessionReviewFields on Session{sensitive sensitivePeriods{reason ticketRef beganAt endedAt beginSeq endSeq endedBy}reviewCauses reviews{verdict note reviewer reviewedAt}}fragment SessionFields on Session{id type component componentType componentVersion shellType adapters status startedAt endedAt lastSeenAt receivedAt endReceivedAt delayed durationSeconds endReason exitCode captureMode actor username hostname pid environment metadata commandCount errorCount eventCount completeness chained brokenSeq lastSeq reason{text ticketRef}actorKind actorKindSource delegatedBy}fragment SessionEventFields on SessionEvent{id sessionId seq kind at text textHidden durationMs outcome errorClass redactions hashOk completionHash}fragment LegalHoldFields on LegalHold{reason heldBy heldAt}`) as unknown as TypedDocumentString<ShowSessionQuery, ShowSessionQueryVariables>;
export const ActiveSessionsDocument = new TypedDocumentString(`query ActiveSessions($component:String){activeSessions(component:$component){...SessionFields}}fragment SessionFields on Session{id type component componentType componentVersion shellType adapters status startedAt endedAt lastSeenAt receivedAt endReceivedAt delayed durationSeconds endReason exitCode captureMode actor username hostname pid environment metadata commandCount errorCount eventCount completeness chained brokenSeq lastSeq reason{text ticketRef}actorKind actorKindSource delegatedBy}`) as unknown as TypedDocumentString<ActiveSessionsQuery, ActiveSessionsQueryVariables>;
export const WatchStartedDocument = new TypedDocumentString(`subscription WatchStarted($component:String$after:DateTime){sessionStarted(component:$component after:$after){...SessionFields}}fragment SessionFields on Session{id type component componentType componentVersion shellType adapters status startedAt endedAt lastSeenAt receivedAt endReceivedAt delayed durationSeconds endReason exitCode captureMode actor username hostname pid environment metadata commandCount errorCount eventCount completeness chained brokenSeq lastSeq reason{text ticketRef}actorKind actorKindSource delegatedBy}`) as unknown as TypedDocumentString<WatchStartedSubscription, WatchStartedSubscriptionVariables>;
export const WatchEndedDocument = new TypedDocumentString(`subscription WatchEnded($component:String$after:DateTime){sessionEnded(component:$component after:$after){...SessionFields}}fragment SessionFields on Session{id type component componentType componentVersion shellType adapters status startedAt endedAt lastSeenAt receivedAt endReceivedAt delayed durationSeconds endReason exitCode captureMode actor username hostname pid environment metadata commandCount errorCount eventCount completeness chained brokenSeq lastSeq reason{text ticketRef}actorKind actorKindSource delegatedBy}`) as unknown as TypedDocumentString<WatchEndedSubscription, WatchEndedSubscriptionVariables>;
export const WatchEventsDocument = new TypedDocumentString(`subscription WatchEvents($sessionId:ID!$afterSeq:Int){sessionEvents(sessionId:$sessionId afterSeq:$afterSeq){...SessionEventFields}}fragment SessionEventFields on SessionEvent{id sessionId seq kind at text textHidden durationMs outcome errorClass redactions hashOk completionHash}`) as unknown as TypedDocumentString<WatchEventsSubscription, WatchEventsSubscriptionVariables>;
export const LiveEventsDocument = new TypedDocumentString(`subscription LiveEvents($component:String){liveEvents(component:$component){...SessionEventFields}}fragment SessionEventFields on SessionEvent{id sessionId seq kind at text textHidden durationMs outcome errorClass redactions hashOk completionHash}`) as unknown as TypedDocumentString<LiveEventsSubscription, LiveEventsSubscriptionVariables>;
export const SessionEventsAfterDocument = new TypedDocumentString(`query SessionEventsAfter($id:ID!$afterSeq:Int){session(id:$id){id component events(first:1000 afterSeq:$afterSeq){edges{node{...SessionEventFields}}}}}fragment SessionEventFields on SessionEvent{id sessionId seq kind at text textHidden durationMs outcome errorClass redactions hashOk completionHash}`) as unknown as TypedDocumentString<SessionEventsAfterQuery, SessionEventsAfterQueryVariables>;
export const StatsDocument = new TypedDocumentString(`query Stats($days:Int){sessionStats(days:$days){component totalSessions activeSessions endedSessions failedSessions avgDurationSeconds p95DurationSeconds errorRate}mostActiveComponents(days:$days limit:1000){component totalDurationSeconds qualityScore lastActiveAt}sessionErrorRate(days:$days){component mostCommonError}byActorKind:aggregateSessions(groupBy:[ACTOR_KIND]days:$days){key count failedSessions avgDurationSeconds}}`) as unknown as TypedDocumentString<StatsQuery, StatsQueryVariables>;
export const SessionQualityDocument = new TypedDocumentString(`query SessionQuality($days:Int$component:String){sessionQuality(days:$days component:$component){component totalSessions activeSessions finishedSessions cleanEndRate abandonedRate delayedRate qualityScore}}`) as unknown as TypedDocumentString<SessionQualityQuery, SessionQualityQueryVariables>;
export const RecentEventsDocument = new TypedDocumentString(`query RecentEvents($component:String$type:String$kind:String$outcome:CommandOutcome$limit:Int){recentEvents(component:$component type:$type kind:$kind outcome:$outcome limit:$limit){id sessionId seq kind at text durationMs outcome errorClass payload}}`) as unknown as TypedDocumentString<RecentEventsQuery, RecentEventsQueryVariables>;
export const AggregateDocument = new TypedDocumentString(`query Aggregate($groupBy:[AggregateKey!]!$filter:SessionFilter$limit:Int){aggregateSessions(groupBy:$groupBy filter:$filter limit:$limit){key count avgDurationSeconds errorCount failedSessions}}`) as unknown as TypedDocumentString<AggregateQuery, AggregateQueryVariables>;
export const SearchDocument = new TypedDocumentString(`query Search($query:String!$index:SearchIndex$limit:Int){searchSessions(query:$query index:$index limit:$limit){sessionId eventId index score snippet at}}`) as unknown as TypedDocumentString<SearchQuery, SearchQueryVariables>;
export const DetectDocument = new TypedDocumentString(`query Detect($metric:String!$threshold:Float$windowSeconds:Int$component:String){detectAnomalies(metric:$metric threshold:$threshold windowSeconds:$windowSeconds component:$component){metric at value baseline score component sessionId reason}}`) as unknown as TypedDocumentString<DetectQuery, DetectQueryVariables>;
export const GraphDocument = new TypedDocumentString(`query Graph($query:String$nodeType:String$depth:Int){sessionGraph(query:$query nodeType:$nodeType depth:$depth){depth truncated maxNodes nodes{id type label weight depth}edges{source target type weight}}}`) as unknown as TypedDocumentString<GraphQuery, GraphQueryVariables>;
export const TrendsDocument = new TypedDocumentString(`query Trends($metric:String!$windowSeconds:Int!$granularitySeconds:Int!$component:String){sessionTrends(metric:$metric windowSeconds:$windowSeconds granularitySeconds:$granularitySeconds component:$component){metric direction slope points{bucketStart value}}}`) as unknown as TypedDocumentString<TrendsQuery, TrendsQueryVariables>;
export const InsightsDocument = new TypedDocumentString(`query Insights($days:Int){mostActiveComponents(days:$days limit:50){component sessionCount totalDurationSeconds qualityScore lastActiveAt}aggregateSessions(groupBy:[ACTOR]limit:5){key count}sessionErrorRate(days:$days){component totalSessions failedSessions errorRate mostCommonError}}`) as unknown as TypedDocumentString<InsightsQuery, InsightsQueryVariables>;
export const DashboardProbeDocument = new TypedDocumentString(`query DashboardProbe{activeSessions{id}}`) as unknown as TypedDocumentString<DashboardProbeQuery, DashboardProbeQueryVariables>;
export const DashboardActiveDocument = new TypedDocumentString(`query DashboardActive{activeSessions{...SessionSummaryFields}}fragment SessionSummaryFields on Session{id type component status actor actorKind actorKindSource delegatedBy username hostname startedAt endedAt durationSeconds endReason exitCode commandCount errorCount completeness}`) as unknown as TypedDocumentString<DashboardActiveQuery, DashboardActiveQueryVariables>;
export const DashboardRecentEndedDocument = new TypedDocumentString(`query DashboardRecentEnded($first:Int!){ended:sessions(filter:{status:ENDED}first:$first){edges{node{...SessionSummaryFields}}}abandoned:sessions(filter:{status:ABANDONED}first:$first){edges{node{...SessionSummaryFields}}}}fragment SessionSummaryFields on Session{id type component status actor actorKind actorKindSource delegatedBy username hostname startedAt endedAt durationSeconds endReason exitCode commandCount errorCount completeness}`) as unknown as TypedDocumentString<DashboardRecentEndedQuery, DashboardRecentEndedQueryVariables>;
export const DashboardStartedSinceDocument = new TypedDocumentString(`query DashboardStartedSince($after:DateTime!$first:Int!$cursor:String){sessions(filter:{startedAfter:$after}first:$first after:$cursor){totalCount pageInfo{hasNextPage endCursor}edges{node{id component status startedAt durationSeconds}}}}`) as unknown as TypedDocumentString<DashboardStartedSinceQuery, DashboardStartedSinceQueryVariables>;
export const DashboardSessionDocument = new TypedDocumentString(`query DashboardSession($id:ID!$first:Int!$after:String){session(id:$id){...SessionFields legalHold{...LegalHoldFields}events(first:$first after:$after){pageInfo{hasNextPage endCursor}edges{node{...SessionEventFields}}}}}fragment SessionFields on Session{id type component componentType componentVersion shellType adapters status startedAt endedAt lastSeenAt receivedAt endReceivedAt delayed durationSeconds endReason exitCode captureMode actor username hostname pid environment metadata commandCount errorCount eventCount completeness chained brokenSeq lastSeq reason{text ticketRef}actorKind actorKindSource delegatedBy}fragment SessionEventFields on SessionEvent{id sessionId seq kind at text textHidden durationMs outcome errorClass redactions hashOk completionHash}fragment LegalHoldFields on LegalHold{reason heldBy heldAt}`) as unknown as TypedDocumentString<DashboardSessionQuery, DashboardSessionQueryVariables>;
export const DashboardActiveCountDocument = new TypedDocumentString(`subscription DashboardActiveCount($component:String$after:DateTime){activeSessionCount(component:$component after:$after)}`) as unknown as TypedDocumentString<DashboardActiveCountSubscription, DashboardActiveCountSubscriptionVariables>;
export const DashboardAnomaliesDocument = new TypedDocumentString(`query DashboardAnomalies($windowSeconds:Int!$limit:Int!){sessionDuration:detectAnomalies(metric:"session_duration" windowSeconds:$windowSeconds limit:$limit){...DashboardAnomalyFields}commandsPerSession:detectAnomalies(metric:"commands_per_session" windowSeconds:$windowSeconds limit:$limit){...DashboardAnomalyFields}sessionsPerHour:detectAnomalies(metric:"sessions_per_hour" windowSeconds:$windowSeconds limit:$limit){...DashboardAnomalyFields}errorRate:detectAnomalies(metric:"error_rate" windowSeconds:$windowSeconds limit:$limit){...DashboardAnomalyFields}}fragment DashboardAnomalyFields on Anomaly{metric at component sessionId value baseline score reason}`) as unknown as TypedDocumentString<DashboardAnomaliesQuery, DashboardAnomaliesQueryVariables>;
export const DashboardHoldSessionDocument = new TypedDocumentString(`mutation DashboardHoldSession($id:ID!$reason:String!){holdSession(id:$id reason:$reason){...LegalHoldFields}}fragment LegalHoldFields on LegalHold{reason heldBy heldAt}`) as unknown as TypedDocumentString<DashboardHoldSessionMutation, DashboardHoldSessionMutationVariables>;
export const DashboardReleaseHoldDocument = new TypedDocumentString(`mutation DashboardReleaseHold($id:ID!){releaseHold(id:$id){releasedAt}}`) as unknown as TypedDocumentString<DashboardReleaseHoldMutation, DashboardReleaseHoldMutationVariables>;
export const DashboardSessionHoldDocument = new TypedDocumentString(`query DashboardSessionHold($id:ID!){session(id:$id){legalHold{...LegalHoldFields}}}fragment LegalHoldFields on LegalHold{reason heldBy heldAt}`) as unknown as TypedDocumentString<DashboardSessionHoldQuery, DashboardSessionHoldQueryVariables>;
export const DashboardReviewQueueChangedDocument = new TypedDocumentString(`subscription DashboardReviewQueueChanged($component:String){reviewQueueChanged(component:$component){sessionId component change verdict reviewer at}}`) as unknown as TypedDocumentString<DashboardReviewQueueChangedSubscription, DashboardReviewQueueChangedSubscriptionVariables>;
export const TestStartSessionDocument = new TypedDocumentString(`mutation TestStartSession($input:StartSessionInput!){startSession(input:$input){...SessionFields}}fragment SessionFields on Session{id type component componentType componentVersion shellType adapters status startedAt endedAt lastSeenAt receivedAt endReceivedAt delayed durationSeconds endReason exitCode captureMode actor username hostname pid environment metadata commandCount errorCount eventCount completeness chained brokenSeq lastSeq reason{text ticketRef}actorKind actorKindSource delegatedBy}`) as unknown as TypedDocumentString<TestStartSessionMutation, TestStartSessionMutationVariables>;
export const TestEndSessionDocument = new TypedDocumentString(`mutation TestEndSession($input:EndSessionInput!){endSession(input:$input){...SessionFields}}fragment SessionFields on Session{id type component componentType componentVersion shellType adapters status startedAt endedAt lastSeenAt receivedAt endReceivedAt delayed durationSeconds endReason exitCode captureMode actor username hostname pid environment metadata commandCount errorCount eventCount completeness chained brokenSeq lastSeq reason{text ticketRef}actorKind actorKindSource delegatedBy}`) as unknown as TypedDocumentString<TestEndSessionMutation, TestEndSessionMutationVariables>;