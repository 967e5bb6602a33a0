/**
 * Properties of the journal's reading paths over arbitrary files: the line decoder, `decodeFile`,
 * `Journal.inspect` and `Journal.claimOrphans` never throw on a damaged file, return every intact record
 * exactly once and in order, and count the damaged lines; a journal cut at any byte by a crash gives back
 * exactly what was fully written before the cut.
 *
 * Runs are deterministic: the seed is FC_SEED when set, else a fixed default; a failure prints the seed and
 * the counterexample's path, so `FC_SEED=<seed>` replays it.
 */
import { spawnSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeFile } from "./format.js";
import {
  decodeJournalLine,
  encodeJournalLine,
  Journal,
  type JournalRecord,
  journalDir,
  journalHostTag,
} from "./journal.js";

const SEED = Number(process.env.FC_SEED ?? 20241124);
const runs = (numRuns: number) => ({ seed: SEED, numRuns });

const dirs: string[] = [];
const tempDataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "sb-journal-prop-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A pid whose process has exited, so its journal files are orphans anyone may claim. */
let deadPid = 0;
beforeAll(() => {
  const child = spawnSync(process.execPath, ["-e", ""]);
  if (child.pid === undefined) throw new Error("could not spawn a child process");
  deadPid = child.pid;
});

/** The line checksum (CRC-32 of the text after it, as hex), to build lines that pass it but are not entries. */
const crc32Hex = (s: string) => crc32(s).toString(16).padStart(8, "0");

/** What JSON gives back for a value (e.g. -0 becomes 0): the body a reader can expect. */
const viaJson = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

// ---------------------------------------------------------------------------------------------------
// Arbitraries

/** Any string, including NUL, control characters, astral code points and lone surrogates. */
const anyString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "binary-ascii", maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
);

const record = (key: string): fc.Arbitrary<JournalRecord> =>
  fc.record({
    key: fc.constant(key),
    kind: fc.oneof(fc.constantFrom("event", "start", "end", "heartbeat"), anyString),
    at: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    body: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(anyString, anyString, { maxKeys: 4 })),
  });

/** One item of a generated file: an intact record line, or one damaged line, or a blank line. */
type Item =
  | { type: "valid"; record: JournalRecord; line: Buffer }
  | { type: "bad"; how: string; line: Buffer }
  | { type: "blank" };

const NL = 0x0a;
const noNewline = (b: Buffer) => Buffer.from(b.filter((x) => x !== NL));

/** A damaged line derived from an encoded line (without its newline); never empty, never holds a newline. */
const damage = (line: Buffer): fc.Arbitrary<{ how: string; line: Buffer }> =>
  fc.oneof(
    // Torn: a strict prefix, as a kill -9 mid-write leaves it.
    fc.integer({ min: 1, max: Math.max(1, line.length - 1) }).map((n) => ({
      how: "truncated",
      line: line.subarray(0, Math.min(n, line.length - 1)),
    })),
    // A flipped or replaced byte anywhere (bit rot, a stray editor), including invalid UTF-8 and NUL.
    fc
      .tuple(
        fc.nat({ max: line.length - 1 }),
        fc.constantFrom(0x00, 0xff, 0xc3, 0xe2, 0x80, 0xfe, 0x22, 0x7d, 0x30, 0x20),
      )
      .filter(([i, b]) => line[i] !== b)
      .map(([i, b]) => {
        const copy = Buffer.from(line);
        copy[i] = b;
        return { how: "byte replaced", line: copy };
      }),
    // Bytes inserted: NUL padding (what a file system may leave after a crash), a lone UTF-8 lead byte.
    fc
      .tuple(fc.nat({ max: line.length }), fc.constantFrom("\0", "\0\0\0\0", "\xc3", "\xff\xfe", "\r"))
      .map(([i, s]) => ({
        how: "bytes inserted",
        line: Buffer.concat([line.subarray(0, i), Buffer.from(s, "latin1"), line.subarray(i)]),
      })),
  );

