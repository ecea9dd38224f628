import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextUint32());
}

describe('Rng', () => {
  it('is xoshiro128** (reference outputs for the state [1, 2, 3, 4])', () => {
    // Outputs of the reference C implementation (also the rand_xoshiro test vector).
    expect(draws(Rng.fromState([1, 2, 3, 4]), 6)).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('gives the same stream for the same seed and different streams for nearby seeds', () => {
    expect(draws(new Rng(42), 50)).toEqual(draws(new Rng(42), 50));
    const a = draws(new Rng(1), 50);
    const b = draws(new Rng(2), 50);
    expect(a.filter((x, i) => x === b[i]).length).toBe(0);
    // Seeds differing only above 2^32 differ too, and negative seeds are accepted.
    expect(draws(new Rng(2 ** 32 + 1), 5)).not.toEqual(draws(new Rng(1), 5));
    expect(draws(new Rng(-1), 5)).not.toEqual(draws(new Rng(1), 5));
  });

  it('resumes exactly from getState() mid-stream, across every kind of draw', () => {
    const rng = new Rng(7);
    rng.uniform();
    rng.normal();
    rng.int(0, 13);
    const state = rng.getState();
    expect(state).toHaveLength(4);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    const ahead = [rng.uniform(), rng.normal(), rng.int(-5, 5), rng.uniform(), rng.normal()];
    const restored = Rng.fromState(state);
    const replay = [restored.uniform(), restored.normal(), restored.int(-5, 5), restored.uniform(), restored.normal()];
    expect(replay).toEqual(ahead);
    expect(restored.getState()).toEqual(rng.getState());
    const copy = rng.clone();
    expect(draws(copy, 10)).toEqual(draws(rng, 10));
  });

  it('rejects invalid seeds and states with a message saying what to pass', () => {
    expect(() => new Rng(1.5)).toThrow(/safe integer/);
    expect(() => Rng.fromState([1, 2, 3])).toThrow(/4 numbers/);
    expect(() => Rng.fromState([1, 2, 3, 2 ** 32])).toThrow(/\[0, 2\^32\)/);
    expect(() => Rng.fromState([0, 0, 0, 0])).toThrow(/all-zero/);
  });

  it('draws uniform() in [0, 1) roughly uniformly (chi-square over 20 bins)', () => {
    const rng = new Rng(123);
    const bins = new Array<number>(20).fill(0);
    const n = 200_000;
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      bins[Math.floor(u * 20)]! += 1;
      sum += u;
    }
    expect(outside).toBe(0);
    const expected = n / 20;
    const chi2 = bins.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(43.8); // 99.9% quantile of chi-square with 19 degrees of freedom
    expect(sum / n).toBeCloseTo(0.5, 2);
  });

  it('draws int(lo, hi) within bounds, hitting every value about equally', () => {
    const rng = new Rng(5);
    const counts = new Map<number, number>();
    for (let i = 0; i < 70_000; i++) {
      const v = rng.int(-3, 4);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(rng.int(9, 10)).toBe(9);
    expect(() => rng.int(3, 3)).toThrow(/empty range/);
    expect(() => rng.int(0, 2 ** 33)).toThrow(/more than 2\^32/);
  });

  it('draws normal() with mean 0 and std 1, scaled on request', () => {
    const rng = new Rng(9);
    const n = 100_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      sum += x;
      sq += x * x;
    }
    expect(sum / n).toBeCloseTo(0, 1);
    expect(Math.sqrt(sq / n - (sum / n) ** 2)).toBeCloseTo(1, 1);
    let shifted = 0;
    for (let i = 0; i < 10_000; i++) shifted += rng.normal(5, 0.1);
    expect(shifted / 10_000).toBeCloseTo(5, 1);
  });

  it('shuffles in place into a permutation, arrays and typed arrays alike, reproducibly', () => {
    const a = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = new Rng(3).shuffle([...a]);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(a);
    expect(shuffled).not.toEqual(a);
    expect(new Rng(3).shuffle([...a])).toEqual(shuffled);
    const typed = new Rng(3).shuffle(Int32Array.from(a));
    expect(Array.from(typed)).toEqual(shuffled);
  });

  it('chooses every element of an array and refuses an empty one', () => {
    const rng = new Rng(11);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(rng.choice(['a', 'b', 'c']));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
    expect(() => rng.choice([])).toThrow(/empty/);
  });

  it('forks reproducible child streams that differ from the parent', () => {
    const parent = new Rng(17);
    const child = parent.fork();
    const again = new Rng(17).fork();
    expect(draws(child, 10)).toEqual(draws(again, 10));
    expect(draws(parent.clone(), 10)).not.toEqual(draws(new Rng(17).fork(), 10));
  });

  it('derives labelled streams without advancing the parent', () => {
    const parent = new Rng(19);
    const before = parent.getState();
    const masks = draws(parent.derive('masks'), 10);
    const data = draws(parent.derive('data'), 10);
    expect(parent.getState()).toEqual(before);
    expect(draws(parent.derive('masks'), 10)).toEqual(masks);
    expect(masks).not.toEqual(data);
    expect(masks).not.toEqual(draws(parent.clone(), 10));
  });
});
