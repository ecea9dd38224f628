/**
 * H-JEPA stacking on Moving MNIST as a function (main.ts runs it; the test runs the quick settings):
 *
 * 1. clips: one MNIST digit moving in one of 8 directions and bouncing (`movingMnistClips` of
 *    @jepa/video, in memory), frames downscaled 64 -> 32; train clips move train digits, test clips
 *    held-out digits;
 * 2. level 1: a small I-JEPA (@jepa/vision `IJepaTrainable`, the MNIST recipe at 32 x 32 with 8 x 8
 *    patches and no crops) trained on single frames, then frozen: every frame becomes its target
 *    encoder's average-pooled tokens;
 * 3. level 2: a `TemporalLevel` of @jepa/hierarchy over those per-frame latents (windows of
 *    `stepSkip` frames, EMA target, next-window predictor), trained with `trainTemporalLevel`;
 * 4. the same linear probes (`probeFeatures` of @jepa/vision: 10 clips per class x 5 draws, and all
 *    labels) of the clip's first motion direction on raw pixels, level-1 features (mean over frames
 *    and concatenated over frames), level-2 features (mean over windows and concatenated) and the
 *    same level 2 with random weights; `report.md` and `report.json` in `outDir`.
 *
 * Only the public APIs of @jepa/core, @jepa/vision, @jepa/video and @jepa/hierarchy are used.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, withInitSeed, type BackendChoice, type LabeledImages, type ProgressMode } from '@jepa/core';
import { readMetricsLog, train } from '@jepa/core/node';
import { TemporalLevel, trainTemporalLevel, type TemporalLevelOptions } from '@jepa/hierarchy';
import { MOVING_MNIST_DIRECTIONS_8, movingMnistClips } from '@jepa/video';
import {
  extractFeatures,
  fanInPatchInitStd,
  IJepaTrainable,
  MNIST_IJEPA_RECIPE,
  normalizeBatch,
  probeFeatures,
  type IJepaTrainingConfig,
  type ProbeEvaluation,
} from '@jepa/vision';
import { loadMnist } from '@jepa/vision/node';

/** Everything the example trains and measures. */
export interface StackingSettings {
  readonly data: {
    readonly trainClips: number;
    readonly testClips: number;
    /** Frames per clip `T` (a multiple of `level2.stepSkip`). */
    readonly numFrames: number;
    /** Moving MNIST is generated at 64 x 64 and averaged 2 x 2 down to this side (32). */
    readonly frameSize: number;
    readonly trainSeed: number;
    readonly testSeed: number;
  };
  /** Level 1: the I-JEPA on single frames. */
  readonly level1: {
    readonly encoder: { readonly embedDim: number; readonly depth: number; readonly numHeads: number };
    readonly predictor: { readonly embedDim: number; readonly depth: number; readonly numHeads: number };
    readonly patchSize: number;
    readonly steps: number;
    readonly batchSize: number;
    /**
     * What level 2 reads per frame: the target encoder's tokens averaged over the grid (`pooled`,
     * `D` values), or all of them side by side (`tokens`, `N x D`: where the digit is survives).
     */
    readonly frameLatent: 'pooled' | 'tokens';
  };
  /** Level 2: the temporal level over level-1 latents. */
  readonly level2: {
    readonly model: Omit<TemporalLevelOptions, 'latentDim'>;
    readonly steps: number;
    readonly batchSize: number;
    readonly lr: number;
  };
  readonly probe: { readonly shotsPerClass: number; readonly draws: number };
  readonly seed: number;
}

/** The defaults: about 10 minutes on 2 CPU cores. */
export const STACKING_SETTINGS: StackingSettings = {
  data: { trainClips: 1000, testClips: 300, numFrames: 8, frameSize: 32, trainSeed: 1, testSeed: 2 },
  level1: {
    encoder: { embedDim: 64, depth: 4, numHeads: 4 },
    predictor: { embedDim: 64, depth: 2, numHeads: 4 },
    patchSize: 8,
    steps: 600,
    batchSize: 64,
    frameLatent: 'tokens',
  },
  level2: { model: { stepSkip: 2, embedDim: 64, depth: 1, numHeads: 4 }, steps: 1500, batchSize: 64, lr: 1e-3 },
  probe: { shotsPerClass: 10, draws: 5 },
  seed: 0,
};

