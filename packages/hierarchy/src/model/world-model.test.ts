import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BlockCausalActionPredictor } from './block-causal-action-predictor.js';
import { createWorldModel, type WorldModelConfig } from './create-world-model.js';
import { GruActionPredictor } from './gru-action-predictor.js';
import { PatchConvEncoder } from './patch-conv-encoder.js';

const CONFIG: WorldModelConfig = {
  imageSize: 8,
  inChannels: 2,
  actionDim: 2,
  encoder: { stages: [4, 8], latentDim: 16 },
  predictor: { kind: 'gru' },
  inverseDynamics: { hiddenDim: 8 },
};

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('PatchConvEncoder', () => {
  it('maps frames [B, H, W, C] to one LayerNormed latent [B, 1, D] and checks its input', () => {
    const encoder = new PatchConvEncoder({ imageSize: 8, inChannels: 2, stages: [4, 8], latentDim: 16 });
    tf.tidy(() => {
      const z = encoder.encode(tf.randomNormal([3, 8, 8, 2], 0, 1, 'float32', 1) as tf.Tensor4D);
      expect(z.shape).toEqual([3, 1, 16]);
      const row = values(z).slice(0, 16);
      expect(row.reduce((a, b) => a + b, 0) / 16).toBeCloseTo(0, 4);
      expect(() => encoder.encode(tf.zeros([1, 8, 8, 3]) as tf.Tensor4D)).toThrow(/expected frames \[B, 8, 8, 2\]/);
    });
    expect(() => new PatchConvEncoder({ imageSize: 10, inChannels: 2, stages: [4, 8] })).toThrow(/multiple of 4/);
    encoder.dispose();
  });
});

