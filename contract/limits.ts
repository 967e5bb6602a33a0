/**
 * Sizes and patterns of the wire contract, declared once. The zod models, the database checks, the
 * client and the shells all read them from here, and the published JSON Schemas carry them.
 */

/** Version of the event models; sent as `eventVersion` and published under `/schemas`. */
export const EVENT_MODEL_VERSION = "1.0";

/** The session type when a start names none. */
export const DEFAULT_SESSION_TYPE = "admin_shell";

export const LIMITS = {
  /** Serialised `metadata` of a start or an end. */
  metadataBytes: 16 * 1024,
  /** One event's `text` (a command as typed, after redaction), UTF-8 bytes. */
  textBytes: 8 * 1024,
  /** Events in one `recordEvents` call. */
  batchEvents: 1000,
  /** Session ids in one `heartbeat` call. */
  heartbeatIds: 1000,
  /** A reason, characters: a session's justification (`Session.reason`) or a legal hold's. */
  reasonChars: 500,
  /** `environment.cwd` of a start. */
  cwdChars: 500,
  /** Serialised `environment` of a start. */
  environmentBytes: 16 * 1024,
  /** Serialised `payload` of an event. */
  payloadBytes: 16 * 1024,
  /**
   * Nesting of a JSON input (`metadata`, `environment`, `payload`): objects and arrays inside each other,
   * the outer object being level 1. Checked without recursion, before anything walks the value.
   */
  jsonDepth: 32,
  /**
   * Nesting of braces and brackets in a GraphQL document (selections, argument objects, lists), checked
   * by a scan before the parser, whose recursion a deeper document would overflow.
   */
  documentNesting: 64,
  /** Largest `seq` of an event (a GraphQL Int, the column's `integer`). */
  seqMax: 2_147_483_647,
  /** One HTTP request body. */
  requestBytes: 2 * 1024 * 1024,
  /** Largest process id a start may carry (Linux `pid_max`); the smallest is 1. */
  pidMax: 4194304,
  /** Largest magnitude of an exit code (`-255` … `255`). */
  exitCodeMax: 255,
  /** One free-text value of a session filter (a component, an actor, …). */
  filterTextChars: 256,
  /** Largest `minDurationSeconds` of a session filter. */
  filterDurationSeconds: 1e9,
  /**
   * Interruptions a session keeps on record (`interruptedPeriods`), the latest ones; `interruptions`
   * counts them all. Bounds the row of a session that flaps between ABANDONED and ACTIVE for days.
   */
  interruptionPeriods: 100,
} as const;

/**
 * Patterns as source text: JSON Schema patterns have no flags, and the database `CHECK`s use the same
 * text with `~`, so all three places accept exactly the same values.
 */
export const PATTERNS = {
  componentName: "^[a-zA-Z0-9_-]{1,64}$",
  sessionType: "^[a-zA-Z0-9_.-]{1,64}$",
  eventKind: "^[a-z][a-z0-9_]{0,63}$",
  /** A hash of the chain (contract/chain.ts): SHA-256 as 64 lowercase hex digits. */
  hash: "^[0-9a-f]{64}$",
  uuid: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
  /** A ticket reference in a session's reason: a project key, a hyphen and a number (`OPS-1234`). */
  ticketRef: "^[A-Z][A-Z0-9_]{0,31}-[0-9]{1,12}$",
} as const;

/** True when `name` is a valid component name. */
export const isComponentName = (name: string): boolean => new RegExp(PATTERNS.componentName).test(name);

/**
 * Bounds of the read side: how far back a window may reach and how much one answer may hold. The GraphQL
 * schema, the services and the CLI check the same numbers.
 */
export const QUERY_LIMITS = {
  /** Longest window in days (`days`, `--days`). */
  days: 3650,
  /** Largest page of sessions, events or rows (`first`, `limit`). */
  page: 1000,
  /** Sessions in one `exportSessions` answer (stream larger exports from the HTTP route). */
  exportRows: 10_000,
  /** Hits in one search answer. */
  searchHits: 100,
  /** One free-text query. */
  queryChars: 256,
  /** Hops of the session graph. */
  graphDepth: 4,
  /** Nodes of the session graph. */
  graphNodes: 1000,
  /** Buckets of a time series. */
  buckets: 1000,
  /** Longest analytics window, in seconds. */
  windowSeconds: 366 * 86_400,
} as const;

/**
 * The client journal's default bounds: records pending before the oldest are dropped, and their age. The
 * configuration's `journalMaxEvents` / `journalMaxAgeDays` and the journal itself default to these.
 */
export const JOURNAL_BOUNDS = {
  maxEvents: 1000,
  maxAgeDays: 7,
} as const;