/** Seconds, not minutes: tiny sizes for the app's test. */
export const QUICK_STACKING_SETTINGS: StackingSettings = {
  data: { trainClips: 40, testClips: 24, numFrames: 4, frameSize: 32, trainSeed: 1, testSeed: 2 },
  level1: {
    encoder: { embedDim: 16, depth: 1, numHeads: 2 },
    predictor: { embedDim: 16, depth: 1, numHeads: 2 },
    patchSize: 8,
    steps: 2,
    batchSize: 8,
    frameLatent: 'tokens',
  },
  level2: { model: { stepSkip: 2, embedDim: 8, depth: 1, numHeads: 2 }, steps: 3, batchSize: 8, lr: 1e-3 },
  probe: { shotsPerClass: 1, draws: 2 },
  seed: 0,
};

export interface StackingExampleOptions {
  readonly outDir: string;
  readonly settings?: StackingSettings;
  readonly backend?: BackendChoice;
  readonly progress?: ProgressMode;
  readonly log?: (line: string) => void;
}

/** One probed kind of features. */
export interface StackingProbeRow extends ProbeEvaluation {
  /** Which level made them: `pixels`, `level 1`, `level 2`. */
  readonly level: string;
}

/** `report.json` of the example. */
export interface StackingReport {
  readonly format: 'stacking-moving-mnist-report';
  readonly version: 1;
  readonly createdAt: string;
  readonly backend: string;
  readonly settings: StackingSettings;
  readonly directionClasses: readonly string[];
  readonly level1: { readonly steps: number; readonly seconds: number; readonly firstLoss: number | null; readonly finalLoss: number | null; readonly embedSeconds: number };
  readonly level2: { readonly steps: number; readonly seconds: number; readonly firstPredictionLoss: number; readonly finalPredictionLoss: number; readonly finalLoss: number };
  readonly rows: readonly StackingProbeRow[];
  readonly probeSeconds: number;
  readonly wallSeconds: number;
}

/** Clips as arrays: frames `[N * T, size, size, 1]` (one image per frame, labelled with the digit) and the direction of each clip. */
interface ClipSet {
  readonly frames: LabeledImages;
  readonly directions: Int32Array;
  readonly count: number;
}

function makeClips(count: number, seed: number, digits: LabeledImages, numFrames: number, size: number): ClipSet {
  const source = 64;
  const factor = source / size;
  if (!Number.isInteger(factor)) throw new Error(`stacking example: frameSize must divide 64, got ${size}.`);
  const images = new Float32Array(count * numFrames * size * size);
  const labels = new Int32Array(count * numFrames);
  const directions = new Int32Array(count);
  let n = 0;
  for (const clip of movingMnistClips({ count, seed, digits, numFrames, size: source, numDigits: 1, directionClasses: 8 })) {
    directions[n] = clip.directionLabel;
    for (let t = 0; t < numFrames; t++) {
      labels[n * numFrames + t] = clip.digitLabel;
      const frame = (n * numFrames + t) * size * size;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          let sum = 0;
          for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) sum += clip.clip.data[(t * source + y * factor + dy) * source + x * factor + dx]!;
          images[frame + y * size + x] = sum / (factor * factor);
        }
      }
    }
    n++;
  }
  return { frames: { images, labels, count: count * numFrames, height: size, width: size, channels: 1, classNames: digits.classNames }, directions, count };
}

