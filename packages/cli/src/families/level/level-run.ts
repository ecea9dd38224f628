import type { LatentLevelOptions, LatentLevelTrainingOptions } from '@jepa/hierarchy';
import { LATENT_LEVEL_KIND } from '@jepa/hierarchy';
import type { RunConfig } from '../../run-folder/run-config.js';

/** The level kind: `jepa train level`, `kind` of its run folders and checkpoints. */
export const LEVEL_RUN_KIND: string = LATENT_LEVEL_KIND;

/** What a level run stands on, as its config.json records it (paths relative to the level's run folder). */
export interface LevelStackSpec {
  /** The world-model run at the bottom: its run folder and the checkpoint whose encoder made the latents. */
  readonly worldModel: { readonly runDir: string; readonly checkpoint: string; readonly step: number | null };
  /** The level runs between the world model and this level, bottom-up (level 2 first); empty for a level 2. */
  readonly below: ReadonlyArray<{ readonly runDir: string; readonly checkpoint: string }>;
  /** This level's steps per step of the level below (`stepSkip` of the planner; the level's own `stepSkip` counts primitive actions). */
  readonly stepSkip: number;
  /** The environment of the world model's run. */
  readonly env: string;
}

/** The training config of a level run: the level's options and `trainLatentLevel`'s. */
export interface LevelTrainingConfig {
  readonly model: LatentLevelOptions;
  readonly training: Omit<LatentLevelTrainingOptions, 'onStep'>;
}

/** How a level run is driven. */
export interface LevelRunSettings {
  readonly checkpointEvery: number;
  readonly logEvery: number;
}

/** `config.json` of a `jepa train level` run folder. */
export type LevelRunConfig = RunConfig<LevelTrainingConfig, LevelStackSpec, LevelRunSettings>;
