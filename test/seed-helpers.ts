/**
 * Seeded data for the analytics tests, and plain-JS reference computations over the same rows: the
 * tests answer every question a second time without the service's SQL and compare.
 */
import type { Database } from "../db/connection.js";
import {
  generateSeed,
  insertSeedRows,
  type SeedEvent,
  type SeedOptions,
  type SeedSession,
  seedDatabase,
} from "../db/seed/main.js";

export interface Seeded {
  sessions: SeedSession[];
  events: SeedEvent[];
}

/** Loads the seed into the database and returns the same rows, regenerated in memory. */
export async function loadSeed(database: Database, options: SeedOptions): Promise<Seeded> {
  await seedDatabase(database, options);
  const sessions: SeedSession[] = [];
  const events: SeedEvent[] = [];
  for (const { session, events: es } of generateSeed(options)) {
    sessions.push(session);
    events.push(...es);
  }
  return { sessions, events };
}

/** Adds rows to both the database and the in-memory copy. */
export async function plant(
  database: Database,
  seeded: Seeded,
  sessions: SeedSession[],
  events: SeedEvent[] = [],
) {
  await insertSeedRows(database, sessions, events);
  seeded.sessions.push(...sessions);
  seeded.events.push(...events);
}

let planted = 0;
/** A planted session's id: v7-shaped, never colliding with the seed's. */
export function plantedId(ms: number): string {
  planted++;
  const t = Math.floor(ms).toString(16).padStart(12, "0");
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7fff-bfff-${planted.toString(16).padStart(12, "0")}`;
}

/** A finished session with sensible defaults; override what the test is about. */
export function plantedSession(overrides: Partial<SeedSession> & { startedAt: Date }): SeedSession {
  const endedAt =
    overrides.endedAt === undefined ? new Date(overrides.startedAt.getTime() + 600_000) : overrides.endedAt;
  return {
    id: plantedId(overrides.startedAt.getTime()),
    type: "admin_shell",
    component: "crackerjack",
    componentType: "inspector",
    componentVersion: "5.0.3",
    shellType: "CrackerjackShell",
    adapters: ["vitest"],
    status: endedAt ? "ENDED" : "ACTIVE",
    endedAt,
    lastSeenAt: endedAt ?? overrides.startedAt,
    receivedAt: overrides.startedAt,
    endReceivedAt: endedAt,
    delayed: false,
    endReason: endedAt ? "EXIT" : null,
    exitCode: endedAt ? 0 : null,
    captureMode: "BUFFERED",
    actor: "planter",
    username: "planter",
    hostname: "plant-1",
    pid: 4242,
    environment: {},
    metadata: {},
    commandCount: 0,
    errorCount: 0,
    eventCount: 0,
    maxSeq: 0,
    ...overrides,
  };
}

/** Command events for a session, seq 1…n, and the session's counters to match. */
export function plantedCommands(
  session: SeedSession,
  texts: string[],
  extra: Partial<SeedEvent> = {},
): SeedEvent[] {
  const events = texts.map((text, i) => ({
    id: plantedId(session.startedAt.getTime() + i),
    sessionId: session.id,
    seq: i + 1,
    kind: "command",
    at: new Date(session.startedAt.getTime() + i * 10),
    text,
    durationMs: 1,
    outcome: "ok" as const,
    errorClass: null,
    redactions: 0,
    payload: {},
    receivedAt: new Date(session.startedAt.getTime() + i * 10),
    ...extra,
  }));
  session.commandCount = events.filter((e) => e.kind === "command").length;
  session.errorCount = events.filter((e) => e.outcome === "error").length;
  session.eventCount = events.length;
  session.maxSeq = events.length;
  return events;
}

// ---------------------------------------------------------------------------------------------------
// Reference definitions (SPEC §8), in plain JS

export const finished = (s: SeedSession) => s.status !== "ACTIVE" && s.endedAt != null;
export const failed = (s: SeedSession) =>
  s.status === "ABANDONED" || s.endReason === "ERROR" || s.endReason === "ABANDONED";
export const clean = (s: SeedSession) =>
  s.status === "ENDED" && s.endReason === "EXIT" && s.eventCount === s.maxSeq;
export const durationOf = (s: SeedSession) => (s.endedAt!.getTime() - s.startedAt.getTime()) / 1000;

/** percentile_cont: linear interpolation between the closest ranks. */
export function percentileCont(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const pos = p * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo]! + (v[hi]! - v[lo]!) * (pos - lo);
}

export const mean = (values: number[]) =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;

export function groupBy<T, K>(items: T[], key: (t: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** The modified z-score of a value against a baseline, with the service's fallback and floor. */
export function robustScore(x: number, baseline: number[], floor: (median: number) => number): number {
  const med = percentileCont(baseline, 0.5)!;
  const dev = baseline.map((b) => Math.abs(b - med));
  const mad = percentileCont(dev, 0.5)!;
  const scale = mad > 0 ? 1.4826 * mad : 1.2533 * mean(dev)!;
  return (x - med) / Math.max(scale, floor(med));
}
