import { CloseCode, createClient } from "graphql-ws";
import pc from "picocolors";
import WebSocket from "ws";
import type {
  LiveEventsSubscription as LiveEvent,
  SessionFieldsFragment,
  TypedDocumentString,
} from "../client/gql/graphql.js";
import { GraphQLRequestError, request } from "../client/graphql-http.js";
import { SessionComponentQuery } from "../client/operations/cli.js";
import {
  ListSessionsQuery,
  LiveEventsSubscription,
  SessionEndedSubscription,
  SessionEventsAfterQuery,
  SessionStartedSubscription,
} from "../client/operations/sessions.js";
import { formatDuration, formatSeconds } from "../contract/duration.js";
import { CommandOutcomes, SessionStatuses } from "../contract/enums.js";
import { ErrorCodes } from "../contract/errors.js";
import { shortId } from "../contract/short-id.js";

type FeedEvent = LiveEvent["liveEvents"];

export interface WatchOptions {
  url: string;
  token: string;
  component?: string | undefined;
  format: "table" | "json";
  /** Writes one line to stdout. */
  out: (line: string) => void;
  /** Writes one line to stderr (the feed's state). */
  err: (line: string) => void;
  /**
   * On a terminal: shows what is still running in a transient status line (an empty text clears it).
   * Without it, a command is shown only once it completes.
   */
  status?: ((text: string) => void) | undefined;
}

/** How `watch` ended when nothing went wrong: the signal that stopped it. */
export type WatchStop = "SIGINT" | "SIGTERM";

/** A failure that ends the feed: its message is the one line to print. */
export class WatchError extends Error {}

/** Changes are stamped by the service; replicas' clocks may differ a little, and duplicates are filtered anyway. */
const CATCH_UP_MARGIN_MS = 5_000;

/** Waits before subscribing again after the service ended a subscription (its live feed was down). */
const resumeDelayMs = (attempt: number) => Math.min(5000, 250 * 2 ** Math.min(attempt, 5));

