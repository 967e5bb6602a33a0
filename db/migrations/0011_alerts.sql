CREATE TABLE "alert_deliveries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "alert_deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"event_id" text NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"session_id" uuid,
	"component" text,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp (3) with time zone,
	"last_status" integer,
	"last_error" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp (3) with time zone,
	CONSTRAINT "alert_deliveries_kind" CHECK ("alert_deliveries"."kind" in ('session_abandoned', 'sensitive_begin', 'anomaly', 'session_flagged', 'chain_broken', 'strict_refused')),
	CONSTRAINT "alert_deliveries_status" CHECK ("alert_deliveries"."status" in ('PENDING', 'DELIVERED', 'FAILED'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "alert_deliveries_event_target_idx" ON "alert_deliveries" USING btree ("event_id","target");--> statement-breakpoint
CREATE INDEX "alert_deliveries_due_idx" ON "alert_deliveries" USING btree ("next_attempt_at") WHERE "alert_deliveries"."status" = 'PENDING';--> statement-breakpoint
CREATE INDEX "alert_deliveries_created_idx" ON "alert_deliveries" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "session_events_alert_idx" ON "session_events" USING btree ("received_at") WHERE "session_events"."kind" = 'sensitive_begin' or "session_events"."error_class" = 'StrictRefused';--> statement-breakpoint
CREATE INDEX "sessions_abandoned_alert_idx" ON "sessions" USING btree ("end_received_at") WHERE "sessions"."status" = 'ABANDONED';--> statement-breakpoint
CREATE INDEX "sessions_broken_alert_idx" ON "sessions" USING btree ("last_seen_at") WHERE "sessions"."broken_seq" is not null;