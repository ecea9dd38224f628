import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { InvalidMaskConfigError, takeBalanced } from '@jepa/core';
import { IJEPA_EVALUATION_DEFAULTS, IJepaTrainable, IMAGENET_MEAN, IMAGENET_STD, MNIST_IJEPA_RECIPE, MNIST_MEAN, MNIST_STD } from '@jepa/vision';
import { CliError, toCliError } from '../../cli-error.js';
import type { CliContext } from '../../cli-context.js';
import { backendOption, progressOption, startBackend } from '../../common-options.js';
import { integerAtLeast, numberIn } from '../../option-parsers.js';
import { applyOptimizationFlags, resolveSteps } from '../../run-folder/optimization-flags.js';
import { describeRun, writeRunConfig } from '../../run-folder/run-config.js';
import { openRunFolder, refuseChangedSettings } from '../../run-folder/run-folder.js';
import { runTrainingSession } from '../../run-folder/training-session.js';
import type { TrainingRunFlags } from '../../run-folder/training-run-flags.js';
import { evaluateIJepa, protocolSentence } from './ijepa-evaluation.js';
import { formatRunSummary, renderReportMarkdown, type RunReport } from './ijepa-run-report.js';
import type { IJepaRunConfig, ResolvedTrainingConfig, RunSettings } from './ijepa-run-settings.js';
import { isMnist, loadRunData, resolveDatasetPath, type DataSpec, type RunData } from './image-run-data.js';
import { applyInitCheckpoint, readInitCheckpoint, writeStartCheckpoint } from './init-from-checkpoint.js';
import { resolveModelConfig, type ModelFlags } from './resolve-model-config.js';
import { drawPredictions, type PredictionPictureSummary } from './visualize-ijepa.js';

/** The flags of `jepa train ijepa` as commander parses them (undefined: not given). */
export interface TrainIjepaFlags extends ModelFlags, TrainingRunFlags {
  dataset?: string;
  channels?: number;
  epochs?: number;
  initFrom?: string;
  skipCorrupt?: boolean;
  trainLimit?: number;
  evalLimit?: number;
  heldOutFraction?: number;
  eval: boolean;
  shots: number;
  draws: number;
  logEvery?: number;
  minKeep?: number;
  visualize: boolean;
  decoderSteps?: number;
}

const r = MNIST_IJEPA_RECIPE;
const EXAMPLES = `
Examples:
  $ jepa train ijepa                                  # the MNIST recipe (${r.optimization.steps} steps), run folder runs/ijepa-<time>
  $ jepa train ijepa --steps 8000 --out runs/mnist    # longer, into a folder of your choice
  $ jepa train ijepa --out runs/mnist --resume        # continue runs/mnist from its newest checkpoint
  $ jepa train ijepa --dataset photos/ --image-size 64 --patch-size 8 --channels 3 --epochs 20
  $ jepa train ijepa --init-from IN1K-vit.h.14-300e.pth.tar --dataset photos/ --epochs 310   # go on from an official checkpoint
  $ jepa train ijepa --embed-dim 16 --depth 1 --num-heads 2 --predictor-embed-dim 16 --predictor-depth 1 \\
      --steps 3 --batch-size 8 --train-limit 200 --eval-limit 100    # a smoke test in seconds

The run folder holds config.json, checkpoints/, metrics.jsonl, loss.png/loss.svg, predictions.png, report.md and report.json.
Defaults come from MNIST_IJEPA_RECIPE (packages/vision/src/training/mnist-recipe.ts).`;

