import { z } from "zod";
import { parseDuration } from "../contract/duration.js";
import { ALERT_KINDS } from "../contract/enums.js";
import { JOURNAL_BOUNDS } from "../contract/limits.js";

/**
 * Every setting of the product, its environment name, its default and how it is validated.
 * The resolver walks this table; nothing else in the code base reads `process.env`.
 */

const WEAK_SECRETS = [
  /^(change[-_ ]?me|changeit|secret|password|placeholder|example|test|dev|default)/i,
  /your[-_ ]?(secret|key)/i,
  /^(.)\1+$/,
  /^x+$/i,
];

export const secretSchema = z
  .string()
  .min(32, "must be at least 32 characters")
  .refine(
    (s) => !WEAK_SECRETS.some((re) => re.test(s)),
    "looks like a default or example value; use a random one",
  );

const bool = z.preprocess(
  (v) => {
    if (typeof v === "boolean") return v;
    if (typeof v === "string") {
      const s = v.trim().toLowerCase();
      if (["1", "true", "yes", "on"].includes(s)) return true;
      if (["0", "false", "no", "off"].includes(s)) return false;
    }
    return v;
  },
  z.boolean({ error: "must be true or false" }),
);

const num = (schema: z.ZodNumber) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v), schema);

const url = (protocols: string[]) =>
  z.string().refine(
    (s) => {
      try {
        return protocols.includes(new URL(s).protocol);
      } catch {
        return false;
      }
    },
    `must be a ${protocols.map((p) => p.replace(":", "")).join(" or ")} URL`,
  );

/** A list from a file (an array) or the environment (separated by commas or spaces). */
const list = (item: z.ZodType<string>) =>
  z.preprocess((v) => (typeof v === "string" ? v.split(/[\s,]+/).filter(Boolean) : v), z.array(item));

/** A host name or address as the `Host` header carries it, without the port; `*` allows any. */
const hostName = z
  .string()
  .regex(
    /^(?:\*|\.?[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*|\[[0-9A-Fa-f:.]{2,45}\])$/,
    "must be host names (a leading dot allows subdomains), [IPv6] addresses or *",
  )
  .transform((h) => h.toLowerCase());

/** A web origin: scheme, host and port, nothing else. */
const origin = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.origin === s.replace(/\/$/, "");
  } catch {
    return false;
  }
}, "must be origins such as https://ops.example.com (scheme, host and optional port, no path)");

/** Who may use introspection or see "Did you mean …" suggestions. */
const exposure = z.enum(["public", "authenticated", "off"], {
  error: "must be public, authenticated or off",
});

/**
 * How long sessions are kept, in seconds (null: for ever): `365d`, `52w`, `90d`, a bare number of days, or
 * `never`.
 */
const retentionPeriod = z.preprocess((v) => {
  if (typeof v === "number") return v > 0 ? v * 86_400 : v;
  if (typeof v !== "string") return v;
  if (/^(never|forever|off)$/i.test(v.trim())) return null;
  return parseDuration(v) ?? v;
}, z.number({ error: "must be a duration such as 365d, 52w or 90d, or never" }).positive().nullable());

const workflowStep = z.object({
  name: z.string().min(1),
  run: z.string().min(1),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  timeout: z.number().positive().optional(),
});

