/**
 * `session-buddy review --pending [--component X]`, `session-buddy review ID` and
 * `session-buddy review ID --approve|--flag [--note TEXT]` (README, "For auditors"): the review queue and
 * verdicts, through the service's pendingReviews and reviewSession (scope audit:review).
 */
import { type Command, Option } from "commander";
import pc from "picocolors";
import type { SessionReviewFieldsFragment } from "../client/gql/graphql.js";
import { request } from "../client/graphql-http.js";
import { PendingReviewsQuery, ReviewSessionMutation, SessionReviewQuery } from "../client/operations/cli.js";
import type { SettingKey, Settings } from "../config/settings.js";
import { ReviewVerdicts, Scopes } from "../contract/enums.js";
import { QUERY_LIMITS } from "../contract/limits.js";
import { shortId } from "../contract/short-id.js";
import { shortTime, table } from "../shells/core/output.js";
import { resolveToken } from "./auth.js";
import { oneSessionId, SESSION_REF_FORMS } from "./session-ref.js";

export interface ReviewCommandHelpers {
  config(flags?: Partial<Record<SettingKey, unknown>>): Settings;
  out(text: string): void;
  /** An error the user can act on: printed as one line, exit 1. */
  fail(message: string): Error;
}

async function reviewerHttp(helpers: ReviewCommandHelpers) {
  const settings = helpers.config();
  return {
    url: settings.url,
    token: await resolveToken(settings, [Scopes.READ, Scopes.AUDIT, Scopes.REVIEW]),
  };
}

const causesText = (causes: readonly string[]) => causes.map((c) => c.toLowerCase()).join(", ");

/** The sensitive periods and reviews of a session, one line each, as `review ID` prints them. */
export function reviewLines(s: SessionReviewFieldsFragment): string[] {
  const lines: string[] = [];
  for (const p of s.sensitivePeriods) {
    const until = p.endedAt
      ? `until ${shortTime(String(p.endedAt))}${p.endedBy === "session_end" ? " (the session ended in it)" : ""}`
      : "no end recorded";
    lines.push(
      `${pc.red("sensitive")}   ${shortTime(String(p.beganAt))} ${until}: ${p.reason ?? pc.dim("(no reason)")}${p.ticketRef ? pc.dim(` (ticket ${p.ticketRef})`) : ""} ${pc.dim(`seq ${p.beginSeq}${p.endSeq ? `–${p.endSeq}` : ""}`)}`,
    );
  }
  for (const r of s.reviews) {
    const verdict = r.verdict === ReviewVerdicts.FLAGGED ? pc.red(r.verdict) : pc.green(r.verdict);
    lines.push(
      `${pc.bold("review")}      ${verdict} by ${r.reviewer} ${shortTime(String(r.reviewedAt))}${r.note ? `: ${r.note}` : ""}`,
    );
  }
  return lines;
}

export function registerReviewCommands(program: Command, helpers: ReviewCommandHelpers) {
  program
    .command("review")
    .description(
      "the review queue, and verdicts on ended sessions (needs audit:review; nobody reviews their own)",
    )
    .argument("[session]", `the session to review: ${SESSION_REF_FORMS}`)
    .option("--pending", "list the sessions waiting for review, newest first")
    .option("--component <name>", "with --pending: only this component's sessions")
    .option("--limit <n>", "with --pending: at most this many", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 10_000) throw helpers.fail("--limit must be 1 … 10000");
      return n;
    })
    .option("--approve", "record APPROVED: what was done was justified and as expected")
    .option("--flag", "record FLAGGED: it needs a closer look (needs --note; on-call are alerted)")
    .option("--note <text>", "what you found, kept with the verdict (1–500 characters)")
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(
      async (
        ref: string | undefined,
        opts: {
          pending?: boolean;
          component?: string;
          limit?: number;
          approve?: boolean;
          flag?: boolean;
          note?: string;
          format: "table" | "json";
        },
      ) => {
        if (opts.approve && opts.flag) throw helpers.fail("give --approve or --flag, not both");
        if (opts.pending) {
          if (ref || opts.approve || opts.flag)
            throw helpers.fail(
              "--pending lists the queue; review one session with: review ID --approve|--flag",
            );
          return listPending(helpers, opts.component, opts.limit ?? 50, opts.format);
        }
        if (!ref) throw helpers.fail("name a session to review, or list the queue with --pending");
        if (opts.flag && !opts.note?.trim())
          throw helpers.fail(
            '--flag needs --note saying what is wrong, e.g. --note "read rows beyond the ticket"',
          );
        const http = await reviewerHttp(helpers);
        const id = await oneSessionId(http, ref, helpers.fail);
        if (!opts.approve && !opts.flag) return showReview(helpers, http, id, opts.format);
        const { reviewSession: r } = await request(http, ReviewSessionMutation, {
          id,
          verdict: opts.flag ? ReviewVerdicts.FLAGGED : ReviewVerdicts.APPROVED,
          note: opts.note ?? null,
        });
        if (opts.format === "json") return helpers.out(JSON.stringify(r, null, 2));
        helpers.out(
          `session ${shortId(r.sessionId)} ${r.verdict === ReviewVerdicts.FLAGGED ? pc.red("FLAGGED") : pc.green("APPROVED")} by ${r.reviewer} at ${r.reviewedAt}${r.note ? `: ${r.note}` : ""}`,
        );
      },
    );
}

