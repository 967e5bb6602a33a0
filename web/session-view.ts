import type {
  SessionEventFieldsFragment as SessionEvent,
  SessionFieldsFragment,
  DashboardSessionQuery as SessionPage,
} from "../client/gql/graphql.js";
import {
  DashboardSessionDocument as DashboardSessionQuery,
  DashboardHoldSessionDocument as HoldSessionMutation,
  DashboardReleaseHoldDocument as ReleaseHoldMutation,
  WatchEndedDocument as SessionEndedSubscription,
  WatchEventsDocument as SessionEventsSubscription,
  DashboardSessionHoldDocument as SessionHoldQuery,
  SessionViewersDocument as SessionViewersQuery,
} from "../client/gql/graphql.js";
import { actorKindText } from "../contract/actor-kind.js";
import { breakPlace, seqRangesText } from "../contract/completeness.js";

import { formatDuration, formatSeconds } from "../contract/duration.js";
import { CommandOutcomes, Completenesses, Scopes, SessionStatuses } from "../contract/enums.js";
import { LIMITS } from "../contract/limits.js";
import { shortId } from "../contract/short-id.js";
import type { AppContext, View } from "./app.js";
import { canReadText } from "./auth.js";
import { badge, type Child, h, link, replaceChildren, secondsSince, statusBadge, time } from "./dom.js";
import { ApiError, toApiError } from "./graphql.js";

/** A session as its page shows it: its fields, and its legal hold when the page's own read found one. */
export type SessionDetail = SessionFieldsFragment & {
  legalHold?: NonNullable<SessionPage["session"]>["legalHold"];
};

const EVENT_PAGE = 500;
/** The timeline loads at most this many stored events before going live. */
const EVENT_LIMIT = 10_000;

export const HIDDEN_TEXT = "hidden — needs audit:read";

/** One event as the timeline shows it: seq, time, kind, outcome, duration, and the text or why not. */
export function timelineItem(e: SessionEvent): HTMLElement {
  const text =
    e.text != null
      ? h("code", { class: "command-text" }, e.text)
      : e.textHidden
        ? h("span", { class: "hidden-text", title: "Ask for a token with the audit:read scope" }, HIDDEN_TEXT)
        : null;
  const outcome = e.outcome ? badge(e.outcome, e.outcome) : badge("running", "open");
  return h(
    "li",
    {
      "data-seq": e.seq,
      "data-event-id": e.id,
      "data-kind": e.kind,
      class: e.outcome === CommandOutcomes.error ? "failed" : undefined,
    },
    h(
      "div",
      { class: "event-meta" },
      h("span", { class: "seq", title: "sequence number" }, `#${e.seq}`),
      time(e.at),
      badge(e.kind, "kind"),
      e.kind === "command" || e.outcome ? outcome : null,
      e.durationMs != null ? h("span", { class: "muted" }, formatDuration(e.durationMs)) : null,
      e.redactions > 0
        ? h("span", { class: "muted", title: "secrets masked at the source" }, `${e.redactions} redacted`)
        : null,
      e.errorClass ? h("span", { class: "error-class" }, e.errorClass) : null,
    ),
    text,
  );
}

/** A session's command timeline: its events in seq order, each replaced in place when it changes. */
export interface Timeline {
  /** The `ol.timeline` to mount. */
  readonly element: HTMLOListElement;
  /** Adds an event, or replaces the one with its id (a command that has completed). */
  upsert(e: SessionEvent): void;
  /** The events shown, in no particular order. */
  events(): SessionEvent[];
  /** Says so in the list when the stored events are all read and there are none. */
  loaded(): void;
}

/** An empty timeline; `onCount` hears how many events it shows after each change. */
export function commandTimeline(id: string, onCount?: (n: number) => void): Timeline {
  const element = h("ol", { class: "timeline", id, "aria-live": "polite" });
  const events = new Map<string, SessionEvent>();
  const items = new Map<string, HTMLElement>();
  return {
    element,
    upsert(e) {
      events.set(e.id, e);
      const el = timelineItem(e);
      const old = items.get(e.id);
      items.set(e.id, el);
      if (old) {
        old.replaceWith(el);
      } else {
        // Usually appended; an event that arrives out of order goes to its place by seq.
        const after = [...element.children].find((c) => Number((c as HTMLElement).dataset.seq) > e.seq);
        element.querySelector(".empty")?.remove();
        element.insertBefore(el, after ?? null);
      }
      onCount?.(events.size);
    },
    events: () => [...events.values()],
    loaded() {
      if (events.size === 0 && !element.querySelector(".empty"))
        element.append(h("li", { class: "empty" }, "No events yet. Commands appear here as they are typed."));
      onCount?.(events.size);
    },
  };
}

