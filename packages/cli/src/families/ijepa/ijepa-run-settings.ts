import type { IJepaTrainingConfig } from '@jepa/vision';
import type { RunConfig } from '../../run-folder/run-config.js';
import type { DataSpec } from './image-run-data.js';
import type { ResolvedModelConfig } from './resolve-model-config.js';

/** An I-JEPA training config whose model sizes are spelled out (`training` of its config.json). */
export interface ResolvedTrainingConfig extends IJepaTrainingConfig {
  /** The model with every size given (no preset name left). */
  readonly model: ResolvedModelConfig;
}

/** How an I-JEPA run is driven (not part of the model or its optimisation; may change on resume). */
export interface RunSettings {
  /** Steps between checkpoints. */
  readonly checkpointEvery: number;
  /** Steps between logged metrics. */
  readonly logEvery: number;
  /** Whether the run ends with the probes (`--no-eval` turns them off). */
  readonly evaluate: boolean;
  /** Labelled images per class in each low-shot draw. */
  readonly shotsPerClass: number;
  /** Low-shot draws. */
  readonly draws: number;
}

/** `config.json` of a `jepa train ijepa` run folder. */
export type IJepaRunConfig = RunConfig<ResolvedTrainingConfig, DataSpec, RunSettings>;
