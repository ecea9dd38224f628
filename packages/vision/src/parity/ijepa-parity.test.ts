import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { AdamW, initBackend, toTorchLayout, type MaskSet, type StateDict } from '@jepa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIJepa, type IJepaModel } from '../model/ijepa.js';
import { fixtureDir, loadFixtureTensors, maxAbs, maxAbsDiff } from '@jepa/core/testing';

const dir = fixtureDir('ijepa-tiny');

// Tolerances from shared/fixtures/README.md.
const FORWARD_ABS = 1e-4;
const LOSS_REL = 1e-5;
const GRAD_REL = 1e-4;
const WEIGHT_ABS = 1e-5;

// Both backends, the same tolerances: cpu (the reference) and wasm with the fast kernels (what users get).
describe.skipIf(!dir).each(['cpu', 'wasm'] as const)('I-JEPA parity with the official PyTorch code (fixtures/ijepa-tiny) on %s', (backend) => {
  let tensors: Map<string, tf.Tensor>;
  let model: IJepaModel;
  let spec: { model: Record<string, number>; steps: Array<{ lr: number; wd: number; momentum: number }> };

  const get = (key: string) => {
    const t = tensors.get(key);
    if (!t) throw new Error(`fixture has no tensor '${key}'`);
    return t;
  };
  const images = (step: number) => tf.transpose(get(`step${step}.images`), [0, 2, 3, 1]) as tf.Tensor4D;
  const masks = (step: number): MaskSet => {
    const collect = (kind: string) => [...tensors.keys()].filter((k) => k.startsWith(`step${step}.${kind}.`)).sort().map((k) => get(k) as tf.Tensor2D);
    return { context: collect('masks_enc'), target: collect('masks_pred') };
  };
  const weightsWithPrefix = (prefix: string): StateDict => {
    const out: StateDict = {};
    for (const [k, t] of tensors) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = t;
    return out;
  };

  beforeAll(async () => {
    const info = await initBackend({ backend });
    expect(info.backend).toBe(backend);
    tensors = await loadFixtureTensors(dir!);
    spec = JSON.parse(readFileSync(join(dir!, 'case.json'), 'utf8'));
    const m = spec.model;
    model = createIJepa({
      imageSize: m.image_size!,
      patchSize: m.patch_size!,
      inChannels: m.in_channels!,
      encoder: { embedDim: m.embed_dim!, depth: m.depth!, numHeads: m.num_heads! },
      predictor: { embedDim: m.predictor_embed_dim!, depth: m.predictor_depth!, numHeads: m.predictor_num_heads! },
    });
    model.loadStateDict(weightsWithPrefix('init.'), 'case.safetensors init.*');
  });

  afterAll(() => {
    model?.dispose();
    for (const t of tensors?.values() ?? []) t.dispose();
  });

  it('reproduces the step-1 forward pass: target encoder, context encoder, predictor, targets, loss', () => {
    const before = tf.memory().numTensors;
    const x = images(1);
    const out = model.jepa.forward(x, masks(1));
    try {
      const g = out.perGenerator[0]!;
      expect(maxAbsDiff(out.targetFull, get('step1.expected.target_full'))).toBeLessThan(FORWARD_ABS);
      expect(maxAbsDiff(g.context, get('step1.expected.context'))).toBeLessThan(FORWARD_ABS);
      expect(maxAbsDiff(g.prediction, get('step1.expected.prediction'))).toBeLessThan(FORWARD_ABS);
      expect(maxAbsDiff(g.target, get('step1.expected.target'))).toBeLessThan(FORWARD_ABS);
      const expectedLoss = get('step1.expected.loss').dataSync()[0]!;
      expect(Math.abs(out.loss.dataSync()[0]! - expectedLoss) / Math.abs(expectedLoss)).toBeLessThan(LOSS_REL);
    } finally {
      tf.dispose([x, out.targetFull, out.loss, ...out.perGenerator.flatMap((g) => [g.context, g.prediction, g.target, g.loss])]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reproduces every step-1 gradient of the encoder and predictor', () => {
    const x = images(1);
    const { loss, grads } = model.jepa.lossAndGradients(x, masks(1));
    try {
      const layouts = new Map([
        ...model.contextEncoder.namedParameters('encoder.'),
        ...model.predictor.namedParameters('predictor.'),
      ].map(([n, p]) => [n, p.layout]));
      const expectedKeys = [...tensors.keys()].filter((k) => k.startsWith('step1.grad.')).map((k) => k.slice('step1.grad.'.length));
      expect(Object.keys(grads).sort()).toEqual(expectedKeys.sort());
      for (const name of expectedKeys) {
        const expected = get(`step1.grad.${name}`);
        const ours = toTorchLayout(grads[name]!, layouts.get(name)!);
        const scale = maxAbs(expected);
        expect(maxAbsDiff(ours, expected) / scale, name).toBeLessThan(GRAD_REL);
        ours.dispose();
      }
    } finally {
      tf.dispose([x, loss, ...Object.values(grads)]);
    }
  });

  it('matches the weights after two AdamW steps with EMA', () => {
    const optimizer = new AdamW(model.jepa.trainableParameters(), { beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    try {
      for (const step of [1, 2]) {
        const x = images(step);
        const h = spec.steps[step - 1]!;
        const result = model.jepa.step(x, masks(step), optimizer, { lr: h.lr, weightDecay: h.wd, momentum: h.momentum });
        x.dispose();
        const expectedLoss = get(`step${step}.expected.loss`).dataSync()[0]!;
        expect(Math.abs(result.loss - expectedLoss) / Math.abs(expectedLoss)).toBeLessThan(LOSS_REL);
        const ours = model.stateDict();
        let compared = 0;
        for (const [key, t] of tensors) {
          const prefix = `step${step}.after.`;
          if (!key.startsWith(prefix)) continue;
          const name = key.slice(prefix.length);
          expect(ours[name], name).toBeDefined();
          expect(maxAbsDiff(ours[name]!, t), `${name} after step ${step}`).toBeLessThan(WEIGHT_ABS);
          compared++;
        }
        tf.dispose(Object.values(ours));
        expect(compared).toBeGreaterThan(50);
      }
    } finally {
      optimizer.dispose();
    }
  });
});