describe('action-conditioned predictors', () => {
  it('GRU: the rollout is the step applied again and again, and actions change the prediction', () => {
    const predictor = new GruActionPredictor({ latentDim: 16, actionDim: 2 });
    tf.tidy(() => {
      const z0 = tf.randomNormal([2, 1, 16], 0, 1, 'float32', 2) as tf.Tensor3D;
      const actions = tf.randomNormal([2, 3, 2], 0, 1, 'float32', 3) as tf.Tensor3D;
      const rolled = predictor.rollout(z0, actions);
      expect(rolled.shape).toEqual([2, 3, 1, 16]);
      let z = tf.reshape(z0, [2, 16]) as tf.Tensor2D;
      for (let h = 0; h < 3; h++) z = predictor.step(z, tf.reshape(tf.slice(actions, [0, h, 0], [-1, 1, -1]), [2, 2]) as tf.Tensor2D);
      expect(values(tf.slice(rolled, [0, 2, 0, 0], [-1, 1, -1, -1]))).toEqual(values(z));
      const other = predictor.rollout(z0, tf.neg(actions) as tf.Tensor3D);
      expect(tf.max(tf.abs(tf.sub(other, rolled))).dataSync()[0]).toBeGreaterThan(1e-3);
    });
    predictor.dispose();
  });

  it('implements the core predictor contract: targets on the time grid from a context frame and the actions', () => {
    const predictor = new GruActionPredictor({ latentDim: 16, actionDim: 2 });
    tf.tidy(() => {
      const context = tf.randomNormal([2, 1, 16], 0, 1, 'float32', 4) as tf.Tensor3D;
      const actions = tf.randomNormal([2, 5, 2], 0, 1, 'float32', 5) as tf.Tensor3D; // frames 0..5
      // Sample 0 starts at frame 1, sample 1 at frame 0; both predict two later frames.
      const predicted = predictor.predict(context, [tf.tensor2d([[1], [0]], [2, 1], 'int32')], [tf.tensor2d([[2, 4], [1, 3]], [2, 2], 'int32')], { actions });
      expect(predicted.shape).toEqual([2, 2, 16]);
      const sample0 = predictor.rollout(tf.slice(context, [0, 0, 0], [1, -1, -1]) as tf.Tensor3D, tf.slice(actions, [0, 1, 0], [1, 3, -1]) as tf.Tensor3D);
      expect(values(tf.slice(predicted, [0, 1, 0], [1, 1, -1]))).toEqual(values(tf.slice(sample0, [0, 2, 0, 0], [1, 1, 1, -1])));
      expect(() => predictor.predict(context, [tf.tensor2d([[1], [0]], [2, 1], 'int32')], [tf.tensor2d([[1, 4], [1, 3]], [2, 2], 'int32')], { actions })).toThrow(/must come after its context frame/);
    });
    predictor.dispose();
  });

  it('block-causal transformer: a prediction never depends on later frames or actions, and its rollout feeds predictions back', () => {
    const predictor = new BlockCausalActionPredictor({ latentDim: 16, actionDim: 2, width: 16, depth: 1, numHeads: 2, maxFrames: 8 });
    tf.tidy(() => {
      const states = tf.randomNormal([1, 4, 16], 0, 1, 'float32', 6) as tf.Tensor3D;
      const actions = tf.randomNormal([1, 4, 2], 0, 1, 'float32', 7) as tf.Tensor3D;
      const base = predictor.predictNext(states, actions);
      const later = predictor.predictNext(tf.concat([tf.slice(states, [0, 0, 0], [1, 2, -1]), tf.mul(tf.slice(states, [0, 2, 0], [1, 2, -1]), -3)], 1) as tf.Tensor3D, tf.concat([tf.slice(actions, [0, 0, 0], [1, 2, -1]), tf.ones([1, 2, 2])], 1) as tf.Tensor3D);
      expect(values(tf.slice(later, [0, 0, 0], [1, 2, -1]))).toEqual(values(tf.slice(base, [0, 0, 0], [1, 2, -1])));
      expect(tf.max(tf.abs(tf.sub(tf.slice(later, [0, 2, 0], [1, 2, -1]), tf.slice(base, [0, 2, 0], [1, 2, -1])))).dataSync()[0]).toBeGreaterThan(1e-3);
      const rolled = predictor.rollout(tf.slice(states, [0, 0, 0], [1, 1, -1]) as tf.Tensor3D, tf.slice(actions, [0, 0, 0], [1, 2, -1]) as tf.Tensor3D);
      const first = tf.slice(predictor.predictNext(tf.slice(states, [0, 0, 0], [1, 1, -1]) as tf.Tensor3D, tf.slice(actions, [0, 0, 0], [1, 1, -1]) as tf.Tensor3D), [0, 0, 0], [1, 1, -1]);
      for (const [a, b] of values(tf.reshape(tf.slice(rolled, [0, 0, 0, 0], [1, 1, 1, -1]), [-1])).map((v, i) => [v, values(first)[i]!])) expect(a).toBeCloseTo(b!, 5);
    });
    predictor.dispose();
  });
});

describe('createWorldModel', () => {
  it('builds a WorldModel whose state round-trips strictly under encoder./predictor./inverse_dynamics. names, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const model = createWorldModel(CONFIG, { seed: 1 });
    const twin = createWorldModel(CONFIG, { seed: 1 });
    const state = model.stateDict();
    expect(Object.keys(state).some((k) => k.startsWith('predictor.gru.weight_ih'))).toBe(true);
    expect(Object.keys(state).some((k) => k.startsWith('inverse_dynamics.fc1.weight'))).toBe(true);
    const other = createWorldModel(CONFIG, { seed: 2 });
    other.loadStateDict(state);
    tf.tidy(() => {
      const frames = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 8) as tf.Tensor4D;
      expect(values(other.encode(frames))).toEqual(values(model.encode(frames)));
      expect(values(twin.encode(frames))).toEqual(values(model.encode(frames)));
      const z = model.encode(frames);
      expect(model.rollout(z, tf.zeros([2, 4, 2]) as tf.Tensor3D).shape).toEqual([2, 4, 1, 16]);
    });
    const { ['predictor.norm.bias']: dropped, ...partial } = state;
    expect(() => other.loadStateDict(partial)).toThrow(/predictor\.norm\.bias/);
    tf.dispose([...Object.values(state), dropped!]);
    for (const m of [model, twin, other]) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
