import type {
  DashboardAnomalyFieldsFragment as Anomaly,
  SessionSummaryFieldsFragment as SessionSummary,
  DashboardStartedSinceQuery as StartedSince,
} from "../client/gql/graphql.js";
import {
  DashboardActiveCountDocument as DashboardActiveCountSubscription,
  DashboardActiveDocument as DashboardActiveQuery,
  DashboardAnomaliesDocument as DashboardAnomaliesQuery,
  DashboardRecentEndedDocument as DashboardRecentEndedQuery,
  DashboardStartedSinceDocument as DashboardStartedSinceQuery,
  WatchEndedDocument as SessionEndedSubscription,
  WatchStartedDocument as SessionStartedSubscription,
} from "../client/gql/graphql.js";
import { actorKindText } from "../contract/actor-kind.js";
import { formatSeconds } from "../contract/duration.js";
import { ACTOR_KINDS, SessionStatuses } from "../contract/enums.js";
import { shortId } from "../contract/short-id.js";
import type { AppContext, View } from "./app.js";
import { type BarChart, durationChart, trendChart } from "./charts.js";
import { componentColour } from "./colours.js";
import { formatTime, h, link, replaceChildren, secondsSince, statusBadge, time } from "./dom.js";
import { ApiError } from "./graphql.js";
import { averageDurations, type EndedSession, HourlyStarts } from "./trends.js";

/** How many ended sessions the "Recently ended" table shows. */
const RECENT = 15;
/**
 * How many of the latest ended sessions the page holds, so that narrowed to one actor kind the table
 * still has up to RECENT of that kind to show.
 */
const ENDED_KEPT = 100;
/** The active table shows the newest this many; the count above it is always the full number. */
const ACTIVE_ROWS = 200;
/** The trend charts read at most this many sessions of the last 24 h (newest first). */
const TREND_LIMIT = 5000;
const TREND_PAGE = 500;

type WindowSession = EndedSession & { id: string };

/** Anomalies are looked for over this window, and read again this often (and after a reconnect). */
const ANOMALY_WINDOW_SECONDS = 86_400;
const ANOMALY_REFRESH_MS = 5 * 60_000;
/** At most this many anomalies per metric. */
const ANOMALY_LIMIT = 25;

/** What each metric's value is, for people. */
const METRICS: Record<string, { label: string; value: (x: number) => string }> = {
  session_duration: { label: "session duration", value: (x) => formatSeconds(x) },
  commands_per_session: { label: "commands per session", value: (x) => `${Math.round(x)} commands` },
  sessions_per_hour: { label: "sessions per hour", value: (x) => `${Math.round(x)} sessions` },
  error_rate: { label: "error rate", value: (x) => `${(100 * x).toFixed(0)} %` },
};

/** The actor-kind choice's value for sessions whose kind nobody reported; "" is every kind. */
const UNKNOWN_KIND = "unknown";

/** Whether a session is of the kind chosen ("" = all, UNKNOWN_KIND = not reported). */
function ofKind(s: SessionSummary, choice: string): boolean {
  if (!choice) return true;
  return choice === UNKNOWN_KIND ? !s.actorKind : s.actorKind === choice;
}

/** A session's actor kind in a table cell: the word, with what said it (and for whom) on hover. */
function kindCell(s: SessionSummary): HTMLElement {
  const full = actorKindText(s);
  if (!full) return h("td", { class: "muted", "data-actor-kind": UNKNOWN_KIND }, "unknown");
  return h(
    "td",
    { "data-actor-kind": s.actorKind, title: full },
    actorKindText({ actorKind: s.actorKind }) ?? "",
  );
}

/** A small square in a component's colour, as in the charts. */
function swatch(component: string): HTMLElement {
  const el = h("span", { class: "swatch", "aria-hidden": "true", "data-colour": componentColour(component) });
  // Set through the CSSOM: the page's Content-Security-Policy allows no inline style attributes.
  el.style.backgroundColor = componentColour(component);
  return el;
}

/** Replicas stamp changes with their own clocks: a resumed subscription replays from this much earlier. */
const RESUME_MARGIN_MS = 5_000;

