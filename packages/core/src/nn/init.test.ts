import { describe, expect, it } from 'vitest';
import { Linear } from './linear.js';
import { withInitSeed } from './init.js';

describe('withInitSeed', () => {
  it('gives the same weights for the same seed, seed 0 included, and others for another seed', () => {
    for (const seed of [0, 1, 7]) {
      const a = withInitSeed(seed, () => [new Linear(4, 3), new Linear(3, 2)]);
      const b = withInitSeed(seed, () => [new Linear(4, 3), new Linear(3, 2)]);
      a.forEach((layer, i) => expect(Array.from(layer.weight.dataSync())).toEqual(Array.from(b[i]!.weight.dataSync())));
      const c = withInitSeed(seed + 100, () => new Linear(4, 3));
      expect(Array.from(c.weight.dataSync())).not.toEqual(Array.from(a[0]!.weight.dataSync()));
      [...a, ...b, c].forEach((m) => m.dispose());
    }
  });
});
