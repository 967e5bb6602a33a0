import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildSync } from "esbuild";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { faultyFs } from "../testing/faulty-fs.js";
import { decodeFile } from "./format.js";
import {
  decodeJournalLine,
  encodeJournalLine,
  Journal,
  type JournalEntry,
  type JournalOptions,
  journalDir,
  journalHostTag,
  parseJournalFileName,
} from "./journal.js";

const T0 = Date.now();
const dirs: string[] = [];
const open: Journal[] = [];

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sb-journal-"));
  dirs.push(dir);
  return dir;
}

function journal(dataDir: string, options: Partial<JournalOptions> = {}): Journal {
  const j = new Journal({ dataDir, fsync: "never", ...options });
  open.push(j);
  return j;
}

/** A pid that certainly belonged to a process which has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  if (child.pid === undefined) throw new Error("could not spawn");
  return child.pid;
}

function rec(key: string, at = Date.now(), kind = "event") {
  return { key, kind, at, body: { text: `body of ${key}`, n: 1 } };
}

/** Writes a journal file by hand, as a process with `pid` would have left it. */
function writeOrphan(dataDir: string, pid: number, entries: JournalEntry[], tail = "", tag = ""): string {
  const dir = journalDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const name = `${journalHostTag()}-${pid}-${"0123456789ab"}${tag ? `.${tag}` : ""}.jnl`;
  writeFileSync(join(dir, name), entries.map(encodeJournalLine).join("") + tail);
  return name;
}

