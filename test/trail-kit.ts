/**
 * Helpers of the trail suites: what `verify --all` would print for a service's store, and a statement run
 * with a table's append-only triggers off, as its owner could.
 */
import { join } from "node:path";
import type { SQL } from "drizzle-orm";
import { sql } from "drizzle-orm";
import type { JSONWebKeySet } from "jose";
import { loadSigningKey } from "../api/trust/signing-key.js";
import { describeProblem, type TrailLine, TrailVerifier } from "../contract/verify.js";
import type { Db } from "../db/connection.js";
import { type Backend, startService } from "./harness.js";

/** The problems (one line each) and counts `GET /trail.ndjson` verifies to with `jwks`. */
export async function verifyTrail(graphqlUrl: string, bearer: string, jwks: JSONWebKeySet) {
  const res = await fetch(new URL("/trail.ndjson", graphqlUrl), {
    headers: { authorization: `Bearer ${bearer}` },
  });
  if (res.status !== 200) throw new Error(`GET /trail.ndjson answered ${res.status}`);
  const v = new TrailVerifier(jwks);
  for (const line of (await res.text()).split("\n").filter(Boolean))
    await v.line(JSON.parse(line) as TrailLine);
  const report = await v.finish();
  return { problems: report.problems.map(describeProblem), counts: report.counts };
}

/** Runs `statement` with the user triggers of `tables` off, in one transaction. */
export async function withTriggersOff(db: Db, tables: readonly string[], statement: SQL): Promise<void> {
  await db.transaction(async (tx) => {
    for (const t of tables) await tx.execute(sql.raw(`alter table ${t} disable trigger user`));
    await tx.execute(statement);
    for (const t of tables) await tx.execute(sql.raw(`alter table ${t} enable trigger user`));
  });
}

/** A service that signs its trail with a key of its own (checkpoints only when asked), stopped after the test. */
export async function signedService(backend: Backend, defer: (cleanup: () => unknown) => void, dir: string) {
  const key = await loadSigningKey({ configured: undefined, defaultPath: join(dir, "key.jwk") });
  const svc = await startService(backend, { app: { signingKey: key, checkpointIntervalSeconds: 3600 } });
  defer(() => svc.stop());
  return { svc, key };
}
