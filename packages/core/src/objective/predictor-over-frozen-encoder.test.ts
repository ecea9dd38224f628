import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
// Only the package barrel: this is what a user of @jepa/core can write.
import {
  AdamW,
  applyMasks,
  disposeMasks,
  guardedUpdate,
  initBackend,
  JepaPredictor,
  l1Loss,
  layerNorm,
  LinearTokenEmbedding,
  type Masks,
  MultiBlockMaskSampler,
  repeatInterleaveBatch,
  Rng,
  TransformerEncoder,
  withInitSeed,
} from '../index.js';

/**
 * An objective written from the public API alone, as an action-conditioned or higher-level
 * predictor would be: a frozen encoder gives both the context tokens and the layer-normed targets;
 * only the predictor is trained, through `guardedUpdate` over the predictor's parameters.
 */
class PredictorOverFrozenEncoder {
  readonly optimizer: AdamW;
  readonly parameters: Array<[string, tf.Variable]>;

  constructor(readonly encoder: TransformerEncoder<tf.Tensor3D>, readonly predictor: JepaPredictor) {
    this.parameters = predictor.trainableParameters('predictor.').map(([name, p]) => [name, p.variable]);
    this.optimizer = new AdamW(this.parameters);
  }

  step(x: tf.Tensor3D, masks: Masks, lr: number): number {
    const { context, targets } = tf.tidy(() => {
      const batch = x.shape[0];
      const normed = layerNorm(this.encoder.encode(x), 1e-5) as tf.Tensor3D;
      return {
        context: this.encoder.encode(x, masks.context),
        targets: repeatInterleaveBatch(applyMasks(normed, masks.target), batch, masks.context.length),
      };
    });
    try {
      const loss = () => l1Loss(this.predictor.predict(context, masks.context, masks.target), targets);
      return guardedUpdate(loss, { parameters: this.parameters, optimizer: this.optimizer, lr, weightDecay: 0.01 }).loss;
    } finally {
      tf.dispose([context, targets]);
    }
  }
}

/** Noisy sinusoids with a random frequency and phase per sample: `[B, L, 1]`. */
function sinusoids(batch: number, length: number, rng: Rng): tf.Tensor3D {
  const data = new Float32Array(batch * length);
  for (let b = 0; b < batch; b++) {
    const freq = rng.range(0.2, 0.8);
    const phase = rng.range(0, 2 * Math.PI);
    for (let t = 0; t < length; t++) data[b * length + t] = Math.sin(freq * t + phase) + 0.05 * rng.normal();
  }
  return tf.tensor3d(data, [batch, length, 1]);
}

const snapshot = (module: { stateDict(): Record<string, tf.Tensor> }) =>
  Object.fromEntries(Object.entries(module.stateDict()).map(([name, t]) => [name, Array.from(t.dataSync())]));

describe('a predictor trained over a frozen encoder, from the public API alone', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('leaves the encoder bit-identical while the predictor learns and the loss falls', () => {
    const length = 24;
    const [encoder, predictor] = withInitSeed(11, () => [
      new TransformerEncoder(new LinearTokenEmbedding(length, 1, 16), { depth: 1, numHeads: 2 }),
      new JepaPredictor({ grid: [length], embedDim: 16, predictorEmbedDim: 16, depth: 1, numHeads: 2 }),
    ] as const);
    const objective = new PredictorOverFrozenEncoder(encoder, predictor);
    const sampler = new MultiBlockMaskSampler({ grid: [length], numTargetBlocks: 2, minKeep: 2 });
    const rng = new Rng(5);
    const encoderBefore = snapshot(encoder);
    const predictorBefore = snapshot(predictor);
    const tensorsBefore = tf.memory().numTensors;
    const losses: number[] = [];
    for (let step = 0; step < 30; step++) {
      const x = sinusoids(16, length, rng);
      const masks = sampler.sample(16, rng);
      losses.push(objective.step(x, masks, 3e-3));
      x.dispose();
      disposeMasks(masks);
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(snapshot(encoder)).toEqual(encoderBefore);
    const predictorAfter = snapshot(predictor);
    expect(predictorAfter['predictor_proj.weight']).not.toEqual(predictorBefore['predictor_proj.weight']);
    expect(predictorAfter['mask_token']).not.toEqual(predictorBefore['mask_token']);
    const head = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
    const tail = losses.slice(-5).reduce((a, b) => a + b) / 5;
    expect(tail).toBeLessThan(head * 0.8);
    objective.optimizer.dispose();
    encoder.dispose();
    predictor.dispose();
  });
});