/** A damaged line not derived from a record. */
const garbageLine: fc.Arbitrary<{ how: string; line: Buffer }> = fc.oneof(
  fc
    .uint8Array({ minLength: 1, maxLength: 80 })
    .map((b) => noNewline(Buffer.from(b)))
    .filter((b) => b.length > 0)
    .map((line) => ({ how: "random bytes", line })),
  fc.integer({ min: 1, max: 64 }).map((n) => ({ how: "NUL run", line: Buffer.alloc(n, 0) })),
  fc
    .constantFrom(" ", "\t", "\r", "{", "}", "{}", "[]", "null", '{"sum":"', '{"sum":"00000000",}')
    .map((s) => ({
      how: "fragment",
      line: Buffer.from(s),
    })),
  // A correct checksum over text that is not JSON, or JSON that is not an entry: the decoder's later checks.
  fc
    .oneof(
      anyString,
      fc.constantFrom(
        '"op":"rec","key":1,"kind":"event","at":1}',
        '"op":"rec","key":"k","kind":"event"}',
        '"op":"rec","key":"k","kind":"event","at":"1"}',
        '"op":"ack","keys":[1]}',
        '"op":"drop","keys":[],"n":-1}',
        '"op":"drop","keys":[],"n":1.5}',
        '"op":"reported","n":"2"}',
        '"op":"nope"}',
        '"op":"rec","key":"k","kind":"event","at":1',
        '"op":"rec",,}',
      ),
    )
    .map((rest) => ({
      how: "checksummed non-entry",
      line: Buffer.from(`{"sum":"${crc32Hex(rest)}",${rest}`, "utf8"),
    }))
    .filter(({ line }) => !line.includes(NL) && decodeJournalLine(line.toString("utf8")) === null),
);

const encoded = (r: JournalRecord) =>
  Buffer.from(encodeJournalLine({ op: "rec", ...r }).slice(0, -1), "utf8");

/**
 * A whole file: records with unique keys interleaved with damaged and blank lines, every line but possibly
 * the last terminated by a newline.
 */
const journalFile = fc
  .uniqueArray(
    fc.oneof(
      anyString.filter((k) => k !== ""),
      fc.uuid(),
    ),
    { minLength: 0, maxLength: 12 },
  )
  .chain((keys) =>
    fc.tuple(fc.tuple(...keys.map((k) => record(k))), fc.array(fc.nat(), { maxLength: 12 }), fc.boolean()),
  )
  .chain(([records, slots, trailingNewline]) => {
    const valid: Item[] = records.map((r) => ({ type: "valid", record: r, line: encoded(r) }));
    const extras = slots.map((s) =>
      fc.oneof(
        { arbitrary: garbageLine.map((g): Item => ({ type: "bad", ...g })), weight: 3 },
        {
          arbitrary:
            valid.length > 0
              ? damage((valid[s % valid.length] as { line: Buffer }).line).map(
                  (g): Item => ({ type: "bad", ...g }),
                )
              : garbageLine.map((g): Item => ({ type: "bad", ...g })),
          weight: 4,
        },
        { arbitrary: fc.constant<Item>({ type: "blank" }), weight: 1 },
      ),
    );
    return fc.tuple(
      fc.constant(valid),
      fc.tuple(...extras),
      fc.array(fc.nat(), { minLength: slots.length, maxLength: slots.length }),
      fc.constant(trailingNewline),
    );
  })
  .map(([valid, extras, positions, trailingNewline]) => {
    // Interleave: each extra goes before the valid record at its position (or at the end).
    const items: Item[] = [...valid];
    extras.forEach((extra, i) => {
      items.splice((positions[i] ?? 0) % (items.length + 1), 0, extra);
    });
    const parts: Buffer[] = [];
    items.forEach((item, i) => {
      const line = item.type === "blank" ? Buffer.alloc(0) : item.line;
      const last = i === items.length - 1;
      parts.push(line);
      if (!last || trailingNewline) parts.push(Buffer.from("\n"));
    });
    return { items, bytes: Buffer.concat(parts), trailingNewline };
  });

