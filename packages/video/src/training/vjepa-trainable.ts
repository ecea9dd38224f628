import { setMaxListeners } from 'node:events';
import * as tf from '@tensorflow/tfjs';
import {
  AdamW,
  collapseMetrics,
  loadModelTrainingState,
  MultiBlock3dMaskSampler,
  Rng,
  saveModelTrainingState,
  VJEPA_MASK_GENERATORS,
  type HostTensor,
  type MultiBlock3dGeneratorConfig,
  type StepMetrics,
  type Trainable,
  type TrainableState,
} from '@jepa/core';
import { pairedMaskSets } from '../model/paired-mask-sets.js';
import { createVJepa, resolveVJepaConfig, VJEPA_DEFAULTS, type VJepaModel, type VJepaModelConfig } from '../model/vjepa.js';
import { vjepaStepHyperParameters, type VJepaSchedule } from '../model/vjepa-schedule.js';
import { extractClipFeatures } from './clip-features.js';
import { decodedClipSource, isClipBatchSource, type ClipBatchSource } from './clip-batch-source.js';
import { normalizeClipData, type DecodedClips } from './decoded-clips.js';

/** Optimisation of a V-JEPA run: the schedule of {@link vjepaStepHyperParameters} plus batch size and AdamW betas. */
export interface VJepaOptimizationConfig extends VJepaSchedule {
  readonly batchSize: number;
  readonly betas?: readonly [number, number];
}

/** Everything that defines a V-JEPA training run. JSON-serialisable (saved with checkpoints). */
export interface VJepaTrainingConfig {
  readonly model: VJepaModelConfig;
  /** Mask generators (one predictor mask token each). Default {@link VJEPA_MASK_GENERATORS}. */
  readonly masks?: readonly MultiBlock3dGeneratorConfig[];
  readonly optimization: VJepaOptimizationConfig;
  /**
   * Frames between the sampled frames of the training clips (the official `sampling_rate`; the
   * clip-sampler default is 4). Not used by the trainable (it gets decoded clips): recorded so that
   * evaluation and `jepa embed` decode clips the way training did.
   */
  readonly frameStep?: number;
  /** Per-channel normalisation of the `0..1` clips (default: none). */
  readonly normalization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
  readonly seed: number;
}

/** Checks a training config against the clips up front, naming the fields to change. */
export function validateVJepaTrainingConfig(config: VJepaTrainingConfig, clips: Pick<ClipBatchSource, 'count' | 'numFrames' | 'height' | 'width' | 'channels'>): void {
  const o = config.optimization;
  const problems: string[] = [];
  if (!Number.isInteger(o.steps) || o.steps <= 0) problems.push(`optimization.steps must be a positive integer (got ${o.steps})`);
  if (!Number.isInteger(o.batchSize) || o.batchSize <= 0) problems.push(`optimization.batchSize must be a positive integer (got ${o.batchSize})`);
  if (o.batchSize > clips.count) problems.push(`optimization.batchSize ${o.batchSize} exceeds the ${clips.count} training clips`);
  const m = config.model;
  if (clips.numFrames !== m.numFrames) problems.push(`model.numFrames is ${m.numFrames} but the clips have ${clips.numFrames} frames`);
  if (clips.height !== m.imageSize || clips.width !== m.imageSize) problems.push(`model.imageSize is ${m.imageSize} but the clips are ${clips.height}x${clips.width}; decode them at that size or change imageSize`);
  if (clips.channels !== (m.inChannels ?? 3)) problems.push(`model.inChannels is ${m.inChannels ?? 3} but the clips have ${clips.channels} channels`);
  const generators = (config.masks ?? VJEPA_MASK_GENERATORS).length;
  if ((m.numMaskTokens ?? VJEPA_MASK_GENERATORS.length) !== generators) problems.push(`model.numMaskTokens is ${m.numMaskTokens ?? VJEPA_MASK_GENERATORS.length} but there are ${generators} mask generators (one mask token each)`);
  const norm = config.normalization;
  if (norm && (norm.mean.length !== clips.channels || norm.std.length !== clips.channels || norm.std.some((s) => !(s > 0)))) {
    problems.push(`normalization needs ${clips.channels} means and ${clips.channels} positive stds`);
  }
  if (problems.length) throw new Error(`Invalid V-JEPA training config:\n  - ${problems.join('\n  - ')}`);
}

/**
 * One V-JEPA training run, as a core {@link Trainable}, over clips held in memory
 * ({@link DecodedClips}) or any {@link ClipBatchSource} (e.g. `streamDatasetClips`, which decodes
 * while training; its next batches are requested ahead of time). The official
 * multi-block 3-D masks (one context pass and one predictor mask token per generator), L1 on
 * layer-normed targets, AdamW with the schedules of {@link vjepaStepHyperParameters}. Every random
 * choice of update `s` (batch order, masks) comes from streams derived from `(seed, s)`, so a
 * resumed run repeats an uninterrupted one exactly. Its state is the three modules and the AdamW moments.
 * Call {@link close} when done (it stops background decoding, then disposes).
 */
export class VJepaTrainable implements Trainable {
  readonly model: VJepaModel;
  readonly optimizer: AdamW;
  readonly sampler: MultiBlock3dMaskSampler;
  private readonly root: Rng;
  private readonly stepsPerEpoch: number;
  private epochOrder: { epoch: number; order: Int32Array } | null = null;
  /** The clip source: in-memory clips or a streaming decoder. */
  readonly source: ClipBatchSource;
  private readonly inFlight = new Map<number, Promise<Float32Array>>();
  private readonly stopLoading = new AbortController();

