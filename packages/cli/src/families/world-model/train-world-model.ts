import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Option, type Command } from 'commander';
import { checkTwoRoomsImageSize, TWO_ROOMS_RECIPE, WorldModelTrainable, type WorldModelConfig, type WorldModelTrainingConfig } from '@jepa/hierarchy';
import { CliError, toCliError } from '../../cli-error.js';
import type { CliContext } from '../../cli-context.js';
import { backendOption, progressOption, startBackend } from '../../common-options.js';
import { integerAtLeast, integerListAtLeast, numberIn } from '../../option-parsers.js';
import { applyOptimizationFlags } from '../../run-folder/optimization-flags.js';
import { describeRun, writeRunConfig } from '../../run-folder/run-config.js';
import { openRunFolder, refuseChangedSettings } from '../../run-folder/run-folder.js';
import { runTrainingSession } from '../../run-folder/training-session.js';
import type { TrainingRunFlags } from '../../run-folder/training-run-flags.js';
import { prepareWorldModelRunData, writeGeneratedData } from './world-model-run-data.js';
import { formatWorldModelSummary, lastCollapse, lossParts, renderWorldModelReport, type WorldModelRunReport } from './world-model-run-report.js';
import {
  describeWorldModelConfig,
  defaultDataFile,
  WORLD_MODEL_ENVIRONMENTS,
  WORLD_MODEL_RUN_KIND,
  type WorldModelDataSpec,
  type WorldModelEnvironment,
  type WorldModelRunConfig,
  type WorldModelRunSettings,
} from './world-model-run.js';

/** The flags of `jepa train world-model` as commander parses them (undefined: not given). */
export interface TrainWorldModelFlags extends TrainingRunFlags {
  /** Default: the resumed run's, else two-rooms. */
  env?: WorldModelEnvironment;
  trajectories?: number;
  imageSize?: number;
  encoderStages?: number[];
  latentDim?: number;
  predictor?: 'gru' | 'block-causal';
  /** False with `--no-inverse-dynamics`. */
  inverseDynamics: boolean;
  logEvery?: number;
}

/** Frames whose latents the collapse diagnostic measures. */
const PROBE_FRAMES = 256;

const r = TWO_ROOMS_RECIPE;
const EXAMPLES = `
Examples:
  $ jepa train world-model --env two-rooms --out runs/two-rooms          # the recipe: ${r.training.optimization.steps} steps on ${r.dataset.trajectories} trajectories
  $ jepa train world-model --out runs/two-rooms --resume --steps ${2 * r.training.optimization.steps}   # continue (and lengthen) the run
  $ jepa train world-model --no-inverse-dynamics --out runs/two-rooms-no-idm   # the ablation: no inverse dynamics model
  $ jepa train world-model --env four-rooms --out runs/four-rooms        # Four Rooms (FOUR_ROOMS_RECIPE: the same model and training)
  $ jepa train level --checkpoint runs/four-rooms --out runs/four-rooms-level2   # a level above it, for --planner hierarchical
  $ jepa train world-model --image-size 16 --encoder-stages 8,16 --latent-dim 16 --trajectories 50 \\
      --steps 5 --batch-size 4 --out runs/smoke                          # a smoke test in seconds
  $ jepa plan --checkpoint runs/two-rooms --planner cem --episodes 100 --out runs/two-rooms-plan

The run folder holds config.json, data/two-rooms.safetensors (Two Rooms: the generated trajectories,
reused on --resume; Four Rooms trajectories are generated again from their seed), checkpoints/, metrics.jsonl (each loss part, and the collapse diagnostic of the encoder on
${PROBE_FRAMES} probe frames), loss.png/loss.svg, report.md and report.json.
Defaults come from TWO_ROOMS_RECIPE (packages/hierarchy/src/two-rooms/two-rooms-recipe.ts).`;