/** Adds `ijepa` to the `train` command group. */
export function registerTrainIjepa(group: Command, context: CliContext): Command {
  return group
    .command('ijepa')
    .summary('train an I-JEPA (ViT) on MNIST or an image folder, then probe it')
    .description(
      'Train an I-JEPA (image JEPA with a ViT encoder) self-supervised, then evaluate the target encoder with linear probes ' +
        '(low-shot and full-label) next to two baselines: the same architecture with random weights, and raw pixels. ' +
        'Everything goes into one run folder.',
    )
    .option('--dataset <mnist|folder>', 'training images: "mnist" (embedded, no download) or a folder of <class>/<image> files', 'mnist')
    .option('--channels <n>', 'image channels for an image folder: 1 (greyscale) or 3 (RGB) (default: 1 for MNIST, 3 for folders)', integerAtLeast(1))
    .addOption(new Option('--preset <name>', 'official ViT size to start from (explicit size flags override it)').choices(['tiny', 'small', 'base', 'large', 'huge', 'giant']))
    .option('--embed-dim <n>', `encoder width (default ${r.model.encoder.embedDim})`, integerAtLeast(1))
    .option('--depth <n>', `encoder blocks (default ${r.model.encoder.depth})`, integerAtLeast(1))
    .option('--num-heads <n>', `encoder attention heads; must divide --embed-dim (default ${r.model.encoder.numHeads})`, integerAtLeast(1))
    .option('--patch-size <n>', `patch side in pixels; must divide --image-size (default ${r.model.patchSize})`, integerAtLeast(1))
    .option('--image-size <n>', `image side in pixels (default ${r.model.imageSize}; MNIST is 28)`, integerAtLeast(1))
    .option('--predictor-embed-dim <n>', `predictor width (default ${r.model.predictor.embedDim})`, integerAtLeast(1))
    .option('--predictor-depth <n>', `predictor blocks (default ${r.model.predictor.depth})`, integerAtLeast(1))
    .option('--predictor-num-heads <n>', `predictor heads (default ${r.model.predictor.numHeads}, or the encoder's when they change and fit)`, integerAtLeast(1))
    .option('--min-keep <n>', `a mask block must keep more than n tokens (default ${r.masks.minKeep}; lower it for small token grids)`, integerAtLeast(0))
    .option('--steps <n>', `optimizer updates (default ${r.optimization.steps})`, integerAtLeast(1))
    .option('--epochs <n>', 'train for this many passes over the train images instead of --steps', integerAtLeast(1))
    .option('--batch-size <n>', `images per update (default ${r.optimization.batchSize})`, integerAtLeast(1))
    .option('--lr <x>', `peak learning rate of the warmup-cosine schedule (default ${r.optimization.lr}; the start LR scales with it)`, numberIn(0))
    .option('--seed <n>', `seed of weights, batches, crops and masks (default ${r.seed})`, integerAtLeast(0))
    .addOption(backendOption('TensorFlow.js backend; auto tries tensorflow-gpu, tensorflow, wasm, then cpu (default: $JEPA_BACKEND, else auto)'))
    .option('--out <dir>', 'run folder (default runs/ijepa-<date>-<time>)')
    .option('--resume', 'continue the run in --out from its newest checkpoint (config from its config.json)')
    .option(
      '--init-from <file>',
      'start a new run from an official I-JEPA training checkpoint (.pth.tar with encoder, predictor, target_encoder, opt, epoch): ' +
        'the model takes its sizes (heads from --num-heads, or the preset its width and depth match), all three modules and the AdamW ' +
        'state are loaded (fresh moments, said so, when the state does not line up), and training starts at step epoch x steps-per-epoch ' +
        '(--steps/--epochs count the whole run, as the official num_epochs); RGB images are normalised with ImageNet mean/std',
    )
    .option('--skip-corrupt', 'image folders: skip files that fail to decode (counted in the report)')
    .option('--train-limit <n>', 'use only this many train images (class-balanced)', integerAtLeast(1))
    .option('--eval-limit <n>', 'evaluate on only this many held-out images (class-balanced)', integerAtLeast(1))
    .option('--held-out-fraction <x>', `image folders: fraction of each class held out for evaluation (default ${IJEPA_EVALUATION_DEFAULTS.folderHeldOutFraction})`, numberIn(0, 0.9))
    .option('--no-eval', 'skip the probe evaluation after training')
    .option('--shots <n>', 'labelled train images per class in each low-shot draw', integerAtLeast(1), IJEPA_EVALUATION_DEFAULTS.shotsPerClass)
    .option('--draws <n>', 'low-shot draws (mean ± std over them)', integerAtLeast(1), IJEPA_EVALUATION_DEFAULTS.draws)
    .option('--no-visualize', 'skip predictions.png (a patch decoder trained on the frozen target encoder renders targets and predictions of held-out images)')
    .option('--decoder-steps <n>', 'updates of the patch decoder behind predictions.png (default 1500)', integerAtLeast(1))
    .addOption(progressOption())
    .option('--checkpoint-every <n>', 'save a checkpoint every n steps (default: about 10 per run)', integerAtLeast(1))
    .option('--log-every <n>', 'write a metrics.jsonl line every n steps (default: 10, or fewer for short runs)', integerAtLeast(1))
    .addHelpText('after', EXAMPLES)
    .action(async (flags: TrainIjepaFlags) => {
      await trainIjepa(flags, context);
    });
}

/** The picture of predictions in a run folder (skipped with `--no-visualize`). */
export const PREDICTIONS_FILE = 'predictions.png';

/** The I-JEPA kind: `jepa train ijepa`, and `kind` of its run folders and checkpoints. */
export const IJEPA_KIND = 'ijepa';

