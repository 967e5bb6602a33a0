ALTER TABLE "sessions" ADD COLUMN "reason_text" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "reason_ticket" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "actor_kind" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "actor_kind_source" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "delegated_by" text;--> statement-breakpoint
CREATE INDEX "sessions_actor_kind_started_idx" ON "sessions" USING btree ("actor_kind","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sessions_reason_ticket_idx" ON "sessions" USING btree ("reason_ticket","started_at" DESC NULLS LAST) WHERE "sessions"."reason_ticket" is not null;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_actor_kind" CHECK ("sessions"."actor_kind" is null or "sessions"."actor_kind" in ('HUMAN', 'AI_AGENT', 'AUTOMATION'));--> statement-breakpoint
-- A session's reason, actor kind and delegation are part of its identity: stored with its start and never
-- changed (the identity columns of 0004 are guarded by session_buddy_sessions_guard).
CREATE OR REPLACE FUNCTION session_buddy_identity_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  col text := NULL;
BEGIN
  IF NEW.reason_text IS DISTINCT FROM OLD.reason_text THEN col := 'reason_text';
  ELSIF NEW.reason_ticket IS DISTINCT FROM OLD.reason_ticket THEN col := 'reason_ticket';
  ELSIF NEW.actor_kind IS DISTINCT FROM OLD.actor_kind THEN col := 'actor_kind';
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
CREATE TRIGGER sessions_identity_append_only BEFORE UPDATE ON sessions
  FOR EACH ROW EXECUTE FUNCTION session_buddy_identity_guard();
