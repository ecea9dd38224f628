import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { locateCheckpoint } from '../checkpoints/checkpoint-location.js';
import { runCheckpointKind } from '../checkpoints/run-checkpoint.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../cli-context.js';
import { backendOption, progressOption, startBackend } from '../common-options.js';
import type { PlanFlags } from '../families/model-family.js';
import { familyOfKind, planningFamilies, unsupportedCommand } from '../families/registry.js';
import { integerAtLeast } from '../option-parsers.js';
import { runTimestamp } from '../run-folder/run-folder.js';

/** The report `jepa plan` writes into `--out`; a folder that holds one is refused without `--force`. */
export const PLAN_REPORT_FILE = 'plan-report.json';

const EXAMPLES = `
Examples:
  $ jepa plan --checkpoint runs/two-rooms --planner cem --episodes 100 --out runs/two-rooms-plan
  $ jepa plan --checkpoint runs/two-rooms --planner mppi --episodes 20 --seed 1 --out runs/two-rooms-mppi
  $ jepa plan --checkpoint runs/two-rooms --planner oracle --out runs/two-rooms-oracle   # the search through the true simulator
  $ jepa plan --checkpoint runs/two-rooms --planner oracle --oracle-planner hierarchical --out runs/two-rooms-hierarchical-oracle
  $ jepa plan --checkpoint runs/four-rooms-level2 --planner hierarchical --out runs/four-rooms-hierarchical   # a level run of \`jepa train level\`
  $ jepa plan --checkpoint runs/two-rooms --planner oracle --oracle-cost encoder --out runs/two-rooms-encoder-oracle   # true simulator, the run's encoder as the cost
  $ jepa plan --checkpoint runs/two-rooms --planner cem --samples 200 --iterations 20 --replan-every 1 --action-repeat 1 --out runs/reference-search
  $ jepa plan --checkpoint runs/two-rooms/checkpoints/step-001000.json --episodes 10 --out runs/step-1000-plan

The folder gets plan-report.json (success rate, its 95 % Wilson interval, seconds and planning compute
per episode, the planner's options, the checkpoint and step, every episode without its path),
plan-report.md (a summary table, the pictures, every episode), episode-NNN.png for the first --pictures
episodes and one animated episode-NNN.gif. Ctrl-C stops after the current episode and reports those done.

`;

/** Registers `jepa plan`. */
export function registerPlan(program: Command, context: CliContext): Command {
  const families = planningFamilies();
  return program
    .command('plan')
    .summary('plan episodes with a trained world model (CEM, MPPI, hierarchical over levels, or the oracle) and report the success rate')
    .description(
      'Load a world-model checkpoint written by `jepa train world-model` strictly, plan episodes of its environment with a ' +
        'latent planner (CEM or MPPI over the model\'s predictions, or the same search through the true simulator), and write ' +
        'the success rate with its 95 % interval, the compute per episode and pictures of the episodes into a folder.',
    )
    .requiredOption('--checkpoint <path>', "a world-model or level run folder (its newest checkpoint), its checkpoints/ folder, or one checkpoint's .json")
    .addOption(new Option('--planner <name>', 'cem or mppi over the world model, hierarchical over the levels of a level run (`jepa train level`), or oracle (the search through the true simulator)').choices(['cem', 'mppi', 'hierarchical', 'oracle']).default('cem'))
    .addOption(new Option('--oracle-planner <name>', 'the search --planner oracle runs: cem, mppi, or hierarchical (CEM over macro-steps of the simulator handing subgoals to CEM over actions)').choices(['cem', 'mppi', 'hierarchical']).default('cem'))
    .addOption(new Option('--oracle-cost <kind>', "what --planner oracle scores: the distance between true positions, or the run's encoder on their frames (encoder: tells the encoder's failures from the predictor's)").choices(['position', 'encoder']).default('position'))
    .option('--episodes <n>', 'episodes to plan', integerAtLeast(1), 100)
    .option('--seed <n>', 'seed of the episodes (tasks, contact noise) and of the planner\'s sampling', integerAtLeast(0), 0)
    .option('--horizon <n>', 'actions each plan looks ahead (at most the steps left; default: the recipe\'s)', integerAtLeast(1))
    .option('--replan-every <n>', 'actions executed from each plan before replanning (default: the recipe\'s)', integerAtLeast(1))
    .option('--samples <n>', 'action sequences sampled per iteration (default: the recipe\'s)', integerAtLeast(2))
    .option('--iterations <n>', 'refinement iterations per plan (default: the recipe\'s)', integerAtLeast(1))
    .option('--elites <n>', 'lowest-cost sequences the distribution is refitted to, at most --samples (default: the recipe\'s)', integerAtLeast(2))
    .addOption(new Option('--cost <reduction>', 'latent distance to the goal summed over the predicted steps (sum, the reference) or at the plan\'s end only (final) (default: the recipe\'s)').choices(['sum', 'final']))
    .option('--level-samples <n>', 'hierarchical planners: macro-action sequences sampled per iteration at each level above the first (default: the recipe\'s)', integerAtLeast(2))
    .option('--level-iterations <n>', 'hierarchical planners: refinement iterations per plan at each level above the first (default: the recipe\'s)', integerAtLeast(1))
    .option('--action-repeat <n>', 'executed steps each sampled action is held for (default: the recipe\'s)', integerAtLeast(1))
    .option('--pictures <n>', 'episodes drawn as PNG pictures (the first n; one of them also as an animated GIF)', integerAtLeast(0), 6)
    .option('--out <dir>', 'folder for the reports and pictures (default runs/plan-<planner>-<date>-<time>)')
    .option('--force', 'overwrite the reports of an earlier `jepa plan` in --out')
    .addOption(backendOption())
    .addOption(progressOption('progress display: a bar on a terminal, plain lines in logs (one per episode, with the running success rate)'))
    .addHelpText('after', `${EXAMPLES}${families.map((family) => family.plan!.help).join('\n\n')}`)
    .action(async (flags: PlanFlags) => {
      await plan(flags, context);
    });
}

const exists = (path: string) => access(path).then(() => true, () => false);

/**
 * `jepa plan`: finds the checkpoint, reads the run kind its manifest records and hands the request
 * to that family's plan capability; refuses families that cannot plan, and an `--out` that already
 * holds a plan report unless `--force`.
 */
export async function plan(flags: PlanFlags, context: CliContext): Promise<void> {
  const { io } = context;
  const out = resolve(io.cwd, flags.out ?? join('runs', `plan-${flags.planner}-${runTimestamp()}`));
  if (!flags.force && (await exists(join(out, PLAN_REPORT_FILE)))) {
    throw new CliError(`--out ${out} already holds a plan report (${PLAN_REPORT_FILE}). Choose another --out, or pass --force to overwrite it.`);
  }
  const location = await locateCheckpoint(flags.checkpoint, io.cwd);
  const family = familyOfKind(await runCheckpointKind(location), `--checkpoint ${location.dir}/${location.name}.json`);
  if (!family.plan) {
    const planners = planningFamilies().map((f) => `\`jepa train ${f.kind}\``).join(' or ');
    throw unsupportedCommand(family, 'jepa plan', flags.checkpoint, `it plans with world models and their levels, written by ${planners}`);
  }
  await startBackend(flags.backend, io);
  await family.plan.run({ location, out, flags }, context);
}
