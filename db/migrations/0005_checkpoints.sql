CREATE TABLE "checkpoints" (
	"seq" integer PRIMARY KEY NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"kid" text NOT NULL,
	"prev_hash" text NOT NULL,
	"root" text NOT NULL,
	"size" integer NOT NULL,
	"sessions" integer NOT NULL,
	"events" integer NOT NULL,
	"completions" integer NOT NULL,
	"ends" integer NOT NULL,
	"jws" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "session_events" ADD COLUMN "checkpoint" integer;--> statement-breakpoint
ALTER TABLE "session_events" ADD COLUMN "completion_checkpoint" integer;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "checkpoint" integer;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "end_checkpoint" integer;--> statement-breakpoint
CREATE INDEX "session_events_unsigned_idx" ON "session_events" USING btree ("session_id","seq") WHERE "session_events"."checkpoint" is null;--> statement-breakpoint
CREATE INDEX "session_events_unsigned_completion_idx" ON "session_events" USING btree ("id") WHERE "session_events"."completion_checkpoint" is null and "session_events"."outcome" is not null;--> statement-breakpoint
CREATE INDEX "sessions_unsigned_idx" ON "sessions" USING btree ("id") WHERE "sessions"."checkpoint" is null;--> statement-breakpoint
CREATE INDEX "sessions_unsigned_end_idx" ON "sessions" USING btree ("id") WHERE "sessions"."end_checkpoint" is null and "sessions"."status" = 'ENDED';--> statement-breakpoint
-- Checkpoints are append-only: never updated, deleted only by the purge path (0004's function).
CREATE OR REPLACE FUNCTION session_buddy_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'UPDATE on % refused: % is append-only', TG_TABLE_NAME, TG_TABLE_NAME
    USING ERRCODE = '42501', TABLE = TG_TABLE_NAME;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION session_buddy_refuse_update();
--> statement-breakpoint
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION session_buddy_refuse_delete();
--> statement-breakpoint
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION session_buddy_refuse_delete();
--> statement-breakpoint
-- Which checkpoint signed a record is set once (from null to a checkpoint that exists) and never changed.
CREATE OR REPLACE FUNCTION session_buddy_signed_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  col text := NULL;
BEGIN
  IF OLD.checkpoint IS NOT NULL AND NEW.checkpoint IS DISTINCT FROM OLD.checkpoint THEN col := 'checkpoint';
  ELSIF TG_TABLE_NAME = 'sessions' THEN
    IF OLD.end_checkpoint IS NOT NULL AND NEW.end_checkpoint IS DISTINCT FROM OLD.end_checkpoint THEN
      col := 'end_checkpoint';
    END IF;
  ELSIF OLD.completion_checkpoint IS NOT NULL
    AND NEW.completion_checkpoint IS DISTINCT FROM OLD.completion_checkpoint THEN col := 'completion_checkpoint';
  END IF;
  IF col IS NOT NULL THEN
    RAISE EXCEPTION 'UPDATE of %.% refused: which checkpoint signed a record never changes', TG_TABLE_NAME, col
      USING ERRCODE = '42501', TABLE = TG_TABLE_NAME, COLUMN = col;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER sessions_signed_once BEFORE UPDATE OF checkpoint, end_checkpoint ON sessions
  FOR EACH ROW EXECUTE FUNCTION session_buddy_signed_guard();
--> statement-breakpoint
CREATE TRIGGER session_events_signed_once BEFORE UPDATE OF checkpoint, completion_checkpoint ON session_events
  FOR EACH ROW EXECUTE FUNCTION session_buddy_signed_guard();
