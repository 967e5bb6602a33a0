import { beforeAll, describe, expect } from "vitest";
import { mintToken } from "../auth/jwt.js";
import { ActorKinds, Scopes } from "../contract/enums.js";
import { it, suiteTokens, useDatabase, useService } from "./fixture.js";
import { backends, gql, startService, TEST_SECRET, type TestService, token, uuid } from "./harness.js";
import { END, event, HEARTBEAT, RECORD, START, startInput } from "./ops.js";

// ---------------------------------------------------------------------------------------------------
// A strict parser of the Prometheus text exposition format (0.0.4), enough to refuse what a scraper
// would refuse: bad names, bad escapes, TYPE after samples, split or duplicate series, inconsistent
// histograms.

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Family {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help?: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function parseValue(text: string, line: number): number {
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (text === "NaN") return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text))
    throw new Error(`line ${line}: bad value ${text}`);
  return Number(text);
}

function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1; // after "{"
  for (;;) {
    if (text[i] === "}") return { labels, rest: text.slice(i + 1) };
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(text.slice(i));
    if (!m) throw new Error(`line ${line}: bad label at ${text.slice(i)}`);
    const name = m[1]!;
    if (name in labels) throw new Error(`line ${line}: duplicate label ${name}`);
    i += m[0].length;
    let value = "";
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Error(`line ${line}: unterminated label value`);
      if (c === '"') break;
      if (c === "\\") {
        const n = text[i + 1];
        if (n === "\\") value += "\\";
        else if (n === '"') value += '"';
        else if (n === "n") value += "\n";
        else throw new Error(`line ${line}: bad escape \\${n}`);
        i += 2;
        continue;
      }
      if (c === "\n") throw new Error(`line ${line}: raw newline in label value`);
      value += c;
      i++;
    }
    labels[name] = value;
    i++;
    if (text[i] === ",") i++;
    else if (text[i] !== "}") throw new Error(`line ${line}: expected , or } after label ${name}`);
  }
}

/** Family a sample name belongs to, given its declared type. */
function familyOf(sample: string, families: Map<string, Family>): Family | undefined {
  const direct = families.get(sample);
  if (direct) return direct;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!sample.endsWith(suffix)) continue;
    const f = families.get(sample.slice(0, -suffix.length));
    if (f && (f.type === "histogram" || (f.type === "summary" && suffix !== "_bucket"))) return f;
  }
  return undefined;
}

function parsePrometheus(text: string): Map<string, Family> {
  if (!text.endsWith("\n")) throw new Error("exposition must end with a newline");
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  let current: Family | undefined;
  const closed = new Set<string>();
  const lines = text.slice(0, -1).split("\n");
  lines.forEach((raw, idx) => {
    const line = idx + 1;
    if (raw === "") return;
    if (raw.startsWith("#")) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
      if (!m) return; // a comment
      const [, kind, name, rest] = m as unknown as [string, "HELP" | "TYPE", string, string];
      if (!METRIC_NAME.test(name)) throw new Error(`line ${line}: bad metric name ${name}`);
      if (closed.has(name)) throw new Error(`line ${line}: ${name} reopened`);
      let f = families.get(name);
      if (f?.samples.length) throw new Error(`line ${line}: ${kind} for ${name} after its samples`);
      if (!f) {
        if (current) closed.add(current.name);
        f = { name, type: "untyped", samples: [] };
        families.set(name, f);
        current = f;
      }
      if (kind === "TYPE") {
        if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(rest))
          throw new Error(`line ${line}: bad type ${rest}`);
        f.type = rest as Family["type"];
      } else {
        if (f.help !== undefined) throw new Error(`line ${line}: second HELP for ${name}`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ""))) throw new Error(`line ${line}: bad escape in HELP`);
        f.help = rest;
      }
      return;
    }
    const nm = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(raw);
    if (!nm) throw new Error(`line ${line}: bad sample ${raw}`);
    const name = nm[1]!;
    let rest = raw.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) ({ labels, rest } = parseLabels(rest, line));
    const parts = rest.trim().split(/ +/);
    if (!rest.startsWith(" ") || parts.length < 1 || parts.length > 2)
      throw new Error(`line ${line}: bad sample ${raw}`);
    const value = parseValue(parts[0]!, line);
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new Error(`line ${line}: bad timestamp`);
    let f = familyOf(name, families);
    if (!f) {
      // An untyped sample opens its own family.
      if (current) closed.add(current.name);
      f = { name, type: "untyped", samples: [] };
      families.set(name, f);
      current = f;
    }
    if (f !== current || closed.has(f.name))
      throw new Error(`line ${line}: samples of ${f.name} are not contiguous`);
    for (const l of Object.keys(labels))
      if (!LABEL_NAME.test(l)) throw new Error(`line ${line}: bad label ${l}`);
    if ("le" in labels && !(f.type === "histogram" && name.endsWith("_bucket")))
      throw new Error(`line ${line}: le label outside a histogram bucket`);
    if (f.type === "counter" && !(value >= 0)) throw new Error(`line ${line}: negative counter`);
    if ((f.type === "counter" || f.type === "gauge") && name !== f.name)
      throw new Error(`line ${line}: sample ${name} in ${f.type} ${f.name}`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`line ${line}: duplicate series ${key}`);
    seen.add(key);
    f.samples.push({ name, labels, value });
  });
  for (const f of families.values()) if (f.type === "histogram") checkHistogram(f);
  return families;
}

