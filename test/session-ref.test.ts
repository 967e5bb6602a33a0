/**
 * SessionFilter.idRef: a session by its full id, a hex prefix of it (≥ 4 digits, hyphens optional) or its
 * short form (the last 8 hex digits), validated, and answered through indexes.
 */
import { sql } from "drizzle-orm";
import { describe, expect } from "vitest";
import { rowsOf } from "../db/rows.js";
import { it, useService } from "./fixture.js";
import { backends, codeOf, component, gql, readerToken, token } from "./harness.js";
import { SESSIONS, START, startInput } from "./ops.js";

const writer = await token({ sub: "alice" });
const reader = await readerToken();

describe.each(backends())("sessions by id reference on %s", (backend) => {
  const svc = useService(backend);
  const ids = async (idRef: string, c?: string) => {
    const r = await gql(
      svc.url,
      SESSIONS,
      { filter: { idRef, ...(c ? { component: c } : {}) }, first: 100 },
      reader,
    );
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    return (r.body.data!.sessions.edges as { node: { id: string } }[]).map((e) => e.node.id).sort();
  };

  it("finds by full id, by prefix and by short form, and refuses what is no reference", async () => {
    const c = component("ref");
    // Four ids: two share a long prefix (v7 ids of one moment), one's short form is another's prefix.
    const p = `${Date.now().toString(16).padStart(12, "0")}`.slice(-8);
    const a = `${p}-0000-7000-8000-00000000aaaa`;
    const b = `${p}-0000-7000-8000-00000000bbbb`;
    const s = `${p}-0001-7000-8000-0000deadbeef`;
    const d = `deadbeef-0000-7000-8000-0000${p.slice(0, 8)}`;
    for (const id of [a, b, s, d]) await gql(svc.url, START, { input: startInput(c, id) }, writer);

    expect(await ids(a.toUpperCase(), c)).toEqual([a]);
    expect(await ids(a.replace(/-/g, ""), c)).toEqual([a]);
    expect(await ids(p.slice(0, 4), c)).toEqual([a, b, s].sort());
    expect(await ids(`${p}-0000`, c)).toEqual([a, b]);
    expect(await ids(a.replace(/-/g, "").slice(0, 29), c)).toEqual([a]);
    // 8 digits: a prefix (a, b, s) or a short form (d ends with them).
    expect(await ids(p, c)).toEqual([a, b, d, s].sort());
    expect(await ids("deadbeef", c)).toEqual([d, s].sort());
    expect(await ids("0000aaaa")).toEqual([a]);
    expect(await ids("dead")).toContain(d);

    for (const bad of ["xyz12345", "abc", "", "0193-zz", `${a}0`, "12 34"]) {
      const r = await gql(svc.url, SESSIONS, { filter: { idRef: bad } }, reader);
      expect(codeOf(r.body), bad).toBe("BAD_USER_INPUT");
      expect(r.body.errors![0]!.message, bad).toContain(
        "idRef: must be a full id, a prefix of at least 4 hex digits",
      );
    }
  });

  it("reads the primary key for a prefix and the short-id index for a short form", async () => {
    const where = svc.app.services.sessions.filterSql({ idRef: "0a1b2c3d" })!;
    const plan = await svc.db.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const rows = rowsOf((await tx.execute(sql`explain select id from sessions where ${where}`)) as never);
      return (rows as Record<string, string>[]).map((r) => Object.values(r)[0]).join("\n");
    });
    expect(plan).toContain("sessions_short_id_idx");
    expect(plan).toContain("sessions_pkey");
  });
});
