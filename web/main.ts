import { CloseCode } from "graphql-ws/client";
import { DashboardProbeDocument as DashboardProbeQuery } from "../client/gql/graphql.js";
import { formatSeconds } from "../contract/duration.js";
import { Scopes } from "../contract/enums.js";
import { ErrorCodes } from "../contract/errors.js";
import type { AppContext, View } from "./app.js";
import {
  authMode,
  canReadText,
  currentToken,
  embeddedToken,
  forgetToken,
  readClaims,
  storeToken,
} from "./auth.js";
import { h, replaceChildren } from "./dom.js";
import { type ApiError, type LiveState, liveFeedForbidden, openLiveFeed, request } from "./graphql.js";
import { overview } from "./overview.js";
import { canReview, isReviewRoute, REVIEW_PATH, reviewView } from "./review-view.js";
import { sessionView } from "./session-view.js";

const header = document.getElementById("header")!;
const main = document.getElementById("main")!;

const SESSION_PATH = /^\/dashboard\/session\/([A-Za-z0-9_-]{1,128})\/?$/;
const TITLE = "Session-Buddy dashboard";

interface Running {
  stop(): void;
}
let running: Running | undefined;

/** Why the token form is shown, in words a person can act on. */
function explain(err: ApiError): string {
  if (err.closeCode === CloseCode.Forbidden)
    return `The live feed was closed by the service (4403 Forbidden): the token was rejected or has expired. Enter a new token to continue.`;
  switch (err.code) {
    case ErrorCodes.UNAUTHENTICATED:
      return `The service rejected this token (UNAUTHENTICATED): “${err.message}”. Enter a valid token.`;
    case ErrorCodes.FORBIDDEN:
      return `This token may not read sessions (FORBIDDEN): it needs the sessions:read scope. The service said: “${err.message}”.`;
    default:
      return err.message;
  }
}

const isAuthFailure = (err: ApiError) =>
  err.code === ErrorCodes.UNAUTHENTICATED || err.code === ErrorCodes.FORBIDDEN;

/** The header; `reviewer` adds the review page to the navigation (a token with audit:review). */
function renderHeader(extra: Node[] = [], reviewer = false): void {
  replaceChildren(
    header,
    h(
      "div",
      { class: "brand" },
      h("a", { href: "/dashboard", "data-link": true, class: "brand-name" }, "Session-Buddy"),
      h("span", { class: "brand-sub" }, "admin shell sessions"),
    ),
    h(
      "nav",
      { "aria-label": "Main" },
      h("a", { href: "/dashboard", "data-link": true, id: "nav-overview" }, "Overview"),
      reviewer ? h("a", { href: REVIEW_PATH, "data-link": true, id: "nav-review" }, "Review") : null,
      h("a", { href: "/graphql" }, "GraphiQL"),
    ),
    ...extra,
  );
}

function showTokenForm(reason?: string): void {
  running?.stop();
  running = undefined;
  document.title = `Sign in · ${TITLE}`;
  renderHeader();
  const input = h("input", {
    id: "token-input",
    name: "token",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
    "aria-describedby": "token-help",
    placeholder: "eyJhbGciOi…",
  });
  const form = h(
    "form",
    { class: "token-form", id: "token-form" },
    h("label", { for: "token-input" }, "Access token (JWT)"),
    input,
    h("button", { type: "submit" }, "Use token"),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const value = input.value.trim();
    if (!value) return;
    storeToken(value);
    void start();
  });
  const mode = authMode();
  let useLocal: HTMLElement | null = null;
  if (embeddedToken()) {
    useLocal = h("button", { type: "button", id: "use-local-token" }, "Use the local dev token");
    useLocal.addEventListener("click", () => {
      forgetToken();
      void start();
    });
  }
  replaceChildren(
    main,
    h(
      "section",
      { class: "panel signin", "aria-labelledby": "signin-title" },
      h("h1", { id: "signin-title" }, "Sign in to the dashboard"),
      reason ? h("p", { class: "error", role: "alert", id: "auth-error" }, reason) : null,
      h(
        "p",
        { id: "token-help" },
        "Paste a token with the ",
        h("code", {}, Scopes.READ),
        " scope; add ",
        h("code", {}, Scopes.AUDIT),
        " to see what was typed. It stays in this tab only (sessionStorage). Mint one with:",
      ),
      h(
        "pre",
        {},
        h("code", {}, 'npx session-buddy token --sub "$USER" --scope "sessions:read audit:read" --ttl 8h'),
      ),
      form,
      useLocal ? h("p", {}, "Or go back to the token this local service embeds: ", useLocal) : null,
      mode === "local-secret" && !embeddedToken()
        ? h(
            "p",
            { id: "sign-in-hint" },
            "Or sign in with the link ",
            h("code", {}, "npm start"),
            " printed (print it again with ",
            h("code", {}, "npx session-buddy login-link"),
            ").",
          )
        : null,
      mode ? h("p", { class: "muted" }, `Service auth mode: ${mode}.`) : null,
    ),
  );
  input.focus();
}