/** `jepa train ijepa`: resolve the config, train, plot, evaluate, report. */
export async function trainIjepa(flags: TrainIjepaFlags, context: CliContext): Promise<void> {
  const { io } = context;
  const log = io.stderr;
  if (flags.initFrom !== undefined && flags.resume) {
    throw new CliError('--init-from starts a new run from a checkpoint; --resume continues a run folder. Pass one of them.');
  }
  const folder = await openRunFolder({ kind: IJEPA_KIND, out: flags.out, resume: flags.resume, cwd: io.cwd });
  const runDir = folder.dir;
  const previous = folder.previous as IJepaRunConfig | undefined;
  const base: ResolvedTrainingConfig = previous?.training ?? MNIST_IJEPA_RECIPE;

  // 1. Everything that can be checked without data or a backend.
  const dataset = flags.dataset === undefined ? previous?.data.dataset ?? 'mnist' : resolveDatasetPath(flags.dataset, io.cwd);
  const init = flags.initFrom !== undefined ? await readInitCheckpoint(flags, dataset, io.cwd) : undefined;
  const channels = init?.model.inChannels ?? flags.channels ?? (previous ? previous.data.channels : isMnist(dataset) ? 1 : 3);
  const model = init?.model ?? resolveModelConfig(flags, channels, base.model);
  const dataSpec: DataSpec = {
    dataset,
    imageSize: model.imageSize,
    channels,
    trainLimit: flags.trainLimit ?? previous?.data.trainLimit,
    evalLimit: flags.evalLimit ?? previous?.data.evalLimit,
    heldOutFraction: flags.heldOutFraction ?? previous?.data.heldOutFraction ?? IJEPA_EVALUATION_DEFAULTS.folderHeldOutFraction,
    skipCorrupt: flags.skipCorrupt ?? previous?.data.skipCorrupt ?? false,
  };
  const seed = flags.seed ?? base.seed;

  // 2. Backend and data.
  const backend = await startBackend(flags.backend, io);
  log.write(`backend ${backend.backend} (${backend.provider})${backend.skipped.length ? `; passed over ${backend.skipped.map((s) => s.candidate).join(', ')}` : ''}\n`);
  const data: RunData = await loadRunData(dataSpec, log);

  // 3. The training config; on resume it must match the run's except for its length.
  const normalization = isMnist(dataset)
    ? { mean: [...MNIST_MEAN], std: [...MNIST_STD] }
    : init && channels === 3 ? { mean: [...IMAGENET_MEAN], std: [...IMAGENET_STD] } : previous?.training.normalization ?? data.statistics;
  const batchSize = flags.batchSize ?? base.optimization.batchSize;
  if (batchSize > data.train.count) {
    throw new CliError(`--batch-size ${batchSize} exceeds the ${data.train.count} train images. Fix: lower --batch-size${data.train.count < 1000 ? ' or raise --train-limit' : ''}.`);
  }
  const steps = resolveSteps(flags, base.optimization.steps, data.train.count, batchSize);
  const config: ResolvedTrainingConfig = {
    model,
    masks: flags.minKeep === undefined ? base.masks : { ...base.masks, minKeep: flags.minKeep },
    optimization: applyOptimizationFlags(base.optimization, { steps, batchSize, lr: flags.lr }, previous !== undefined),
    augmentation: base.augmentation,
    normalization,
    seed,
  };
  refuseChangedSettings(folder, { training: config, data: dataSpec }, { mayChange: ['training.optimization.steps', 'data.evalLimit'], changeFlags: '--steps/--epochs' });
  const totalSteps = config.optimization.steps;
  const settings: RunSettings = {
    checkpointEvery: flags.checkpointEvery ?? previous?.run.checkpointEvery ?? Math.max(1, Math.ceil(totalSteps / 10)),
    logEvery: flags.logEvery ?? previous?.run.logEvery ?? Math.max(1, Math.min(10, Math.floor(totalSteps / 50))),
    evaluate: flags.eval,
    shotsPerClass: flags.shots,
    draws: flags.draws,
  };
  const runConfig: IJepaRunConfig = describeRun({ kind: IJEPA_KIND, argv: context.argv, previous, training: config, data: dataSpec, run: settings, backend });
  // Building the trainable checks the rest (masks on this grid, batch vs data) before anything is written.
  const probeSet = takeBalanced(data.heldOut, 500);
  let trainable: IJepaTrainable;
  try {
    trainable = new IJepaTrainable(config, data.train, probeSet);
  } catch (error) {
    if (!(error instanceof InvalidMaskConfigError)) throw toCliError(error);
    const grid = model.imageSize / model.patchSize;
    throw new CliError(
      `${error.message}\n(The token grid is ${grid} x ${grid}: --image-size ${model.imageSize} / --patch-size ${model.patchSize}. ` +
        'A smaller --patch-size gives a larger grid; --min-keep lowers the tokens a mask block must keep.)',
      1,
      { cause: error },
    );
  }

  // 4. Train.
  try {
    const stepsPerEpoch = Math.max(1, Math.floor(data.train.count / config.optimization.batchSize));
    const startStep = init ? applyInitCheckpoint(trainable, init, { stepsPerEpoch, totalSteps, log }) : 0;
    await writeRunConfig(runDir, runConfig);
    if (startStep > 0) await writeStartCheckpoint(trainable, runDir, startStep, stepsPerEpoch, totalSteps);
    log.write(
      `run folder ${runDir}\n` +
        `training I-JEPA: ViT ${model.encoder.embedDim}x${model.encoder.depth} (${model.encoder.numHeads} heads), patch ${model.patchSize}, ` +
        `predictor ${model.predictor.embedDim}x${model.predictor.depth}; ${totalSteps} steps of ${config.optimization.batchSize} on ${data.train.count} images\n`,
    );
    const { result, metrics, aborted } = await runTrainingSession(
      {
        kind: IJEPA_KIND,
        trainable,
        runDir,
        totalSteps,
        stepsPerEpoch,
        checkpointEvery: settings.checkpointEvery,
        logEvery: settings.logEvery,
        resume: flags.resume || startStep > 0 ? 'auto' : false,
        progress: flags.progress,
        lossTitle: (steps) => `I-JEPA training loss (${isMnist(dataset) ? 'MNIST' : 'image folder'}, ${steps} steps)`,
      },
      context,
    );
    if (aborted) return;

    // 5. Evaluate.
    const evalStarted = performance.now();
    const rows = settings.evaluate
      ? await evaluateIJepa(trainable.model.targetEncoder, config, data, { shotsPerClass: settings.shotsPerClass, draws: settings.draws, full: true, seed, baselines: true, log })
      : undefined;
    const evalSeconds = (performance.now() - evalStarted) / 1000;

    // 6. A picture of what the predictor predicts.
    let predictions: PredictionPictureSummary | undefined;
    if (flags.visualize !== false) {
      predictions = await drawPredictions(trainable.model, data.train, data.heldOut, join(runDir, PREDICTIONS_FILE), {
        masks: config.masks,
        normalization: config.normalization,
        count: 8,
        seed,
        decoderSteps: flags.decoderSteps,
        log,
      });
    }

    // 7. Report.
    const lastRecord = metrics[metrics.length - 1];
    const report: RunReport = {
      format: 'jepa-run-report',
      version: 1,
      createdAt: new Date().toISOString(),
      runDir,
      backend: runConfig.backend!,
      model: {
        imageSize: model.imageSize,
        patchSize: model.patchSize,
        inChannels: model.inChannels,
        encoder: model.encoder,
        predictor: model.predictor,
        encoderParameters: trainable.model.contextEncoder.numParameters(),
        predictorParameters: trainable.model.predictor.numParameters(),
      },
      data: data.summary,
      training: {
        steps: result.steps,
        stepsThisRun: result.stepsRun,
        resumedFromStep: result.resumedFrom?.step ?? null,
        batchSize: config.optimization.batchSize,
        finalLoss: result.finalLoss ?? null,
        wallSeconds: round3(result.wallSeconds),
        totalTrainingSeconds: round3(lastRecord?.elapsedSeconds ?? result.wallSeconds),
        stepsPerSecond: round3(result.stepsRun / Math.max(result.wallSeconds, 1e-9)),
        checkpoint: result.lastCheckpoint ? join('checkpoints', `${result.lastCheckpoint.name}.json`) : null,
      },
      evaluation: rows
        ? {
            wallSeconds: round3(evalSeconds),
            shotsPerClass: settings.shotsPerClass,
            draws: settings.draws,
            full: true,
            protocol: protocolSentence({ shotsPerClass: settings.shotsPerClass, draws: settings.draws, full: true }),
            rows,
          }
        : null,
      collapse: rows?.[0]?.collapse ?? null,
      predictions: predictions
        ? { ...predictions, file: PREDICTIONS_FILE, seconds: round3(predictions.seconds) }
        : null,
    };
    await writeFile(join(runDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(join(runDir, 'report.md'), renderReportMarkdown(report));
    io.stdout.write(formatRunSummary(report));
  } finally {
    trainable.dispose();
  }
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;
