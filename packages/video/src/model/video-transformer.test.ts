import * as tf from '@tensorflow/tfjs';
import { VIT_PRESETS } from '@jepa/core';
import { describe, expect, it } from 'vitest';
import { toTokenVolume } from './token-volume.js';
import { createVideoTransformer } from './video-transformer.js';

const SMALL = { numFrames: 4, tubeletSize: 2, imageSize: 8, patchSize: 4, inChannels: 1, embedDim: 12, depth: 1, numHeads: 2 } as const;

describe('createVideoTransformer', () => {
  it('builds a video ViT with official names and encodes clips to tokens on the [T/t, H/p, W/p] grid', () => {
    const vit = createVideoTransformer(SMALL);
    expect(vit.grid).toEqual([2, 2, 2]);
    const shapes = vit.stateDictShapes();
    expect(shapes['pos_embed']).toEqual([1, 8, 12]);
    expect(shapes['patch_embed.proj.weight']).toEqual([12, 1, 2, 4, 4]);
    expect(shapes['blocks.0.attn.qkv.weight']).toEqual([36, 12]);
    expect(shapes['norm.weight']).toEqual([12]);
    const clips = tf.randomNormal([3, 4, 8, 8, 1], 0, 1, 'float32', 2) as tf.Tensor5D;
    const keep = tf.tensor2d([[0, 5], [1, 2], [7, 3]], [3, 2], 'int32');
    const before = tf.memory().numTensors;
    const all = vit.encode(clips);
    const kept = vit.encode(clips, [keep]);
    expect(all.shape).toEqual([3, 8, 12]);
    expect(kept.shape).toEqual([3, 2, 12]);
    const volume = toTokenVolume(all, vit.grid);
    expect(volume.shape).toEqual([3, 2, 2, 2, 12]);
    // Token (t'=1, h'=0, w'=1) is raster index 5.
    const a = tf.tidy(() => tf.slice(volume, [0, 1, 0, 1, 0], [1, 1, 1, 1, 12]).reshape([12]).arraySync());
    const b = tf.tidy(() => tf.slice(all, [0, 5, 0], [1, 1, 12]).reshape([12]).arraySync());
    expect(a).toEqual(b);
    tf.dispose([all, kept, volume]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([clips, keep]);
    vit.dispose();
  });

  it('takes its sizes from the ViT presets', () => {
    const vit = createVideoTransformer({ ...VIT_PRESETS.tiny, depth: 1, numFrames: 2, imageSize: 16, patchSize: 16 });
    expect(vit.embedDim).toBe(192);
    expect(vit.stateDictShapes()['blocks.0.mlp.fc1.weight']).toEqual([768, 192]);
    vit.dispose();
  });

  it('checks sizes at once and names the fix', () => {
    expect(() => createVideoTransformer({ ...SMALL, numHeads: 5 })).toThrow(/width 12 is not divisible by 5 heads/);
    expect(() => createVideoTransformer({ ...SMALL, depth: 0 })).toThrow(/depth must be a positive integer/);
    expect(() => createVideoTransformer({ ...SMALL, numFrames: 3 })).toThrow(/tubelet size 2 does not divide the 3 frames/);
    const before = tf.memory().numTensors;
    // Non-uniform 3-D sin-cos splits need a multiple of 8: the embedding built first is released.
    expect(() => createVideoTransformer({ ...SMALL, uniformPower: false })).toThrow(/sincos3d: width 12/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
