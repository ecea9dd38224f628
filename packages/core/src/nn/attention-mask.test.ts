import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useBackendForThisFile } from '../testing/use-backend.js';
import { Attention } from './attention.js';
import { blockCausalMask, checkAttentionMask } from './attention-mask.js';
import { withInitSeed } from './init.js';
import type { Module } from './module.js';
import { TransformerBlock } from './transformer-block.js';

useBackendForThisFile('cpu');

/** Largest absolute difference over the token range [from, to) of two `[B, N, D]` tensors. */
function maxDiffOverTokens(a: tf.Tensor3D, b: tf.Tensor3D, from: number, to: number): number {
  return tf.tidy(() => {
    const size = [-1, to - from, -1];
    return tf.max(tf.abs(tf.sub(tf.slice(a, [0, from, 0], size), tf.slice(b, [0, from, 0], size)))).dataSync()[0]!;
  });
}

/** Redraws every trainable weight with std 0.5 (the default init is so small that attention is nearly uniform). */
function scrambleWeights(module: Module, seed: number): void {
  module.trainableParameters().forEach(([, p], i) => tf.tidy(() => p.variable.assign(tf.randomNormal(p.variable.shape, 0, 0.5, 'float32', seed + i))));
}

describe('blockCausalMask', () => {
  it('lets a token see its own block and earlier blocks, never a later one', () => {
    const mask = blockCausalMask(3, 2);
    expect(mask.shape).toEqual([6, 6]);
    expect(mask.dtype).toBe('float32');
    expect(mask.arraySync()).toEqual([
      [1, 1, 0, 0, 0, 0],
      [1, 1, 0, 0, 0, 0],
      [1, 1, 1, 1, 0, 0],
      [1, 1, 1, 1, 0, 0],
      [1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 1],
    ]);
    mask.dispose();
    const single = blockCausalMask(1, 3);
    expect(Array.from(single.dataSync())).toEqual(new Array(9).fill(1));
    single.dispose();
  });

  it('refuses sizes that are not positive integers', () => {
    expect(() => blockCausalMask(0, 4)).toThrow(/numBlocks must be a positive integer, got 0/);
    expect(() => blockCausalMask(2, 1.5)).toThrow(/tokensPerBlock must be a positive integer, got 1.5/);
  });
});

describe('attention masks in Attention and TransformerBlock', () => {
  const [blocks, perBlock, width] = [3, 2, 8];
  const tokens = blocks * perBlock;

  it('with a block-causal mask, changing a later block leaves earlier outputs unchanged', () => {
    const block = withInitSeed(3, () => new TransformerBlock({ dim: width, numHeads: 2 }));
    scrambleWeights(block, 30);
    const mask = blockCausalMask(blocks, perBlock);
    const x = tf.randomNormal([2, tokens, width], 0, 1, 'float32', 1) as tf.Tensor3D;
    // The same input with the last block (tokens 4, 5) replaced.
    const changed = tf.concat([tf.slice(x, [0, 0, 0], [-1, 4, -1]), tf.randomNormal([2, 2, width], 0, 1, 'float32', 2)], 1) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const [a, b, freeA, freeB] = [block.apply(x, mask), block.apply(changed, mask), block.apply(x), block.apply(changed)];
    expect(maxDiffOverTokens(a, b, 0, 4)).toBeLessThan(1e-6);
    expect(maxDiffOverTokens(a, b, 4, 6)).toBeGreaterThan(1e-2);
    // Without the mask the change leaks into the earlier tokens: the mask is what blocks it.
    expect(maxDiffOverTokens(freeA, freeB, 0, 4)).toBeGreaterThan(1e-3);
    tf.dispose([a, b, freeA, freeB]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, changed, mask]);
    block.dispose();
  });

  it('takes one mask per row ([B, N, N]) as well as a shared one ([N, N])', () => {
    const attention = withInitSeed(4, () => new Attention(width, 2));
    scrambleWeights(attention, 40);
    const mask = blockCausalMask(blocks, perBlock);
    const x = tf.randomNormal([2, tokens, width], 0, 1, 'float32', 5) as tf.Tensor3D;
    const perRow = tf.stack([mask, tf.onesLike(mask)]);
    const shared = attention.apply(x, mask);
    const rows = attention.apply(x, perRow);
    const free = attention.apply(x);
    // Row 0 used the causal mask, row 1 a mask of ones (no restriction).
    expect(maxDiffOverTokens(tf.slice(rows, [0, 0, 0], [1, -1, -1]), tf.slice(shared, [0, 0, 0], [1, -1, -1]), 0, tokens)).toBeLessThan(1e-6);
    expect(maxDiffOverTokens(tf.slice(rows, [1, 0, 0], [1, -1, -1]), tf.slice(free, [1, 0, 0], [1, -1, -1]), 0, tokens)).toBeLessThan(1e-6);
    tf.dispose([x, mask, perRow, shared, rows, free]);
    attention.dispose();
  });

  it('refuses a mask of the wrong shape, naming the expected and the given shapes', () => {
    const attention = new Attention(width, 2);
    const x = tf.zeros([2, tokens, width]) as tf.Tensor3D;
    const wrong = tf.ones([tokens - 1, tokens - 1]);
    const wrongRows = tf.ones([3, tokens, tokens]);
    const before = tf.memory().numTensors;
    expect(() => attention.apply(x, wrong)).toThrow('Attention: the attention mask must be [6, 6] or [2, 6, 6] (1 where a query token may attend to a key token), got [5, 5].');
    expect(() => attention.apply(x, wrongRows)).toThrow(/got \[3, 6, 6\]/);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => checkAttentionMask(wrong, 1, 4, 'Somewhere', 'Try harder.')).toThrow(/^Somewhere: .* got \[5, 5\]\. Try harder\.$/);
    tf.dispose([x, wrong, wrongRows]);
    attention.dispose();
  });
});
