import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { initBackend, readMetricsLog, train, type BackendChoice, type ProgressMode } from '@jepa/core';
import { isClipBatchSource, MOVING_MNIST_VJEPA_DATA, MOVING_MNIST_VJEPA_RECIPE, VJepaTrainable, type VJepaTrainingConfig } from '@jepa/video';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../cli-context.js';
import { writeLossPlot } from '../loss-plot.js';
import { integerAtLeast, numberIn } from '../option-parsers.js';
import { evaluateVJepa, formatVJepaProbeTable } from '../vjepa-evaluation.js';
import { prepareVJepaTrainingData, type ClipDecodeMode, type VJepaDataSpec } from '../vjepa-training-data.js';
import { BACKEND_CHOICES, PROGRESS_CHOICES } from './train-ijepa.js';

/** The flags of `jepa train vjepa` as commander parses them. */
export interface TrainVjepaFlags {
  dataset?: string;
  trainClips?: number;
  testClips?: number;
  decode?: ClipDecodeMode;
  frameStep?: number;
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
  $ jepa train vjepa --decode stream --steps 100        # Moving MNIST decoded while training (metrics.jsonl: dataWait)
  $ jepa train vjepa --out runs/mm --resume             # continue a run from its newest checkpoint

--dataset takes a folder holding digits.csv (a Moving MNIST folder) or index.csv, or an index file
of "path label" lines (the official V-JEPA format). The run folder holds config.json, data/ (Moving MNIST),
checkpoints/, metrics.jsonl, loss.png/loss.svg, report.md and report.json. With --decode stream every
update gets fresh random clips (random start, as the official training loader) and the report gives the
frames decoded per second while training and the mean time an update waited for its clips.
Defaults come from MOVING_MNIST_VJEPA_RECIPE (packages/video/src/training/moving-mnist-recipe.ts).`;

/** Adds `vjepa` to the `train` command group. */
export function registerTrainVjepa(group: Command, context: CliContext): Command {
  return group
    .command('vjepa')
    .summary('train a V-JEPA (video ViT) on Moving MNIST or indexed videos, then probe it')
    .description(
      'Train a V-JEPA self-supervised on clips decoded through ffmpeg (once into memory, or while training on a worker thread), ' +
        'then evaluate the target encoder with linear probes ' +
        '(low-shot and full-label) next to the same architecture with random weights and raw pixels.',
    )
    .option('--dataset <folder|index>', 'videos: a folder with digits.csv/index.csv or an index file of "path label" lines (default: generate Moving MNIST into the run folder)')
    .option('--train-clips <n>', `Moving MNIST train clips (default ${MOVING_MNIST_VJEPA_DATA.trainClips}); with --dataset, the first n clips train`, integerAtLeast(2))
    .option('--test-clips <n>', `Moving MNIST test clips (default ${MOVING_MNIST_VJEPA_DATA.testClips}); with --dataset, the next n clips evaluate`, integerAtLeast(1))
    .addOption(new Option('--decode <mode>', 'once: decode one centred clip per video into memory before training; stream: decode random clips on a worker thread while training, two updates ahead (default: once for Moving MNIST, stream for --dataset)').choices(['once', 'stream']))
    .option('--frame-step <n>', `frames between sampled frames (the official sampling_rate; default ${r.frameStep} for Moving MNIST, whose videos are one clip long, else 4)`, integerAtLeast(1))
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
  data: VJepaDataSpec;
  run: { checkpointEvery: number };
}

const exists = (path: string) => access(path).then(() => true, () => false);
const stamp = (now = new Date()) => {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
};

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
    decode: flags.decode ?? (flags.dataset === undefined ? 'once' : 'stream'),
  };

  let backend;
  try {
    backend = await initBackend({ backend: flags.backend, env: io.env });
  } catch (error) {
    throw new CliError(`${(error as Error).message} (--backend ${flags.backend ?? io.env.JEPA_BACKEND ?? 'auto'})`);
  }
  log.write(`backend ${backend.backend}\n`);

  // Data: Moving MNIST written as mp4 (or an index), decoded through ffmpeg once or while training.
  const frameStep = previous?.training.frameStep ?? flags.frameStep ?? (dataSpec.dataset === 'moving-mnist' ? r.frameStep : 4);
  const data = await prepareVJepaTrainingData(dataSpec, model, { runDir, frameStep, seed: flags.seed ?? base.seed, signal: context.signal, log });
  const stream = isClipBatchSource(data.train) ? data.train : undefined;
  const testClips = data.test;

  const stats = data.statistics;
  const config: VJepaTrainingConfig = previous?.training ?? {
    ...base,
    model,
    frameStep,
    optimization: { ...base.optimization, steps, lr, batchSize: flags.batchSize ?? base.optimization.batchSize, warmupSteps: Math.round(steps * 0.1) },
    normalization: { mean: stats.mean.map((x) => +x.toFixed(4)), std: stats.std.map((x) => +x.toFixed(4)) },
    seed: flags.seed ?? base.seed,
  };
  const trainingConfig: VJepaTrainingConfig = previous && flags.steps !== undefined ? { ...config, optimization: { ...config.optimization, steps } } : config;
  let trainable: VJepaTrainable;
  try {
    trainable = new VJepaTrainable(trainingConfig, data.train);
  } catch (error) {
    await stream?.close();
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
    log.write(`run folder ${runDir}\ntraining V-JEPA: video ViT ${enc.embedDim}x${enc.depth}, grid ${trainable.model.grid.join('x')}; ${trainingConfig.optimization.steps} steps of ${trainingConfig.optimization.batchSize} clips on ${data.train.count}` +
      `${stream ? ' (decoded while training, on a worker thread)' : ''}\n`);
    const result = await train(trainable, {
      outDir: runDir, totalSteps: trainingConfig.optimization.steps, checkpointEvery, resume: flags.resume ? 'auto' : false,
      progress: flags.progress, stream: io.stderr, signal: context.signal,
    });
    const decodedWhileTraining = stream?.stats();
    await stream?.close();
    const metrics = await readMetricsLog(result.metricsPath);
    const waits = metrics.map((x) => x.dataWait).filter((x): x is number => typeof x === 'number');
    const meanDataWait = waits.length > 0 ? waits.reduce((a, b) => a + b, 0) / waits.length : undefined;
    await writeLossPlot(metrics.map((x) => ({ step: x.step, loss: x.loss })), join(runDir, 'loss'), { title: `V-JEPA training loss (${result.steps} steps)` });
    if (result.stopReason === 'aborted') {
      log.write(`stopped at step ${result.steps}; continue with: jepa train vjepa --out ${runDir} --resume\n`);
      context.exitCode = 130;
      return;
    }

    const trainClips = await data.probeTrain();
    const rows = flags.eval
      ? await evaluateVJepa(trainable.model.targetEncoder, trainingConfig, trainClips, testClips, { shots: flags.shots, draws: flags.draws, seed: trainingConfig.seed, baselines: true })
      : [];
    const report = {
      format: 'jepa-vjepa-run-report', version: 1, createdAt: new Date().toISOString(), runDir, backend: backend.backend,
      data: {
        ...dataSpec, decode: dataSpec.decode ?? 'once', frameStep, trainClips: data.train.count, testClips: testClips.count, upFrontDecodedFramesPerSecond: +data.upFrontFramesPerSecond.toFixed(1),
        ...(decodedWhileTraining ? { decodedWhileTraining: { ...decodedWhileTraining, framesPerSecond: +decodedWhileTraining.framesPerSecond.toFixed(1) }, meanDataWaitSeconds: +(meanDataWait ?? 0).toFixed(4) } : {}),
      },
      model: { ...trainable.model.config, grid: [...trainable.model.grid], encoderParameters: trainable.model.contextEncoder.numParameters() },
      training: { steps: result.steps, stepsThisRun: result.stepsRun, resumedFromStep: result.resumedFrom?.step ?? null, finalLoss: result.finalLoss ?? null, wallSeconds: +result.wallSeconds.toFixed(3), secondsPerStep: +(result.wallSeconds / Math.max(1, result.stepsRun)).toFixed(4) },
      evaluation: flags.eval ? { task: dataSpec.dataset === 'moving-mnist' ? 'digit identity' : 'index labels', rows } : null,
    };
    await writeFile(join(runDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    const table = rows.length ? formatVJepaProbeTable(rows) : 'evaluation skipped (--no-eval)';
    const decodeLine = decodedWhileTraining
      ? `decoded while training: ${decodedWhileTraining.framesPerSecond.toFixed(0)} frames/s, mean wait for a batch ${(1000 * (meanDataWait ?? 0)).toFixed(0)} ms`
      : `decoded once: ${data.upFrontFramesPerSecond.toFixed(0)} frames/s`;
    const md = `# V-JEPA run\n\n- data: ${dataSpec.dataset}, ${data.train.count} train / ${testClips.count} test clips (frame step ${frameStep}); ${decodeLine}\n` +
      `- training: ${result.steps} steps, ${report.training.secondsPerStep} s/step, final loss ${result.finalLoss?.toFixed(4)}\n\n${table}\n\n![loss](loss.png)\n`;
    await writeFile(join(runDir, 'report.md'), md);
    io.stdout.write(`${md}\n`);
  } finally {
    await trainable.close();
  }
}