/**
 * Reads a session and its stored events a page at a time (at most {@link EVENT_LIMIT} events) into
 * `timeline`; `onSession` gets the session's fields with the first page, before its events. Resolves the
 * session, null when no session has that id, or undefined once `stopped()` says the page has gone.
 */
export async function readTimeline(
  ctx: AppContext,
  id: string,
  timeline: Timeline,
  stopped: () => boolean,
  onSession?: (s: SessionDetail) => void,
): Promise<SessionDetail | null | undefined> {
  let after: string | null = null;
  let session: SessionDetail | undefined;
  let read = 0;
  do {
    const data: SessionPage = await ctx.query(DashboardSessionQuery, { id, first: EVENT_PAGE, after });
    if (stopped()) return undefined;
    if (!data.session) return null;
    if (!session) {
      const { events: _page, ...rest } = data.session;
      session = rest;
      onSession?.(session);
    }
    for (const { node } of data.session.events.edges) timeline.upsert(node);
    read += data.session.events.edges.length;
    after = data.session.events.pageInfo.hasNextPage
      ? (data.session.events.pageInfo.endCursor ?? null)
      : null;
  } while (after && read < EVENT_LIMIT);
  return session;
}

/** One session: its details and its command timeline, stored events first, then live ones. */
export function sessionView(ctx: AppContext, root: HTMLElement, id: string): View {
  const disposers: (() => void)[] = [];
  let session: SessionDetail | undefined;
  /** Who read its command text (loaded for a token that may read it; this page's own read included). */
  let viewers: { subject: string; events: number; reads: number; lastAt: string }[] | null = null;
  let disposed = false;
  /** Why the last hold or release was refused ("" when it was not). */
  let holdError = "";

  const title = h("h1", { id: "session-title" }, "Session ", h("code", { title: id }, shortId(id)));
  const status = h("span", { id: "session-status" });
  const details = h("dl", { class: "details", id: "session-details" });
  const timelineCount = h("span", { class: "count", id: "timeline-count" }, "…");
  const timeline = commandTimeline("timeline", (n) => {
    timelineCount.textContent = String(n);
  });
  const message = h("div", { class: "section-error", role: "alert" });
  const textNote = canReadText(ctx.claims)
    ? null
    : h(
        "p",
        { class: "notice", id: "text-hidden-note" },
        "Command text is hidden: this token lacks the ",
        h("code", {}, Scopes.AUDIT),
        " scope.",
      );

  root.append(
    h("p", { class: "breadcrumb" }, link("/dashboard", {}, "← Overview")),
    h("div", { class: "title-row" }, title, status),
    message,
    h(
      "section",
      { class: "panel", "aria-labelledby": "details-title" },
      h("h2", { id: "details-title" }, "Details"),
      details,
    ),
    h(
      "section",
      { class: "panel", "aria-labelledby": "timeline-title" },
      h("h2", { id: "timeline-title" }, "Command timeline ", timelineCount),
      textNote,
      timeline.element,
    ),
  );
  document.title = `Session ${shortId(id)} · Session-Buddy dashboard`;

  /** The session's legal hold, and for an admin token the control that places or releases it. */
  function holdView(s: SessionDetail): Child[] {
    const hold = s.legalHold;
    const shown = h(
      "span",
      { id: "legal-hold" },
      hold
        ? `held: ${hold.reason} (by ${hold.heldBy} since ${new Date(String(hold.heldAt)).toLocaleString()}); no purge removes it`
        : "none",
    );
    if (!ctx.claims?.scopes.includes(Scopes.ADMIN)) return [shown];
    const problem = h("span", { id: "hold-error", class: "form-error", role: "alert" }, holdError);
    const act = async (run: () => Promise<SessionDetail["legalHold"]>) => {
      try {
        const next = await run();
        if (session) session = { ...session, legalHold: next };
        holdError = "";
      } catch (err) {
        const e = toApiError(err);
        if (ctx.authFailed(e)) return;
        holdError = e.message;
        // Refused because someone else held or released it meanwhile: show the hold as it is now.
        const now = await ctx.query(SessionHoldQuery, { id }).catch(() => undefined);
        if (now?.session && session) session = { ...session, legalHold: now.session.legalHold };
      }
      renderDetails();
    };
    if (hold) {
      const release = h("button", { type: "button", id: "release-hold" }, "Release hold");
      release.addEventListener("click", () => {
        release.disabled = true;
        void act(async () => {
          await ctx.query(ReleaseHoldMutation, { id });
          return null;
        });
      });
      return [shown, " ", release, problem];
    }
    const reason = h("input", {
      id: "hold-reason",
      name: "reason",
      required: true,
      maxlength: LIMITS.reasonChars,
    });
    const form = h(
      "form",
      { id: "hold-form", class: "inline-form" },
      h("label", { for: "hold-reason" }, "Reason (case or ticket, e.g. OPS-1234)"),
      " ",
      reason,
      " ",
      h("button", { type: "submit" }, "Place legal hold"),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void act(async () => (await ctx.query(HoldSessionMutation, { id, reason: reason.value })).holdSession);
    });
    return [shown, form, problem];
  }

  function renderDetails() {
    if (!session) return;
    const s = session;
    replaceChildren(status, statusBadge(s.status));
    const running = s.status === SessionStatuses.ACTIVE;
    const env = (s.environment ?? {}) as Record<string, unknown>;
    const row = (label: string, ...value: Child[]) =>
      h(
        "div",
        {},
        h("dt", {}, label),
        h("dd", {}, ...(value.length && value.some((v) => v !== null && v !== "") ? value : ["—"])),
      );
    replaceChildren(
      details,
      row("Session id", h("code", {}, s.id)),
      row("Component", h("strong", {}, s.component), s.componentType ? ` (${s.componentType})` : ""),
      row("Version", s.componentVersion),
      row("Type", s.type, s.shellType ? ` · ${s.shellType}` : ""),
      row(
        "Status",
        statusBadge(s.status),
        s.endReason ? ` ${s.endReason}` : "",
        s.exitCode != null ? ` · exit ${s.exitCode}` : "",
      ),
      row("Actor", s.actor),
      row("Actor kind", h("span", { id: "actor-kind" }, actorKindText(s) ?? "not reported")),
      row(
        "Reason",
        s.reason ? h("span", { id: "session-reason" }, s.reason.text) : null,
        s.reason?.ticketRef ? " " : "",
        s.reason?.ticketRef ? badge(s.reason.ticketRef, "ticket") : "",
      ),
      row("User @ host", [s.username, s.hostname].filter(Boolean).join(" @ ")),
      row("Process id", s.pid),
      row("Started", time(s.startedAt)),
      row("Ended", s.endedAt ? time(s.endedAt) : running ? "still running" : "—"),
      row(
        running ? "Running for" : "Duration",
        h(
          "span",
          { id: "session-duration" },
          formatSeconds(running ? secondsSince(s.startedAt) : s.durationSeconds),
        ),
      ),
      row("Last seen", time(s.lastSeenAt)),
      row("Commands", String(s.commandCount), s.errorCount ? ` · ${s.errorCount} failed` : ""),
      row("Record", ...completenessView(s)),
      row("Legal hold", ...holdView(s)),
      row("Capture", s.captureMode.toLowerCase(), s.delayed ? " · delayed" : ""),
      row("Adapters", s.adapters.join(", ")),
      row(
        "Node / platform",
        [env.nodeVersion, env.platform].filter((v) => typeof v === "string").join(" / "),
      ),
      row("Working directory", typeof env.cwd === "string" ? h("code", {}, env.cwd) : null),
      ...(viewers
        ? [
            row(
              "Viewed by",
              viewers.length
                ? h(
                    "span",
                    { id: "viewed-by" },
                    viewers
                      .map(
                        (v) =>
                          `${v.subject} (${v.events} event${v.events === 1 ? "" : "s"}, last ${new Date(v.lastAt).toLocaleString()})`,
                      )
                      .join(" · "),
                  )
                : h("span", { id: "viewed-by" }, "nobody has read its command text"),
            ),
          ]
        : []),
    );
  }

  const fail = (err: unknown) => {
    const e = err instanceof ApiError ? err : new ApiError(String(err), undefined);
    if (disposed || ctx.authFailed(e)) return;
    replaceChildren(message, `Cannot load this session: ${e.message}${e.code ? ` (${e.code})` : ""}`);
  };

  async function load() {
    let found: SessionDetail | null | undefined;
    try {
      found = await readTimeline(
        ctx,
        id,
        timeline,
        () => disposed,
        (s) => {
          session = s;
          renderDetails();
        },
      );
    } catch (err) {
      fail(err);
      return;
    }
    if (found === undefined) return;
    if (found === null) {
      replaceChildren(root, h("p", { class: "breadcrumb" }, link("/dashboard", {}, "← Overview")));
      root.append(
        h("h1", {}, "Session not found"),
        h("p", { id: "not-found" }, "No session has the id ", h("code", {}, id), "."),
      );
      root.dataset.ready = "session";
      return;
    }
    if (canReadText(ctx.claims)) {
      try {
        const v = await ctx.query(SessionViewersQuery, { id });
        if (disposed) return;
        viewers = (v.session?.viewedBy ?? []).map((x) => ({ ...x, lastAt: String(x.lastAt) }));
        renderDetails();
      } catch (err) {
        fail(err);
      }
    }
    timeline.loaded();
    goLive();
    root.dataset.ready = "session";
  }

  /** Replay from before the oldest command still running, so its completion is not missed. */
  function resumeSeq(): number {
    const seqs = timeline.events();
    const maxSeq = seqs.reduce((m, e) => Math.max(m, e.seq), 0);
    const open = seqs.filter((e) => e.kind === "command" && e.outcome == null).map((e) => e.seq);
    return open.length ? Math.min(maxSeq, Math.min(...open) - 1) : maxSeq;
  }

  function goLive() {
    if (!session) return;
    const { component, receivedAt } = session;
    // Each (re)subscription resumes from what the page has: events after the seq it holds, ends of the
    // component since this session reached the service.
    disposers.push(
      ctx.live.subscribe(SessionEventsSubscription, () => ({ sessionId: id, afterSeq: resumeSeq() }), {
        next: (d) => timeline.upsert(d.sessionEvents),
        error: fail,
      }),
      ctx.live.subscribe(SessionEndedSubscription, () => ({ component, after: receivedAt }), {
        next: (d) => {
          if (d.sessionEnded.id !== id || !session) return;
          session = { ...session, ...d.sessionEnded };
          renderDetails();
        },
        error: fail,
      }),
    );
  }

  const ticker = setInterval(() => {
    if (session?.status !== SessionStatuses.ACTIVE) return;
    const el = details.querySelector("#session-duration");
    if (el) el.textContent = formatSeconds(secondsSince(session.startedAt));
  }, 1000);

  void load();

  return {
    dispose() {
      disposed = true;
      clearInterval(ticker);
      for (const d of disposers) d();
    },
  };
}

/** A session's completeness as a badge and what it means, with where it failed or what is missing. */
function completenessView(s: {
  completeness: string;
  chained: boolean;
  brokenSeq?: number | null;
  missingSeqRanges?: readonly { from: number; to: number }[];
}): Child[] {
  const label = badge(
    s.completeness.toLowerCase().replace("_", " "),
    `record-${s.completeness.toLowerCase()}`,
  );
  const ranges = seqRangesText(s.missingSeqRanges);
  const where = breakPlace(s.brokenSeq);
  switch (s.completeness) {
    case Completenesses.COMPLETE:
      return [
        label,
        s.chained ? " every seq stored, hash chain matches" : " every seq stored (not hash-chained)",
      ];
    case Completenesses.GAPPED:
      return [label, ranges ? ` missing seq ${ranges}` : " a seq is missing"];
    case Completenesses.TRUNCATED:
      return [label, " abandoned: the end is unknown"];
    case Completenesses.BROKEN:
      return [label, ` the hash chain does not match${where ? ` at ${where}` : ""}`];
    default:
      return [label];
  }
}
