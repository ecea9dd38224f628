import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { blockCausalMask } from '../nn/attention-mask.js';
import { withInitSeed } from '../nn/init.js';
import type { Module } from '../nn/module.js';
import { useBackendForThisFile } from '../testing/use-backend.js';
import { LinearTokenEmbedding } from './linear-token-embedding.js';
import { TransformerEncoder } from './transformer-encoder.js';

useBackendForThisFile('cpu');

const [LENGTH, FEATURES, WIDTH] = [6, 3, 8];

/** A 1-D encoder on the grid [6] whose weights are large enough that attention is far from uniform. */
function encoder(seed = 1): TransformerEncoder<tf.Tensor3D> {
  const built = withInitSeed(seed, () => new TransformerEncoder(new LinearTokenEmbedding(LENGTH, FEATURES, WIDTH), { depth: 2, numHeads: 2 }));
  scrambleWeights(built, seed * 100);
  return built;
}

function scrambleWeights(module: Module, seed: number): void {
  module.trainableParameters().forEach(([, p], i) => tf.tidy(() => p.variable.assign(tf.randomNormal(p.variable.shape, 0, 0.5, 'float32', seed + i))));
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('TransformerEncoder.encode', () => {
  it('with keep: the official apply_masks order (every sample of index set 0, then of set 1), same as a manual gather + blocks', () => {
    const model = encoder();
    const x = tf.randomNormal([2, LENGTH, FEATURES], 0, 1, 'float32', 7) as tf.Tensor3D;
    const keep = [tf.tensor2d([[0, 2, 5], [1, 3, 4]], [2, 3], 'int32'), tf.tensor2d([[4, 1, 0], [5, 5, 2]], [2, 3], 'int32')] as tf.Tensor2D[];
    const before = tf.memory().numTensors;
    const out = model.encode(x, keep);
    expect(out.shape).toEqual([4, 3, WIDTH]);
    const manual = tf.tidy(() => {
      const tokens = tf.add(model.embedding.embed(x), model.posEmbed) as tf.Tensor3D;
      const rows: tf.Tensor[] = [];
      for (const set of keep) {
        const indices = set.arraySync();
        indices.forEach((row, sample) => rows.push(tf.gather(tf.squeeze(tf.slice(tokens, [sample, 0, 0], [1, -1, -1]), [0]), row)));
      }
      let h = tf.stack(rows) as tf.Tensor3D;
      for (const block of model.blocks.items) h = block.apply(h);
      return model.norm.apply(h);
    });
    expect(maxDiff(out, manual)).toBeLessThan(1e-5);
    // Row m * B + b comes from keep[m], sample b: the same as one call per index set.
    const first = model.encode(x, [keep[0]!]);
    const second = model.encode(x, [keep[1]!]);
    expect(tf.tidy(() => maxDiff(tf.slice(out, [0, 0, 0], [2, -1, -1]), first))).toBeLessThan(1e-6);
    expect(tf.tidy(() => maxDiff(tf.slice(out, [2, 0, 0], [2, -1, -1]), second))).toBeLessThan(1e-6);
    tf.dispose([out, manual, first, second]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ...keep]);
    model.dispose();
  });

  it('with a block-causal attention mask, a later frame cannot change the tokens of earlier frames', () => {
    const model = encoder(2);
    const mask = blockCausalMask(3, 2); // frames of 2 tokens on the grid [6]
    const x = tf.randomNormal([2, LENGTH, FEATURES], 0, 1, 'float32', 8) as tf.Tensor3D;
    const laterChanged = tf.concat([tf.slice(x, [0, 0, 0], [-1, 4, -1]), tf.randomNormal([2, 2, FEATURES], 0, 1, 'float32', 9)], 1) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const [a, b] = [model.encode(x, undefined, { attentionMask: mask }), model.encode(laterChanged, undefined, { attentionMask: mask })];
    const [freeA, freeB] = [model.encode(x), model.encode(laterChanged)];
    const earlier = (t: tf.Tensor3D) => tf.slice(t, [0, 0, 0], [-1, 4, -1]);
    const later = (t: tf.Tensor3D) => tf.slice(t, [0, 4, 0], [-1, 2, -1]);
    expect(tf.tidy(() => maxDiff(earlier(a), earlier(b)))).toBeLessThan(1e-6);
    expect(tf.tidy(() => maxDiff(later(a), later(b)))).toBeGreaterThan(1e-2);
    expect(tf.tidy(() => maxDiff(earlier(freeA), earlier(freeB)))).toBeGreaterThan(1e-2); // without the mask it leaks
    tf.dispose([a, b, freeA, freeB]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, laterChanged, mask]);
    model.dispose();
  });

  it('takes a mask over the kept tokens with keep, and names the expected shape when it is wrong', () => {
    const model = encoder(3);
    const x = tf.randomNormal([2, LENGTH, FEATURES], 0, 1, 'float32', 10) as tf.Tensor3D;
    const keep = [tf.tensor2d([[0, 1, 2, 3], [2, 3, 4, 5]], [2, 4], 'int32'), tf.tensor2d([[0, 1, 4, 5], [0, 1, 2, 3]], [2, 4], 'int32')] as tf.Tensor2D[];
    const kept = blockCausalMask(2, 2);
    const perRow = tf.stack([kept, kept, kept, kept]);
    const full = blockCausalMask(3, 2);
    const before = tf.memory().numTensors;
    const shared = model.encode(x, keep, { attentionMask: kept });
    const rows = model.encode(x, keep, { attentionMask: perRow });
    expect(shared.shape).toEqual([4, 4, WIDTH]);
    expect(maxDiff(shared, rows)).toBeLessThan(1e-6);
    tf.dispose([shared, rows]);
    expect(() => model.encode(x, keep, { attentionMask: full })).toThrow(
      'TransformerEncoder.encode: the attention mask must be [4, 4] or [4, 4, 4] (1 where a query token may attend to a key token), got [6, 6]. ' +
        'With keep (2 index sets of 4 tokens) the mask covers the kept tokens only, not the full grid of 6.',
    );
    expect(() => model.encode(x, undefined, { attentionMask: kept })).toThrow(/must be \[6, 6\] or \[2, 6, 6\].*got \[4, 4\]\. The encoder's grid \[6\] has 6 tokens\./);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ...keep, kept, perRow, full]);
    model.dispose();
  });
});
