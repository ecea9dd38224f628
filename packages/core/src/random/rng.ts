import type { UniformSource } from './uniform-source.js';

/**
 * A small, fast, seedable pseudo-random generator: xoshiro128** (Blackman & Vigna) over four
 * 32-bit words, seeded through splitmix32 so that nearby seeds give unrelated streams.
 *
 * The whole state is the four words returned by {@link Rng.getState}: a generator restored with
 * {@link Rng.fromState} continues exactly the same stream (no hidden caches, e.g. `normal()` does
 * not keep a spare Box-Muller value), so mask sampling resumes bit-exactly from a checkpoint.
 */
export class Rng implements UniformSource {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /**
   * @param seed any safe integer (negative allowed); the default 0 is as good a seed as any other.
   */
  constructor(seed = 0) {
    if (!Number.isSafeInteger(seed)) {
      throw new Error(`Rng: seed must be a safe integer, got ${String(seed)}; pass e.g. Math.floor(seed) or a counter.`);
    }
    const low = seed >>> 0;
    const high = Math.floor(seed / 4294967296) >>> 0;
    const words = seedWords(low, high);
    this.s0 = words[0];
    this.s1 = words[1];
    this.s2 = words[2];
    this.s3 = words[3];
  }

  /** Restores a generator from {@link Rng.getState}; it continues the same stream. */
  static fromState(state: readonly number[]): Rng {
    if (!Array.isArray(state) || state.length !== 4) {
      throw new Error(`Rng.fromState: expected the 4 numbers returned by getState(), got ${JSON.stringify(state)}.`);
    }
    for (const word of state) {
      if (!Number.isInteger(word) || word < 0 || word > 0xffffffff) {
        throw new Error(`Rng.fromState: state words must be integers in [0, 2^32), got ${JSON.stringify(state)}; pass getState() unchanged.`);
      }
    }
    if (state.every((word) => word === 0)) {
      throw new Error('Rng.fromState: the all-zero state is not a valid xoshiro128** state; pass getState() unchanged.');
    }
    const rng = new Rng(0);
    rng.s0 = state[0]! >>> 0;
    rng.s1 = state[1]! >>> 0;
    rng.s2 = state[2]! >>> 0;
    rng.s3 = state[3]! >>> 0;
    return rng;
  }

  /** The full generator state as four unsigned 32-bit integers (JSON-safe). */
  getState(): number[] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** An independent copy at the same position of the stream. */
  clone(): Rng {
    return Rng.fromState(this.getState());
  }

  /** The next raw unsigned 32-bit output. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A float in [0, 1) with 53 random bits (consumes two 32-bit outputs). */
  uniform(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** An integer uniformly in `[lo, hiExclusive)`, without modulo bias. The span may be at most 2^32. */
  int(lo: number, hiExclusive: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hiExclusive)) {
      throw new Error(`Rng.int: bounds must be safe integers, got [${lo}, ${hiExclusive}).`);
    }
    const span = hiExclusive - lo;
    if (span <= 0) {
      throw new Error(`Rng.int: empty range [${lo}, ${hiExclusive}); the upper bound is exclusive, so it must exceed the lower bound.`);
    }
    if (span > 4294967296) {
      throw new Error(`Rng.int: range [${lo}, ${hiExclusive}) spans more than 2^32 values; use Math.floor(lo + uniform() * span) for such ranges.`);
    }
    if (span === 4294967296) return lo + this.nextUint32();
    // Reject the top partial copy of [0, span) so every residue is equally likely.
    const limit = 4294967296 - (4294967296 % span);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return lo + (x % span);
    }
  }

  /** A float in `[lo, hi)`. */
  range(lo: number, hi: number): number {
    return lo + this.uniform() * (hi - lo);
  }

  /** A normal sample (Box-Muller, consumes four 32-bit outputs, keeps no spare value). */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - this.uniform(); // (0, 1]: log stays finite
    const u2 = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Shuffles `array` in place (Fisher-Yates) and returns it. Works on arrays and typed arrays. */
  shuffle<A extends {
    /** Number of elements. */
    length: number;
    [index: number]: unknown;
  }>(array: A): A {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** One element of `items`, uniformly. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.choice: cannot choose from an empty array.');
    return items[this.int(0, items.length)]!;
  }

  /**
   * A child generator seeded from this stream (advances this generator by four outputs). Use it to
   * hand a sub-task its own stream while keeping the parent's sequence reproducible.
   */
  fork(): Rng {
    const a = this.nextUint32();
    const b = this.nextUint32();
    const c = this.nextUint32();
    const d = this.nextUint32();
    return Rng.fromWords(seedWords(a ^ c, b ^ d, 0x6a09e667));
  }

  /**
   * A child generator determined by this generator's current state and `label`, WITHOUT advancing
   * this generator: `derive('masks')` and `derive('data')` give unrelated streams, reproducibly.
   */
  derive(label: string): Rng {
    let h1 = this.s0 ^ 0x243f6a88;
    let h2 = this.s2 ^ 0x85a308d3;
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x5bd1e995);
      h1 ^= h1 >>> 15;
      h2 = Math.imul(h2 ^ c, 0x27d4eb2f);
      h2 ^= h2 >>> 13;
    }
    h1 ^= this.s1;
    h2 ^= this.s3;
    return Rng.fromWords(seedWords(h1 >>> 0, h2 >>> 0, label.length));
  }

  private static fromWords(words: [number, number, number, number]): Rng {
    const rng = new Rng(0);
    rng.s0 = words[0];
    rng.s1 = words[1];
    rng.s2 = words[2];
    rng.s3 = words[3];
    return rng;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** splitmix32's output function (a bijective 32-bit mixer). */
function mix32(z: number): number {
  z ^= z >>> 16;
  z = Math.imul(z, 0x21f0aaad);
  z ^= z >>> 15;
  z = Math.imul(z, 0x735a2d97);
  z ^= z >>> 15;
  return z >>> 0;
}

/** Four well-mixed, not-all-zero state words from up to three 32-bit inputs. */
function seedWords(low: number, high: number, salt = 0): [number, number, number, number] {
  let counter = (low ^ mix32((high + 0x9e3779b9 + salt) | 0)) | 0;
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    counter = (counter + 0x9e3779b9) | 0;
    words.push(mix32(counter));
  }
  if (!words.some((w) => w !== 0)) words[0] = 1;
  return words as [number, number, number, number];
}
