CREATE TABLE "session_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"text" text,
	"duration_ms" double precision,
	"outcome" text,
	"error_class" text,
	"redactions" integer DEFAULT 0 NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text DEFAULT 'admin_shell' NOT NULL,
	"component" text NOT NULL,
	"component_type" text,
	"component_version" text,
	"shell_type" text,
	"adapters" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text DEFAULT 'ACTIVE' NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"last_seen_at" timestamp (3) with time zone NOT NULL,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"end_received_at" timestamp (3) with time zone,
	"delayed" boolean DEFAULT false NOT NULL,
	"end_reason" text,
	"exit_code" integer,
	"capture_mode" text DEFAULT 'BUFFERED' NOT NULL,
	"actor" text NOT NULL,
	"username" text,
	"hostname" text,
	"pid" integer,
	"environment" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"command_count" integer DEFAULT 0 NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"event_count" integer DEFAULT 0 NOT NULL,
	"max_seq" integer DEFAULT 0 NOT NULL,
	"start_event_id" text,
	"event_version" text DEFAULT '1.0' NOT NULL,
	"client_health" jsonb,
	CONSTRAINT "sessions_pid_range" CHECK ("sessions"."pid" is null or ("sessions"."pid" between 1 and 4194304)),
	CONSTRAINT "sessions_component_pattern" CHECK ("sessions"."component" ~ '^[a-zA-Z0-9_-]{1,64}$')
);
--> statement-breakpoint
ALTER TABLE "session_events" ADD CONSTRAINT "session_events_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "session_events_session_seq_idx" ON "session_events" USING btree ("session_id","seq");--> statement-breakpoint
CREATE INDEX "session_events_at_idx" ON "session_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "session_events_kind_outcome_idx" ON "session_events" USING btree ("kind","outcome");--> statement-breakpoint
CREATE INDEX "sessions_started_at_idx" ON "sessions" USING btree ("started_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sessions_component_started_idx" ON "sessions" USING btree ("component","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sessions_type_started_idx" ON "sessions" USING btree ("type","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sessions_actor_started_idx" ON "sessions" USING btree ("actor","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sessions_username_idx" ON "sessions" USING btree ("username");--> statement-breakpoint
CREATE INDEX "sessions_hostname_idx" ON "sessions" USING btree ("hostname");--> statement-breakpoint
CREATE INDEX "sessions_active_last_seen_idx" ON "sessions" USING btree ("last_seen_at") WHERE "sessions"."status" = 'ACTIVE';--> statement-breakpoint
CREATE INDEX "sessions_status_component_idx" ON "sessions" USING btree ("status","component");