import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../random/rng.js';
import { randomUnitDirections } from './random-unit-directions.js';

describe('randomUnitDirections', () => {
  it('draws [D, K] unit columns, reproducibly from the seed', () => {
    const a = randomUnitDirections(5, 7, new Rng(1));
    const b = randomUnitDirections(5, 7, new Rng(1));
    const c = randomUnitDirections(5, 7, new Rng(2));
    expect(a.shape).toEqual([5, 7]);
    const norms = tf.tidy(() => Array.from(tf.norm(a, 2, 0).dataSync()));
    for (const norm of norms) expect(norm).toBeCloseTo(1, 6);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    tf.dispose([a, b, c]);
  });

  it('takes D x K normal draws, row by row, and normalises each column', () => {
    const rng = new Rng(3);
    const copy = rng.clone();
    const directions = randomUnitDirections(3, 2, rng);
    const draws = Array.from({ length: 6 }, () => copy.normal());
    expect(rng.getState()).toEqual(copy.getState());
    const column0 = [draws[0]!, draws[2]!, draws[4]!];
    const norm0 = Math.hypot(...column0);
    const values = directions.arraySync();
    column0.forEach((v, d) => expect(values[d]![0]).toBeCloseTo(v / norm0, 6));
    directions.dispose();
  });

  it('refuses a non-positive width or count', () => {
    expect(() => randomUnitDirections(0, 3, new Rng(0))).toThrow(/width must be a positive integer/);
    expect(() => randomUnitDirections(3, 1.5, new Rng(0))).toThrow(/count must be a positive integer/);
  });
});
