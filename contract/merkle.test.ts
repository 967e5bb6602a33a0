import { describe, expect, it } from "vitest";
import { inclusionProof, leafHash, MerkleTree, merkleRoot, rootFromProof } from "./merkle.js";

// The reference inputs and roots of Certificate Transparency's Merkle tree tests (RFC 6962).
const INPUTS = [
  "",
  "00",
  "10",
  "2021",
  "3031",
  "40414243",
  "5051525354555657",
  "606162636465666768696a6b6c6d6e6f",
];
const ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const leaves = INPUTS.map((hex) => leafHash(Buffer.from(hex, "hex")));

describe("RFC 6962 Merkle trees", () => {
  it("reproduces the reference roots for 1 to 8 leaves, and the empty tree", () => {
    expect(merkleRoot([])).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    for (const [i, root] of ROOTS.entries()) expect(merkleRoot(leaves.slice(0, i + 1))).toBe(root);
  });

  it("reproduces the reference audit paths of leaves 0 and 5 in the tree of 8", () => {
    expect(inclusionProof(leaves, 0)).toEqual([
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]);
    expect(inclusionProof(leaves, 5)).toEqual([
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]);
  });

  it("leads every leaf of trees of 1 to 40 leaves back to the root, and no other leaf or position", () => {
    for (let size = 1; size <= 40; size++) {
      const tree = Array.from({ length: size }, (_, i) => leafHash(`record ${i}`));
      const root = merkleRoot(tree);
      for (let i = 0; i < size; i++) {
        const path = inclusionProof(tree, i);
        expect(rootFromProof(tree[i]!, i, size, path)).toBe(root);
        expect(rootFromProof(leafHash("forged"), i, size, path)).not.toBe(root);
        if (size > 1) expect(rootFromProof(tree[i]!, (i + 1) % size, size, path)).not.toBe(root);
      }
    }
  });

  it("refuses a path of the wrong length and positions outside the tree", () => {
    const path = inclusionProof(leaves, 3);
    expect(rootFromProof(leaves[3]!, 3, 8, path.slice(1))).toBeNull();
    expect(rootFromProof(leaves[3]!, 3, 8, [...path, path[0]!])).toBeNull();
    expect(rootFromProof(leaves[3]!, 8, 8, path)).toBeNull();
    expect(() => inclusionProof(leaves, 8)).toThrow(RangeError);
  });

  it("builds the same roots and audit paths level by level, for trees of 0 to 70 leaves", () => {
    expect(new MerkleTree([]).root).toBe(merkleRoot([]));
    expect(new MerkleTree(leaves).proof(5)).toEqual(inclusionProof(leaves, 5));
    for (let size = 1; size <= 70; size++) {
      const hashes = Array.from({ length: size }, (_, i) => leafHash(`leaf ${i}`));
      const tree = new MerkleTree(hashes);
      expect(tree.root).toBe(merkleRoot(hashes));
      for (let i = 0; i < size; i++) expect(tree.proof(i)).toEqual(inclusionProof(hashes, i));
    }
    expect(() => new MerkleTree(leaves).proof(8)).toThrow(RangeError);
  });
});
