import { describe, expect, it } from "vitest";
import { inclusionProof, merkleRoot, rootFromProof } from "./merkle.js";
import {
  completionLeaf,
  endLeaf,
  eventLeaf,
  leafHashes,
  orderLeaves,
  type StoredEvent,
  type StoredSession,
  sessionLeaf,
} from "./trail.js";

const session: StoredSession = {
  id: "0190F0C2-0000-7000-8000-00000000000A",
  component: "oneiric",
  type: "admin",
  actor: "alice",
  startedAt: "2026-12-04T10:00:00.000Z",
  username: "alice",
  hostname: "h1",
  pid: 42,
  startHash: "a".repeat(64),
  sessionHash: "b".repeat(64),
  endedAt: new Date("2026-12-04T10:05:00Z"),
  endReason: "normal",
  exitCode: 0,
  lastSeq: 2,
  endHash: "c".repeat(64),
  endPrevHash: "d".repeat(64),
};
const command: StoredEvent = {
  id: "0190f0c2-0000-7000-8000-0000000000e1",
  sessionId: session.id.toLowerCase(),
  seq: 1,
  kind: "command",
  at: "2026-12-04T10:01:00.000Z",
  text: "db.users.count()",
  hash: "e".repeat(64),
  prevHash: "a".repeat(64),
  outcome: "ok",
  durationMs: 12,
  payload: { exitCode: 0, rows: 3 },
  capturePayload: { exitCode: 0 },
  completionHash: "f".repeat(64),
};

describe("checkpoint leaves", () => {
  it("encode the same record the same way whatever its key order, id case or time form", () => {
    const reordered = Object.fromEntries(Object.entries(session).reverse()) as unknown as StoredSession;
    expect(sessionLeaf(reordered)).toEqual(
      sessionLeaf({ ...session, startedAt: new Date(session.startedAt) }),
    );
    expect(sessionLeaf(session).sessionId).toBe(session.id.toLowerCase());
  });

  it("change when any field they cover changes", () => {
    const s = sessionLeaf(session).data;
    for (const edit of [
      { actor: "mallory" },
      { startedAt: "2026-12-03T10:00:00Z" },
      { hostname: "h2" },
      { pid: 7 },
    ])
      expect(sessionLeaf({ ...session, ...edit }).data).not.toBe(s);
    const e = eventLeaf(command, false).data;
    for (const edit of [{ text: "db.users.drop()" }, { seq: 2 }, { hash: "0".repeat(64) }, { redactions: 1 }])
      expect(eventLeaf({ ...command, ...edit }, false).data).not.toBe(e);
    expect(endLeaf({ ...session, exitCode: 1 }).data).not.toBe(endLeaf(session).data);
    expect(completionLeaf({ ...command, outcome: "error" }).data).not.toBe(completionLeaf(command).data);
  });

  it("hold an event as captured until its completion is covered, and the completion with it when it is", () => {
    const captured = eventLeaf(command, false);
    // A completion arriving later changes neither the captured leaf nor what it holds of the payload.
    expect(
      eventLeaf({ ...command, outcome: null, durationMs: null, payload: { exitCode: 0 } }, false),
    ).toEqual({ ...captured });
    expect(JSON.parse(captured.data)).toMatchObject({ completion: null, payload: { exitCode: 0 } });
    expect(JSON.parse(eventLeaf(command, true).data).completion).toMatchObject({
      outcome: "ok",
      durationMs: 12,
    });
  });

  it("order by session, then session < events by seq < completions < end, into a provable tree", () => {
    const other = {
      ...command,
      sessionId: "0190f0c2-0000-7000-8000-000000000001",
      id: command.id.replace("e1", "e9"),
    };
    const leaves = orderLeaves([
      endLeaf(session),
      completionLeaf(command),
      eventLeaf({ ...command, seq: 2 }, true),
      eventLeaf(command, false),
      sessionLeaf(session),
      eventLeaf(other, true),
    ]);
    expect(leaves.map((l) => [l.sessionId.slice(-2), l.kind, l.seq])).toEqual([
      ["01", "event", 1],
      ["0a", "session", null],
      ["0a", "event", 1],
      ["0a", "event", 2],
      ["0a", "completion", 1],
      ["0a", "end", null],
    ]);
    const hashes = leafHashes(leaves);
    const root = merkleRoot(hashes);
    hashes.forEach((h, i) => {
      expect(rootFromProof(h, i, hashes.length, inclusionProof(hashes, i))).toBe(root);
    });
  });
});
