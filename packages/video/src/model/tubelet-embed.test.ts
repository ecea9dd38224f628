import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TubeletEmbed } from './tubelet-embed.js';

const OPTIONS = { numFrames: 4, tubeletSize: 2, imageSize: 8, patchSize: 4, inChannels: 3, embedDim: 6 } as const;

describe('TubeletEmbed', () => {
  it('maps clips [B, T, H, W, C] to [B, N, D] on the grid [T/t, H/p, W/p] with the Conv3d weight under proj', () => {
    const embed = new TubeletEmbed(OPTIONS);
    expect(embed.grid).toEqual([2, 2, 2]);
    expect(embed.stateDictShapes()).toEqual({ 'proj.weight': [6, 3, 2, 4, 4], 'proj.bias': [6] });
    const clips = tf.randomNormal([2, 4, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor5D;
    const before = tf.memory().numTensors;
    const tokens = embed.embed(clips);
    expect(tokens.shape).toEqual([2, 8, 6]);
    tokens.dispose();
    expect(tf.memory().numTensors).toBe(before);
    clips.dispose();
    embed.dispose();
  });

  it('gives each tubelet its own token: a change in one tubelet moves only that token', () => {
    const embed = new TubeletEmbed(OPTIONS);
    const base = tf.zeros([1, 4, 8, 8, 3]) as tf.Tensor5D;
    // Frame 3 (time step 1), row 5, column 1 (grid row 1, column 0): token 1 * 4 + 1 * 2 + 0 = 6.
    const poked = tf.tidy(() => tf.add(base, tf.scatterND([[0, 3, 5, 1, 2]], [1], [1, 4, 8, 8, 3])) as tf.Tensor5D);
    const diff = tf.tidy(() => tf.sum(tf.abs(tf.sub(embed.embed(poked), embed.embed(base))), -1).dataSync());
    expect([...diff].map((v, i) => (v > 0 ? i : -1)).filter((i) => i >= 0)).toEqual([6]);
    tf.dispose([base, poked]);
    embed.dispose();
  });

  it('says what to fix for wrong sizes and for channels-first clips', () => {
    expect(() => new TubeletEmbed({ ...OPTIONS, numFrames: 5 })).toThrow(/tubelet size 2 does not divide the 5 frames per clip/);
    expect(() => new TubeletEmbed({ ...OPTIONS, patchSize: 3 })).toThrow(/patch size 3 does not divide image size 8; pick a patch size that divides it \(1, 2, 4, 8\)/);
    expect(() => new TubeletEmbed({ ...OPTIONS, embedDim: 0 })).toThrow(/embedDim must be a positive integer, got 0/);
    const embed = new TubeletEmbed(OPTIONS);
    const channelsFirst = tf.zeros([1, 3, 4, 8, 8]) as tf.Tensor5D;
    expect(() => embed.embed(channelsFirst)).toThrow(/expected clips \[B, 4, 8, 8, 3\] \(channels last\), got \[1, 3, 4, 8, 8\]; PyTorch clips \[B, C, T, H, W\] need tf\.transpose\(clips, \[0, 2, 3, 4, 1\]\)/);
    channelsFirst.dispose();
    embed.dispose();
  });
});
