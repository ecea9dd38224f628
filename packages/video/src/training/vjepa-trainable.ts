import * as tf from '@tensorflow/tfjs';
import {
  JepaTrainable,
  MultiBlock3dMaskSampler,
  VJEPA_MASK_GENERATORS,
  type JepaPredictorCondition,
  type Masks,
  type MaskSet,
  type MultiBlock3dGeneratorConfig,
  type StepHyperParameters,
} from '@jepa/core';
import { pairedMaskSets } from '../model/paired-mask-sets.js';
import { createVJepa, resolveVJepaConfig, VJEPA_DEFAULTS, type VJepaModel, type VJepaModelConfig } from '../model/vjepa.js';
import { vjepaStepHyperParameters, type VJepaSchedule } from '../model/vjepa-schedule.js';
import { extractClipFeatures } from './clip-features.js';
import { allowManyAbortListeners } from './abort-listeners.js';
import { decodedClipSource, isClipBatchSource, type ClipBatchSource } from './clip-batch-source.js';
import { normalizeClipData, type DecodedClips } from './decoded-clips.js';

/** Optimisation of a V-JEPA run: the schedule of {@link vjepaStepHyperParameters} plus batch size and AdamW betas. */
export interface VJepaOptimizationConfig extends VJepaSchedule {
  /** Clips per update. */
  readonly batchSize: number;
  /** AdamW `[beta1, beta2]` (default PyTorch's `[0.9, 0.999]`). */
  readonly betas?: readonly [number, number];
}

/** Everything that defines a V-JEPA training run. JSON-serialisable (saved with checkpoints). */
export interface VJepaTrainingConfig {
  /** The model's sizes. */
  readonly model: VJepaModelConfig;
  /** Mask generators (one predictor mask token each). Default {@link VJEPA_MASK_GENERATORS}. */
  readonly masks?: readonly MultiBlock3dGeneratorConfig[];
  /** Updates, batch and schedules. */
  readonly optimization: VJepaOptimizationConfig;
  /**
   * Frames between the sampled frames of the training clips (the official `sampling_rate`; the
   * clip-sampler default is 4). Not used by the trainable (it gets decoded clips): recorded so that
   * evaluation and `jepa embed` decode clips the way training did.
   */
  readonly frameStep?: number;
  /** Per-channel normalisation of the `0..1` clips (default: none). */
  readonly normalization?: {
    /** Mean of each channel, subtracted. */
    readonly mean: readonly number[];
    /** Standard deviation of each channel, divided by. */
    readonly std: readonly number[];
  };
  /** Seed of the initial weights, the batch order and the masks. */
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
 * One V-JEPA training run, as a core `Trainable` on the {@link JepaTrainable} skeleton (root
 * `Rng(seed)`, shuffled epochs, masks, the update, diagnostics, strict save/load as kind `vjepa`),
 * over clips held in memory ({@link DecodedClips}) or any {@link ClipBatchSource} (e.g.
 * `streamDatasetClips`, which decodes while training). What is V-JEPA's own: the clips of update
 * `s` (requested `prefetchBatches` updates ahead, normalised; `dataWait` reported when they load in
 * the background), the official multi-block 3-D masks paired per generator (one context pass and
 * one predictor mask token each), and the schedules of {@link vjepaStepHyperParameters}.
 * Call {@link close} when done (it stops background decoding, then disposes).
 */
export class VJepaTrainable extends JepaTrainable<tf.Tensor5D, VJepaModel, VJepaTrainingConfig, MultiBlock3dMaskSampler, JepaPredictorCondition> {
  /** The clip source: in-memory clips or a streaming decoder. */
  readonly source: ClipBatchSource;
  private readonly inFlight = new Map<number, Promise<Float32Array>>();
  private readonly stopLoading = new AbortController();

  /**
   * @param config What to build and how to train it; validated against the clips first.
   * @param clips The training clips: in memory, or any clip source (e.g. `streamDatasetClips`).
   * @param probeSet Held-out clips whose target-encoder features the collapse diagnostic measures (optional).
   */
  constructor(config: VJepaTrainingConfig, clips: DecodedClips | ClipBatchSource, readonly probeSet?: DecodedClips) {
    const source = isClipBatchSource(clips) ? clips : decodedClipSource(clips);
    validateVJepaTrainingConfig(config, source);
    resolveVJepaConfig(config.model);
    const o = config.optimization;
    super({
      kind: 'vjepa',
      config,
      seed: config.seed,
      batchSize: o.batchSize,
      sampleCount: source.count,
      model: createVJepa(config.model, { seed: config.seed }),
      createSampler: (model) => new MultiBlock3dMaskSampler({ grid: model.grid, generators: config.masks ?? VJEPA_MASK_GENERATORS }),
      optimizer: {
        beta1: o.betas?.[0] ?? VJEPA_DEFAULTS.optimization.betas[0],
        beta2: o.betas?.[1] ?? VJEPA_DEFAULTS.optimization.betas[1],
        eps: VJEPA_DEFAULTS.optimization.eps,
      },
    });
    this.source = source;
    allowManyAbortListeners(this.stopLoading.signal); // one listener per clip being decoded ahead
  }

  /** Learning rate, weight decay, EMA momentum (and clipping after warm-up) of update `step`. */
  hyperParameters(step: number): StepHyperParameters {
    return vjepaStepHyperParameters(step, this.config.optimization);
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

  protected async inputFor(step: number): Promise<tf.Tensor5D> {
    const { numFrames, height, width, channels } = this.source;
    return tf.tensor5d(await this.batchFor(step), [this.batchSize, numFrames, height, width, channels]);
  }

  /** V-JEPA pairs `context[i]` with `target[i]`: one mask set per generator. */
  protected override maskSetsOf(masks: Masks): MaskSet<JepaPredictorCondition>[] {
    return pairedMaskSets(masks);
  }

  protected override reportsDataWait(): boolean {
    return this.source.prefetchBatches > 0;
  }

  protected async probeFeatures(): Promise<Float32Array | undefined> {
    if (!this.probeSet) return undefined;
    return extractClipFeatures(this.model.targetEncoder, this.probeSet, { normalization: this.config.normalization });
  }

  /** Stops loading batches ahead and waits for the source's background work to end (then {@link close} disposes). */
  protected override async closeData(): Promise<void> {
    this.stopLoading.abort(new Error('the V-JEPA training run was closed'));
    await Promise.allSettled(this.inFlight.values());
    this.inFlight.clear();
    await this.source.close?.();
  }

  /** Frees the model and optimizer tensors (see {@link close} for a source that decodes in the background). */
  override dispose(): void {
    this.stopLoading.abort(new Error('the V-JEPA training run was disposed'));
    super.dispose();
  }
}