/**
 * The overview: active sessions (live), recently ended ones (live), and per-component trends of the
 * last 24 hours, computed here from `sessions(filter: { startedAfter })`.
 */
export function overview(ctx: AppContext, root: HTMLElement): View {
  const disposers: (() => void)[] = [];
  const active = new Map<string, SessionSummary>();
  const ended = new Map<string, SessionSummary>();
  /** Ends seen live, so a start or an initial load that arrives after never resurrects a session. */
  const endedIds = new Set<string>();
  const trend = new HourlyStarts(Date.now());
  const windowSessions = new Map<string, WindowSession>();
  let serverCount: number | undefined;
  /** Set once the window's sessions are loaded: whether all of them were (else the note says how many). */
  let trendComplete: boolean | undefined;
  let activeLoaded = false;
  let disposed = false;
  /** The actor kind both session lists are narrowed to: "" for all, UNKNOWN_KIND, or an ActorKind. */
  let kindChoice = "";

  // --- skeleton -------------------------------------------------------------------------------
  const kindSelect = h(
    "select",
    { id: "actor-kind-filter", "aria-controls": "active-table ended-table" },
    h("option", { value: "" }, "all"),
    ...ACTOR_KINDS.map((k) => h("option", { value: k }, actorKindText({ actorKind: k }) ?? k)),
    h("option", { value: UNKNOWN_KIND }, "unknown"),
  );
  kindSelect.addEventListener("change", () => {
    kindChoice = kindSelect.value;
    renderActive();
    renderEnded();
  });
  const activeCount = h("span", { class: "count", id: "active-count", "aria-live": "polite" }, "…");
  const activeBody = h("tbody", { id: "active-rows" });
  const activeError = h("div", { class: "section-error", role: "alert" });
  const endedBody = h("tbody", { id: "ended-rows" });
  const endedError = h("div", { class: "section-error", role: "alert" });
  const trendCanvas = h("canvas", {
    id: "trend-chart",
    role: "img",
    "aria-label": "Sessions started per hour over the last 24 hours, stacked by component",
  });
  const durationCanvas = h("canvas", {
    id: "duration-chart",
    role: "img",
    "aria-label": "Average session duration by component over the last 24 hours",
  });
  const trendNote = h("p", { class: "muted", id: "trend-note" }, "Loading the last 24 hours…");
  const trendTable = h("table", { class: "data-table compact" });
  const trendError = h("div", { class: "section-error", role: "alert" });
  const anomalyList = h("ol", { class: "anomalies", id: "anomaly-list" });
  const anomalyCount = h("span", { class: "count", id: "anomaly-count" }, "…");
  const anomalyError = h("div", { class: "section-error", role: "alert" });

  root.append(
    h("h1", { class: "sr-only" }, "Overview"),
    h(
      "div",
      { class: "inline-form", id: "kind-filter" },
      h("label", { for: "actor-kind-filter" }, "Sessions of actor kind"),
      kindSelect,
    ),
    h(
      "section",
      { class: "panel", "aria-labelledby": "active-title", id: "active-section" },
      h("h2", { id: "active-title" }, "Active sessions ", activeCount),
      activeError,
      h(
        "div",
        { class: "table-scroll" },
        h(
          "table",
          { class: "data-table", id: "active-table" },
          h("caption", { class: "sr-only" }, "Sessions that are running now, newest first"),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ...[
                "Component",
                "Type",
                "Actor",
                "Actor kind",
                "User @ host",
                "Started",
                "Running for",
                "Session",
              ].map((t) => h("th", { scope: "col" }, t)),
            ),
          ),
          activeBody,
        ),
      ),
    ),
    h(
      "div",
      { class: "columns" },
      h(
        "section",
        { class: "panel", "aria-labelledby": "ended-title", id: "ended-section" },
        h("h2", { id: "ended-title" }, "Recently ended"),
        endedError,
        h(
          "div",
          { class: "table-scroll" },
          h(
            "table",
            { class: "data-table", id: "ended-table" },
            h("caption", { class: "sr-only" }, `The last ${RECENT} sessions to end, latest first`),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ...["Component", "Actor", "Actor kind", "Outcome", "Duration", "Ended"].map((t) =>
                  h("th", { scope: "col" }, t),
                ),
              ),
            ),
            endedBody,
          ),
        ),
      ),
      h(
        "section",
        { class: "panel", "aria-labelledby": "trends-title", id: "trends-section" },
        h("h2", { id: "trends-title" }, "Last 24 hours by component"),
        trendError,
        h("h3", {}, "Sessions started per hour"),
        h("div", { class: "chart-box" }, trendCanvas),
        h("h3", {}, "Average duration of ended sessions"),
        h("div", { class: "chart-box short" }, durationCanvas),
        trendNote,
        h("details", {}, h("summary", {}, "Show the numbers as a table"), trendTable),
      ),
    ),
    h(
      "section",
      { class: "panel", "aria-labelledby": "anomalies-title", id: "anomalies-section" },
      h("h2", { id: "anomalies-title" }, "Anomalies in the last 24 hours ", anomalyCount),
      anomalyError,
      h(
        "p",
        { class: "muted" },
        "Values far above their own baseline (robust z-score of at least 3.5), highest score first.",
      ),
      anomalyList,
    ),
  );

  // --- rendering ------------------------------------------------------------------------------
  const durationCells = new Map<string, HTMLElement>();

  /** The active count: the service's number, and how many of them are of the kind chosen. */
  function renderCount() {
    const total = serverCount ?? active.size;
    if (!kindChoice) activeCount.textContent = String(total);
    else {
      const shown = [...active.values()].filter((s) => ofKind(s, kindChoice)).length;
      activeCount.textContent = `${shown} of ${total}`;
    }
  }

  function renderActive() {
    durationCells.clear();
    const all = [...active.values()]
      .filter((s) => ofKind(s, kindChoice))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    const rows = all.slice(0, ACTIVE_ROWS);
    if (rows.length === 0) {
      replaceChildren(
        activeBody,
        h(
          "tr",
          { class: "empty" },
          h(
            "td",
            { colspan: 8 },
            !activeLoaded
              ? "Loading…"
              : kindChoice && active.size > 0
                ? "No active sessions of this actor kind."
                : "No active sessions.",
          ),
        ),
      );
    } else {
      replaceChildren(
        activeBody,
        ...rows.map((s) => {
          const running = h("td", { class: "num" }, formatSeconds(secondsSince(s.startedAt)));
          durationCells.set(s.id, running);
          return h(
            "tr",
            { "data-session-id": s.id },
            h("td", {}, link(`/dashboard/session/${s.id}`, { class: "component" }, s.component)),
            h("td", {}, s.type),
            h("td", {}, s.actor),
            kindCell(s),
            h("td", {}, [s.username, s.hostname].filter(Boolean).join(" @ ") || "—"),
            h("td", {}, time(s.startedAt)),
            running,
            h("td", {}, link(`/dashboard/session/${s.id}`, { class: "mono", title: s.id }, shortId(s.id))),
          );
        }),
        all.length > rows.length
          ? h(
              "tr",
              { class: "empty" },
              h(
                "td",
                { colspan: 8 },
                `… and ${all.length - rows.length} more (the newest ${rows.length} are shown).`,
              ),
            )
          : null,
      );
    }
    renderCount();
  }

  function renderEnded() {
    const kept = [...ended.values()]
      .sort((a, b) => (b.endedAt ?? "").localeCompare(a.endedAt ?? ""))
      .slice(0, ENDED_KEPT);
    const keptIds = new Set(kept.map((r) => r.id));
    for (const id of [...ended.keys()]) if (!keptIds.has(id)) ended.delete(id);
    const rows = kept.filter((s) => ofKind(s, kindChoice)).slice(0, RECENT);
    if (rows.length === 0) {
      replaceChildren(
        endedBody,
        h(
          "tr",
          { class: "empty" },
          h(
            "td",
            { colspan: 6 },
            kindChoice && kept.length > 0
              ? `None of the latest ${kept.length} to end is of this actor kind.`
              : "Nothing has ended yet.",
          ),
        ),
      );
      return;
    }
    replaceChildren(
      endedBody,
      ...rows.map((s) =>
        h(
          "tr",
          { "data-session-id": s.id, "data-status": s.status },
          h("td", {}, link(`/dashboard/session/${s.id}`, { class: "component" }, s.component)),
          h("td", {}, s.actor),
          kindCell(s),
          h(
            "td",
            {},
            statusBadge(s.status),
            " ",
            h(
              "span",
              { class: "muted" },
              [s.endReason, s.exitCode != null ? `exit ${s.exitCode}` : null].filter(Boolean).join(", "),
            ),
          ),
          h("td", { class: "num" }, formatSeconds(s.durationSeconds)),
          h("td", {}, time(s.endedAt)),
        ),
      ),
    );
  }

  let trendChartInstance: BarChart | undefined;
  let durationChartInstance: BarChart | undefined;
  let chartFrame = 0;
  function renderCharts() {
    if (chartFrame || disposed) return;
    chartFrame = requestAnimationFrame(() => {
      chartFrame = 0;
      if (disposed) return;
      trend.advance(Date.now());
      trendChartInstance ??= trendChart(trendCanvas);
      durationChartInstance ??= durationChart(durationCanvas);
      const series = trend.series();
      trendChartInstance.data.labels = trend.labels();
      trendChartInstance.data.datasets = series.map((s) => ({
        label: s.label,
        data: s.data,
        backgroundColor: componentColour(s.label),
        borderWidth: 0,
      }));
      trendChartInstance.update("none");
      const averages = averageDurations(
        [...windowSessions.values()].filter((s) => Date.parse(s.startedAt) >= trend.since),
      );
      durationChartInstance.data.labels = averages.map((a) => a.component);
      durationChartInstance.data.datasets = [
        {
          label: "average minutes",
          data: averages.map((a) => a.avgSeconds / 60),
          backgroundColor: averages.map((a) => componentColour(a.component)),
          borderWidth: 0,
        },
      ];
      durationChartInstance.update("none");
      // What each chart drew, by component: the same component has the same colour in both.
      trendCanvas.dataset.colours = JSON.stringify(
        Object.fromEntries(series.map((x) => [x.label, componentColour(x.label)])),
      );
      durationCanvas.dataset.colours = JSON.stringify(
        Object.fromEntries(averages.map((a) => [a.component, componentColour(a.component)])),
      );
      renderTrendTable(series, averages);
      if (trendComplete) {
        const n = [...windowSessions.values()].filter((s) => Date.parse(s.startedAt) >= trend.since).length;
        trendNote.textContent = `${n} session${n === 1 ? "" : "s"} started since ${formatTime(new Date(trend.since).toISOString())}; updated live.`;
      }
    });
  }

  function renderTrendTable(
    series: { label: string; data: number[] }[],
    averages: { component: string; avgSeconds: number; sessions: number }[],
  ) {
    const avg = new Map(averages.map((a) => [a.component, a]));
    replaceChildren(
      trendTable,
      h("caption", {}, "Sessions started in the last 24 hours and their average duration, by component"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Component"),
          h("th", { scope: "col" }, "Started (24 h)"),
          h("th", { scope: "col" }, "Busiest hour"),
          h("th", { scope: "col" }, "Average duration"),
        ),
      ),
      h(
        "tbody",
        {},
        ...series.map((s) => {
          const total = s.data.reduce((a, b) => a + b, 0);
          const peak = s.data.indexOf(Math.max(...s.data));
          const a = avg.get(s.label);
          return h(
            "tr",
            {},
            h("th", { scope: "row" }, swatch(s.label), s.label),
            h("td", { class: "num" }, total),
            h("td", {}, total > 0 ? `${trend.labels()[peak]} (${s.data[peak]})` : "—"),
            h("td", { class: "num" }, a ? `${formatSeconds(a.avgSeconds)} (${a.sessions})` : "—"),
          );
        }),
      ),
    );
  }

  function renderAnomalies(found: Anomaly[]) {
    anomalyCount.textContent = String(found.length);
    if (found.length === 0) {
      replaceChildren(anomalyList, h("li", { class: "empty" }, "Nothing unusual."));
      return;
    }
    replaceChildren(
      anomalyList,
      ...found.map((a) => {
        const metric = METRICS[a.metric];
        return h(
          "li",
          { "data-metric": a.metric, "data-component": a.component },
          h(
            "div",
            { class: "anomaly-meta" },
            h("span", { class: "badge badge-score", title: "robust z-score" }, `z ${a.score.toFixed(1)}`),
            time(a.at),
            h("span", { class: "component" }, swatch(a.component), a.component),
            h("span", { class: "muted" }, metric?.label ?? a.metric),
            metric
              ? h(
                  "span",
                  { class: "muted" },
                  `${metric.value(a.value)} against a baseline of ${metric.value(a.baseline)}`,
                )
              : null,
            a.sessionId
              ? link(
                  `/dashboard/session/${a.sessionId}`,
                  { class: "mono", title: a.sessionId },
                  shortId(a.sessionId),
                )
              : null,
          ),
          // The service's sentence, whole: it wraps, it is never cut.
          h("p", { class: "anomaly-reason" }, a.reason),
        );
      }),
    );
  }

  // --- data -----------------------------------------------------------------------------------
  const report = (target: HTMLElement, what: string) => (err: unknown) => {
    const e = err instanceof ApiError ? err : new ApiError(String(err), undefined);
    if (disposed || ctx.authFailed(e)) return;
    replaceChildren(target, `Cannot load ${what}: ${e.message}${e.code ? ` (${e.code})` : ""}`);
  };

  function sessionStarted(s: SessionSummary) {
    if (!endedIds.has(s.id) && s.status === SessionStatuses.ACTIVE) active.set(s.id, s);
    if (!windowSessions.has(s.id)) {
      windowSessions.set(s.id, { ...s });
      trend.add(s);
    }
    renderActive();
    renderCharts();
  }

  function sessionEnded(s: SessionSummary) {
    endedIds.add(s.id);
    active.delete(s.id);
    ended.set(s.id, s);
    if (windowSessions.has(s.id)) windowSessions.set(s.id, { ...s });
    renderActive();
    renderEnded();
    renderCharts();
  }

  let reconciling = false;
  let lastReconcile = 0;
  /** The count a reload was made for: a difference that survives a reload is not chased again. */
  let reconciledFor: number | undefined;
  /**
   * The count subscription is the service's own number; when the table disagrees (a start or end was
   * missed while the feed was connecting), the table is reloaded, at most every few seconds.
   */
  function reconcile() {
    if (!activeLoaded || reconciling || serverCount === undefined || serverCount === active.size) return;
    if (serverCount === reconciledFor) return;
    reconciledFor = serverCount;
    const wait = Math.max(0, lastReconcile + 3000 - Date.now());
    reconciling = true;
    const timer = setTimeout(() => {
      lastReconcile = Date.now();
      loadActive().finally(() => {
        reconciling = false;
      });
    }, wait);
    disposers.push(() => clearTimeout(timer));
  }

  async function loadActive() {
    const data = await ctx.query(DashboardActiveQuery, {}).catch((err) => {
      report(activeError, "active sessions")(err);
      return undefined;
    });
    if (!data || disposed) return;
    activeError.replaceChildren();
    active.clear();
    for (const s of data.activeSessions) if (!endedIds.has(s.id)) active.set(s.id, s);
    activeLoaded = true;
    renderActive();
    markReady("active");
  }

  async function loadEnded() {
    const data = await ctx.query(DashboardRecentEndedQuery, { first: ENDED_KEPT }).catch((err) => {
      report(endedError, "recently ended sessions")(err);
      return undefined;
    });
    if (!data || disposed) return;
    for (const e of [...data.ended.edges, ...data.abandoned.edges])
      if (!ended.has(e.node.id)) ended.set(e.node.id, e.node);
    renderEnded();
    markReady("ended");
  }

  async function loadTrends() {
    const since = new Date(trend.since).toISOString();
    let cursor: string | null = null;
    let total = 0;
    let read = 0;
    try {
      do {
        const data: StartedSince = await ctx.query(DashboardStartedSinceQuery, {
          after: since,
          first: TREND_PAGE,
          cursor,
        });
        if (disposed) return;
        total = data.sessions.totalCount;
        for (const { node } of data.sessions.edges) {
          read += 1;
          if (!windowSessions.has(node.id)) {
            windowSessions.set(node.id, node);
            trend.add(node);
          } else if (node.status !== SessionStatuses.ACTIVE) windowSessions.set(node.id, node);
        }
        cursor = data.sessions.pageInfo.hasNextPage ? (data.sessions.pageInfo.endCursor ?? null) : null;
      } while (cursor && read < TREND_LIMIT);
    } catch (err) {
      report(trendError, "the trends")(err);
      return;
    }
    trendComplete = total <= read;
    if (!trendComplete)
      trendNote.textContent = `Computed from the latest ${read} of ${total} sessions started since ${formatTime(since)}.`;
    renderCharts();
    markReady("trends");
  }

  async function loadAnomalies() {
    const data = await ctx
      .query(DashboardAnomaliesQuery, { windowSeconds: ANOMALY_WINDOW_SECONDS, limit: ANOMALY_LIMIT })
      .catch((err) => {
        report(anomalyError, "the anomalies")(err);
        return undefined;
      });
    if (!data || disposed) return;
    anomalyError.replaceChildren();
    renderAnomalies(
      [...data.sessionDuration, ...data.commandsPerSession, ...data.sessionsPerHour, ...data.errorRate].sort(
        (a, b) => b.score - a.score || b.at.localeCompare(a.at),
      ),
    );
    markReady("anomalies");
  }

  const pending = new Set(["active", "ended", "trends", "count", "anomalies"]);
  function markReady(part: string) {
    pending.delete(part);
    if (pending.size === 0) root.dataset.ready = "overview";
  }

  // Resume points: the service's stamps of the newest start and end seen. A subscription sent again
  // (after a reconnect, or after the service's live feed was down) replays from a little before them;
  // what was already seen merges by id.
  let lastStart = 0;
  let lastEnd = 0;
  const resumeFrom = (stamp: number) =>
    stamp ? { after: new Date(stamp - RESUME_MARGIN_MS).toISOString() } : {};
  const seen = (iso: string | null | undefined) => Date.parse(iso ?? "") || 0;

  // Subscribe first, then load: anything that happens in between arrives live, and the two merge.
  disposers.push(
    ctx.live.subscribe(SessionStartedSubscription, () => resumeFrom(lastStart), {
      next: (d) => {
        lastStart = Math.max(lastStart, seen(d.sessionStarted.receivedAt));
        sessionStarted(d.sessionStarted);
      },
      error: report(activeError, "the live feed of starts"),
    }),
    ctx.live.subscribe(SessionEndedSubscription, () => resumeFrom(lastEnd), {
      next: (d) => {
        lastEnd = Math.max(lastEnd, seen(d.sessionEnded.endReceivedAt));
        sessionEnded(d.sessionEnded);
      },
      error: report(endedError, "the live feed of ends"),
    }),
    ctx.live.subscribe(
      DashboardActiveCountSubscription,
      {},
      {
        next: (d) => {
          serverCount = d.activeSessionCount;
          renderCount();
          activeCount.dataset.synced = "true";
          markReady("count");
          reconcile();
        },
        error: report(activeError, "the active session count"),
      },
    ),
    ctx.live.onReconnect(() => {
      void loadActive();
      void loadEnded();
      void loadAnomalies();
    }),
  );

  renderActive();
  renderEnded();
  void loadActive().then(reconcile);
  void loadEnded();
  void loadTrends();
  void loadAnomalies();
  const anomalyTimer = setInterval(() => void loadAnomalies(), ANOMALY_REFRESH_MS);

  // Running-for cells tick every second; the chart window moves on the hour.
  const ticker = setInterval(() => {
    for (const [id, cell] of durationCells) {
      const s = active.get(id);
      if (s) cell.textContent = formatSeconds(secondsSince(s.startedAt));
    }
    if (trend.advance(Date.now())) renderCharts();
  }, 1000);

  return {
    dispose() {
      disposed = true;
      clearInterval(ticker);
      clearInterval(anomalyTimer);
      if (chartFrame) cancelAnimationFrame(chartFrame);
      for (const d of disposers) d();
      trendChartInstance?.destroy();
      durationChartInstance?.destroy();
    },
  };
}
