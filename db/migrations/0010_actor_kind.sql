ALTER TABLE "sessions" ADD COLUMN "actor_kind" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "actor_kind_source" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "delegated_by" text;--> statement-breakpoint
CREATE INDEX "sessions_actor_kind_started_idx" ON "sessions" USING btree ("actor_kind","started_at" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_actor_kind" CHECK ("sessions"."actor_kind" is null or "sessions"."actor_kind" in ('HUMAN', 'AI_AGENT', 'AUTOMATION'));--> statement-breakpoint
-- Who was at the prompt is part of a session's identity, like its reason: never changed once stored.
CREATE OR REPLACE FUNCTION session_buddy_actor_kind_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  col text := NULL;
BEGIN
  IF NEW.actor_kind IS DISTINCT FROM OLD.actor_kind THEN col := 'actor_kind';
  ELSIF NEW.actor_kind_source IS DISTINCT FROM OLD.actor_kind_source THEN col := 'actor_kind_source';
  ELSIF NEW.delegated_by IS DISTINCT FROM OLD.delegated_by THEN col := 'delegated_by';
  END IF;
  IF col IS NOT NULL THEN
    RAISE EXCEPTION 'UPDATE of sessions.% refused: a session''s identity and chain anchors are append-only', col
      USING ERRCODE = '42501', TABLE = 'sessions', COLUMN = col;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER sessions_actor_kind_append_only BEFORE UPDATE ON sessions
  FOR EACH ROW EXECUTE FUNCTION session_buddy_actor_kind_guard();
