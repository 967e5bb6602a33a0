ALTER TABLE "sessions" ADD COLUMN "reason_text" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "reason_ticket" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "actor_kind" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "actor_kind_source" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "delegated_by" text;--> statement-breakpoint
CREATE INDEX "sessions_actor_kind_started_idx" ON "sessions" USING btree ("actor_kind","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sessions_reason_ticket_idx" ON "sessions" USING btree ("reason_ticket","started_at" DESC NULLS LAST) WHERE "sessions"."reason_ticket" is not null;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_actor_kind" CHECK ("sessions"."actor_kind" is null or "sessions"."actor_kind" in ('HUMAN', 'AI_AGENT', 'AUTOMATION'));--> statement-breakpoint
-- A session's reason, actor kind and delegation are part of its identity: stored with its start and never
-- changed. The trigger fires only when one of them changes (the WHEN clause is evaluated without calling
-- plpgsql, so the updates of every heartbeat pay nothing); the function names the column and refuses.
CREATE OR REPLACE FUNCTION session_buddy_refuse_columns() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  col text;
BEGIN
  FOREACH col IN ARRAY TG_ARGV LOOP
    IF to_jsonb(NEW) -> col IS DISTINCT FROM to_jsonb(OLD) -> col THEN
      RAISE EXCEPTION 'UPDATE of %.% refused: a session''s identity and chain anchors are append-only', TG_TABLE_NAME, col
        USING ERRCODE = '42501', TABLE = TG_TABLE_NAME, COLUMN = col;
    END IF;
  END LOOP;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER sessions_identity_append_only BEFORE UPDATE ON sessions
  FOR EACH ROW
  WHEN (OLD.reason_text IS DISTINCT FROM NEW.reason_text OR OLD.reason_ticket IS DISTINCT FROM NEW.reason_ticket
    OR OLD.actor_kind IS DISTINCT FROM NEW.actor_kind OR OLD.actor_kind_source IS DISTINCT FROM NEW.actor_kind_source
    OR OLD.delegated_by IS DISTINCT FROM NEW.delegated_by)
  EXECUTE FUNCTION session_buddy_refuse_columns('reason_text', 'reason_ticket', 'actor_kind', 'actor_kind_source', 'delegated_by');