/** Adds `world-model` to the `train` command group. */
export function registerTrainWorldModel(group: Command, context: CliContext): Command {
  const model = r.training.model;
  return group
    .command('world-model')
    .summary('train an action-conditioned JEPA world model on Two Rooms or Four Rooms trajectories (then plan with `jepa plan`)')
    .description(
      "Train a JEPA world model as eb_jepa's AC-JEPA: a frame encoder and an action-conditioned predictor of the next latent, " +
        'with anti-collapse regularisers and an inverse dynamics model, on offline trajectories of the Two Rooms ' +
        'or Four Rooms environment generated for the run. Evaluate it by planning: `jepa plan --checkpoint <run folder>`.',
    )
    .addOption(new Option('--env <name>', 'environment whose offline trajectories train the model (default two-rooms; on --resume, the run\'s)').choices([...WORLD_MODEL_ENVIRONMENTS]))
    .option('--trajectories <n>', `offline trajectories generated (default ${r.dataset.trajectories})`, integerAtLeast(1))
    .option('--image-size <n>', `rendered frame side in pixels, 16 or more, a multiple of 2^stages (default ${model.imageSize})`, integerAtLeast(1))
    .option('--encoder-stages <list>', `channels of the encoder's 2 x 2 stride-2 stages, comma-separated (default ${model.encoder.stages.join(',')})`, integerListAtLeast(1))
    .option('--latent-dim <n>', `latent width (default ${model.encoder.latentDim})`, integerAtLeast(1))
    .addOption(new Option('--predictor <kind>', `action-conditioned predictor: gru (eb_jepa's) or block-causal (a V-JEPA 2-AC style transformer) (default ${model.predictor.kind})`).choices(['gru', 'block-causal']))
    .option('--no-inverse-dynamics', 'the ablation: no inverse dynamics model and no inverse dynamics loss')
    .option('--steps <n>', `optimizer updates (default ${r.training.optimization.steps})`, integerAtLeast(1))
    .option('--batch-size <n>', `windows of ${r.training.windowLength} frames per update (default ${r.training.optimization.batchSize})`, integerAtLeast(1))
    .option('--lr <x>', `peak learning rate of the warmup-cosine schedule (default ${r.training.optimization.lr})`, numberIn(0))
    .option('--seed <n>', `seed of weights, batches and the probe frames (default ${r.training.seed}; the data generator keeps seed ${r.dataset.seed})`, integerAtLeast(0))
    .addOption(backendOption())
    .option('--out <dir>', 'run folder (default runs/world-model-<date>-<time>)')
    .option('--resume', 'continue the run in --out from its newest checkpoint (config from its config.json, data from data/)')
    .addOption(progressOption())
    .option('--checkpoint-every <n>', 'save a checkpoint (and measure collapse) every n steps (default: about 10 per run)', integerAtLeast(1))
    .option('--log-every <n>', 'write a metrics.jsonl line every n steps (default: 10, or fewer for short runs)', integerAtLeast(1))
    .addHelpText('after', EXAMPLES)
    .action(async (flags: TrainWorldModelFlags) => {
      await trainWorldModel(flags, context);
    });
}

/** The model of a run: `base` (the recipe or the resumed run's) with the size and ablation flags on top. */
function applyModelFlags(base: WorldModelConfig, flags: TrainWorldModelFlags): WorldModelConfig {
  return {
    ...base,
    imageSize: flags.imageSize ?? base.imageSize,
    encoder: { stages: flags.encoderStages ?? base.encoder.stages, latentDim: flags.latentDim ?? base.encoder.latentDim },
    predictor: flags.predictor === undefined || flags.predictor === base.predictor.kind ? base.predictor : { kind: flags.predictor },
    inverseDynamics: flags.inverseDynamics === false ? null : base.inverseDynamics,
  };
}

