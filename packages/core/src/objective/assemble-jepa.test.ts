import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { LinearTokenEmbedding } from '../model/linear-token-embedding.js';
import { JepaPredictor } from '../model/jepa-predictor.js';
import { TransformerEncoder } from '../model/transformer-encoder.js';
import { useBackendForThisFile } from '../testing/use-backend.js';
import { assembleJepa } from './assemble-jepa.js';

useBackendForThisFile('cpu');

const encoder = () => new TransformerEncoder(new LinearTokenEmbedding(6, 2, 8), { depth: 1, numHeads: 2 });

describe('assembleJepa', () => {
  it('builds a target encoder that starts as a copy of the context encoder, and the objective over the three modules', () => {
    const before = tf.memory().numTensors;
    const model = assembleJepa({ createEncoder: encoder, createPredictor: (e) => new JepaPredictor({ grid: e.grid, embedDim: 8, predictorEmbedDim: 8, depth: 1, numHeads: 2 }) });
    const context = model.contextEncoder.stateDict();
    const target = model.targetEncoder.stateDict();
    const all = model.stateDict();
    try {
      expect(model.targetEncoder).not.toBe(model.contextEncoder);
      for (const [key, tensor] of Object.entries(context)) expect(Array.from(target[key]!.dataSync())).toEqual(Array.from(tensor.dataSync()));
      expect(model.jepa.predictor).toBe(model.predictor);
      expect(Object.keys(all).some((key) => key.startsWith('target_encoder.'))).toBe(true);
    } finally {
      tf.dispose([...Object.values(context), ...Object.values(target), ...Object.values(all)]);
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('disposes the encoders it built when the predictor cannot be built (and the predictor leaks nothing either)', () => {
    const before = tf.memory().numTensors;
    expect(() => assembleJepa({ createEncoder: encoder, createPredictor: () => { throw new Error('no predictor'); } })).toThrow('no predictor');
    expect(tf.memory().numTensors).toBe(before);
    expect(() => assembleJepa({ createEncoder: encoder, createPredictor: (e) => new JepaPredictor({ grid: e.grid, embedDim: 8, predictorEmbedDim: 8, depth: 1, numHeads: 3 }) })).toThrow(/not divisible by 3 heads/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
