/**
 * TEST AND BENCHMARK DRIVER — not part of the public client API.
 *
 * A producer process for the client's integration tests and `bench/client.ts`: it creates a real client
 * on a data dir, records sessions and events, and reports on stdout, one JSON object per line, what it
 * journaled (so a test can SIGKILL it and know exactly which records were written). It lives under
 * `client/` only so it is compiled to `dist/client/testing/producer.js` and runs as plain JS in a child
 * process.
 *
 * Usage: `node dist/client/testing/producer.js '<json ProducerConfig>'`
 */
import { createClient } from "../index.js";
import { type CaptureMode, CaptureModes, type ClientLimits, EndReasons } from "../types.js";

export interface ProducerConfig {
  url: string;
  token: string;
  dataDir: string;
  component: string;
  /** `run`: `sessions` × `events`, end each, shut down. `stream`: events into one session until killed. */
  mode: "run" | "stream";
  sessions?: number;
  events?: number;
  /** Each command is recorded, then completed with a duration and outcome (two journal writes). */
  complete?: boolean;
  /** The client's clock runs this far behind the real one (captured times in the past). */
  clockOffsetMs?: number;
  captureMode?: CaptureMode;
  limits?: ClientLimits;
  /** Print every event id as it is journaled. */
  printIds?: boolean;
  /** Bytes of filler text per event (bigger lines make a torn write at SIGKILL likelier). */
  textBytes?: number;
  shutdownMs?: number;
}

const write = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? "{}") as ProducerConfig;
  const offset = config.clockOffsetMs ?? 0;
  const client = createClient({
    url: config.url,
    token: config.token,
    dataDir: config.dataDir,
    captureMode: config.captureMode ?? CaptureModes.BUFFERED,
    ...(config.limits ? { limits: config.limits } : {}),
    now: () => Date.now() - offset,
    logger: {
      warn: (m) => process.stderr.write(`warn: ${m}\n`),
      error: (m) => process.stderr.write(`error: ${m}\n`),
    },
  });
  const filler = config.textBytes ? "x".repeat(config.textBytes) : "";
  write({ type: "ready", pid: process.pid });

  if (config.mode === "stream") {
    const session = client.start({ component: config.component, shellType: "ProducerShell" });
    write({ type: "session", id: session.id });
    for (let i = 1; ; i++) {
      const rec = await session.record({ kind: "command", text: `cmd ${i} ${filler}` });
      write({ type: "event", id: rec.eventId, seq: rec.seq, sessionId: session.id });
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
  }

  for (let s = 0; s < (config.sessions ?? 1); s++) {
    const session = client.start({ component: config.component, shellType: "ProducerShell" });
    await session.started;
    const ids: string[] = [];
    for (let e = 0; e < (config.events ?? 0); e++) {
      const rec = await session.record({ kind: "command", text: `cmd ${s}.${e} ${filler}` });
      if (config.complete)
        session.complete(rec, { durationMs: 5 + e, outcome: e % 5 === 4 ? "error" : "ok" });
      ids.push(rec.eventId);
      if (config.printIds) write({ type: "event", id: rec.eventId, seq: rec.seq, sessionId: session.id });
    }
    session.end(EndReasons.EXIT, 0);
    write({ type: "session", id: session.id, events: ids.length });
  }
  await client.flush({ timeoutMs: config.shutdownMs ?? 5000 });
  const journal = client.journalStatus();
  await client.shutdown(0);
  write({ type: "done", stats: client.stats(), journal });
}

main().catch((error) => {
  process.stderr.write(
    `producer failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