/** `jepa train world-model`: data, train, plot, report, and the `jepa plan` command to run next. */
export async function trainWorldModel(flags: TrainWorldModelFlags, context: CliContext): Promise<void> {
  const { io } = context;
  const log = io.stderr;
  const folder = await openRunFolder({ kind: WORLD_MODEL_RUN_KIND, out: flags.out, resume: flags.resume, cwd: io.cwd });
  const runDir = folder.dir;
  const previous = folder.previous as WorldModelRunConfig | undefined;
  const base: WorldModelTrainingConfig = previous?.training ?? r.training;

  // 1. Settings, checked against the resumed run before anything is generated or written.
  const model = applyModelFlags(base.model, flags);
  try {
    checkTwoRoomsImageSize(model.imageSize, '--image-size');
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const config: WorldModelTrainingConfig = {
    ...base,
    model,
    loss: flags.inverseDynamics === false ? { ...base.loss, inverseDynamicsWeight: 0 } : base.loss,
    optimization: applyOptimizationFlags(base.optimization, { steps: flags.steps, batchSize: flags.batchSize, lr: flags.lr }, previous !== undefined),
    seed: flags.seed ?? base.seed,
  };
  const env = flags.env ?? previous?.data.env ?? 'two-rooms';
  const dataSpec: WorldModelDataSpec = {
    env,
    trajectories: flags.trajectories ?? previous?.data.trajectories ?? r.dataset.trajectories,
    seed: previous?.data.seed ?? r.dataset.seed,
    file: previous ? previous.data.file : defaultDataFile(env),
  };
  refuseChangedSettings(folder, { training: config, data: dataSpec }, { mayChange: ['training.optimization.steps'], changeFlags: '--steps' });
  const totalSteps = config.optimization.steps;
  const checkpointEvery = flags.checkpointEvery ?? previous?.run.checkpointEvery ?? Math.max(1, Math.ceil(totalSteps / 10));
  const settings: WorldModelRunSettings = {
    checkpointEvery,
    logEvery: flags.logEvery ?? previous?.run.logEvery ?? Math.max(1, Math.min(10, Math.floor(totalSteps / 50))),
    diagnosticsEvery: flags.checkpointEvery ?? previous?.run.diagnosticsEvery ?? checkpointEvery,
    probeFrames: previous?.run.probeFrames ?? PROBE_FRAMES,
  };

  // 2. Backend and data (generated for a new run, read back from the run folder on resume).
  const backend = await startBackend(flags.backend, io);
  log.write(`backend ${backend.backend}\n`);
  const dataPath = dataSpec.file === null ? null : join(runDir, dataSpec.file);
  const data = await prepareWorldModelRunData(dataSpec, dataPath, { imageSize: model.imageSize, seed: config.seed, probeFrames: settings.probeFrames, log });

  // 3. The trainable checks the config against the frames before anything is written.
  let trainable: WorldModelTrainable;
  try {
    trainable = new WorldModelTrainable(config, data.source, data.probe);
  } catch (error) {
    throw toCliError(error, 'Cannot build this world model: ');
  }
  try {
    await writeGeneratedData(data, dataPath);
    const runConfig: WorldModelRunConfig = describeRun({ kind: WORLD_MODEL_RUN_KIND, argv: context.argv, previous, training: config, data: dataSpec, run: settings, backend });
    await writeRunConfig(runDir, runConfig);
    log.write(
      `run folder ${runDir}\ntraining world model: ${describeWorldModelConfig(model)}\n` +
        `${totalSteps} steps of ${config.optimization.batchSize} windows of ${config.windowLength} frames from ${data.size.trajectories} trajectories\n`,
    );

    // 4. Train.
    const { result, metrics, aborted } = await runTrainingSession(
      {
        kind: WORLD_MODEL_RUN_KIND,
        trainable,
        runDir,
        totalSteps,
        checkpointEvery: settings.checkpointEvery,
        logEvery: settings.logEvery,
        diagnosticsEvery: settings.diagnosticsEvery,
        resume: flags.resume ? 'auto' : false,
        progress: flags.progress,
        lossTitle: (steps) => `World model training loss (${dataSpec.env}, ${steps} steps)`,
      },
      context,
    );
    if (aborted) return;

    // 5. Report.
    const last = metrics[metrics.length - 1];
    const shown = relative(io.cwd, runDir);
    const runArgument = shown === '' ? '.' : shown.startsWith('..') ? runDir : shown;
    const parameters = Object.fromEntries(Object.entries(trainable.model.modules()).map(([name, module]) => [name, module.numParameters()]));
    const report: WorldModelRunReport = {
      format: 'jepa-world-model-run-report',
      version: 1,
      createdAt: new Date().toISOString(),
      runDir,
      backend: backend.backend,
      data: { ...dataSpec, actionsPerTrajectory: data.size.steps, generatedThisRun: data.generated },
      model: { ...model, description: describeWorldModelConfig(model), parameters },
      training: {
        steps: result.steps,
        stepsThisRun: result.stepsRun,
        resumedFromStep: result.resumedFrom?.step ?? null,
        batchSize: config.optimization.batchSize,
        windowLength: config.windowLength,
        wallSeconds: round(result.wallSeconds, 3),
        secondsPerStep: round(result.wallSeconds / Math.max(1, result.stepsRun), 4),
        totalTrainingSeconds: round(last?.elapsedSeconds ?? result.wallSeconds, 3),
        finalLoss: result.finalLoss ?? null,
        lossParts: lossParts(last, config),
        checkpoint: result.lastCheckpoint ? join('checkpoints', `${result.lastCheckpoint.name}.json`) : null,
      },
      collapse: lastCollapse(metrics),
      next: `jepa plan --checkpoint ${runArgument} --planner cem --episodes 100 --out ${runArgument === '.' ? 'plan' : `${runArgument}-plan`}`,
    };
    await writeFile(join(runDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(join(runDir, 'report.md'), renderWorldModelReport(report));
    io.stdout.write(formatWorldModelSummary(report));
  } finally {
    trainable.dispose();
  }
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
