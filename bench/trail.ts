/**
 * Trail benchmark: what the hash chain and the signed checkpoints cost, each against a baseline in the same
 * run.
 *
 *   hashing     events hashed per second (RFC 8785 + SHA-256), the work the client does at capture and
 *               the service again at ingest
 *   ingest      `recordEvents` of 200-event batches through a `session-buddy serve` process on Postgres:
 *               chained events (the service recomputes every hash and checks every link) against the
 *               same events unchained, alternating rounds
 *   signing     checkpoints over BENCH_TRAIL_EVENTS chained events (default 1,000,000) loaded with COPY
 *   verify      `session-buddy verify --all` over all of it, as a process, against only reading the same
 *               stream (`GET /trail.ndjson`) to the end
 */
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { Checkpointer } from "../api/trust/checkpoints.js";
import { loadSigningKey } from "../api/trust/signing-key.js";
import { mintToken } from "../auth/jwt.js";
import { type EventContent, endHash, eventHash, sessionHash, startHash } from "../contract/chain.js";
import { Scopes } from "../contract/enums.js";
import { openDatabase } from "../db/connection.js";
import { copyLines } from "../db/seed/copy.js";
import { DIST, drive, fmt, scratchDatabase, spawnNode, spawnService } from "./util.js";

const SECRET = `bench-${randomUUID()}-${randomUUID()}`;
const step = (what: string) => process.stderr.write(`  trail: ${what}\n`);

export interface TrailBenchOptions {
  databaseUrl: string;
  /** Chained events loaded for the signing and verify measures. */
  events: number;
  /** Events per session in that load. */
  perSession: number;
  /** recordEvents batches per mode in the ingest measure. */
  batches: number;
}

interface Chained {
  session: { id: string; component: string; startedAt: string; hash: string };
  events: Record<string, unknown>[];
}

/** A session of `n` chained command events, hashed as a client hashes them at capture. */
function chainedSession(n: number, t0: number): Chained {
  const id = randomUUID();
  const startedAt = new Date(t0).toISOString();
  const start = { id, component: "bench", startedAt };
  let prev = startHash(start);
  const session = { ...start, hash: prev };
  const events = [];
  for (let seq = 1; seq <= n; seq++) {
    const e = {
      eventId: randomUUID(),
      sessionId: id,
      seq,
      kind: "command",
      at: new Date(t0 + seq).toISOString(),
      text: `users.where(id: ${seq}).update(active: false)`,
      outcome: "ok",
      durationMs: 1.5,
    };
    const hash = eventHash(prev, e);
    events.push({ ...e, prevHash: prev, hash });
    prev = hash;
  }
  return { session, events };
}

const copyField = (v: string | number | boolean | null) => (v === null ? "\\N" : String(v));

/** Loads `total` chained events (sessions of `perSession`, each ended) with COPY. */
async function loadChained(url: string, total: number, perSession: number) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const conn = await sql.reserve();
  const pump = (statement: string, rows: Iterable<string>) => copyLines(conn, statement, rows);
  const t0 = Date.now() - 86_400_000;
  const sessions = Math.ceil(total / perSession);
  const chunk = 200;
  for (let first = 0; first < sessions; first += chunk) {
    const batch = Array.from({ length: Math.min(chunk, sessions - first) }, (_, i) =>
      chainedSession(Math.min(perSession, total - (first + i) * perSession), t0 + (first + i) * 1000),
    );
    const sessionLines = batch.map(({ session: s, events }) => {
      const last = (events.at(-1)?.hash as string | undefined) ?? s.hash;
      const endedAt = new Date(Date.parse(s.startedAt) + events.length + 1).toISOString();
      const end = { id: s.id, endedAt, endReason: "EXIT", exitCode: 0, lastSeq: events.length };
      const identity = {
        id: s.id,
        component: s.component,
        type: "admin_shell",
        actor: "bench",
        startedAt: s.startedAt,
      };
      return `${[
        s.id,
        s.component,
        "bench",
        s.startedAt,
        endedAt,
        "ENDED",
        endedAt,
        "EXIT",
        0,
        events.length,
        events.length,
        events.length,
        events.length,
        s.hash,
        sessionHash({ ...identity, startHash: s.hash }),
        endHash(last, end),
        last,
      ]
        .map(copyField)
        .join("\t")}\n`;
    });
    await pump(
      "copy sessions (id, component, actor, started_at, last_seen_at, status, ended_at, end_reason, exit_code, last_seq, event_count, command_count, max_seq, start_hash, session_hash, end_hash, end_prev_hash)",
      sessionLines,
    );
    await pump(
      "copy session_events (id, session_id, seq, kind, at, text, outcome, duration_ms, hash, prev_hash, hash_ok)",
      (function* () {
        for (const { events } of batch)
          for (const e of events)
            yield `${[
              e.eventId,
              e.sessionId,
              e.seq,
              e.kind,
              e.at,
              e.text,
              e.outcome,
              e.durationMs,
              e.hash,
              e.prevHash,
              true,
            ]
              .map((v) => copyField(v as string))
              .join("\t")}\n`;
      })(),
    );
  }
  conn.release();
  await sql.end();
  return { sessions };
}

