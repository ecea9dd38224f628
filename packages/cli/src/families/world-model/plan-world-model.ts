import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Planner } from '@jepa/core';
import {
  CemPlanner,
  createWorldModel,
  HierarchicalPlanner,
  evaluatePlanning,
  latentDistanceCost,
  MppiPlanner,
  TWO_ROOMS_PLANNING,
  TWO_ROOMS_WORLD,
  summarizePlanningEpisodes,
  type ActionConditionedWorldModel,
  type LatentLevel,
  type PlanningEpisodeSetup,
  type PlanningEpisodeResult,
  type WorldModelTrainingConfig,
} from '@jepa/hierarchy';
import { loadRunCheckpoint, type RunCheckpointMeta } from '../../checkpoints/run-checkpoint.js';
import { CliError, toCliError } from '../../cli-error.js';
import type { CliContext } from '../../cli-context.js';
import { createItemProgress } from '../../report/item-progress.js';
import { percent } from '../../report/probe-report.js';
import { readRunConfig } from '../../run-folder/run-config.js';
import type { PlanRequest } from '../model-family.js';
import { writeEpisodeGif, writeEpisodePngs } from './plan-pictures.js';
import { renderPlanReport, type PlanReport } from './plan-report.js';
import { environmentSpec } from './world-model-environments.js';
import { WORLD_MODEL_ENVIRONMENTS, WORLD_MODEL_RUN_KIND, type WorldModelDataSpec, type WorldModelEnvironment } from './world-model-run.js';

/** `jepa plan --help`: what the world-model family plans and where its defaults come from. */
export const WORLD_MODEL_PLAN_HELP = `World-model runs (\`jepa train world-model\`) plan episodes of their environment. Two Rooms episodes as eb_jepa evaluates them: per
episode a new layout, a start in one room and a goal in the other, one zero-action step, then 200 planned
actions with the evaluation collision model; success when the final distance to the goal is below
${TWO_ROOMS_WORLD.successDistance} px. The planner encodes the current frame and the goal frame, searches actions whose predicted
latents end near the goal's (--cost: the latent distance at the plan's end, or summed over its steps as the
reference does), executes the first --replan-every of them, and
replans; each plan looks min(--horizon, steps left) actions ahead. --planner oracle plans through the
true simulator instead of the model (positions as latents, contact noise off), with --oracle-planner's
search: it separates planner failures from model failures (--oracle-planner hierarchical: CEM over macro-steps
of ${TWO_ROOMS_PLANNING.hierarchical.stepSkip} simulated actions hands its first step down as a subgoal to CEM over actions, defaults in
TWO_ROOMS_PLANNING.hierarchical; --samples, --iterations, --elites, --action-repeat and --horizon then set
its level-1 search). With --oracle-cost encoder the oracle scores
the simulated positions with the run's encoder (drawn as frames, encoded, latent distance to the goal's):
it separates failures of the latent space from failures of the predictor. Defaults (TWO_ROOMS_PLANNING,
packages/hierarchy/src/two-rooms/two-rooms-recipe.ts): horizon ${TWO_ROOMS_PLANNING.horizon}, replan every ${TWO_ROOMS_PLANNING.replanEvery}, ${TWO_ROOMS_PLANNING.cost} cost; CEM ${TWO_ROOMS_PLANNING.cem.samples} samples x ${TWO_ROOMS_PLANNING.cem.iterations} iterations
(${TWO_ROOMS_PLANNING.cem.elites} elites, action repeat ${TWO_ROOMS_PLANNING.cem.actionRepeat}); MPPI ${TWO_ROOMS_PLANNING.mppi.samples} x ${TWO_ROOMS_PLANNING.mppi.iterations} (${TWO_ROOMS_PLANNING.mppi.elites} elites, action repeat ${TWO_ROOMS_PLANNING.mppi.actionRepeat}).
Four Rooms runs (--env four-rooms) plan H-JEPA's two-door tasks: start and goal two doors apart, a closed door half the
time, round(2.8 x the expert's steps) actions; defaults FOUR_ROOMS_PLANNING (packages/hierarchy/src/four-rooms/four-rooms-recipe.ts).`;

/** Levels above the world model for `--planner hierarchical` (a level run's stack), bottom-up, each with its steps per step of the level below. */
export interface PlanningStack {
  readonly levels: ReadonlyArray<{ readonly level: LatentLevel; readonly stepSkip: number }>;
  /** The top level's checkpoint `.json`, for the reports. */
  readonly top: string;
}

/** The resolved options of a planner (its own fields, functions such as the cost left out), for the report. */
function plannerFields(planner: Planner): Record<string, unknown> {
  return Object.fromEntries(Object.entries(planner).filter(([, value]) => typeof value !== 'function' && (typeof value !== 'object' || value === null)));
}

