import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { withInitSeed } from '../nn/init.js';
import type { Module } from '../nn/module.js';
import { useBackendForThisFile } from '../testing/use-backend.js';
import { JepaPredictor, maskTokenPerGenerator } from './jepa-predictor.js';

useBackendForThisFile('cpu');

const [LENGTH, WIDTH, BATCH] = [8, 8, 2];

function predictor(seed: number, numMaskTokens = 1): JepaPredictor {
  const built = withInitSeed(seed, () => new JepaPredictor({ grid: [LENGTH], embedDim: WIDTH, predictorEmbedDim: 8, depth: 2, numHeads: 2, numMaskTokens }));
  // Large weights, so attention is far from uniform and every input visibly moves the output.
  built.trainableParameters().forEach(([, p], i) => tf.tidy(() => p.variable.assign(tf.randomNormal(p.variable.shape, 0, 0.5, 'float32', seed * 100 + i))));
  return built;
}

const index = (rows: number[][]) => tf.tensor2d(rows, [rows.length, rows[0]!.length], 'int32') as tf.Tensor2D;
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
const rowsOf = (t: tf.Tensor3D, start: number, count: number) => tf.slice(t, [start, 0, 0], [count, -1, -1]);
const disposeAll = (...modules: Module[]) => modules.forEach((m) => m.dispose());

describe('JepaPredictor.predict', () => {
  it('orders rows target set major, then context set, then sample, as one call per pair of sets', () => {
    const model = predictor(1);
    const contextIndex = [index([[0, 1, 2], [3, 4, 5]]), index([[5, 6, 7], [0, 2, 4]])];
    const targetIndex = [index([[3, 4], [6, 7]]), index([[7, 0], [1, 2]]), index([[5, 6], [1, 7]])];
    const context = tf.randomNormal([BATCH * contextIndex.length, 3, WIDTH], 0, 1, 'float32', 2) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const out = model.predict(context, contextIndex, targetIndex);
    expect(out.shape).toEqual([BATCH * 2 * 3, 2, WIDTH]);
    for (let t = 0; t < targetIndex.length; t++) {
      for (let c = 0; c < contextIndex.length; c++) {
        const diff = tf.tidy(() => {
          const single = model.predict(rowsOf(context, c * BATCH, BATCH), [contextIndex[c]!], [targetIndex[t]!]);
          return maxDiff(rowsOf(out, (t * contextIndex.length + c) * BATCH, BATCH), single);
        });
        expect(diff, `target set ${t}, context set ${c}`).toBeLessThan(1e-5);
      }
    }
    // The pairs differ from each other, so a wrong order would be caught.
    expect(tf.tidy(() => maxDiff(rowsOf(out, 0, BATCH), rowsOf(out, BATCH, BATCH)))).toBeGreaterThan(1e-2);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([context, ...contextIndex, ...targetIndex]);
    disposeAll(model);
  });

  it('fills the targets with the mask token its condition names (default 0)', () => {
    const model = predictor(3, 2);
    const contextIndex = [index([[0, 1], [2, 3]])];
    const targetIndex = [index([[4, 5], [6, 7]])];
    const context = tf.randomNormal([BATCH, 2, WIDTH], 0, 1, 'float32', 4) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const [plain, zero, one] = [
      model.predict(context, contextIndex, targetIndex),
      model.predict(context, contextIndex, targetIndex, { maskTokenIndex: 0 }),
      model.predict(context, contextIndex, targetIndex, maskTokenPerGenerator(1)),
    ];
    expect(maxDiff(plain, zero)).toBe(0);
    expect(maxDiff(zero, one)).toBeGreaterThan(1e-2);
    tf.dispose([plain, zero, one]);
    expect(() => model.predict(context, contextIndex, targetIndex, { maskTokenIndex: 2 })).toThrow(/mask token 2 requested but the predictor has 2; build it with numMaskTokens > 2/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([context, ...contextIndex, ...targetIndex]);
    disposeAll(model);
  });

  it('applies the attention mask of its condition over [context tokens; target tokens]', () => {
    const model = predictor(5);
    const contextIndex = [index([[0, 1, 2], [1, 2, 3]])];
    const targetIndex = [index([[4, 5], [6, 7]]), index([[3, 7], [0, 5]])];
    const context = tf.randomNormal([BATCH, 3, WIDTH], 0, 1, 'float32', 6) as tf.Tensor3D;
    // The last context token changed, the others kept.
    const changed = tf.concat([tf.slice(context, [0, 0, 0], [-1, 2, -1]), tf.randomNormal([BATCH, 1, WIDTH], 0, 1, 'float32', 7)], 1) as tf.Tensor3D;
    // Sequence of 5: context 0, 1, 2 then targets 3, 4. Nobody may attend to context token 2, except itself.
    const visible = [
      [1, 1, 0, 1, 1],
      [1, 1, 0, 1, 1],
      [1, 1, 1, 1, 1],
      [1, 1, 0, 1, 1],
      [1, 1, 0, 1, 1],
    ];
    const mask = tf.tensor2d(visible);
    const perRow = tf.stack([mask, mask, mask, mask]); // B x 1 context set x 2 target sets
    const wrong = tf.ones([3, 3]);
    const before = tf.memory().numTensors;
    const masked = model.predict(context, contextIndex, targetIndex, { attentionMask: mask });
    const maskedChanged = model.predict(changed, contextIndex, targetIndex, { attentionMask: mask });
    const maskedPerRow = model.predict(context, contextIndex, targetIndex, { attentionMask: perRow });
    const free = model.predict(context, contextIndex, targetIndex);
    const freeChanged = model.predict(changed, contextIndex, targetIndex);
    expect(maxDiff(masked, maskedChanged)).toBeLessThan(1e-6);
    expect(maxDiff(masked, maskedPerRow)).toBeLessThan(1e-6);
    expect(maxDiff(free, freeChanged)).toBeGreaterThan(1e-2);
    tf.dispose([masked, maskedChanged, maskedPerRow, free, freeChanged]);
    expect(() => model.predict(context, contextIndex, targetIndex, { attentionMask: wrong })).toThrow(
      'JepaPredictor.predict: the attention mask must be [5, 5] or [4, 5, 5] (1 where a query token may attend to a key token), got [3, 3]. ' +
        'Each sequence is 3 context tokens then 2 target tokens; rows are 2 target sets x 1 context sets x batch 2.',
    );
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([context, changed, mask, perRow, wrong, ...contextIndex, ...targetIndex]);
    disposeAll(model);
  });
});
