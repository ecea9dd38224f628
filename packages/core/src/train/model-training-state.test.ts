import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fromTfTensor, type HostTensor } from '../io/safetensors.js';
import { Linear } from '../nn/linear.js';
import { AdamW } from '../optim/adamw.js';
import { loadModelTrainingState, saveModelTrainingState } from './model-training-state.js';

const hostOf = (tensors: Record<string, tf.Tensor>) => new Map<string, HostTensor>(Object.entries(tensors).map(([k, t]) => [k, fromTfTensor(t, k)]));

describe('model training state', () => {
  it('round-trips weights and AdamW moments, and refuses a checkpoint of another kind before changing anything', () => {
    const before = tf.memory().numTensors;
    const a = new Linear(3, 2);
    const optA = new AdamW(a.trainableParameters().map(([n, p]) => [n, p.variable] as const));
    const g = { weight: tf.onesLike(a.weight), bias: tf.onesLike(a.bias!) };
    optA.step(g, 0.1, 0);
    const saved = saveModelTrainingState('toy', { width: 3, skipped: undefined }, a, optA);
    expect(saved.meta).toEqual({ kind: 'toy', config: { width: 3 }, optimizerStep: 1 });
    expect(Object.keys(saved.tensors).sort()).toEqual(['bias', 'optimizer.bias.exp_avg', 'optimizer.bias.exp_avg_sq', 'optimizer.weight.exp_avg', 'optimizer.weight.exp_avg_sq', 'weight']);
    const host = hostOf(saved.tensors as Record<string, tf.Tensor>);
    saved.dispose!();

    const b = new Linear(3, 2);
    const optB = new AdamW(b.trainableParameters().map(([n, p]) => [n, p.variable] as const));
    const untouched = Array.from(b.weight.dataSync());
    expect(() => loadModelTrainingState('other', b, optB, host, { kind: 'toy', optimizerStep: 1 }, 'ckpt.json')).toThrow(/ckpt.json: a toy checkpoint, not a other one/);
    expect(Array.from(b.weight.dataSync())).toEqual(untouched);
    loadModelTrainingState('toy', b, optB, host, { kind: 'toy', optimizerStep: 1 });
    expect(Array.from(b.weight.dataSync())).toEqual(Array.from(a.weight.dataSync()));
    expect(optB.stepCount).toBe(1);
    tf.dispose(Object.values(g));
    for (const x of [optA, optB, a, b]) x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('checks every moment and the optimizer step before loading any weight, naming what is wrong', () => {
    const before = tf.memory().numTensors;
    const a = new Linear(3, 2);
    const parameters = a.trainableParameters().map(([n, p]) => [n, p.variable] as const);
    const optA = new AdamW(parameters);
    const saved = saveModelTrainingState('toy', {}, a, optA);
    const host = hostOf(saved.tensors as Record<string, tf.Tensor>);
    saved.dispose!();
    const b = new Linear(3, 2);
    const bParameters = b.trainableParameters().map(([n, p]) => [n, p.variable] as const);
    const optB = new AdamW(bParameters);
    const untouched = Array.from(b.weight.dataSync());
    const meta = { kind: 'toy', optimizerStep: 0 };
    const variant = (change: (m: Map<string, HostTensor>) => void) => {
      const copy = new Map(host);
      change(copy);
      return copy;
    };
    const misShaped = variant((m) => m.set('optimizer.weight.exp_avg', { dtype: 'F32', shape: [2, 2], data: new Float32Array(4) }));
    expect(() => loadModelTrainingState('toy', b, optB, misShaped, meta, 'ckpt', bParameters)).toThrow(/ckpt: the optimizer moments do not match[\s\S]*optimizer.weight.exp_avg: expected \[3, 2\], got \[2, 2\]/);
    const extra = variant((m) => m.set('optimizer.other.exp_avg', { dtype: 'F32', shape: [1], data: new Float32Array(1) }));
    expect(() => loadModelTrainingState('toy', b, optB, extra, meta, 'ckpt')).toThrow(/unexpected optimizer.other.exp_avg/);
    const missing = variant((m) => m.delete('optimizer.bias.exp_avg_sq'));
    expect(() => loadModelTrainingState('toy', b, optB, missing, meta, 'ckpt')).toThrow(/missing optimizer.bias.exp_avg_sq/);
    expect(() => loadModelTrainingState('toy', b, optB, host, { optimizerStep: 0 }, 'ckpt')).toThrow(/ckpt: a checkpoint without a kind tag/);
    expect(() => loadModelTrainingState('toy', b, optB, host, { kind: 'toy', optimizerStep: 1.5 }, 'ckpt')).toThrow(/meta.optimizerStep must be/);
    expect(Array.from(b.weight.dataSync())).toEqual(untouched);
    for (const x of [optA, optB, a, b]) x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