function checkHistogram(f: Family) {
  const groups = new Map<string, Sample[]>();
  for (const s of f.samples) {
    const { le: _le, ...rest } = s.labels;
    const k = JSON.stringify(Object.entries(rest).sort());
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  for (const [k, samples] of groups) {
    const buckets = samples
      .filter((s) => s.name === `${f.name}_bucket`)
      .map((s) => ({ le: parseValue(s.labels.le!, 0), v: s.value }))
      .sort((a, b) => a.le - b.le);
    const count = samples.find((s) => s.name === `${f.name}_count`);
    const sum = samples.find((s) => s.name === `${f.name}_sum`);
    if (!count || !sum) throw new Error(`${f.name}${k}: missing _sum or _count`);
    if (buckets.at(-1)?.le !== Number.POSITIVE_INFINITY) throw new Error(`${f.name}${k}: no +Inf bucket`);
    for (let i = 1; i < buckets.length; i++)
      if (buckets[i]!.v < buckets[i - 1]!.v) throw new Error(`${f.name}${k}: buckets not cumulative`);
    if (buckets.at(-1)!.v !== count.value) throw new Error(`${f.name}${k}: +Inf bucket ≠ count`);
  }
}

/** The value of one series, or undefined when it is absent. */
function value(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      const keys = Object.keys(s.labels);
      if (keys.length === Object.keys(labels).length && keys.every((k) => s.labels[k] === labels[k]))
        return s.value;
    }
  }
  return undefined;
}

/** Every series of a family as `labels → value`, e.g. `component_name=alpha,status=ended → 1`. */
function series(families: Map<string, Family>, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of families.values())
    for (const s of f.samples)
      if (s.name === name)
        out[
          Object.entries(s.labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(",")
        ] = s.value;
  return out;
}

