import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { applyMasks } from '../masks/apply-masks.js';
import type { EncodeOptions, Encoder, Predictor, TokenIndex } from '../model/contracts.js';
import { Module } from '../nn/module.js';
import { AdamW } from '../optim/adamw.js';
import type { Optimizer } from '../optim/optimizer.js';
import { useBackendForThisFile } from '../testing/use-backend.js';
import { Jepa, type MaskSet } from './jepa.js';
import type { TargetUpdate } from './target-update.js';

useBackendForThisFile('cpu');

// Tiny stand-ins whose outputs are easy to compute by hand. Shapes: B 2, N 4, D 3.
const [B, N, D] = [2, 4, 3];
const X = [
  [[0.5, -1, 2], [1, 0, -0.5], [-2, 1.5, 0.25], [0.75, 2, -1]],
  [[1.5, 0.5, -1], [-0.25, -2, 1], [2, 1, 0], [-1, 0.5, 1.25]],
];

/** `encode(x) = x * scale` per channel, then the kept tokens. Parameter `scale` `[D]`. */
class ScaleEncoder extends Module implements Encoder<tf.Tensor3D> {
  readonly embedDim = D;
  readonly grid = [N];
  readonly scale: tf.Variable;
  constructor(scale: number[]) {
    super();
    this.scale = this.addParameter('scale', tf.tensor1d(scale));
  }
  encode(x: tf.Tensor3D, keep?: TokenIndex[], _options?: EncodeOptions): tf.Tensor3D {
    return tf.tidy(() => {
      const scaled = tf.mul(x, this.scale) as tf.Tensor3D;
      return keep && keep.length > 0 ? applyMasks(scaled, keep) : scaled;
    });
  }
}

/** Every target token = mean of its row's context tokens + `bias` + `condition.offset`; records the conditions. */
class MeanPredictor extends Module implements Predictor<{ offset: number }> {
  readonly bias: tf.Variable;
  readonly conditions: Array<{ offset: number } | undefined> = [];
  constructor() {
    super();
    this.bias = this.addParameter('bias', tf.tensor1d([0.1, -0.2, 0.3]));
  }
  predict(context: tf.Tensor3D, _contextIndex: TokenIndex[], targetIndex: TokenIndex[], condition?: { offset: number }): tf.Tensor3D {
    this.conditions.push(condition);
    return tf.tidy(() => {
      const mean = tf.mean(context, 1, true);
      const tiled = tf.tile(mean, [targetIndex.length, targetIndex[0]!.shape[1], 1]);
      return tf.add(tf.add(tiled, this.bias), condition?.offset ?? 0) as tf.Tensor3D;
    });
  }
}

// Hand computation of the same objective (smooth-L1, layer norm eps 1e-5).
const layerNormed = (token: number[]) => {
  const mean = token.reduce((a, b) => a + b) / token.length;
  const variance = token.reduce((a, b) => a + (b - mean) ** 2, 0) / token.length;
  return token.map((v) => (v - mean) / Math.sqrt(variance + 1e-5));
};
const smoothL1 = (a: number) => (Math.abs(a) < 1 ? 0.5 * a * a : Math.abs(a) - 0.5);
function handLoss(contextScale: number[], targetScale: number[], bias: number[], masks: { context: number[][][]; target: number[][][] }, offset: number): number {
  let sum = 0;
  let count = 0;
  for (const targetSet of masks.target) {
    for (const contextSet of masks.context) {
      for (let b = 0; b < B; b++) {
        const mean = [0, 1, 2].map((d) => contextSet[b]!.reduce((s, n) => s + X[b]![n]![d]! * contextScale[d]!, 0) / contextSet[b]!.length);
        for (const n of targetSet[b]!) {
          const target = layerNormed(X[b]![n]!.map((v, d) => v * targetScale[d]!));
          for (let d = 0; d < D; d++) {
            sum += smoothL1(mean[d]! + bias[d]! + offset - target[d]!);
            count++;
          }
        }
      }
    }
  }
  return sum / count;
}

const MASK_ROWS = {
  first: { context: [[[0, 1], [1, 3]], [[2, 3], [0, 2]]], target: [[[3], [2]]] },
  second: { context: [[[0, 2, 3], [1, 2, 3]]], target: [[[1], [0]], [[0], [3]]] },
};
const toMaskSet = (rows: { context: number[][][]; target: number[][][] }): MaskSet => ({
  context: rows.context.map((r) => tf.tensor2d(r, undefined, 'int32') as tf.Tensor2D),
  target: rows.target.map((r) => tf.tensor2d(r, undefined, 'int32') as tf.Tensor2D),
});
const disposeSets = (...sets: MaskSet<unknown>[]) => sets.forEach((s) => tf.dispose([...s.context, ...s.target]));

