CREATE TABLE "legal_holds" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "legal_holds_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"session_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"held_by" text NOT NULL,
	"held_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"released_by" text,
	"released_at" timestamp (3) with time zone,
	CONSTRAINT "legal_holds_reason_len" CHECK (length("legal_holds"."reason") between 1 and 500)
);
--> statement-breakpoint
CREATE TABLE "tombstones" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"component" text NOT NULL,
	"events" integer NOT NULL,
	"purged_by" text NOT NULL,
	"purged_at" timestamp (3) with time zone NOT NULL,
	"kid" text NOT NULL,
	"jws" text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "legal_holds_active_idx" ON "legal_holds" USING btree ("session_id") WHERE "legal_holds"."released_at" is null;--> statement-breakpoint
CREATE INDEX "tombstones_purged_at_idx" ON "tombstones" USING btree ("purged_at");--> statement-breakpoint
-- Tombstones are never updated, deleted or truncated, not even by a purge.
CREATE OR REPLACE FUNCTION session_buddy_refuse_always() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on % refused: % is permanent', TG_OP, TG_TABLE_NAME, TG_TABLE_NAME
    USING ERRCODE = '42501', TABLE = TG_TABLE_NAME;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER tombstones_append_only BEFORE UPDATE OR DELETE ON tombstones
  FOR EACH ROW EXECUTE FUNCTION session_buddy_refuse_always();
--> statement-breakpoint
CREATE TRIGGER tombstones_no_truncate BEFORE TRUNCATE ON tombstones
  FOR EACH STATEMENT EXECUTE FUNCTION session_buddy_refuse_always();
--> statement-breakpoint
-- A hold is released once (released_at and released_by set together, from null) and otherwise never
-- changes; holds are never deleted.
CREATE OR REPLACE FUNCTION session_buddy_holds_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.session_id IS DISTINCT FROM OLD.session_id
     OR NEW.reason IS DISTINCT FROM OLD.reason OR NEW.held_by IS DISTINCT FROM OLD.held_by
     OR NEW.held_at IS DISTINCT FROM OLD.held_at OR OLD.released_at IS NOT NULL
     OR NEW.released_at IS NULL OR NEW.released_by IS NULL THEN
    RAISE EXCEPTION 'UPDATE of legal_holds refused: a hold is only released, once'
      USING ERRCODE = '42501', TABLE = 'legal_holds';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER legal_holds_release_once BEFORE UPDATE ON legal_holds
  FOR EACH ROW EXECUTE FUNCTION session_buddy_holds_guard();
--> statement-breakpoint
CREATE TRIGGER legal_holds_no_delete BEFORE DELETE ON legal_holds
  FOR EACH ROW EXECUTE FUNCTION session_buddy_refuse_always();
--> statement-breakpoint
CREATE TRIGGER legal_holds_no_truncate BEFORE TRUNCATE ON legal_holds
  FOR EACH STATEMENT EXECUTE FUNCTION session_buddy_refuse_always();
--> statement-breakpoint
-- A purge never touches a held session, and a purged session's id is never stored again (its tombstone
-- stands for it; a late start or event for it is refused).
CREATE OR REPLACE FUNCTION session_buddy_hold_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM legal_holds h WHERE h.session_id = OLD.id AND h.released_at IS NULL) THEN
    RAISE EXCEPTION 'DELETE of session % refused: it is under a legal hold', OLD.id
      USING ERRCODE = '42501', TABLE = 'sessions';
  END IF;
  RETURN OLD;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER sessions_held BEFORE DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION session_buddy_hold_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION session_buddy_tombstone_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM tombstones t WHERE t.session_id = NEW.id) THEN
    RAISE EXCEPTION 'INSERT of session % refused: it was purged', NEW.id
      USING ERRCODE = '42501', TABLE = 'sessions';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER sessions_not_purged BEFORE INSERT ON sessions
  FOR EACH ROW EXECUTE FUNCTION session_buddy_tombstone_guard();
