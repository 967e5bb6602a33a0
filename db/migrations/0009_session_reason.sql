ALTER TABLE "sessions" ADD COLUMN "reason_text" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "reason_ticket" text;--> statement-breakpoint
CREATE INDEX "sessions_reason_ticket_idx" ON "sessions" USING btree ("reason_ticket","started_at" DESC NULLS LAST) WHERE "sessions"."reason_ticket" is not null;--> statement-breakpoint
-- A session's reason is part of its identity: stored with its start and never changed.
CREATE OR REPLACE FUNCTION session_buddy_reason_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  col text := NULL;
BEGIN
  IF NEW.reason_text IS DISTINCT FROM OLD.reason_text THEN col := 'reason_text';
  ELSIF NEW.reason_ticket IS DISTINCT FROM OLD.reason_ticket THEN col := 'reason_ticket';
  END IF;
  IF col IS NOT NULL THEN
    RAISE EXCEPTION 'UPDATE of sessions.% refused: a session''s identity and chain anchors are append-only', col
      USING ERRCODE = '42501', TABLE = 'sessions', COLUMN = col;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER sessions_reason_append_only BEFORE UPDATE ON sessions
  FOR EACH ROW EXECUTE FUNCTION session_buddy_reason_guard();
