import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MultiBlockMaskSampler } from '../masks/multiblock-mask-sampler.js';
import { JepaPredictor } from '../model/jepa-predictor.js';
import { jepaModuleState } from '../model/jepa-modules.js';
import { LinearTokenEmbedding } from '../model/linear-token-embedding.js';
import { TransformerEncoder } from '../model/transformer-encoder.js';
import { withInitSeed } from '../nn/init.js';
import { Jepa, type StepHyperParameters } from '../objective/jepa.js';
import { warmupCosineLr } from '../optim/schedules.js';
import { Rng } from '../random/rng.js';
import { checkTrainableConformance } from '../testing/check-trainable-conformance.js';
import { JepaTrainable, type JepaTrainableModel } from './jepa-trainable.js';
import { train } from './trainer.js';
import { TrainingDivergedError } from './training-diverged-error.js';

const LENGTH = 16;
const WIDTH = 8;

/** A JEPA over 1-D token sequences `[B, L, 1]`: nothing image- or video-specific. */
function sequenceJepa(seed: number): JepaTrainableModel<tf.Tensor3D> {
  return withInitSeed(seed, () => {
    const build = () => new TransformerEncoder(new LinearTokenEmbedding(LENGTH, 1, WIDTH), { depth: 1, numHeads: 2 });
    const contextEncoder = build();
    const targetEncoder = build();
    targetEncoder.copyFrom(contextEncoder);
    const predictor = new JepaPredictor({ grid: [LENGTH], embedDim: WIDTH, predictorEmbedDim: 8, depth: 1, numHeads: 2 });
    const modules = { contextEncoder, targetEncoder, predictor };
    return { ...jepaModuleState(modules), jepa: new Jepa<tf.Tensor3D>({ ...modules, loss: 'l1' }), targetEncoder };
  });
}

/** `count` noisy sinusoids `[count, L]`, drawn once. */
function sinusoids(count: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const data = new Float32Array(count * LENGTH);
  for (let i = 0; i < count; i++) {
    const freq = rng.range(0.2, 0.8);
    const phase = rng.range(0, 2 * Math.PI);
    for (let t = 0; t < LENGTH; t++) data[i * LENGTH + t] = Math.sin(freq * t + phase) + 0.05 * rng.normal();
  }
  return data;
}

interface SequenceConfig {
  readonly seed: number;
  readonly batchSize: number;
  readonly steps: number;
  /** Smallest fraction of the sequence a target block covers (too small a one makes the sampler throw). */
  readonly targetScale?: number;
  /** Load batches asynchronously (as a clip stream would), reporting dataWait. */
  readonly async?: boolean;
  /** Peak learning rate (default 3e-3). */
  readonly lr?: number;
}

/** The smallest family on the skeleton: in-memory sequences, one warm-up cosine lr, fixed decay and momentum. */
class SequenceTrainable extends JepaTrainable<tf.Tensor3D, JepaTrainableModel<tf.Tensor3D>, SequenceConfig> {
  constructor(config: SequenceConfig, readonly data: Float32Array, readonly probe?: Float32Array) {
    super({
      kind: 'sequence-jepa',
      config,
      seed: config.seed,
      batchSize: config.batchSize,
      sampleCount: data.length / LENGTH,
      model: sequenceJepa(config.seed),
      createSampler: () => new MultiBlockMaskSampler({ grid: [LENGTH], numTargetBlocks: 2, targetScale: [config.targetScale ?? 0.2, 0.3], minKeep: 2 }),
    });
  }

  hyperParameters(step: number): StepHyperParameters {
    return { lr: warmupCosineLr(step, { warmupSteps: 1, totalSteps: this.config.steps, startLr: 1e-4, refLr: this.config.lr ?? 3e-3, finalLr: 1e-5 }), weightDecay: 0.04, momentum: 0.99 };
  }

  private batch(step: number): tf.Tensor3D {
    const rows = this.batchIndices(step);
    const out = new Float32Array(rows.length * LENGTH);
    rows.forEach((row, i) => out.set(this.data.subarray(row * LENGTH, (row + 1) * LENGTH), i * LENGTH));
    return tf.tensor3d(out, [rows.length, LENGTH, 1]);
  }

  protected inputFor(step: number): tf.Tensor3D | Promise<tf.Tensor3D> {
    return this.config.async ? new Promise((resolve) => setTimeout(() => resolve(this.batch(step)), 1)) : this.batch(step);
  }

  protected override reportsDataWait(): boolean {
    return this.config.async === true;
  }

  protected probeFeatures(): Float32Array | undefined {
    if (!this.probe) return undefined;
    const n = this.probe.length / LENGTH;
    return tf.tidy(() => (this.model.jepa as Jepa<tf.Tensor3D>).targetEncoder.encode(tf.tensor3d(this.probe!, [n, LENGTH, 1])).mean(1).dataSync() as Float32Array);
  }
}

const config: SequenceConfig = { seed: 5, batchSize: 4, steps: 6 };
const data = sinusoids(10, 1);
const probe = sinusoids(6, 2);

