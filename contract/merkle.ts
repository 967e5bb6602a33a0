/**
 * Merkle trees as Certificate Transparency defines them (RFC 6962 §2.1, RFC 9162 §2.1): SHA-256, leaves
 * hashed as H(0x00 || leaf), interior nodes as H(0x01 || left || right), a tree of n leaves split at the
 * largest power of two below n. Checkpoints sign the root of such a tree over the records they cover; a
 * bundle carries each record's inclusion proof (its audit path), so one session's record can be checked
 * against a signed root without the rest of the store.
 */
import { createHash } from "node:crypto";

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};
const LEAF = Uint8Array.of(0);
const NODE = Uint8Array.of(1);

/** The hash of one leaf: H(0x00 || data). */
export const leafHash = (data: Uint8Array | string): Buffer =>
  sha256(LEAF, typeof data === "string" ? Buffer.from(data, "utf8") : data);

const node = (left: Uint8Array, right: Uint8Array): Buffer => sha256(NODE, left, right);

/** The largest power of two strictly below n (n ≥ 2). */
const split = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

function subtree(leaves: readonly Uint8Array[], from: number, to: number): Buffer {
  const n = to - from;
  if (n === 1) return Buffer.from(leaves[from]!);
  const k = split(n);
  return node(subtree(leaves, from, from + k), subtree(leaves, from + k, to));
}

/** The Merkle tree hash (hex) of leaf hashes, in order; the empty tree's is SHA-256 of nothing. */
export function merkleRoot(leafHashes: readonly Uint8Array[]): string {
  if (leafHashes.length === 0) return sha256().toString("hex");
  return subtree(leafHashes, 0, leafHashes.length).toString("hex");
}

/** The audit path (hex hashes, leaf to root) proving leaf `index` is in the tree of `leafHashes`. */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number): string[] {
  if (!Number.isInteger(index) || index < 0 || index >= leafHashes.length)
    throw new RangeError(`leaf ${index} is not in a tree of ${leafHashes.length}`);
  const path: Buffer[] = [];
  const walk = (m: number, from: number, to: number) => {
    const n = to - from;
    if (n === 1) return;
    const k = split(n);
    if (m < k) {
      walk(m, from, from + k);
      path.push(subtree(leafHashes, from + k, to));
    } else {
      walk(m - k, from + k, to);
      path.push(subtree(leafHashes, from, from + k));
    }
  };
  walk(index, 0, leafHashes.length);
  return path.map((h) => h.toString("hex"));
}

/**
 * The root (hex) that leaf `index` of a tree of `size` leaves, with this audit path, leads to (RFC 9162
 * §2.1.3.2); null when the path has the wrong length for that position.
 */
export function rootFromProof(leaf: Uint8Array, index: number, size: number, path: readonly string[]) {
  if (!Number.isInteger(index) || index < 0 || index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const hex of path) {
    if (sn === 0) return null;
    const p = Buffer.from(hex, "hex");
    if (fn % 2 === 1 || fn === sn) {
      r = node(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else r = node(r, p);
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? r.toString("hex") : null;
}

/**
 * A tree built once, level by level, to prove many of its leaves: each proof is a walk up the levels
 * (O(log n)) instead of a walk over the tree. Bottom-up pairing with the odd last node carried up
 * unchanged builds exactly RFC 6962's tree, so roots and paths equal {@link merkleRoot} and
 * {@link inclusionProof}.
 *
 * @example
 * const tree = new MerkleTree(leafHashes(leaves));
 * const path = tree.proof(5); // rootFromProof(leafHashes(leaves)[5], 5, tree.size, path) === tree.root
 */
export class MerkleTree {
  private readonly levels: Buffer[][];

  constructor(leafHashes: readonly Uint8Array[]) {
    const levels: Buffer[][] = [leafHashes.map((h) => Buffer.from(h))];
    for (let level = levels[0]!; level.length > 1; ) {
      const up: Buffer[] = [];
      for (let i = 0; i < level.length; i += 2)
        up.push(i + 1 < level.length ? node(level[i]!, level[i + 1]!) : level[i]!);
      levels.push(up);
      level = up;
    }
    this.levels = levels;
  }

  get size(): number {
    return this.levels[0]!.length;
  }

  /** The root (hex); the empty tree's is SHA-256 of nothing. */
  get root(): string {
    return this.size === 0 ? sha256().toString("hex") : this.levels.at(-1)![0]!.toString("hex");
  }

  /** The audit path (hex, leaf to root) of leaf `index`. */
  proof(index: number): string[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.size)
      throw new RangeError(`leaf ${index} is not in a tree of ${this.size}`);
    const path: string[] = [];
    let i = index;
    for (const level of this.levels.slice(0, -1)) {
      const sibling = i ^ 1;
      if (sibling < level.length) path.push(level[sibling]!.toString("hex"));
      i >>= 1;
    }
    return path;
  }
}
