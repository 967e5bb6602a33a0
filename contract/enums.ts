/**
 * The closed sets of the wire contract, each declared once as an `as const` tuple. Pothos builds the SDL
 * enums from these tuples, zod validates with `z.enum(tuple)`, Drizzle checks the stored values against
 * them, and the client and shells name members through the keyed objects below.
 */

/** `{ A: "A", B: "B" }` from `["A", "B"]`, so code can write `EndReasons.EXIT`. */
function keyed<const T extends readonly string[]>(values: T): { readonly [K in T[number]]: K } {
  return Object.freeze(Object.fromEntries(values.map((v) => [v, v]))) as { readonly [K in T[number]]: K };
}

/** Where a session is in its life. */
export const SESSION_STATUSES = ["ACTIVE", "ENDED", "ABANDONED"] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export const SessionStatuses = keyed(SESSION_STATUSES);

/** How a session ended; `ABANDONED` is set by the reaper, never by a well-behaved client. */
export const END_REASONS = ["EXIT", "SIGINT", "SIGTERM", "SIGHUP", "ERROR", "ABANDONED"] as const;
export type EndReason = (typeof END_REASONS)[number];
export const EndReasons = keyed(END_REASONS);

/** The signals a shell ends on; each is also an end reason. */
export const END_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const satisfies readonly EndReason[];
export type EndSignal = (typeof END_SIGNALS)[number];

/** Process exit code for each way a shell ends: 128 + the signal's number for signals, as shells do. */
export const ExitCodes = {
  EXIT: 0,
  ERROR: 1,
  SIGHUP: 129,
  SIGINT: 130,
  SIGTERM: 143,
} as const satisfies Partial<Record<EndReason, number>>;

/** Who is at the prompt: a person, an AI agent acting for one, or an unattended job. */
export const ACTOR_KINDS = ["HUMAN", "AI_AGENT", "AUTOMATION"] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];
export const ActorKinds = keyed(ACTOR_KINDS);

/** What decided a session's actor kind: the token's `actor_kind` claim, or what the shell detected. */
export const ACTOR_KIND_SOURCES = ["TOKEN", "SHELL"] as const;
export type ActorKindSource = (typeof ACTOR_KIND_SOURCES)[number];
export const ActorKindSources = keyed(ACTOR_KIND_SOURCES);

/** BUFFERED: journal and deliver later; STRICT: refuse to proceed until the service acknowledged. */
export const CAPTURE_MODES = ["BUFFERED", "STRICT"] as const;
export type CaptureMode = (typeof CAPTURE_MODES)[number];
export const CaptureModes = keyed(CAPTURE_MODES);

/**
 * How a command finished: `ok`, `error`, or `interrupted` (the operator cancelled it, e.g. Ctrl-C in a
 * shell). An interrupted command is not an error: it counts in neither a session's errorCount nor a
 * failure rate.
 */
export const COMMAND_OUTCOMES = ["ok", "error", "interrupted"] as const;
export type CommandOutcome = (typeof COMMAND_OUTCOMES)[number];
export const CommandOutcomes = keyed(COMMAND_OUTCOMES);

/**
 * Why a client could not keep a record, as its heartbeats report drops: `overflow` and `expired` — the
 * journal's bounds (`journalMaxEvents`, `journalMaxAgeDays`); `memory_cap` — the journal could not be written
 * and the in-memory fallback was full; `journal_full` / `journal_unwritable` — held in memory only because
 * the disk was full (ENOSPC, EDQUOT) or unwritable (read-only, permissions, I/O errors) when the process
 * left; `malformed` — a journal record the client could not send (no session id).
 */
export const DROP_REASONS = [
  "overflow",
  "expired",
  "memory_cap",
  "journal_full",
  "journal_unwritable",
  "malformed",
] as const;
export type DropReason = (typeof DROP_REASONS)[number];
export const DropReasons = keyed(DROP_REASONS);

/** The token scopes of the service (SPEC §7); `audit:review` records review verdicts. */
export const Scopes = {
  WRITE: "sessions:write",
  READ: "sessions:read",
  AUDIT: "audit:read",
  REVIEW: "audit:review",
  ADMIN: "admin",
} as const;
export type Scope = (typeof Scopes)[keyof typeof Scopes];
export const SCOPES = Object.values(Scopes) as readonly Scope[];

/**
 * How complete a session's record is (`Session.completeness`): `IN_PROGRESS` — live, nothing missing
 * so far; `COMPLETE` — ended, every seq up to the end's is stored and every link matches; `GAPPED` — a
 * seq is missing; `TRUNCATED` — abandoned, so the end is unknown; `BROKEN` — a chain link does not match
 * (an event, the start or the end is not what the shell hashed). The worst applies: BROKEN, then GAPPED.
 */
export const COMPLETENESS = ["IN_PROGRESS", "COMPLETE", "GAPPED", "TRUNCATED", "BROKEN"] as const;
export type Completeness = (typeof COMPLETENESS)[number];
export const Completenesses = keyed(COMPLETENESS);

/** A reviewer's verdict on an ended session (`reviewSession`). */
export const REVIEW_VERDICTS = ["APPROVED", "FLAGGED"] as const;
export type ReviewVerdict = (typeof REVIEW_VERDICTS)[number];
export const ReviewVerdicts = keyed(REVIEW_VERDICTS);

/**
 * Why an ended session waits in the review queue: it had a sensitive period, anomaly detection flagged it
 * (a session_duration or commands_per_session outlier), or its component is configured `review: required`.
 */
export const REVIEW_CAUSES = ["SENSITIVE", "ANOMALY", "REQUIRED"] as const;
export type ReviewCause = (typeof REVIEW_CAUSES)[number];
export const ReviewCauses = keyed(REVIEW_CAUSES);

/**
 * What an alert webhook can be told of (the `events` of an `alerts` target): a session the reaper marked
 * abandoned, a sensitive period beginning, a session anomaly detection flags, a FLAGGED verdict, a session
 * whose hash chain is broken, and a command a STRICT shell refused to run because the service did not
 * acknowledge its record.
 */
export const ALERT_KINDS = [
  "session_abandoned",
  "sensitive_begin",
  "anomaly",
  "session_flagged",
  "chain_broken",
  "strict_refused",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const AlertKinds = keyed(ALERT_KINDS);

/** Where one webhook delivery stands: waiting (or between attempts), delivered, or given up on. */
export const ALERT_DELIVERY_STATUSES = ["PENDING", "DELIVERED", "FAILED"] as const;
export type AlertDeliveryStatus = (typeof ALERT_DELIVERY_STATUSES)[number];
export const AlertDeliveryStatuses = keyed(ALERT_DELIVERY_STATUSES);

/** The error class a STRICT shell's refused command is completed with (its record was not acknowledged). */
export const STRICT_REFUSED_ERROR_CLASS = "StrictRefused";

/**
 * The event kinds the service gives meaning to beyond storing them: `command` (SPEC §6), and the two
 * marks of sensitive mode, which carry the operator's reason as their text.
 */
export const EventKinds = {
  COMMAND: "command",
  SENSITIVE_BEGIN: "sensitive_begin",
  SENSITIVE_END: "sensitive_end",
} as const;