describe('JepaTrainable', () => {
  it('runs a family\'s update: metrics in a fixed order, masks and batches from (seed, step), nothing leaked', () => {
    const before = tf.memory().numTensors;
    const a = new SequenceTrainable(config, data);
    const b = new SequenceTrainable(config, data);
    try {
      expect(a.stepsPerEpoch).toBe(2); // 10 sequences, batches of 4: the partial batch is dropped
      expect([1, 2, 3, 5].map((s) => a.epochOf(s))).toEqual([0, 0, 1, 2]);
      const epoch = [...a.batchIndices(1), ...a.batchIndices(2)];
      expect(new Set(epoch).size).toBe(8);
      expect(Array.from(a.batchIndices(3))).not.toEqual(Array.from(a.batchIndices(1)));
      const m = a.trainStep(1);
      expect(m).not.toBeInstanceOf(Promise); // a synchronous family gets a synchronous update
      expect(Object.keys(m)).toEqual(['loss', 'gradNorm', 'lr', 'weightDecay', 'momentum', 'epoch']);
      expect(m).toMatchObject({ lr: a.hyperParameters(1).lr, weightDecay: 0.04, momentum: 0.99, epoch: 0 });
      expect(b.trainStep(1)).toEqual(m);
      expect(() => a.batchIndices(0)).toThrow(/step is 1-based/);
    } finally {
      a.dispose();
      b.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('awaits a family\'s asynchronous batch and reports how long it waited', async () => {
    const t = new SequenceTrainable({ ...config, async: true }, data);
    const sync = new SequenceTrainable(config, data);
    try {
      const pending = t.trainStep(1);
      expect(pending).toBeInstanceOf(Promise);
      const m = await pending;
      expect(Object.keys(m)).toEqual(['loss', 'gradNorm', 'lr', 'weightDecay', 'momentum', 'epoch', 'dataWait']);
      expect(m.dataWait).toBeGreaterThan(0);
      const { dataWait: _wait, ...rest } = m;
      expect(rest).toEqual(sync.trainStep(1)); // same update either way
    } finally {
      await t.close();
      await sync.close();
    }
  });

  it('turns the family\'s probe features into collapse metrics', async () => {
    const t = new SequenceTrainable(config, data, probe);
    const none = new SequenceTrainable(config, data);
    try {
      const d = await t.diagnostics();
      expect(Object.keys(d)).toEqual(['featureStdMean', 'featureStdMin', 'effectiveRank']);
      expect(Object.values(d).every(Number.isFinite)).toBe(true);
      expect(await none.diagnostics()).toEqual({});
    } finally {
      t.dispose();
      none.dispose();
    }
  });

  it('--lr 1e308: the update that overflows the weights ends in the divergence message, not a collapse-metric NaN error (issue 11, item 9)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jepa-diverge-'));
    const t = new SequenceTrainable({ ...config, lr: 1e308 }, data, probe);
    try {
      const run = train(t, { totalSteps: 4, outDir: dir, checkpointEvery: 2, diagnosticsEvery: 1, progress: 'none', resumeHint: 'jepa train x --resume' });
      await expect(run).rejects.toThrow(TrainingDivergedError);
      const error = (await run.catch((e: unknown) => e)) as TrainingDivergedError;
      expect(error.step).toBe(1);
      expect(error.weightsUnchanged).toBe(false);
      expect(error.message).toMatch(/^Training diverged at step 1: its update made the weights non-finite \(the loss before it was [\d.]+; the features of the collapse diagnostic: \d+ of 48 values are NaN or infinite\), so nothing newer was saved; no checkpoint was written yet\. Lower the learning rate/);
      expect(error.message).not.toContain('measureCollapse');
      expect(error.message).not.toContain('NonFiniteLossError');
      expect(await readdir(join(dir, 'checkpoints')).catch(() => [])).toEqual([]); // the overflowed weights were not saved
    } finally {
      t.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('validates its setup, naming the field, and disposes the model it was given', () => {
    const before = tf.memory().numTensors;
    expect(() => new SequenceTrainable({ ...config, batchSize: 11 }, data)).toThrow(/JepaTrainable: invalid setup:\n {2}- sampleCount must be an integer of at least batchSize 11 \(got 10\)/);
    expect(() => new SequenceTrainable({ ...config, batchSize: 0 }, data)).toThrow(/batchSize must be a positive integer \(got 0\)/);
    expect(() => new SequenceTrainable({ ...config, targetScale: 0.01 }, data)).toThrow(/MultiBlockMaskSampler: a target block can be/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('passes the trainable conformance suite: exact resume, no leaks, strict loading', async () => {
    const report = await checkTrainableConformance({ create: () => new SequenceTrainable(config, data, probe) }, { exactResume: { steps: 5, resumeAfter: 3 } });
    expect(report.passed).toEqual(['exact resume', 'no tensor leaks', 'strict loading']);
    expect(report.skipped).toEqual([]);
  });
});
