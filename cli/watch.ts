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

/**
 * The live feed behind `session-buddy watch`: starts, ends, abandons and commands. When the connection drops
 * (the service restarts), it reconnects, re-subscribes, and catches up on what happened in between from the
 * stored sessions and events; every line is printed once.
 */
export function watch(options: WatchOptions): Promise<void> {
  const printed = new Set<string>();
  const componentOf = new Map<string, string>();
  const lastSeq = new Map<string, number>();
  let lastChange = 0;
  let catchingUp: Promise<void> | undefined;
  const wsUrl = options.url.replace(/^http/, "ws");

  const time = (iso: string | null | undefined) => (iso ? iso.slice(11, 19) : "--:--:--");

  const showSession = (what: "start" | "end", s: SessionFieldsFragment) => {
    componentOf.set(s.id, s.component);
    const key = what === "start" ? `${s.id}:start` : `${s.id}:end:${s.status}`;
    const stamp = Date.parse((what === "start" ? s.receivedAt : s.endReceivedAt) ?? "") || 0;
    lastChange = Math.max(lastChange, stamp);
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
        after: String(lastSeq.get(s.id) ?? 0),
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
            catchingUp = catchUp().catch((e: Error) =>
              options.err(pc.yellow(`catch-up failed: ${e.message}`)),
            );
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
    const sub = <R, V extends Record<string, unknown>>(
      document: TypedDocumentString<R, V>,
      variables: V,
      onData: (d: R) => void,
    ) =>
      client.subscribe<R>(
        { query: document.toString(), variables },
        {
          next: (r) => {
            if (r.errors?.length) return finish(new Error(r.errors[0]!.message));
            if (r.data) onData(r.data as R);
          },
          error: (e) => finish(e),
          complete: () => {},
        },
      );
    const vars = { component: options.component };
    sub(SessionStartedSubscription, vars, (d) => showSession("start", d.sessionStarted));
    sub(SessionEndedSubscription, vars, (d) => showSession("end", d.sessionEnded));
    sub(LiveEventsSubscription, vars, (d) => {
      // Events of a session caught up right now print in order once the catch-up is done.
      if (catchingUp) void catchingUp.then(() => showEvent(d.liveEvents));
      else showEvent(d.liveEvents);
    });
    const stop = () => finish();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
