import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { isClipBatchSource, MOVING_MNIST_VJEPA_DATA, MOVING_MNIST_VJEPA_RECIPE, VJepaTrainable, type VJepaModelConfig, type VJepaTrainingConfig } from '@jepa/video';
import { toCliError } from '../../cli-error.js';
import type { CliContext } from '../../cli-context.js';
import { backendOption, progressOption, startBackend } from '../../common-options.js';
import { integerAtLeast, numberIn } from '../../option-parsers.js';
import { applyOptimizationFlags } from '../../run-folder/optimization-flags.js';
import { describeRun, writeRunConfig, type RunConfig } from '../../run-folder/run-config.js';
import { openRunFolder, refuseChangedSettings } from '../../run-folder/run-folder.js';
import { runTrainingSession } from '../../run-folder/training-session.js';
import type { TrainingRunFlags } from '../../run-folder/training-run-flags.js';
import { evaluateVJepa, formatVJepaProbeTable } from './vjepa-evaluation.js';
import { prepareVJepaTrainingData, type ClipDecodeMode, type VJepaDataSpec } from './vjepa-training-data.js';

/** The flags of `jepa train vjepa` as commander parses them. */
export interface TrainVjepaFlags extends TrainingRunFlags {
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
  eval: boolean;
  shots: number;
  draws: number;
}

