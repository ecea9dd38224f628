import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { AdamW, initBackend, toTorchLayout, type MaskSet, type StateDict } from '@jepa/core';
import { fixtureDir, loadFixtureTensors, maxAbs, maxAbsDiff } from '@jepa/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVJepa, type VJepaModel } from '../model/vjepa.js';

const dir = fixtureDir('vjepa-tiny');

// Tolerances from shared/fixtures/README.md.
const FORWARD_ABS = 1e-4;
const LOSS_REL = 1e-5;
const GRAD_REL = 1e-4;
const WEIGHT_ABS = 1e-5;

/** Largest deviation seen per check, printed at the end (for the record, not asserted). */
const worst: Record<string, number> = {};
const record = (check: string, value: number) => {
  worst[check] = Math.max(worst[check] ?? 0, value);
  return value;
};

// Both backends, the same tolerances: cpu (the reference) and wasm with the fast kernels (what users get).
describe.skipIf(!dir).each(['cpu', 'wasm'] as const)('V-JEPA parity with the official PyTorch code (fixtures/vjepa-tiny) on %s', (backend) => {
  let tensors: Map<string, tf.Tensor>;
  let model: VJepaModel;
  let spec: { model: Record<string, number>; masks: unknown[]; steps: Array<{ lr: number; wd: number; momentum: number }> };

  const get = (key: string) => {
    const t = tensors.get(key);
    if (!t) throw new Error(`fixture has no tensor '${key}'`);
    return t;
  };
  /** NCTHW as the official code -> channels-last NTHWC. */
  const clips = (step: number) => tf.transpose(get(`step${step}.clips`), [0, 2, 3, 4, 1]) as tf.Tensor5D;
  /** One MaskSet per mask generator J: masks_enc.J with masks_pred.J. */
  const masks = (step: number): MaskSet[] =>
    spec.masks.map((_, j) => ({ context: [get(`step${step}.masks_enc.${j}`) as tf.Tensor2D], target: [get(`step${step}.masks_pred.${j}`) as tf.Tensor2D] }));
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
    model = createVJepa({
      numFrames: m.num_frames!,
      tubeletSize: m.tubelet_size!,
      imageSize: m.image_size!,
      patchSize: m.patch_size!,
      inChannels: m.in_channels!,
      encoder: { embedDim: m.embed_dim!, depth: m.depth!, numHeads: m.num_heads! },
      predictor: { embedDim: m.predictor_embed_dim!, depth: m.predictor_depth!, numHeads: m.predictor_num_heads! },
      numMaskTokens: m.num_mask_tokens!,
    });
    model.loadStateDict(weightsWithPrefix('init.'), 'case.safetensors init.*');
  });

  afterAll(() => {
    model?.dispose();
    for (const t of tensors?.values() ?? []) t.dispose();
    console.info(`V-JEPA parity, largest deviations: ${JSON.stringify(worst)}`);
  });

  it('builds the fixture model: grid [4, 4, 4], two mask tokens, pos_embed equal to the official table', () => {
    expect(model.grid).toEqual([4, 4, 4]);
    expect(model.predictor.maskTokens).toHaveLength(2);
    const ours = model.contextEncoder.posEmbed;
    expect(record('pos_embed', maxAbsDiff(ours, get('init.encoder.pos_embed')))).toBeLessThan(1e-6);
    expect(record('pos_embed', maxAbsDiff(model.predictor.posEmbed, get('init.predictor.predictor_pos_embed')))).toBeLessThan(1e-6);
  });

  it('reproduces the step-1 forward pass per mask generator: target encoder, context encoder, predictor, targets, loss', () => {
    const before = tf.memory().numTensors;
    const x = clips(1);
    const out = model.jepa.forward(x, masks(1));
    try {
      expect(out.perGenerator).toHaveLength(spec.masks.length);
      expect(record('target_full', maxAbsDiff(out.targetFull, get('step1.expected.target_full')))).toBeLessThan(FORWARD_ABS);
      out.perGenerator.forEach((g, j) => {
        expect(record('context', maxAbsDiff(g.context, get(`step1.expected.context.${j}`))), `context.${j}`).toBeLessThan(FORWARD_ABS);
        expect(record('prediction', maxAbsDiff(g.prediction, get(`step1.expected.prediction.${j}`))), `prediction.${j}`).toBeLessThan(FORWARD_ABS);
        expect(record('target', maxAbsDiff(g.target, get(`step1.expected.target.${j}`))), `target.${j}`).toBeLessThan(FORWARD_ABS);
      });
      const expectedLoss = get('step1.expected.loss').dataSync()[0]!;
      expect(record('loss_rel', Math.abs(out.loss.dataSync()[0]! - expectedLoss) / Math.abs(expectedLoss))).toBeLessThan(LOSS_REL);
    } finally {
      tf.dispose([x, out.targetFull, out.loss, ...out.perGenerator.flatMap((g) => [g.context, g.prediction, g.target, g.loss])]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('uses each generator\'s own mask token: swapping the tokens changes the predictions', () => {
    const x = clips(1);
    const [first, second] = model.predictor.maskTokens as [tf.Variable, tf.Variable];
    const saved = [first.clone(), second.clone()];
    try {
      first.assign(saved[1]!);
      second.assign(saved[0]!);
      const out = model.jepa.forward(x, masks(1));
      const shift = maxAbsDiff(out.perGenerator[0]!.prediction, get('step1.expected.prediction.0'));
      tf.dispose([out.targetFull, out.loss, ...out.perGenerator.flatMap((g) => [g.context, g.prediction, g.target, g.loss])]);
      expect(shift).toBeGreaterThan(100 * FORWARD_ABS);
    } finally {
      first.assign(saved[0]!);
      second.assign(saved[1]!);
      tf.dispose([x, ...saved]);
    }
  });

  it('reproduces every step-1 gradient of the encoder and predictor (mask tokens included)', () => {
    const x = clips(1);
    const before = tf.memory().numTensors;
    const { loss, grads } = model.jepa.lossAndGradients(x, masks(1));
    try {
      const layouts = new Map([
        ...model.contextEncoder.namedParameters('encoder.'),
        ...model.predictor.namedParameters('predictor.'),
      ].map(([n, p]) => [n, p.layout]));
      const expectedKeys = [...tensors.keys()].filter((k) => k.startsWith('step1.grad.')).map((k) => k.slice('step1.grad.'.length));
      expect(Object.keys(grads).sort()).toEqual(expectedKeys.sort());
      expect(expectedKeys).toContain('predictor.mask_tokens.1');
      expect(expectedKeys).toContain('encoder.patch_embed.proj.weight');
      for (const name of expectedKeys) {
        const expected = get(`step1.grad.${name}`);
        const ours = toTorchLayout(grads[name]!, layouts.get(name)!);
        const scale = maxAbs(expected);
        expect(record('grad_rel', maxAbsDiff(ours, expected) / scale), name).toBeLessThan(GRAD_REL);
        ours.dispose();
      }
    } finally {
      tf.dispose([loss, ...Object.values(grads)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('matches the weights after two AdamW steps with EMA (momentum from case.json)', () => {
    const optimizer = new AdamW(model.jepa.trainableParameters(), { beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    try {
      for (const step of [1, 2]) {
        const x = clips(step);
        const h = spec.steps[step - 1]!;
        const result = model.jepa.step(x, masks(step), optimizer, { lr: h.lr, weightDecay: h.wd, momentum: h.momentum });
        x.dispose();
        const expectedLoss = get(`step${step}.expected.loss`).dataSync()[0]!;
        expect(record('loss_rel', Math.abs(result.loss - expectedLoss) / Math.abs(expectedLoss))).toBeLessThan(LOSS_REL);
        const ours = model.stateDict();
        let compared = 0;
        const prefix = `step${step}.after.`;
        for (const [key, t] of tensors) {
          if (!key.startsWith(prefix)) continue;
          const name = key.slice(prefix.length);
          expect(ours[name], name).toBeDefined();
          expect(record('weights_after', maxAbsDiff(ours[name]!, t)), `${name} after step ${step}`).toBeLessThan(WEIGHT_ABS);
          compared++;
        }
        tf.dispose(Object.values(ours));
        // Every weight of the three modules (91 in this fixture) was compared.
        expect(compared).toBe([model.contextEncoder, model.predictor, model.targetEncoder].reduce((n, m) => n + m.namedParameters().length, 0));
      }
    } finally {
      optimizer.dispose();
    }
  });
});