/** Every frame's target-encoder tokens side by side, `[n, N * D]` (what `extractFeatures` averages over the grid). */
async function frameTokens(encoder: IJepaTrainable['model']['targetEncoder'], frames: LabeledImages, normalization: { mean: number[]; std: number[] }): Promise<Float32Array> {
  const { count, height, width } = frames;
  const batchSize = 256;
  const chunks: Float32Array[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const input = normalizeBatch(frames.images.subarray(start * height * width, (start + n) * height * width), n, height, width, 1, normalization);
    const tokens = tf.tidy(() => encoder.encode(tf.tensor4d(input, [n, height, width, 1])));
    try {
      chunks.push((await tokens.data()) as Float32Array);
    } finally {
      tokens.dispose();
    }
  }
  const out = new Float32Array(chunks.reduce((a, c) => a + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** `[N, T, F]` -> `[N, F]`, the mean over `T`. */
function meanOverSteps(values: Float32Array, count: number, steps: number, width: number): Float32Array {
  const out = new Float32Array(count * width);
  for (let n = 0; n < count; n++) {
    for (let t = 0; t < steps; t++) for (let f = 0; f < width; f++) out[n * width + f] += values[(n * steps + t) * width + f]!;
    for (let f = 0; f < width; f++) out[n * width + f] /= steps;
  }
  return out;
}

/** Per-dimension mean and std of `[M, F]` rows. */
function columnStatistics(values: Float32Array, width: number): { mean: Float32Array; std: Float32Array } {
  const rows = values.length / width;
  const mean = new Float32Array(width);
  const std = new Float32Array(width);
  for (let r = 0; r < rows; r++) for (let f = 0; f < width; f++) mean[f] += values[r * width + f]! / rows;
  for (let r = 0; r < rows; r++) for (let f = 0; f < width; f++) std[f] += (values[r * width + f]! - mean[f]!) ** 2 / rows;
  for (let f = 0; f < width; f++) std[f] = Math.sqrt(std[f]!) + 1e-6;
  return { mean, std };
}

function standardize(values: Float32Array, width: number, statistics: { mean: Float32Array; std: Float32Array }): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i]! - statistics.mean[i % width]!) / statistics.std[i % width]!;
  return out;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** Runs the example and writes `report.json` and `report.md` into `outDir`. */
export async function runStackingExample(options: StackingExampleOptions): Promise<StackingReport> {
  const settings = options.settings ?? STACKING_SETTINGS;
  const log = options.log ?? ((line: string) => console.log(line));
  const started = performance.now();
  const { data } = settings;
  const k = settings.level2.model.stepSkip;
  if (data.numFrames % k !== 0 || data.numFrames < 2 * k) throw new Error(`stacking example: numFrames ${data.numFrames} must be a multiple of level2 stepSkip ${k} and hold at least two windows.`);
  await mkdir(options.outDir, { recursive: true });

  // 1. Backend and clips (in memory; held-out digits for the test clips).
  const backend = await initBackend({ backend: options.backend });
  log(`backend: ${backend.backend}`);
  const { train: trainDigits, heldOut } = loadMnist({ heldOutPerClass: 200 });
  const T = data.numFrames;
  const trainSet = makeClips(data.trainClips, data.trainSeed, trainDigits, T, data.frameSize);
  const testSet = makeClips(data.testClips, data.testSeed, heldOut, T, data.frameSize);
  log(`clips: ${data.trainClips} train / ${data.testClips} test of ${T} frames at ${data.frameSize}x${data.frameSize} (one digit, 8 directions)`);

  // 2. Level 1: an I-JEPA on single frames (no crops: they would move the digit), then frozen.
  const l1 = settings.level1;
  const normalization = { mean: [0.05], std: [0.2] };
  const config: IJepaTrainingConfig = {
    ...MNIST_IJEPA_RECIPE,
    model: { imageSize: data.frameSize, patchSize: l1.patchSize, inChannels: 1, patchEmbedInitStd: fanInPatchInitStd(l1.patchSize, 1), encoder: l1.encoder, predictor: l1.predictor },
    optimization: { ...MNIST_IJEPA_RECIPE.optimization, steps: l1.steps, batchSize: l1.batchSize, warmupSteps: Math.round(l1.steps * 0.1) },
    augmentation: { cropScale: null },
    normalization,
    seed: settings.seed,
  };
  const run = new IJepaTrainable(config, trainSet.frames);
  let level1Report: StackingReport['level1'];
  let trainLatents: Float32Array;
  let testLatents: Float32Array;
  let trainTokens: Float32Array | undefined;
  let testTokens: Float32Array | undefined;
  try {
    const result = await train(run, {
      outDir: join(options.outDir, 'level1'),
      totalSteps: l1.steps,
      checkpointEvery: l1.steps,
      ...(options.progress ? { progress: options.progress } : {}),
    });
    const losses = (await readMetricsLog(result.metricsPath)).map((record) => record.loss);
    log(`level 1 (I-JEPA on frames): ${result.steps} steps (${result.stepsRun} in this run) in ${result.wallSeconds.toFixed(0)} s, loss ${losses[0]?.toFixed(4)} -> ${losses.at(-1)?.toFixed(4)}`);
    const t0 = performance.now();
    trainLatents = await extractFeatures(run.model.targetEncoder, trainSet.frames, { normalization });
    testLatents = await extractFeatures(run.model.targetEncoder, testSet.frames, { normalization });
    if (l1.frameLatent === 'tokens') {
      trainTokens = await frameTokens(run.model.targetEncoder, trainSet.frames, normalization);
      testTokens = await frameTokens(run.model.targetEncoder, testSet.frames, normalization);
    }
    const embedSeconds = (performance.now() - t0) / 1000;
    level1Report = { steps: result.steps, seconds: +result.wallSeconds.toFixed(1), firstLoss: losses[0] ?? null, finalLoss: losses.at(-1) ?? null, embedSeconds: +embedSeconds.toFixed(1) };
  } finally {
    run.dispose();
  }
  const D1 = l1.encoder.embedDim;
  const tokensPerFrame = (data.frameSize / l1.patchSize) ** 2;
  const D = l1.frameLatent === 'tokens' ? tokensPerFrame * D1 : D1;

  // 3. Level 2: a temporal JEPA over the per-frame latents (standardised with the train statistics).
  const statistics = columnStatistics(trainTokens ?? trainLatents, D);
  const trainLower = standardize(trainTokens ?? trainLatents, D, statistics);
  const testLower = standardize(testTokens ?? testLatents, D, statistics);
  const l2 = settings.level2;
  const level = withInitSeed(settings.seed + 2, () => new TemporalLevel({ ...l2.model, latentDim: D }));
  const untrained = withInitSeed(settings.seed + 3, () => new TemporalLevel({ ...l2.model, latentDim: D }));
  let level2Report: StackingReport['level2'];
  const rows: StackingProbeRow[] = [];
  let probeSeconds = 0;
  try {
    const result = trainTemporalLevel(level, { count: data.trainClips, steps: T, latents: trainLower }, {
      steps: l2.steps,
      batchSize: l2.batchSize,
      predictedWindows: T / k - 1,
      lr: l2.lr,
      seed: settings.seed,
    });
    const mean = (values: number[]) => values.reduce((a, v) => a + v, 0) / Math.max(1, values.length);
    const span = Math.max(1, Math.min(10, Math.floor(l2.steps / 5)));
    level2Report = {
      steps: l2.steps,
      seconds: +result.seconds.toFixed(1),
      firstPredictionLoss: mean(result.predictionLosses.slice(0, span)),
      finalPredictionLoss: mean(result.predictionLosses.slice(-span)),
      finalLoss: result.losses.at(-1)!,
    };
    log(`level 2 (temporal JEPA, windows of ${k} frames): ${l2.steps} steps in ${result.seconds.toFixed(0)} s, prediction loss ${level2Report.firstPredictionLoss.toFixed(4)} -> ${level2Report.finalPredictionLoss.toFixed(4)}`);

    // 4. Probes of the first motion direction, every kind of features measured the same way.
    const E = level.embedDim;
    const W = T / k;
    const level2Of = (model: TemporalLevel, lower: Float32Array, count: number) =>
      tf.tidy(() => model.encodeSequence(tf.tensor3d(lower, [count, T, D])).dataSync() as Float32Array);
    const pixels = (set: ClipSet) => normalizeBatch(set.frames.images, set.frames.count, data.frameSize, data.frameSize, 1, normalization);
    const kinds: Array<{ level: string; name: string; dim: number; train: () => Float32Array; test: () => Float32Array }> = [
      { level: 'pixels', name: `raw pixels, all frames (${T} x ${data.frameSize}x${data.frameSize})`, dim: T * data.frameSize * data.frameSize, train: () => pixels(trainSet), test: () => pixels(testSet) },
      { level: 'level 1', name: 'I-JEPA pooled frame latents, mean over frames', dim: D1, train: () => meanOverSteps(trainLatents, data.trainClips, T, D1), test: () => meanOverSteps(testLatents, data.testClips, T, D1) },
      { level: 'level 1', name: `I-JEPA pooled frame latents, concatenated over frames (${T} x ${D1})`, dim: T * D1, train: () => trainLatents, test: () => testLatents },
      ...(trainTokens && testTokens
        ? [{ level: 'level 1', name: `I-JEPA frame tokens (level 2's input, ${tokensPerFrame} x ${D1}), mean over frames`, dim: D, train: () => meanOverSteps(trainTokens, data.trainClips, T, D), test: () => meanOverSteps(testTokens, data.testClips, T, D) }]
        : []),
      { level: 'level 2', name: 'temporal level, mean over windows', dim: E, train: () => meanOverSteps(level2Of(level, trainLower, data.trainClips), data.trainClips, W, E), test: () => meanOverSteps(level2Of(level, testLower, data.testClips), data.testClips, W, E) },
      { level: 'level 2', name: `temporal level, concatenated over windows (${W} x ${E})`, dim: W * E, train: () => level2Of(level, trainLower, data.trainClips), test: () => level2Of(level, testLower, data.testClips) },
      { level: 'level 2', name: 'same temporal level, random weights, mean over windows', dim: E, train: () => meanOverSteps(level2Of(untrained, trainLower, data.trainClips), data.trainClips, W, E), test: () => meanOverSteps(level2Of(untrained, testLower, data.testClips), data.testClips, W, E) },
    ];
    const counts = new Map<number, number>();
    for (const label of trainSet.directions) counts.set(label, (counts.get(label) ?? 0) + 1);
    const shotsPerClass = Math.max(1, Math.min(settings.probe.shotsPerClass, ...counts.values()));
    const t0 = performance.now();
    for (const kind of kinds) {
      const row = await probeFeatures(kind.name, { features: kind.train(), labels: trainSet.directions, dim: kind.dim }, { features: kind.test(), labels: testSet.directions, dim: kind.dim }, { shotsPerClass, draws: settings.probe.draws, seed: settings.seed });
      rows.push({ ...row, level: kind.level });
      log(`  probed ${kind.name}: ${row.full ? pct(row.full.accuracy) : '-'} full-label`);
    }
    probeSeconds = (performance.now() - t0) / 1000;
  } finally {
    level.dispose();
    untrained.dispose();
  }

  // 5. Report.
  const report: StackingReport = {
    format: 'stacking-moving-mnist-report',
    version: 1,
    createdAt: new Date().toISOString(),
    backend: backend.backend,
    settings,
    directionClasses: MOVING_MNIST_DIRECTIONS_8,
    level1: level1Report,
    level2: level2Report,
    rows,
    probeSeconds: +probeSeconds.toFixed(1),
    wallSeconds: +((performance.now() - started) / 1000).toFixed(1),
  };
  const table = [
    `| level | features | dim | low-shot, ${rows[0]?.lowShot.shotsPerClass ?? '-'} per class (${settings.probe.draws} draws) | full-label |`,
    '|---|---|---:|---|---:|',
    ...rows.map((r) => `| ${r.level} | ${r.name} | ${r.dim} | ${pct(r.lowShot.mean)} ± ${pct(r.lowShot.std)} | ${r.full ? pct(r.full.accuracy) : '-'} |`),
  ].join('\n');
  await writeFile(join(options.outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(
    join(options.outDir, 'report.md'),
    `# H-JEPA stacking on Moving MNIST: motion direction\n\n` +
      `- backend ${backend.backend}; ${data.trainClips} train / ${data.testClips} test clips (held-out digits) of ${T} frames at ${data.frameSize}x${data.frameSize}, one digit, 8 directions (chance 12.5 %)\n` +
      `- level 1: I-JEPA ${l1.encoder.embedDim}x${l1.encoder.depth} on single frames (${l1.patchSize}x${l1.patchSize} patches), ${report.level1.steps} steps of ${l1.batchSize} frames in ${report.level1.seconds} s, loss ${report.level1.firstLoss?.toFixed(4)} -> ${report.level1.finalLoss?.toFixed(4)}; frozen, average-pooled target-encoder tokens per frame\n` +
      `- level 2: TemporalLevel over windows of ${k} level-1 latents (width ${l2.model.embedDim ?? 64}, ${l2.model.depth ?? 1} block), ${l2.steps} steps of ${l2.batchSize} clips in ${report.level2.seconds} s, prediction loss ${report.level2.firstPredictionLoss.toFixed(4)} -> ${report.level2.finalPredictionLoss.toFixed(4)}\n` +
      `- probes: linear (L-BFGS softmax on standardised features), the clip's first direction; low-shot draws and all ${data.trainClips} train labels; ${report.probeSeconds} s\n\n` +
      `${table}\n\nWall time ${report.wallSeconds.toFixed(0)} s.\n`,
  );
  log(`\n${table}\n\nwall time ${report.wallSeconds.toFixed(0)} s; report ${join(options.outDir, 'report.md')}`);
  return report;
}
