/**
 * Property-based tests of the ingest mutations (startSession, recordEvents, heartbeat, endSession) and of
 * POST /graphql itself, over real HTTP with real JWTs, on PGlite (and Postgres when TEST_DATABASE_URL is set).
 *
 * - For arbitrary input (NUL, lone surrogates, strings around the contract's limits, deep and wide JSON,
 *   wrong types through variables, odd kinds, outcomes and timestamps, duplicate ids, odd tokens) the
 *   service answers 200, 400 or 413 with only the documented `extensions.code` values, never a 500 or
 *   INTERNAL_SERVER_ERROR. Each family of input is its own property, so one failure does not hide another.
 * - Nothing stored before the fuzzing is lost or changed: known sessions and events are seeded first and
 *   read back afterwards, through the API and from the database, and compared exactly.
 * - recordEvents batches mixing valid and invalid events: accepted + duplicates + rejected = events sent,
 *   each event gets the answer the contract gives it, and every valid event is stored exactly once.
 * - Arbitrary raw HTTP requests to /graphql (bodies, malformed JSON, header values) never get a 5xx.
 *
 * Runs are deterministic: the seed is FC_SEED when set, else a fixed default; a failure prints the seed and
 * the counterexample's path, so `FC_SEED=<seed>` replays it.
 */
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { inArray } from "drizzle-orm";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { mintToken } from "../auth/jwt.js";
import { Scopes } from "../contract/enums.js";
import { LIMITS } from "../contract/limits.js";
import { sessionEvents, sessions } from "../db/schema.js";
import { useService } from "./fixture.js";
import { backends, gql, readerToken, token, uuid } from "./harness.js";
import { END, RECORD, SESSION, START } from "./ops.js";

const SEED = Number(process.env.FC_SEED ?? 20241124);
const runs = (numRuns: number) => ({ seed: SEED, numRuns });

/** The codes the service documents for a caller's mistake (contract/errors.ts). */
const DOCUMENTED = new Set(["UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND", "CONFLICT"]);
const ALLOWED_STATUS = new Set([200, 400, 413]);

const FUZZER = "fuzzer";
const writer = await token({ sub: FUZZER });
const owner = await token({ sub: "seed-owner" });
const reader = await readerToken();
/** Tokens a producer might hold by mistake: each must be refused with a documented code. */
const oddTokens = {
  restricted: await token({ sub: FUZZER, components: ["fuzz-allowed"] }),
  readOnly: await token({ sub: FUZZER, scopes: [Scopes.READ, Scopes.AUDIT] }),
  expired: await token({ sub: FUZZER, ttlSeconds: -120 }),
  foreign: await mintToken({
    secret: `other-${randomBytes(24).toString("hex")}`,
    sub: FUZZER,
    scopes: [Scopes.WRITE],
    ttlSeconds: 3600,
  }),
};

type AuthName =
  | "writer"
  | keyof typeof oddTokens
  | "none"
  | "empty"
  | "bare Bearer"
  | "Bearer and a space"
  | "Basic"
  | "lower-case bearer"
  | "two spaces"
  | "not a JWT"
  | "tampered";
/** The Authorization header each name stands for (undefined: none sent). */
const authHeader = (name: AuthName): string | undefined =>
  ({
    writer: `Bearer ${writer}`,
    restricted: `Bearer ${oddTokens.restricted}`,
    readOnly: `Bearer ${oddTokens.readOnly}`,
    expired: `Bearer ${oddTokens.expired}`,
    foreign: `Bearer ${oddTokens.foreign}`,
    none: undefined,
    empty: "",
    "bare Bearer": "Bearer",
    "Bearer and a space": "Bearer ",
    Basic: "Basic Zm9vOmJhcg==",
    "lower-case bearer": `bearer ${writer}`,
    "two spaces": `Bearer  ${writer}`,
    "not a JWT": "Bearer a.b.c",
    tampered: `Bearer ${writer.slice(0, -2)}${writer.endsWith("A") ? "B" : "A"}x`,
  })[name];

const HEARTBEAT_DOC =
  "mutation Heartbeat($ids: [ID!]!, $client: ClientHealthInput) { heartbeat(ids: $ids, client: $client) }";

// ---------------------------------------------------------------------------------------------------
// JSON text with values JSON.stringify cannot write (deeper than its recursion allows)

/** Pre-serialised JSON text, spliced into a request body as is. */
class RawJson {
  constructor(
    readonly text: string,
    readonly label: string,
  ) {}
  /** How failure messages show it. */
  toJSON() {
    return `<${this.label}>`;
  }
  /** How fast-check shows it in a counterexample. */
  [fc.toStringMethod]() {
    return `<${this.label}>`;
  }
}

