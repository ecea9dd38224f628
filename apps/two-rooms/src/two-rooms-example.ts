/**
 * The Two Rooms world-model example as a function (main.ts runs it with the defaults; the test with
 * a tiny recipe): generate offline trajectories, train an action-conditioned JEPA world model with
 * the core trainer, then plan evaluation episodes with CEM, MPPI and the oracles (the same CEM
 * search through the true simulator, and the hierarchical planner through it), and optionally train and plan the ablation without inverse
 * dynamics. Only the public APIs of @jepa/core and @jepa/hierarchy are used.
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend, Rng, type BackendChoice, type Planner, type ProgressMode } from '@jepa/core';
import { train } from '@jepa/core/node';
import {
  CemPlanner,
  evaluateTwoRoomsPlanning,
  generateTwoRoomsDataset,
  MppiPlanner,
  TWO_ROOMS_PLANNING,
  latentDistanceCost,
  type LatentDistanceReduction,
  TWO_ROOMS_RECIPE,
  twoRoomsFrameSource,
  WorldModelTrainable,
  type CemPlannerOptions,
  type MppiPlannerOptions,
  twoRoomsHierarchicalOracle,
  type TwoRoomsHierarchicalPlanning,
  type TwoRoomsPlanningReport,
  type WorldModelTrainingConfig,
} from '@jepa/hierarchy';
import { readTwoRoomsDatasetFile, writeTwoRoomsDatasetFile } from '@jepa/hierarchy/node';

/** What the example trains: the shape of `TWO_ROOMS_RECIPE`. */
export interface TwoRoomsRecipe {
  readonly dataset: { readonly trajectories: number; readonly seed: number };
  readonly training: WorldModelTrainingConfig;
}

/** How the example plans: the shape of `TWO_ROOMS_PLANNING`. */
export interface TwoRoomsPlanning {
  readonly horizon: number;
  readonly replanEvery: number;
  /** Latent distance at the plan's end (`'final'`) or summed over its steps (`'sum'`, the reference). */
  readonly cost: LatentDistanceReduction;
  readonly cem: CemPlannerOptions;
  readonly mppi: MppiPlannerOptions;
  /** The hierarchical oracle's levels and cadence (`TWO_ROOMS_PLANNING.hierarchical` when absent). */
  readonly hierarchical?: TwoRoomsHierarchicalPlanning;
}

export interface TwoRoomsExampleOptions {
  /** Everything goes here; running again with the same folder reuses the data and resumes training. */
  readonly outDir: string;
  /** Evaluation episodes per planner (seed 0: the same episodes for every planner). */
  readonly episodes: number;
  /** Also train a model without inverse dynamics and plan it with CEM. */
  readonly ablation: boolean;
  /** Training steps (default: the recipe's; the warm-up keeps its fraction). */
  readonly steps?: number;
  readonly recipe?: TwoRoomsRecipe;
  readonly planning?: TwoRoomsPlanning;
  readonly backend?: BackendChoice;
  readonly progress?: ProgressMode;
  readonly log?: (line: string) => void;
}

/** One planner's row of the report. */
export interface PlannerRow {
  readonly name: string;
  /** Which trained model planned (`world model`, `no inverse dynamics`), or `simulator` for the oracle. */
  readonly model: string;
  readonly episodes: number;
  readonly successes: number;
  readonly successRate: number;
  readonly ci95: readonly [number, number];
  readonly meanFinalDistance: number;
  readonly secondsPerEpisode: number;
  readonly plansPerEpisode: number;
  readonly predictedStepsPerEpisode: number;
}

/** `report.json` of the example. */
export interface TwoRoomsExampleReport {
  readonly format: 'two-rooms-example-report';
  readonly version: 1;
  readonly createdAt: string;
  readonly backend: string;
  readonly data: { readonly trajectories: number; readonly actionsPerTrajectory: number; readonly seed: number };
  readonly training: ReadonlyArray<{ readonly model: string; readonly steps: number; readonly seconds: number; readonly secondsPerStep: number; readonly finalLoss: number | null }>;
  readonly planning: { readonly episodes: number; readonly seed: number; readonly horizon: number; readonly replanEvery: number; readonly cost: LatentDistanceReduction; readonly cem: CemPlannerOptions; readonly mppi: MppiPlannerOptions; readonly hierarchical: TwoRoomsHierarchicalPlanning };
  readonly rows: readonly PlannerRow[];
  readonly wallSeconds: number;
}

