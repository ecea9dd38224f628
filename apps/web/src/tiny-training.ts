import { createMemoryCheckpointStore, runTrainingLoop, type LabeledImages, type MemoryCheckpointStore, type MemoryTrainCheckpoint } from '@jepa/core';
import { IJepaTrainable, MNIST_IJEPA_RECIPE, type IJepaTrainingConfig } from '@jepa/vision';

/** Settings of a training run in the tab. */
export interface TabTrainingOptions {
  readonly steps: number;
  /** Default 32. */
  readonly batchSize?: number;
  /** Default 0. */
  readonly seed?: number;
}

/**
 * A tiny I-JEPA for the tab: the CLI's MNIST recipe (`MNIST_IJEPA_RECIPE`: 28 x 28 digits, 7 x 7
 * patches on a 4 x 4 grid, the official multi-block masks with `minKeep` 0, warm-up cosine AdamW,
 * EMA, random resized crops, MNIST normalisation) with a smaller encoder (48 wide, 2 deep) and
 * predictor (32 wide, 1 deep), so an update takes tens of milliseconds on wasm.
 */
export function tabTrainingConfig(options: TabTrainingOptions): IJepaTrainingConfig {
  const recipe = MNIST_IJEPA_RECIPE;
  const steps = options.steps;
  return {
    ...recipe,
    model: {
      ...recipe.model,
      encoder: { embedDim: 48, depth: 2, numHeads: 3 },
      predictor: { embedDim: 32, depth: 1, numHeads: 2 },
    },
    masks: { ...recipe.masks, contextScale: [...recipe.masks.contextScale], targetScale: [...recipe.masks.targetScale], targetAspectRatio: [...recipe.masks.targetAspectRatio] },
    optimization: {
      ...recipe.optimization,
      steps,
      batchSize: options.batchSize ?? 32,
      warmupSteps: Math.round(steps * 0.05),
      ema: [...recipe.optimization.ema],
      betas: [...recipe.optimization.betas],
    },
    augmentation: { cropScale: [...recipe.augmentation.cropScale] },
    normalization: { mean: [...recipe.normalization.mean], std: [...recipe.normalization.std] },
    seed: options.seed ?? 0,
  };
}

/** What one update reports to the page. */
export interface TabStep {
  readonly step: number;
  readonly loss: number;
  readonly lr: number;
  readonly stepsPerSecond: number;
}

/** Lets the page paint between updates (a macrotask, so input events and rendering run). */
const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * A training run in the tab: the library's `IJepaTrainable` under its browser-safe training loop
 * (`runTrainingLoop`), which yields to the page after each update (the loss curve draws, Stop
 * works) and keeps checkpoints in memory (`createMemoryCheckpointStore`): the same two files
 * `jepa train ijepa` writes to `runs/<run>/checkpoints`, offered as downloads. A stopped run
 * resumes from its checkpoint exactly, as the CLI's `--resume` does.
 */
export class TabTraining {
  readonly losses: number[] = [];
  readonly store: MemoryCheckpointStore = createMemoryCheckpointStore();
  readonly config: IJepaTrainingConfig;
  private trainableNow: IJepaTrainable;
  private abort: AbortController | undefined;
  private done = 0;

  constructor(readonly data: LabeledImages, readonly options: TabTrainingOptions) {
    this.config = tabTrainingConfig(options);
    this.trainableNow = new IJepaTrainable(this.config, data);
  }

  /** The run's model and optimizer (a resumed run has a new one, loaded from the checkpoint). */
  get trainable(): IJepaTrainable {
    return this.trainableNow;
  }

  get stepsDone(): number {
    return this.done;
  }

  get finished(): boolean {
    return this.done >= this.options.steps;
  }

  /** The newest checkpoint: `<name>.json` and `<name>.safetensors`. */
  get checkpoint(): MemoryTrainCheckpoint | undefined {
    return this.store.checkpoints.at(-1);
  }

  /** Stops after the current update; the loop saves a checkpoint there. */
  stop(): void {
    this.abort?.abort();
  }

  /** Runs the remaining updates, resuming from the last checkpoint after a stop; `onStep` sees each one. */
  async run(onStep: (step: TabStep) => void): Promise<void> {
    if (this.done > 0) {
      // A fresh trainable the loop loads from the stopped run's checkpoint (weights, AdamW moments, step).
      this.trainableNow.dispose();
      this.trainableNow = new IJepaTrainable(this.config, this.data);
    }
    this.abort = new AbortController();
    const steps = this.options.steps;
    try {
      await runTrainingLoop(this.trainableNow, {
        totalSteps: steps,
        checkpoints: this.store,
        checkpointEvery: steps,
        keepCheckpoints: 1,
        diagnosticsEvery: 0,
        signal: this.abort.signal,
        callbacks: {
          onStep: async (record) => {
            this.done = record.step;
            this.losses.push(record.loss);
            onStep({ step: record.step, loss: record.loss, lr: record.lr ?? Number.NaN, stepsPerSecond: record.stepsPerSecond });
            await yieldToPage();
          },
        },
      });
    } finally {
      this.abort = undefined;
    }
  }

  dispose(): void {
    this.abort?.abort();
    this.trainableNow.dispose();
  }
}