async function scrape(svc: TestService): Promise<Map<string, Family>> {
  const res = await fetch(`${svc.origin}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await res.text());
}

describe("the Prometheus text parser used here", () => {
  it("accepts the format and refuses what a scraper refuses", () => {
    const ok = parsePrometheus(
      '# HELP a_total A\n# TYPE a_total counter\na_total{x="1",y="q\\"\\\\\\n"} 2\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3.5\nh_count 2\n',
    );
    expect(ok.get("a_total")!.samples[0]!.labels.y).toBe('q"\\\n');
    for (const bad of [
      "a 1", // no final newline
      "# TYPE a counter\na -1\n",
      '# TYPE a gauge\na{x="1"} 1\na{x="1"} 2\n',
      'a{x="\\t"} 1\n',
      "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n",
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
      '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n',
      "# TYPE a gauge\na 1\n# TYPE a gauge\n",
      "1a 1\n",
      'a{1x="1"} 1\n',
      "a one\n",
    ]) {
      expect(() => parsePrometheus(bad), bad).toThrow();
    }
  });
});

const { writer: alice, reader } = await suiteTokens();

describe.each(backends())("/metrics on %s", (backend) => {
  const base = Date.now() - 10 * 60_000;
  let clock = base;
  const ids = {
    s1: uuid(),
    s2: uuid(),
    s3: uuid(),
    s4: uuid(),
    s5: uuid(),
    s7: uuid(),
    s8: uuid(),
    s9: uuid(),
    s10: uuid(),
  };
  const db = useDatabase(backend);
  const options = { database: db, now: () => new Date(clock) };
  const svc = useService(backend, options);
  // The test moves the clock and reaps by hand.
  beforeAll(() => svc.app.reaper.stop());

  const ok = async (query: string, variables: Record<string, unknown>, bearer = alice) => {
    const r = await gql(svc.url, query, variables, bearer);
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    return r.body.data!;
  };
  const at = (offsetSeconds: number) => new Date(base + offsetSeconds * 1000).toISOString();

  it("after a known sequence of starts, ends and events, every series has exactly the expected value", async () => {
    const start = (id: string, component: string, shellType: string | null, startedAt: string) =>
      ok(START, { input: startInput(component, id, { startedAt, shellType }) });
    await start(ids.s1, "alpha", "AlphaShell", at(-100));
    await start(ids.s1, "alpha", "AlphaShell", at(-100)); // idempotent: counted once
    await start(ids.s2, "alpha", "AlphaShell", at(-4000));
    await start(ids.s3, "beta", "BetaShell", at(-50));
    await start(ids.s4, "beta", null, at(-30));
    await start(ids.s5, "alpha", "AlphaShell", at(-10));
    await start(ids.s7, "beta", "BetaShell", at(-20));
    // Who is at the prompt: an AI agent by its token's actor_kind claim; a person and a job as their shells
    // report it (SESSION_BUDDY_ACTOR_KIND, or what they detect) under a token that says nothing.
    const agent = await mintToken({
      secret: TEST_SECRET,
      sub: "claude",
      scopes: [Scopes.WRITE],
      ttlSeconds: 3600,
      actorKind: ActorKinds.AI_AGENT,
      delegatedBy: "alice",
    });
    const gamma = (id: string, extra: Record<string, unknown>, bearer = alice) =>
      ok(
        START,
        { input: startInput("gamma", id, { startedAt: at(-60), shellType: "GammaShell", ...extra }) },
        bearer,
      );
    await gamma(ids.s8, {}, agent);
    await gamma(ids.s9, { actorKind: ActorKinds.HUMAN });
    await gamma(ids.s10, { actorKind: ActorKinds.AUTOMATION });

    const [e1, e2, e3, e4, f1, f3] = [uuid(), uuid(), uuid(), uuid(), uuid(), uuid()];
    const cmd = (sid: string, eid: string, seq: number, extra: Record<string, unknown> = {}) =>
      event(sid, eid, seq, { at: at(-5), ...extra });
    const r1 = await ok(RECORD, {
      events: [
        cmd(ids.s1, e1, 1, { outcome: "ok" }),
        cmd(ids.s1, e2, 2, { outcome: "ok" }),
        cmd(ids.s1, e3, 3),
        cmd(ids.s1, e4, 4, { kind: "note" }),
        cmd(ids.s3, f1, 1, { outcome: "ok" }),
        cmd(ids.s3, f3, 3, { outcome: "ok" }), // seq 2 never arrives: a gap
        cmd(ids.s1, uuid(), 0), // invalid: seq starts at 1
        cmd(uuid(), uuid(), 1), // no such session
      ],
    });
    expect(r1.recordEvents).toMatchObject({ accepted: 6, duplicates: 0 });
    const r2 = await ok(RECORD, {
      events: [
        cmd(ids.s1, e3, 3, { outcome: "error", errorClass: "TypeError" }),
        cmd(ids.s1, e1, 1, { outcome: "ok" }),
      ],
    });
    expect(r2.recordEvents).toMatchObject({ accepted: 1, duplicates: 1 });
    const mallory = await token({ sub: "mallory" });
    const r3 = await ok(RECORD, { events: [cmd(ids.s3, uuid(), 2)] }, mallory);
    expect(r3.recordEvents.rejected).toEqual([expect.objectContaining({ code: "FORBIDDEN" })]);

    await ok(END, { input: { id: ids.s1, endedAt: at(-10), endReason: "EXIT", exitCode: 0 } }); // 90 s
    await ok(END, { input: { id: ids.s1, endedAt: at(-10), endReason: "EXIT", exitCode: 0 } }); // idempotent
    await ok(END, { input: { id: ids.s2, endedAt: at(-300), endReason: "ERROR", exitCode: 1 } }); // 3700 s
    await ok(END, { input: { id: ids.s3, endedAt: at(-5), endReason: "EXIT" } }); // 45 s, with a gap
    await ok(END, { input: { id: ids.s7, endedAt: at(1780), endReason: "EXIT" } }); // 1800 s, clean
    await ok(END, { input: { id: ids.s8, endedAt: at(-30), endReason: "EXIT" } }, agent);
    await ok(END, { input: { id: ids.s9, endedAt: at(-30), endReason: "EXIT" } });
    await ok(END, { input: { id: ids.s10, endedAt: at(-30), endReason: "ERROR", exitCode: 1 } });
    // s4 goes silent and is abandoned; s5 keeps beating.
    clock = base + 1000_000;
    expect((await ok(HEARTBEAT, { ids: [ids.s5] })).heartbeat).toBe(1);
    await svc.app.reaper.tick();
    clock = base;

    const m = await scrape(svc);
    expect(series(m, "session_start_total")).toEqual({
      "component_name=alpha,shell_type=AlphaShell,actor_kind=unknown": 3,
      "component_name=beta,shell_type=BetaShell,actor_kind=unknown": 2,
      "component_name=beta,shell_type=,actor_kind=unknown": 1,
      "component_name=gamma,shell_type=GammaShell,actor_kind=ai_agent": 1,
      "component_name=gamma,shell_type=GammaShell,actor_kind=human": 1,
      "component_name=gamma,shell_type=GammaShell,actor_kind=automation": 1,
    });
    expect(series(m, "session_end_total")).toEqual({
      "component_name=alpha,status=ended,actor_kind=unknown": 1,
      "component_name=alpha,status=error,actor_kind=unknown": 1,
      "component_name=beta,status=ended,actor_kind=unknown": 2,
      "component_name=beta,status=abandoned,actor_kind=unknown": 1,
      "component_name=gamma,status=ended,actor_kind=ai_agent": 1,
      "component_name=gamma,status=ended,actor_kind=human": 1,
      "component_name=gamma,status=error,actor_kind=automation": 1,
    });
    // The label is bounded: the stored kind in lower case, or unknown — never anything a caller chose.
    for (const name of ["session_start_total", "session_end_total"])
      for (const sample of m.get(name)!.samples)
        expect(["human", "ai_agent", "automation", "unknown"], name).toContain(sample.labels.actor_kind);
    // s4: abandoned at its last heartbeat (its start was received at `base`): 30 s.
    const durationBuckets = (observations: number[]) =>
      Object.fromEntries(
        ["60", "300", "900", "1800", "3600", "7200", "14400", "28800", "+Inf"].map((le) => [
          le,
          observations.filter((o) => le === "+Inf" || o <= Number(le)).length,
        ]),
      );
    for (const [component, observations] of [
      ["alpha", [90, 3700]],
      ["beta", [45, 1800, 30]],
    ] as const) {
      const buckets = Object.fromEntries(
        m
          .get("session_duration_seconds")!
          .samples.filter((x) => x.name.endsWith("_bucket") && x.labels.component_name === component)
          .map((x) => [x.labels.le!, x.value]),
      );
      expect(buckets).toEqual(durationBuckets([...observations]));
      expect(value(m, "session_duration_seconds_sum", { component_name: component })).toBeCloseTo(
        observations.reduce((a, b) => a + b, 0),
        6,
      );
      expect(value(m, "session_duration_seconds_count", { component_name: component })).toBe(
        observations.length,
      );
    }
    expect(series(m, "active_sessions")).toEqual({ "component_name=alpha": 1 });
    // Finished in the last 24 h: alpha s1 clean, s2 ERROR → 50; beta s7 clean, s3 gap, s4 abandoned → 33.3.
    expect(value(m, "session_quality_score", { component_name: "alpha" })).toBeCloseTo(50, 6);
    expect(value(m, "session_quality_score", { component_name: "beta" })).toBeCloseTo(100 / 3, 6);
    expect(series(m, "event_emit_success_total")).toEqual({
      "component_name=alpha,event_type=command": 4, // three stored, one completed
      "component_name=alpha,event_type=note": 1,
      "component_name=beta,event_type=command": 2,
    });
    expect(series(m, "event_emit_failure_total")).toEqual({
      "component_name=unknown,event_type=command,error_type=invalid": 1,
      "component_name=unknown,event_type=command,error_type=not_found": 1,
      "component_name=beta,event_type=command,error_type=forbidden": 1,
    });
    for (const [component, kind, n] of [
      ["alpha", "command", 4],
      ["alpha", "note", 1],
      ["beta", "command", 2],
    ] as const) {
      const labels = { component_name: component, event_type: kind };
      expect(value(m, "event_emit_duration_seconds_count", labels)).toBe(n);
      expect(value(m, "event_emit_duration_seconds_bucket", { ...labels, le: "+Inf" })).toBe(n);
      expect(value(m, "event_emit_duration_seconds_sum", labels)).toBeGreaterThanOrEqual(0);
      expect(value(m, "event_emit_duration_seconds_bucket", { ...labels, le: "10" })).toBe(n);
    }
    expect(m.get("session_duration_seconds")!.type).toBe("histogram");
    expect(m.get("event_emit_duration_seconds")!.type).toBe("histogram");
    expect(m.get("active_sessions")!.type).toBe("gauge");
    expect(m.get("session_quality_score")!.type).toBe("gauge");
    expect(m.get("session_start_total")!.type).toBe("counter");
  });

  it("counts GraphQL operations by type and outcome", async () => {
    const before = await scrape(svc);
    const get = (m: Map<string, Family>, outcome: string) =>
      value(m, "graphql_requests_total", { operation_type: "query", outcome }) ?? 0;
    const q = `query { activeSessions { id } }`;
    await gql(svc.url, q, {}, reader);
    await gql(svc.url, q, {}, reader);
    const denied = await gql(svc.url, q, {}, alice); // a writer may not read: executed, with an error
    expect(denied.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const after = await scrape(svc);
    expect(get(after, "ok") - get(before, "ok")).toBe(2);
    expect(get(after, "error") - get(before, "error")).toBe(1);
    const count = (m: Map<string, Family>) =>
      value(m, "graphql_request_duration_seconds_count", { operation_type: "query" }) ?? 0;
    expect(count(after) - count(before)).toBe(3);
  });

  it("reads the gauges from the database: right after a restart on the same database", async () => {
    await svc.stop();
    // The suite's handle speaks to the new service from here on, and stops it after the suite.
    Object.assign(svc, await startService(backend, options));
    const m = await scrape(svc);
    expect(series(m, "active_sessions")).toEqual({ "component_name=alpha": 1 });
    expect(value(m, "session_quality_score", { component_name: "alpha" })).toBeCloseTo(50, 6);
    expect(value(m, "session_quality_score", { component_name: "beta" })).toBeCloseTo(100 / 3, 6);
    // Counters belong to the process: a new one starts from nothing.
    expect(series(m, "session_start_total")).toEqual({});
    expect(series(m, "session_end_total")).toEqual({});
  });

  it("is off when metrics are disabled", async ({ defer }) => {
    const off = await startService(backend, { metricsEnabled: false });
    defer(() => off.stop());
    const res = await fetch(`${off.origin}/metrics`);
    expect(res.status).toBe(404);
  });
});

describe("PROMETHEUS_METRICS_ENABLED", () => {
  it("false turns the route off in a real service process; the default serves it", async ({ dir, serve }) => {
    const off = await serve({ SESSION_BUDDY_DATA_DIR: dir, PROMETHEUS_METRICS_ENABLED: "false" });
    expect((await fetch(off.url.replace("/graphql", "/metrics"))).status).toBe(404);
    expect((await fetch(off.url.replace("/graphql", "/health"))).status).toBe(200);
    await off.stop(); // the next one opens the same data dir
    const on = await serve({ SESSION_BUDDY_DATA_DIR: dir });
    const res = await fetch(on.url.replace("/graphql", "/metrics"));
    expect(res.status).toBe(200);
    const families = parsePrometheus(await res.text());
    for (const name of [
      "session_start_total",
      "session_end_total",
      "session_duration_seconds",
      "active_sessions",
      "session_quality_score",
      "event_emit_success_total",
      "event_emit_failure_total",
      "event_emit_duration_seconds",
    ])
      expect(families.has(name), name).toBe(true);
  });
});