/** The run's environment, from its config.json (Two Rooms when the checkpoint sits outside a run folder). */
async function runEnvironment(runDir: string | undefined): Promise<WorldModelEnvironment | string> {
  if (!runDir) return 'two-rooms';
  const config = await readRunConfig(runDir);
  return (config?.data as Partial<WorldModelDataSpec> | undefined)?.env ?? 'two-rooms';
}

/** `meta` of a run checkpoint, read from its `.json` without the tensors. */
async function readCheckpointMeta(path: string): Promise<RunCheckpointMeta<WorldModelTrainingConfig>> {
  try {
    return (JSON.parse(await readFile(path, 'utf8')) as { meta?: RunCheckpointMeta<WorldModelTrainingConfig> }).meta ?? {};
  } catch (error) {
    throw new CliError(`Cannot read ${path}: ${(error as Error).message}`);
  }
}

/**
 * `jepa plan` on a world-model run: builds the planner (flags over `TWO_ROOMS_PLANNING`), loads the
 * world model strictly from the checkpoint (not for `--planner oracle`), plans the episodes one by
 * one (progress after each; Ctrl-C stops after the current one and reports those done), then writes
 * `plan-report.json`, `plan-report.md` and the pictures into `out`.
 */
export async function planWorldModel(request: PlanRequest, context: CliContext, stack?: PlanningStack): Promise<void> {
  const { location, out, flags } = request;
  const { io } = context;
  const log = io.stderr;
  const checkpointJson = join(location.dir, `${location.name}.json`);
  const env = await runEnvironment(location.runDir);
  if (!(WORLD_MODEL_ENVIRONMENTS as readonly string[]).includes(env)) {
    throw new CliError(`--checkpoint ${flags.checkpoint}: the run's environment is "${env}", which this version of jepa cannot plan in (known: ${WORLD_MODEL_ENVIRONMENTS.join(', ')}).`);
  }
  const spec = environmentSpec(env as WorldModelEnvironment);
  const defaultsOf = spec.planning;

  // 1. The planner: the flags over the environment's planning defaults' search for CEM or MPPI, or over the level-1
  //    search of its hierarchical planner (built per episode: its level 2 simulates the layout).
  if (flags.planner !== 'oracle' && (flags.oracleCost === 'encoder' || flags.oraclePlanner !== 'cem')) {
    const given = flags.oracleCost === 'encoder' ? '--oracle-cost encoder' : `--oracle-planner ${flags.oraclePlanner}`;
    throw new CliError(`${given} sets how the oracle plans; it needs --planner oracle (got --planner ${flags.planner}).`);
  }
  const search = flags.planner === 'oracle' ? flags.oraclePlanner : flags.planner;
  const hierarchical = search === 'hierarchical';
  const learnedLevels = flags.planner === 'hierarchical' ? (stack?.levels ?? []) : [];
  if (flags.planner === 'hierarchical' && learnedLevels.length === 0) {
    throw new CliError(
      `--planner hierarchical plans with levels above the world model, and ${flags.checkpoint} is a world-model run. ` +
        `Train one with \`jepa train level --checkpoint ${flags.checkpoint} --out <level run>\` and pass --checkpoint <level run>, ` +
        'or plan through the true simulator with --planner oracle --oracle-planner hierarchical.',
    );
  }
  if (hierarchical && flags.oracleCost === 'encoder') {
    throw new CliError('--oracle-planner hierarchical scores every level by positions; it does not take --oracle-cost encoder. Use --oracle-planner cem or mppi with --oracle-cost encoder.');
  }
  if (hierarchical && flags.cost === 'sum') {
    throw new CliError(`${flags.planner === 'hierarchical' ? '--planner' : '--oracle-planner'} hierarchical scores each level at the plan's end (final); it does not take --cost sum.`);
  }
  const defaults = hierarchical ? defaultsOf.hierarchical.search : defaultsOf[search];
  const searchOptions = {
    ...defaults,
    samples: flags.samples ?? defaults.samples,
    iterations: flags.iterations ?? defaults.iterations,
    elites: flags.elites ?? defaults.elites,
    actionRepeat: flags.actionRepeat ?? defaults.actionRepeat,
  };
  const horizon = flags.horizon ?? (hierarchical ? defaultsOf.hierarchical.horizon : defaultsOf.horizon);
  const replanEvery = flags.replanEvery ?? (hierarchical ? defaultsOf.hierarchical.replanEvery : defaultsOf.replanEvery);
  const costReduction = flags.cost ?? defaultsOf.cost;
  const cost = latentDistanceCost({ reduction: costReduction });
  if (!hierarchical && (flags.levelSamples !== undefined || flags.levelIterations !== undefined)) {
    throw new CliError('--level-samples and --level-iterations set the search above level 1; they need --planner hierarchical or --oracle-planner hierarchical.');
  }
  const levelSearch = {
    ...defaultsOf.hierarchical.levelSearch,
    samples: flags.levelSamples ?? defaultsOf.hierarchical.levelSearch.samples,
    iterations: flags.levelIterations ?? defaultsOf.hierarchical.levelSearch.iterations,
  };
  const hierarchySettings = { ...defaultsOf.hierarchical, horizon, search: searchOptions, levelSearch };
  let planner: Planner;
  try {
    planner = learnedLevels.length > 0
      ? new HierarchicalPlanner({
          planner: new CemPlanner(searchOptions),
          horizon,
          levels: learnedLevels.map(({ level, stepSkip }) => ({ model: level, stepSkip, horizon: hierarchySettings.levelHorizon, planner: new CemPlanner(hierarchySettings.levelSearch) })),
        })
      : hierarchical
      ? spec.hierarchicalOracle(spec.anyLayout, hierarchySettings)
      : search === 'cem'
        ? new CemPlanner(searchOptions)
        : new MppiPlanner(searchOptions);
  } catch (error) {
    throw new CliError(`${(error as Error).message} On the command line: --samples, --iterations, --elites, --action-repeat${hierarchical ? ', --level-samples, --level-iterations' : ''}.`, 1, { cause: error });
  }
  const episodePlanner = hierarchical && learnedLevels.length === 0 ? ({ layout }: PlanningEpisodeSetup<unknown>) => spec.hierarchicalOracle(layout, hierarchySettings) : planner;

  // 2. The model, strictly (the oracle with positions as its cost needs none: it reads the
  //    checkpoint's meta only; with --oracle-cost encoder it scores with the model's encoder).
  const oracle = flags.planner === 'oracle';
  const encoderCost = oracle && flags.oracleCost === 'encoder';
  let model: ActionConditionedWorldModel | undefined;
  let step: number | undefined;
  let trainingConfig: WorldModelTrainingConfig | undefined;
  if (oracle && !encoderCost) {
    const meta = await readCheckpointMeta(checkpointJson);
    step = meta.trainer?.step;
    trainingConfig = meta.state?.config;
  } else {
    const loaded = await loadRunCheckpoint(location, { kind: WORLD_MODEL_RUN_KIND, label: 'world model', command: 'jepa train world-model', build: (config: WorldModelTrainingConfig) => createWorldModel(config.model) });
    model = loaded.model;
    step = loaded.step;
    trainingConfig = loaded.config;
  }
  const imageSize = trainingConfig?.model?.imageSize ?? TWO_ROOMS_WORLD.size;

  // 3. Episodes, one call each (the evaluation derives every episode's randomness from the seed and
  //    its index, so this equals one call over all of them), with a pause in between for Ctrl-C.
  const results: Array<PlanningEpisodeResult<unknown>> = [];
  let plannerLabel: string = flags.planner;
  const started = performance.now();
  const label = oracle ? `planning (oracle${encoderCost ? ', encoder cost' : ''}, ${search})` : `planning (${search})`;
  const progress = createItemProgress(flags.progress, log, label, flags.episodes, 'episodes', { linesEvery: 1 });
  const source = !oracle
    ? `world model of ${checkpointJson} (step ${step ?? '?'})${learnedLevels.length > 0 ? ` with ${learnedLevels.length} level${learnedLevels.length > 1 ? 's' : ''} above it (top: ${stack!.top})` : ''}`
    : encoderCost
      ? `oracle: planning through the true simulator, scored by the encoder of ${checkpointJson} (step ${step ?? '?'})`
      : 'oracle: planning through the true simulator';
  log.write(
    `${source}; ` +
      `${flags.episodes} episodes, seed ${flags.seed}; ` +
      (hierarchical
        ? `hierarchical: ${learnedLevels.length > 1 ? `levels ${learnedLevels.map((_, i) => i + 2).join(', ')} each` : 'level 2'} CEM ${hierarchySettings.levelSearch.samples} samples x ${hierarchySettings.levelSearch.iterations} iterations over up to ${hierarchySettings.levelHorizon} macro-steps of ${learnedLevels.length > 0 ? learnedLevels.map((l) => l.stepSkip).join(' / ') : hierarchySettings.stepSkip} steps of the level below, level 1 CEM ${searchOptions.samples} x ${searchOptions.iterations} over ${horizon} actions toward its subgoal, replan every ${replanEvery}\n`
        : `${search} ${searchOptions.samples} samples x ${searchOptions.iterations} iterations, horizon ${horizon}, replan every ${replanEvery}, ${costReduction} cost\n`),
  );
  try {
    for (let i = 0; i < flags.episodes && !context.signal?.aborted; i++) {
      let episode;
      try {
        episode = evaluatePlanning(spec.episodes(flags.seed, imageSize), oracle ? 'oracle' : model!, {
          episodes: 1,
          firstEpisode: i,
          seed: flags.seed,
          planner: episodePlanner,
          horizon: hierarchical ? (stepsLeft) => stepsLeft : (stepsLeft) => Math.min(horizon, stepsLeft),
          replanEvery,
          cost,
          ...(encoderCost ? { oracleCost: { scoredBy: model!, reduction: costReduction } } : {}),
        });
      } catch (error) {
        throw toCliError(error, `episode ${i}: `);
      }
      plannerLabel = episode.planner;
      const result = episode.results[0]!;
      results.push(result);
      const successes = results.filter((r) => r.success).length;
      progress.update(
        results.length,
        `episode ${result.index} ${result.success ? 'reached' : 'missed'} (${result.finalDistance.toFixed(1)} px, ${result.seconds.toFixed(1)} s); ` +
          `success ${successes}/${results.length} (${percent(successes / results.length)})`,
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    progress.stop();
    model?.dispose();
  }
  const wallSeconds = (performance.now() - started) / 1000;
  if (results.length === 0) {
    log.write('stopped before the first episode ended; nothing written\n');
    context.exitCode = 130;
    return;
  }

  // 4. Pictures and reports.
  await mkdir(out, { recursive: true });
  const drawn = results.slice(0, flags.pictures);
  const pngs = await writeEpisodePngs(out, drawn, spec.draw);
  const animated = drawn.find((r) => r.success) ?? drawn[0];
  const gif = animated ? await writeEpisodeGif(out, animated, spec.draw) : null;
  const summary = summarizePlanningEpisodes(results);
  const { successes } = summary;
  const stoppedEarly = results.length < flags.episodes;
  const report: PlanReport = {
    format: 'jepa-plan-report',
    version: 1,
    createdAt: new Date().toISOString(),
    env: env as PlanReport['env'],
    checkpoint: { path: checkpointJson, step: step ?? null, runDir: location.runDir ?? null },
    planner: flags.planner,
    plannerLabel,
    plannerOptions: hierarchical
      ? { search, replanEvery, cost: 'final', ...(oracle ? { oracleCost: 'position' } : { levelCheckpoint: stack!.top }), levels: learnedLevels.length > 0 ? learnedLevels.length + 1 : 2, stepSkip: learnedLevels.length > 0 ? learnedLevels.map((l) => l.stepSkip) : hierarchySettings.stepSkip, levelHorizon: hierarchySettings.levelHorizon, levelSearch: hierarchySettings.levelSearch, horizon, horizonRule: 'level 2: min(levelHorizon, ceil(steps left / stepSkip)); level 1: min(horizon, steps left)', ...searchOptions, name: planner.name }
      : { search, horizon, horizonRule: 'min(horizon, steps left)', replanEvery, cost: costReduction, ...(oracle ? { oracleCost: flags.oracleCost } : {}), ...plannerFields(planner) },
    protocol: {
      seed: flags.seed,
      firstEpisode: 0,
      budget: spec.budget,
      successDistance: spec.successDistance,
      imageSize: oracle && !encoderCost ? null : imageSize,
    },
    requestedEpisodes: flags.episodes,
    stoppedEarly,
    ...summary,
    wallSeconds: Math.round(wallSeconds * 1000) / 1000,
    pictures: { png: pngs, gif, gifEpisode: animated?.index ?? null },
    results: results.map(({ path: _path, ...rest }) => ({ ...rest, layoutText: spec.describeLayout(rest.layout) })),
  };
  await writeFile(join(out, 'plan-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const markdown = renderPlanReport(report);
  await writeFile(join(out, 'plan-report.md'), markdown);
  io.stdout.write(
    `${plannerLabel}: ${successes}/${results.length} episodes reached the goal (${percent(report.successRate)}, 95 % interval ${percent(report.ci95[0])} - ${percent(report.ci95[1])}), ` +
      `${report.secondsPerEpisode.toFixed(1)} s per episode\nreport: ${join(out, 'plan-report.md')}\n`,
  );
  if (stoppedEarly) {
    log.write(`stopped after ${results.length} of ${flags.episodes} episodes; the report covers those\n`);
    context.exitCode = 130;
  }
}
