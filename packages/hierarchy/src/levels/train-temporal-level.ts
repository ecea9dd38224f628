import * as tf from '@tensorflow/tfjs';
import {
  AdamW,
  emaUpdate,
  guardedUpdate,
  layerNorm,
  linearMomentum,
  regularizedLoss,
  regularizerTerms,
  Rng,
  smoothL1Loss,
  warmupCosineLr,
  type RegularizerConfig,
} from '@jepa/core';
import { sumMacroActions } from '../planning/macro-actions.js';
import type { TemporalLevel } from './temporal-level.js';

/** Sequences of per-step latents as the level below produced them (any encoder), with optional per-step conditions. */
export interface LatentSequences {
  /** Number of sequences `N`. */
  readonly count: number;
  /** Steps per sequence `T`. */
  readonly steps: number;
  /** `[N, T, D]` row-major. */
  readonly latents: Float32Array;
  /** `[N, T, C]` row-major (e.g. primitive actions), for a level with `conditionDim` C; a transition's condition is their sum over the window it leaves. */
  readonly conditions?: Float32Array;
}

/**
 * The default anti-collapse terms on the context encoder's window latents: a variance hinge and a
 * covariance penalty (core regularisers), next to the EMA target.
 */
export const TEMPORAL_LEVEL_REGULARIZERS = {
  /** The variance hinge (`varianceHingeLoss` of @jepa/core), weight 1, target std 1. */
  variance: {
    /** Weight of the term. */
    weight: 1,
    /** Target std of each dimension. */
    target: 1,
  },
  /** The covariance penalty (`covarianceLoss` of @jepa/core), weight 1. */
  covariance: {
    /** Weight of the term. */
    weight: 1,
  },
} as const satisfies RegularizerConfig;

/** How {@link trainTemporalLevel} trains; defaults in brackets. */
export interface TemporalLevelTrainingOptions {
  /** Updates. */
  readonly steps: number;
  /** Sampled spans per update. */
  readonly batchSize: number;
  /** Predicted transitions per span [1]: a span covers `predictedWindows + 1` consecutive windows. */
  readonly predictedWindows?: number;
  /** Peak learning rate (AdamW, linear warm-up from 0, then cosine to `finalLr`). */
  readonly lr: number;
  /** [10 % of `steps`] */
  readonly warmupSteps?: number;
  /** [`lr / 100`] */
  readonly finalLr?: number;
  /** [0.04] */
  readonly weightDecay?: number;
  /** EMA momentum of the target encoder, linear from the first to the second value over the run [[0.996, 1]]. */
  readonly ema?: readonly [number, number];
  /** Anti-collapse terms on the context encoder's latents [{@link TEMPORAL_LEVEL_REGULARIZERS}]; `{}` for none. */
  readonly regularizers?: RegularizerConfig;
  /** Per-module gradient-norm clipping [2; null: off]. */
  readonly clipGradNorm?: number | null;
  /** Seed of the span sampling. */
  readonly seed: number;
  /** Called after every update with its loss and unweighted parts (`prediction`, `variance`, ...). */
  readonly onStep?: (step: number, loss: number, parts: Record<string, number>) => void;
}

/** What {@link trainTemporalLevel} did. */
export interface TemporalLevelTrainingResult {
  /** The total loss of every update, in order. */
  readonly losses: number[];
  /** The prediction part of every update (smooth-L1 against the layer-normed target latents). */
  readonly predictionLosses: number[];
  /** Wall-clock seconds of the training. */
  readonly seconds: number;
}

/**
 * Trains a {@link TemporalLevel} as a JEPA over frozen lower latents: each update samples spans of
 * `(predictedWindows + 1) * stepSkip` consecutive steps (any start) from random sequences, encodes
 * their windows with the context encoder, predicts each next window's latent, and regresses it
 * (smooth-L1, as I-JEPA) onto the EMA target encoder's latent of that window, layer normed without
 * affine; the configured regularisers see the context latents. AdamW (warm-up then cosine) updates
 * the context encoder and the predictor (`guardedUpdate`), then the target encoder follows by EMA.
 * Nothing below is trained. Every tensor made here is disposed.
 */