export async function benchTrail(o: TrailBenchOptions): Promise<string[]> {
  const lines: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), "sb-bench-trail-"));
  const scratch = await scratchDatabase(o.databaseUrl);
  try {
    // Hashing alone.
    const sample = chainedSession(1, Date.now()).events[0]!;
    const hashes = 200_000;
    let prev = "";
    const h0 = performance.now();
    for (let i = 0; i < hashes; i++)
      prev = eventHash(prev, { ...(sample as unknown as EventContent), seq: i + 1 });
    const hashRate = hashes / ((performance.now() - h0) / 1000);

    step(`hashing: ${fmt(hashRate, 0)} events/s`);
    // Ingest, chained against unchained, through a service process.
    const keyPath = join(dir, "signing-key.jwk");
    const key = await loadSigningKey({ configured: undefined, defaultPath: keyPath });
    const migrate = await spawnNode(
      [join(DIST, "cli", "session-buddy.js"), "migrate"],
      { DATABASE_URL: scratch.url },
      /migrations applied/,
    );
    await migrate.stop();
    const env = {
      DATABASE_URL: scratch.url,
      SESSION_BUDDY_SECRET: SECRET,
      SESSION_BUDDY_SIGNING_KEY: keyPath,
      SESSION_BUDDY_DATA_DIR: dir,
      // The checkpointer stays out of the way of the ingest measure; signing is measured on its own.
      SESSION_BUDDY_CHECKPOINT_INTERVAL: "86400",
    };
    const writer = await mintToken({
      secret: SECRET,
      sub: "bench",
      scopes: [Scopes.WRITE],
      ttlSeconds: 3600,
    });
    const gql = async (url: string, query: string, variables: unknown) => {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${writer}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
    };
    const START = "mutation S($input: StartSessionInput!) { startSession(input: $input) { id } }";
    const RECORD =
      "mutation R($events: [SessionEventInput!]!) { recordEvents(events: $events) { accepted } }";
    step("ingest: starting the service");
    let service = await spawnService(env);
    step(`ingest: service at ${service.url}`);
    const perMode = { chained: [] as number[], unchained: [] as number[] };
    try {
      const rounds = 5;
      const perRound = Math.max(1, Math.round(o.batches / rounds));
      for (let round = 0; round < rounds + 1; round++)
        for (const mode of ["chained", "unchained"] as const) {
          const batches = Array.from({ length: perRound }, () => chainedSession(200, Date.now() - 3_600_000));
          for (const b of batches) {
            const { hash: _root, ...plain } = b.session;
            await gql(service.url, START, { input: mode === "chained" ? b.session : plain });
            if (mode === "unchained") b.events = b.events.map(({ hash: _h, prevHash: _p, ...e }) => e);
          }
          const run = await drive(batches.length, 2, (i) =>
            gql(service.url, RECORD, { events: batches[i]!.events }),
          );
          // The first round warms up both paths.
          if (round > 0) perMode[mode].push((batches.length * 200) / run.seconds);
        }
    } finally {
      await service.stop();
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const chained = mean(perMode.chained);
    const unchained = mean(perMode.unchained);

    step(`ingest: chained ${fmt(chained, 0)} events/s, unchained ${fmt(unchained, 0)} events/s`);
    // Load, sign and verify a large store.
    const l0 = performance.now();
    const { sessions } = await loadChained(scratch.url, o.events, o.perSession);
    const loadSeconds = (performance.now() - l0) / 1000;
    step(`loaded ${o.events} events in ${fmt(loadSeconds, 1)} s; signing…`);
    const database = await openDatabase({ url: scratch.url });
    const checkpointer = new Checkpointer(database.db, key, { intervalMs: 86_400_000 });
    const s0 = performance.now();
    const signed = await checkpointer.run();
    const signSeconds = (performance.now() - s0) / 1000;
    await database.close();
    const records = signed.reduce((a, c) => a + c.size, 0);

    step(`signed ${signed.length} checkpoints in ${fmt(signSeconds, 1)} s; verifying…`);
    service = await spawnService(env);
    const auditor = await mintToken({
      secret: SECRET,
      sub: "auditor",
      scopes: [Scopes.AUDIT],
      ttlSeconds: 3600,
    });
    let readSeconds = 0;
    let verifySeconds = 0;
    let verifyOutput = "";
    let streamMiB = 0;
    try {
      const r0 = performance.now();
      const res = await fetch(new URL("/trail.ndjson", service.url), {
        headers: { authorization: `Bearer ${auditor}` },
      });
      let bytes = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
      readSeconds = (performance.now() - r0) / 1000;
      const v0 = performance.now();
      const verify = await spawnNode(
        [join(DIST, "cli", "session-buddy.js"), "verify", "--all"],
        { SESSION_BUDDY_URL: service.url, SESSION_BUDDY_TOKEN: auditor, NO_COLOR: "1" },
        /(intact|\d+ problems?)[^\n]*/,
      );
      if (verify.child.exitCode === null) await once(verify.child, "exit");
      verifySeconds = (performance.now() - v0) / 1000;
      verifyOutput = verify.match[0];
      streamMiB = bytes / 2 ** 20;
    } finally {
      await service.stop();
    }

    lines.push(
      "### Trail: hashing, checkpoints and verify (`npm run bench -- trail`, `bench/trail.ts`)",
      "",
      "| measure | value |",
      "| --- | --- |",
      `| event hashes per second, one core (RFC 8785 + SHA-256) | ${fmt(hashRate, 0)} |`,
      `| recordEvents, 200-event batches, chained (every hash recomputed, every link checked) | ${fmt(chained, 0)} events/s |`,
      `| the same, unchained | ${fmt(unchained, 0)} events/s |`,
      `| chained / unchained | **${fmt(chained / unchained)}** |`,
      `| store loaded with COPY (besides the ingest measure's) | ${o.events.toLocaleString("en")} events in ${sessions.toLocaleString("en")} sessions, ${fmt(loadSeconds, 1)} s |`,
      `| signing it: ${signed.length} checkpoints, ${records.toLocaleString("en")} records | ${fmt(signSeconds, 1)} s (${fmt(records / signSeconds, 0)} records/s) |`,
      `| reading GET /trail.ndjson to the end (${fmt(streamMiB, 0)} MiB) | ${fmt(readSeconds, 1)} s |`,
      `| \`session-buddy verify --all\` (reads the same stream and recomputes every hash, leaf, span and root) | ${fmt(verifySeconds, 1)} s (${fmt(records / verifySeconds, 0)} records/s) — "${verifyOutput}" |`,
      `| verify / read alone | **${fmt(verifySeconds / readSeconds)}** |`,
      "",
    );
    return lines;
  } finally {
    await scratch.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
