ALTER TABLE "session_events" ADD COLUMN "hash" text;--> statement-breakpoint
ALTER TABLE "session_events" ADD COLUMN "prev_hash" text;--> statement-breakpoint
ALTER TABLE "session_events" ADD COLUMN "hash_ok" boolean;--> statement-breakpoint
ALTER TABLE "session_events" ADD COLUMN "completion_hash" text;--> statement-breakpoint
ALTER TABLE "session_events" ADD COLUMN "capture_payload" jsonb;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "start_hash" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "session_hash" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "end_hash" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "end_prev_hash" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "last_seq" integer;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "broken_seq" integer;