import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { withInitSeed } from '@jepa/core';
import { LATENT_LEVEL_RECIPE, LatentLevel, LatentLevelTrainable, type LatentTrajectories } from '@jepa/hierarchy';
import { CliError, toCliError } from '../../cli-error.js';
import type { CliContext } from '../../cli-context.js';
import { backendOption, progressOption, startBackend } from '../../common-options.js';
import { integerAtLeast, numberIn } from '../../option-parsers.js';
import { describeRun, writeRunConfig } from '../../run-folder/run-config.js';
import { openRunFolder, refuseChangedSettings } from '../../run-folder/run-folder.js';
import { runTrainingSession } from '../../run-folder/training-session.js';
import type { TrainingRunFlags } from '../../run-folder/training-run-flags.js';
import { environmentSpec } from '../world-model/world-model-environments.js';
import { loadRunDataset } from '../world-model/world-model-run-data.js';
import type { WorldModelDataSpec, WorldModelEnvironment } from '../world-model/world-model-run.js';
import { LEVEL_RUN_KIND, type LevelRunConfig, type LevelRunSettings, type LevelStackSpec, type LevelTrainingConfig } from './level-run.js';
import { loadStackWorldModel, resolveStack, stackSpecFor } from './level-stack.js';

/** The flags of `jepa train level` (undefined: not given). */
export interface TrainLevelFlags extends TrainingRunFlags {
  /** The run the level stands on: a world-model run, or a level run (the new level goes on top of it). */
  checkpoint?: string;
  stepSkip?: number;
  rolloutSteps?: number;
}

const r = LATENT_LEVEL_RECIPE;
const EXAMPLES = `
Examples:
  $ jepa train level --checkpoint runs/four-rooms --out runs/four-rooms-level2        # level 2 over a world model
  $ jepa train level --checkpoint runs/four-rooms-level2 --step-skip 3 --out runs/four-rooms-level3   # level 3 over level 2
  $ jepa plan --checkpoint runs/four-rooms-level2 --planner hierarchical --episodes 100 --out runs/four-rooms-hierarchical

A level's latent is the world model's latent every --step-skip steps of the level below (the frozen
encoder is its encoder); its GRU predictor steps it with a macro-action, the mean of the window's
primitive actions. It is trained on the latents of the world-model run's own offline trajectories
(encoded once, frozen). The run folder holds config.json (with the paths of the runs below, relative
to it: keep a stack's folders together), checkpoints/, metrics.jsonl, loss.png/loss.svg, report.md and
report.json. Defaults: LATENT_LEVEL_RECIPE (packages/hierarchy/src/levels/latent-level-recipe.ts).`;

/** Adds `level` to the `train` command group. */
export function registerTrainLevel(group: Command, context: CliContext): Command {
  return group
    .command('level')
    .summary('train a level above a world model or a level (H-JEPA stacking; then `jepa plan --planner hierarchical`)')
    .description(
      'Train a latent level (H-JEPA / HWM level 2 or higher) on a frozen world model: a predictor of the latent every --step-skip steps ' +
        'of the level below, conditioned on macro-actions. Plan with it with `jepa plan --checkpoint <this run> --planner hierarchical`.',
    )
    .option('--checkpoint <path>', 'the run it stands on: a world-model run (`jepa train world-model`) or a level run (`jepa train level`); not needed with --resume')
    .option('--step-skip <n>', `steps of the level below per step of this level (default ${r.stepSkip} over a world model, 3 over a level)`, integerAtLeast(1))
    .option('--rollout-steps <n>', `macro-steps rolled out per training window (default ${r.rolloutSteps}, fewer when the trajectories are too short)`, integerAtLeast(1))
    .option('--steps <n>', `optimizer updates (default ${r.steps})`, integerAtLeast(1))
    .option('--batch-size <n>', `windows per update (default ${r.batchSize})`, integerAtLeast(1))
    .option('--lr <x>', `peak learning rate of the warmup-cosine schedule (default ${r.lr})`, numberIn(0))
    .option('--seed <n>', `seed of the weights and the windows (default ${r.seed})`, integerAtLeast(0))
    .addOption(backendOption())
    .option('--out <dir>', 'run folder (default runs/level-<date>-<time>)')
    .option('--resume', 'continue the run in --out from its newest checkpoint (config from its config.json)')
    .addOption(progressOption())
    .option('--checkpoint-every <n>', 'save a checkpoint every n steps (default: about 10 per run)', integerAtLeast(1))
    .addHelpText('after', EXAMPLES)
    .action(async (flags: TrainLevelFlags) => {
      await trainLevel(flags, context);
    });
}

