/**
 * Train a V-JEPA on Moving MNIST written as real mp4 files and decoded back through ffmpeg, then
 * measure what its frozen, average-pooled features know about digit identity and motion
 * direction: linear probes with 10 labelled clips per class (5 draws) and with every label, next to
 * raw pixels and the same encoder with random weights.
 *
 *   npm start -w apps/vjepa-moving-mnist                        (about 10 minutes on 2 CPU cores)
 *   STEPS=20 TRAIN_CLIPS=200 TEST_CLIPS=100 OUT=runs/quick npm start -w apps/vjepa-moving-mnist
 *
 * Everything here goes through the public APIs of @jepa/core, @jepa/vision and @jepa/video.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { initBackend, Rng, trainAttentiveProbe } from '@jepa/core';
import { readMetricsLog, train } from '@jepa/core/node';
import { probeFeatures, type ProbeEvaluation } from '@jepa/vision';
import { loadMnist } from '@jepa/vision/node';
import {
  clipStatistics,
  createVJepa,
  decodeDatasetClips,
  extractClipFeatures,
  MOVING_MNIST_VJEPA_DATA,
  MOVING_MNIST_VJEPA_RECIPE,
  normalizeClipData,
  VJepaTrainable,
  type DecodedClips,
  type VJepaTrainingConfig,
} from '@jepa/video';
import { loadVideoIndex, writeMovingMnistDataset, type MovingMnistDataset } from '@jepa/video/node';
import { lossCurveSvg, renderLossCurve, renderMaskOverlay } from './pictures.js';

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const recipe = MOVING_MNIST_VJEPA_RECIPE;
const data = MOVING_MNIST_VJEPA_DATA;
const steps = env('STEPS', recipe.optimization.steps);
const trainCount = env('TRAIN_CLIPS', data.trainClips);
const testCount = env('TEST_CLIPS', data.testClips);
const outDir = resolve(process.env.OUT ?? `runs/vjepa-moving-mnist-${Date.now()}`);
const started = performance.now();

// 1. Backend: tfjs-node(-gpu) if installed, else wasm (threads = cores).
const backend = await initBackend();
console.log(`backend: ${backend.backend}`);

// 2. Moving MNIST as real mp4 files: train clips move digits of the MNIST train split, test clips held-out digits.
const { train: trainDigits, heldOut } = loadMnist({ heldOutPerClass: 200 });
const write = (dir: string, count: number, seed: number, digits: typeof trainDigits) =>
  writeMovingMnistDataset(join(outDir, 'data', dir), { count, numFrames: data.numFrames, size: data.videoSize, numDigits: data.numDigits, directionClasses: data.directionClasses, seed, digits });
let t0 = performance.now();
const trainSet = await write('train', trainCount, data.trainSeed, trainDigits);
const testSet = await write('test', testCount, data.testSeed, heldOut);
const encodeSeconds = (performance.now() - t0) / 1000;
console.log(`wrote ${trainCount + testCount} ${trainSet.codec} videos (${data.numFrames} frames, ${data.videoSize}x${data.videoSize}) in ${encodeSeconds.toFixed(1)} s`);

// 3. Decode every clip once (downscaled to the model's size, grey) and keep them in memory.
const m = recipe.model;
const decode = async (set: MovingMnistDataset) => {
  const dataset = await loadVideoIndex(set.indexFiles.digit, { numFrames: m.numFrames, frameStep: recipe.frameStep, size: m.imageSize, pixelFormat: 'gray' });
  const result = await decodeDatasetClips(dataset);
  const direction = new Map(set.records.map((r) => [join(set.directory, r.file), r.directionLabel]));
  return { ...result, directions: Int32Array.from(result.clips.paths, (p) => direction.get(p)!) };
};
const trainData = await decode(trainSet);
const testData = await decode(testSet);
const decodedFrames = (trainData.clips.count + testData.clips.count) * m.numFrames;
const decodeSeconds = trainData.seconds + testData.seconds;
const decodeFps = decodedFrames / decodeSeconds;
console.log(`decoded ${decodedFrames} frames at ${m.imageSize}x${m.imageSize} in ${decodeSeconds.toFixed(1)} s: ${decodeFps.toFixed(0)} frames/s`);

// 4. Train: checkpoints, metrics.jsonl and progress come from the core trainer (rerun with the same OUT to resume).
const statistics = clipStatistics(trainData.clips);
const config: VJepaTrainingConfig = {
  ...recipe,
  optimization: { ...recipe.optimization, steps, warmupSteps: Math.round(steps * 0.1) },
  normalization: { mean: statistics.mean.map((x) => +x.toFixed(4)), std: statistics.std.map((x) => +x.toFixed(4)) },
};
const run = new VJepaTrainable(config, trainData.clips);
t0 = performance.now();
const result = await train(run, { outDir: join(outDir, 'train'), totalSteps: steps, checkpointEvery: Math.max(1, Math.ceil(steps / 5)) });
const trainSeconds = (performance.now() - t0) / 1000;
const stepSeconds = trainSeconds / Math.max(result.stepsRun, 1);
console.log(`trained ${result.steps} steps in ${trainSeconds.toFixed(0)} s (${(1000 * stepSeconds).toFixed(0)} ms/step, batch ${config.optimization.batchSize}), final loss ${result.finalLoss?.toFixed(4)}`);

// 5. Pictures: a test clip with the masks of one draw, and the loss curve.
await mkdir(outDir, { recursive: true });
const drawn = run.sampler.sampleIndices(1, new Rng(config.seed).derive('picture'));
const pairs = drawn.context.map((c, g) => ({ context: c[0]!, target: drawn.target[g]![0]! }));
await writeFile(join(outDir, 'masks.png'), await renderMaskOverlay(testData.clips, 0, pairs, { grid: run.model.grid, tubeletSize: m.tubeletSize, patchSize: m.patchSize }));
const metrics = (await readMetricsLog(result.metricsPath)).map((r) => ({ step: r.step, loss: r.loss }));
const lossTitle = `V-JEPA training loss (Moving MNIST, ${result.steps} steps)`;
await writeFile(join(outDir, 'loss.svg'), lossCurveSvg(metrics, lossTitle));
await writeFile(join(outDir, 'loss.png'), await renderLossCurve(metrics, lossTitle));

// 6. Probes on frozen features, for two tasks, against two baselines.
const probeOptions = { shotsPerClass: 10, draws: 5, seed: 0 };
const tasks = [
  { task: 'digit', train: trainData.clips.labels, test: testData.clips.labels },
  { task: 'direction', train: trainData.directions, test: testData.directions },
];
const features: Array<{ name: string; dim: number; of: (clips: DecodedClips) => Promise<Float32Array> }> = [];
const random = createVJepa(config.model, { seed: config.seed + 1 });
features.push({ name: 'V-JEPA (target encoder)', dim: m.encoder.embedDim, of: (c) => extractClipFeatures(run.model.targetEncoder, c, { normalization: config.normalization }) });
features.push({ name: 'same encoder, random weights', dim: m.encoder.embedDim, of: (c) => extractClipFeatures(random.targetEncoder, c, { normalization: config.normalization }) });
features.push({ name: 'raw pixels', dim: m.numFrames * m.imageSize * m.imageSize, of: async (c) => normalizeClipData(c.data, c.channels, config.normalization) });
const rows: Array<ProbeEvaluation & { task: string }> = [];
t0 = performance.now();
for (const f of features) {
  const trainFeatures = await f.of(trainData.clips);
  const testFeatures = await f.of(testData.clips);
  for (const t of tasks) {
    // Small sets (short runs): at most as many shots as the rarest class has clips.
    const counts = new Map<number, number>();
    for (const label of t.train) counts.set(label, (counts.get(label) ?? 0) + 1);
    const shotsPerClass = Math.max(1, Math.min(probeOptions.shotsPerClass, ...counts.values()));
    const row = await probeFeatures(f.name, { features: trainFeatures, labels: t.train, dim: f.dim }, { features: testFeatures, labels: t.test, dim: f.dim }, { ...probeOptions, shotsPerClass });
    rows.push({ ...row, task: t.task });
  }
}
// The official V-JEPA frozen evaluation: an attentive probe (a learned query cross-attending to
// every token, then a linear layer) on the encoders' token grids, all train labels.
const attentive: Array<{ task: string; name: string; accuracy: number }> = [];
const encoders = [
  { name: 'V-JEPA (target encoder)', encoder: run.model.targetEncoder },
  { name: 'same encoder, random weights', encoder: random.targetEncoder },
];
for (const { name, encoder } of encoders) {
  const trainTokens = await extractClipFeatures(encoder, trainData.clips, { normalization: config.normalization, pooling: 'tokens' });
  const testTokens = await extractClipFeatures(encoder, testData.clips, { normalization: config.normalization, pooling: 'tokens' });
  const dim = trainTokens.length / trainData.clips.count;
  for (const t of tasks) {
    const probe = trainAttentiveProbe({ features: trainTokens, labels: t.train, dim }, { numTokens: dim / m.encoder.embedDim, numHeads: m.encoder.numHeads, numClasses: 1 + Math.max(...t.train, ...t.test), seed: 0 });
    try {
      attentive.push({ task: t.task, name, accuracy: probe.accuracy(testTokens, t.test) });
    } finally {
      probe.dispose();
    }
  }
}
const probeSeconds = (performance.now() - t0) / 1000;
random.dispose();
await run.close();

// 7. Report.
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const table = [
  '| task | features | low-shot (shots/class: mean ± std) | full-label |',
  '|---|---|---|---|',
  ...rows.map((r) => `| ${r.task} | ${r.name} | ${r.lowShot.shotsPerClass}: ${pct(r.lowShot.mean)} ± ${pct(r.lowShot.std)} | ${r.full ? pct(r.full.accuracy) : '-'} |`),
].join('\n');
const attentiveTable = ['| task | features | attentive probe, all labels |', '|---|---|---|', ...attentive.map((a) => `| ${a.task} | ${a.name} | ${pct(a.accuracy)} |`)].join('\n');
const wallSeconds = (performance.now() - started) / 1000;
const report = {
  format: 'vjepa-moving-mnist-report',
  version: 1,
  createdAt: new Date().toISOString(),
  backend: backend.backend,
  data: { trainClips: trainData.clips.count, testClips: testData.clips.count, numFrames: m.numFrames, videoSize: data.videoSize, decodedSize: m.imageSize, codec: trainSet.codec, numDigits: data.numDigits, directionClasses: trainSet.directionClassNames },
  decode: { frames: decodedFrames, frameStep: recipe.frameStep, seconds: +decodeSeconds.toFixed(3), framesPerSecond: +decodeFps.toFixed(1), encodeSeconds: +encodeSeconds.toFixed(3) },
  model: { ...config.model, grid: [...run.model.grid] },
  training: { steps: result.steps, stepsThisRun: result.stepsRun, batchSize: config.optimization.batchSize, seconds: +trainSeconds.toFixed(3), secondsPerStep: +stepSeconds.toFixed(4), finalLoss: result.finalLoss ?? null, firstLoss: metrics[0]?.loss ?? null },
  evaluation: {
    protocol: 'linear probes on average-pooled frozen features: 10 labelled clips per class x 5 draws, and all train labels (L-BFGS softmax, L2 chosen on a split); attentive probes on all tokens with all train labels (core defaults: 20 epochs, batch 16, AdamW lr 1e-3 cosine)',
    seconds: +probeSeconds.toFixed(3),
    rows,
    attentive,
  },
  wallSeconds: +wallSeconds.toFixed(1),
};
await writeFile(join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
await writeFile(
  join(outDir, 'report.md'),
  `# V-JEPA on Moving MNIST\n\n` +
    `- backend ${backend.backend}; ${report.data.trainClips} train / ${report.data.testClips} test clips of ${m.numFrames} frames (${data.videoSize}x${data.videoSize} ${trainSet.codec}, decoded at ${m.imageSize}x${m.imageSize} grey)\n` +
    `- decode: ${decodedFrames} frames in ${decodeSeconds.toFixed(1)} s = ${decodeFps.toFixed(0)} frames/s\n` +
    `- model: video ViT ${m.encoder.embedDim}x${m.encoder.depth}, tubelet ${m.tubeletSize}x${m.patchSize}x${m.patchSize}, grid ${run.model.grid.join('x')}; predictor ${m.predictor.embedDim}x${m.predictor.depth}\n` +
    `- training: ${result.steps} steps of ${config.optimization.batchSize} clips, ${(1000 * stepSeconds).toFixed(0)} ms/step, loss ${report.training.firstLoss?.toFixed(4)} -> ${result.finalLoss?.toFixed(4)}\n\n` +
    `${table}\n\n${attentiveTable}\n\n![loss](loss.png)\n\n![masks](masks.png)\n\nmasks.png: row 1 a test clip; then one row per mask generator (green context, red target).\n`,
);
console.log(`\n${table}\n\n${attentiveTable}\n\nwall time ${wallSeconds.toFixed(0)} s; report ${join(outDir, 'report.md')}`);