async function listPending(
  helpers: ReviewCommandHelpers,
  component: string | undefined,
  limit: number,
  format: "table" | "json",
) {
  const http = await reviewerHttp(helpers);
  type Node = Awaited<ReturnType<typeof page>>["pendingReviews"]["edges"][number]["node"];
  const page = (after: string | null | undefined) =>
    request(http, PendingReviewsQuery, {
      component: component ?? null,
      first: Math.min(QUERY_LIMITS.page, limit),
      after,
    });
  const nodes: Node[] = [];
  let after: string | null | undefined;
  let total = 0;
  while (nodes.length < limit) {
    const data = await page(after);
    total = data.pendingReviews.totalCount;
    nodes.push(...data.pendingReviews.edges.map((e) => e.node).slice(0, limit - nodes.length));
    if (!data.pendingReviews.pageInfo.hasNextPage) break;
    after = data.pendingReviews.pageInfo.endCursor;
  }
  if (format === "json") return helpers.out(JSON.stringify({ totalCount: total, sessions: nodes }, null, 2));
  if (nodes.length === 0) return helpers.out(pc.dim("nothing waits for review"));
  helpers.out(
    table(nodes, [
      ["session", (s) => shortId(s.id)],
      ["component", (s) => pc.bold(s.component)],
      [
        "actor",
        (s) => `${s.actor}${s.actorKind && s.actorKind !== "HUMAN" ? pc.dim(` (${s.actorKind})`) : ""}`,
      ],
      ["ended", (s) => shortTime(s.endedAt)],
      ["commands", (s) => `${s.commandCount}${s.errorCount ? pc.red(` (${s.errorCount} err)`) : ""}`],
      ["why", (s) => causesText(s.reviewCauses)],
      ["reason", (s) => s.sensitivePeriods.map((p) => p.reason).find(Boolean) ?? s.reason?.text ?? null],
    ]),
  );
  helpers.out(
    pc.dim(`${nodes.length} of ${total} waiting; review one with: session-buddy review ID --approve|--flag`),
  );
}

async function showReview(
  helpers: ReviewCommandHelpers,
  http: { url: string; token: string },
  id: string,
  format: "table" | "json",
) {
  const { session } = await request(http, SessionReviewQuery, { id });
  if (!session) throw helpers.fail(`no session ${id}`);
  if (format === "json") return helpers.out(JSON.stringify(session, null, 2));
  helpers.out(
    `${pc.bold(shortId(session.id))} ${session.component} by ${session.actor}, ${session.status}, ${shortTime(session.startedAt)} – ${shortTime(session.endedAt)}`,
  );
  helpers.out(
    session.reviewCauses.length
      ? `needs review: ${causesText(session.reviewCauses)}${session.reviews.length ? "" : pc.yellow(" — not reviewed yet")}`
      : pc.dim("nothing calls for a review"),
  );
  for (const line of reviewLines(session)) helpers.out(line);
}