/** What any reader must find in a generated file. */
function expected(items: Item[], trailingNewline: boolean) {
  const records = items.flatMap((i) => (i.type === "valid" ? [i.record] : []));
  const bad = items.filter((i) => i.type === "bad").length;
  const last = items.at(-1);
  return {
    records: records.map((r) => ({ ...r, body: viaJson(r.body) })),
    bad,
    tornTail: !trailingNewline && last?.type === "bad",
  };
}

const describeFile = (bytes: Buffer) => JSON.stringify(bytes.toString("latin1"));

// ---------------------------------------------------------------------------------------------------

describe("journal line decoding (property)", () => {
  it("never throws on any text, and accepts only what it encoded", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyString,
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("utf8")),
        ),
        (text) => {
          const entry = decodeJournalLine(text);
          // Anything that decodes re-encodes to the very same line: nothing else slips through.
          if (entry !== null) expect(encodeJournalLine(entry)).toBe(`${text}\n`);
        },
      ),
      runs(300),
    );
  });

  it("round-trips every entry through encode → decode", () => {
    const keys = fc.array(anyString, { maxLength: 5 });
    const entry = fc.oneof(
      fc
        .uuid()
        .chain((k) => record(k))
        .map((r) => ({ op: "rec" as const, ...r })),
      keys.map((k) => ({ op: "ack" as const, keys: k })),
      fc.tuple(keys, fc.nat()).map(([k, n]) => ({ op: "drop" as const, keys: k, n })),
      fc.nat().map((n) => ({ op: "reported" as const, n })),
    );
    fc.assert(
      fc.property(entry, (e) => {
        const line = encodeJournalLine(e);
        expect(line.endsWith("\n")).toBe(true);
        expect(line.slice(0, -1)).not.toContain("\n");
        expect(decodeJournalLine(line.slice(0, -1))).toEqual(viaJson(e));
      }),
      runs(300),
    );
  });
});

describe("journal files with damaged lines (property)", () => {
  it("decodeFile returns every intact record once, in order, and counts the damaged lines", () => {
    fc.assert(
      fc.property(journalFile, ({ items, bytes, trailingNewline }) => {
        const want = expected(items, trailingNewline);
        const file = decodeFile(bytes.toString("utf8"));
        expect([...file.records.values()], describeFile(bytes)).toEqual(want.records);
        expect([...file.records.keys()]).toEqual(want.records.map((r) => r.key));
        expect(file.corrupt, describeFile(bytes)).toBe(want.bad);
        expect(file.tornTail).toBe(want.tornTail);
        expect(file.gone.size).toBe(0);
        expect(file.unreportedDrops).toBe(0);
        const ats = want.records.map((r) => r.at);
        expect(file.oldestAt).toBe(ats.length ? Math.min(...ats) : null);
      }),
      runs(300),
    );
  });

  it("Journal.inspect and claimOrphans read such a file from disk the same way, without throwing", () => {
    const dataDir = tempDataDir();
    const dir = journalDir(dataDir);
    mkdirSync(dir, { recursive: true });
    let n = 0;
    fc.assert(
      fc.property(journalFile, fc.boolean(), ({ items, bytes, trailingNewline }, closed) => {
        const want = expected(items, trailingNewline);
        for (const f of readdirSync(dir)) unlinkSync(join(dir, f));
        const rand = (n++).toString(16).padStart(12, "0");
        const name = `${journalHostTag()}-${deadPid}-${rand}${closed ? ".closed" : ""}.jnl`;
        writeFileSync(join(dir, name), bytes);

        const seen = Journal.inspect(dataDir);
        expect(seen.files).toBe(1);
        expect(seen.depth).toBe(want.records.length);
        // The owner is dead (or closed the file), so a torn tail is corruption, not a write in progress.
        expect(seen.corrupt, describeFile(bytes)).toBe(want.bad);

        const j = new Journal({
          dataDir,
          fsync: "never",
          maxPending: 10_000,
          maxAgeMs: Number.MAX_SAFE_INTEGER,
        });
        try {
          const claimed = j.claimOrphans();
          expect(claimed).toEqual({ files: 1, records: want.records.length, corrupt: want.bad });
          expect(j.pending(), describeFile(bytes)).toEqual(want.records);
          expect(j.status().corrupt).toBe(want.bad);
        } finally {
          j.close();
        }
      }),
      runs(150),
    );
  });
});