function toJson(v: unknown): string {
  if (v instanceof RawJson) return v.text;
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : toJson(x))).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v))
      if (x !== undefined) parts.push(`${JSON.stringify(k)}:${toJson(x)}`);
    return `{${parts.join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

const deepJson = (depth: number, shape: "object" | "array") =>
  new RawJson(
    shape === "object"
      ? `{"d":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}`
      : `{"d":${"[".repeat(depth)}1${"]".repeat(depth)}}`,
    `${shape} nested ${depth} deep`,
  );

// ---------------------------------------------------------------------------------------------------
// Requests and what every answer must look like

interface Answer {
  status: number;
  text: string;
  body: { data?: Record<string, any> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function post(url: string, query: string, variables: unknown, bearer?: string): Promise<Answer> {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(bearer !== undefined ? { authorization: bearer } : {}),
    },
    body: `{"query":${JSON.stringify(query)},"variables":${toJson(variables)}}`,
  });
  const text = await res.text();
  let body: Answer["body"];
  try {
    body = JSON.parse(text);
  } catch {
    body = { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
  }
  return { status: res.status, text, body };
}

/** Short, readable form of an answer for failure messages. */
const shown = (a: Answer) => `HTTP ${a.status} ${a.text.slice(0, 600)}`;

function expectDocumented(a: Answer) {
  expect(ALLOWED_STATUS.has(a.status), `status: ${shown(a)}`).toBe(true);
  expect(a.body, shown(a)).toBeTypeOf("object");
  const errors = a.body.errors ?? [];
  for (const e of errors) {
    expect(DOCUMENTED.has(String(e.extensions?.code)), `error code: ${shown(a)}`).toBe(true);
  }
  if (errors.length === 0) expect(a.body.data, shown(a)).toBeTruthy();
  const rejected = a.body.data?.recordEvents?.rejected as { code: string }[] | undefined;
  for (const r of rejected ?? [])
    expect(DOCUMENTED.has(r.code), `rejected event code: ${shown(a)}`).toBe(true);
}

// ---------------------------------------------------------------------------------------------------
// Arbitraries

/** The ids the fuzzing may aim at: seeded sessions and events, the fuzzer's own sessions. */
const pool = { sessions: [] as string[], events: [] as string[] };

const ascii = fc.string({ maxLength: 24 });
const wellFormed = fc.string({ unit: "grapheme", maxLength: 24 });
const withNul = fc.tuple(wellFormed, wellFormed).map(([a, b]) => `${a}\u0000${b}`);
const loneSurrogate = fc.oneof(
  fc.integer({ min: 0xd800, max: 0xdbff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0xdc00, max: 0xdfff }).map((c) => String.fromCharCode(c)),
);
const withSurrogate = fc.tuple(ascii, loneSurrogate, ascii).map(([a, s, b]) => `${a}${s}${b}`);
/** Strings of exactly, just under and just over the contract's lengths, in 1-, 2-, 3- and 4-byte characters. */
const nearLimit = fc
  .tuple(
    fc.constantFrom(64, 128, 256, LIMITS.cwdChars, LIMITS.textBytes, LIMITS.metadataBytes),
    fc.constantFrom(-1, 0, 1),
    fc.constantFrom("x", "é", "€", "😀"),
    fc.boolean(),
  )
  .map(([limit, d, ch, byBytes]) =>
    ch.repeat(Math.max(0, (byBytes ? Math.floor(limit / Buffer.byteLength(ch)) : limit) + d)),
  );
const huge = fc.constantFrom(LIMITS.requestBytes - 4096, LIMITS.requestBytes + 1).map((n) => "h".repeat(n));

/** Any string input; `families` picks what it is made of. */
type StringFamily = "plain" | "nul" | "surrogate" | "limit" | "huge";
const stringOf = (families: StringFamily[]) =>
  fc.oneof(
    ...families.map((f) => ({
      arbitrary: {
        plain: fc.oneof(ascii, wellFormed),
        nul: withNul,
        surrogate: withSurrogate,
        limit: nearLimit,
        huge,
      }[f],
      weight: f === "huge" ? 1 : 40,
    })),
  );

const nowIso = () => new Date().toISOString();
const validDate = fc
  .integer({ min: -30 * 86_400_000, max: 0 })
  .map((offset) => new Date(Date.now() - 3_600_000 + offset).toISOString());
const oddDate = fc.oneof(
  fc.constantFrom(
    "0000-01-01T00:00:00Z",
    "0001-01-01T00:00:00Z",
    "1969-12-31T23:59:59.999Z",
    "1970-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999Z",
    "2024-02-30T00:00:00Z",
    "2016-12-31T23:59:60Z",
    "2024-01-01T00:00:00+14:00",
    "2024-01-01T00:00:00-23:59",
    "2024-01-01t00:00:00z",
    "2024-01-01T00:00:00.123456789Z",
    "2024-01-01",
    "2024-01-01T00:00:00",
    "+275760-09-13T00:00:00.000Z",
    "-271821-04-20T00:00:00.000Z",
    "-000001-01-01T00:00:00.000Z",
    "+010000-01-01T00:00:00.000Z",
    "",
    "now",
  ),
  fc
    .date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.integer({ min: 1, max: 365 * 86_400_000 }).map((ms) => new Date(Date.now() + ms).toISOString()),
);
const dateOf = (odd: boolean) => (odd ? fc.oneof(validDate, oddDate) : validDate);

const INT_EDGES = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), LIMITS.pidMax, LIMITS.pidMax + 1, 255, 256, -255, -256];
const intOf = (valid: fc.Arbitrary<number>) => fc.oneof(valid, fc.constantFrom(...INT_EDGES));
const floatOf = fc.oneof(
  fc.double({ min: 0, max: 1e6, noNaN: true }),
  fc.constantFrom(0, -1, 5e-324, 1e308, -1e308, 0.1),
);

/** Values of the wrong GraphQL type for any field (variables are coerced before execution). */
const wrongType = fc.oneof(
  fc.constantFrom(null, true, false, 1.5, 2 ** 31, -(2 ** 53), "many", "", [], {}, [1, "a"], {
    nested: { x: 1 },
  }),
  fc.jsonValue({ maxDepth: 2 }),
);

type JsonFamily = "plain" | "nasty-strings" | "deep" | "wide" | "not-object";
const jsonOf = (families: JsonFamily[], strings: fc.Arbitrary<string>) => {
  const of: Record<JsonFamily, fc.Arbitrary<unknown>> = {
    plain: fc.dictionary(ascii, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
    "nasty-strings": fc.dictionary(
      fc.oneof(ascii, strings),
      fc.oneof(strings, fc.array(strings, { maxLength: 3 }), fc.dictionary(strings, strings, { maxKeys: 2 })),
      { minKeys: 1, maxKeys: 4 },
    ),
    deep: fc
      .tuple(
        fc.constantFrom(10, 64, 100, 500, 1000, 2000, 5000, 20_000, 100_000),
        fc.constantFrom("object" as const, "array" as const),
      )
      .map(([depth, shape]) => deepJson(depth, shape)),
    wide: fc
      .tuple(fc.constantFrom(10, 100, 1000, 3000), fc.constantFrom("key", "value"))
      .map(([n, what]) =>
        Object.fromEntries(
          Array.from({ length: n }, (_, i) => (what === "key" ? [`k${i}`, i] : [`k${i}`, "v".repeat(16)])),
        ),
      ),
    "not-object": fc.constantFrom<unknown>([1, 2], "text", 5, true, [], [{ a: 1 }]),
  };
  return fc.oneof(...families.map((f) => of[f]));
};

const KINDS_VALID = fc.stringMatching(/^[a-z][a-z0-9_]{0,63}$/);
const kindOf = (odd: boolean, strings: fc.Arbitrary<string>) =>
  odd
    ? fc.oneof(
        KINDS_VALID,
        fc.constantFrom("command", "", "Command", "a".repeat(65), "a-b", "1abc", "émoji", "workflow_step"),
        strings,
      )
    : fc.oneof(fc.constantFrom("command", "workflow_step", "note"), KINDS_VALID);
const outcomeOf = (odd: boolean, strings: fc.Arbitrary<string>) =>
  odd
    ? fc.oneof(fc.constantFrom("ok", "error", "OK", "", "maybe", undefined), strings)
    : fc.constantFrom("ok", "error", undefined);

interface Knobs {
  strings: StringFamily[];
  json: JsonFamily[];
  /** Wrong GraphQL types through variables. */
  wrongTypes: boolean;
  /** Odd timestamps, kinds, outcomes, numbers. */
  odd: boolean;
  /** Any token, not only the fuzzer's writer token. */
  anyAuth: boolean;
  /** Batches and id lists of exactly the limit and one over. */
  bigLists: boolean;
}

/** One ingest request: which mutation, with which variables, with which Authorization header. */
function ingestRequest(k: Knobs) {
  const str = stringOf(k.strings);
  const json = jsonOf(k.json, str);
  const maybe = <T>(arb: fc.Arbitrary<T>) =>
    k.wrongTypes
      ? fc.option(fc.oneof({ arbitrary: arb, weight: 5 }, { arbitrary: wrongType, weight: 1 }), {
          nil: undefined,
        })
      : fc.option(arb, { nil: undefined });
  const sessionId = fc.oneof(
    { arbitrary: fc.uuid(), weight: 3 },
    {
      arbitrary: fc
        .constantFrom(0, 1, 2, 3, 4)
        .map((i) => pool.sessions[i % Math.max(1, pool.sessions.length)] ?? uuid()),
      weight: 4,
    },
    {
      arbitrary: fc.constantFrom(
        "00000000-0000-0000-0000-000000000000",
        "FFFFFFFF-FFFF-7FFF-BFFF-FFFFFFFFFFFF",
        " 0193c0de-0000-7000-8000-000000000001",
        "0193c0de00007000800000000000001",
        "1; drop table sessions",
        "",
      ),
      weight: 1,
    },
    { arbitrary: str, weight: 1 },
    ...(k.wrongTypes ? [{ arbitrary: fc.oneof(fc.integer(), wrongType), weight: 1 }] : []),
  );
  const eventId = fc.oneof(
    { arbitrary: fc.uuid(), weight: 3 },
    { arbitrary: fc.nat().map((i) => pool.events[i % Math.max(1, pool.events.length)] ?? uuid()), weight: 2 },
    { arbitrary: str, weight: 1 },
    ...(k.wrongTypes ? [{ arbitrary: wrongType, weight: 1 }] : []),
  );
  const component = fc.oneof(
    fc.constantFrom("fuzz-allowed", "fuzzed", "seeded"),
    fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/),
    str,
  );
  const startInput = fc.record(
    {
      id: sessionId,
      type: maybe(fc.oneof(fc.constantFrom("admin_shell", "workflow", "cli"), str)),
      component: k.wrongTypes ? fc.oneof(component, wrongType) : component,
      componentType: maybe(str),
      componentVersion: maybe(str),
      shellType: maybe(str),
      adapters: maybe(fc.array(str, { maxLength: k.odd ? 70 : 3 })),
      startedAt: maybe(dateOf(k.odd)),
      pid: maybe(intOf(fc.integer({ min: 1, max: LIMITS.pidMax }))),
      username: maybe(str),
      hostname: maybe(str),
      environment: maybe(fc.oneof(json, fc.record({ cwd: str, nodeVersion: str }))),
      metadata: maybe(json),
      captureMode: maybe(
        k.odd
          ? fc.constantFrom("BUFFERED", "STRICT", "buffered", "NOPE")
          : fc.constantFrom("BUFFERED", "STRICT"),
      ),
      eventId: maybe(fc.oneof(fc.uuid(), str)),
      eventVersion: maybe(k.odd ? fc.constantFrom("1.0", "9.9", "", "1") : fc.constant("1.0")),
    },
    { requiredKeys: ["id", "component"] },
  );
  const endInput = fc.record(
    {
      id: sessionId,
      endedAt: maybe(dateOf(k.odd)),
      endReason: maybe(
        k.odd
          ? fc.constantFrom("EXIT", "SIGINT", "SIGTERM", "SIGHUP", "ERROR", "ABANDONED", "exit", "KILL")
          : fc.constantFrom("EXIT", "SIGTERM", "ERROR"),
      ),
      exitCode: maybe(intOf(fc.integer({ min: -255, max: 255 }))),
      metadata: maybe(json),
    },
    { requiredKeys: ["id"] },
  );
  const event = fc.record(
    {
      eventId,
      sessionId,
      seq: k.wrongTypes
        ? fc.oneof(intOf(fc.integer({ min: 1, max: 10_000 })), wrongType)
        : intOf(fc.integer({ min: 1, max: 10_000 })),
      kind: k.wrongTypes ? fc.oneof(kindOf(k.odd, str), wrongType) : kindOf(k.odd, str),
      at: k.wrongTypes ? fc.oneof(dateOf(k.odd), wrongType) : dateOf(k.odd),
      text: maybe(str),
      durationMs: maybe(floatOf),
      outcome: maybe(outcomeOf(k.odd, str)),
      errorClass: maybe(str),
      redactions: maybe(intOf(fc.integer({ min: 0, max: 100 }))),
      payload: maybe(json),
    },
    { requiredKeys: ["eventId", "sessionId", "seq", "kind", "at"] },
  );
  const events = fc
    .tuple(fc.array(event, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 2 }))
    // Repeats of events of the same batch: duplicate ids inside one call.
    .map(([list, repeats]) => (list.length ? [...list, ...repeats.map((i) => list[i % list.length])] : list));
  const bigEvents = fc.constantFrom(LIMITS.batchEvents, LIMITS.batchEvents + 1).map((n) =>
    Array.from({ length: n }, (_, i) => ({
      eventId: uuid(),
      sessionId: uuid(),
      seq: i + 1,
      kind: "command",
      at: nowIso(),
    })),
  );
  const ids = fc.array(sessionId, { maxLength: 5 });
  const bigIds = fc
    .constantFrom(LIMITS.heartbeatIds, LIMITS.heartbeatIds + 1)
    .map((n) => Array.from({ length: n }, () => uuid()));
  const health = fc.record(
    {
      journalDepth: maybe(intOf(fc.nat({ max: 10_000 }))),
      oldestPendingSeconds: maybe(floatOf),
      breaker: maybe(fc.oneof(fc.constantFrom("closed", "open", "half-open"), str)),
      dropped: maybe(intOf(fc.nat({ max: 10_000 }))),
    },
    { requiredKeys: [] },
  );
  const top = <T>(arb: fc.Arbitrary<T>) =>
    k.wrongTypes ? fc.oneof({ arbitrary: arb, weight: 6 }, { arbitrary: wrongType, weight: 1 }) : arb;

  // Named, so that a counterexample shows which header was sent rather than a token.
  const auth: fc.Arbitrary<AuthName> = k.anyAuth
    ? fc.oneof(
        { arbitrary: fc.constant<AuthName>("writer"), weight: 6 },
        { arbitrary: fc.constantFrom<AuthName>("restricted", "readOnly", "expired", "foreign"), weight: 3 },
        {
          arbitrary: fc.constantFrom<AuthName>(
            "none",
            "empty",
            "bare Bearer",
            "Bearer and a space",
            "Basic",
            "lower-case bearer",
            "two spaces",
            "not a JWT",
            "tampered",
          ),
          weight: 2,
        },
      )
    : fc.constant<AuthName>("writer");

  return fc.tuple(
    fc.oneof(
      {
        arbitrary: fc.record({
          op: fc.constant("startSession" as const),
          variables: fc.record({ input: top(startInput) }),
        }),
        weight: 3,
      },
      {
        arbitrary: fc.record({
          op: fc.constant("endSession" as const),
          variables: fc.record({ input: top(endInput) }),
        }),
        weight: 2,
      },
      {
        arbitrary: fc.record({
          op: fc.constant("heartbeat" as const),
          variables: fc.record(
            {
              ids: top(k.bigLists ? fc.oneof(ids, bigIds) : ids),
              client: fc.option(top(health), { nil: undefined }),
            },
            { requiredKeys: ["ids"] },
          ),
        }),
        weight: 2,
      },
      {
        arbitrary: fc.record({
          op: fc.constant("recordEvents" as const),
          variables: fc.record({
            events: top(
              k.bigLists
                ? fc.oneof({ arbitrary: events, weight: 4 }, { arbitrary: bigEvents, weight: 1 })
                : events,
            ),
          }),
        }),
        weight: 4,
      },
    ),
    auth,
  );
}

const DOCS = {
  startSession: START,
  endSession: END,
  heartbeat: HEARTBEAT_DOC,
  recordEvents: RECORD,
} as const;

/** Short description of a request for failure messages (huge strings abbreviated). */
const brief = (v: unknown) =>
  JSON.stringify(v, (_k, x) =>
    typeof x === "string" && x.length > 80 ? `${x.slice(0, 40)}…(${x.length} chars)` : x,
  ).slice(0, 2000);

// ---------------------------------------------------------------------------------------------------

describe.each(backends())("ingest fuzzing on %s", (backend) => {
  // No reaping during the run: a seeded ACTIVE session must still be ACTIVE when it is compared.
  const svc = useService(backend, { abandonAfterSeconds: 86_400 });

  /** What was stored before the fuzzing, as the database and the API show it. */
  const seeded = { foreign: [] as string[], own: [] as string[], events: [] as string[] };
  let before: Awaited<ReturnType<typeof snapshot>>;

  async function snapshot() {
    const db = svc.db.database.db;
    const ids = [...seeded.foreign, ...seeded.own];
    const rows = await db.select().from(sessions).where(inArray(sessions.id, ids)).orderBy(sessions.id);
    const events = await db
      .select()
      .from(sessionEvents)
      .where(inArray(sessionEvents.id, seeded.events))
      .orderBy(sessionEvents.id);
    const api: unknown[] = [];
    for (const id of ids) {
      const r = await gql(svc.url, SESSION, { id, first: 1000 }, reader);
      expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
      api.push(r.body.data!.session);
    }
    // The fuzzer may add events to its own (seeded) session, and with them what is derived from its events
    // (how complete its record is, where its chain broke); everything else of it must stay as it was.
    const volatile = (s: Record<string, any>) => {
      if (!seeded.own.includes(s.id)) return s;
      const rest = Object.fromEntries(
        Object.entries(s).filter(
          ([k]) =>
            ![
              "lastSeenAt",
              "eventCount",
              "commandCount",
              "errorCount",
              "maxSeq",
              "events",
              "completeness",
              "missingSeqRanges",
              "brokenSeq",
            ].includes(k),
        ),
      );
      const ev = s.events as { edges: { node: { id: string } }[] } | undefined;
      return ev
        ? { ...rest, events: ev.edges.map((e) => e.node).filter((n) => seeded.events.includes(n.id)) }
        : rest;
    };
    return {
      rows: rows.map((r) => volatile(r as unknown as Record<string, any>)),
      events,
      api: api.map((s) => volatile(s as Record<string, any>)),
    };
  }

  beforeAll(async () => {
    const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
    const start = async (bearer: string, id: string, extra: Record<string, unknown>) => {
      const r = await gql(svc.url, START, { input: { id, component: "seeded", ...extra } }, bearer);
      expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    };
    const record = async (bearer: string, events: Record<string, unknown>[]) => {
      const r = await gql(svc.url, RECORD, { events }, bearer);
      expect(r.body.data?.recordEvents, JSON.stringify(r.body)).toMatchObject({
        accepted: events.length,
        duplicates: 0,
        rejected: [],
      });
      seeded.events.push(...events.map((e) => e.eventId as string));
    };
    const metadata = {
      team: "ops",
      nested: { list: [1, "two", { three: 3 }], unicode: "Grüße ✓ 😀" },
      empty: {},
    };

    // Another subject's sessions: one live, one ended. No request of the fuzzer may change them.
    const live = uuid();
    const ended = uuid();
    // The fuzzer's own ended session: its stored events must never change (they are complete).
    const own = uuid();
    seeded.foreign.push(live, ended);
    seeded.own.push(own);
    await start(owner, live, {
      startedAt: at(600_000),
      username: "op",
      hostname: "box-1",
      pid: 42,
      metadata,
      environment: { cwd: "/srv" },
      adapters: ["pg"],
    });
    await record(owner, [
      { eventId: uuid(), sessionId: live, seq: 1, kind: "command", at: at(590_000), text: "status()" },
      {
        eventId: uuid(),
        sessionId: live,
        seq: 2,
        kind: "command",
        at: at(580_000),
        text: "crash()",
        outcome: "error",
        durationMs: 12.5,
        errorClass: "TypeError",
        redactions: 1,
        payload: { code: 1 },
      },
      {
        eventId: uuid(),
        sessionId: live,
        seq: 3,
        kind: "note",
        at: at(570_000),
        payload: { deep: { a: [1, 2, 3] } },
      },
    ]);
    await start(owner, ended, { startedAt: at(900_000), metadata, captureMode: "STRICT" });
    await record(owner, [
      {
        eventId: uuid(),
        sessionId: ended,
        seq: 1,
        kind: "command",
        at: at(890_000),
        text: "ls",
        outcome: "ok",
        durationMs: 1,
      },
    ]);
    const e = await gql(
      svc.url,
      END,
      {
        input: {
          id: ended,
          endedAt: at(800_000),
          endReason: "SIGTERM",
          exitCode: 143,
          metadata: { closing: true },
        },
      },
      owner,
    );
    expect(e.body.errors).toBeUndefined();
    await start(writer, own, { startedAt: at(700_000), metadata });
    await record(writer, [
      {
        eventId: uuid(),
        sessionId: own,
        seq: 1,
        kind: "command",
        at: at(690_000),
        text: "a()",
        outcome: "ok",
        durationMs: 3,
      },
      {
        eventId: uuid(),
        sessionId: own,
        seq: 2,
        kind: "command",
        at: at(680_000),
        text: "b()",
        outcome: "error",
        errorClass: "Error",
      },
    ]);
    const e2 = await gql(svc.url, END, { input: { id: own, endedAt: at(600_000) } }, writer);
    expect(e2.body.errors).toBeUndefined();

    // The fuzzer's live sessions, where its valid events land.
    const mine = [uuid(), uuid()];
    for (const id of mine) await start(writer, id, { component: "fuzzed" });
    pool.sessions = [live, ended, own, ...mine];
    pool.events = [...seeded.events];
    before = await snapshot();
  });

  const families: [string, Knobs, number][] = [
    [
      "NUL characters in any string",
      {
        strings: ["nul"],
        json: ["nasty-strings"],
        wrongTypes: false,
        odd: false,
        anyAuth: false,
        bigLists: false,
      },
      100,
    ],
    [
      "lone surrogates in any string",
      {
        strings: ["surrogate"],
        json: ["nasty-strings"],
        wrongTypes: false,
        odd: false,
        anyAuth: false,
        bigLists: false,
      },
      100,
    ],
    [
      "strings and lists at and around the limits",
      {
        strings: ["limit", "huge"],
        json: ["wide", "plain"],
        wrongTypes: false,
        odd: false,
        anyAuth: false,
        bigLists: true,
      },
      100,
    ],
    [
      "deep, wide and non-object JSON",
      {
        strings: ["plain"],
        json: ["deep", "wide", "not-object"],
        wrongTypes: false,
        odd: false,
        anyAuth: false,
        bigLists: false,
      },
      100,
    ],
    [
      "wrong types through variables",
      { strings: ["plain"], json: ["plain"], wrongTypes: true, odd: false, anyAuth: false, bigLists: false },
      100,
    ],
    [
      "odd kinds, outcomes, timestamps and numbers",
      { strings: ["plain"], json: ["plain"], wrongTypes: false, odd: true, anyAuth: false, bigLists: false },
      100,
    ],
    [
      "odd and foreign tokens",
      { strings: ["plain"], json: ["plain"], wrongTypes: false, odd: false, anyAuth: true, bigLists: false },
      100,
    ],
    [
      "everything at once",
      {
        strings: ["plain", "nul", "surrogate", "limit", "huge"],
        json: ["plain", "nasty-strings", "deep", "wide", "not-object"],
        wrongTypes: true,
        odd: true,
        anyAuth: true,
        bigLists: true,
      },
      150,
    ],
  ];

  for (const [name, knobs, numRuns] of families) {
    it(`ingest with ${name}: 200/400/413 and documented codes only`, async () => {
      await fc.assert(
        fc.asyncProperty(ingestRequest(knobs), async ([{ op, variables }, auth]) => {
          const answer = await post(svc.url, DOCS[op], variables, authHeader(auth));
          try {
            expectDocumented(answer);
          } catch (err) {
            throw new Error(
              `${op} as ${auth} ${brief(variables)}\n  → ${shown(answer)}\n  ${(err as Error).message.split("\n")[0]}`,
            );
          }
        }),
        runs(numRuns),
      );
    });
  }

  // ---------------------------------------------------------------------------------------------------

  describe("recordEvents batches mixing valid and invalid events", () => {
    /** Events stored so far by this property, by id, as they must read back. */
    const stored = new Map<string, Record<string, unknown> & { sessionId: string; seq: number }>();
    const nextSeq = new Map<string, number>();
    const freshSeq = (sessionId: string) => {
      const n = (nextSeq.get(sessionId) ?? 1000) + 1;
      nextSeq.set(sessionId, n);
      return n;
    };

    /** One event of a batch, described by what the contract does with it. */
    type Spec =
      | { kind: "valid"; session: number; fields: Record<string, unknown> }
      | { kind: "repeat-in-batch"; of: number }
      | { kind: "resend-stored"; pick: number }
      | { kind: "complete-stored"; pick: number; outcome: "ok" | "error"; durationMs: number }
      | { kind: "invalid"; session: number; fields: Record<string, unknown>; breakWith: [string, unknown] }
      | { kind: "unknown-session"; fields: Record<string, unknown> }
      | { kind: "foreign-session"; fields: Record<string, unknown> }
      | { kind: "seq-taken"; pick: number; fields: Record<string, unknown> }
      | { kind: "id-with-other-seq"; pick: number }
      | { kind: "seq-clash-in-batch"; of: number; fields: Record<string, unknown> };

    const text = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 60 }).filter((s) => !s.includes("\u0000")),
      fc.constantFrom(
        "x".repeat(LIMITS.textBytes),
        "é".repeat(LIMITS.textBytes / 2),
        "😀".repeat(LIMITS.textBytes / 4),
      ),
    );
    const fields = fc.record(
      {
        kind: fc.oneof(fc.constantFrom("command", "note", "workflow_step"), KINDS_VALID),
        at: validDate,
        text,
        durationMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
        outcome: fc.constantFrom("ok", "error"),
        errorClass: fc.string({ maxLength: 40 }),
        redactions: fc.nat({ max: 50 }),
        payload: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      },
      { requiredKeys: ["kind", "at"] },
    );
    const breaking: fc.Arbitrary<[string, unknown]> = fc.oneof(
      fc.constantFrom<[string, unknown]>(
        ["eventId", "not-a-uuid"],
        ["sessionId", "nope"],
        ["seq", 0],
        ["seq", -3],
        ["kind", "Bad Kind"],
        ["kind", ""],
        ["kind", "k".repeat(65)],
        ["text", "y".repeat(LIMITS.textBytes + 1)],
        ["text", "é".repeat(LIMITS.textBytes / 2 + 1)],
        ["outcome", "maybe"],
        ["outcome", "OK"],
        ["durationMs", -1],
        ["redactions", -1],
        ["errorClass", "e".repeat(257)],
        ["payload", [1, 2]],
        ["payload", { blob: "p".repeat(LIMITS.payloadBytes + 1) }],
      ),
    );
    const spec: fc.Arbitrary<Spec> = fc.oneof(
      {
        arbitrary: fc.record({ kind: fc.constant("valid" as const), session: fc.nat({ max: 1 }), fields }),
        weight: 6,
      },
      { arbitrary: fc.record({ kind: fc.constant("repeat-in-batch" as const), of: fc.nat() }), weight: 2 },
      { arbitrary: fc.record({ kind: fc.constant("resend-stored" as const), pick: fc.nat() }), weight: 2 },
      {
        arbitrary: fc.record({
          kind: fc.constant("complete-stored" as const),
          pick: fc.nat(),
          outcome: fc.constantFrom("ok" as const, "error" as const),
          durationMs: fc.nat({ max: 9999 }),
        }),
        weight: 1,
      },
      {
        arbitrary: fc.record({
          kind: fc.constant("invalid" as const),
          session: fc.nat({ max: 1 }),
          fields,
          breakWith: breaking,
        }),
        weight: 3,
      },
      { arbitrary: fc.record({ kind: fc.constant("unknown-session" as const), fields }), weight: 1 },
      { arbitrary: fc.record({ kind: fc.constant("foreign-session" as const), fields }), weight: 1 },
      {
        arbitrary: fc.record({ kind: fc.constant("seq-taken" as const), pick: fc.nat(), fields }),
        weight: 1,
      },
      {
        arbitrary: fc.record({ kind: fc.constant("id-with-other-seq" as const), pick: fc.nat() }),
        weight: 1,
      },
      {
        arbitrary: fc.record({ kind: fc.constant("seq-clash-in-batch" as const), of: fc.nat(), fields }),
        weight: 1,
      },
    );

    it("accepted + duplicates + rejected = events sent, each answered as the contract says, each valid event stored once", async () => {
      // Sessions of this property alone (the other properties may have ended the pool's), and a seeded
      // session of another subject.
      const sessionsOwned = [uuid(), uuid()];
      for (const id of sessionsOwned) {
        const r = await gql(svc.url, START, { input: { id, component: "batches" } }, writer);
        expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
      }
      const foreign = () => seeded.foreign[0]!;
      await fc.assert(
        fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 12 }), async (specs) => {
          // Build the batch and, alongside, the answer each event must get.
          const batch: Record<string, unknown>[] = [];
          const want: (
            | "accepted"
            | "duplicate"
            | "BAD_USER_INPUT"
            | "NOT_FOUND"
            | "FORBIDDEN"
            | "CONFLICT"
          )[] = [];
          const fresh = new Map<string, Record<string, unknown> & { sessionId: string; seq: number }>();
          const completes = new Map<string, Record<string, unknown> & { sessionId: string; seq: number }>();
          const storedList = [...stored.values()];
          const storedWithoutOutcome = storedList.filter(
            (e) => e.outcome == null && !completes.has(e.eventId as string),
          );
          for (const s of specs) {
            switch (s.kind) {
              case "valid": {
                const sessionId = sessionsOwned[s.session]!;
                const e = { eventId: uuid(), sessionId, seq: freshSeq(sessionId), ...s.fields };
                batch.push(e);
                want.push("accepted");
                fresh.set(e.eventId, e);
                break;
              }
              case "repeat-in-batch": {
                const firsts = batch.filter(
                  (b, i) => want[i] === "accepted" && fresh.has(b.eventId as string),
                );
                if (firsts.length === 0) break;
                const e = firsts[s.of % firsts.length]!;
                batch.push({ ...e });
                want.push("duplicate");
                break;
              }
              case "resend-stored": {
                if (storedList.length === 0) break;
                const e = storedList[s.pick % storedList.length]!;
                if (batch.some((b) => b.eventId === e.eventId)) break;
                batch.push({ ...e });
                want.push("duplicate");
                break;
              }
              case "complete-stored": {
                const open = storedWithoutOutcome.filter((e) => !batch.some((b) => b.eventId === e.eventId));
                if (open.length === 0) break;
                const e = open[s.pick % open.length]!;
                const done = { ...e, outcome: s.outcome, durationMs: s.durationMs };
                batch.push(done);
                want.push("accepted");
                completes.set(e.eventId as string, done);
                break;
              }
              case "invalid": {
                const sessionId = sessionsOwned[s.session]!;
                const e = {
                  eventId: uuid(),
                  sessionId,
                  seq: freshSeq(sessionId),
                  ...s.fields,
                  [s.breakWith[0]]: s.breakWith[1],
                };
                batch.push(e);
                want.push("BAD_USER_INPUT");
                break;
              }
              case "unknown-session":
                batch.push({ eventId: uuid(), sessionId: uuid(), seq: 1, ...s.fields });
                want.push("NOT_FOUND");
                break;
              case "foreign-session":
                batch.push({ eventId: uuid(), sessionId: foreign(), seq: 1, ...s.fields });
                want.push("FORBIDDEN");
                break;
              case "seq-taken": {
                if (storedList.length === 0) break;
                const e = storedList[s.pick % storedList.length]!;
                batch.push({ eventId: uuid(), sessionId: e.sessionId, seq: e.seq, ...s.fields });
                want.push("CONFLICT");
                break;
              }
              case "id-with-other-seq": {
                if (storedList.length === 0) break;
                const e = storedList[s.pick % storedList.length]!;
                if (batch.some((b) => b.eventId === e.eventId)) break;
                batch.push({ ...e, seq: freshSeq(e.sessionId) });
                want.push("CONFLICT");
                break;
              }
              case "seq-clash-in-batch": {
                const firsts = batch.filter(
                  (b, i) => want[i] === "accepted" && fresh.has(b.eventId as string),
                );
                if (firsts.length === 0) break;
                const e = firsts[s.of % firsts.length]!;
                batch.push({ eventId: uuid(), sessionId: e.sessionId, seq: e.seq, ...s.fields });
                want.push("CONFLICT");
                break;
              }
            }
          }
          if (batch.length === 0) return;

          const answer = await post(svc.url, RECORD, { events: batch }, `Bearer ${writer}`);
          const ids = batch.map((e) => String(e.eventId)).filter((id) => /^[0-9a-f-]{36}$/i.test(id));
          const rows = ids.length
            ? await svc.db.database.db.select().from(sessionEvents).where(inArray(sessionEvents.id, ids))
            : [];
          const byId = new Map<string, typeof rows>();
          for (const r of rows) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
          const context = () =>
            `batch ${brief(batch.map((e, i) => ({ want: want[i], eventId: e.eventId, seq: e.seq, sessionId: e.sessionId })))}\n  → ${shown(answer)}`;
          try {
            expectDocumented(answer);
            const result = answer.body.data!.recordEvents as {
              accepted: number;
              duplicates: number;
              rejected: { eventId: string; code: string }[];
            };
            expect(
              result.accepted + result.duplicates + result.rejected.length,
              "accepted + duplicates + rejected = sent",
            ).toBe(batch.length);
            expect(result.accepted, "accepted").toBe(want.filter((w) => w === "accepted").length);
            expect(result.duplicates, "duplicates").toBe(want.filter((w) => w === "duplicate").length);
            const rejectedWant = batch
              .map((e, i) => ({ eventId: String(e.eventId), code: want[i]! }))
              .filter((r) => r.code !== "accepted" && r.code !== "duplicate")
              .sort((a, b) => (a.eventId + a.code).localeCompare(b.eventId + b.code));
            const rejectedGot = result.rejected
              .map((r) => ({ eventId: r.eventId, code: r.code }))
              .sort((a, b) => (a.eventId + a.code).localeCompare(b.eventId + b.code));
            expect(rejectedGot, "rejected events and their codes").toEqual(rejectedWant);

            // Every valid event is stored once, as sent; nothing rejected is stored under its id.
            for (const [id, e] of [...fresh, ...completes]) {
              const got = byId.get(id) ?? [];
              expect(got.length, `event ${id} stored once`).toBe(1);
              const row = got[0]!;
              expect(
                {
                  sessionId: row.sessionId,
                  seq: row.seq,
                  kind: row.kind,
                  at: row.at.toISOString(),
                  text: row.text,
                  durationMs: row.durationMs,
                  outcome: row.outcome,
                  errorClass: row.errorClass,
                  redactions: row.redactions,
                  payload: row.payload,
                },
                `event ${id} as sent`,
              ).toEqual({
                sessionId: e.sessionId,
                seq: e.seq,
                kind: e.kind,
                at: e.at,
                text: e.text ?? null,
                durationMs: e.durationMs ?? null,
                outcome: e.outcome ?? null,
                errorClass: e.errorClass ?? null,
                redactions: e.redactions ?? 0,
                payload: completes.has(id)
                  ? { ...((stored.get(id)?.payload as object) ?? {}), ...((e.payload as object) ?? {}) }
                  : JSON.parse(JSON.stringify(e.payload ?? {})),
              });
            }
            for (const [i, e] of batch.entries()) {
              const w = want[i];
              if (w === "accepted" || w === "duplicate" || w === "CONFLICT") continue;
              expect(
                byId.get(String(e.eventId)) ?? [],
                `rejected event ${String(e.eventId)} not stored`,
              ).toEqual([]);
            }
          } catch (err) {
            throw new Error(`${context()}\n  ${(err as Error).message.split("\n")[0]}`);
          } finally {
            // What later batches resend or complete: only what the database really holds now.
            for (const row of rows) {
              const sent = fresh.get(row.id) ?? completes.get(row.id);
              if (sent && row.seq === sent.seq && row.sessionId === sent.sessionId)
                stored.set(row.id, {
                  ...(sent as typeof sent & { seq: number; sessionId: string }),
                  outcome: row.outcome ?? undefined,
                  payload: row.payload,
                });
            }
          }
        }),
        runs(100),
      );
    });
  });

  // ---------------------------------------------------------------------------------------------------

  describe("raw HTTP requests to POST /graphql", () => {
    /**
     * Sends bytes as they are (no client-side validation of the request line or headers) and returns the
     * status of the first answer, once that answer is complete (or the connection closed).
     */
    function rawRequest(
      port: number,
      head: string,
      body: Buffer,
      method: string,
    ): Promise<{ status: number | null; response: string }> {
      return new Promise((resolve, reject) => {
        const socket = connect(port, "127.0.0.1");
        let buffer = Buffer.alloc(0);
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          socket.destroy();
          const response = buffer.toString("latin1");
          const m = /^HTTP\/1\.[01] (\d{3})/.exec(response);
          resolve({ status: m ? Number(m[1]) : null, response });
        };
        const timer = setTimeout(() => {
          if (buffer.length > 0) return finish();
          done = true;
          socket.destroy();
          reject(new Error(`no answer within 10 s to ${JSON.stringify(head.slice(0, 300))}`));
        }, 10_000);
        /** Whether the first answer in `buffer` is complete. */
        const complete = () => {
          const text = buffer.toString("latin1");
          const headEnd = text.indexOf("\r\n\r\n");
          if (headEnd < 0) return false;
          const headers = text.slice(0, headEnd).toLowerCase();
          const status = Number(/^http\/1\.[01] (\d{3})/.exec(headers)?.[1]);
          const rest = buffer.length - headEnd - 4;
          if (method === "HEAD" || status === 204 || status === 304 || (status >= 100 && status < 200))
            return true;
          const length = /\r\ncontent-length: *(\d+)/.exec(headers);
          if (length) return rest >= Number(length[1]);
          if (/\r\ntransfer-encoding: *chunked/.test(headers)) return text.endsWith("0\r\n\r\n");
          return false;
        };
        socket.on("data", (d) => {
          buffer = Buffer.concat([buffer, d]);
          if (complete()) finish();
        });
        socket.on("error", () => {}); // a reset after the answer is fine; no answer at all is caught below
        socket.on("close", finish);
        socket.write(Buffer.concat([Buffer.from(head, "latin1"), body]));
      });
    }

    const validBody = JSON.stringify({ query: "mutation { heartbeat(ids: []) }" });
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.string({ unit: "binary", maxLength: 200 }).map((s) => Buffer.from(s, "utf8")),
      fc.nat({ max: validBody.length }).map((n) => Buffer.from(validBody.slice(0, n))),
      fc
        .constantFrom(
          "null",
          "[]",
          "[null]",
          '"query"',
          "1",
          "{}",
          '{"query":1}',
          '{"query":null}',
          '{"query":["{ __typename }"]}',
          '{"query":"{ __typename }","variables":"x"}',
          '{"query":"{ __typename }","variables":[]}',
          '{"query":"{ __typename }","extensions":1}',
          '{"query":"{ __typename }","operationName":5}',
          '{"query":"{ __typename }","operationName":"Nope"}',
          '[{"query":"{ __typename }"},{"query":"{ __typename }"}]',
          '{"query":"mutation { heartbeat(ids: [\\"\\u0000\\"]) }"}',
          '{"query":"mutation { heartbeat(ids: [\\"\\ud800\\"]) }"}',
          '{"query":"mutation($e:[SessionEventInput!]!){ recordEvents(events:$e){accepted} }","variables":{"e":{"eventId":1}}}',
          '{"query":"subscription { activeSessionCount }"}',
          '{"query":"query { __schema { types { name } } }"}',
          '{"query":"{ a: __typename b: __typename }"}',
          `{"query":"${"{ __typename ".repeat(50)}${"}".repeat(50)}"}`,
          `{"query":"{ __typename }","variables":${"[".repeat(50_000)}${"]".repeat(50_000)}}`,
          '{"query":"{ __typename }"',
          '{"query":"{ __typename }"}}',
          '\ufeff{"query":"{ __typename }"}',
          '{"query":"{ __typename }"}\u0000',
        )
        .map((s) => Buffer.from(s, "utf8")),
      fc.json({ maxDepth: 3 }).map((s) => Buffer.from(s)),
    );
    const headerValue = fc.oneof(
      fc.string({ unit: "binary-ascii", maxLength: 60 }).map((s) => s.replace(/[\r\n]/g, "")),
      fc.string({ maxLength: 60 }),
      fc.constantFrom(
        `Bearer ${writer}`,
        `Bearer ${oddTokens.expired}`,
        "Bearer",
        "Bearer \u0000",
        "Bearer é",
        "Bearer ".padEnd(9000, "A"),
        "x".repeat(20_000),
      ),
    );
    const contentType = fc.oneof(
      fc.constantFrom(
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=latin1",
        "application/graphql-response+json",
        "application/graphql",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "multipart/form-data",
        "",
        "*/*",
      ),
      headerValue,
    );
    const request = fc.record({
      method: fc.constantFrom("POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"),
      path: fc.constantFrom(
        "/graphql",
        "/graphql/",
        "/graphql?query=%7B__typename%7D",
        "/graphql?query=%ZZ",
        "/graphql?query=mutation%20%7B%20heartbeat(ids%3A%5B%5D)%20%7D",
      ),
      body,
      contentType: fc.option(contentType, { nil: undefined }),
      authorization: fc.option(headerValue, { nil: undefined }),
      accept: fc.option(
        fc.oneof(
          fc.constantFrom(
            "application/json",
            "text/html",
            "text/event-stream",
            "application/graphql-response+json",
            "multipart/mixed",
            "*/*",
          ),
          headerValue,
        ),
        { nil: undefined },
      ),
      extra: fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), headerValue), {
        maxLength: 3,
      }),
      length: fc.constantFrom("exact", "exact", "exact", "none", "short", "chunked"),
    });

    it("any method, body, content type and header values: never a 5xx", async () => {
      const port = Number(new URL(svc.url).port);
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const lines = [`${r.method} ${r.path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, "Connection: close"];
          if (r.contentType !== undefined) lines.push(`Content-Type: ${r.contentType}`);
          if (r.authorization !== undefined) lines.push(`Authorization: ${r.authorization}`);
          if (r.accept !== undefined) lines.push(`Accept: ${r.accept}`);
          for (const [k, v] of r.extra)
            if (!/^(host|content-length|transfer-encoding|connection)$/i.test(k)) lines.push(`${k}: ${v}`);
          let payload = r.body;
          if (r.length === "exact") lines.push(`Content-Length: ${payload.length}`);
          if (r.length === "short") lines.push(`Content-Length: ${Math.floor(payload.length / 2)}`);
          if (r.length === "chunked") {
            lines.push("Transfer-Encoding: chunked");
            payload = Buffer.concat([
              Buffer.from(`${payload.length.toString(16)}\r\n`),
              payload,
              Buffer.from("\r\n0\r\n\r\n"),
            ]);
          }
          const { status, response } = await rawRequest(
            port,
            `${lines.join("\r\n")}\r\n\r\n`,
            payload,
            r.method,
          );
          const what = `${brief({ ...r, body: r.body.toString("latin1").slice(0, 200) })}\n  → ${JSON.stringify(response.slice(0, 600))}`;
          expect(status, `an answer: ${what}`).not.toBeNull();
          expect(status!, what).toBeLessThan(500);
          // A JSON answer of /graphql carries documented codes only.
          const bodyText = response.slice(response.indexOf("\r\n\r\n") + 4);
          const json = (() => {
            try {
              return JSON.parse(bodyText) as { errors?: { extensions?: { code?: string } }[] };
            } catch {
              return undefined;
            }
          })();
          for (const e of json?.errors ?? [])
            expect(DOCUMENTED.has(String(e.extensions?.code)), what).toBe(true);
        }),
        runs(200),
      );
    });
  });

  // ---------------------------------------------------------------------------------------------------

  it("nothing stored before the fuzzing was lost or changed (database and API)", async () => {
    const after = await snapshot();
    expect(after.rows).toEqual(before.rows);
    expect(after.events).toEqual(before.events);
    expect(after.api).toEqual(before.api);
    expect(after.rows).toHaveLength(3);
    expect(after.events).toHaveLength(seeded.events.length);
  });
});
