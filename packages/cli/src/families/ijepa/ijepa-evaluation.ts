import type * as tf from '@tensorflow/tfjs';
import type { Encoder } from '@jepa/core';
import { createIJepa } from '@jepa/vision';
import { probeEncoderRow, probePixelsRow, type ProbeRow, type ProbeSuiteOptions } from './probe-suite.js';
import type { ResolvedTrainingConfig } from './ijepa-run-settings.js';
import type { RunData } from './image-run-data.js';

/** Options of {@link evaluateIJepa}. */
export interface IJepaEvaluationOptions extends Omit<ProbeSuiteOptions, 'normalization'> {
  /** Also probe the two baselines: the same architecture with random weights, and raw pixels. */
  readonly baselines: boolean;
  /** Label of the encoder row (default `I-JEPA target encoder`). */
  readonly label?: string;
}

/** The sentence that says how the probes were run (in reports). */
export function protocolSentence(options: Pick<ProbeSuiteOptions, 'shotsPerClass' | 'draws' | 'full'>): string {
  return (
    `Linear probes on frozen, average-pooled features: low-shot with ${options.shotsPerClass} labelled train images per class ` +
    `(${options.draws} random draws), ${options.full ? 'and full-label with every train image, ' : ''}scored on the held-out images.`
  );
}

/**
 * Probes a trained I-JEPA encoder the way the paper evaluates one (average-pooled tokens, linear
 * probes), and with `baselines` the same probes on a randomly initialised encoder of the same
 * architecture (weights from seed `config.seed + 1`) and on raw normalised pixels.
 */
export async function evaluateIJepa(encoder: Encoder<tf.Tensor4D>, config: ResolvedTrainingConfig, data: RunData, options: IJepaEvaluationOptions): Promise<ProbeRow[]> {
  const suite: ProbeSuiteOptions = { ...options, normalization: config.normalization };
  const rows = [await probeEncoderRow('ijepa', options.label ?? 'I-JEPA target encoder', encoder, data.train, data.heldOut, suite)];
  if (options.baselines) {
    const random = createIJepa(config.model, { seed: config.seed + 1 });
    try {
      rows.push(await probeEncoderRow('random-encoder', 'random-weight encoder', random.targetEncoder, data.train, data.heldOut, suite));
    } finally {
      random.dispose();
    }
    rows.push(await probePixelsRow(data.train, data.heldOut, suite));
  }
  return rows;
}