describe("journal recovery after a crash at any byte (property)", () => {
  type Op = { op: "append"; key: number; body: unknown } | { op: "ack"; keys: number[] };
  const ops = fc.array(
    fc.oneof(
      {
        arbitrary: fc.record({
          op: fc.constant("append" as const),
          key: fc.nat({ max: 11 }),
          body: fc.jsonValue({ maxDepth: 2 }),
        }),
        weight: 3,
      },
      {
        arbitrary: fc.record({
          op: fc.constant("ack" as const),
          keys: fc.array(fc.nat({ max: 11 }), { minLength: 1, maxLength: 4 }),
        }),
        weight: 1,
      },
    ),
    { minLength: 1, maxLength: 30 },
  );

  it("a journal torn at a random byte of its last write gives back exactly the records complete before the cut", () => {
    const T0 = Date.now();
    fc.assert(
      fc.property(
        ops,
        fc.nat(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (program: Op[], crashAt, where) => {
          const writerDir = tempDataDir();
          const readerDir = tempDataDir();
          const w = new Journal({ dataDir: writerDir, fsync: "never", compactThreshold: 1_000_000 });
          /** The pending records as the writer holds them, in delivery order. */
          const model = new Map<string, JournalRecord>();
          const crashOp = crashAt % program.length;
          let before = new Map<string, JournalRecord>();
          let fileBefore = Buffer.alloc(0);
          let fileAfter = Buffer.alloc(0);
          const readOwn = () => {
            try {
              return readFileSync(w.path);
            } catch {
              return Buffer.alloc(0);
            }
          };
          try {
            for (let i = 0; i <= crashOp; i++) {
              const op = program[i]!;
              if (i === crashOp) {
                before = new Map(model);
                fileBefore = readOwn();
              }
              if (op.op === "append") {
                const r = { key: `k${op.key}`, kind: "event", at: T0 + i, body: op.body };
                w.append(r);
                model.set(r.key, { ...r, body: viaJson(r.body) });
              } else {
                w.ack(op.keys.map((k) => `k${k}`));
                for (const k of op.keys) model.delete(`k${k}`);
              }
              if (i === crashOp) fileAfter = readOwn();
            }
            expect([...w.entries()].map((r) => r.key)).toEqual([...model.keys()]);
          } finally {
            // The writer's own file is copied below as it was at the crash; the writer itself goes away.
            w.close();
          }

          // The crash: the last write reached the disk only up to a random byte.
          let survived: Buffer;
          let expectState: Map<string, JournalRecord>;
          let torn = 0;
          const appended =
            fileAfter.length >= fileBefore.length &&
            fileAfter.subarray(0, fileBefore.length).equals(fileBefore);
          if (appended && fileAfter.length > fileBefore.length) {
            const delta = fileAfter.length - fileBefore.length;
            const cut = Math.floor(where * delta);
            survived = fileAfter.subarray(0, fileBefore.length + cut);
            // Complete but for its newline still counts as written; any shorter piece is a torn line.
            const complete = delta - cut <= 1;
            expectState = complete ? model : before;
            torn = complete || cut === 0 ? 0 : 1;
          } else {
            // The last operation rewrote or removed the file (a compaction): nothing was torn.
            survived = fileAfter;
            expectState = model;
          }

          const dir = journalDir(readerDir);
          mkdirSync(dir, { recursive: true });
          if (survived.length > 0)
            writeFileSync(join(dir, `${journalHostTag()}-${deadPid}-0123456789ab.jnl`), survived);
          const r = new Journal({ dataDir: readerDir, fsync: "never" });
          try {
            const claimed = r.claimOrphans();
            expect(claimed.corrupt, describeFile(survived)).toBe(torn);
            expect(r.pending(), describeFile(survived)).toEqual([...expectState.values()]);
          } finally {
            r.close();
            rmSync(writerDir, { recursive: true, force: true });
            rmSync(readerDir, { recursive: true, force: true });
          }
        },
      ),
      runs(200),
    );
  });
});
