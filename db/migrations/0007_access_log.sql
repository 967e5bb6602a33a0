-- Who read command text (README, "Trust"): append-only like the record it audits.
CREATE TABLE "access_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "access_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"subject" text NOT NULL,
	"session_id" uuid,
	"route" text NOT NULL,
	"events" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "access_log_session_idx" ON "access_log" USING btree ("session_id","id");--> statement-breakpoint
CREATE INDEX "access_log_subject_idx" ON "access_log" USING btree ("subject","id");--> statement-breakpoint
CREATE TRIGGER access_log_append_only BEFORE UPDATE ON access_log
  FOR EACH ROW EXECUTE FUNCTION session_buddy_refuse_update();
--> statement-breakpoint
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
  FOR EACH ROW EXECUTE FUNCTION session_buddy_refuse_delete();
--> statement-breakpoint
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
  FOR EACH STATEMENT EXECUTE FUNCTION session_buddy_refuse_delete();
