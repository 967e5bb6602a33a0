import { sql } from "drizzle-orm";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { type ActorKind, EndReasons, SessionStatuses } from "../../contract/enums.js";
import type { ClientHealth } from "../../contract/models.js";
import type { Db } from "../../db/connection.js";
import { type Rows, rowsOf } from "../../db/rows.js";
import type { SessionRow } from "../../db/schema.js";
import { completenessSql } from "./chain.js";

/**
 * The `actor_kind` label of the session counters: the stored kind in lower case (`human`, `ai_agent`,
 * `automation`), `unknown` when neither the token nor the shell said. Four values at most, so the label
 * multiplies the series by four at worst; lower case like the counters' other label values (`status`).
 */
const actorKindLabel = (kind: ActorKind | null) => (kind ? kind.toLowerCase() : "unknown");

const DURATION_BUCKETS = [60, 300, 900, 1800, 3600, 7200, 14400, 28800];
const EMIT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The Prometheus series of SPEC §9. Counters and histograms count what this process did; the gauges
 * `active_sessions` and `session_quality_score` are read from the database at scrape time, so they are
 * right after a restart and agree across replicas.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly startTotal: Counter<"component_name" | "shell_type" | "actor_kind">;
  private readonly endTotal: Counter<"component_name" | "status" | "actor_kind">;
  private readonly resumedTotal: Counter<"component_name">;
  private readonly duration: Histogram<"component_name">;
  private readonly emitSuccess: Counter<"component_name" | "event_type">;
  private readonly emitFailure: Counter<"component_name" | "event_type" | "error_type">;
  private readonly emitDuration: Histogram<"component_name" | "event_type">;
  private readonly journalDepth: Gauge<"component_name">;
  private readonly clientDropped: Gauge<"component_name">;
  readonly graphqlRequests: Counter<"operation_type" | "outcome">;
  private readonly purgedTotal: Counter<"component_name" | "by">;
  readonly graphqlDuration: Histogram<"operation_type">;

  constructor(db: Db, options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.startTotal = new Counter({
      name: "session_start_total",
      help: "Sessions started, by who was at the prompt (actor_kind: human, ai_agent, automation, unknown)",
      labelNames: ["component_name", "shell_type", "actor_kind"],
      registers,
    });
    this.endTotal = new Counter({
      name: "session_end_total",
      help: "Sessions ended, by final status (ended, abandoned, error) and actor_kind (human, ai_agent, automation, unknown)",
      labelNames: ["component_name", "status", "actor_kind"],
      registers,
    });
    this.resumedTotal = new Counter({
      name: "session_resumed_total",
      help: "Abandoned sessions brought back by a heartbeat or an event (each was counted abandoned before)",
      labelNames: ["component_name"],
      registers,
    });
    this.duration = new Histogram({
      name: "session_duration_seconds",
      help: "Session length from capture timestamps (endedAt - startedAt)",
      labelNames: ["component_name"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    new Gauge({
      name: "active_sessions",
      help: "Sessions currently ACTIVE, from the database",
      labelNames: ["component_name"],
      registers,
      async collect() {
        this.reset();
        const rows = (await db.execute(
          sql`select component, count(*)::int as n from sessions where status = 'ACTIVE' group by component`,
        )) as unknown as Rows<{ component: string; n: number }>;
        for (const r of rowsOf(rows)) this.set({ component_name: r.component }, Number(r.n));
      },
    });
    new Gauge({
      name: "session_quality_score",
      help: "0-100: share of the last 24 h's finished sessions that ended cleanly (EXIT) with no sequence gaps",
      labelNames: ["component_name"],
      registers,
      async collect() {
        this.reset();
        const rows = (await db.execute(sql`
          select component,
            100.0 * count(*) filter (
              where status = 'ENDED' and end_reason = 'EXIT' and event_count = max_seq
            ) / count(*) as score
          from sessions
          where started_at > now() - interval '24 hours' and status <> 'ACTIVE'
          group by component`)) as unknown as Rows<{ component: string; score: number }>;
        for (const r of rowsOf(rows)) this.set({ component_name: r.component }, Number(r.score));
      },
    });
    new Gauge({
      name: "session_record_completeness",
      help: "Sessions started in the last 24 h by the completeness of their record (IN_PROGRESS, COMPLETE, GAPPED, TRUNCATED, BROKEN)",
      labelNames: ["component_name", "completeness"],
      registers,
      async collect() {
        this.reset();
        const rows = (await db.execute(sql`
          select component, ${completenessSql} as completeness, count(*)::int as n
          from sessions
          where started_at > now() - interval '24 hours'
          group by 1, 2`)) as unknown as Rows<{ component: string; completeness: string; n: number }>;
        for (const r of rowsOf(rows))
          this.set({ component_name: r.component, completeness: r.completeness }, Number(r.n));
      },
    });
    this.emitSuccess = new Counter({
      name: "event_emit_success_total",
      help: "Events accepted by the service",
      labelNames: ["component_name", "event_type"],
      registers,
    });
    this.emitFailure = new Counter({
      name: "event_emit_failure_total",
      help: "Events rejected by the service",
      labelNames: ["component_name", "event_type", "error_type"],
      registers,
    });
    this.emitDuration = new Histogram({
      name: "event_emit_duration_seconds",
      help: "Ingest handling time of event batches",
      labelNames: ["component_name", "event_type"],
      buckets: EMIT_BUCKETS,
      registers,
    });
    this.journalDepth = new Gauge({
      name: "client_journal_depth",
      help: "Pending events in client journals, as last reported by heartbeats",
      labelNames: ["component_name"],
      registers,
    });
    this.clientDropped = new Gauge({
      name: "client_journal_dropped",
      help: "Events clients dropped from full journals, as last reported by heartbeats",
      labelNames: ["component_name"],
      registers,
    });
    this.purgedTotal = new Counter({
      name: "sessions_purged_total",
      help: "Sessions purged (each left a signed tombstone), by the retention pass or an admin",
      labelNames: ["component_name", "by"],
      registers,
    });
    new Gauge({
      name: "legal_holds_active",
      help: "Sessions under a legal hold (never purged), from the database",
      registers,
      async collect() {
        const rows = (await db.execute(
          sql`select count(*)::int as n from legal_holds where released_at is null`,
        )) as unknown as Rows<{ n: number }>;
        this.set(Number(rowsOf(rows)[0]?.n ?? 0));
      },
    });
    this.graphqlRequests = new Counter({
      name: "graphql_requests_total",
      help: "GraphQL operations executed",
      labelNames: ["operation_type", "outcome"],
      registers,
    });
    this.graphqlDuration = new Histogram({
      name: "graphql_request_duration_seconds",
      help: "GraphQL operation execution time",
      labelNames: ["operation_type"],
      buckets: EMIT_BUCKETS,
      registers,
    });
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** `by`: `retention` for the scheduled pass, `admin` for a purge asked for. */
  sessionsPurged(component: string, by: "retention" | "admin", n = 1) {
    this.purgedTotal.inc({ component_name: component, by }, n);
  }

  sessionStarted(row: SessionRow) {
    this.startTotal.inc({
      component_name: row.component,
      shell_type: row.shellType ?? "",
      actor_kind: actorKindLabel(row.actorKind),
    });
  }

  sessionEnded(row: SessionRow, previousStatus: string) {
    const status =
      row.status === SessionStatuses.ABANDONED
        ? "abandoned"
        : row.endReason === EndReasons.ERROR
          ? "error"
          : "ended";
    this.endTotal.inc({ component_name: row.component, status, actor_kind: actorKindLabel(row.actorKind) });
    // A late end after an abandon corrects the status but must not count the duration twice; nor may the
    // end of a session that came back from an abandon (its first finish was observed then).
    if (previousStatus === SessionStatuses.ACTIVE && row.interruptions === 0 && row.endedAt) {
      this.duration.observe(
        { component_name: row.component },
        Math.max(0, (row.endedAt.getTime() - row.startedAt.getTime()) / 1000),
      );
    }
  }

  sessionResumed(row: SessionRow) {
    this.resumedTotal.inc({ component_name: row.component });
  }

  eventAccepted(component: string, kind: string, seconds: number) {
    this.emitSuccess.inc({ component_name: component, event_type: kind });
    this.emitDuration.observe({ component_name: component, event_type: kind }, seconds);
  }

  eventRejected(component: string, kind: string, errorType: string) {
    this.emitFailure.inc({ component_name: component, event_type: kind, error_type: errorType });
  }

  clientHealth(component: string, health: ClientHealth) {
    if (health.journalDepth != null)
      this.journalDepth.set({ component_name: component }, health.journalDepth);
    if (health.dropped != null) this.clientDropped.set({ component_name: component }, health.dropped);
  }
}