/** A GraphQL error list that says the service is unavailable for now (its live feed or its database). */
const unavailable = (errors: unknown) =>
  Array.isArray(errors) &&
  (errors[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code ===
    ErrorCodes.SERVICE_UNAVAILABLE;

/** The first message of a GraphQL error list, a close event's reason, or an error's message. */
function describe(e: unknown): string {
  if (Array.isArray(e)) {
    const first = e[0] as { message?: string; extensions?: { code?: string } } | undefined;
    return `${first?.message ?? "the service refused the feed"}${first?.extensions?.code ? ` [${first.extensions.code}]` : ""}`;
  }
  const close = e as { code?: number; reason?: string; message?: string } | undefined;
  if (typeof close?.code === "number" && "reason" in (close ?? {}))
    return `the service closed the feed (${close.code}${close.reason ? ` ${close.reason}` : ""})`;
  return close?.message ?? String(e);
}

/** An id no session has: asking for it tells whether the token is accepted, and costs nothing. */
const NIL_ID = "00000000-0000-0000-0000-000000000000";

/** A command that may still complete: shown once, when it does (or when its session ends). */
const isOpenCommand = (e: FeedEvent) => e.kind === "command" && e.outcome == null;

/** Command text on one line. */
const oneLine = (text: string) => text.replace(/\r?\n/g, " ⏎ ");

/**
 * The live feed behind `session-buddy watch`: starts, ends, abandons and commands, one line each; a
 * command is shown when it completes, with its outcome (on a terminal, the ones still running are shown
 * in a status line meanwhile).
 *
 * It says once that the service is unreachable while it never connected, and once that the connection
 * was lost after it had been connected; either way it goes on trying. When the connection drops (the
 * service restarts) it reconnects; when the service ends the subscriptions because its live feed (Redis)
 * went down, it subscribes again until the feed is back. Either way it resubscribes with the last start
 * and end it saw as the resume point (`after`), so the service replays what happened in between, and
 * catches up on commands from the stored events; every line is printed once.
 *
 * Resolves with the signal that stopped it (SIGINT, SIGTERM); rejects with a {@link WatchError} whose
 * message is one line when the service refuses the token or the feed.
 */
export function watch(options: WatchOptions): Promise<WatchStop> {
  const printed = new Set<string>();
  const componentOf = new Map<string, string>();
  const lastSeq = new Map<string, number>();
  /** Commands recorded but not completed yet, by event id. */
  const open = new Map<string, FeedEvent>();
  let lastChange = 0;
  /** The service's receivedAt of the newest start seen, and endReceivedAt of the newest end: resume points. */
  let lastStart = 0;
  let lastEnd = 0;
  const http = { url: options.url, token: options.token };
  const wsUrl = options.url.replace(/^http/, "ws");
  const json = options.format === "json";

  const time = (iso: string | null | undefined) => (iso ? iso.slice(11, 19) : "--:--:--");

  /** Lines come out in the order their causes arrived, even when one needs a look-up first. */
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (task: () => Promise<void> | void) => {
    queue = queue.then(task).catch((e: Error) => options.err(pc.yellow(`watch: ${e.message}`)));
  };

  /** Look-ups under way, so a session is asked for once however many of its commands arrive meanwhile. */
  const lookups = new Map<string, Promise<string>>();
  const componentFor = (sessionId: string): Promise<string> => {
    if (options.component) return Promise.resolve(options.component);
    const known = componentOf.get(sessionId);
    if (known) return Promise.resolve(known);
    let lookup = lookups.get(sessionId);
    if (!lookup) {
      lookup = request(http, SessionComponentQuery, { id: sessionId })
        .then((d) => d.session?.component)
        .catch(() => undefined)
        .then((found) => {
          lookups.delete(sessionId);
          if (found) componentOf.set(sessionId, found);
          return found ?? "?";
        });
      lookups.set(sessionId, lookup);
    }
    return lookup;
  };

  const showStatus = () => {
    if (!options.status || json) return;
    const running = [...open.values()];
    const latest = running.at(-1);
    if (!latest) return options.status("");
    const comp = options.component ?? componentOf.get(latest.sessionId);
    if (!comp)
      void componentFor(latest.sessionId).then((found) => {
        if (found !== "?" && open.size) showStatus();
      });
    const what = `${comp ?? "?"} ${shortId(latest.sessionId)}#${latest.seq} ${latest.textHidden ? "(text hidden)" : oneLine(latest.text ?? latest.kind)} (since ${time(latest.at)})`;
    options.status(
      running.length === 1 ? `… running: ${what}` : `… ${running.length} running; latest: ${what}`,
    );
  };

  const noteSession = (what: "start" | "end", s: SessionFieldsFragment) => {
    componentOf.set(s.id, s.component);
    const stamp = Date.parse((what === "start" ? s.receivedAt : s.endReceivedAt) ?? "") || 0;
    lastChange = Math.max(lastChange, stamp);
    if (what === "start") lastStart = Math.max(lastStart, stamp);
    else lastEnd = Math.max(lastEnd, stamp);
  };

  const printSession = (what: "start" | "end", s: SessionFieldsFragment) => {
    const key = what === "start" ? `${s.id}:start` : `${s.id}:end:${s.status}`;
    if (printed.has(key)) return;
    printed.add(key);
    if (json) return options.out(JSON.stringify({ event: what, session: s }));
    const who = `${s.actor}${s.username ? ` (${s.username}@${s.hostname ?? "?"})` : ""}`;
    if (what === "start") {
      options.out(
        `${time(s.startedAt)} ${pc.green("▶ start  ")} ${pc.bold(s.component)} ${s.type} ${shortId(s.id)} ${who}${s.reason ? ` — ${s.reason.text}` : ""}`,
      );
    } else {
      const tag = s.status === SessionStatuses.ABANDONED ? pc.yellow("✗ abandon") : pc.cyan("■ end    ");
      options.out(
        `${time(s.endedAt)} ${tag} ${pc.bold(s.component)} ${s.type} ${shortId(s.id)} ${s.endReason ?? ""}${
          s.exitCode != null ? ` exit ${s.exitCode}` : ""
        } after ${formatSeconds(s.durationSeconds)}, ${s.commandCount} command${s.commandCount === 1 ? "" : "s"}`,
      );
    }
  };

  const printEvent = async (e: FeedEvent) => {
    if (printed.has(e.id)) return;
    printed.add(e.id);
    open.delete(e.id);
    if (json) return options.out(JSON.stringify({ event: "event", data: e }));
    const comp = await componentFor(e.sessionId);
    const text = e.textHidden ? pc.dim("(text hidden: needs audit:read)") : oneLine(e.text ?? "");
    const result =
      e.outcome != null
        ? ` ${e.outcome === CommandOutcomes.error ? pc.red(`✗ ${e.errorClass ?? "error"}`) : pc.green("✓")}${
            e.durationMs != null ? ` ${formatDuration(e.durationMs)}` : ""
          }`
        : e.kind === "command"
          ? pc.dim(" (no outcome recorded)")
          : "";
    options.out(
      `${time(e.at)}   ${pc.dim(`${comp} ${shortId(e.sessionId)}#${e.seq}`)} ${e.kind} ${text}${result}`,
    );
  };

  /**
   * An event as it arrives: a command still running waits for its completion (or its session's end);
   * anything else is to be printed, by the task returned.
   */
  const accept = (e: FeedEvent): (() => Promise<void>) | undefined => {
    lastSeq.set(e.sessionId, Math.max(lastSeq.get(e.sessionId) ?? 0, e.seq));
    if (printed.has(e.id)) return undefined;
    if (isOpenCommand(e)) {
      if (!open.has(e.id)) {
        open.set(e.id, e);
        showStatus();
      }
      return undefined;
    }
    if (open.delete(e.id)) showStatus();
    return () => printEvent(e);
  };

  const onEvent = (e: FeedEvent) => {
    const print = accept(e);
    if (print) enqueue(print);
  };

  /** Where to read a session's stored events from: before its oldest command still open, else after the last seen. */
  const resumeSeq = (sessionId: string) => {
    const seqs = [...open.values()].filter((e) => e.sessionId === sessionId).map((e) => e.seq);
    return seqs.length ? Math.min(...seqs) - 1 : (lastSeq.get(sessionId) ?? 0);
  };

  /** Reads a session's stored events since what was seen, and prints them in order (from inside the queue). */
  const readStoredEvents = async (sessionId: string) => {
    const events = await request(http, SessionEventsAfterQuery, {
      id: sessionId,
      afterSeq: resumeSeq(sessionId),
    });
    for (const edge of events.session?.events.edges ?? []) await accept(edge.node)?.();
  };

  /** The end of a session: its commands still open are read back (their completion may be on its way), then shown. */
  const printEnd = async (s: SessionFieldsFragment) => {
    if ([...open.values()].some((e) => e.sessionId === s.id)) await readStoredEvents(s.id).catch(() => {});
    for (const e of [...open.values()].filter((x) => x.sessionId === s.id)) await printEvent(e);
    showStatus();
    printSession("end", s);
  };

  const onEnd = (s: SessionFieldsFragment) => {
    noteSession("end", s);
    enqueue(() => printEnd(s));
  };

  const onStart = (s: SessionFieldsFragment) => {
    noteSession("start", s);
    enqueue(() => printSession("start", s));
  };

  /** After a reconnect: what started, ended or was typed meanwhile, read back in order (from inside the queue). */
  const catchUp = async () => {
    if (!lastChange) return;
    const since = new Date(lastChange - CATCH_UP_MARGIN_MS).toISOString();
    const missed: SessionFieldsFragment[] = [];
    let after: string | null | undefined;
    for (;;) {
      const page = await request(http, ListSessionsQuery, {
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
      noteSession("start", s);
      printSession("start", s);
      await readStoredEvents(s.id);
      if (s.status !== SessionStatuses.ACTIVE) {
        noteSession("end", s);
        await printEnd(s);
      }
    }
  };

  /** Why the service refused the token, in its own words (the socket's 4403 says only "Forbidden"). */
  const refusal = async (): Promise<string> => {
    try {
      await request(http, SessionComponentQuery, { id: NIL_ID });
      return `the service refused the token (${CloseCode.Forbidden} Forbidden)`;
    } catch (e) {
      if (e instanceof GraphQLRequestError && e.code !== ErrorCodes.NETWORK)
        return `the service refused the token: ${e.message}${e.code ? ` [${e.code}]` : ""}`;
      return `the service refused the token (${CloseCode.Forbidden} Forbidden)`;
    }
  };

  return new Promise<WatchStop>((resolve, reject) => {
    let done = false;
    /** The feed's state, so each change is said once. */
    let state: "connecting" | "connected" | "unreachable" | "lost" = "connecting";
    let everConnected = false;
    let lastSocketError: string | undefined;
    /** Pending retry waits, cut short when the feed stops. */
    const waits = new Set<() => void>();
    const target = `${options.url}${options.component ? ` (component ${options.component})` : ""}`;

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
      retryWait: (retries) =>
        new Promise<void>((r) => {
          const wake = () => {
            clearTimeout(timer);
            waits.delete(wake);
            r();
          };
          const timer = setTimeout(wake, Math.min(5000, 250 * 2 ** Math.min(retries, 5)));
          waits.add(wake);
        }),
      onNonLazyError: (e) => {
        if ((e as { code?: number })?.code === CloseCode.Forbidden) return;
        fail(describe(e));
      },
      on: {
        error: (e) => {
          lastSocketError = (e as { message?: string })?.message || undefined;
        },
        connected: (_socket, _payload, wasRetry) => {
          state = "connected";
          lastSocketError = undefined;
          options.err(pc.dim(`${everConnected ? "reconnected to" : "watching"} ${target}`));
          everConnected = true;
          if (wasRetry) {
            // graphql-ws re-sends the subscriptions as first sent; send them with today's resume points.
            for (const s of feeds) s.start();
            resumeCatchUp();
          }
        },
        closed: (e) => {
          if (done) return;
          const code = (e as { code?: number })?.code;
          if (code === CloseCode.Forbidden) {
            void refusal().then(fail);
            return;
          }
          if (everConnected) {
            if (state === "connected") options.err(pc.yellow("connection lost; reconnecting…"));
            state = "lost";
          } else if (state !== "unreachable") {
            state = "unreachable";
            options.err(
              pc.yellow(
                `service unreachable at ${options.url}${lastSocketError ? ` (${lastSocketError})` : ""}; retrying…`,
              ),
            );
          }
        },
      },
    });

    const stop = (how?: WatchStop, error?: WatchError) => {
      if (done) return;
      done = true;
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigterm);
      options.status?.("");
      for (const wake of [...waits]) wake();
      // Disposing while a connection attempt is failing rejects with that attempt's error: nothing to report.
      Promise.resolve()
        .then(() => client.dispose())
        .catch(() => {});
      if (error) reject(error);
      else resolve(how ?? "SIGTERM");
    };
    const fail = (message: string) => stop(undefined, new WatchError(message));
    const onSigint = () => stop("SIGINT");
    const onSigterm = () => stop("SIGTERM");
    process.on("SIGINT", onSigint);
    process.on("SIGTERM", onSigterm);

    const resumeCatchUp = () =>
      enqueue(() => catchUp().catch((e: Error) => options.err(pc.yellow(`catch-up failed: ${e.message}`))));
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
              if (r.errors?.length) return unavailable(r.errors) ? again() : fail(describe(r.errors));
              attempts = 0;
              if (r.data) onData(r.data as R);
            },
            error: (e) => {
              if (mine !== generation || done) return;
              if (unavailable(e)) return again();
              // A socket that closed is the client's to reconnect (or the 4403 above to report).
              if ((e as { code?: unknown })?.code !== undefined && !Array.isArray(e)) return;
              fail(describe(e));
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
        (d) => onStart(d.sessionStarted),
      ),
      resumable(
        SessionEndedSubscription,
        () => ({ component: options.component, after: since(lastEnd) }),
        (d) => onEnd(d.sessionEnded),
      ),
      resumable(
        LiveEventsSubscription,
        () => ({ component: options.component }),
        (d) => onEvent(d.liveEvents),
        // Commands have no resume point of their own: they are read back from the stored events.
        resumeCatchUp,
      ),
    ];
    for (const s of feeds) s.start();
  });
}
