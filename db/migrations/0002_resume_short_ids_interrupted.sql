ALTER TABLE "sessions" ADD COLUMN "interruptions" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "interrupted_periods" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "resumed_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "sessions_short_id_idx" ON "sessions" USING btree (right(("id")::text, 8));--> statement-breakpoint
CREATE INDEX "sessions_resumed_at_idx" ON "sessions" USING btree ("resumed_at") WHERE "sessions"."resumed_at" is not null;--> statement-breakpoint
ALTER TABLE "session_events" ADD CONSTRAINT "session_events_outcome_known" CHECK ("session_events"."outcome" is null or "session_events"."outcome" in ('ok', 'error', 'interrupted'));