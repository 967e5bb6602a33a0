CREATE TABLE "session_reviews" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "session_reviews_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"session_id" uuid NOT NULL,
	"verdict" text NOT NULL,
	"note" text,
	"reviewer" text NOT NULL,
	"reviewed_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "session_reviews_verdict" CHECK ("session_reviews"."verdict" in ('APPROVED', 'FLAGGED')),
	CONSTRAINT "session_reviews_note_len" CHECK ("session_reviews"."note" is null or length("session_reviews"."note") between 1 and 500)
);
--> statement-breakpoint
CREATE INDEX "session_reviews_session_idx" ON "session_reviews" USING btree ("session_id","id");--> statement-breakpoint
CREATE INDEX "session_events_sensitive_idx" ON "session_events" USING btree ("session_id","seq") WHERE "session_events"."kind" in ('sensitive_begin', 'sensitive_end');--> statement-breakpoint
-- Reviews are permanent: never updated, deleted or truncated (a later review adds a row).
CREATE TRIGGER session_reviews_append_only BEFORE UPDATE OR DELETE ON session_reviews
  FOR EACH ROW EXECUTE FUNCTION session_buddy_refuse_always();
--> statement-breakpoint
CREATE TRIGGER session_reviews_no_truncate BEFORE TRUNCATE ON session_reviews
  FOR EACH STATEMENT EXECUTE FUNCTION session_buddy_refuse_always();
