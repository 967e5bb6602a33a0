import { CloseCode, createClient } from "graphql-ws";
import pc from "picocolors";
import WebSocket from "ws";
import type {
  LiveEventsSubscription as LiveEvent,
  SessionFieldsFragment,
  TypedDocumentString,
} from "../client/gql/graphql.js";
import { request } from "../client/graphql-http.js";
import {
  ListSessionsQuery,
  LiveEventsSubscription,
  SessionEndedSubscription,
  SessionEventsAfterQuery,
  SessionStartedSubscription,
} from "../client/operations/sessions.js";
import { CommandOutcomes, SessionStatuses } from "../contract/enums.js";
import { ErrorCodes } from "../contract/errors.js";
import { formatDuration } from "../shells/core/output.js";

type FeedEvent = LiveEvent["liveEvents"];

export interface WatchOptions {
  url: string;
  token: string;
  component?: string | undefined;
  format: "table" | "json";
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Changes are stamped by the service; replicas' clocks may differ a little, and duplicates are filtered anyway. */
const CATCH_UP_MARGIN_MS = 5_000;

/** Waits before subscribing again after the service ended a subscription (its live feed was down). */
const resumeDelayMs = (attempt: number) => Math.min(5000, 250 * 2 ** Math.min(attempt, 5));

/** A GraphQL error list that says the service is unavailable for now (its live feed or its database). */
const unavailable = (errors: unknown) =>
  Array.isArray(errors) &&
  (errors[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code ===
    ErrorCodes.SERVICE_UNAVAILABLE;

/**
 * The live feed behind `session-buddy watch`: starts, ends, abandons and commands. When the connection drops
 * (the service restarts) it reconnects; when the service ends the subscriptions because its live feed
 * (Redis) went down, it subscribes again until the feed is back. Either way it resubscribes with the last
 * start and end it saw as the resume point (`after`), so the service replays what happened in between,
 * and catches up on commands from the stored events; every line is printed once.
 */
export function watch(options: WatchOptions): Promise<void> {
  const printed = new Set<string>();
  const componentOf = new Map<string, string>();
  const lastSeq = new Map<string, number>();
  let lastChange = 0;
  /** The service's receivedAt of the newest start seen, and endReceivedAt of the newest end: resume points. */
  let lastStart = 0;
  let lastEnd = 0;
  let catchingUp: Promise<void> | undefined;
  const wsUrl = options.url.replace(/^http/, "ws");

  const time = (iso: string | null | undefined) => (iso ? iso.slice(11, 19) : "--:--:--");

  const showSession = (what: "start" | "end", s: SessionFieldsFragment) => {
    componentOf.set(s.id, s.component);
    const key = what === "start" ? `${s.id}:start` : `${s.id}:end:${s.status}`;
    const stamp = Date.parse((what === "start" ? s.receivedAt : s.endReceivedAt) ?? "") || 0;
    lastChange = Math.max(lastChange, stamp);
    if (what === "start") lastStart = Math.max(lastStart, stamp);
    else lastEnd = Math.max(lastEnd, stamp);
    if (printed.has(key)) return;
    printed.add(key);
    if (options.format === "json") return options.out(JSON.stringify({ event: what, session: s }));
    const who = `${s.actor}${s.username ? ` (${s.username}@${s.hostname ?? "?"})` : ""}`;
    if (what === "start") {
      options.out(
        `${time(s.startedAt)} ${pc.green("▶ start  ")} ${pc.bold(s.component)} ${s.type} ${s.id} ${who}`,
      );
    } else {
      const tag = s.status === SessionStatuses.ABANDONED ? pc.yellow("✗ abandon") : pc.cyan("■ end    ");
      options.out(
        `${time(s.endedAt)} ${tag} ${pc.bold(s.component)} ${s.type} ${s.id} ${s.endReason ?? ""}${
          s.exitCode != null ? ` exit ${s.exitCode}` : ""
        } after ${formatDuration(s.durationSeconds)}, ${s.commandCount} commands`,
      );
    }
  };

  const showEvent = (e: FeedEvent) => {
    lastSeq.set(e.sessionId, Math.max(lastSeq.get(e.sessionId) ?? 0, e.seq));
    const key = `${e.id}:${e.outcome == null ? "open" : "done"}`;
    if (printed.has(key)) return;
    printed.add(key);
    // A completion first seen after a gap stands for both lines.
    if (e.outcome != null) printed.add(`${e.id}:open`);
    if (options.format === "json") return options.out(JSON.stringify({ event: "event", data: e }));
    const comp = componentOf.get(e.sessionId) ?? "?";
    const text = e.textHidden ? pc.dim("(text hidden: needs audit:read)") : (e.text ?? "");
    const result =
      e.outcome == null
        ? ""
        : ` ${e.outcome === CommandOutcomes.error ? pc.red(`✗ ${e.errorClass ?? "error"}`) : pc.green("✓")}${
            e.durationMs != null ? ` ${Math.round(e.durationMs)}ms` : ""
          }`;
    options.out(
      `${time(e.at)}   ${pc.dim(`${comp} ${e.sessionId.slice(0, 8)}#${e.seq}`)} ${e.kind} ${text}${result}`,
    );
  };

  const catchUp = async () => {
    if (!lastChange) return;
    const since = new Date(lastChange - CATCH_UP_MARGIN_MS).toISOString();
    const missed: SessionFieldsFragment[] = [];
    let after: string | null | undefined;
    for (;;) {
      const page = await request({ url: options.url, token: options.token }, ListSessionsQuery, {
        filter: { changedAfter: since, component: options.component },
        first: 500,
        after,
      });
      missed.push(...page.sessions.edges.map((e) => e.node));
      if (!page.sessions.pageInfo.hasNextPage) break;
      after = page.sessions.pageInfo.endCursor;
    }
    missed.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    for (const s of missed) {
      showSession("start", s);
      const events = await request({ url: options.url, token: options.token }, SessionEventsAfterQuery, {
        id: s.id,
        afterSeq: lastSeq.get(s.id) ?? 0,
      });
      for (const edge of events.session?.events.edges ?? []) showEvent(edge.node);
      if (s.status !== SessionStatuses.ACTIVE) showSession("end", s);
    }
  };

  return new Promise<void>((resolve, reject) => {
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${options.token}` },
      lazy: false,
      // A half-open socket (peer gone without a FIN) is noticed by pings; a stuck handshake by the ack timeout.
      keepAlive: 10_000,
      connectionAckWaitTimeout: 10_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: (e) => (e as { code?: number })?.code !== CloseCode.Forbidden,
      retryWait: async (retries) => {
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** Math.min(retries, 5))));
      },
      onNonLazyError: (e) => finish(e),
      on: {
        connected: (_socket, _payload, wasRetry) => {
          options.err(
            pc.dim(
              `${wasRetry ? "reconnected to" : "watching"} ${wsUrl}${options.component ? ` (component ${options.component})` : ""}`,
            ),
          );
          if (wasRetry) {
            // graphql-ws re-sends the subscriptions as first sent; send them with today's resume points.
            for (const s of feeds) s.start();
            resumeCatchUp();
          }
        },
        closed: (e) => {
          const code = (e as { code?: number })?.code;
          if (code === CloseCode.Forbidden)
            return finish(new Error(`the service refused the token (${CloseCode.Forbidden})`));
          // 1000 is a normal close (our own dispose); anything else is a lost connection.
          if (code !== 1000) options.err(pc.dim("connection lost; reconnecting…"));
        },
      },
    });
    let done = false;
    const finish = (error?: unknown) => {
      if (done) return;
      done = true;
      void client.dispose();
      if (error)
        reject(
          error instanceof Error ? error : new Error(String((error as { reason?: string })?.reason ?? error)),
        );
      else resolve();
    };
    const resumeCatchUp = () => {
      catchingUp = catchUp().catch((e: Error) => options.err(pc.yellow(`catch-up failed: ${e.message}`)));
    };
    /**
     * A subscription that survives the service ending it: on SERVICE_UNAVAILABLE (or an end it did not ask
     * for) it subscribes again after a backoff, with `variables()` as they are then.
     */
    const resumable = <R, V extends Record<string, unknown>>(
      document: TypedDocumentString<R, V>,
      variables: () => V,
      onData: (d: R) => void,
      onResumed?: () => void,
    ) => {
      let generation = 0;
      let attempts = 0;
      let dispose = () => {};
      let timer: NodeJS.Timeout | undefined;
      const start = () => {
        clearTimeout(timer);
        if (done) return;
        const mine = ++generation;
        dispose();
        const again = () => {
          if (mine !== generation || done) return;
          generation++;
          timer = setTimeout(() => {
            start();
            onResumed?.();
          }, resumeDelayMs(attempts++));
        };
        dispose = client.subscribe<R>(
          { query: document.toString(), variables: variables() },
          {
            next: (r) => {
              if (mine !== generation) return;
              if (r.errors?.length)
                return unavailable(r.errors) ? again() : finish(new Error(r.errors[0]!.message));
              attempts = 0;
              if (r.data) onData(r.data as R);
            },
            error: (e) => {
              if (mine !== generation) return;
              if (unavailable(e)) return again();
              finish(e);
            },
            complete: again,
          },
        );
      };
      return { start };
    };
    const since = (stamp: number) => (stamp ? new Date(stamp - CATCH_UP_MARGIN_MS).toISOString() : undefined);
    const feeds = [
      resumable(
        SessionStartedSubscription,
        () => ({ component: options.component, after: since(lastStart) }),
        (d) => showSession("start", d.sessionStarted),
      ),
      resumable(
        SessionEndedSubscription,
        () => ({ component: options.component, after: since(lastEnd) }),
        (d) => showSession("end", d.sessionEnded),
      ),
      resumable(
        LiveEventsSubscription,
        () => ({ component: options.component }),
        (d) => {
          // Events of a session caught up right now print in order once the catch-up is done.
          if (catchingUp) void catchingUp.then(() => showEvent(d.liveEvents));
          else showEvent(d.liveEvents);
        },
        // Commands have no resume point of their own: they are read back from the stored events.
        resumeCatchUp,
      ),
    ];
    for (const s of feeds) s.start();
    const stop = () => finish();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
