import { type SQL, sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import {
  ACTOR_KIND_SOURCES,
  ACTOR_KINDS,
  ALERT_DELIVERY_STATUSES,
  ALERT_KINDS,
  AlertDeliveryStatuses,
  CAPTURE_MODES,
  CaptureModes,
  COMMAND_OUTCOMES,
  END_REASONS,
  EventKinds,
  REVIEW_VERDICTS,
  SESSION_STATUSES,
  SessionStatuses,
  STRICT_REFUSED_ERROR_CLASS,
} from "../contract/enums.js";
import { DEFAULT_SESSION_TYPE, EVENT_MODEL_VERSION, LIMITS, PATTERNS } from "../contract/limits.js";

/**
 * A constant written into the SQL text rather than bound as a parameter: CHECKs and index predicates
 * need literals, and a query only matches a partial index when it repeats the predicate's literal.
 */
export const sqlText = (value: string | number): SQL =>
  sql.raw(typeof value === "number" ? String(value) : `'${value.replaceAll("'", "''")}'`);

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: "date" });

/** Postgres `tsvector`, read as its text form (it is only ever used inside SQL). */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * The full-text document of a session: who, what and where (weight A) and the string values of its
 * metadata (weight B). Stored as a generated column: building it costs tens of microseconds a row
 * (the parser, metadata JSON), far more than ranking it, so search ranks stored vectors.
 */
export function sessionSearchVector(t: {
  component: AnyPgColumn;
  componentType: AnyPgColumn;
  shellType: AnyPgColumn;
  type: AnyPgColumn;
  actor: AnyPgColumn;
  username: AnyPgColumn;
  hostname: AnyPgColumn;
  metadata: AnyPgColumn;
}): SQL {
  return sql`(setweight(to_tsvector('english'::regconfig, ${t.component} || ' ' || coalesce(${t.componentType}, '') || ' ' || coalesce(${t.shellType}, '') || ' ' || ${t.type} || ' ' || ${t.actor} || ' ' || coalesce(${t.username}, '') || ' ' || coalesce(${t.hostname}, '')), 'A') || setweight(jsonb_to_tsvector('english'::regconfig, ${t.metadata}, '["string"]'::jsonb), 'B'))`;
}

/**
 * The full-text document of an event: its (redacted) text. A short text is cheap to parse, so events
 * have an expression GIN index instead of a stored column: queries must use this exact expression (the
 * configuration a literal, never a parameter) for the planner to match the index.
 */
export function eventSearchVector(t: { text: AnyPgColumn }): SQL {
  return sql`to_tsvector('english'::regconfig, ${t.text})`;
}

/**
 * One stretch during which the reaper had a session ABANDONED and it came back (see
 * `SessionService.resume`), as ISO 8601 instants in UTC.
 */
export interface InterruptionRecord {
  /** Its last sign of life before the silence: the endedAt the reaper gave it. */
  from: string;
  /** When the reaper abandoned it (service clock). */
  abandonedAt: string;
  /** When the service heard from it again and made it ACTIVE (service clock). */
  to: string;
}

/** `value` as a SQL list of literals, for a CHECK: `'a', 'b'`. */
const literals = (values: readonly string[]): SQL =>
  sql.join(
    values.map((v) => sqlText(v)),
    sql`, `,
  );

