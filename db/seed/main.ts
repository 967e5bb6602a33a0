/**
 * Deterministic, realistic demo and benchmark data: `npm run db:seed -- --sessions N --events M`.
 *
 * The same seed, counts, window and `now` always give the same rows: every session draws from its own
 * PRNG stream (seeded from the run's seed and the session's index), so rows can be regenerated in any
 * order and the events are spread over sessions exactly (M in total) without holding them in memory.
 * Rows are loaded with COPY: postgres.js `copy … from stdin` streams on Postgres, a `/dev/blob` per chunk
 * on PGlite.
 */
import { once } from "node:events";
import { pathToFileURL } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import { getTableName, sql } from "drizzle-orm";
import type { Sql } from "postgres";
import type { Database } from "../connection.js";
import { sessionEvents, sessions } from "../schema.js";

export interface SeedOptions {
  sessions: number;
  events: number;
  /** PRNG seed; the same seed gives the same rows. */
  seed?: number;
  /** Start times spread over the `days` before `now` (weekday office hours busier). */
  days?: number;
  /** The end of the seeded period; sessions still running at `now` are ACTIVE. */
  now?: Date;
  /** Called about once a second with rows loaded so far. */
  onProgress?: (done: { sessions: number; events: number }) => void;
  /** Sessions per COPY round (each round copies its sessions, then their events). */
  chunkSessions?: number;
}

export interface SeedSession {
  id: string;
  type: string;
  component: string;
  componentType: string;
  componentVersion: string;
  shellType: string;
  adapters: string[];
  status: "ACTIVE" | "ENDED" | "ABANDONED";
  startedAt: Date;
  endedAt: Date | null;
  lastSeenAt: Date;
  receivedAt: Date;
  endReceivedAt: Date | null;
  delayed: boolean;
  endReason: "EXIT" | "SIGINT" | "SIGTERM" | "SIGHUP" | "ERROR" | "ABANDONED" | null;
  exitCode: number | null;
  captureMode: "BUFFERED" | "STRICT";
  actor: string;
  username: string | null;
  hostname: string | null;
  pid: number | null;
  environment: Record<string, unknown>;
  metadata: Record<string, unknown>;
  commandCount: number;
  errorCount: number;
  eventCount: number;
  maxSeq: number;
}

export interface SeedEvent {
  id: string;
  sessionId: string;
  seq: number;
  kind: string;
  at: Date;
  text: string | null;
  durationMs: number | null;
  outcome: "ok" | "error" | null;
  errorClass: string | null;
  redactions: number;
  payload: Record<string, unknown>;
  receivedAt: Date;
}

// ---------------------------------------------------------------------------------------------------
// Randomness

/** splitmix32: a well-mixed 32-bit hash, used to derive independent stream seeds. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** sfc32 (128-bit state): fast, good quality, and cheap to seed per session. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream: number) {
    this.a = mix32(seed ^ 0x5bd1e995);
    this.b = mix32(stream ^ this.a);
    this.c = mix32(this.b ^ Math.imul(stream, 0x27d4eb2d));
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal around `median`, clipped to [median / clip, median × clip] (no freak values). */
  logNormal(median: number, sigma: number, clip: number): number {
    const x = median * Math.exp(sigma * this.normal());
    return Math.min(median * clip, Math.max(median / clip, x));
  }

  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }
}

