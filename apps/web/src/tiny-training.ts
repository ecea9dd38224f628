import type { LabeledImages } from '@jepa/core';
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
  readonly seconds: number;
}

/** Lets the page paint between updates (a macrotask, so input events and rendering run). */
const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * A training run in the tab: the library's `IJepaTrainable` driven one update at a time, yielding to
 * the page after each so the loss curve draws and the Stop button works.
 */
export class TabTraining {
  readonly trainable: IJepaTrainable;
  readonly losses: number[] = [];
  private stopRequested = false;
  private nextStep = 1;

  constructor(readonly data: LabeledImages, readonly options: TabTrainingOptions) {
    this.trainable = new IJepaTrainable(tabTrainingConfig(options), data);
  }

  get stepsDone(): number {
    return this.nextStep - 1;
  }

  stop(): void {
    this.stopRequested = true;
  }

  /** Runs the remaining updates (or until {@link stop}); `onStep` sees each one. */
  async run(onStep: (step: TabStep) => void): Promise<void> {
    this.stopRequested = false;
    while (this.nextStep <= this.options.steps && !this.stopRequested) {
      const started = performance.now();
      const step = this.nextStep;
      const metrics = await this.trainable.trainStep(step);
      this.nextStep++;
      this.losses.push(metrics.loss);
      onStep({ step, loss: metrics.loss, lr: metrics.lr ?? Number.NaN, seconds: (performance.now() - started) / 1000 });
      await yieldToPage();
    }
  }

  dispose(): void {
    this.stopRequested = true;
    this.trainable.dispose();
  }
}
