-- Optional: separate database roles for Session-Buddy, so that the service's own credentials cannot
-- rewrite or delete the record even if stolen. Apply as the owner of the tables, after `session-buddy
-- migrate`, on Postgres (PGlite is one process's database: it has no roles to separate):
--
--   psql "$OWNER_DATABASE_URL" -f db/optional/roles.sql
--   psql "$OWNER_DATABASE_URL" -c "create role sb_service login password '…' in role session_buddy_ingest"
--   psql "$OWNER_DATABASE_URL" -c "create role sb_auditor login password '…' in role session_buddy_reader"
--
-- then run the service with DATABASE_URL naming sb_service, and keep the owner's credentials (and the
-- purge role's) away from the hosts that run it. Safe to apply again (after a migration adds a column).
--
--   session_buddy_ingest  what the service needs: read; insert sessions, events and checkpoints; update only
--                         what changes after a record is stored (a session's status, end, counters and
--                         chain flags; a command's completion once; the checkpoint marks). No DELETE, no
--                         TRUNCATE, no DDL: a session's identity and an event's content are not even
--                         writable by it, whatever the triggers.
--   session_buddy_reader  read only: auditors' own SQL, reporting replicas.
--   session_buddy_purge   read, insert tombstones, and DELETE through the purge path (the triggers refuse a
--                         delete in a transaction that has not `set local session_buddy.purge = 'on'`,
--                         and of a session under a legal hold). Give the service a member of it as
--                         SESSION_BUDDY_PURGE_DATABASE_URL: purges (the retention pass, `session-buddy
--                         purge`) delete through that connection only.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'session_buddy_ingest') THEN
    CREATE ROLE session_buddy_ingest NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'session_buddy_reader') THEN
    CREATE ROLE session_buddy_reader NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'session_buddy_purge') THEN
    CREATE ROLE session_buddy_purge NOLOGIN;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO session_buddy_ingest, session_buddy_reader, session_buddy_purge;
GRANT SELECT ON sessions, session_events, checkpoints, access_log, legal_holds, tombstones, session_reviews
  TO session_buddy_ingest, session_buddy_reader, session_buddy_purge;

-- The service checks at start that every migration was applied (it applies none itself without DDL rights).
GRANT USAGE ON SCHEMA drizzle TO session_buddy_ingest;
GRANT SELECT ON drizzle.__drizzle_migrations TO session_buddy_ingest;

GRANT INSERT ON sessions, session_events, checkpoints, access_log TO session_buddy_ingest;
GRANT USAGE ON SEQUENCE access_log_id_seq TO session_buddy_ingest;
GRANT UPDATE (
  component_type, component_version, shell_type, adapters, status, ended_at, last_seen_at, end_received_at,
  delayed, end_reason, exit_code, capture_mode, environment, metadata, command_count, error_count,
  event_count, max_seq, start_event_id, event_version, client_health, interruptions, interrupted_periods,
  resumed_at, end_hash, end_prev_hash, last_seq, broken_seq, checkpoint, end_checkpoint
) ON sessions TO session_buddy_ingest;
GRANT UPDATE (
  outcome, duration_ms, error_class, payload, capture_payload, completion_hash, completion_result,
  checkpoint, completion_checkpoint
) ON session_events TO session_buddy_ingest;

-- Legal holds are placed and released by the service (admins, through the API); never deleted.
GRANT INSERT ON legal_holds TO session_buddy_ingest;
GRANT USAGE ON SEQUENCE legal_holds_id_seq TO session_buddy_ingest;
GRANT UPDATE (released_at, released_by) ON legal_holds TO session_buddy_ingest;

-- Reviews are recorded by the service (reviewers, through the API); never updated or deleted.
GRANT INSERT ON session_reviews TO session_buddy_ingest;
GRANT USAGE ON SEQUENCE session_reviews_id_seq TO session_buddy_ingest;

-- Alert deliveries are the service's outbox: queued, claimed, retried and marked delivered or failed.
GRANT SELECT, INSERT ON alert_deliveries TO session_buddy_ingest;
GRANT USAGE ON SEQUENCE alert_deliveries_id_seq TO session_buddy_ingest;
GRANT UPDATE (status, attempts, next_attempt_at, lease_until, last_status, last_error, delivered_at)
  ON alert_deliveries TO session_buddy_ingest;
GRANT SELECT ON alert_deliveries TO session_buddy_reader;

GRANT DELETE ON sessions, session_events, alert_deliveries TO session_buddy_purge;
GRANT SELECT ON alert_deliveries TO session_buddy_purge;
GRANT INSERT ON tombstones TO session_buddy_purge;
