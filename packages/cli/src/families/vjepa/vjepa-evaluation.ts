import type * as tf from '@tensorflow/tfjs';
import type { Encoder } from '@jepa/core';
import { probeFeatures, type ProbeEvaluation } from '@jepa/vision';
import { createVJepa, extractClipFeatures, type DecodedClips, type VJepaTrainingConfig } from '@jepa/video';
import type { TextStream } from '../../cli-io.js';

/** Options of {@link evaluateVJepa}. */
export interface VJepaEvaluationOptions {
  /** Labelled train clips per class in each low-shot draw, capped by the rarest train class. */
  readonly shots: number;
  /** Low-shot draws. */
  readonly draws: number;
  /** Seed of the low-shot draws and probe training. */
  readonly seed: number;
  /** Also probe the same architecture with random weights (seed `config.seed + 1`) and raw pixels. */
  readonly baselines: boolean;
  /** Also train the full-label probe on every train clip. Default true. */
  readonly full?: boolean;
  /** Name of the encoder's row. Default `vjepa`. */
  readonly name?: string;
  /** Where to say which row is being computed. */
  readonly log?: TextStream;
}

/** `options.shots`, capped by the number of train clips of the rarest class (at least 1). */
export function vjepaShotsPerClass(train: DecodedClips, shots: number): number {
  const counts = new Map<number, number>();
  for (const label of train.labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return Math.max(1, Math.min(shots, ...counts.values()));
}

/**
 * Probes a V-JEPA encoder as `jepa train vjepa` reports it: frozen features (tokens averaged over the
 * whole tubelet grid, clips normalised with `config.normalization`), a low-shot linear probe
 * (mean ± std over draws) and a full-label one, scored on `test`. With `baselines`, the same probes
 * on a random-weight V-JEPA of `config.model` and on the raw clip pixels (in 0..1). Rows in that order.
 */
export async function evaluateVJepa(
  encoder: Encoder<tf.Tensor5D>,
  config: VJepaTrainingConfig,
  train: DecodedClips,
  test: DecodedClips,
  options: VJepaEvaluationOptions,
): Promise<ProbeEvaluation[]> {
  const norm = config.normalization;
  const shotsPerClass = vjepaShotsPerClass(train, options.shots);
  const probe = { shotsPerClass, draws: options.draws, seed: options.seed, lowShotOnly: options.full === false };
  const rows: ProbeEvaluation[] = [];
  const add = async (name: string, dim: number, of: (clips: DecodedClips) => Promise<Float32Array>) => {
    options.log?.write(`probing ${name}: features of ${train.count} train + ${test.count} test clips...\n`);
    rows.push(await probeFeatures(name, { features: await of(train), labels: train.labels, dim }, { features: await of(test), labels: test.labels, dim }, probe));
  };
  await add(options.name ?? 'vjepa', encoder.embedDim, (c) => extractClipFeatures(encoder, c, { normalization: norm }));
  if (options.baselines) {
    const random = createVJepa(config.model, { seed: config.seed + 1 });
    try {
      await add('random-encoder', random.targetEncoder.embedDim, (c) => extractClipFeatures(random.targetEncoder, c, { normalization: norm }));
    } finally {
      random.dispose();
    }
    await add('pixels', train.data.length / train.count, async (c) => c.data);
  }
  return rows;
}

/** The probe table of a V-JEPA evaluation, as markdown (printed and written to report.md). */
export function formatVJepaProbeTable(rows: readonly ProbeEvaluation[]): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return [
    '| features | low-shot (mean ± std) | full-label |',
    '|---|---|---|',
    ...rows.map((x) => `| ${x.name} | ${pct(x.lowShot.mean)} ± ${pct(x.lowShot.std)} (${x.lowShot.shotsPerClass}/class) | ${x.full ? pct(x.full.accuracy) : '-'} |`),
  ].join('\n');
}
