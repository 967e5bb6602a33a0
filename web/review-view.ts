/**
 * The review page (a token with audit:review): the queue of ended sessions that wait for a review
 * (`pendingReviews`, paged), the selected session's command timeline beside it — the session page's own
 * timeline — and a verdict with a note (`reviewSession`). The queue keeps itself current over
 * `reviewQueueChanged` and says when the live feed is down rather than passing old rows off as current.
 *
 * Its state is in the address (`/dashboard?view=review&component=X&session=ID`), so a reload or a link
 * opens the same queue and session.
 */
import type {
  PendingReviewsQuery as PendingPage,
  ReviewSessionMutation as Recorded,
  SessionReviewQuery as ReviewState,
} from "../client/gql/graphql.js";
import {
  PendingReviewsDocument as PendingReviewsQuery,
  DashboardReviewQueueChangedDocument as ReviewQueueChangedSubscription,
  ReviewSessionDocument as ReviewSessionMutation,
  SessionReviewDocument as SessionReviewQuery,
} from "../client/gql/graphql.js";
import { formatSeconds } from "../contract/duration.js";
import { type ReviewVerdict, ReviewVerdicts, Scopes } from "../contract/enums.js";
import { type ErrorCode, ErrorCodes, RETRYABLE_CODES } from "../contract/errors.js";
import { LIMITS } from "../contract/limits.js";
import { shortId } from "../contract/short-id.js";
import type { AppContext, View } from "./app.js";
import { type Claims, canReadText } from "./auth.js";
import { badge, type Child, formatTime, h, link, replaceChildren, statusBadge, time } from "./dom.js";
import { type ApiError, toApiError } from "./graphql.js";
import { commandTimeline, readTimeline, type SessionDetail } from "./session-view.js";

/** The page's address; `reviewHref` adds a component filter and a selected session. */
export const REVIEW_PATH = "/dashboard?view=review";

export const isReviewRoute = (search: string) => new URLSearchParams(search).get("view") === "review";

export function reviewHref(o: { component?: string; session?: string } = {}): string {
  const q = new URLSearchParams({ view: "review" });
  if (o.component) q.set("component", o.component);
  if (o.session) q.set("session", o.session);
  return `/dashboard?${q}`;
}

/** Whether the service lets this token review (admin implies audit:review, as in api/builder.ts). */
export const canReview = (claims: Claims | undefined) =>
  Boolean(claims?.scopes.includes(Scopes.REVIEW) || claims?.scopes.includes(Scopes.ADMIN));

type QueueItem = PendingPage["pendingReviews"]["edges"][number]["node"];
/** What the page knows of a session's review state: from its queue row, or read for it. */
type ReviewInfo = Pick<QueueItem, "reviewCauses" | "sensitivePeriods" | "reviews">;
type Review = QueueItem["reviews"][number];

/** Rows read per page (the service allows up to 100). */
const PAGE = 25;
/** Live changes that arrive together are read once. */
const RELOAD_DEBOUNCE_MS = 150;
/** Anomaly-flagged sessions join the queue when it is read, not with an announcement: read it this often. */
const REFRESH_MS = 5 * 60_000;

const CAUSES: Record<string, { label: string; title: string }> = {
  SENSITIVE: { label: "sensitive", title: "The operator entered sensitive mode" },
  ANOMALY: { label: "anomaly", title: "Anomaly detection flags its duration or command count" },
  REQUIRED: { label: "required", title: "Its component is configured review: required" },
};

const causeBadges = (causes: readonly string[]) =>
  causes.map((c) => {
    const b = badge(CAUSES[c]?.label ?? c.toLowerCase(), `cause-${c}`);
    b.title = CAUSES[c]?.title ?? c;
    return b;
  });

const verdictText = (v: string) => (v === ReviewVerdicts.FLAGGED ? "flagged" : "approved");

/** An error as one plain sentence: the service's message and its code (and reason), never a stack. */
const plain = (e: ApiError) =>
  `${e.message}${e.code ? ` (${[e.code, e.reason].filter(Boolean).join(", ")})` : ""}`;

