/** The seed's randomness: a small, fast, seedable PRNG, one stream per session, and time-ordered ids. */

/** splitmix32: a well-mixed 32-bit hash, used to derive independent stream seeds. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** sfc32 (128-bit state): fast, good quality, and cheap to seed per session. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream: number) {
    this.a = mix32(seed ^ 0x5bd1e995);
    this.b = mix32(stream ^ this.a);
    this.c = mix32(this.b ^ Math.imul(stream, 0x27d4eb2d));
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal around `median`, clipped to [median / clip, median × clip] (no freak values). */
  logNormal(median: number, sigma: number, clip: number): number {
    const x = median * Math.exp(sigma * this.normal());
    return Math.min(median * clip, Math.max(median / clip, x));
  }

  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }
}

/** A UUID v7 (time-ordered) whose 74 "random" bits are a counter pair, so seeded ids never collide. */
export function uuid7(ms: number, hi: number, lo: number, salt: number): string {
  const time = Math.max(0, Math.floor(ms)).toString(16).padStart(12, "0").slice(-12);
  const a = (0x7000 | (salt & 0xfff)).toString(16);
  // variant 10xx + 14 bits of hi's top, then 48 bits: rest of hi (18 bits) and lo (30 bits)
  const hiTop = Math.floor(hi / 2 ** 18) & 0x3fff;
  const b = (0x8000 | hiTop).toString(16);
  const rest = ((hi % 2 ** 18) * 2 ** 30 + (lo % 2 ** 30)).toString(16).padStart(12, "0");
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-${a}-${b}-${rest}`;
}
