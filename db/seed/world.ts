/**
 * The world the seed simulates: the six components' operators, commands and habits, and the generator
 * that turns a seed into sessions and their events (deterministically, one PRNG stream per session).
 */
import {
  type CaptureMode,
  CaptureModes,
  type CommandOutcome,
  type EndReason,
  EndReasons,
  ExitCodes,
  type SessionStatus,
  SessionStatuses,
} from "../../contract/enums.js";
import { Rng, uuid7 } from "./prng.js";

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
  status: SessionStatus;
  startedAt: Date;
  endedAt: Date | null;
  lastSeenAt: Date;
  receivedAt: Date;
  endReceivedAt: Date | null;
  delayed: boolean;
  endReason: EndReason | null;
  exitCode: number | null;
  captureMode: CaptureMode;
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
  outcome: CommandOutcome | null;
  errorClass: string | null;
  redactions: number;
  payload: Record<string, unknown>;
  receivedAt: Date;
}

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

const END_REASON_WEIGHTS = [
  [EndReasons.EXIT, 0.9],
  [EndReasons.SIGINT, 0.05],
  [EndReasons.SIGTERM, 0.03],
  [EndReasons.SIGHUP, 0.02],
] as const;

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
    const endReason = running
      ? null
      : abandoned
        ? EndReasons.ABANDONED
        : failed
          ? EndReasons.ERROR
          : rng.weighted(END_REASON_WEIGHTS);
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
      status: running
        ? SessionStatuses.ACTIVE
        : abandoned
          ? SessionStatuses.ABANDONED
          : SessionStatuses.ENDED,
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
      exitCode: endReason && endReason !== EndReasons.ABANDONED ? ExitCodes[endReason] : null,
      captureMode: rng.chance(0.05) ? CaptureModes.STRICT : CaptureModes.BUFFERED,
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
