import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../db/connection.js";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    postgresTemplate: string | null;
  }
}

/**
 * Once per run: a migrated PGlite snapshot (loading one is ~3× faster than migrating a fresh database)
 * and, when TEST_DATABASE_URL is set, a migrated Postgres template database each test file clones.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "sb-test-"));
  const db = await openDatabase({});
  await db.migrate();
  const blob = await db.pglite!.dumpDataDir("none");
  const snapshot = join(dir, "pglite-snapshot.tar");
  writeFileSync(snapshot, Buffer.from(await blob.arrayBuffer()));
  await db.close();
  project.provide("pgliteSnapshot", snapshot);

  let template: string | null = null;
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    template = `sb_template_${process.pid}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`drop database if exists ${template}`);
      await admin.unsafe(`create database ${template}`);
    } catch (err) {
      await admin.end();
      throw new Error(
        `TEST_DATABASE_URL is set but Postgres refused to create a database: ${(err as Error).message}`,
      );
    }
    const u = new URL(url);
    u.pathname = `/${template}`;
    const tdb = await openDatabase({ url: u.toString(), maxConnections: 1 });
    await tdb.migrate();
    await tdb.close();
    await admin.end();
  }
  project.provide("postgresTemplate", template);

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (url && template) {
      const admin = postgres(url, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${template} with (force)`);
      await admin.end();
    }
  };
}