function build(options: { targetUpdate?: 'ema' | 'frozen' | TargetUpdate; conditionForGenerator?: (g: number) => { offset: number } | undefined } = {}) {
  const contextEncoder = new ScaleEncoder([1, 2, 0.5]);
  const targetEncoder = new ScaleEncoder([0.5, 1, 2]);
  const predictor = new MeanPredictor();
  const jepa = new Jepa<tf.Tensor3D, { offset: number }>({ contextEncoder, targetEncoder, predictor, ...options });
  const dispose = () => [contextEncoder, targetEncoder, predictor].forEach((m) => m.dispose());
  return { contextEncoder, targetEncoder, predictor, jepa, dispose };
}
const values = (v: tf.Variable) => Array.from(v.dataSync());

describe('Jepa', () => {
  it('loss: smooth-L1 between predictions and layer-normed target-encoder tokens, averaged over generators, as computed by hand', () => {
    const { jepa, predictor, dispose } = build({ conditionForGenerator: (g) => ({ offset: g === 1 ? -1 : 99 }) });
    const x = tf.tensor3d(X);
    const first: MaskSet<{ offset: number }> = { ...toMaskSet(MASK_ROWS.first), condition: { offset: 0.25 } };
    const second = toMaskSet(MASK_ROWS.second);
    const before = tf.memory().numTensors;
    const out = jepa.forward(x, [first, second]);
    const expectedFirst = handLoss([1, 2, 0.5], [0.5, 1, 2], [0.1, -0.2, 0.3], MASK_ROWS.first, 0.25);
    const expectedSecond = handLoss([1, 2, 0.5], [0.5, 1, 2], [0.1, -0.2, 0.3], MASK_ROWS.second, -1);
    expect(out.perGenerator[0]!.loss.dataSync()[0]).toBeCloseTo(expectedFirst, 5);
    expect(out.perGenerator[1]!.loss.dataSync()[0]).toBeCloseTo(expectedSecond, 5);
    expect(out.loss.dataSync()[0]).toBeCloseTo((expectedFirst + expectedSecond) / 2, 5);
    // The MaskSet's own condition wins; conditionForGenerator fills in for the set that has none.
    expect(predictor.conditions).toEqual([{ offset: 0.25 }, { offset: -1 }]);
    expect(out.perGenerator[0]!.prediction.shape).toEqual([B * 2, 1, D]);
    expect(out.perGenerator[1]!.target.shape).toEqual([B * 2, 1, D]);
    tf.dispose([out.targetFull, out.loss, ...out.perGenerator.flatMap((g) => [g.context, g.prediction, g.target, g.loss])]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    disposeSets(first, second);
    dispose();
  });

  it('passes no condition when neither the MaskSet nor the Jepa gives one: it knows nothing about mask tokens', () => {
    const { jepa, predictor, dispose } = build();
    const x = tf.tensor3d(X);
    const sets = [toMaskSet(MASK_ROWS.first), toMaskSet(MASK_ROWS.second)];
    const { loss, grads } = jepa.lossAndGradients(x, sets);
    expect(predictor.conditions).toEqual([undefined, undefined]);
    expect(Object.keys(grads).sort()).toEqual(['encoder.scale', 'predictor.bias']);
    expect(loss.dataSync()[0]).toBeCloseTo((handLoss([1, 2, 0.5], [0.5, 1, 2], [0.1, -0.2, 0.3], MASK_ROWS.first, 0) + handLoss([1, 2, 0.5], [0.5, 1, 2], [0.1, -0.2, 0.3], MASK_ROWS.second, 0)) / 2, 5);
    tf.dispose([loss, ...Object.values(grads), x]);
    disposeSets(...sets);
    dispose();
  });

  it('step (default EMA): the target becomes m * target + (1 - m) * the updated context encoder', () => {
    const { jepa, contextEncoder, targetEncoder, predictor, dispose } = build();
    const optimizer = new AdamW(jepa.trainableParameters());
    const x = tf.tensor3d(X);
    const masks = toMaskSet(MASK_ROWS.first);
    const before = tf.memory().numTensors;
    const targetBefore = values(targetEncoder.scale);
    const biasBefore = values(predictor.bias);
    const result = jepa.step(x, masks, optimizer, { lr: 0.1, weightDecay: 0, momentum: 0.9 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.loss).toBeCloseTo(handLoss([1, 2, 0.5], [0.5, 1, 2], biasBefore, MASK_ROWS.first, 0), 5);
    const online = values(contextEncoder.scale);
    expect(online).not.toEqual([1, 2, 0.5]);
    expect(values(predictor.bias)).not.toEqual(biasBefore);
    values(targetEncoder.scale).forEach((v, d) => expect(v).toBeCloseTo(0.9 * targetBefore[d]! + 0.1 * online[d]!, 6));
    tf.dispose([x, ...masks.context, ...masks.target]);
    optimizer.dispose();
    dispose();
  });

  it('step with targetUpdate "frozen": the target encoder stays bit for bit, no momentum needed', () => {
    const { jepa, contextEncoder, targetEncoder, dispose } = build({ targetUpdate: 'frozen' });
    const optimizer = new AdamW(jepa.trainableParameters());
    const x = tf.tensor3d(X);
    const masks = toMaskSet(MASK_ROWS.second);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) jepa.step(x, masks, optimizer, { lr: 0.1, weightDecay: 0.05 });
    expect(tf.memory().numTensors).toBe(before);
    expect(values(targetEncoder.scale)).toEqual([0.5, 1, 2]);
    expect(values(contextEncoder.scale)).not.toEqual([1, 2, 0.5]);
    tf.dispose([x, ...masks.context, ...masks.target]);
    optimizer.dispose();
    dispose();
  });

  it('takes any Optimizer and a custom TargetUpdate; an EMA step without momentum changes nothing', () => {
    const calls: Array<{ momentum?: number }> = [];
    const custom: TargetUpdate = { update: (_target, _online, hyper) => void calls.push(hyper) };
    const { jepa, contextEncoder, predictor, dispose } = build({ targetUpdate: custom });
    const received: string[] = [];
    const sgd: Optimizer = {
      step(grads, lr) {
        received.push(...Object.keys(grads));
        for (const [name, v] of jepa.trainableParameters()) tf.tidy(() => v.assign(tf.sub(v, tf.mul(grads[name]!, lr))));
      },
    };
    const x = tf.tensor3d(X);
    const masks = toMaskSet(MASK_ROWS.first);
    jepa.step(x, masks, sgd, { lr: 0.5, weightDecay: 0, momentum: 0.7 });
    expect(received).toEqual(['encoder.scale', 'predictor.bias']);
    expect(calls).toEqual([{ lr: 0.5, weightDecay: 0, momentum: 0.7 }]);

    const ema = build();
    const optimizer = new AdamW(ema.jepa.trainableParameters());
    const before = tf.memory().numTensors;
    expect(() => ema.jepa.step(x, masks, optimizer, { lr: 0.1, weightDecay: 0 })).toThrow(/needs hyper.momentum in \[0, 1\]/);
    expect(tf.memory().numTensors).toBe(before);
    expect(optimizer.stepCount).toBe(0);
    expect(values(ema.contextEncoder.scale)).toEqual([1, 2, 0.5]);
    expect(values(ema.predictor.bias)).toEqual([expect.closeTo(0.1, 7), expect.closeTo(-0.2, 7), expect.closeTo(0.3, 7)]);
    expect(values(contextEncoder.scale)).not.toEqual([1, 2, 0.5]);
    expect(predictor.conditions).toHaveLength(1);
    tf.dispose([x, ...masks.context, ...masks.target]);
    optimizer.dispose();
    ema.dispose();
    dispose();
  });

  it('refuses an unknown target update and one module as both encoders', () => {
    const encoder = new ScaleEncoder([1, 1, 1]);
    const other = new ScaleEncoder([1, 1, 1]);
    const predictor = new MeanPredictor();
    expect(() => new Jepa({ contextEncoder: encoder, targetEncoder: other, predictor, targetUpdate: 'still' as 'frozen' })).toThrow(/unknown targetUpdate 'still'; use 'ema' or 'frozen', or pass a TargetUpdate object/);
    expect(() => new Jepa({ contextEncoder: encoder, targetEncoder: encoder, predictor })).toThrow(/must be two modules/);
    [encoder, other, predictor].forEach((m) => m.dispose());
  });
});
