import type { IJepaTrainable } from '../training/ijepa-trainable.js';
import type { CheckpointFile } from '@jepa/core';
import { checkpointEpoch, loadIJepaWeights, splitModuleWeights } from './official-ijepa-checkpoint.js';
import { importOfficialOptimizerState, type OptimizerStateImport } from './official-optimizer-state.js';

/** What {@link initTrainableFromCheckpoint} loaded. */
export interface TrainableInit {
  /** Epochs the checkpoint had completed (official `epoch`; 0 when it records none): training goes on at `epoch * stepsPerEpoch + 1`. */
  readonly epoch: number;
  /** Whether the AdamW moments were loaded, and if not, why. */
  readonly optimizer: OptimizerStateImport;
  /** Other notes (e.g. an AMP scaler state that is not used here). */
  readonly notes: readonly string[];
}

/**
 * Starts a training run from an official I-JEPA checkpoint: loads the weights of all three modules
 * strictly (everything mismatched is listed and nothing is loaded), then the AdamW moments when
 * they line up with the model (else fresh moments, and the result says why), and returns the
 * epoch the checkpoint had reached. The trainable must have been built with the checkpoint's sizes
 * (see `ijepaConfigFromArchitecture`).
 */
export function initTrainableFromCheckpoint(trainable: IJepaTrainable, file: CheckpointFile): TrainableInit {
  const weights = splitModuleWeights(file);
  loadIJepaWeights(trainable.model, weights);
  const opt = file.format === 'torch' && typeof file.value === 'object' && file.value !== null ? (file.value as Record<string, unknown>).opt : undefined;
  const optimizer =
    file.format === 'torch'
      ? importOfficialOptimizerState(opt, weights, trainable.model, trainable.optimizer)
      : { loaded: false, message: 'optimizer state not loaded (only official torch checkpoints carry one that is read here; continue a run of this library with --resume); AdamW starts with fresh moments.' };
  const notes: string[] = [];
  const scaler = file.metadata.scaler;
  if (scaler !== undefined && scaler !== null) notes.push('the checkpoint\'s AMP grad-scaler state is not used (training here runs in float32).');
  return { epoch: checkpointEpoch(file) ?? 0, optimizer, notes };
}