  constructor(readonly config: VJepaTrainingConfig, clips: DecodedClips | ClipBatchSource, readonly probeSet?: DecodedClips) {
    this.source = isClipBatchSource(clips) ? clips : decodedClipSource(clips);
    setMaxListeners(0, this.stopLoading.signal); // one listener per clip being decoded ahead
    validateVJepaTrainingConfig(config, this.source);
    resolveVJepaConfig(config.model);
    this.model = createVJepa(config.model, { seed: config.seed });
    const o = config.optimization;
    this.optimizer = new AdamW(this.model.jepa.trainableParameters(), {
      beta1: o.betas?.[0] ?? VJEPA_DEFAULTS.optimization.betas[0],
      beta2: o.betas?.[1] ?? VJEPA_DEFAULTS.optimization.betas[1],
      eps: VJEPA_DEFAULTS.optimization.eps,
    });
    try {
      this.sampler = new MultiBlock3dMaskSampler({ grid: this.model.grid, generators: config.masks ?? VJEPA_MASK_GENERATORS });
    } catch (error) {
      this.dispose();
      throw error;
    }
    this.root = new Rng(config.seed);
    this.stepsPerEpoch = Math.floor(this.source.count / o.batchSize);
  }

  /** The epoch (0-based) update `step` (1-based) belongs to. */
  epochOf(step: number): number {
    return Math.floor((step - 1) / this.stepsPerEpoch);
  }

  /** Learning rate, weight decay, EMA momentum (and clipping after warm-up) of update `step`. */
  hyperParameters(step: number) {
    return vjepaStepHyperParameters(step, this.config.optimization);
  }

  /** The clip indices of update `step` (a shuffled pass per epoch, from `(seed, epoch)`). */
  batchIndices(step: number): Int32Array {
    const { batchSize } = this.config.optimization;
    const epoch = this.epochOf(step);
    if (this.epochOrder?.epoch !== epoch) {
      this.epochOrder = { epoch, order: this.root.derive(`epoch-${epoch}`).shuffle(Int32Array.from({ length: this.source.count }, (_, i) => i)) };
    }
    const position = ((step - 1) % this.stepsPerEpoch) * batchSize;
    return this.epochOrder.order.slice(position, position + batchSize);
  }

  /**
   * The normalised clips of update `step`: `[B, T, H, W, C]`. Also requests the source's next
   * `prefetchBatches` batches, so that they load while this update trains.
   */
  async batchFor(step: number): Promise<Float32Array> {
    const last = Math.min(step + this.source.prefetchBatches, this.config.optimization.steps);
    for (let s = step; s <= Math.max(step, last); s++) {
      if (this.inFlight.has(s)) continue;
      const loading = Promise.resolve().then(() => this.source.load(s, this.batchIndices(s), this.stopLoading.signal));
      loading.catch(() => undefined); // awaited (and thrown) when its update comes
      this.inFlight.set(s, loading);
    }
    for (const s of this.inFlight.keys()) if (s < step) this.inFlight.delete(s);
    const batch = this.inFlight.get(step)!;
    this.inFlight.delete(step);
    return normalizeClipData(await batch, this.source.channels, this.config.normalization);
  }

  async trainStep(step: number): Promise<StepMetrics> {
    const { batchSize } = this.config.optimization;
    const { numFrames, height, width, channels } = this.source;
    const waitStarted = performance.now();
    const pixels = await this.batchFor(step);
    const dataWait = (performance.now() - waitStarted) / 1000;
    const masks = this.sampler.sample(batchSize, this.root.derive(`masks-${step}`));
    const clips = tf.tensor5d(pixels, [batchSize, numFrames, height, width, channels]);
    const hyper = this.hyperParameters(step);
    try {
      const { loss, gradNorm } = this.model.jepa.step(clips, pairedMaskSets(masks), this.optimizer, hyper);
      return {
        loss, gradNorm, lr: hyper.lr, weightDecay: hyper.weightDecay, momentum: hyper.momentum, epoch: this.epochOf(step),
        ...(this.source.prefetchBatches > 0 ? { dataWait } : {}),
      };
    } finally {
      tf.dispose([clips, ...masks.context, ...masks.target]);
    }
  }

  /** Representation-collapse diagnostic of the target encoder on the probe set. */
  async diagnostics(): Promise<Record<string, number>> {
    if (!this.probeSet) return {};
    const features = await extractClipFeatures(this.model.targetEncoder, this.probeSet, { normalization: this.config.normalization });
    return collapseMetrics(features, this.model.targetEncoder.embedDim);
  }

  saveState(): TrainableState {
    return saveModelTrainingState('vjepa', this.config, this.model, this.optimizer);
  }

  loadState(tensors: Map<string, HostTensor>, meta: Record<string, unknown>, source = 'checkpoint'): void {
    loadModelTrainingState('vjepa', this.model, this.optimizer, tensors, meta, source);
  }

  /** Stops loading batches ahead, waits for the source's background work to end, then disposes. */
  async close(): Promise<void> {
    this.stopLoading.abort(new Error('the V-JEPA training run was closed'));
    await Promise.allSettled(this.inFlight.values());
    this.inFlight.clear();
    try {
      await this.source.close?.();
    } finally {
      this.dispose();
    }
  }

  /** Frees the model and optimizer tensors (see {@link close} for a source that decodes in the background). */
  dispose(): void {
    this.stopLoading.abort(new Error('the V-JEPA training run was disposed'));
    this.optimizer.dispose();
    this.model.dispose();
  }
}