/** One entry per setting: the key used in files and by code, its env variable, default and schema. */
export const settingDefinitions = {
  url: {
    env: "SESSION_BUDDY_URL",
    default: "http://127.0.0.1:8678/graphql",
    schema: url(["http:", "https:"]),
  },
  host: { env: "SESSION_BUDDY_HOST", default: "127.0.0.1", schema: z.string().min(1) },
  port: { env: "SESSION_BUDDY_PORT", default: 8678, schema: num(z.number().int().min(0).max(65535)) },
  dataDir: { env: "SESSION_BUDDY_DATA_DIR", default: "~/.session-buddy", schema: z.string().min(1) },
  secret: { env: "SESSION_BUDDY_SECRET", default: undefined, schema: secretSchema.optional(), secret: true },
  jwks: { env: "SESSION_BUDDY_JWKS", default: undefined, schema: z.string().min(1).optional() },
  /** A private Ed25519 JWK file the service signs its trail with; default `<dataDir>/signing-key.jwk`. */
  signingKey: { env: "SESSION_BUDDY_SIGNING_KEY", default: undefined, schema: z.string().min(1).optional() },
  issuers: {
    env: "SESSION_BUDDY_ISSUERS",
    default: ["session-buddy"],
    schema: list(z.string().min(1)).pipe(z.array(z.string()).min(1)),
  },
  /**
   * Host names the service answers to, besides the loopback names and the address it listens on (a
   * DNS-rebinding guard: a request whose `Host` is not one of them is refused).
   */
  allowedHosts: { env: "SESSION_BUDDY_ALLOWED_HOSTS", default: [], schema: list(hostName) },
  /** Origins whose pages may call the API with credentials (CORS); none by default. */
  corsOrigins: {
    env: "SESSION_BUDDY_CORS_ORIGINS",
    default: [],
    schema: list(origin).transform((l) => l.map((o) => o.replace(/\/$/, ""))),
  },
  /** Schema introspection: unset means public in development, authenticated callers only in production. */
  introspection: { env: "SESSION_BUDDY_INTROSPECTION", default: undefined, schema: exposure.optional() },
  /** "Did you mean …" hints in validation errors; default as for introspection. */
  suggestions: { env: "SESSION_BUDDY_SUGGESTIONS", default: undefined, schema: exposure.optional() },
  token: {
    env: "SESSION_BUDDY_TOKEN",
    default: undefined,
    schema: z.string().min(1).optional(),
    secret: true,
  },
  capture: {
    env: "SESSION_BUDDY_CAPTURE",
    default: "buffered",
    schema: z.preprocess(
      (v) => (typeof v === "string" ? v.toLowerCase() : v),
      z.enum(["buffered", "strict"], { error: "must be buffered or strict" }),
    ),
  },
  databaseUrl: {
    env: "DATABASE_URL",
    default: undefined,
    schema: url(["postgres:", "postgresql:"]).optional(),
    secret: true,
  },
  /**
   * A second Postgres URL, for purges only: a member of `session_buddy_purge` (db/optional/roles.sql) when
   * the service itself runs as `session_buddy_ingest`, which may not delete.
   */
  purgeDatabaseUrl: {
    env: "SESSION_BUDDY_PURGE_DATABASE_URL",
    default: undefined,
    schema: url(["postgres:", "postgresql:"]).optional(),
    secret: true,
  },
  redisUrl: {
    env: "REDIS_URL",
    default: undefined,
    schema: url(["redis:", "rediss:"]).optional(),
    secret: true,
  },
  redisPrefix: {
    env: "SESSION_BUDDY_REDIS_PREFIX",
    default: "session-buddy:",
    schema: z.string().regex(/^[\w:.-]{1,64}$/, "must be 1-64 of letters, digits, _ : . -"),
  },
  heartbeatInterval: {
    env: "SESSION_BUDDY_HEARTBEAT_INTERVAL",
    default: 30,
    schema: num(z.number().positive().max(3600)),
  },
  abandonAfter: {
    env: "SESSION_BUDDY_ABANDON_AFTER",
    default: 90,
    schema: num(z.number().positive().max(86400)),
  },
  /** Seconds between signed checkpoints of the trail (and a checkpoint soon after sessions end). */
  checkpointInterval: {
    env: "SESSION_BUDDY_CHECKPOINT_INTERVAL",
    default: 60,
    schema: num(z.number().positive().max(86400)),
  },
  /**
   * How long ended sessions are kept before the retention pass purges them: a default and per-component
   * periods (`retention: { default: 365d, components: { crackerjack: 90d } }`); the environment sets the
   * default only.
   */
  retention: {
    env: "SESSION_BUDDY_RETENTION",
    default: { default: "365d", components: {} },
    schema: z.preprocess(
      (v) => (typeof v === "string" || typeof v === "number" ? { default: v } : v),
      z
        .object({
          default: retentionPeriod.default(365 * 86_400),
          components: z.record(z.string(), retentionPeriod).default({}),
        })
        .strict(),
    ),
  },
  /** Days since its end below which no session is purged, by any path (0 turns the guard off). */
  retentionMinDays: {
    env: "SESSION_BUDDY_RETENTION_MIN_DAYS",
    default: 30,
    schema: num(z.number().min(0).max(36_500)),
  },
  /** Seconds between the service's retention passes (one replica purges at a time). */
  retentionInterval: {
    env: "SESSION_BUDDY_RETENTION_INTERVAL",
    default: 3600,
    schema: num(
      z
        .number()
        .positive()
        .max(30 * 86_400),
    ),
  },
  /** Why this session is started (its justification, with a ticket such as OPS-1234); asked for when a component requires one. */
  reason: { env: "SESSION_BUDDY_REASON", default: undefined, schema: z.string().optional() },
  tracking: { env: "SESSION_BUDDY_TRACKING", default: true, schema: bool },
  trackCommands: { env: "SESSION_BUDDY_TRACK_COMMANDS", default: true, schema: bool },
  metricsEnabled: { env: "PROMETHEUS_METRICS_ENABLED", default: true, schema: bool },
  journalMaxEvents: {
    env: "SESSION_BUDDY_JOURNAL_MAX_EVENTS",
    default: JOURNAL_BOUNDS.maxEvents,
    schema: num(z.number().int().min(1).max(10_000_000)),
  },
  journalMaxAgeDays: {
    env: "SESSION_BUDDY_JOURNAL_MAX_AGE_DAYS",
    default: JOURNAL_BOUNDS.maxAgeDays,
    schema: num(z.number().positive().max(3650)),
  },
  logLevel: {
    env: "SESSION_BUDDY_LOG_LEVEL",
    default: "info",
    schema: z.enum(["debug", "info", "warn", "error", "silent"]),
  },
  nodeEnv: { env: "NODE_ENV", default: "development", schema: z.string() },
  /**
   * Per-component overrides, e.g. `components: { crackerjack: { trackCommands: false, requireReason: true } }`
   * (files only). `review: required` puts every ended session of the component in the review queue;
   * `askReason: true` offers the reason prompt without requiring an answer (Enter skips it).
   */
  components: {
    env: undefined,
    default: {},
    schema: z.record(
      z.string(),
      z
        .object({
          trackCommands: bool.optional(),
          tracking: bool.optional(),
          requireReason: bool.optional(),
          askReason: bool.optional(),
          review: z.enum(["required", "optional"]).optional(),
        })
        .strict(),
    ),
  },
  /**
   * Alert webhooks (files only): `alerts: [{ url, events: [session_abandoned, sensitive_begin, …], secret }]`.
   * Each target gets the alerts of its events, signed with its secret (HMAC-SHA256, see README "Alerts").
   */
  alerts: {
    env: undefined,
    default: [],
    secret: true,
    schema: z.array(
      z
        .object({
          url: url(["http:", "https:"]),
          events: z.array(z.enum(ALERT_KINDS)).min(1, "must name at least one alert kind"),
          secret: secretSchema,
        })
        .strict(),
    ),
  },
  /** Mahavishnu's workflows: name → ordered steps (files only). */
  workflows: { env: undefined, default: {}, schema: z.record(z.string(), z.array(workflowStep).min(1)) },
} as const satisfies Record<
  string,
  { env: string | undefined; default: unknown; schema: z.ZodType; secret?: boolean }
>;

export type SettingKey = keyof typeof settingDefinitions;
export type Settings = {
  [K in SettingKey]: z.output<(typeof settingDefinitions)[K]["schema"]>;
};
export type WorkflowStep = z.output<typeof workflowStep>;

export function isSecretKey(key: SettingKey): boolean {
  return "secret" in settingDefinitions[key] && settingDefinitions[key].secret === true;
}
