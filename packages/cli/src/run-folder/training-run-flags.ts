import type { BackendChoice, ProgressMode } from '@jepa/core';

/**
 * The flags every `jepa train <kind>` takes for its run (undefined: not given); each family adds
 * its model and data flags and registers the options with its own help texts.
 */
export interface TrainingRunFlags {
  steps?: number;
  batchSize?: number;
  lr?: number;
  seed?: number;
  backend?: BackendChoice;
  out?: string;
  resume?: boolean;
  progress: ProgressMode;
  checkpointEvery?: number;
}