/** `jepa train level`: resolve the stack, encode the world model's trajectories, train the level, report. */
export async function trainLevel(flags: TrainLevelFlags, context: CliContext): Promise<void> {
  const { io } = context;
  const log = io.stderr;
  const folder = await openRunFolder({ kind: LEVEL_RUN_KIND, out: flags.out, resume: flags.resume, cwd: io.cwd });
  const runDir = folder.dir;
  const previous = folder.previous as LevelRunConfig | undefined;
  if (!previous && flags.checkpoint === undefined) throw new CliError('jepa train level needs --checkpoint: the world-model run (or level run) the new level stands on.');
  if (previous && flags.checkpoint !== undefined) throw new CliError(`--resume continues the level in ${runDir} on the runs its config.json records; leave out --checkpoint.`);

  // 1. The stack below (from --checkpoint, or from the resumed run's config).
  const stack = await resolveStack(previous ? runDir : flags.checkpoint!, io.cwd, previous ? `--out ${runDir}` : undefined);
  const below = previous ? { ...stack, levels: stack.levels.slice(0, -1) } : stack;
  const top = below.levels[below.levels.length - 1];
  const stepSkip = previous?.data.stepSkip ?? flags.stepSkip ?? (top ? 3 : r.stepSkip);
  const span = (top?.config.training.model.stepSkip ?? 1) * stepSkip;
  const worldModelSpec = below.worldModel.config.data as WorldModelDataSpec;

  // 2. Backend, then the world model's latents of every frame of its run's trajectories.
  const backend = await startBackend(flags.backend, io);
  log.write(`backend ${backend.backend}\n`);
  const { model, config: worldModelConfig, step } = await loadStackWorldModel(below);
  let data: LatentTrajectories;
  const env = environmentSpec(worldModelSpec.env as WorldModelEnvironment);
  try {
    const dataPath = worldModelSpec.file === null ? null : join(below.worldModel.location.runDir!, worldModelSpec.file);
    const { dataset } = await loadRunDataset(worldModelSpec, dataPath, log);
    const started = performance.now();
    data = env.encodeLatents(model, dataset, worldModelConfig.model.imageSize);
    log.write(`encoded ${data.trajectories} trajectories of ${data.steps + 1} frames with the world model of ${below.worldModel.json} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  } finally {
    model.dispose();
  }

  // 3. The level's config: flags over the resumed run's, over the recipe.
  const base = previous?.training;
  const rolloutSteps = flags.rolloutSteps ?? base?.training.rolloutSteps ?? Math.min(r.rolloutSteps, Math.floor(data.steps / span));
  if (rolloutSteps < 1) throw new CliError(`A level of ${span} actions per step needs trajectories of at least ${span} actions; the world model's run has ${data.steps}. Lower --step-skip.`);
  const steps = flags.steps ?? base?.training.steps ?? r.steps;
  const config: LevelTrainingConfig = {
    model: { latentDim: model.latentDim, actionDim: model.actionDim, stepSkip: span, macroAction: r.macroAction, actionEmbedDim: r.actionEmbedDim },
    training: {
      steps,
      batchSize: flags.batchSize ?? base?.training.batchSize ?? r.batchSize,
      rolloutSteps,
      lr: flags.lr ?? base?.training.lr ?? r.lr,
      seed: flags.seed ?? base?.training.seed ?? r.seed,
    },
  };
  const stackSpec: LevelStackSpec = previous?.data ?? stackSpecFor(below, runDir, stepSkip, step ?? null);
  refuseChangedSettings(folder, { training: config, data: stackSpec }, { mayChange: ['training.training.steps'], changeFlags: '--steps' });
  const settings: LevelRunSettings = {
    checkpointEvery: flags.checkpointEvery ?? previous?.run.checkpointEvery ?? Math.max(1, Math.ceil(steps / 10)),
    logEvery: previous?.run.logEvery ?? Math.max(1, Math.min(50, Math.floor(steps / 50))),
  };

  // 4. Train under the core trainer (checkpoints, metrics, exact resume).
  let trainable: LatentLevelTrainable;
  try {
    const level = withInitSeed(config.training.seed, () => new LatentLevel(config.model));
    trainable = new LatentLevelTrainable(level, data, config.training);
  } catch (error) {
    throw toCliError(error, 'Cannot build this level: ');
  }
  try {
    await writeRunConfig(runDir, describeRun({ kind: LEVEL_RUN_KIND, argv: context.argv, previous, training: config, data: stackSpec, run: settings, backend }));
    log.write(
      `run folder ${runDir}\ntraining level ${below.levels.length + 2}: ${stepSkip} steps of the level below per step (${span} actions), ` +
        `${steps} updates of ${config.training.batchSize} windows of ${rolloutSteps} macro-steps over ${data.trajectories} trajectories (${env.label})\n`,
    );
    const { result, metrics, aborted } = await runTrainingSession(
      {
        kind: LEVEL_RUN_KIND,
        trainable,
        runDir,
        totalSteps: steps,
        checkpointEvery: settings.checkpointEvery,
        logEvery: settings.logEvery,
        resume: flags.resume ? 'auto' : false,
        progress: flags.progress,
        lossTitle: (done) => `Level ${below.levels.length + 2} training loss (${env.label}, ${done} steps)`,
      },
      context,
    );
    if (aborted) return;
    const shown = relative(io.cwd, runDir);
    const runArgument = shown === '' ? '.' : shown.startsWith('..') ? runDir : shown;
    const first = metrics.find((m) => Number.isFinite(m.loss));
    const report = {
      format: 'jepa-level-run-report',
      version: 1,
      createdAt: new Date().toISOString(),
      runDir,
      backend: backend.backend,
      level: below.levels.length + 2,
      stack: stackSpec,
      model: config.model,
      training: { ...config.training, stepsThisRun: result.stepsRun, wallSeconds: Math.round(result.wallSeconds * 1000) / 1000, firstLoss: first?.loss ?? null, finalLoss: result.finalLoss ?? null },
      next: `jepa plan --checkpoint ${runArgument} --planner hierarchical --episodes 100 --out ${runArgument === '.' ? 'plan' : `${runArgument}-plan`}`,
    };
    await writeFile(join(runDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(
      join(runDir, 'report.md'),
      `# Level ${report.level} over ${stackSpec.worldModel.checkpoint}\n\n` +
        `${stepSkip} steps of the level below per step (${span} actions), macro-action: the ${config.model.macroAction} of the window's actions; ` +
        `${result.steps} updates of ${config.training.batchSize} windows of ${rolloutSteps} macro-steps; loss ${first?.loss.toFixed(4) ?? '?'} at the start, ${result.finalLoss?.toFixed(4) ?? '?'} at the end; ` +
        `${result.wallSeconds.toFixed(1)} s this run.\n\nNext: \`${report.next}\`\n\n![loss](loss.png)\n`,
    );
    io.stdout.write(`level ${report.level}: ${result.steps} steps, final loss ${result.finalLoss?.toFixed(4) ?? '?'} (${result.wallSeconds.toFixed(1)} s)\nnext: ${report.next}\n`);
  } finally {
    trainable.disposeOptimizer();
    trainable.level.dispose();
  }
}