function files(dataDir: string): string[] {
  const dir = journalDir(dataDir);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

afterEach(() => {
  for (const j of open.splice(0)) j.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("line format", () => {
  it("round-trips every op and stays plain JSON", () => {
    const entries: JournalEntry[] = [
      { op: "rec", key: "k1", kind: "start", at: 5, body: { a: "ünï\ncode", b: [1, null] } },
      { op: "ack", keys: ["k1", "k2"] },
      { op: "drop", keys: ["k3"], n: 1 },
      { op: "reported", n: 4 },
    ];
    for (const e of entries) {
      const line = encodeJournalLine(e);
      expect(line.endsWith("\n")).toBe(true);
      expect(line.slice(0, -1)).not.toContain("\n");
      expect(JSON.parse(line)).toMatchObject({ sum: expect.stringMatching(/^[0-9a-f]{8}$/), ...e });
      expect(decodeJournalLine(line.slice(0, -1))).toEqual(e);
    }
  });

  it("rejects a flipped byte, a truncated line and a wrong shape", () => {
    const line = encodeJournalLine({ op: "rec", key: "k1", kind: "event", at: 1, body: "hello" }).slice(
      0,
      -1,
    );
    expect(decodeJournalLine(line.replace("hello", "hellp"))).toBeNull();
    expect(decodeJournalLine(line.slice(0, -5))).toBeNull();
    expect(decodeJournalLine("garbage")).toBeNull();
    const bad = encodeJournalLine({ op: "ack", keys: [1] } as unknown as JournalEntry).slice(0, -1);
    expect(decodeJournalLine(bad)).toBeNull();
  });

  it("parses file names", () => {
    expect(parseJournalFileName("0a1b2c3d-42-0123456789ab.jnl")).toEqual({
      host: "0a1b2c3d",
      pid: 42,
      owner: "0a1b2c3d-42-0123456789ab",
      tag: "",
      tmp: false,
    });
    expect(parseJournalFileName("0a1b2c3d-42-0123456789ab.closed.jnl")?.tag).toBe("closed");
    expect(parseJournalFileName("0a1b2c3d-42-0123456789ab.claim3.jnl")?.tag).toBe("claim3");
    expect(parseJournalFileName("0a1b2c3d-42-0123456789ab.tmp")?.tmp).toBe(true);
    expect(parseJournalFileName("notes.txt")).toBeNull();
  });
});

describe("Journal", () => {
  it("appends, lists pending in order, acknowledges and reports status", () => {
    const dataDir = tempDataDir();
    let now = 100_000;
    const j = journal(dataDir, { now: () => now });
    j.append(rec("a", 90_000, "start"));
    j.append(rec("b", 95_000));
    j.append(rec("c", 99_000, "end"));
    expect(j.pending().map((r) => r.key)).toEqual(["a", "b", "c"]);
    expect(j.pending(2).map((r) => r.key)).toEqual(["a", "b"]);
    expect(j.pending()[0]).toEqual(rec("a", 90_000, "start"));
    now = 110_000;
    expect(j.status()).toEqual({
      depth: 3,
      oldestPendingSeconds: 20,
      files: 1,
      dropped: 0,
      droppedByReason: {},
      corrupt: 0,
      inMemory: 0,
      unwritable: null,
    });

    expect(j.ack(["a", "zz", "a"])).toBe(1);
    expect(j.has("a")).toBe(false);
    expect(j.pending().map((r) => r.key)).toEqual(["b", "c"]);
    expect(j.ack([])).toBe(0);

    const lines = readFileSync(j.path, "utf8").trimEnd().split("\n");
    expect(lines.map((l) => decodeJournalLine(l)?.op)).toEqual(["rec", "rec", "rec", "ack"]);

    j.ack(["b", "c"]);
    expect(j.status()).toMatchObject({ depth: 0, oldestPendingSeconds: null, files: 0 });
    expect(files(dataDir)).toEqual([]);
    // The file comes back lazily.
    j.append(rec("d"));
    expect(files(dataDir)).toHaveLength(1);
  });

  it("replaces a record appended twice under the same key, keeping its position", () => {
    const j = journal(tempDataDir());
    j.append(rec("a"));
    j.append(rec("b"));
    j.append({ ...rec("a"), body: "v2" });
    expect(j.pending().map((r) => [r.key, r.body])).toEqual([
      ["a", "v2"],
      ["b", { text: "body of b", n: 1 }],
    ]);
  });

  it("rejects malformed records", () => {
    const j = journal(tempDataDir());
    expect(() => j.append({ key: "", kind: "event", at: 1, body: null })).toThrow(TypeError);
    expect(() => j.append({ key: "k", kind: "event", at: Number.NaN, body: null })).toThrow(TypeError);
  });

  it("works with every fsync policy", () => {
    for (const fsync of ["always", "interval", "never"] as const) {
      const dataDir = tempDataDir();
      const j = journal(dataDir, { fsync, fsyncIntervalMs: 5 });
      j.append(rec("s", Date.now(), "start"));
      j.append(rec("e", Date.now(), "end"));
      j.sync();
      j.ack(["s"]);
      expect(j.pending().map((r) => r.key)).toEqual(["e"]);
    }
  });

  it("compacts automatically once enough of the file is acknowledged", () => {
    const j = journal(tempDataDir(), { compactThreshold: 10 });
    for (let i = 0; i < 20; i++) j.append(rec(`k${i}`));
    const lineCount = () => readFileSync(j.path, "utf8").trimEnd().split("\n").length;
    j.ack(["k0", "k1", "k2"]);
    expect(lineCount()).toBe(21);
    j.ack(["k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11"]);
    // 12 acked rec lines + 2 ack lines >= threshold and >= the 8 live records: rewritten.
    expect(lineCount()).toBe(8);
    expect(j.pending().map((r) => r.key)).toEqual(["k12", "k13", "k14", "k15", "k16", "k17", "k18", "k19"]);
    expect(readdirSync(j.dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    j.append(rec("k20"));
    expect(lineCount()).toBe(9);
  });

  it("skips a torn last line and counts it", () => {
    const dataDir = tempDataDir();
    const pid = deadPid();
    const full = encodeJournalLine({ op: "rec", ...rec("k3", T0 + 3) });
    writeOrphan(
      dataDir,
      pid,
      [
        { op: "rec", ...rec("k1", T0 + 1) },
        { op: "rec", ...rec("k2", T0 + 2) },
      ],
      full.slice(0, Math.floor(full.length / 2)),
    );
    expect(Journal.inspect(dataDir)).toMatchObject({ depth: 2, files: 1, corrupt: 1 });
    const j = journal(dataDir);
    expect(j.claimOrphans()).toEqual({ files: 1, records: 2, corrupt: 1 });
    expect(j.pending().map((r) => r.key)).toEqual(["k1", "k2"]);
    expect(j.status().corrupt).toBe(1);
    // The claimed file was merged into this journal's own file, which no longer has the torn line.
    expect(files(dataDir)).toEqual([j.path.split("/").pop()]);
    expect(readFileSync(j.path, "utf8").endsWith("\n")).toBe(true);
  });

  it("skips a line with a bad checksum in the middle and counts it", () => {
    const dataDir = tempDataDir();
    const name = writeOrphan(dataDir, deadPid(), [
      { op: "rec", ...rec("k1", T0 + 1) },
      { op: "rec", ...rec("k2", T0 + 2) },
      { op: "rec", ...rec("k3", T0 + 3) },
      { op: "ack", keys: ["k1"] },
    ]);
    const path = join(journalDir(dataDir), name);
    writeFileSync(path, readFileSync(path, "utf8").replace("body of k2", "body of kX"));
    appendFileSync(path, "\n\nnot json at all\n");
    const j = journal(dataDir);
    expect(j.claimOrphans()).toMatchObject({ records: 1, corrupt: 2 });
    expect(j.pending().map((r) => r.key)).toEqual(["k3"]);
    expect(j.status()).toMatchObject({ depth: 1, corrupt: 2 });
  });

  it("drops the oldest on overflow and keeps the drop count across a reopen until reported", () => {
    const dataDir = tempDataDir();
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m), error: () => {} };
    const j1 = new Journal({ dataDir, maxPending: 3, fsync: "never", logger });
    for (let i = 1; i <= 5; i++) j1.append(rec(`k${i}`));
    expect(j1.pending().map((r) => r.key)).toEqual(["k3", "k4", "k5"]);
    expect(j1.status()).toMatchObject({ depth: 3, dropped: 2 });
    expect(warnings.length).toBeGreaterThan(0);
    j1.close();
    expect(files(dataDir)).toHaveLength(1);
    expect(files(dataDir)[0]).toMatch(/\.closed\.jnl$/);

    const j2 = journal(dataDir, { maxPending: 3 });
    expect(j2.claimOrphans().records).toBe(3);
    expect(j2.status()).toMatchObject({ depth: 3, dropped: 2 });
    j2.append(rec("k6"));
    expect(j2.pending().map((r) => r.key)).toEqual(["k4", "k5", "k6"]);
    expect(j2.dropped).toBe(3);
    j2.markDroppedReported(1);
    expect(j2.dropped).toBe(2);
    j2.close();

    const j3 = journal(dataDir, { maxPending: 3 });
    j3.claimOrphans();
    expect(j3.dropped).toBe(2);
    expect(j3.takeDropped()).toBe(2);
    expect(j3.takeDropped()).toBe(0);
    j3.close();

    const j4 = journal(dataDir, { maxPending: 3 });
    j4.claimOrphans();
    expect(j4.status()).toMatchObject({ depth: 3, dropped: 0 });
    j4.ack(["k4", "k5", "k6"]);
    j4.close();
    expect(files(dataDir)).toEqual([]);
  });

  it("drops records older than maxAgeMs and counts them", () => {
    const dataDir = tempDataDir();
    let now = 1_000_000;
    const j = journal(dataDir, { maxAgeMs: 10_000, now: () => now });
    j.append(rec("old", now - 5_000));
    j.append(rec("new", now));
    now += 6_000;
    expect(j.pending().map((r) => r.key)).toEqual(["new"]);
    expect(j.status()).toMatchObject({ depth: 1, dropped: 1 });

    writeOrphan(dataDir, deadPid(), [{ op: "rec", ...rec("ancient", now - 20_000) }]);
    expect(j.claimOrphans()).toMatchObject({ files: 1, records: 0 });
    expect(j.status()).toMatchObject({ depth: 1, dropped: 2 });
  });

  it("expires records on append once their age passes, even after appends that skipped the scan", () => {
    const dataDir = tempDataDir();
    let now = 1_000_000;
    const j = journal(dataDir, { maxAgeMs: 10_000, now: () => now });
    j.append(rec("a", now));
    j.append(rec("b", now + 1));
    now += 5_000;
    j.append(rec("c", now)); // nothing expired: no scan
    now += 5_001;
    j.append(rec("d", now)); // "a" is now 10 001 ms old
    expect([...j.entries()].map((r) => r.key)).toEqual(["b", "c", "d"]);
    expect(j.dropped).toBe(1);
    now += 1;
    j.append(rec("e", now));
    expect([...j.entries()].map((r) => r.key)).toEqual(["c", "d", "e"]);
  });

  it("gets a pending record by key and iterates without copying", () => {
    const dataDir = tempDataDir();
    const j = journal(dataDir);
    j.append(rec("a"));
    j.append(rec("b"));
    expect(j.get("a")).toMatchObject({ key: "a", kind: "event" });
    expect(j.get("zz")).toBeUndefined();
    const seen: string[] = [];
    for (const r of j.entries()) {
      seen.push(r.key);
      j.ack([r.key]); // acknowledging while iterating is allowed
    }
    expect(seen).toEqual(["a", "b"]);
    expect(j.depth).toBe(0);
  });

  it("keeps two journals in one directory apart", () => {
    const dataDir = tempDataDir();
    const a = journal(dataDir);
    const b = journal(dataDir);
    a.append(rec("a1"));
    b.append(rec("b1"));
    a.append(rec("a2"));
    expect(a.path).not.toBe(b.path);
    expect(files(dataDir)).toHaveLength(2);
    expect(a.claimOrphans().files).toBe(0);
    expect(b.claimOrphans().files).toBe(0);
    expect(a.ack(["b1"])).toBe(0);
    expect(a.pending().map((r) => r.key)).toEqual(["a1", "a2"]);
    expect(b.pending().map((r) => r.key)).toEqual(["b1"]);
    a.ack(["a1", "a2"]);
    a.close();
    expect(files(dataDir)).toEqual([b.path.split("/").pop()]);
    expect(Journal.inspect(dataDir)).toMatchObject({ depth: 1, files: 1 });
  });

  it("lets exactly one of two claimers take an orphan, and puts claimed records first", () => {
    const dataDir = tempDataDir();
    writeOrphan(dataDir, deadPid(), [
      { op: "rec", ...rec("o1", T0 + 10) },
      { op: "rec", ...rec("o2", T0 + 20) },
    ]);
    const a = journal(dataDir);
    const b = journal(dataDir);
    a.append(rec("a-own", T0 + 30));
    const results = [a.claimOrphans(), b.claimOrphans()];
    expect(results.map((r) => r.records).sort()).toEqual([0, 2]);
    expect(a.pending().map((r) => r.key)).toEqual(["o1", "o2", "a-own"]);
    expect(b.pending()).toEqual([]);
    // b cannot take a's files while a is alive.
    expect(b.claimOrphans().files).toBe(0);
  });

  it("claims closed files of live pids, leftovers of its own pid, and stale files of other hosts only", () => {
    const dataDir = tempDataDir();
    const dir = journalDir(dataDir);
    // The live test runner's parent is alive, but the owner marked the file closed.
    writeOrphan(dataDir, process.ppid, [{ op: "rec", ...rec("closed1", T0 + 1) }], "", "closed");
    // Same pid as ours but not one of our journals: an earlier process that had our pid.
    writeOrphan(dataDir, process.pid, [{ op: "rec", ...rec("reused1", T0 + 2) }]);
    // A live process's open file: untouchable.
    writeOrphan(dataDir, process.ppid, [{ op: "rec", ...rec("live1", T0 + 3) }]);
    // Another host's files: pids mean nothing here.
    const fresh = `ffffffff-${deadPid()}-aaaaaaaaaaaa.jnl`;
    const stale = `ffffffff-${deadPid()}-bbbbbbbbbbbb.jnl`;
    writeFileSync(join(dir, fresh), encodeJournalLine({ op: "rec", ...rec("foreign-fresh", T0 + 4) }));
    writeFileSync(join(dir, stale), encodeJournalLine({ op: "rec", ...rec("foreign-stale", T0 + 5) }));
    const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(join(dir, stale), old, old);
    // A compaction a dead process never finished.
    writeFileSync(join(dir, `${journalHostTag()}-${deadPid()}-cccccccccccc.tmp`), "partial");

    const j = journal(dataDir);
    expect(j.claimOrphans()).toMatchObject({ files: 3, records: 3 });
    expect(new Set(j.pending().map((r) => r.key))).toEqual(new Set(["closed1", "reused1", "foreign-stale"]));
    const left = files(dataDir).filter((n) => n !== j.path.split("/").pop());
    expect(left).toHaveLength(2);
    expect(left).toContain(fresh);
  });

  it("inspects every file without claiming anything", () => {
    const dataDir = tempDataDir();
    let now = 50_000;
    const live = journal(dataDir, { now: () => now });
    live.append(rec("l1", 40_000));
    writeOrphan(dataDir, deadPid(), [
      { op: "rec", ...rec("d1", 30_000) },
      { op: "rec", ...rec("d2", 35_000) },
      { op: "drop", keys: ["d0"], n: 4 },
      { op: "reported", n: 1 },
    ]);
    // A write in progress in a live file is not corruption.
    appendFileSync(live.path, '{"sum":"0000');
    now = 60_000;
    const before = files(dataDir);
    const report = Journal.inspect(dataDir, { now: () => now });
    expect(report).toMatchObject({ depth: 3, files: 2, dropped: 3, corrupt: 0, oldestPendingSeconds: 30 });
    expect(report.details.map((d) => [d.records, d.ownerAlive])).toEqual(
      expect.arrayContaining([
        [1, true],
        [2, false],
      ]),
    );
    expect(files(dataDir)).toEqual(before);
    expect(Journal.inspect(tempDataDir())).toMatchObject({ depth: 0, files: 0, oldestPendingSeconds: null });
  });

  it("removes an empty file on close and hands over a non-empty one", () => {
    const dataDir = tempDataDir();
    const j = journal(dataDir);
    j.append(rec("x"));
    j.ack(["x"]);
    j.close();
    expect(files(dataDir)).toEqual([]);
    j.close();

    const k = journal(dataDir);
    k.append(rec("y"));
    k.close();
    expect(files(dataDir)).toHaveLength(1);
    expect(k.depth).toBe(0);
    // A closed journal can be used again, under a new name.
    k.append(rec("z"));
    expect(files(dataDir)).toHaveLength(2);
  });
});

describe("Journal on a full or read-only disk", () => {
  const own = (dataDir: string) => files(dataDir).filter((n) => n.endsWith(".jnl"));
  const onDisk = (dataDir: string) =>
    decodeFile(readFileSync(join(journalDir(dataDir), own(dataDir)[0]!), "utf8"));

  it("forgets an acknowledged record even when the ack line cannot be written, and rewrites the file once it can", () => {
    const dataDir = tempDataDir();
    const disk = faultyFs();
    const j = journal(dataDir, { fs: disk.fs, writeRetryMs: 0 });
    for (const k of ["a", "b", "c"]) j.append(rec(k));
    disk.mode = "ENOSPC";
    expect(j.ack(["a"])).toBe(1);
    expect(j.has("a")).toBe(false);
    expect(j.pending().map((r) => r.key)).toEqual(["b", "c"]);
    expect(j.failure).toMatchObject({
      code: "ENOSPC",
      description: "disk full (ENOSPC)",
      dropReason: "journal_full",
    });
    expect(j.status()).toMatchObject({ depth: 2, unwritable: "disk full (ENOSPC)" });
    expect(() => j.append(rec("d"))).toThrow(/ENOSPC/);
    expect(j.has("d")).toBe(false);
    // The file still holds "a" (a crash now would replay it: a duplicate the service ignores) and a torn line.
    expect([...onDisk(dataDir).records.keys()]).toEqual(["a", "b", "c"]);
    expect(onDisk(dataDir).corrupt).toBe(1);

    disk.mode = null;
    j.append(rec("d"));
    expect(j.failure).toBeNull();
    const after = onDisk(dataDir);
    expect([...after.records.keys()]).toEqual(["b", "c", "d"]);
    expect(after.corrupt).toBe(0);
  });

  it("fails appends at once while failing, without touching the disk, until the retry delay passed", () => {
    const dataDir = tempDataDir();
    const disk = faultyFs();
    const j = journal(dataDir, { fs: disk.fs, writeRetryMs: 60_000 });
    j.append(rec("a"));
    disk.mode = "EROFS";
    expect(() => j.append(rec("b"))).toThrow(/EROFS/);
    const tries = disk.failures.EROFS;
    disk.mode = null;
    expect(() => j.append(rec("c"))).toThrow(/EROFS/);
    expect(disk.failures.EROFS).toBe(tries);
    expect(j.retry()).toBe(false);
    expect(j.retry(true)).toBe(true);
    j.append(rec("c"));
    expect(j.pending().map((r) => r.key)).toEqual(["a", "c"]);
  });

  it("opens on a read-only data dir and starts journaling once the directory can be created", () => {
    const dataDir = join(tempDataDir(), "not-yet");
    const disk = faultyFs();
    disk.mode = "EROFS";
    const j = journal(dataDir, { fs: disk.fs, writeRetryMs: 0 });
    expect(j.failure).toMatchObject({ code: "EROFS", dropReason: "journal_unwritable" });
    expect(() => j.append(rec("a"))).toThrow(/EROFS/);
    expect(j.status()).toMatchObject({ depth: 0, unwritable: "read-only file system (EROFS)" });
    disk.mode = null;
    j.append(rec("a"));
    expect(j.failure).toBeNull();
    expect(own(dataDir)).toHaveLength(1);
  });

  it("counts drops per reason, keeps them across a crash even when written while failing, and reports them per reason", () => {
    const dataDir = tempDataDir();
    const disk = faultyFs();
    const j1 = new Journal({ dataDir, fs: disk.fs, maxPending: 2, fsync: "never", writeRetryMs: 0 });
    for (const k of ["a", "b", "c"]) j1.append(rec(k));
    disk.mode = "ENOSPC";
    j1.countDrops("memory_cap", 2);
    expect(j1.droppedByReason).toEqual({ overflow: 1, memory_cap: 2 });
    disk.mode = null;
    j1.close();

    const j2 = journal(dataDir);
    j2.claimOrphans();
    expect(j2.status()).toMatchObject({ dropped: 3, droppedByReason: { overflow: 1, memory_cap: 2 } });
    expect(Journal.inspect(dataDir)).toMatchObject({
      dropped: 3,
      droppedByReason: { overflow: 1, memory_cap: 2 },
    });
    j2.markDroppedReported({ memory_cap: 1, malformed: 4 });
    expect(j2.droppedByReason).toEqual({ overflow: 1, memory_cap: 1 });
    j2.close();

    const j3 = journal(dataDir);
    j3.claimOrphans();
    expect(j3.droppedByReason).toEqual({ overflow: 1, memory_cap: 1 });
    expect(j3.takeDropped()).toBe(2);
    expect(j3.droppedByReason).toEqual({});
  });

  it("reads drop lines without a reason as overflow, and reported lines without reasons in reason order", () => {
    const text = [
      encodeJournalLine({ op: "drop", keys: ["x"], n: 2 }),
      encodeJournalLine({ op: "drop", keys: [], n: 3, reason: "memory_cap" }),
      encodeJournalLine({ op: "reported", n: 1 }),
      encodeJournalLine({ op: "reported", n: 1, reasons: { memory_cap: 1 } }),
    ].join("");
    expect(decodeFile(text)).toMatchObject({
      unreportedDrops: 3,
      unreportedByReason: { overflow: 1, memory_cap: 2 },
    });
    // A reported line whose reasons do not add up to its n is corrupt, not trusted.
    const bad = encodeJournalLine({ op: "reported", n: 2, reasons: { overflow: 1 } });
    expect(decodeJournalLine(bad.trimEnd())).toBeNull();
  });
});

describe("Journal across processes", () => {
  let bundleDir = "";
  let moduleUrl = "";
  const children: ChildProcess[] = [];

  beforeAll(() => {
    bundleDir = mkdtempSync(join(tmpdir(), "sb-journal-bundle-"));
    const outfile = join(bundleDir, "journal.mjs");
    buildSync({
      entryPoints: [join(import.meta.dirname, "journal.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile,
      logLevel: "silent",
    });
    moduleUrl = pathToFileURL(outfile).href;
  });

  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    rmSync(bundleDir, { recursive: true, force: true });
  });

  function node(script: string): ChildProcess {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(child);
    return child;
  }

  function exited(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => child.once("exit", () => resolve()));
  }

  /** Resolves with the child's stdout once `predicate` holds for it. */
  function waitForOutput(child: ChildProcess, predicate: (out: string) => boolean): Promise<string> {
    return new Promise((resolve, reject) => {
      let out = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (predicate(out)) resolve(out);
      });
      child.once("exit", () =>
        predicate(out) ? resolve(out) : reject(new Error(`child exited early: ${out}`)),
      );
    });
  }

  it("recovers what SIGKILLed writers journaled, each record claimed by exactly one of several racing claimers", async () => {
    const dataDir = tempDataDir();
    const writer = (name: string) =>
      node(`
          import { Journal } from ${JSON.stringify(moduleUrl)};
          const j = new Journal({ dataDir: ${JSON.stringify(dataDir)}, maxPending: 100000, fsync: "never" });
          for (let i = 0; ; i++) {
            j.append({ key: "${name}-" + i, kind: "event", at: Date.now(), body: { i, pad: "x".repeat(200) } });
            if (i % 50 === 49) process.stdout.write("appended " + (i + 1) + "\\n");
          }
        `);
    const writers = [writer("w1"), writer("w2")];
    const reported = await Promise.all(
      writers.map(async (w) => {
        const out = await waitForOutput(
          w,
          (o) => /appended (\d+)\n/.test(o) && Number(o.match(/(\d+)\n$/)?.[1]) >= 500,
        );
        const counts = [...out.matchAll(/appended (\d+)/g)].map((m) => Number(m[1]));
        w.kill("SIGKILL");
        return Math.max(...counts);
      }),
    );
    await Promise.all(writers.map(exited));
    expect(files(dataDir)).toHaveLength(2);

    const startAt = Date.now() + 500;
    const claimers = Array.from({ length: 4 }, () =>
      node(`
          import { Journal } from ${JSON.stringify(moduleUrl)};
          const j = new Journal({ dataDir: ${JSON.stringify(dataDir)}, maxPending: 100000, fsync: "never" });
          while (Date.now() < ${startAt}) {}
          const result = j.claimOrphans();
          process.stdout.write(JSON.stringify({ result, keys: j.pending().map((r) => r.key) }) + "\\n");
          // Stay alive until every claimer has claimed: a claimer that starts late (a loaded machine) must
          // not see an early one dead and claim its file. Then die without close(): the claimed records
          // stay journaled under dead pids.
          setInterval(() => {}, 1000);
        `),
    );
    const outputs = await Promise.all(claimers.map((c) => waitForOutput(c, (o) => o.endsWith("\n"))));
    for (const c of claimers) c.kill("SIGKILL");
    await Promise.all(claimers.map(exited));
    const claims = outputs.map((o) => JSON.parse(o) as { result: { files: number }; keys: string[] });

    expect(claims.reduce((n, c) => n + c.result.files, 0)).toBe(2);
    const all = claims.flatMap((c) => c.keys);
    expect(new Set(all).size).toBe(all.length);
    for (const [w, count] of [
      ["w1", reported[0] ?? 0],
      ["w2", reported[1] ?? 0],
    ] as const) {
      const keys = all.filter((k) => k.startsWith(`${w}-`)).map((k) => Number(k.slice(3)));
      expect(keys.length).toBeGreaterThanOrEqual(count);
      // Append order is preserved and nothing in the middle is lost.
      expect(keys).toEqual(keys.map((_, i) => i));
    }

    // The claimers died holding the records; the next process recovers them all.
    expect(Journal.inspect(dataDir).depth).toBe(all.length);
    const last = journal(dataDir, { maxPending: 100000 });
    expect(last.claimOrphans().records).toBe(all.length);
    expect(last.status().depth).toBe(all.length);
    expect(files(dataDir)).toEqual([last.path.split("/").pop()]);
  }, 30_000);
});