export function trainTemporalLevel(level: TemporalLevel, data: LatentSequences, options: TemporalLevelTrainingOptions): TemporalLevelTrainingResult {
  const where = 'trainTemporalLevel';
  const { count, steps: sequenceSteps, latents } = data;
  const D = level.latentDim;
  const E = level.embedDim;
  const C = level.conditionDim;
  const k = level.stepSkip;
  const B = options.batchSize;
  const predicted = options.predictedWindows ?? 1;
  for (const [name, value] of Object.entries({ count, 'data.steps': sequenceSteps, steps: options.steps, batchSize: B, predictedWindows: predicted })) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${where}: ${name} must be a positive integer, got ${String(value)}.`);
  }
  if (latents.length !== count * sequenceSteps * D) {
    throw new Error(`${where}: latents hold ${latents.length} values, not [${count}, ${sequenceSteps}, ${D}] (the level's latentDim is ${D}).`);
  }
  if (C > 0 && data.conditions?.length !== count * sequenceSteps * C) {
    throw new Error(`${where}: the level reads conditions of size ${C}, so data.conditions must hold [${count}, ${sequenceSteps}, ${C}] values, got ${data.conditions ? data.conditions.length : 'none'}.`);
  }
  if (C === 0 && data.conditions !== undefined) throw new Error(`${where}: data has conditions but the level has conditionDim 0; build the level with conditionDim, or drop them.`);
  const windows = predicted + 1;
  const span = windows * k;
  if (span > sequenceSteps) {
    throw new Error(`${where}: a span of ${windows} windows of ${k} steps needs ${span} steps, but sequences have ${sequenceSteps}; lower predictedWindows or use longer sequences.`);
  }
  const [emaStart, emaEnd] = options.ema ?? [0.996, 1];
  const regularizers = options.regularizers ?? TEMPORAL_LEVEL_REGULARIZERS;
  const clipGradNorm = options.clipGradNorm === undefined ? 2 : options.clipGradNorm;
  const warmupSteps = options.warmupSteps ?? Math.round(options.steps / 10);
  const finalLr = options.finalLr ?? options.lr / 100;
  const started = performance.now();
  const parameters = level.updatedParameters();
  const optimizer = new AdamW(parameters);
  const rng = new Rng(options.seed).derive('temporal-level-spans');
  const losses: number[] = [];
  const predictionLosses: number[] = [];
  const spans = new Float32Array(B * span * D);
  const conditions = new Float32Array(B * predicted * C);
  try {
    for (let step = 0; step < options.steps; step++) {
      for (let b = 0; b < B; b++) {
        const sequence = Math.floor(rng.uniform() * count);
        const first = Math.floor(rng.uniform() * (sequenceSteps - span + 1));
        const offset = (sequence * sequenceSteps + first) * D;
        spans.set(latents.subarray(offset, offset + span * D), b * span * D);
        if (C > 0) {
          const at = (sequence * sequenceSteps + first) * C;
          conditions.set(sumMacroActions(data.conditions!.subarray(at, at + predicted * k * C), C, k), b * predicted * C);
        }
      }
      const lr = warmupCosineLr(step, { totalSteps: options.steps, warmupSteps, refLr: options.lr, startLr: 0, finalLr });
      const lower = tf.tensor3d(spans, [B * windows, k, D]);
      const condition = C > 0 ? tf.tensor3d(conditions, [B, predicted, C]) : undefined;
      let parts: Record<string, number> = {};
      try {
        // Targets: the EMA encoder's latents of windows 1..P, layer normed (no affine); no gradient reaches them.
        const targets = tf.tidy(() => {
          const target = tf.reshape(level.targetEncoder.encode(lower), [B, windows, E]);
          return layerNorm(tf.slice(target, [0, 1, 0], [B, predicted, E]), 1e-6) as tf.Tensor3D;
        });
        try {
          const { loss } = guardedUpdate(() => {
            const context = tf.reshape(level.contextEncoder.encode(lower), [B, windows, E]) as tf.Tensor3D;
            const next = level.predictNext(tf.slice(context, [0, 0, 0], [B, predicted, E]) as tf.Tensor3D, condition);
            const { total, parts: terms } = regularizedLoss([
              { name: 'prediction', weight: 1, value: smoothL1Loss(next, targets) },
              ...regularizerTerms(context, regularizers),
            ]);
            parts = Object.fromEntries(Object.entries(terms).map(([name, value]) => [name, value.dataSync()[0]!]));
            return total;
          }, {
            parameters,
            optimizer,
            lr,
            weightDecay: options.weightDecay ?? 0.04,
            ...(clipGradNorm === null ? {} : { clipGradNorm }),
          });
          emaUpdate(level.targetEncoder, level.contextEncoder, linearMomentum(step, { totalSteps: options.steps, start: emaStart, end: emaEnd }));
          losses.push(loss);
          predictionLosses.push(parts.prediction!);
          options.onStep?.(step + 1, loss, parts);
        } finally {
          targets.dispose();
        }
      } finally {
        tf.dispose([lower, ...(condition ? [condition] : [])]);
      }
    }
  } finally {
    optimizer.dispose();
  }
  return { losses, predictionLosses, seconds: (performance.now() - started) / 1000 };
}
