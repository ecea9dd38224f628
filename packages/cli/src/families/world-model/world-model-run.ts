import { WORLD_MODEL_KIND, type WorldModelConfig, type WorldModelTrainingConfig } from '@jepa/hierarchy';
import type { RunConfig } from '../../run-folder/run-config.js';

/** The world-model kind: `jepa train world-model`, `kind` of its run folders and checkpoints. */
export const WORLD_MODEL_RUN_KIND: string = WORLD_MODEL_KIND;

/** The environments `jepa train world-model --env` knows. */
export const WORLD_MODEL_ENVIRONMENTS = ['two-rooms', 'four-rooms'] as const;
export type WorldModelEnvironment = (typeof WORLD_MODEL_ENVIRONMENTS)[number];

/** The data of a world-model run, as recorded in its config.json. */
export interface WorldModelDataSpec {
  /** The environment the trajectories come from. */
  readonly env: WorldModelEnvironment;
  /** Offline trajectories generated for training. */
  readonly trajectories: number;
  /** Seed of the data generator. */
  readonly seed: number;
  /** The generated dataset, relative to the run folder; null: generated again from the seed when needed (Four Rooms). */
  readonly file: string | null;
}

/** How a world-model run is driven (may change on resume). */
export interface WorldModelRunSettings {
  /** Steps between checkpoints. */
  readonly checkpointEvery: number;
  /** Steps between logged metrics. */
  readonly logEvery: number;
  /** Steps between two collapse diagnostics of the encoder on the probe frames. */
  readonly diagnosticsEvery: number;
  /** Frames whose latents the collapse diagnostic measures. */
  readonly probeFrames: number;
}

/** `config.json` of a `jepa train world-model` run folder. */
export type WorldModelRunConfig = RunConfig<WorldModelTrainingConfig, WorldModelDataSpec, WorldModelRunSettings>;

/** Where a world-model run keeps its generated Two Rooms dataset, relative to the run folder. */
export const TWO_ROOMS_DATA_FILE = 'data/two-rooms.safetensors';

/** Where a run of `env` keeps its dataset: Two Rooms in {@link TWO_ROOMS_DATA_FILE}; Four Rooms is generated again from its seed (0.4 s for the recipe's). */
export function defaultDataFile(env: WorldModelEnvironment): string | null {
  return env === 'two-rooms' ? TWO_ROOMS_DATA_FILE : null;
}

/** The architecture of a world model in words, for `jepa inspect` and the reports. */
export function describeWorldModelConfig(model: WorldModelConfig): string {
  const e = model.encoder;
  const side = model.imageSize / 2 ** e.stages.length;
  const p = model.predictor;
  let predictor: string;
  if (p.kind === 'gru') {
    predictor = `GRU predictor${p.actionEmbedDim !== undefined ? ` (action embedding ${p.actionEmbedDim})` : ''}`;
  } else {
    const sizes = [p.width !== undefined ? `width ${p.width}` : '', p.depth !== undefined ? `depth ${p.depth}` : '', p.numHeads !== undefined ? `${p.numHeads} heads` : ''].filter(Boolean);
    predictor = `block-causal transformer predictor (${sizes.length > 0 ? sizes.join(', ') : 'default sizes'})`;
  }
  const inverse = model.inverseDynamics ? `inverse dynamics (hidden ${model.inverseDynamics.hiddenDim})` : 'no inverse dynamics';
  return (
    `frame encoder: ${e.stages.length} stride-2 stages [${e.stages.join(', ')}] on ${model.imageSize} x ${model.imageSize} x ${model.inChannels} frames ` +
    `(${side} x ${side} after them) to a ${e.latentDim}-wide latent; ${predictor} over ${model.actionDim}-D actions; ${inverse}`
  );
}
