import * as tf from '@tensorflow/tfjs';
import type { HostTensor } from '../io/safetensors.js';
import type { Masks, MaskSampler } from '../masks/mask-sampler.js';
import type { Jepa, MaskSet, StepHyperParameters } from '../objective/jepa.js';
import { AdamW, type AdamWOptions } from '../optim/adamw.js';
import { Rng } from '../random/rng.js';
import { collapseMetrics, loadModelTrainingState, saveModelTrainingState, type StateDictModel } from './model-training-state.js';
import type { StepMetrics, Trainable, TrainableState } from './trainable.js';

/**
 * What {@link JepaTrainable} needs of a JEPA model (an I-JEPA, a V-JEPA, ...): the objective's
 * update and trainable parameters, the target encoder's width, one strict prefixed state dict
 * (`encoder.`, `predictor.`, `target_encoder.`) and `dispose`.
 */
export interface JepaTrainableModel<Input, Condition = undefined> extends StateDictModel {
  /** The objective: its update and its trainable parameters. */
  readonly jepa: Pick<Jepa<Input, Condition>, 'step' | 'trainableParameters'>;
  /** The target encoder, for its width. */
  readonly targetEncoder: {
    /** Width of its output tokens. */
    readonly embedDim: number;
  };
  /** Disposes the model's modules. */
  dispose(): void;
}

/** What a family hands {@link JepaTrainable}'s constructor. */
export interface JepaTrainableSetup<Model, Config, Sampler> {
  /** Checkpoint kind tag (`ijepa`, `vjepa`): saved in every state, and a state of another kind is refused. */
  readonly kind: string;
  /** The run's JSON-serialisable configuration, saved with every state as `meta.config`. */
  readonly config: Config;
  /** Seed of the run's root generator: every random choice of update `s` derives from `(seed, s)`. */
  readonly seed: number;
  /** Samples per update. */
  readonly batchSize: number;
  /** Samples in the training set: an epoch is `floor(sampleCount / batchSize)` updates. */
  readonly sampleCount: number;
  /** The model to train; the trainable owns it from now on (and disposes it, also when this constructor throws). */
  readonly model: Model;
  /** Makes the mask sampler over the model's token grid (called once; should it throw, the model is disposed). */
  readonly createSampler: (model: Model) => Sampler;
  /** AdamW settings (betas, eps); the optimizer is made over `model.jepa.trainableParameters()`. */
  readonly optimizer?: AdamWOptions;
}

const isPromiseLike = <T>(value: T | PromiseLike<T>): value is PromiseLike<T> => typeof (value as PromiseLike<T> | null)?.then === 'function';

/**
 * The training run of a JEPA as a core {@link Trainable}: everything the I-JEPA and V-JEPA runs
 * share. It owns the run's root `Rng(seed)`, a shuffled pass over the training set per epoch
 * (`root.derive('epoch-<e>')`), the update itself (masks from `root.derive('masks-<s>')`,
 * `model.jepa.step` with the family's hyper-parameters of step `s`, the metrics record, disposal),
 * the collapse diagnostic, strict save/load of weights and AdamW moments under a `kind` tag, and
 * disposal. Since every random choice of update `s` derives from `(seed, s)` and schedules are
 * functions of `s`, the state is the three modules and the AdamW moments, and a resumed run repeats
 * an uninterrupted one bit for bit.
 *
 * A family supplies what is its own:
 * - {@link hyperParameters}: the schedules of update `s` (learning rate, weight decay, EMA momentum, clipping);
 * - {@link inputFor}: the batch tensor of update `s`, synchronously (images) or as a promise (clips
 *   loaded ahead); use {@link batchIndices} for the samples and `root.derive('<purpose>-<s>')` for
 *   any other randomness (e.g. augmentation);
 * - {@link probeFeatures}: target-encoder features of a probe set, for the diagnostic;
 * - optionally {@link maskSetsOf} (how masks pair up), {@link reportsDataWait} and {@link closeData}.
 *
 * Streams in use: `epoch-<e>` (batch order), `masks-<s>` (masks); families add their own labels.
 */
