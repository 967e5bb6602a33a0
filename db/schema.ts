import { sql } from "drizzle-orm";
import {
  boolean,
  check,
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

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: "date" });

export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey(),
    type: text("type").notNull().default("admin_shell"),
    component: text("component").notNull(),
    componentType: text("component_type"),
    componentVersion: text("component_version"),
    shellType: text("shell_type"),
    adapters: text("adapters").array().notNull().default(sql`'{}'::text[]`),
    status: text("status", { enum: ["ACTIVE", "ENDED", "ABANDONED"] })
      .notNull()
      .default("ACTIVE"),
    startedAt: ts("started_at").notNull(),
    endedAt: ts("ended_at"),
    lastSeenAt: ts("last_seen_at").notNull(),
    receivedAt: ts("received_at").notNull().defaultNow(),
    endReceivedAt: ts("end_received_at"),
    delayed: boolean("delayed").notNull().default(false),
    endReason: text("end_reason", { enum: ["EXIT", "SIGINT", "SIGTERM", "SIGHUP", "ERROR", "ABANDONED"] }),
    exitCode: integer("exit_code"),
    captureMode: text("capture_mode", { enum: ["BUFFERED", "STRICT"] })
      .notNull()
      .default("BUFFERED"),
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
    eventVersion: text("event_version").notNull().default("1.0"),
    clientHealth: jsonb("client_health").$type<Record<string, unknown>>(),
  },
  (t) => [
    index("sessions_started_at_idx").on(t.startedAt.desc(), t.id.desc()),
    index("sessions_component_started_idx").on(t.component, t.startedAt.desc()),
    index("sessions_type_started_idx").on(t.type, t.startedAt.desc()),
    index("sessions_actor_started_idx").on(t.actor, t.startedAt.desc()),
    index("sessions_username_idx").on(t.username),
    index("sessions_hostname_idx").on(t.hostname),
    // The reaper scans only live sessions by silence; a partial index keeps that scan tiny.
    index("sessions_active_last_seen_idx").on(t.lastSeenAt).where(sql`${t.status} = 'ACTIVE'`),
    index("sessions_status_component_idx").on(t.status, t.component),
    check("sessions_pid_range", sql`${t.pid} is null or (${t.pid} between 1 and 4194304)`),
    check("sessions_component_pattern", sql`${t.component} ~ '^[a-zA-Z0-9_-]{1,64}$'`),
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
    outcome: text("outcome"),
    errorClass: text("error_class"),
    redactions: integer("redactions").notNull().default(0),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    receivedAt: ts("received_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("session_events_session_seq_idx").on(t.sessionId, t.seq),
    index("session_events_at_idx").on(t.at),
    index("session_events_kind_outcome_idx").on(t.kind, t.outcome),
  ],
);

export type SessionRow = typeof sessions.$inferSelect;
export type SessionEventRow = typeof sessionEvents.$inferSelect;