export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey(),
    type: text("type").notNull().default(DEFAULT_SESSION_TYPE),
    component: text("component").notNull(),
    componentType: text("component_type"),
    componentVersion: text("component_version"),
    shellType: text("shell_type"),
    adapters: text("adapters").array().notNull().default(sql`'{}'::text[]`),
    status: text("status", { enum: SESSION_STATUSES }).notNull().default(SessionStatuses.ACTIVE),
    startedAt: ts("started_at").notNull(),
    endedAt: ts("ended_at"),
    lastSeenAt: ts("last_seen_at").notNull(),
    receivedAt: ts("received_at").notNull().defaultNow(),
    endReceivedAt: ts("end_received_at"),
    delayed: boolean("delayed").notNull().default(false),
    endReason: text("end_reason", { enum: END_REASONS }),
    exitCode: integer("exit_code"),
    captureMode: text("capture_mode", { enum: CAPTURE_MODES }).notNull().default(CaptureModes.BUFFERED),
    /** Why the session was started, as the operator gave it (`requireReason`), and the ticket it names. */
    reasonText: text("reason_text"),
    reasonTicket: text("reason_ticket"),
    /** Who was at the prompt (the token's `actor_kind`, else what the shell detected), and what decided it. */
    actorKind: text("actor_kind", { enum: ACTOR_KINDS }),
    actorKindSource: text("actor_kind_source", { enum: ACTOR_KIND_SOURCES }),
    /** Who delegated to the actor (the token's RFC 8693 `act.sub`), e.g. the person an AI agent acts for. */
    delegatedBy: text("delegated_by"),
    actor: text("actor").notNull(),
    username: text("username"),
    hostname: text("hostname"),
    pid: integer("pid"),
    environment: jsonb("environment").$type<Record<string, unknown>>().notNull().default({}),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    commandCount: integer("command_count").notNull().default(0),
    errorCount: integer("error_count").notNull().default(0),
    eventCount: integer("event_count").notNull().default(0),
    maxSeq: integer("max_seq").notNull().default(0),
    startEventId: text("start_event_id"),
    eventVersion: text("event_version").notNull().default(EVENT_MODEL_VERSION),
    clientHealth: jsonb("client_health").$type<Record<string, unknown>>(),
    /** Times the reaper abandoned it and a sign of life brought it back. */
    interruptions: integer("interruptions").notNull().default(0),
    /** The latest of those interruptions (at most `LIMITS.interruptionPeriods`), oldest first. */
    interruptedPeriods: jsonb("interrupted_periods").$type<InterruptionRecord[]>().notNull().default([]),
    /** When it last came back from ABANDONED (service clock); the resume point of `sessionResumed`. */
    resumedAt: ts("resumed_at"),
    /** The root of its hash chain as the shell sent it (see contract/chain.ts); null for an unchained client. */
    startHash: text("start_hash"),
    /** The service's hash over the identity it stored and the root: what checkpoints sign for it. */
    sessionHash: text("session_hash"),
    /** The end's chain hash as the shell sent it. */
    endHash: text("end_hash"),
    /** The hash the end was chained to (its last event's, or the start's), as the shell sent it. */
    endPrevHash: text("end_prev_hash"),
    /** The last seq the shell recorded, as its end says; null until it ended (or when it did not say). */
    lastSeq: integer("last_seq"),
    /** The first place its chain did not match at ingest: 0 the start, n event n, -1 the end; null: none. */
    brokenSeq: integer("broken_seq"),
    /** The checkpoint that signed its identity (api/trust/checkpoints.ts); null until one did. */
    checkpoint: integer("checkpoint"),
    /** The checkpoint that signed its end; null until one did (or while it has not ended). */
    endCheckpoint: integer("end_checkpoint"),
    searchVector: tsvector("search_vector")
      .notNull()
      .generatedAlwaysAs((): SQL => sessionSearchVector(sessions)),
  },
  (t) => [
    index("sessions_started_at_idx").on(t.startedAt.desc(), t.id.desc()),
    index("sessions_component_started_idx").on(t.component, t.startedAt.desc()),
    index("sessions_type_started_idx").on(t.type, t.startedAt.desc()),
    index("sessions_actor_started_idx").on(t.actor, t.startedAt.desc()),
    index("sessions_username_idx").on(t.username),
    index("sessions_hostname_idx").on(t.hostname),
    index("sessions_actor_kind_started_idx").on(t.actorKind, t.startedAt.desc()),
    index("sessions_reason_ticket_idx")
      .on(t.reasonTicket, t.startedAt.desc())
      .where(sql`${t.reasonTicket} is not null`),
    // The reaper scans only live sessions by silence; a partial index keeps that scan tiny.
    index("sessions_active_last_seen_idx")
      .on(t.lastSeenAt)
      .where(sql`${t.status} = ${sqlText(SessionStatuses.ACTIVE)}`),
    index("sessions_status_component_idx").on(t.status, t.component),
    // What alerts look back over: the sessions abandoned lately and those with a broken chain (both rare).
    index("sessions_abandoned_alert_idx")
      .on(t.endReceivedAt)
      .where(sql`${t.status} = ${sqlText(SessionStatuses.ABANDONED)}`),
    index("sessions_broken_alert_idx").on(t.lastSeenAt).where(sql`${t.brokenSeq} is not null`),
    // Analytics read a window of startedAt and aggregate a few narrow columns: with all of them in the key
    // the window is an index-only scan instead of a walk over wide heap rows (environment, metadata).
    index("sessions_analytics_idx").on(
      t.startedAt,
      t.component,
      t.status,
      t.endReason,
      t.endedAt,
      t.lastSeenAt,
      t.type,
      t.actor,
      t.hostname,
      t.commandCount,
      t.errorCount,
      t.eventCount,
      t.maxSeq,
      t.id,
    ),
    index("sessions_search_idx").using("gin", t.searchVector),
    // The short form of an id is its last 8 hex digits (UUID v7's first ones are a timestamp); prefixes
    // need no index of their own, they are a range of the primary key.
    index("sessions_short_id_idx").on(sql`right((${t.id})::text, 8)`),
    // Few sessions ever come back; the replay of sessionResumed reads only those.
    index("sessions_resumed_at_idx").on(t.resumedAt).where(sql`${t.resumedAt} is not null`),
    // What the next checkpoint signs: a partial index keeps finding it small whatever the history.
    index("sessions_unsigned_idx").on(t.id).where(sql`${t.checkpoint} is null`),
    index("sessions_unsigned_end_idx")
      .on(t.id)
      .where(sql`${t.endCheckpoint} is null and ${t.status} = ${sqlText(SessionStatuses.ENDED)}`),
    index("sessions_checkpoint_idx").on(t.checkpoint),
    index("sessions_end_checkpoint_idx").on(t.endCheckpoint),
    check("sessions_pid_range", sql`${t.pid} is null or (${t.pid} between 1 and ${sqlText(LIMITS.pidMax)})`),
    check("sessions_component_pattern", sql`${t.component} ~ ${sqlText(PATTERNS.componentName)}`),
    check("sessions_actor_kind", sql`${t.actorKind} is null or ${t.actorKind} in (${literals(ACTOR_KINDS)})`),
  ],
);