export abstract class JepaTrainable<Input extends tf.Tensor, Model extends JepaTrainableModel<Input, Condition>, Config = unknown, Sampler extends MaskSampler = MaskSampler, Condition = undefined>
  implements Trainable
{
  /** Checkpoint kind tag (`ijepa`, `vjepa`): saved in every state, and a state of another kind is refused. */
  readonly kind: string;
  /** The run's JSON-serialisable configuration, saved with every state as `meta.config`. */
  readonly config: Config;
  /** The model being trained (owned: disposed with the trainable). */
  readonly model: Model;
  /** AdamW over the model's trainable parameters. */
  readonly optimizer: AdamW;
  /** The mask sampler over the model's token grid. */
  readonly sampler: Sampler;
  /** Samples per update. */
  readonly batchSize: number;
  /** Samples in the training set. */
  readonly sampleCount: number;
  /** Updates per epoch: `floor(sampleCount / batchSize)` (the last partial batch is dropped, as the official loaders do). */
  readonly stepsPerEpoch: number;
  /** The run's root generator; derive per-update streams from it (`root.derive('augment-<s>')`), never draw from it. */
  protected readonly root: Rng;
  /** The optimizer's parameters, kept to check a checkpoint's moments before anything is loaded. */
  private readonly parameters: ReadonlyArray<readonly [string, tf.Variable]>;
  private epochOrder: { epoch: number; order: Int32Array } | null = null;

  constructor(setup: JepaTrainableSetup<Model, Config, Sampler>) {
    const { kind, config, seed, batchSize, sampleCount, model } = setup;
    try {
      const problems: string[] = [];
      if (typeof kind !== 'string' || kind.length === 0) problems.push(`kind must be a non-empty string (got ${JSON.stringify(kind)})`);
      if (!Number.isInteger(batchSize) || batchSize <= 0) problems.push(`batchSize must be a positive integer (got ${batchSize})`);
      if (!Number.isInteger(sampleCount) || sampleCount < batchSize) problems.push(`sampleCount must be an integer of at least batchSize ${batchSize} (got ${sampleCount}): the training set is too small for one batch`);
      if (!Number.isFinite(seed)) problems.push(`seed must be a finite number (got ${seed})`);
      if (problems.length > 0) throw new Error(`JepaTrainable: invalid setup:\n  - ${problems.join('\n  - ')}`);
      this.parameters = model.jepa.trainableParameters();
      this.optimizer = new AdamW(this.parameters, setup.optimizer);
    } catch (error) {
      model.dispose();
      throw error;
    }
    try {
      this.sampler = setup.createSampler(model);
    } catch (error) {
      this.optimizer.dispose();
      model.dispose();
      throw error;
    }
    this.kind = kind;
    this.config = config;
    this.model = model;
    this.batchSize = batchSize;
    this.sampleCount = sampleCount;
    this.stepsPerEpoch = Math.floor(sampleCount / batchSize);
    this.root = new Rng(seed);
  }

  /** Learning rate, weight decay, EMA momentum (and clipping, when on) of update `step` (1-based). */
  abstract hyperParameters(step: number): StepHyperParameters;

  /** The input batch of update `step` (e.g. `[B, H, W, C]` images or `[B, T, H, W, C]` clips); the skeleton disposes it. */
  protected abstract inputFor(step: number): Input | Promise<Input>;

  /** Target-encoder features `[n, D]` of the probe set for the collapse diagnostic; undefined when there is no probe set. */
  protected abstract probeFeatures(): Float32Array | undefined | Promise<Float32Array | undefined>;

  /** How one batch's masks go to `jepa.step`. Default: one mask set, every target predicted from every context (I-JEPA). */
  protected maskSetsOf(masks: Masks): MaskSet<Condition> | readonly MaskSet<Condition>[] {
    return masks;
  }

  /** True when batches load in the background: each update then reports `dataWait`, the seconds it waited for its batch. */
  protected reportsDataWait(): boolean {
    return false;
  }

  /** Stops background data work before {@link close} disposes (default: nothing to stop). */
  protected async closeData(): Promise<void> {}

  /** The epoch (0-based) update `step` (1-based) belongs to. */
  epochOf(step: number): number {
    return Math.floor((step - 1) / this.stepsPerEpoch);
  }

  /** The sample indices of update `step` (1-based): a slice of the epoch's shuffled order, from `(seed, epoch)`. */
  batchIndices(step: number): Int32Array {
    if (!Number.isInteger(step) || step < 1) throw new Error(`${this.constructor.name}.batchIndices: step is 1-based (the first update is 1), got ${step}.`);
    const epoch = this.epochOf(step);
    if (this.epochOrder?.epoch !== epoch) {
      this.epochOrder = { epoch, order: this.root.derive(`epoch-${epoch}`).shuffle(Int32Array.from({ length: this.sampleCount }, (_, i) => i)) };
    }
    const position = ((step - 1) % this.stepsPerEpoch) * this.batchSize;
    return this.epochOrder.order.slice(position, position + this.batchSize);
  }

  /**
   * One update: the family's batch, masks from `(seed, step)`, `jepa.step` with
   * {@link hyperParameters}. Synchronous when the family's batch is; a promise when it loads.
   * @returns `{loss, gradNorm, lr, weightDecay, momentum, epoch}` (then `dataWait` when {@link reportsDataWait}).
   * @throws NonFiniteLossError before any weight changes, when the loss or gradients are not finite.
   */
  trainStep(step: number): StepMetrics | Promise<StepMetrics> {
    const waitStarted = performance.now();
    const input = this.inputFor(step);
    if (!isPromiseLike(input)) return this.update(step, input, {});
    return input.then((loaded) => this.update(step, loaded, this.reportsDataWait() ? { dataWait: (performance.now() - waitStarted) / 1000 } : {}));
  }

  private update(step: number, input: Input, timing: Record<string, number>): StepMetrics {
    let masks: Masks | undefined;
    try {
      masks = this.sampler.sample(this.batchSize, this.root.derive(`masks-${step}`));
      const hyper = this.hyperParameters(step);
      const { loss, gradNorm } = this.model.jepa.step(input, this.maskSetsOf(masks), this.optimizer, hyper);
      return { loss, gradNorm, lr: hyper.lr, weightDecay: hyper.weightDecay, momentum: hyper.momentum, epoch: this.epochOf(step), ...timing };
    } finally {
      tf.dispose([input, ...(masks?.context ?? []), ...(masks?.target ?? [])]);
    }
  }

  /** Representation-collapse diagnostic of the target encoder on the probe set (`{}` without one). */
  async diagnostics(): Promise<Record<string, number>> {
    const features = await this.probeFeatures();
    if (!features) return {};
    return collapseMetrics(features, this.model.targetEncoder.embedDim);
  }

  /** The three modules under their own names, the AdamW moments under `optimizer.`, and `{kind, config, optimizerStep}`. */
  saveState(): TrainableState {
    return saveModelTrainingState(this.kind, this.config, this.model, this.optimizer);
  }

  /**
   * Restores {@link saveState} output strictly: another `kind`, a missing, unexpected or
   * mis-shaped weight or moment throws naming it, and nothing is loaded.
   */
  loadState(tensors: Map<string, HostTensor>, meta: Record<string, unknown>, source = 'checkpoint'): void {
    loadModelTrainingState(this.kind, this.model, this.optimizer, tensors, meta, source, this.parameters);
  }

  /** Stops background data work ({@link closeData}), then disposes. */
  async close(): Promise<void> {
    try {
      await this.closeData();
    } finally {
      this.dispose();
    }
  }

  /** Frees the model and optimizer tensors. */
  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}
