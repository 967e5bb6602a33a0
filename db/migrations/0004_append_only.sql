-- Append-only storage. Stored event content never changes, a command's completion is applied once, a
-- session's identity and chain anchors never change, and nothing is deleted except by the purge path,
-- which marks its own transaction with `set local session_buddy.purge = 'on'`. Errors carry SQLSTATE
-- 42501 and name the table and column.
--
-- session_buddy_refuse_delete() is generic: to protect another table (for example checkpoints), attach
--   create trigger <table>_no_delete before delete on <table>
--     for each row execute function session_buddy_refuse_delete();
--   create trigger <table>_no_truncate before truncate on <table>
--     for each statement execute function session_buddy_refuse_delete();
CREATE OR REPLACE FUNCTION session_buddy_purging() RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN coalesce(current_setting('session_buddy.purge', true), '') = 'on';
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION session_buddy_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF session_buddy_purging() THEN
    IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF;
    RETURN NULL;
  END IF;
  RAISE EXCEPTION '% on % refused: % is append-only; rows are removed only by a purge', TG_OP, TG_TABLE_NAME, TG_TABLE_NAME
    USING ERRCODE = '42501', TABLE = TG_TABLE_NAME;
END;
$$;
--> statement-breakpoint
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
    END IF;
    IF col IS NOT NULL THEN
      RAISE EXCEPTION 'UPDATE of session_events.% refused: the command is already completed', col
        USING ERRCODE = '42501', TABLE = 'session_events', COLUMN = col;
    END IF;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION session_buddy_sessions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  col text := NULL;
BEGIN
  IF NEW.id IS DISTINCT FROM OLD.id THEN col := 'id';
  ELSIF NEW.component IS DISTINCT FROM OLD.component THEN col := 'component';
  ELSIF NEW.type IS DISTINCT FROM OLD.type THEN col := 'type';
  ELSIF NEW.actor IS DISTINCT FROM OLD.actor THEN col := 'actor';
  ELSIF NEW.started_at IS DISTINCT FROM OLD.started_at THEN col := 'started_at';
  ELSIF NEW.username IS DISTINCT FROM OLD.username THEN col := 'username';
  ELSIF NEW.hostname IS DISTINCT FROM OLD.hostname THEN col := 'hostname';
  ELSIF NEW.pid IS DISTINCT FROM OLD.pid THEN col := 'pid';
  -- Chain anchors: set once (from null to a value), never changed after.
  ELSIF OLD.start_hash IS NOT NULL AND NEW.start_hash IS DISTINCT FROM OLD.start_hash THEN col := 'start_hash';
  ELSIF OLD.session_hash IS NOT NULL AND NEW.session_hash IS DISTINCT FROM OLD.session_hash THEN col := 'session_hash';
  ELSIF OLD.end_hash IS NOT NULL AND NEW.end_hash IS DISTINCT FROM OLD.end_hash THEN col := 'end_hash';
  ELSIF OLD.last_seq IS NOT NULL AND NEW.last_seq IS DISTINCT FROM OLD.last_seq THEN col := 'last_seq';
  ELSIF OLD.end_prev_hash IS NOT NULL AND NEW.end_prev_hash IS DISTINCT FROM OLD.end_prev_hash THEN col := 'end_prev_hash';
  -- A chain found broken stays broken: the flag can move to an earlier place, never be cleared.
  ELSIF OLD.broken_seq IS NOT NULL AND NEW.broken_seq IS NULL THEN col := 'broken_seq';
  END IF;
  IF col IS NOT NULL THEN
    RAISE EXCEPTION 'UPDATE of sessions.% refused: a session''s identity and chain anchors are append-only', col
      USING ERRCODE = '42501', TABLE = 'sessions', COLUMN = col;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER session_events_append_only BEFORE UPDATE ON session_events
  FOR EACH ROW EXECUTE FUNCTION session_buddy_events_guard();
--> statement-breakpoint
CREATE TRIGGER sessions_append_only BEFORE UPDATE ON sessions
  FOR EACH ROW EXECUTE FUNCTION session_buddy_sessions_guard();
--> statement-breakpoint
CREATE TRIGGER session_events_no_delete BEFORE DELETE ON session_events
  FOR EACH ROW EXECUTE FUNCTION session_buddy_refuse_delete();
--> statement-breakpoint
CREATE TRIGGER sessions_no_delete BEFORE DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION session_buddy_refuse_delete();
--> statement-breakpoint
CREATE TRIGGER session_events_no_truncate BEFORE TRUNCATE ON session_events
  FOR EACH STATEMENT EXECUTE FUNCTION session_buddy_refuse_delete();
--> statement-breakpoint
CREATE TRIGGER sessions_no_truncate BEFORE TRUNCATE ON sessions
  FOR EACH STATEMENT EXECUTE FUNCTION session_buddy_refuse_delete();