const exists = (path: string) => access(path).then(() => true, () => false);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** Runs the example and writes `report.json` and `report.md` into `outDir`. */
export async function runTwoRoomsExample(options: TwoRoomsExampleOptions): Promise<TwoRoomsExampleReport> {
  const recipe = options.recipe ?? TWO_ROOMS_RECIPE;
  const planning = options.planning ?? TWO_ROOMS_PLANNING;
  const log = options.log ?? ((line: string) => console.log(line));
  const started = performance.now();
  await mkdir(options.outDir, { recursive: true });

  // 1. The fastest backend available: tfjs-node(-gpu) if installed, else wasm.
  const backend = await initBackend({ backend: options.backend });
  log(`backend: ${backend.backend}`);

  // 2. Offline trajectories (random walks, 35 % built to cross the door), generated once and kept.
  const dataPath = join(options.outDir, 'data', 'two-rooms.safetensors');
  let dataset;
  if (await exists(dataPath)) {
    dataset = await readTwoRoomsDatasetFile(dataPath);
    log(`data: ${dataset.trajectories} trajectories read from ${dataPath}`);
  } else {
    dataset = generateTwoRoomsDataset(recipe.dataset);
    await mkdir(join(options.outDir, 'data'), { recursive: true });
    await writeTwoRoomsDatasetFile(dataPath, dataset);
    log(`data: generated ${dataset.trajectories} trajectories of ${dataset.steps} actions into ${dataPath}`);
  }
  const base = recipe.training;
  const source = twoRoomsFrameSource(dataset, { imageSize: base.model.imageSize });
  // Frames whose latents the collapse diagnostic (effective rank, per-dimension std) measures.
  const probe = { frames: source.sample(256, 1, new Rng(base.seed).derive('collapse-probe')).frames, count: 256 };

  // 3. The recipe, with the run length asked for (the warm-up keeps its fraction).
  const steps = options.steps ?? base.optimization.steps;
  const optimization = { ...base.optimization, steps, warmupSteps: Math.round((steps * base.optimization.warmupSteps) / base.optimization.steps) };
  const variants: Array<{ model: string; folder: string; config: WorldModelTrainingConfig }> = [{ model: 'world model', folder: 'train', config: { ...base, optimization } }];
  if (options.ablation) {
    variants.push({
      model: 'no inverse dynamics',
      folder: 'train-no-inverse-dynamics',
      config: { ...base, model: { ...base.model, inverseDynamics: null }, loss: { ...base.loss, inverseDynamicsWeight: 0 }, optimization },
    });
  }

  const horizon = (stepsLeft: number) => Math.min(planning.horizon, stepsLeft);
  const plan = (model: Parameters<typeof evaluateTwoRoomsPlanning>[0], planner: Planner, label: string): TwoRoomsPlanningReport => {
    log(`planning ${options.episodes} episodes: ${label}`);
    return evaluateTwoRoomsPlanning(model, {
      episodes: options.episodes,
      seed: 0,
      imageSize: base.model.imageSize,
      planner,
      horizon,
      replanEvery: planning.replanEvery,
      cost: latentDistanceCost({ reduction: planning.cost }),
      onEpisode: (result, done, total) =>
        log(`  ${label} ${done}/${total}: episode ${result.index} ${result.success ? 'reached' : 'missed'} (${result.finalDistance.toFixed(1)} px, ${result.seconds.toFixed(1)} s)`),
    });
  };
  const row = (report: TwoRoomsPlanningReport, name: string, model: string): PlannerRow => ({
    name,
    model,
    episodes: report.episodes,
    successes: report.successes,
    successRate: report.successRate,
    ci95: report.ci95,
    meanFinalDistance: report.meanFinalDistance,
    secondsPerEpisode: report.secondsPerEpisode,
    plansPerEpisode: report.plansPerEpisode,
    predictedStepsPerEpisode: report.predictedStepsPerEpisode,
  });

  // 4. Train each model with the core trainer (checkpoints, metrics.jsonl, exact resume), then plan with it.
  const training: Array<TwoRoomsExampleReport['training'][number]> = [];
  const rows: PlannerRow[] = [];
  for (const variant of variants) {
    const trainable = new WorldModelTrainable(variant.config, source, probe);
    try {
      const result = await train(trainable, { outDir: join(options.outDir, variant.folder), totalSteps: steps, ...(options.progress ? { progress: options.progress } : {}) });
      training.push({ model: variant.model, steps: result.steps, seconds: +result.wallSeconds.toFixed(1), secondsPerStep: +(result.wallSeconds / Math.max(1, result.stepsRun)).toFixed(4), finalLoss: result.finalLoss ?? null });
      log(`trained ${variant.model}: ${result.steps} steps in ${result.wallSeconds.toFixed(0)} s, final loss ${result.finalLoss?.toFixed(4)}`);
      if (variant.model === 'world model') {
        rows.push(row(plan(trainable.model, new CemPlanner(planning.cem), 'CEM'), 'CEM', variant.model));
        rows.push(row(plan(trainable.model, new MppiPlanner(planning.mppi), 'MPPI'), 'MPPI', variant.model));
        // The oracle: the same CEM search through the true simulator, what a perfect model would allow.
        rows.push(row(plan('oracle', new CemPlanner(planning.cem), 'oracle (CEM through the simulator)'), 'oracle (CEM)', 'simulator'));
        // The hierarchical oracle: CEM over macro-steps of the simulator hands subgoals to CEM over actions.
        const hierarchical = planning.hierarchical ?? TWO_ROOMS_PLANNING.hierarchical;
        log(`planning ${options.episodes} episodes: oracle (hierarchical through the simulator)`);
        const hierarchicalReport = evaluateTwoRoomsPlanning('oracle', {
          episodes: options.episodes,
          seed: 0,
          imageSize: base.model.imageSize,
          planner: ({ layout }) => twoRoomsHierarchicalOracle(layout, hierarchical),
          horizon: (stepsLeft) => stepsLeft,
          replanEvery: hierarchical.replanEvery,
          onEpisode: (result, done, total) => log(`  oracle (hierarchical) ${done}/${total}: episode ${result.index} ${result.success ? 'reached' : 'missed'} (${result.finalDistance.toFixed(1)} px, ${result.seconds.toFixed(1)} s)`),
        });
        rows.push(row(hierarchicalReport, 'oracle (hierarchical)', 'simulator'));
      } else {
        rows.push(row(plan(trainable.model, new CemPlanner(planning.cem), `CEM, ${variant.model}`), 'CEM', variant.model));
      }
    } finally {
      trainable.dispose();
    }
  }

  // 5. Report.
  const report: TwoRoomsExampleReport = {
    format: 'two-rooms-example-report',
    version: 1,
    createdAt: new Date().toISOString(),
    backend: backend.backend,
    data: { trajectories: dataset.trajectories, actionsPerTrajectory: dataset.steps, seed: dataset.source?.seed ?? recipe.dataset.seed },
    training,
    planning: { episodes: options.episodes, seed: 0, horizon: planning.horizon, replanEvery: planning.replanEvery, cost: planning.cost, cem: planning.cem, mppi: planning.mppi, hierarchical: planning.hierarchical ?? TWO_ROOMS_PLANNING.hierarchical },
    rows,
    wallSeconds: +((performance.now() - started) / 1000).toFixed(1),
  };
  const table = [
    '| planner | model | success rate | 95 % interval | final distance (mean) | s / episode | plans / episode |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${r.model} | ${pct(r.successRate)} (${r.successes}/${r.episodes}) | ${pct(r.ci95[0])} - ${pct(r.ci95[1])} | ${r.meanFinalDistance.toFixed(1)} px | ${r.secondsPerEpisode.toFixed(1)} | ${r.plansPerEpisode.toFixed(1)} |`),
  ].join('\n');
  const trained = training.map((t) => `- ${t.model}: ${t.steps} steps, ${t.secondsPerStep} s/step, final loss ${t.finalLoss?.toFixed(4) ?? '-'}`).join('\n');
  await writeFile(join(options.outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(
    join(options.outDir, 'report.md'),
    `# Two Rooms: a JEPA world model, planned with CEM, MPPI and the oracles\n\n` +
      `- backend ${backend.backend}; ${dataset.trajectories} offline trajectories of ${dataset.steps} actions\n${trained}\n` +
      `- planning: ${options.episodes} episodes per planner (seed 0), 200 actions each, success under 4.5 px; horizon min(${planning.horizon}, steps left), replan every ${planning.replanEvery}, ${planning.cost === 'final' ? 'latent distance at the plan\'s end' : 'latent distance summed over the plan'}\n` +
      `- hierarchical oracle: level 2 plans up to ${report.planning.hierarchical.levelHorizon} macro-steps of ${report.planning.hierarchical.stepSkip} simulated actions, level 1 plans ${report.planning.hierarchical.horizon} actions toward its subgoal, replan every ${report.planning.hierarchical.replanEvery}\n\n` +
      `${table}\n\nWall time ${report.wallSeconds.toFixed(0)} s.\n`,
  );
  log(`\n${table}\n\nreport: ${join(options.outDir, 'report.md')}`);
  return report;
}
