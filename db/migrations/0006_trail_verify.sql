-- What verifying the trail reads: the result a chained completion added, kept as sent so its completion
-- hash can be recomputed, and indexes over the checkpoint markers (the records each checkpoint signed).
ALTER TABLE "session_events" ADD COLUMN "completion_result" jsonb;--> statement-breakpoint
CREATE INDEX "session_events_checkpoint_idx" ON "session_events" USING btree ("checkpoint");--> statement-breakpoint
CREATE INDEX "session_events_completion_checkpoint_idx" ON "session_events" USING btree ("completion_checkpoint") WHERE "session_events"."completion_checkpoint" is distinct from "session_events"."checkpoint";--> statement-breakpoint
CREATE INDEX "sessions_checkpoint_idx" ON "sessions" USING btree ("checkpoint");--> statement-breakpoint
CREATE INDEX "sessions_end_checkpoint_idx" ON "sessions" USING btree ("end_checkpoint");--> statement-breakpoint
-- The completion's result is applied once, with the rest of the completion.
CREATE OR REPLACE FUNCTION session_buddy_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  col text := NULL;
BEGIN
  IF NEW.id IS DISTINCT FROM OLD.id THEN col := 'id';
  ELSIF NEW.session_id IS DISTINCT FROM OLD.session_id THEN col := 'session_id';
  ELSIF NEW.seq IS DISTINCT FROM OLD.seq THEN col := 'seq';
  ELSIF NEW.kind IS DISTINCT FROM OLD.kind THEN col := 'kind';
  ELSIF NEW.at IS DISTINCT FROM OLD.at THEN col := 'at';
  ELSIF NEW.text IS DISTINCT FROM OLD.text THEN col := 'text';
  ELSIF NEW.redactions IS DISTINCT FROM OLD.redactions THEN col := 'redactions';
  ELSIF NEW.hash IS DISTINCT FROM OLD.hash THEN col := 'hash';
  ELSIF NEW.prev_hash IS DISTINCT FROM OLD.prev_hash THEN col := 'prev_hash';
  ELSIF NEW.hash_ok IS DISTINCT FROM OLD.hash_ok THEN col := 'hash_ok';
  ELSIF NEW.received_at IS DISTINCT FROM OLD.received_at THEN col := 'received_at';
  END IF;
  IF col IS NOT NULL THEN
    RAISE EXCEPTION 'UPDATE of session_events.% refused: stored event content is append-only', col
      USING ERRCODE = '42501', TABLE = 'session_events', COLUMN = col;
  END IF;
  -- The completion (outcome, duration, error class, payload) is applied once, to an uncompleted command.
  IF OLD.outcome IS NOT NULL THEN
    IF NEW.outcome IS DISTINCT FROM OLD.outcome THEN col := 'outcome';
    ELSIF NEW.duration_ms IS DISTINCT FROM OLD.duration_ms THEN col := 'duration_ms';
    ELSIF NEW.error_class IS DISTINCT FROM OLD.error_class THEN col := 'error_class';
    ELSIF NEW.payload IS DISTINCT FROM OLD.payload THEN col := 'payload';
    ELSIF NEW.capture_payload IS DISTINCT FROM OLD.capture_payload THEN col := 'capture_payload';
    ELSIF NEW.completion_hash IS DISTINCT FROM OLD.completion_hash THEN col := 'completion_hash';
    ELSIF NEW.completion_result IS DISTINCT FROM OLD.completion_result THEN col := 'completion_result';
    END IF;
    IF col IS NOT NULL THEN
      RAISE EXCEPTION 'UPDATE of session_events.% refused: the command is already completed', col
        USING ERRCODE = '42501', TABLE = 'session_events', COLUMN = col;
    END IF;
  END IF;
  RETURN NEW;
END;
$$;