/** A UUID v7 (time-ordered) whose 74 "random" bits are a counter pair, so seeded ids never collide. */
function uuid7(ms: number, hi: number, lo: number, salt: number): string {
  const time = Math.max(0, Math.floor(ms)).toString(16).padStart(12, "0").slice(-12);
  const a = (0x7000 | (salt & 0xfff)).toString(16);
  // variant 10xx + 14 bits of hi's top, then 48 bits: rest of hi (18 bits) and lo (30 bits)
  const hiTop = Math.floor(hi / 2 ** 18) & 0x3fff;
  const b = (0x8000 | hiTop).toString(16);
  const rest = ((hi % 2 ** 18) * 2 ** 30 + (lo % 2 ** 30)).toString(16).padStart(12, "0");
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-${a}-${b}-${rest}`;
}

// ---------------------------------------------------------------------------------------------------
// The world being simulated

interface ComponentProfile {
  name: string;
  componentType: string;
  shellType: string;
  version: string;
  adapters: string[];
  share: number;
  /** Median session length, minutes. */
  medianMinutes: number;
  /** Relative activity (commands per session). */
  activity: number;
  errorEndRate: number;
  commandErrorRate: number;
  types: readonly (readonly [string, number])[];
  hosts: string[];
  commands: string[];
  errors: readonly (readonly [string, number])[];
}

const HUMANS = [
  "alice",
  "bob",
  "carol",
  "dmitri",
  "eve",
  "farah",
  "gwen",
  "hiro",
  "ines",
  "jamal",
  "kenji",
  "lena",
  "marco",
  "nadia",
  "oscar",
  "priya",
  "quinn",
  "rosa",
  "sven",
  "tariq",
  "uma",
  "viktor",
  "wen",
  "xavier",
  "yara",
  "zoe",
  "o'brien",
  "anders",
  "bea",
  "chidi",
] as const;

const COMMON_COMMANDS = [
  "help()",
  "process.memoryUsage()",
  'config.get("database.pool.max")',
  "db.query(\"select count(*) from users where created_at > now() - interval '1 day'\")",
  'await cache.flush("sessions:*")',
  'restart("worker-{n}")',
  'connect("postgres://***@db-{n}.internal/app")',
  'deploy("api", "v2.{n}.1")',
  'tail("/var/log/app/error.log", {n})',
];

const PROFILES: ComponentProfile[] = [
  {
    name: "mahavishnu",
    componentType: "orchestrator",
    shellType: "MahavishnuShell",
    version: "3.2.0",
    adapters: ["redis", "pg", "temporal"],
    share: 0.2,
    medianMinutes: 9,
    activity: 1.2,
    errorEndRate: 0.03,
    commandErrorRate: 0.04,
    types: [
      ["admin_shell", 0.6],
      ["workflow", 0.4],
    ],
    hosts: ["orch-1.prod", "orch-2.prod", "orch-1.staging"],
    commands: [
      "ps()",
      "top()",
      "errors(10)",
      "sync()",
      'run("release")',
      'run("nightly-backup")',
      "retry({n})",
    ],
    errors: [
      ["WorkflowStepFailed", 5],
      ["TimeoutError", 3],
      ["ECONNREFUSED", 2],
    ],
  },
  {
    name: "session-buddy",
    componentType: "manager",
    shellType: "SessionBuddyShell",
    version: "1.0.0",
    adapters: ["pg", "redis"],
    share: 0.1,
    medianMinutes: 5,
    activity: 0.7,
    errorEndRate: 0.01,
    commandErrorRate: 0.02,
    types: [["admin_shell", 1]],
    hosts: ["sb-1.prod", "sb-2.prod"],
    commands: ["ps()", "active()", "quality()", "insights(10)", 'show("{n}")'],
    errors: [
      ["GraphQLRequestError", 4],
      ["TypeError", 2],
    ],
  },
  {
    name: "oneiric",
    componentType: "foundation",
    shellType: "OneiricShell",
    version: "2.7.1",
    adapters: ["yaml", "env"],
    share: 0.12,
    medianMinutes: 4,
    activity: 0.6,
    errorEndRate: 0.01,
    commandErrorRate: 0.05,
    types: [["admin_shell", 1]],
    hosts: ["cfg-1.prod", "cfg-1.staging"],
    commands: ["reload_settings()", "show_layers()", "validate_config()", 'get("feature.flags.{n}")'],
    errors: [
      ["ValidationError", 6],
      ["YAMLParseError", 2],
    ],
  },
  {
    name: "crackerjack",
    componentType: "inspector",
    shellType: "CrackerjackShell",
    version: "5.0.3",
    adapters: ["vitest", "biome", "tsc", "npm-audit"],
    share: 0.26,
    medianMinutes: 18,
    activity: 1.4,
    errorEndRate: 0.06,
    commandErrorRate: 0.08,
    types: [
      ["admin_shell", 0.7],
      ["cli", 0.3],
    ],
    hosts: ["ci-runner-1", "ci-runner-2", "ci-runner-3", "dev-laptop-{actor}"],
    commands: ["crack()", "test()", "lint()", "scan()", "format_code()", "typecheck()", "show_hooks()"],
    errors: [
      ["AssertionError", 6],
      ["LintFailure", 4],
      ["TypeCheckError", 3],
      ["AuditVulnerability", 1],
    ],
  },
  {
    name: "akosha",
    componentType: "diviner",
    shellType: "AkoshaShell",
    version: "0.9.4",
    adapters: ["pg", "duckdb"],
    share: 0.14,
    medianMinutes: 14,
    activity: 1.1,
    errorEndRate: 0.02,
    commandErrorRate: 0.03,
    types: [["admin_shell", 1]],
    hosts: ["analytics-1.prod", "dev-laptop-{actor}"],
    commands: [
      'search("deploy failed", "ALL", 10)',
      'aggregate(["component", "day"], { status: "ENDED" })',
      'detect("session_duration", 3.5, 86400)',
      'graph("{actor}", "actor", 2)',
      'trends("sessions", 604800, 3600)',
    ],
    errors: [
      ["QueryTimeout", 3],
      ["TypeError", 2],
    ],
  },
  {
    name: "fastblocks",
    componentType: "builder",
    shellType: "FastBlocksShell",
    version: "4.1.0",
    adapters: ["vite", "jinja"],
    share: 0.18,
    medianMinutes: 22,
    activity: 1,
    errorEndRate: 0.02,
    commandErrorRate: 0.03,
    types: [["admin_shell", 1]],
    hosts: ["web-1.prod", "web-2.prod", "dev-laptop-{actor}"],
    commands: ["build()", 'render("dashboard")', "routes()", "auth", 'render("report-{n}")'],
    errors: [
      ["BuildError", 4],
      ["TemplateNotFound", 2],
    ],
  },
];

const REASONS = [
  "deploy hotfix for checkout latency",
  "investigate failed nightly backup",
  "rotate credentials for billing service",
  "database migration rehearsal",
  "incident response: elevated error rate",
  "routine health check",
  "capacity planning review",
  "debug flaky integration tests",
  "customer escalation: missing invoices",
  "release candidate verification",
];

const WORKFLOW_STEPS = [
  "lint",
  "test",
  "build",
  "migrate db-{n}",
  "deploy api",
  "notify #releases",
  "backup",
];
const CHECKS = ["format", "lint", "typecheck", "test", "scan"];

const END_REASONS = [
  ["EXIT", 0.9],
  ["SIGINT", 0.05],
  ["SIGTERM", 0.03],
  ["SIGHUP", 0.02],
] as const;
const EXIT_CODES = { EXIT: 0, SIGINT: 130, SIGTERM: 143, SIGHUP: 129, ERROR: 1 } as const;

// ---------------------------------------------------------------------------------------------------
// Generation

/** Start-time density: weekday office hours (UTC) busy, nights and weekends quiet. */
function activityWeight(ms: number): number {
  const d = new Date(ms);
  const hour = d.getUTCHours() + d.getUTCMinutes() / 60;
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
  const office = Math.exp(-(((hour - 13) / 4.5) ** 2));
  return (weekend ? 0.25 : 1) * (0.15 + office);
}

/** Maps sorted uniform positions in [0, 1) to times with the density above (inverse CDF per minute). */
class TimeWarp {
  private readonly cdf: Float64Array;

  constructor(
    private readonly start: number,
    private readonly minutes: number,
  ) {
    this.cdf = new Float64Array(minutes + 1);
    for (let m = 0; m < minutes; m++) this.cdf[m + 1] = this.cdf[m]! + activityWeight(start + m * 60_000);
    const total = this.cdf[minutes]!;
    for (let m = 0; m <= minutes; m++) this.cdf[m] = this.cdf[m]! / total;
  }

  private cursor = 0;

  /** `p` must not decrease between calls. */
  at(p: number): number {
    while (this.cursor < this.minutes - 1 && this.cdf[this.cursor + 1]! <= p) this.cursor++;
    const lo = this.cdf[this.cursor]!;
    const hi = this.cdf[this.cursor + 1]!;
    const frac = hi > lo ? (p - lo) / (hi - lo) : 0;
    return this.start + (this.cursor + Math.min(1, Math.max(0, frac))) * 60_000;
  }
}

interface Draft {
  rng: Rng;
  profile: ComponentProfile;
  weight: number;
}

function profileFor(rng: Rng): ComponentProfile {
  return rng.weighted(PROFILES.map((p) => [p, p.share] as const));
}

/** The first draws of a session's stream: its component and its activity weight (for event shares). */
function draft(seed: number, index: number): Draft {
  const rng = new Rng(seed, index);
  const profile = profileFor(rng);
  const weight = rng.logNormal(profile.activity, 0.9, 5);
  return { rng, profile, weight };
}

const fill = (template: string, rng: Rng, actor: string) =>
  template.replace(/\{n\}/g, () => String(1 + rng.int(40))).replace(/\{actor\}/g, actor.replace(/'/g, ""));

function actorFor(rng: Rng, type: string): { actor: string; username: string } {
  if (type === "workflow") return { actor: "mahavishnu-runner", username: "svc-mahavishnu" };
  if (type === "cli") return { actor: "ci-bot", username: "ci" };
  // Zipf-like: a few people open most shells.
  const rank = Math.min(HUMANS.length - 1, Math.floor(HUMANS.length * rng.next() ** 2.2));
  const person = HUMANS[rank]!;
  return { actor: person, username: person.replace(/'/g, "") };
}

/**
 * Generates the rows, session by session in start-time order. Each yielded session comes with its events
 * (seq from 1; a few sessions have a gap, which lowers their component's quality score).
 */
export function* generateSeed(
  options: SeedOptions,
): Generator<{ session: SeedSession; events: SeedEvent[] }> {
  const seed = options.seed ?? 1;
  const days = options.days ?? 30;
  const now = (options.now ?? new Date()).getTime();
  const n = options.sessions;
  const m = options.events;
  const spanMinutes = Math.max(1, Math.round(days * 1440));
  const warp = new TimeWarp(now - spanMinutes * 60_000, spanMinutes);

  // Pass 1: total activity weight, so every session gets its exact share of the m events.
  let totalWeight = 0;
  for (let i = 0; i < n; i++) totalWeight += draft(seed, i).weight;

  let cumulative = 0;
  let assigned = 0;
  for (let i = 0; i < n; i++) {
    const { rng, profile, weight } = draft(seed, i);
    cumulative += weight;
    const target = i === n - 1 ? m : Math.floor((m * cumulative) / (totalWeight || 1));
    const eventTotal = Math.max(0, target - assigned);
    assigned += eventTotal;

    const type = rng.weighted(profile.types);
    const { actor, username } = actorFor(rng, type);
    const startedMs = Math.min(now - 1000, Math.floor(warp.at((i + rng.next()) / n)));
    const plannedMs = rng.logNormal(profile.medianMinutes * 60_000, 0.8, 10);
    const running = startedMs + plannedMs > now;
    const abandoned = !running && rng.chance(0.04);
    const failed = !running && !abandoned && rng.chance(profile.errorEndRate);
    const endReason = running ? null : abandoned ? "ABANDONED" : failed ? "ERROR" : rng.weighted(END_REASONS);
    const endedMs = running ? null : startedMs + Math.round(plannedMs);
    const delayed = rng.chance(0.02);
    const receivedMs = startedMs + (delayed ? 61_000 + rng.int(30 * 60_000) : 5 + rng.int(500));
    const lastSeenMs = running ? now - rng.int(25_000) : endedMs! + (abandoned ? 0 : 5 + rng.int(200));
    const bot = type !== "admin_shell";
    const hostTemplate = rng.pick(bot ? profile.hosts.filter((h) => !h.includes("{actor}")) : profile.hosts);
    const hostname = fill(hostTemplate, rng, actor);
    const hasGap = eventTotal > 2 && !running && rng.chance(0.03);
    const gapAt = hasGap ? 2 + rng.int(eventTotal - 1) : -1;
    const metadata: Record<string, unknown> = rng.chance(0.7)
      ? {
          reason: rng.pick(REASONS),
          ticket: `OPS-${1000 + rng.int(9000)}`,
          env: hostname.includes("staging") ? "staging" : hostname.startsWith("dev-") ? "dev" : "prod",
        }
      : {};
    const sessionId = uuid7(startedMs, i, 0, seed);
    const session: SeedSession = {
      id: sessionId,
      type,
      component: profile.name,
      componentType: profile.componentType,
      componentVersion: profile.version,
      shellType: profile.shellType,
      adapters: profile.adapters,
      status: running ? "ACTIVE" : abandoned ? "ABANDONED" : "ENDED",
      startedAt: new Date(startedMs),
      endedAt: endedMs == null ? null : new Date(endedMs),
      lastSeenAt: new Date(lastSeenMs),
      receivedAt: new Date(receivedMs),
      endReceivedAt:
        endedMs == null
          ? null
          : new Date(endedMs + (abandoned ? 90_000 : delayed ? 61_000 : 5 + rng.int(300))),
      delayed,
      endReason,
      exitCode: endReason && endReason !== "ABANDONED" ? EXIT_CODES[endReason] : null,
      captureMode: rng.chance(0.05) ? "STRICT" : "BUFFERED",
      actor,
      username,
      hostname,
      pid: 1000 + rng.int(4_000_000),
      environment: { nodeVersion: "v20.20.2", platform: "linux", cwd: `/srv/${profile.name}` },
      metadata,
      commandCount: 0,
      errorCount: 0,
      eventCount: 0,
      maxSeq: 0,
    };

    const events: SeedEvent[] = [];
    const spanMs = (endedMs ?? now) - startedMs;
    const kind = type === "workflow" ? "workflow_step" : type === "cli" ? "check" : "command";
    for (let j = 0; j < eventTotal; j++) {
      const seq = j + 1 + (gapAt > 0 && j + 1 >= gapAt ? 1 : 0);
      const atMs = startedMs + Math.floor((spanMs * (j + rng.next())) / eventTotal);
      const isNote = kind === "command" && rng.chance(0.04);
      const lastOfFailed = failed && j === eventTotal - 1;
      const error = !isNote && (lastOfFailed || rng.chance(profile.commandErrorRate));
      const template =
        kind === "workflow_step"
          ? WORKFLOW_STEPS[j % WORKFLOW_STEPS.length]!
          : kind === "check"
            ? CHECKS[j % CHECKS.length]!
            : rng.chance(0.75)
              ? rng.pick(profile.commands)
              : rng.pick(COMMON_COMMANDS);
      const text = isNote ? `note: ${rng.pick(REASONS)}` : fill(template, rng, actor);
      const ev: SeedEvent = {
        id: uuid7(atMs, i, j, seed >>> 12),
        sessionId,
        seq,
        kind: isNote ? "note" : kind,
        at: new Date(atMs),
        text,
        durationMs: isNote ? null : Math.round(rng.logNormal(40, 1.2, 50) * 100) / 100,
        outcome: isNote ? null : error ? "error" : "ok",
        errorClass: error ? rng.weighted(profile.errors) : null,
        redactions: text.includes("***") ? 1 : 0,
        payload: kind === "workflow_step" ? { step: text, exitCode: error ? 1 : 0 } : {},
        receivedAt: new Date(atMs + 5 + rng.int(400)),
      };
      events.push(ev);
      if (ev.kind === "command") session.commandCount++;
      if (ev.outcome === "error") session.errorCount++;
      session.eventCount++;
      session.maxSeq = Math.max(session.maxSeq, seq);
    }
    yield { session, events };
  }
}

// ---------------------------------------------------------------------------------------------------
// COPY text format

const SESSION_COLUMNS = [
  "id",
  "type",
  "component",
  "component_type",
  "component_version",
  "shell_type",
  "adapters",
  "status",
  "started_at",
  "ended_at",
  "last_seen_at",
  "received_at",
  "end_received_at",
  "delayed",
  "end_reason",
  "exit_code",
  "capture_mode",
  "actor",
  "username",
  "hostname",
  "pid",
  "environment",
  "metadata",
  "command_count",
  "error_count",
  "event_count",
  "max_seq",
] as const;

const EVENT_COLUMNS = [
  "id",
  "session_id",
  "seq",
  "kind",
  "at",
  "text",
  "duration_ms",
  "outcome",
  "error_class",
  "redactions",
  "payload",
  "received_at",
] as const;

function copyText(v: string | number | boolean | Date | null): string {
  if (v == null) return "\\N";
  if (v instanceof Date) return v.toISOString();
  if (typeof v !== "string") return String(v);
  return /[\\\t\n\r]/.test(v)
    ? v.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r")
    : v;
}

function arrayLiteral(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
}

export function sessionCopyLine(s: SeedSession): string {
  return `${[
    s.id,
    s.type,
    s.component,
    s.componentType,
    s.componentVersion,
    s.shellType,
    arrayLiteral(s.adapters),
    s.status,
    s.startedAt,
    s.endedAt,
    s.lastSeenAt,
    s.receivedAt,
    s.endReceivedAt,
    s.delayed,
    s.endReason,
    s.exitCode,
    s.captureMode,
    s.actor,
    s.username,
    s.hostname,
    s.pid,
    JSON.stringify(s.environment),
    JSON.stringify(s.metadata),
    s.commandCount,
    s.errorCount,
    s.eventCount,
    s.maxSeq,
  ]
    .map(copyText)
    .join("\t")}\n`;
}

export function eventCopyLine(e: SeedEvent): string {
  return `${[
    e.id,
    e.sessionId,
    e.seq,
    e.kind,
    e.at,
    e.text,
    e.durationMs,
    e.outcome,
    e.errorClass,
    e.redactions,
    JSON.stringify(e.payload),
    e.receivedAt,
  ]
    .map(copyText)
    .join("\t")}\n`;
}

// ---------------------------------------------------------------------------------------------------
// Loading

const SESSIONS_TABLE = getTableName(sessions);
const EVENTS_TABLE = getTableName(sessionEvents);
const copySessions = `copy ${SESSIONS_TABLE} (${SESSION_COLUMNS.join(", ")})`;
const copyEvents = `copy ${EVENTS_TABLE} (${EVENT_COLUMNS.join(", ")})`;

interface Sink {
  write(sessionsChunk: SeedSession[], eventsChunk: SeedEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** postgres.js COPY … FROM STDIN, written with backpressure, on one reserved connection. */
async function postgresSink(client: Sql): Promise<Sink> {
  const conn = await client.reserve();
  const pump = async (statement: string, lines: Iterable<string>) => {
    const stream = await conn.unsafe(`${statement} from stdin`).writable();
    let buffer = "";
    for (const line of lines) {
      buffer += line;
      if (buffer.length >= 1 << 16) {
        if (!stream.write(buffer)) await once(stream, "drain");
        buffer = "";
      }
    }
    if (buffer) stream.write(buffer);
    stream.end();
    await once(stream, "finish");
  };
  return {
    async write(ss, es) {
      await pump(copySessions, lines(ss, sessionCopyLine));
      if (es.length) await pump(copyEvents, lines(es, eventCopyLine));
    },
    async close() {
      conn.release();
    },
  };
}

function* lines<T>(rows: T[], format: (row: T) => string): Generator<string> {
  for (const r of rows) yield format(r);
}

/** PGlite reads COPY data from a Blob (`/dev/blob`): one per table per chunk. */
function pgliteSink(database: Database): Sink {
  const pg = database.pglite!;
  return {
    async write(ss, es) {
      await pg.query(`${copySessions} from '/dev/blob'`, [], {
        blob: new Blob(ss.map(sessionCopyLine)),
      });
      if (es.length) {
        await pg.query(`${copyEvents} from '/dev/blob'`, [], { blob: new Blob(es.map(eventCopyLine)) });
      }
    },
    async close() {},
  };
}

/** The postgres.js client under a Drizzle database (drizzle exposes it as `$client`). */
export function postgresClient(database: Database): Sql {
  return (database.db as unknown as { $client: Sql }).$client;
}

async function sinkFor(database: Database): Promise<Sink> {
  return database.kind === "pglite" ? pgliteSink(database) : postgresSink(postgresClient(database));
}

/** Inserts given rows (sessions first) with the seed's loader; tests use it to plant rows. */
export async function insertSeedRows(
  database: Database,
  sessionRows: SeedSession[],
  eventRows: SeedEvent[] = [],
): Promise<void> {
  const sink = await sinkFor(database);
  try {
    await sink.write(sessionRows, eventRows);
  } finally {
    await sink.close();
  }
}

interface IndexDef {
  name: string;
  def: string;
}

/**
 * Secondary indexes of the two tables (not those backing constraints). Loading into empty tables is
 * several times faster without them; they are rebuilt from their catalog definitions afterwards.
 */
async function secondaryIndexes(client: Sql): Promise<IndexDef[]> {
  return client<IndexDef[]>`
    select quote_ident(c.relname) as name, pg_get_indexdef(i.indexrelid) as def
    from pg_index i
    join pg_class c on c.oid = i.indexrelid
    join pg_class t on t.oid = i.indrelid
    join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = current_schema()
      and t.relname in (${SESSIONS_TABLE}, ${EVENTS_TABLE})
      and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`;
}

export interface SeedSummary {
  sessions: number;
  events: number;
  seconds: number;
  rebuiltIndexes: number;
}

/**
 * Generates and loads the rows. On an empty Postgres database the secondary indexes are dropped for the
 * load and rebuilt after it (in a `finally`, so a failed load leaves the schema whole); then VACUUM
 * ANALYZE so plans and index-only scans see the new rows.
 */
export async function seedDatabase(database: Database, options: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const chunk = Math.max(1, options.chunkSessions ?? 5000);
  let dropped: IndexDef[] = [];
  const client = database.kind === "postgres" ? postgresClient(database) : undefined;
  if (client) {
    const [existing] = await client`select exists (select 1 from ${client(SESSIONS_TABLE)}) as found`;
    if (!existing?.found) {
      dropped = await secondaryIndexes(client);
      for (const ix of dropped) await client.unsafe(`drop index ${ix.name}`);
    }
  }
  const sink = await sinkFor(database);
  let doneSessions = 0;
  let doneEvents = 0;
  let lastReport = performance.now();
  try {
    let ss: SeedSession[] = [];
    let es: SeedEvent[] = [];
    const flush = async () => {
      await sink.write(ss, es);
      doneSessions += ss.length;
      doneEvents += es.length;
      ss = [];
      es = [];
      if (options.onProgress && performance.now() - lastReport > 1000) {
        lastReport = performance.now();
        options.onProgress({ sessions: doneSessions, events: doneEvents });
      }
    };
    for (const { session, events } of generateSeed(options)) {
      ss.push(session);
      for (const e of events) es.push(e);
      if (ss.length >= chunk || es.length >= chunk * 20) await flush();
    }
    if (ss.length) await flush();
  } finally {
    await sink.close();
    if (client && dropped.length) {
      const conn = await client.reserve();
      try {
        await conn`set maintenance_work_mem = '512MB'`;
        for (const ix of dropped) await conn.unsafe(ix.def);
      } finally {
        conn.release();
      }
    }
  }
  options.onProgress?.({ sessions: doneSessions, events: doneEvents });
  if (client) await client`vacuum (analyze) ${client(SESSIONS_TABLE)}, ${client(EVENTS_TABLE)}`;
  else await database.db.execute(sql`analyze`);
  return {
    sessions: doneSessions,
    events: doneEvents,
    seconds: (performance.now() - started) / 1000,
    rebuiltIndexes: dropped.length,
  };
}

// ---------------------------------------------------------------------------------------------------
// `npm run db:seed -- --sessions N --events M`

function count(value: string): number {
  const n = Number(value.replace(/_/g, ""));
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a whole number ≥ 0");
  return n;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command("db:seed")
    .description("load deterministic, realistic sessions and events into the configured database")
    .option("--sessions <n>", "sessions to create", count, 10_000)
    .option("--events <n>", "events to spread over them", count, 100_000)
    .option("--seed <n>", "PRNG seed (same seed, same rows)", count, 1)
    .option("--days <n>", "spread start times over this many days before now", count, 30)
    .option("--now <date>", "end of the seeded period (default: now)")
    .option("--data-dir <dir>", "data directory of the embedded database (SESSION_BUDDY_DATA_DIR)")
    .exitOverride();
  try {
    program.parse(argv);
  } catch {
    return 2;
  }
  const opts = program.opts<{
    sessions: number;
    events: number;
    seed: number;
    days: number;
    now?: string;
    dataDir?: string;
  }>();
  const now = opts.now ? new Date(opts.now) : new Date();
  if (Number.isNaN(now.getTime())) {
    process.stderr.write("db:seed: --now must be a date\n");
    return 2;
  }
  const { loadConfig } = await import("../../config/resolve.js");
  const { embeddedDbDir } = await import("../../api/server.js");
  const { openDatabase } = await import("../connection.js");
  const settings = loadConfig({ dataDir: opts.dataDir }).settings;
  const database = await openDatabase({
    url: settings.databaseUrl,
    dataDir: settings.databaseUrl ? undefined : embeddedDbDir(settings.dataDir),
  });
  try {
    await database.migrate();
    const where =
      database.kind === "pglite" ? `embedded database in ${embeddedDbDir(settings.dataDir)}` : "postgres";
    process.stderr.write(
      `db:seed: ${opts.sessions.toLocaleString("en")} sessions, ${opts.events.toLocaleString("en")} events, seed ${opts.seed}, ${opts.days} days → ${where}\n`,
    );
    const t0 = performance.now();
    const summary = await seedDatabase(database, {
      sessions: opts.sessions,
      events: opts.events,
      seed: opts.seed,
      days: opts.days,
      now,
      onProgress: ({ sessions: s, events: e }) => {
        const secs = (performance.now() - t0) / 1000;
        const pct = opts.sessions ? Math.floor((100 * s) / opts.sessions) : 100;
        process.stderr.write(
          `db:seed: ${pct}% — ${s.toLocaleString("en")} sessions, ${e.toLocaleString("en")} events (${Math.round((s + e) / secs).toLocaleString("en")} rows/s)\n`,
        );
      },
    });
    process.stderr.write(
      `db:seed: done in ${summary.seconds.toFixed(1)} s${summary.rebuiltIndexes ? ` (${summary.rebuiltIndexes} indexes rebuilt after the load)` : ""}\n`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`db:seed: error: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