export const sessionEvents = pgTable(
  "session_events",
  {
    id: uuid("id").primaryKey(),
    sessionId: uuid("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    kind: text("kind").notNull(),
    at: ts("at").notNull(),
    text: text("text"),
    durationMs: doublePrecision("duration_ms"),
    outcome: text("outcome", { enum: COMMAND_OUTCOMES }),
    errorClass: text("error_class"),
    redactions: integer("redactions").notNull().default(0),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    receivedAt: ts("received_at").notNull().defaultNow(),
    /** Its chain hash as the shell computed it; null for an unchained client. */
    hash: text("hash"),
    /** The hash it was chained to (the previous event's, or the start's for seq 1), as the shell sent it. */
    prevHash: text("prev_hash"),
    /** Whether `hash` is what its content and `prevHash` hash to, checked at ingest; null when unchained. */
    hashOk: boolean("hash_ok"),
    /**
     * For a command completed after capture: the hash of its completion (outcome, duration, error class
     * and result) chained to the command's own hash, as the shell sent it.
     */
    completionHash: text("completion_hash"),
    /** The payload as captured, when a completion added to it (`payload` is then the merged one). */
    capturePayload: jsonb("capture_payload").$type<Record<string, unknown>>(),
    /** What a chained command's completion added (its `result`) as sent: what its completion hash covers. */
    completionResult: jsonb("completion_result").$type<Record<string, unknown>>(),
    /** The checkpoint that signed it; null until one did. */
    checkpoint: integer("checkpoint"),
    /** The checkpoint that signed its completion (the same one when it was completed when signed). */
    completionCheckpoint: integer("completion_checkpoint"),
  },
  (t) => [
    uniqueIndex("session_events_session_seq_idx").on(t.sessionId, t.seq),
    index("session_events_at_idx").on(t.at),
    index("session_events_kind_outcome_idx").on(t.kind, t.outcome),
    // Sensitive periods are rare; the review queue and Session.sensitive look them up per session.
    index("session_events_sensitive_idx")
      .on(t.sessionId, t.seq)
      .where(
        sql`${t.kind} in (${sqlText(EventKinds.SENSITIVE_BEGIN)}, ${sqlText(EventKinds.SENSITIVE_END)})`,
      ),
    index("session_events_search_idx").using("gin", eventSearchVector(t)),
    // Few events carry an error class; a partial index keeps "most common error" to those rows.
    index("session_events_error_class_idx")
      .on(t.sessionId, t.errorClass)
      .where(sql`${t.errorClass} is not null`),
    index("session_events_unsigned_idx").on(t.sessionId, t.seq).where(sql`${t.checkpoint} is null`),
    // What a checkpoint signed, read back to verify it or prove a record's inclusion.
    index("session_events_checkpoint_idx").on(t.checkpoint),
    index("session_events_completion_checkpoint_idx")
      .on(t.completionCheckpoint)
      .where(sql`${t.completionCheckpoint} is distinct from ${t.checkpoint}`),
    // What alerts look back over: sensitive periods begun and commands a STRICT shell refused (both rare).
    index("session_events_alert_idx")
      .on(t.receivedAt)
      .where(
        sql`${t.kind} = ${sqlText(EventKinds.SENSITIVE_BEGIN)} or ${t.errorClass} = ${sqlText(STRICT_REFUSED_ERROR_CLASS)}`,
      ),
    index("session_events_unsigned_completion_idx")
      .on(t.id)
      .where(sql`${t.completionCheckpoint} is null and ${t.outcome} is not null`),
    check(
      "session_events_outcome_known",
      sql`${t.outcome} is null or ${t.outcome} in (${literals(COMMAND_OUTCOMES)})`,
    ),
  ],
);

/**
 * Signed checkpoints, a chain of their own: checkpoint n signs the Merkle root of the records stored since
 * n − 1 (contract/trail.ts) and n − 1's hash. Append-only, like the records.
 */
export const checkpoints = pgTable("checkpoints", {
  seq: integer("seq").primaryKey(),
  at: ts("at").notNull(),
  kid: text("kid").notNull(),
  /** SHA-256 (hex) of the previous checkpoint's JWS; "" for the first. */
  prevHash: text("prev_hash").notNull(),
  root: text("root").notNull(),
  size: integer("size").notNull(),
  sessions: integer("sessions").notNull(),
  events: integer("events").notNull(),
  completions: integer("completions").notNull(),
  ends: integer("ends").notNull(),
  /** The compact JWS (EdDSA) over the canonical JSON of the fields above. */
  jws: text("jws").notNull(),
  /** SHA-256 (hex) of `jws`: what the next checkpoint chains to. */
  hash: text("hash").notNull(),
});

/**
 * Who read command text: one row per reader, session and route (or GraphQL operation) and flush, with how
 * many events' text it revealed. `session_id` is null for a read of the whole trail. Append-only.
 */
export const accessLog = pgTable(
  "access_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: ts("at").notNull().defaultNow(),
    subject: text("subject").notNull(),
    sessionId: uuid("session_id"),
    route: text("route").notNull(),
    events: integer("events").notNull(),
  },
  (t) => [
    index("access_log_session_idx").on(t.sessionId, t.id),
    index("access_log_subject_idx").on(t.subject, t.id),
  ],
);

