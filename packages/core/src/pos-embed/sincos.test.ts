import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureDir, loadFixtureTensors } from '../testing/parity-fixtures.js';
import { sincos1d, sincos2d, sincos3d } from './sincos.js';

describe('sin-cos tables', () => {
  it('1-D: sin in the first half, cos in the second, frequencies 1/10000^(2i/D)', () => {
    const t = sincos1d(4, [0, 3]);
    expect(Array.from(t.slice(0, 4))).toEqual([0, 0, 1, 1]);
    expect(t[4]).toBeCloseTo(Math.sin(3), 6);
    expect(t[5]).toBeCloseTo(Math.sin(3 / 100), 6);
    expect(t[6]).toBeCloseTo(Math.cos(3), 6);
  });

  it('2-D: the first half of the channels encodes the column (w) coordinate', () => {
    const t = sincos2d(8, 2, 3);
    // token (h=1, w=2) is row 5; its first half equals the 1-D table of w=2, the second of h=1
    expect(Array.from(t.slice(5 * 8, 5 * 8 + 4))).toEqual(Array.from(sincos1d(4, [2])));
    expect(Array.from(t.slice(5 * 8 + 4, 6 * 8))).toEqual(Array.from(sincos1d(4, [1])));
  });
});

for (const [name, grid] of [['ijepa-tiny', [8, 8]], ['vjepa-tiny', [4, 4, 4]]] as const) {
  const dir = fixtureDir(name);
  describe.skipIf(!dir)(`sin-cos table equals the official pos_embed of ${name}`, () => {
    let tensors: Map<string, tf.Tensor>;
    beforeAll(async () => {
      tensors = await loadFixtureTensors(dir!);
    });
    afterAll(() => tf.dispose([...tensors.values()]));

    it('encoder and predictor tables', () => {
      for (const [key, dim] of [['init.encoder.pos_embed', 48], ['init.predictor.predictor_pos_embed', 24]] as const) {
        const expected = tensors.get(key)!.dataSync();
        const ours = grid.length === 2 ? sincos2d(dim, grid[0]!, grid[1]!) : sincos3d(dim, grid[0]!, grid[1]!, grid[2]!, true);
        expect(ours.length).toBe(expected.length);
        let worst = 0;
        for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - expected[i]!));
        expect(worst, key).toBeLessThan(1e-6);
      }
    });
  });
}
