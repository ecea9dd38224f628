import { join, relative, resolve } from 'node:path';
import { createWorldModel, LatentLevel, type ActionConditionedWorldModel, type WorldModelTrainingConfig } from '@jepa/hierarchy';
import { locateCheckpoint, type CheckpointLocation } from '../../checkpoints/checkpoint-location.js';
import { loadRunCheckpoint, runCheckpointKind } from '../../checkpoints/run-checkpoint.js';
import { CliError } from '../../cli-error.js';
import { readRunConfig } from '../../run-folder/run-config.js';
import { WORLD_MODEL_RUN_KIND, type WorldModelDataSpec, type WorldModelRunConfig } from '../world-model/world-model-run.js';
import { LEVEL_RUN_KIND, type LevelRunConfig, type LevelStackSpec, type LevelTrainingConfig } from './level-run.js';

/** A checkpoint of the stack, found on disk. */
export interface StackCheckpoint {
  readonly location: CheckpointLocation;
  /** `<dir>/<name>.json`, absolute. */
  readonly json: string;
}

/** What a level (to be trained, or planned with) stands on, resolved to absolute paths. */
export interface ResolvedStack {
  /** The world model at the bottom and its run's config. */
  readonly worldModel: StackCheckpoint & { readonly config: WorldModelRunConfig };
  /** The level runs above it, bottom-up, each with its config. */
  readonly levels: ReadonlyArray<StackCheckpoint & { readonly config: LevelRunConfig }>;
}

const jsonOf = (location: CheckpointLocation) => join(location.dir, `${location.name}.json`);

async function runConfigOf<C>(location: CheckpointLocation, what: string, argument: string): Promise<C> {
  if (!location.runDir) throw new CliError(`${argument}: ${what} must sit in a run folder (<run>/checkpoints/) whose config.json says what it was trained on.`);
  const config = await readRunConfig(location.runDir);
  if (!config) throw new CliError(`${argument}: ${location.runDir} holds no config.json; pass a run folder written by \`jepa train\`.`);
  return config as C;
}

/**
 * The stack under `--checkpoint`: a world-model run (no levels above), or a level run of `jepa
 * train level` (its world model and the levels below it, from the paths its config.json records,
 * relative to its run folder). Errors name the argument and what to pass.
 */
export async function resolveStack(checkpoint: string, cwd: string, argument = `--checkpoint ${checkpoint}`): Promise<ResolvedStack> {
  const location = await locateCheckpoint(checkpoint, cwd);
  const kind = await runCheckpointKind(location);
  if (kind === WORLD_MODEL_RUN_KIND) {
    return { worldModel: { location, json: jsonOf(location), config: await runConfigOf<WorldModelRunConfig>(location, 'a world-model checkpoint', argument) }, levels: [] };
  }
  if (kind !== LEVEL_RUN_KIND) {
    throw new CliError(`${argument}: is ${kind === undefined ? 'not a run checkpoint' : `a run of kind "${kind}"`}; pass a world-model run (\`jepa train world-model\`) or a level run (\`jepa train level\`).`);
  }
  const config = await runConfigOf<LevelRunConfig>(location, 'a level checkpoint', argument);
  const stack = config.data;
  const from = location.runDir!;
  const resolveIn = async (path: string, what: string) => {
    const absolute = resolve(from, path);
    try {
      return await locateCheckpoint(absolute, cwd);
    } catch (error) {
      throw new CliError(`${argument}: the level's config.json names ${what} ${absolute}, which cannot be used: ${(error as Error).message} Keep the runs of a stack where they were trained, or train the level again.`);
    }
  };
  const worldModelLocation = await resolveIn(stack.worldModel.checkpoint, 'its world model');
  const worldModel = { location: worldModelLocation, json: jsonOf(worldModelLocation), config: await runConfigOf<WorldModelRunConfig>(worldModelLocation, 'the world-model checkpoint', argument) };
  const levels: Array<StackCheckpoint & { config: LevelRunConfig }> = [];
  for (const below of stack.below) {
    const belowLocation = await resolveIn(below.checkpoint, 'a level below it');
    levels.push({ location: belowLocation, json: jsonOf(belowLocation), config: await runConfigOf<LevelRunConfig>(belowLocation, 'a level checkpoint', argument) });
  }
  levels.push({ location, json: jsonOf(location), config });
  return { worldModel, levels };
}

/** The stack record of a new level on top of `stack`, with paths relative to the new level's run folder. */
export function stackSpecFor(stack: ResolvedStack, runDir: string, stepSkip: number, step: number | null): LevelStackSpec {
  const rel = (path: string) => relative(runDir, path) || '.';
  return {
    worldModel: { runDir: rel(stack.worldModel.location.runDir!), checkpoint: rel(stack.worldModel.json), step },
    below: stack.levels.map((level) => ({ runDir: rel(level.location.runDir!), checkpoint: rel(level.json) })),
    stepSkip,
    env: (stack.worldModel.config.data as WorldModelDataSpec).env,
  };
}

/** Loads the stack's world model strictly. */
export async function loadStackWorldModel(stack: ResolvedStack): Promise<{ model: ActionConditionedWorldModel; config: WorldModelTrainingConfig; step: number | undefined }> {
  return loadRunCheckpoint(stack.worldModel.location, { kind: WORLD_MODEL_RUN_KIND, label: 'world model', command: 'jepa train world-model', build: (config: WorldModelTrainingConfig) => createWorldModel(config.model) });
}

/** Loads the stack's levels strictly, bottom-up, with each one's steps per step of the level below. */
export async function loadStackLevels(stack: ResolvedStack): Promise<Array<{ level: LatentLevel; stepSkip: number; step: number | undefined }>> {
  const loaded: Array<{ level: LatentLevel; stepSkip: number; step: number | undefined }> = [];
  try {
    for (const entry of stack.levels) {
      const { model, step } = await loadRunCheckpoint(entry.location, { kind: LEVEL_RUN_KIND, label: 'level', command: 'jepa train level', build: (config: LevelTrainingConfig) => new LatentLevel(config.model) });
      loaded.push({ level: model, stepSkip: entry.config.data.stepSkip, step });
    }
  } catch (error) {
    for (const { level } of loaded) level.dispose();
    throw error;
  }
  return loaded;
}