/**
 * Legal holds: a held session is never purged (a trigger refuses its delete even in a purge). One active
 * hold per session; releasing sets `released_at` / `released_by` once, so the table keeps every hold ever
 * placed and who lifted it.
 */
export const legalHolds = pgTable(
  "legal_holds",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    sessionId: uuid("session_id").notNull(),
    reason: text("reason").notNull(),
    heldBy: text("held_by").notNull(),
    heldAt: ts("held_at").notNull().defaultNow(),
    releasedBy: text("released_by"),
    releasedAt: ts("released_at"),
  },
  (t) => [
    uniqueIndex("legal_holds_active_idx").on(t.sessionId).where(sql`${t.releasedAt} is null`),
    check("legal_holds_reason_len", sql`length(${t.reason}) between 1 and ${sqlText(LIMITS.reasonChars)}`),
  ],
);

/**
 * What a purge leaves of a session: a JWS (the trail's key) over its id, hashes, counts and, per
 * checkpoint that signed its records, the span it had there (contract/tombstone.ts), with who purged it
 * and when. A verifier accepts a checkpoint's missing records when a valid tombstone accounts for them.
 * Never updated or deleted; a session id with a tombstone is never stored again.
 */
export const tombstones = pgTable(
  "tombstones",
  {
    sessionId: uuid("session_id").primaryKey(),
    component: text("component").notNull(),
    events: integer("events").notNull(),
    purgedBy: text("purged_by").notNull(),
    purgedAt: ts("purged_at").notNull(),
    kid: text("kid").notNull(),
    jws: text("jws").notNull(),
  },
  (t) => [index("tombstones_purged_at_idx").on(t.purgedAt)],
);