function identityLine(ctx: AppContext, onChange: () => void): HTMLElement {
  const c = ctx.claims;
  const left = c?.exp ? c.exp - Date.now() / 1000 : undefined;
  const expiry = left === undefined ? "" : left > 0 ? ` · expires in ${formatSeconds(left)}` : " · expired";
  const button = h("button", { type: "button", class: "link-button", id: "change-token" }, "Change token");
  button.addEventListener("click", onChange);
  return h(
    "div",
    { class: "identity", id: "identity" },
    h(
      "span",
      {},
      ctx.source === "local" ? "Local dev token" : "Your token",
      " as ",
      h("strong", { id: "identity-sub" }, c?.sub ?? "unknown"),
      ` · ${c?.scopes.join(" ") || "no scopes"}${expiry}`,
      canReadText(c) ? "" : " · command text hidden",
    ),
    button,
  );
}

const STATE_TEXT: Record<LiveState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  forbidden: "Closed (4403)",
};

async function start(): Promise<void> {
  running?.stop();
  running = undefined;
  const current = currentToken();
  if (!current) return showTokenForm();
  const { token, source } = current;
  replaceChildren(main, h("p", { class: "loading" }, "Checking the token…"));
  try {
    await request(token, DashboardProbeQuery, {});
  } catch (err) {
    const e = err as ApiError;
    if (isAuthFailure(e)) {
      if (source === "entered") forgetToken();
      return showTokenForm(
        source === "local" ? `The local dev token does not work. ${explain(e)}` : explain(e),
      );
    }
    replaceChildren(
      main,
      h("p", { class: "error", role: "alert" }, `Cannot load the dashboard: ${e.message}`),
      retryButton(),
    );
    return;
  }

  const pill = h("span", {
    class: "live-pill",
    id: "live-state",
    role: "status",
    "data-state": "connecting",
  });
  const setState = (state: LiveState, detail?: string) => {
    pill.dataset.state = state;
    pill.textContent = STATE_TEXT[state];
    pill.title = detail ? `${STATE_TEXT[state]} (${detail})` : STATE_TEXT[state];
    document.body.dataset.live = state;
    if (state === "forbidden") ctx.authFailed(liveFeedForbidden(detail ?? ""));
  };
  setState("connecting");
  let view: View | undefined;
  let stopped = false;
  const live = openLiveFeed(token, (s, d) => {
    if (!stopped) setState(s, d);
  });
  const ctx: AppContext = {
    token,
    source,
    claims: readClaims(token),
    live,
    query: (doc, vars) => request(token, doc, vars),
    authFailed(err) {
      if (!isAuthFailure(err) || stopped) return isAuthFailure(err);
      if (source === "entered") forgetToken();
      showTokenForm(explain(err));
      return true;
    },
    navigate(path) {
      if (path !== location.pathname + location.search) history.pushState(null, "", path);
      route();
    },
  };
  const changeToken = () => {
    forgetToken();
    showTokenForm();
  };
  renderHeader(
    [h("div", { class: "header-status" }, pill, identityLine(ctx, changeToken))],
    canReview(ctx.claims),
  );

  const route = () => {
    view?.dispose();
    view = undefined;
    const m = SESSION_PATH.exec(location.pathname);
    main.replaceChildren();
    delete main.dataset.ready;
    let page = "overview";
    if (m) {
      page = "session";
      view = sessionView(ctx, main, m[1]!);
    } else if (isReviewRoute(location.search)) {
      page = "review";
      const q = new URLSearchParams(location.search);
      view = reviewView(ctx, main, {
        component: q.get("component") ?? undefined,
        session: q.get("session") ?? undefined,
      });
    } else {
      document.title = TITLE;
      view = overview(ctx, main);
    }
    for (const a of header.querySelectorAll("nav a[id^=nav-]"))
      if (a.id === `nav-${page}`) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    main.focus({ preventScroll: true });
  };
  const onPop = () => route();
  window.addEventListener("popstate", onPop);
  running = {
    stop() {
      stopped = true;
      window.removeEventListener("popstate", onPop);
      view?.dispose();
      live.dispose();
      delete document.body.dataset.live;
    },
  };
  route();
}

function retryButton(): HTMLElement {
  const b = h("button", { type: "button" }, "Try again");
  b.addEventListener("click", () => void start());
  return b;
}

// Links marked data-link change pages without a reload (and without a new socket).
document.addEventListener("click", (e) => {
  const a = (e.target as Element | null)?.closest?.("a[data-link]") as HTMLAnchorElement | null;
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const url = new URL(a.href);
  if (url.origin !== location.origin || !url.pathname.startsWith("/dashboard")) return;
  e.preventDefault();
  if (!running) return;
  const to = url.pathname + url.search;
  if (to !== location.pathname + location.search) history.pushState(null, "", to);
  window.dispatchEvent(new PopStateEvent("popstate"));
});

void start();