const r = MOVING_MNIST_VJEPA_RECIPE;
const EXAMPLES = `
Examples:
  $ jepa train vjepa                                    # Moving MNIST (written as mp4, decoded by ffmpeg), ${r.optimization.steps} steps
  $ jepa train vjepa --dataset videos/index.csv --image-size 64 --num-frames 16 --patch-size 8 --batch-size 4
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
    .addOption(backendOption())
    .option('--out <dir>', 'run folder (default runs/vjepa-<date>-<time>)')
    .option('--resume', 'continue the run in --out from its newest checkpoint (config from its config.json)')
    .option('--no-eval', 'skip the probe evaluation after training')
    .option('--shots <n>', 'labelled train clips per class in each low-shot draw (capped by the rarest class)', integerAtLeast(1), 10)
    .option('--draws <n>', 'low-shot draws', integerAtLeast(1), 5)
    .addOption(progressOption())
    .option('--checkpoint-every <n>', 'save a checkpoint every n steps (default: about 10 per run)', integerAtLeast(1))
    .addHelpText('after', EXAMPLES)
    .action(async (flags: TrainVjepaFlags) => {
      await trainVjepa(flags, context);
    });
}

/** The V-JEPA kind: `jepa train vjepa`, and `kind` of its run folders and checkpoints. */
export const VJEPA_KIND = 'vjepa';

/** How a V-JEPA run is driven (may change on resume). */
export interface VJepaRunSettings {
  readonly checkpointEvery: number;
}

/** `config.json` of a `jepa train vjepa` run folder. */
export type VJepaRunConfig = RunConfig<VJepaTrainingConfig, VJepaDataSpec, VJepaRunSettings>;

/** The frame step a run decodes with when none is recorded: the recipe's for Moving MNIST (one clip per video), else the official 4. */
const defaultFrameStep = (dataset: string) => (dataset === 'moving-mnist' ? r.frameStep : 4);

/** The model of a run: `base` (the recipe or the resumed run's) with the size flags on top. */
function applyModelFlags(base: VJepaModelConfig, flags: TrainVjepaFlags): VJepaModelConfig {
  const encoder = typeof base.encoder === 'string' ? undefined : base.encoder;
  if (!encoder) return base;
  return {
    ...base,
    numFrames: flags.numFrames ?? base.numFrames,
    imageSize: flags.imageSize ?? base.imageSize,
    patchSize: flags.patchSize ?? base.patchSize,
    encoder: { ...encoder, embedDim: flags.embedDim ?? encoder.embedDim, depth: flags.depth ?? encoder.depth, numHeads: flags.numHeads ?? encoder.numHeads },
    predictor: { ...base.predictor, embedDim: flags.predictorEmbedDim ?? base.predictor?.embedDim, depth: flags.predictorDepth ?? base.predictor?.depth, numHeads: flags.numHeads ?? base.predictor?.numHeads },
  };
}

/** `jepa train vjepa`: data, train, plot, evaluate, report. */
export async function trainVjepa(flags: TrainVjepaFlags, context: CliContext): Promise<void> {
  const { io } = context;
  const log = io.stderr;
  const folder = await openRunFolder({ kind: VJEPA_KIND, out: flags.out, resume: flags.resume, cwd: io.cwd });
  const runDir = folder.dir;
  const previous = folder.previous as VJepaRunConfig | undefined;
  // Runs written before these settings were recorded used their defaults.
  const recorded = previous && {
    training: { ...previous.training, frameStep: previous.training.frameStep ?? defaultFrameStep(previous.data.dataset) },
    data: { ...previous.data, decode: previous.data.decode ?? 'once' },
  };
  const base = recorded?.training ?? (r as VJepaTrainingConfig);
  const dataset = flags.dataset === undefined ? recorded?.data.dataset ?? 'moving-mnist' : resolve(io.cwd, flags.dataset);
  const dataSpec: VJepaDataSpec = {
    dataset,
    trainClips: flags.trainClips ?? recorded?.data.trainClips ?? MOVING_MNIST_VJEPA_DATA.trainClips,
    testClips: flags.testClips ?? recorded?.data.testClips ?? MOVING_MNIST_VJEPA_DATA.testClips,
    decode: flags.decode ?? recorded?.data.decode ?? (dataset === 'moving-mnist' ? 'once' : 'stream'),
  };
  const model = applyModelFlags(base.model, flags);
  const frameStep = flags.frameStep ?? base.frameStep ?? defaultFrameStep(dataset);
  const seed = flags.seed ?? base.seed;
  const optimization = applyOptimizationFlags(base.optimization, { steps: flags.steps, batchSize: flags.batchSize, lr: flags.lr }, previous !== undefined);
  // Everything but the normalisation (measured on the data) is known: refuse changed settings before decoding anything.
  const settings = { ...base, model, frameStep, optimization, seed };
  if (recorded) refuseChangedSettings(folder, { training: settings, data: dataSpec }, { mayChange: ['training.optimization.steps', 'data.testClips'], changeFlags: '--steps' }, recorded);

  const backend = await startBackend(flags.backend, io);
  log.write(`backend ${backend.backend}\n`);

  // Data: Moving MNIST written as mp4 (or an index), decoded through ffmpeg once or while training.
  const data = await prepareVJepaTrainingData(dataSpec, model, { runDir, frameStep, seed, signal: context.signal, log });
  const stream = isClipBatchSource(data.train) ? data.train : undefined;
  const testClips = data.test;
  const stats = data.statistics;
  const trainingConfig: VJepaTrainingConfig = {
    ...settings,
    normalization: recorded?.training.normalization ?? { mean: stats.mean.map((x) => +x.toFixed(4)), std: stats.std.map((x) => +x.toFixed(4)) },
  };
  let trainable: VJepaTrainable;
  try {
    trainable = new VJepaTrainable(trainingConfig, data.train);
  } catch (error) {
    await stream?.close();
    throw toCliError(error);
  }
  const checkpointEvery = flags.checkpointEvery ?? previous?.run.checkpointEvery ?? Math.max(1, Math.ceil(trainingConfig.optimization.steps / 10));
  try {
    const runConfig: VJepaRunConfig = describeRun({ kind: VJEPA_KIND, argv: context.argv, previous, training: trainingConfig, data: dataSpec, run: { checkpointEvery }, backend });
    await writeRunConfig(runDir, runConfig);
    const enc = trainable.model.config.encoder;
    log.write(`run folder ${runDir}\ntraining V-JEPA: video ViT ${enc.embedDim}x${enc.depth}, grid ${trainable.model.grid.join('x')}; ${trainingConfig.optimization.steps} steps of ${trainingConfig.optimization.batchSize} clips on ${data.train.count}` +
      `${stream ? ' (decoded while training, on a worker thread)' : ''}\n`);
    const { result, metrics, aborted } = await runTrainingSession(
      {
        kind: VJEPA_KIND,
        trainable,
        runDir,
        totalSteps: trainingConfig.optimization.steps,
        checkpointEvery,
        resume: flags.resume ? 'auto' : false,
        progress: flags.progress,
        lossTitle: (steps) => `V-JEPA training loss (${steps} steps)`,
      },
      context,
    );
    const decodedWhileTraining = stream?.stats();
    await stream?.close();
    if (aborted) return;
    const waits = metrics.map((x) => x.dataWait).filter((x): x is number => typeof x === 'number');
    const meanDataWait = waits.length > 0 ? waits.reduce((a, b) => a + b, 0) / waits.length : undefined;

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