/**
 * Reviews of ended sessions (`reviewSession`): the verdict, the reviewer's note, who and when. Permanent:
 * never updated or deleted (a later review adds a row; the latest is the session's current verdict), and
 * kept when a purge removes the session, as the record that it was reviewed.
 */
export const sessionReviews = pgTable(
  "session_reviews",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    sessionId: uuid("session_id").notNull(),
    verdict: text("verdict", { enum: REVIEW_VERDICTS }).notNull(),
    note: text("note"),
    reviewer: text("reviewer").notNull(),
    reviewedAt: ts("reviewed_at").notNull().defaultNow(),
  },
  (t) => [
    index("session_reviews_session_idx").on(t.sessionId, t.id),
    check("session_reviews_verdict", sql`${t.verdict} in (${literals(REVIEW_VERDICTS)})`),
    check(
      "session_reviews_note_len",
      sql`${t.note} is null or length(${t.note}) between 1 and ${sqlText(LIMITS.reasonChars)}`,
    ),
  ],
);

/**
 * The outbox of alert webhooks: one row per (alert, target). The event id is deterministic (the same
 * abandonment, verdict or sensitive period always has the same one), so however many replicas notice it,
 * the unique index keeps one delivery per target; a replica claims a due row with a lease before posting.
 * The payload never carries command text.
 */
export const alertDeliveries = pgTable(
  "alert_deliveries",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    eventId: text("event_id").notNull(),
    kind: text("kind", { enum: ALERT_KINDS }).notNull(),
    /** The target's URL as configured, without credentials. */
    target: text("target").notNull(),
    sessionId: uuid("session_id"),
    component: text("component"),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: ALERT_DELIVERY_STATUSES })
      .notNull()
      .default(AlertDeliveryStatuses.PENDING),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
    /** Until when the replica posting it holds it; null when nobody does. */
    leaseUntil: ts("lease_until"),
    /** The HTTP status of the last attempt, null when it got no answer. */
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    createdAt: ts("created_at").notNull().defaultNow(),
    deliveredAt: ts("delivered_at"),
  },
  (t) => [
    uniqueIndex("alert_deliveries_event_target_idx").on(t.eventId, t.target),
    index("alert_deliveries_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = ${sqlText(AlertDeliveryStatuses.PENDING)}`),
    index("alert_deliveries_created_idx").on(t.createdAt),
    check("alert_deliveries_kind", sql`${t.kind} in (${literals(ALERT_KINDS)})`),
    check("alert_deliveries_status", sql`${t.status} in (${literals(ALERT_DELIVERY_STATUSES)})`),
  ],
);

export type AlertDeliveryRow = typeof alertDeliveries.$inferSelect;
export type SessionReviewRow = typeof sessionReviews.$inferSelect;
export type CheckpointRow = typeof checkpoints.$inferSelect;
export type LegalHoldRow = typeof legalHolds.$inferSelect;
export type TombstoneRow = typeof tombstones.$inferSelect;
export type AccessLogRow = typeof accessLog.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type SessionEventRow = typeof sessionEvents.$inferSelect;
