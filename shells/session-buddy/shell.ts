import type { SessionFieldsFragment } from "../../client/gql/graphql.js";
import { ActiveSessionsQuery, ListSessionsQuery } from "../../client/operations/sessions.js";
import { DetectQuery, InsightsQuery, SessionQualityQuery } from "../../client/operations/shells.js";
import { PATTERNS, QUERY_LIMITS } from "../../contract/limits.js";
import { shortId } from "../../contract/short-id.js";
import { AdminShell, type AdminShellOptions } from "../core/admin-shell.js";
import { formatDuration } from "../core/output.js";
import type { ShellRuntime } from "../core/runtime.js";

const KNOWN_COMPONENTS = ["mahavishnu", "session-buddy", "oneiric", "crackerjack", "akosha", "fastblocks"];

const pct = (v: number | null | undefined) => (v == null ? "—" : `${(v * 100).toFixed(1)}%`);

function sessionRow(s: SessionFieldsFragment) {
  return {
    id: shortId(s.id),
    component: s.component,
    type: s.type,
    status: s.status,
    actor: s.actor,
    "user@host": `${s.username ?? "?"}@${s.hostname ?? "?"}`,
    started: s.startedAt.slice(0, 19).replace("T", " "),
    duration:
      s.durationSeconds == null
        ? formatDuration((Date.now() - Date.parse(s.startedAt)) / 1000)
        : formatDuration(s.durationSeconds),
    end: s.endReason ?? "",
    cmds: s.commandCount,
  };
}

/** Session-Buddy (manager): the service's own view of sessions, live from the API. */
export class SessionBuddyShell extends AdminShell {
  constructor(
    protected readonly runtime: ShellRuntime,
    options: AdminShellOptions = {},
  ) {
    super(
      { name: "session-buddy", componentType: "manager", adapters: ["graphql", "postgres", "redis"] },
      options,
    );
    this.helper(
      "ps",
      "ps(limit = 20)",
      "Recent sessions of every component, newest first",
      async (limit = 20) => {
        const data = await runtime.query(ListSessionsQuery, { first: limit });
        this.print(`${data.sessions.totalCount} session(s) in all`);
        return this.table(data.sessions.edges.map((e) => sessionRow(e.node)));
      },
      { args: [{ name: "limit", kind: "int", min: 1, max: QUERY_LIMITS.page }] },
    );
    this.helper(
      "active",
      "active(component?)",
      "Sessions open right now",
      async (component?: string) => {
        const data = await runtime.query(ActiveSessionsQuery, { component: component ?? null });
        if (data.activeSessions.length === 0)
          this.print(component ? `no active ${component} sessions` : "no active sessions");
        return this.table(data.activeSessions.map(sessionRow));
      },
      {
        args: [
          {
            name: "component",
            kind: "string",
            pattern: new RegExp(PATTERNS.componentName),
            patternText: `a component name such as '${KNOWN_COMPONENTS[0]}' (letters, digits, - and _, at most 64)`,
          },
        ],
      },
    );
    this.helper(
      "quality",
      "quality(days = 1)",
      "Per component: clean-end %, abandoned %, delayed %, quality score",
      async (days = 1) => {
        const data = await runtime.query(SessionQualityQuery, { days });
        if (data.sessionQuality.length === 0) this.print(`no sessions in the last ${days} day(s)`);
        return this.table(
          data.sessionQuality.map((q) => ({
            component: q.component,
            sessions: q.totalSessions,
            active: q.activeSessions,
            "clean end": pct(q.cleanEndRate),
            abandoned: pct(q.abandonedRate),
            delayed: pct(q.delayedRate),
            "quality score": q.qualityScore == null ? "—" : q.qualityScore.toFixed(1),
          })),
        );
      },
      { args: [{ name: "days", kind: "int", min: 1, max: 3650 }] },
    );
    this.helper(
      "insights",
      "insights(limit = 10)",
      "Notable facts from the analytics: anomalies, top users, failing and idle components",
      async (limit = 10) => {
        const days = 7;
        const [data, durations, perHour] = await Promise.all([
          runtime.query(InsightsQuery, { days }),
          runtime.query(DetectQuery, { metric: "session_duration", windowSeconds: days * 86400 }),
          runtime.query(DetectQuery, { metric: "sessions_per_hour", windowSeconds: days * 86400 }),
        ]);
        const facts: { kind: string; fact: string }[] = [];
        for (const a of [...durations.detectAnomalies, ...perHour.detectAnomalies].sort(
          (x, y) => Math.abs(y.score) - Math.abs(x.score),
        )) {
          facts.push({
            kind: "anomaly",
            fact: `${a.component}: ${a.reason} (score ${a.score.toFixed(1)}, ${a.at.slice(0, 16).replace("T", " ")})`,
          });
        }
        for (const e of data.sessionErrorRate.filter((r) => r.errorRate >= 0.2 && r.totalSessions >= 3)) {
          facts.push({
            kind: "failing",
            fact: `${e.component}: ${pct(e.errorRate)} of ${e.totalSessions} sessions failed${e.mostCommonError ? `, most often ${e.mostCommonError}` : ""}`,
          });
        }
        const top = data.aggregateSessions.slice(0, 3);
        if (top.length) {
          facts.push({
            kind: "top users",
            fact: top.map((r) => `${String((r.key as { actor?: string }).actor)} (${r.count})`).join(", "),
          });
        }
        const dayAgo = Date.now() - 86_400_000;
        const seen = new Map(data.mostActiveComponents.map((c) => [c.component, c]));
        for (const name of KNOWN_COMPONENTS) {
          const c = seen.get(name);
          if (!c) facts.push({ kind: "idle", fact: `${name}: no sessions in the last ${days} days` });
          else if (Date.parse(c.lastActiveAt) < dayAgo)
            facts.push({
              kind: "idle",
              fact: `${name}: last active ${c.lastActiveAt.slice(0, 16).replace("T", " ")}`,
            });
        }
        for (const c of data.mostActiveComponents.filter(
          (x) => x.qualityScore != null && x.qualityScore < 80,
        )) {
          facts.push({
            kind: "quality",
            fact: `${c.component}: quality score ${c.qualityScore!.toFixed(0)} over ${c.sessionCount} sessions`,
          });
        }
        if (facts.length === 0) this.print("nothing notable in the last 7 days");
        return this.table(facts.slice(0, limit));
      },
      { args: [{ name: "limit", kind: "int", min: 1, max: 100 }] },
    );
  }
}
