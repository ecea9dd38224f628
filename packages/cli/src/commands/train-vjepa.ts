import { access, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { initBackend, readMetricsLog, train, type BackendChoice, type ProgressMode } from '@jepa/core';
import { loadMnist } from '@jepa/vision';
import {
  clipStatistics,
  decodeDatasetClips,
  loadVideoIndex,
  MOVING_MNIST_VJEPA_DATA,
  MOVING_MNIST_VJEPA_RECIPE,
  subsetDecodedClips,
  VJepaTrainable,
  writeMovingMnistDataset,
  type DecodedClips,
  type VJepaTrainingConfig,
} from '@jepa/video';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../cli-context.js';
import { writeLossPlot } from '../loss-plot.js';
import { integerAtLeast, numberIn } from '../option-parsers.js';
import { evaluateVJepa, formatVJepaProbeTable } from '../vjepa-evaluation.js';
import { BACKEND_CHOICES, PROGRESS_CHOICES } from './train-ijepa.js';

/** The flags of `jepa train vjepa` as commander parses them. */
export interface TrainVjepaFlags {
  dataset?: string;
  trainClips?: number;
  testClips?: number;
  imageSize?: number;
  patchSize?: number;
  numFrames?: number;
  embedDim?: number;
  depth?: number;
  numHeads?: number;
  predictorEmbedDim?: number;
  predictorDepth?: number;
  steps?: number;
  batchSize?: number;
  lr?: number;
  seed?: number;
  backend?: BackendChoice;
  out?: string;
  resume?: boolean;
  eval: boolean;
  shots: number;
  draws: number;
  progress: ProgressMode;
  checkpointEvery?: number;
}

const r = MOVING_MNIST_VJEPA_RECIPE;
const EXAMPLES = `
Examples:
  $ jepa train vjepa                                    # Moving MNIST (written as mp4, decoded by ffmpeg), ${r.optimization.steps} steps
  $ jepa train vjepa --dataset videos/index.csv --image-size 64 --num-frames 16 --patch-size 8
  $ jepa train vjepa --out runs/mm --resume             # continue a run from its newest checkpoint

--dataset takes a folder holding digits.csv (a Moving MNIST folder) or index.csv, or an index file
of "path label" lines (the official V-JEPA format). The run folder holds config.json, data/ (Moving MNIST),
checkpoints/, metrics.jsonl, loss.png/loss.svg, report.md and report.json.
Defaults come from MOVING_MNIST_VJEPA_RECIPE (packages/video/src/training/moving-mnist-recipe.ts).`;

/** Adds `vjepa` to the `train` command group. */
export function registerTrainVjepa(group: Command, context: CliContext): Command {
  return group
    .command('vjepa')
    .summary('train a V-JEPA (video ViT) on Moving MNIST or indexed videos, then probe it')
    .description(
      'Train a V-JEPA self-supervised on clips decoded once through ffmpeg, then evaluate the target encoder with linear probes ' +
        '(low-shot and full-label) next to the same architecture with random weights and raw pixels.',
    )
    .option('--dataset <folder|index>', 'videos: a folder with digits.csv/index.csv or an index file of "path label" lines (default: generate Moving MNIST into the run folder)')
    .option('--train-clips <n>', `Moving MNIST train clips (default ${MOVING_MNIST_VJEPA_DATA.trainClips}); with --dataset, the first n clips train`, integerAtLeast(2))
    .option('--test-clips <n>', `Moving MNIST test clips (default ${MOVING_MNIST_VJEPA_DATA.testClips}); with --dataset, the next n clips evaluate`, integerAtLeast(1))
    .option('--num-frames <n>', `frames per clip (default ${r.model.numFrames})`, integerAtLeast(2))
    .option('--image-size <n>', `decoded frame side (default ${r.model.imageSize})`, integerAtLeast(1))
    .option('--patch-size <n>', `tubelet side in pixels (default ${r.model.patchSize})`, integerAtLeast(1))
    .option('--embed-dim <n>', `encoder width (default ${r.model.encoder.embedDim})`, integerAtLeast(1))
    .option('--depth <n>', `encoder blocks (default ${r.model.encoder.depth})`, integerAtLeast(1))
    .option('--num-heads <n>', `encoder heads (default ${r.model.encoder.numHeads})`, integerAtLeast(1))
    .option('--predictor-embed-dim <n>', `predictor width (default ${r.model.predictor.embedDim})`, integerAtLeast(1))
    .option('--predictor-depth <n>', `predictor blocks (default ${r.model.predictor.depth})`, integerAtLeast(1))
    .option('--steps <n>', `optimizer updates (default ${r.optimization.steps})`, integerAtLeast(1))
    .option('--batch-size <n>', `clips per update (default ${r.optimization.batchSize})`, integerAtLeast(1))
    .option('--lr <x>', `peak learning rate (default ${r.optimization.lr})`, numberIn(0))
    .option('--seed <n>', `seed of weights, batches and masks (default ${r.seed})`, integerAtLeast(0))
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (default: $JEPA_BACKEND, else auto)').choices(BACKEND_CHOICES))
    .option('--out <dir>', 'run folder (default runs/vjepa-<date>-<time>)')
    .option('--resume', 'continue the run in --out from its newest checkpoint (config from its config.json)')
    .option('--no-eval', 'skip the probe evaluation after training')
    .option('--shots <n>', 'labelled train clips per class in each low-shot draw (capped by the rarest class)', integerAtLeast(1), 10)
    .option('--draws <n>', 'low-shot draws', integerAtLeast(1), 5)
    .addOption(new Option('--progress <mode>', 'progress display').choices(PROGRESS_CHOICES).default('auto'))
    .option('--checkpoint-every <n>', 'save a checkpoint every n steps (default: about 10 per run)', integerAtLeast(1))
    .addHelpText('after', EXAMPLES)
    .action(async (flags: TrainVjepaFlags) => {
      await trainVjepa(flags, context);
    });
}

interface VJepaRunConfig {
  format: 'jepa-vjepa-run-config';
  version: 1;
  command: string;
  createdAt: string;
  training: VJepaTrainingConfig;
  data: { dataset: string; trainClips: number; testClips: number };
  run: { checkpointEvery: number };
}

const exists = (path: string) => access(path).then(() => true, () => false);
const stamp = (now = new Date()) => {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
};

/** The index file of `--dataset`: the file itself, or `digits.csv`/`index.csv` in a folder. */
async function resolveIndex(dataset: string): Promise<string> {
  const info = await stat(dataset).catch(() => null);
  if (!info) throw new CliError(`--dataset ${dataset}: no such file or folder.`);
  if (info.isFile()) return dataset;
  for (const name of ['digits.csv', 'index.csv']) if (await exists(join(dataset, name))) return join(dataset, name);
  throw new CliError(`--dataset ${dataset}: the folder holds neither digits.csv nor index.csv. Pass an index file of "path label" lines.`);
}

/** `jepa train vjepa`: data, train, plot, evaluate, report. */
export async function trainVjepa(flags: TrainVjepaFlags, context: CliContext): Promise<void> {
  const { io } = context;
  const log = io.stderr;
  if (flags.resume && flags.out === undefined) throw new CliError('--resume needs --out <run folder>.');
  const runDir = resolve(io.cwd, flags.out ?? join('runs', `vjepa-${stamp()}`));
  const configPath = join(runDir, 'config.json');
  const previous = (await exists(configPath)) ? (JSON.parse(await readFile(configPath, 'utf8')) as VJepaRunConfig) : undefined;
  if (flags.resume && !previous) throw new CliError(`--resume: ${runDir} holds no config.json written by \`jepa train vjepa\`.`);
  if (!flags.resume && previous) throw new CliError(`${runDir} already holds a run. Pass --resume to continue it, or choose another --out.`);

  const base = previous?.training ?? (r as VJepaTrainingConfig);
  const m = base.model;
  const encoder = typeof m.encoder === 'string' ? undefined : m.encoder;
  const model = previous ? m : {
    ...m,
    numFrames: flags.numFrames ?? m.numFrames,
    imageSize: flags.imageSize ?? m.imageSize,
    patchSize: flags.patchSize ?? m.patchSize,
    encoder: { embedDim: flags.embedDim ?? encoder!.embedDim, depth: flags.depth ?? encoder!.depth, numHeads: flags.numHeads ?? encoder!.numHeads },
    predictor: { ...m.predictor, embedDim: flags.predictorEmbedDim ?? m.predictor?.embedDim, depth: flags.predictorDepth ?? m.predictor?.depth, numHeads: flags.numHeads ?? m.predictor?.numHeads },
  };
  const steps = flags.steps ?? base.optimization.steps;
  const lr = flags.lr ?? base.optimization.lr ?? r.optimization.lr;
  const dataSpec = previous?.data ?? {
    dataset: flags.dataset === undefined ? 'moving-mnist' : resolve(io.cwd, flags.dataset),
    trainClips: flags.trainClips ?? MOVING_MNIST_VJEPA_DATA.trainClips,
    testClips: flags.testClips ?? MOVING_MNIST_VJEPA_DATA.testClips,
  };

  let backend;
  try {
    backend = await initBackend({ backend: flags.backend, env: io.env });
  } catch (error) {
    throw new CliError(`${(error as Error).message} (--backend ${flags.backend ?? io.env.JEPA_BACKEND ?? 'auto'})`);
  }
  log.write(`backend ${backend.backend}\n`);

  // Data: decoded once through ffmpeg.
  const decodeOptions = { numFrames: model.numFrames, size: model.imageSize, pixelFormat: (model.inChannels ?? 3) === 1 ? 'gray' as const : 'rgb' as const };
  let trainClips: DecodedClips;
  let testClips: DecodedClips;
  let decodeFps: number;
  const decodeStarted = performance.now();
  if (dataSpec.dataset === 'moving-mnist') {
    const d = MOVING_MNIST_VJEPA_DATA;
    const { train: digits, heldOut } = loadMnist({ heldOutPerClass: 200 });
    const write = (name: string, count: number, seed: number, source: typeof digits) =>
      writeMovingMnistDataset(join(runDir, 'data', name), { count, numFrames: model.numFrames, size: d.videoSize, numDigits: d.numDigits, directionClasses: d.directionClasses, seed, digits: source });
    const trainSet = await write('train', dataSpec.trainClips, d.trainSeed, digits);
    const testSet = await write('test', dataSpec.testClips, d.testSeed, heldOut);
    const a = await decodeDatasetClips(await loadVideoIndex(trainSet.indexFiles.digit, decodeOptions));
    const b = await decodeDatasetClips(await loadVideoIndex(testSet.indexFiles.digit, decodeOptions));
    [trainClips, testClips] = [a.clips, b.clips];
    decodeFps = ((a.clips.count + b.clips.count) * model.numFrames) / (a.seconds + b.seconds);
  } else {
    const dataset = await loadVideoIndex(await resolveIndex(dataSpec.dataset), { ...decodeOptions, shortVideo: 'pad' });
    const want = Math.min(dataset.length, dataSpec.trainClips + dataSpec.testClips);
    const all = await decodeDatasetClips(dataset, { indices: Int32Array.from({ length: want }, (_, i) => i) });
    const nTrain = Math.min(dataSpec.trainClips, all.clips.count - 1);
    if (nTrain < 1) throw new CliError(`--dataset ${dataSpec.dataset}: fewer than 2 readable videos.`);
    trainClips = subsetDecodedClips(all.clips, Int32Array.from({ length: nTrain }, (_, i) => i));
    testClips = subsetDecodedClips(all.clips, Int32Array.from({ length: all.clips.count - nTrain }, (_, i) => nTrain + i));
    decodeFps = all.framesPerSecond;
  }
  log.write(`decoded ${(trainClips.count + testClips.count) * model.numFrames} frames in ${((performance.now() - decodeStarted) / 1000).toFixed(1)} s (${decodeFps.toFixed(0)} decoded frames/s)\n`);

  const stats = clipStatistics(trainClips);
  const config: VJepaTrainingConfig = previous?.training ?? {
    ...base,
    model,
    optimization: { ...base.optimization, steps, lr, batchSize: flags.batchSize ?? base.optimization.batchSize, warmupSteps: Math.round(steps * 0.1) },
    normalization: { mean: stats.mean.map((x) => +x.toFixed(4)), std: stats.std.map((x) => +x.toFixed(4)) },
    seed: flags.seed ?? base.seed,
  };
  const trainingConfig: VJepaTrainingConfig = previous && flags.steps !== undefined ? { ...config, optimization: { ...config.optimization, steps } } : config;
  let trainable: VJepaTrainable;
  try {
    trainable = new VJepaTrainable(trainingConfig, trainClips);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const checkpointEvery = flags.checkpointEvery ?? previous?.run.checkpointEvery ?? Math.max(1, Math.ceil(trainingConfig.optimization.steps / 10));
  try {
    await mkdir(runDir, { recursive: true });
    const runConfig: VJepaRunConfig = {
      format: 'jepa-vjepa-run-config', version: 1, command: ['jepa', ...context.argv].join(' '),
      createdAt: previous?.createdAt ?? new Date().toISOString(), training: trainingConfig, data: dataSpec, run: { checkpointEvery },
    };
    await writeFile(configPath, `${JSON.stringify(runConfig, null, 2)}\n`);
    const enc = trainable.model.config.encoder;
    log.write(`run folder ${runDir}\ntraining V-JEPA: video ViT ${enc.embedDim}x${enc.depth}, grid ${trainable.model.grid.join('x')}; ${trainingConfig.optimization.steps} steps of ${trainingConfig.optimization.batchSize} clips on ${trainClips.count}\n`);
    const result = await train(trainable, {
      outDir: runDir, totalSteps: trainingConfig.optimization.steps, checkpointEvery, resume: flags.resume ? 'auto' : false,
      progress: flags.progress, stream: io.stderr, signal: context.signal,
    });
    const metrics = await readMetricsLog(result.metricsPath);
    await writeLossPlot(metrics.map((x) => ({ step: x.step, loss: x.loss })), join(runDir, 'loss'), { title: `V-JEPA training loss (${result.steps} steps)` });
    if (result.stopReason === 'aborted') {
      log.write(`stopped at step ${result.steps}; continue with: jepa train vjepa --out ${runDir} --resume\n`);
      context.exitCode = 130;
      return;
    }

    const rows = flags.eval
      ? await evaluateVJepa(trainable.model.targetEncoder, trainingConfig, trainClips, testClips, { shots: flags.shots, draws: flags.draws, seed: trainingConfig.seed, baselines: true })
      : [];
    const report = {
      format: 'jepa-vjepa-run-report', version: 1, createdAt: new Date().toISOString(), runDir, backend: backend.backend,
      data: { ...dataSpec, trainClips: trainClips.count, testClips: testClips.count, decodedFramesPerSecond: +decodeFps.toFixed(1) },
      model: { ...trainable.model.config, grid: [...trainable.model.grid], encoderParameters: trainable.model.contextEncoder.numParameters() },
      training: { steps: result.steps, stepsThisRun: result.stepsRun, resumedFromStep: result.resumedFrom?.step ?? null, finalLoss: result.finalLoss ?? null, wallSeconds: +result.wallSeconds.toFixed(3), secondsPerStep: +(result.wallSeconds / Math.max(1, result.stepsRun)).toFixed(4) },
      evaluation: flags.eval ? { task: dataSpec.dataset === 'moving-mnist' ? 'digit identity' : 'index labels', rows } : null,
    };
    await writeFile(join(runDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    const table = rows.length ? formatVJepaProbeTable(rows) : 'evaluation skipped (--no-eval)';
    const md = `# V-JEPA run\n\n- data: ${dataSpec.dataset}, ${trainClips.count} train / ${testClips.count} test clips, ${decodeFps.toFixed(0)} decoded frames/s\n` +
      `- training: ${result.steps} steps, ${report.training.secondsPerStep} s/step, final loss ${result.finalLoss?.toFixed(4)}\n\n${table}\n\n![loss](loss.png)\n`;
    await writeFile(join(runDir, 'report.md'), md);
    io.stdout.write(`${md}\n`);
  } finally {
    trainable.dispose();
  }
}
