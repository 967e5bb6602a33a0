/**
 * Who read what: every path that returns command text to a caller allowed to read it (GraphQL queries and
 * subscriptions through `SessionEvent.text`, search snippets, the trail stream and bundles) notes the
 * reveal here — who, which session, which route or operation, how many events. Notes are summed per
 * (subject, session, route) and written together: at the end of each HTTP request (before its answer goes
 * out) and every second for subscriptions. A write that fails is kept and written with the next one.
 */
import { and, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import { Counter, type Registry } from "prom-client";
import type { Db } from "../../db/connection.js";
import { type AccessLogRow, accessLog } from "../../db/schema.js";

/** How reveals are grouped in `session_text_reveals_total`. */
export type RevealKind = "query" | "mutation" | "subscription" | "search" | "trail" | "bundle";

export interface AccessLogFilter {
  subject?: string | undefined;
  sessionId?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
}

export interface Viewer {
  subject: string;
  events: number;
  reads: number;
  firstAt: Date;
  lastAt: Date;
}

interface Pending {
  subject: string;
  sessionId: string | null;
  route: string;
  events: number;
}

const counters = new WeakMap<Registry, Counter<"kind">>();

export class AccessLog {
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly reveals: Counter<"kind">;
  /** Requests that revealed text (so only they wait for the write before answering). */
  private readonly revealing = new WeakSet<object>();

  constructor(
    private readonly db: Db,
    registry: Registry,
    private readonly o: { flushMs?: number; logger?: { error(message: string, err?: unknown): void } } = {},
  ) {
    let c = counters.get(registry);
    if (!c) {
      c = new Counter({
        name: "session_text_reveals_total",
        help: "Events whose command text was returned to a reader, by the kind of path that returned it",
        labelNames: ["kind"],
        registers: [registry],
      });
      counters.set(registry, c);
    }
    this.reveals = c;
  }

  /**
   * Notes that `subject` was shown the text of `events` events of a session (null: the whole trail).
   * `origin`: the request it was shown in, for {@link flushFor}.
   */
  note(
    subject: string,
    sessionId: string | null,
    route: string,
    kind: RevealKind,
    events = 1,
    origin?: object,
  ) {
    if (events <= 0) return;
    if (origin) this.revealing.add(origin);
    const key = `${subject}\u0000${sessionId ?? ""}\u0000${route}`;
    const p = this.pending.get(key);
    if (p) p.events += events;
    else this.pending.set(key, { subject, sessionId, route, events });
    this.reveals.inc({ kind }, events);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.o.flushMs ?? 1_000);
      this.timer.unref();
    }
  }

  /** Writes what was noted; resolves once it is stored (failures are logged and retried with the next). */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (this.pending.size === 0) return;
      const rows = [...this.pending.values()];
      this.pending = new Map();
      try {
        await this.db.insert(accessLog).values(rows);
      } catch (err) {
        for (const r of rows) {
          const key = `${r.subject}\u0000${r.sessionId ?? ""}\u0000${r.route}`;
          const p = this.pending.get(key);
          if (p) p.events += r.events;
          else this.pending.set(key, r);
        }
        this.o.logger?.error("could not record who read command text; kept for the next write", err);
      }
    });
    return this.writing;
  }

  /** Waits for the write of what `origin` revealed; at once for a request that revealed nothing. */
  flushFor(origin: object | undefined): Promise<void> {
    return origin && this.revealing.has(origin) ? this.flush() : Promise.resolve();
  }

  async stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Access records matching the filter, newest first, `first` after the record with id `after`. */
  async list(filter: AccessLogFilter, first: number, after?: number) {
    const where: SQL[] = [];
    if (filter.subject) where.push(eq(accessLog.subject, filter.subject));
    if (filter.sessionId) where.push(eq(accessLog.sessionId, filter.sessionId));
    if (filter.since) where.push(gte(accessLog.at, filter.since));
    if (filter.until) where.push(lt(accessLog.at, filter.until));
    if (after !== undefined) where.push(lt(accessLog.id, after));
    const rows: AccessLogRow[] = await this.db
      .select()
      .from(accessLog)
      .where(and(...where))
      .orderBy(desc(accessLog.id))
      .limit(first + 1);
    return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  /** Who read a session's command text: per reader, how many events over how many reads, first and last. */
  async viewers(sessionId: string): Promise<Viewer[]> {
    const rows = await this.db
      .select({
        subject: accessLog.subject,
        events: sql<number>`sum(${accessLog.events})`.mapWith(Number),
        reads: sql<number>`count(*)`.mapWith(Number),
        firstAt: sql<Date>`min(${accessLog.at})`.mapWith((v) => new Date(v)),
        lastAt: sql<Date>`max(${accessLog.at})`.mapWith((v) => new Date(v)),
      })
      .from(accessLog)
      .where(eq(accessLog.sessionId, sessionId))
      .groupBy(accessLog.subject)
      .orderBy(sql`max(${accessLog.at}) desc`);
    return rows;
  }
}