export function reviewView(
  ctx: AppContext,
  root: HTMLElement,
  initial: { component?: string; session?: string } = {},
): View {
  const disposers: (() => void)[] = [];
  let disposed = false;
  let filter = initial.component?.trim() ?? "";
  let queue: QueueItem[] = [];
  let total: number | undefined;
  let cursor: string | null = null;
  let hasMore = false;
  /** Sessions known to have left the queue: a read that started before they did must not bring them back. */
  const left = new Set<string>();
  const componentsSeen = new Set<string>();
  let readAt: Date | undefined;
  let liveDetail: string | undefined;
  let liveError: string | undefined;
  /** Each read of the queue gets a number; only the latest one's answer is shown. */
  let generation = 0;
  let selected: string | undefined;
  /** The session a verdict is being recorded for: its own REVIEWED announcement is not news to this page. */
  let submitting: string | undefined;

  // --- skeleton -------------------------------------------------------------------------------
  const count = h("span", { class: "count", id: "review-count", "aria-live": "polite" }, "…");
  const liveNote = h("p", { class: "live-note", id: "review-live", role: "status" });
  const outcome = h("p", { class: "outcome", id: "review-outcome", role: "status", tabindex: -1 });
  const queueError = h("div", { class: "section-error", id: "review-error", role: "alert" });
  const componentInput = h("input", {
    id: "review-component",
    name: "component",
    list: "review-components",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "all components",
    value: filter,
  });
  const componentList = h("datalist", { id: "review-components" });
  const showAll = h("button", { type: "button", id: "review-all", class: "secondary" }, "All components");
  const filterForm = h(
    "form",
    { class: "inline-form review-filter", id: "review-filter", role: "search" },
    h("label", { for: "review-component" }, "Component"),
    componentInput,
    componentList,
    h("button", { type: "submit" }, "Show"),
    showAll,
  );
  const rows = h("tbody", { id: "review-rows" });
  const more = h("button", { type: "button", id: "review-more", class: "secondary", hidden: true }, "More");
  const detail = h("section", {
    class: "panel review-detail",
    id: "review-detail",
    "aria-labelledby": "review-detail-title",
  });

  root.append(
    h("div", { class: "title-row" }, h("h1", { id: "review-title" }, "Review queue ", count)),
    h(
      "p",
      { class: "muted" },
      "Ended sessions that wait for a review, newest first, with why: sensitive (the operator entered " +
        "sensitive mode), anomaly (anomaly detection flags it) or required (its component requires review). " +
        "Nobody reviews their own session.",
    ),
    liveNote,
    outcome,
    filterForm,
    h(
      "div",
      { class: "review-layout" },
      h(
        "section",
        { class: "panel", id: "review-queue", "aria-labelledby": "review-queue-title" },
        h("h2", { id: "review-queue-title" }, "Waiting"),
        queueError,
        h(
          "div",
          { class: "table-scroll" },
          h(
            "table",
            { class: "data-table", id: "review-table" },
            h(
              "caption",
              { class: "sr-only" },
              "Sessions waiting for a review; choose one to see its timeline and record a verdict",
            ),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ...["Session", "Actor", "Ended", "Why", "Reason / ticket"].map((t) =>
                  h("th", { scope: "col" }, t),
                ),
              ),
            ),
            rows,
          ),
        ),
        more,
      ),
      detail,
    ),
  );
  document.title = "Review · Session-Buddy dashboard";

  // --- the queue ------------------------------------------------------------------------------
  const updateAddress = () => {
    const href = reviewHref({ component: filter, session: selected });
    if (href !== location.pathname + location.search) history.replaceState(null, "", href);
  };

  function reasonCell(s: QueueItem): Child[] {
    const parts: Child[] = [];
    const tickets = new Set<string>();
    if (s.reason) {
      parts.push(h("span", { class: "reason" }, s.reason.text));
      if (s.reason.ticketRef) tickets.add(s.reason.ticketRef);
    }
    for (const p of s.sensitivePeriods) {
      if (p.reason)
        parts.push(h("span", { class: "reason" }, h("span", { class: "muted" }, "sensitive: "), p.reason));
      if (p.ticketRef) tickets.add(p.ticketRef);
    }
    for (const t of tickets) parts.push(badge(t, "ticket"));
    return parts.length ? parts : [h("span", { class: "muted" }, "—")];
  }

  function renderQueue() {
    count.textContent = total === undefined ? "…" : String(total);
    if (queue.length === 0) {
      replaceChildren(
        rows,
        h(
          "tr",
          { class: "empty" },
          h(
            "td",
            { colspan: 5 },
            total === undefined ? "Loading…" : `Nothing waits for a review${filter ? ` in ${filter}` : ""}.`,
          ),
        ),
      );
    } else {
      replaceChildren(
        rows,
        ...queue.map((s) => {
          const current = s.id === selected;
          const pick = h(
            "button",
            {
              type: "button",
              class: "row-select",
              "data-session-id": s.id,
              "aria-controls": "review-detail",
              "aria-current": current ? "true" : undefined,
              "aria-label": `Session ${shortId(s.id)} of ${s.component} by ${s.actor}`,
              title: s.id,
            },
            h("span", { class: "component" }, s.component),
            " ",
            h("code", {}, shortId(s.id)),
          );
          pick.addEventListener("click", () => select(s.id, true));
          return h(
            "tr",
            { "data-session-id": s.id, class: current ? "selected" : undefined },
            h("td", {}, pick),
            h("td", {}, s.actor, s.hostname ? h("span", { class: "muted" }, ` @ ${s.hostname}`) : null),
            h("td", {}, s.endedAt ? time(s.endedAt) : statusBadge(s.status)),
            h("td", { class: "causes" }, ...causeBadges(s.reviewCauses)),
            h("td", { class: "reasons" }, ...reasonCell(s)),
          );
        }),
      );
    }
    more.hidden = !hasMore;
    more.textContent = total !== undefined && hasMore ? `More (${total - queue.length} not shown)` : "More";
    replaceChildren(componentList, ...[...componentsSeen].sort().map((c) => h("option", { value: c })));
    showAll.hidden = !filter;
  }

  // Up and down move between the queue's rows, as in a list.
  rows.addEventListener("keydown", (e) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const buttons = [...rows.querySelectorAll<HTMLButtonElement>("button.row-select")];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    e.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, at + (e.key === "ArrowDown" ? 1 : -1)))]?.focus();
  });

  /** Whether a failure ended the page (the token is rejected): then there is nothing more to show. */
  const tokenFailed = (e: ApiError) => e.code === ErrorCodes.UNAUTHENTICATED && ctx.authFailed(e);

  function showQueueError(e: ApiError) {
    if (disposed || tokenFailed(e)) return;
    replaceChildren(
      queueError,
      e.code === ErrorCodes.FORBIDDEN
        ? `This token may not read the review queue: it needs the ${Scopes.REVIEW} scope. The service said: “${e.message}”.`
        : `Cannot read the review queue: ${plain(e)}.`,
    );
  }

  /**
   * Reads the queue from its start, as many rows as it shows now (at least a page), so a live change
   * neither drops rows the reviewer paged to nor shows a stale one. `append` reads the next page instead.
   */
  async function read(append = false): Promise<void> {
    const mine = ++generation;
    const want = append ? PAGE : Math.max(PAGE, queue.length);
    const found: QueueItem[] = [];
    let after = append ? cursor : null;
    let next = false;
    let seen: number | undefined;
    try {
      do {
        const data: PendingPage = await ctx.query(PendingReviewsQuery, {
          component: filter || null,
          first: Math.min(100, want - found.length),
          after,
        });
        if (disposed || mine !== generation) return;
        const page = data.pendingReviews;
        seen = page.totalCount;
        for (const { node } of page.edges) found.push(node);
        next = page.pageInfo.hasNextPage;
        after = page.pageInfo.endCursor ?? null;
      } while (next && found.length < want);
    } catch (err) {
      if (mine === generation) showQueueError(toApiError(err));
      renderLive();
      return;
    }
    queueError.replaceChildren();
    const fresh = found.filter((s) => !left.has(s.id));
    if (append) {
      const have = new Set(queue.map((s) => s.id));
      queue = [...queue, ...fresh.filter((s) => !have.has(s.id))];
    } else {
      queue = fresh;
    }
    total = Math.max(queue.length, (seen ?? 0) - (found.length - fresh.length));
    cursor = after;
    hasMore = next;
    for (const s of queue) componentsSeen.add(s.component);
    readAt = new Date();
    renderQueue();
    renderLive();
    root.dataset.ready = "review";
  }

  let reloadTimer: ReturnType<typeof setTimeout> | undefined;
  const reloadSoon = () => {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => void read(), RELOAD_DEBOUNCE_MS);
  };

  /** `id` left the queue (a verdict here, elsewhere, or found on a read): its row goes. */
  function leave(id: string) {
    left.add(id);
    const before = queue.length;
    queue = queue.filter((s) => s.id !== id);
    if (queue.length < before && total !== undefined) total = Math.max(queue.length, total - 1);
    renderQueue();
  }

  more.addEventListener("click", () => {
    more.disabled = true;
    void read(true).finally(() => {
      more.disabled = false;
    });
  });

  const applyFilter = (value: string) => {
    filter = value.trim();
    componentInput.value = filter;
    queue = [];
    total = undefined;
    hasMore = false;
    renderQueue();
    updateAddress();
    subscribe();
    void read();
  };
  filterForm.addEventListener("submit", (e) => {
    e.preventDefault();
    applyFilter(componentInput.value);
  });
  showAll.addEventListener("click", () => {
    applyFilter("");
    componentInput.focus();
  });

  // --- live -----------------------------------------------------------------------------------
  function renderLive() {
    const state = liveError ? "error" : ctx.live.state;
    liveNote.dataset.state = state;
    const at = readAt ? `read at ${formatTime(readAt.toISOString())}` : "not read yet";
    switch (state) {
      case "error":
        liveNote.textContent = `Live updates stopped: ${liveError}. The queue was ${at}; reload the page to try again.`;
        break;
      case "live":
        liveNote.textContent = `Live: rows come and go here as sessions end and verdicts are recorded (queue ${at}).`;
        break;
      case "connecting":
        liveNote.textContent = `Connecting to the live feed… The queue below was ${at}.`;
        break;
      default:
        liveNote.textContent = `The live feed is down${liveDetail ? ` (${liveDetail})` : ""}: the queue below was ${at} and may be out of date. It is read again when the feed is back.`;
    }
  }

  let stopQueueFeed = () => {};
  function subscribe() {
    stopQueueFeed();
    liveError = undefined;
    stopQueueFeed = ctx.live.subscribe(
      ReviewQueueChangedSubscription,
      () => ({ component: filter || null }),
      {
        next: ({ reviewQueueChanged: c }) => {
          if (c.change === "REVIEWED") {
            if (c.sessionId === submitting) return;
            leave(c.sessionId);
            if (c.sessionId === selected)
              reviewedMeanwhile({
                verdict: c.verdict ?? ReviewVerdicts.APPROVED,
                reviewer: c.reviewer ?? "someone",
                reviewedAt: c.at,
                note: null,
              });
          } else {
            reloadSoon();
          }
        },
        error: (err) => {
          if (disposed || tokenFailed(err)) return;
          liveError = plain(err);
          renderLive();
        },
      },
    );
  }
  let wasLive = ctx.live.state === "live";
  disposers.push(
    () => stopQueueFeed(),
    ctx.live.onState((state, detailText) => {
      liveDetail = detailText;
      // Back from an outage: what changed meanwhile was not announced to this page, so read it all again.
      if (state === "live" && !wasLive) reloadSoon();
      wasLive = state === "live";
      renderLive();
    }),
    ctx.live.onReconnect(reloadSoon),
  );
  const refresh = setInterval(() => void read(), REFRESH_MS);
  disposers.push(() => {
    clearInterval(refresh);
    clearTimeout(reloadTimer);
  });

  // --- the selected session -------------------------------------------------------------------
  let detailParts:
    | {
        id: string;
        notice: HTMLElement;
        error: HTMLElement;
        note: HTMLTextAreaElement;
        buttons: HTMLButtonElement[];
        /** How many reviews the session had when it was shown: one more means someone reviewed it since. */
        reviewsSeen: number;
      }
    | undefined;

  function emptyDetail() {
    detailParts = undefined;
    replaceChildren(
      detail,
      h("h2", { id: "review-detail-title", tabindex: -1 }, "Session"),
      h(
        "p",
        { class: "muted", id: "review-detail-empty" },
        "Choose a session in the queue to see its timeline and record a verdict.",
      ),
    );
    delete detail.dataset.ready;
  }

  function reviewList(reviews: readonly Review[]): Child {
    if (reviews.length === 0) return h("span", { id: "review-history" }, "none yet");
    return h(
      "ol",
      { class: "review-history", id: "review-history" },
      ...reviews.map((r) =>
        h(
          "li",
          {},
          badge(verdictText(r.verdict), `verdict-${r.verdict}`),
          ` by ${r.reviewer} `,
          time(r.reviewedAt),
          r.note ? h("span", { class: "note" }, ` “${r.note}”`) : null,
        ),
      ),
    );
  }

  function periodText(p: ReviewInfo["sensitivePeriods"][number]): Child {
    return h(
      "li",
      {},
      p.reason ?? h("span", { class: "muted" }, "no reason given"),
      p.ticketRef ? " " : null,
      p.ticketRef ? badge(p.ticketRef, "ticket") : null,
      h(
        "span",
        { class: "muted" },
        ` ${formatTime(p.beganAt)}–${p.endedAt ? formatTime(p.endedAt) : "the end"}, seq #${p.beginSeq}–${p.endSeq != null ? `#${p.endSeq}` : "…"}${p.endedBy ? ` (${p.endedBy})` : ""}`,
      ),
    );
  }

  /** Shows session `id`: its summary, what calls for a review, the verdict form and its timeline. */
  async function select(id: string, focus: boolean) {
    if (selected === id && detailParts?.id === id) {
      if (focus) detail.querySelector<HTMLElement>("#review-detail-title")?.focus();
      return;
    }
    selected = id;
    updateAddress();
    renderQueue();
    const row = queue.find((s) => s.id === id);
    const still = () => disposed || selected !== id;

    const title = h(
      "h2",
      { id: "review-detail-title", tabindex: -1 },
      "Session ",
      h("code", { title: id }, shortId(id)),
    );
    const summary = h("dl", { class: "details", id: "review-summary" });
    const notice = h("div", { class: "notice", id: "review-notice", role: "status", hidden: true });
    const error = h("div", { class: "section-error", id: "review-detail-error", role: "alert" });
    const note = h("textarea", {
      id: "verdict-note",
      name: "note",
      rows: 3,
      maxlength: LIMITS.reasonChars,
      "aria-describedby": "verdict-help verdict-error",
    });
    const approve = h(
      "button",
      { type: "submit", id: "verdict-approve", value: ReviewVerdicts.APPROVED },
      "Approve",
    );
    const flag = h(
      "button",
      { type: "submit", id: "verdict-flag", value: ReviewVerdicts.FLAGGED, class: "danger" },
      "Flag",
    );
    const verdictError = h("p", { class: "form-error", id: "verdict-error", role: "alert" });
    const form = h(
      "form",
      { class: "verdict-form", id: "verdict-form", "aria-labelledby": "verdict-title", novalidate: true },
      h("h3", { id: "verdict-title" }, "Verdict"),
      h("label", { for: "verdict-note" }, "Note"),
      note,
      h(
        "p",
        { class: "muted", id: "verdict-help" },
        `Required to flag: say what is wrong. Optional to approve (e.g. “refund matches OPS-1234”). At most ${LIMITS.reasonChars} characters. A verdict is permanent.`,
      ),
      verdictError,
      h("div", { class: "verdict-buttons" }, approve, flag),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const by = (e as SubmitEvent).submitter as HTMLButtonElement | null;
      void submit(id, (by?.value ?? ReviewVerdicts.APPROVED) as ReviewVerdict);
    });
    note.addEventListener("input", () => {
      if (note.value.trim()) {
        note.removeAttribute("aria-invalid");
        if (verdictError.dataset.kind === "note") verdictError.replaceChildren();
      }
    });
    const timelineCount = h("span", { class: "count", id: "review-timeline-count" }, "…");
    const timeline = commandTimeline("review-timeline", (n) => {
      timelineCount.textContent = String(n);
    });
    replaceChildren(
      detail,
      title,
      h(
        "p",
        { class: "muted" },
        link(`/dashboard/session/${id}`, { id: "review-open-session" }, "Open its page"),
      ),
      error,
      summary,
      notice,
      form,
      h("h3", { id: "review-timeline-title" }, "Command timeline ", timelineCount),
      canReadText(ctx.claims)
        ? null
        : h(
            "p",
            { class: "notice" },
            "Command text is hidden: this token lacks the ",
            h("code", {}, Scopes.AUDIT),
            " scope.",
          ),
      timeline.element,
    );
    delete detail.dataset.ready;
    const parts = {
      id,
      notice,
      error,
      note,
      buttons: [approve, flag],
      reviewsSeen: row?.reviews.length ?? 0,
    };
    detailParts = parts;
    if (focus) title.focus();

    let info: ReviewInfo | undefined = row;
    let session: SessionDetail | undefined;
    const renderSummary = () => {
      const r = (label: string, ...value: Child[]) =>
        h(
          "div",
          {},
          h("dt", {}, label),
          h("dd", {}, ...(value.some((v) => v !== null && v !== "" && v !== undefined) ? value : ["—"])),
        );
      const s = session;
      const mine = ctx.claims?.sub !== undefined && (s?.actor ?? row?.actor) === ctx.claims.sub;
      replaceChildren(
        summary,
        r("Component", h("strong", {}, s?.component ?? row?.component ?? "…")),
        r("Actor", s?.actor ?? row?.actor ?? "…"),
        r("User @ host", s ? [s.username, s.hostname].filter(Boolean).join(" @ ") : ""),
        r("Status", s ? statusBadge(s.status) : row ? statusBadge(row.status) : null),
        r("Started", time(s?.startedAt ?? row?.startedAt)),
        r("Ended", time(s?.endedAt ?? row?.endedAt)),
        r("Duration", s ? formatSeconds(s.durationSeconds) : null),
        r("Commands", s ? `${s.commandCount}${s.errorCount ? ` · ${s.errorCount} failed` : ""}` : null),
        r("Why", ...(info ? causeBadges(info.reviewCauses) : [])),
        r(
          "Reason",
          s?.reason ? h("span", { id: "review-reason" }, s.reason.text) : null,
          s?.reason?.ticketRef ? " " : null,
          s?.reason?.ticketRef ? badge(s.reason.ticketRef, "ticket") : null,
        ),
        r(
          "Sensitive periods",
          info
            ? info.sensitivePeriods.length
              ? h("ol", { class: "periods", id: "review-periods" }, ...info.sensitivePeriods.map(periodText))
              : "none"
            : null,
        ),
        r("Reviews", info ? reviewList(info.reviews) : null),
      );
      if (mine && !notice.dataset.kind) {
        notice.hidden = false;
        notice.dataset.kind = "own";
        notice.textContent = `You (${ctx.claims?.sub}) started this session: nobody reviews their own session, so the service will refuse your verdict. Ask another reviewer.`;
      }
    };
    renderSummary();

    // Not in the queue (a link, or it left): read its review state; reviewed already means no verdict here.
    if (!row) {
      try {
        const state: ReviewState = await ctx.query(SessionReviewQuery, { id });
        if (still()) return;
        if (state.session) {
          info = state.session;
          parts.reviewsSeen = state.session.reviews.length;
          const last = state.session.reviews.at(-1);
          if (last) reviewedMeanwhile(last, "Already reviewed");
        }
      } catch (err) {
        const e = toApiError(err);
        if (still() || tokenFailed(e)) return;
        replaceChildren(error, `Cannot read its reviews: ${plain(e)}.`);
      }
      renderSummary();
    }

    try {
      const found = await readTimeline(ctx, id, timeline, still, (s) => {
        session = s;
        renderSummary();
      });
      if (found === undefined) return;
      if (found === null) {
        replaceChildren(error, `No session has the id ${id} (it may have been purged).`);
        for (const b of parts.buttons) b.disabled = true;
      }
    } catch (err) {
      const e = toApiError(err);
      if (still() || tokenFailed(e)) return;
      replaceChildren(error, `Cannot load its timeline: ${plain(e)}.`);
    }
    timeline.loaded();
    markSensitive(timeline.element, info?.sensitivePeriods ?? []);
    detail.dataset.ready = "timeline";
  }

  /** The events recorded in sensitive mode stand out in the timeline. */
  function markSensitive(list: HTMLElement, periods: ReviewInfo["sensitivePeriods"]) {
    for (const li of list.querySelectorAll<HTMLElement>("li[data-seq]")) {
      const seq = Number(li.dataset.seq);
      const p = periods.find((x) => seq >= x.beginSeq && seq <= (x.endSeq ?? Number.POSITIVE_INFINITY));
      if (!p) continue;
      li.classList.add("in-sensitive");
      li.title = `In sensitive mode${p.reason ? `: ${p.reason}` : ""}`;
    }
  }

  /** The selected session was reviewed by someone else: say by whom, and offer no second verdict. */
  function reviewedMeanwhile(
    r: Pick<Review, "verdict" | "reviewer" | "reviewedAt" | "note">,
    lead = "Reviewed meanwhile",
  ) {
    if (!detailParts) return;
    const { notice, buttons, note } = detailParts;
    notice.hidden = false;
    notice.dataset.kind = "reviewed";
    notice.textContent = `${lead}: ${r.reviewer} ${verdictText(r.verdict)} it at ${formatTime(r.reviewedAt)}${r.note ? ` (“${r.note}”)` : ""}; it is no longer in the queue, so no verdict is sent from here.`;
    for (const b of buttons) b.disabled = true;
    note.disabled = true;
  }

  async function submit(id: string, verdict: ReviewVerdict) {
    const parts = detailParts;
    if (!parts || parts.id !== id || submitting) return;
    const errorBox = detail.querySelector<HTMLElement>("#verdict-error");
    if (!errorBox) return;
    const text = parts.note.value.trim();
    errorBox.replaceChildren();
    delete errorBox.dataset.kind;
    if (verdict === ReviewVerdicts.FLAGGED && !text) {
      // Said here rather than sent: the service would refuse it the same way.
      errorBox.dataset.kind = "note";
      errorBox.textContent =
        "A flag needs a note saying what is wrong: write it in the note, then flag again. Nothing was sent.";
      parts.note.setAttribute("aria-invalid", "true");
      parts.note.focus();
      return;
    }
    submitting = id;
    for (const b of parts.buttons) b.disabled = true;
    const done = (message?: string) => {
      submitting = undefined;
      if (detailParts !== parts) return;
      if (message !== undefined) errorBox.textContent = message;
      if (parts.notice.dataset.kind !== "reviewed") for (const b of parts.buttons) b.disabled = false;
    };
    try {
      // The queue may be older than the last verdict (the live feed can be down): look before recording.
      const now: ReviewState = await ctx.query(SessionReviewQuery, { id });
      if (disposed) return;
      const last = now.session?.reviews.at(-1);
      if (!now.session)
        return done(`Not recorded: no session has the id ${id} any more (it may have been purged).`);
      if (last && now.session.reviews.length > parts.reviewsSeen) {
        leave(id);
        reviewedMeanwhile(last, "Already reviewed");
        return done(
          `Not recorded: it is already reviewed — ${last.reviewer} ${verdictText(last.verdict)} it at ${formatTime(last.reviewedAt)}.`,
        );
      }
      const r: Recorded = await ctx.query(ReviewSessionMutation, { id, verdict, note: text || null });
      if (disposed) return;
      submitting = undefined;
      recorded(r.reviewSession);
    } catch (err) {
      const e = toApiError(err);
      if (disposed || tokenFailed(e)) return;
      done(
        RETRYABLE_CODES.has(e.code as ErrorCode)
          ? `Not recorded: ${plain(e)}. Nothing was stored; try again once the service is back.`
          : `Not recorded: the service refused it — ${plain(e)}.`,
      );
    }
  }

  function recorded(r: Recorded["reviewSession"]) {
    const row = queue.find((s) => s.id === r.sessionId);
    const index = queue.findIndex((s) => s.id === r.sessionId);
    leave(r.sessionId);
    outcome.dataset.verdict = r.verdict;
    outcome.dataset.sessionId = r.sessionId;
    replaceChildren(
      outcome,
      h("strong", {}, "Recorded: "),
      `session ${shortId(r.sessionId)}${row ? ` (${row.component}, started by ${row.actor})` : ""} `,
      badge(verdictText(r.verdict), `verdict-${r.verdict}`),
      ` by ${r.reviewer} at ${formatTime(r.reviewedAt)}`,
      r.note ? `, note “${r.note}”` : ", no note",
      ". It has left the queue.",
    );
    selected = undefined;
    updateAddress();
    emptyDetail();
    renderQueue();
    // Keyboard users go on with the next session in the queue; otherwise to what was recorded.
    const next = rows.querySelectorAll<HTMLButtonElement>("button.row-select")[Math.max(0, index)];
    (next ?? outcome).focus();
  }

  emptyDetail();
  renderQueue();
  renderLive();
  if (!canReview(ctx.claims)) {
    replaceChildren(
      queueError,
      "This token cannot review sessions: it needs the ",
      h("code", {}, Scopes.REVIEW),
      " scope (mint one with ",
      h("code", {}, `session-buddy token --sub "$USER" --scope "sessions:read audit:read audit:review"`),
      ").",
    );
    count.textContent = "—";
    root.dataset.ready = "review";
  } else {
    // Subscribe first, then read: a change in between arrives live and the read includes it anyway.
    subscribe();
    void read();
    if (initial.session) void select(initial.session, false);
  }

  return {
    dispose() {
      disposed = true;
      for (const d of disposers) d();
    },
  };
}
