import { type CheckpointFile, StateDictMismatchError } from '@jepa/core';
import { checkpointsDirOf, writeTrainCheckpoint } from '@jepa/core/node';
import { describeCheckpoint, ijepaConfigFromArchitecture, inferIJepaArchitecture, initTrainableFromCheckpoint, type IJepaTrainable } from '@jepa/vision';
import { CliError, toCliError } from '../../cli-error.js';
import type { TextStream } from '../../cli-io.js';
import type { ModelFlags, ResolvedModelConfig } from './resolve-model-config.js';
import { isMnist } from './image-run-data.js';
import { readCheckpointArgument } from '../../checkpoints/checkpoint-argument.js';

/** An official checkpoint a new run starts from (`jepa train ijepa --init-from`). */
export interface InitCheckpoint {
  readonly file: CheckpointFile;
  /** The model with the checkpoint's sizes (heads from --num-heads or the matching preset). */
  readonly model: ResolvedModelConfig;
}

/**
 * Reads the `--init-from` checkpoint and the model it needs. Size flags may repeat the
 * checkpoint's sizes but not contradict them; heads come from `--num-heads` (and
 * `--predictor-num-heads`) or the matching preset.
 */
export async function readInitCheckpoint(flags: ModelFlags & { readonly initFrom?: string; readonly channels?: number }, dataset: string, cwd: string): Promise<InitCheckpoint> {
  const file = await readCheckpointArgument(flags.initFrom!, cwd, '--init-from');
  const description = describeCheckpoint(file);
  if (description.modules.length !== 3) {
    throw new CliError(
      `--init-from ${file.path}: the file ${description.kind === 'unknown' ? 'is' : description.kind === 'ijepa-modules' ? 'holds' : 'is a'} ${description.summary}; starting a run needs a full I-JEPA training checkpoint with encoder, predictor and target_encoder. ` +
        '(To continue a run of this library, use --out <run> --resume.)',
    );
  }
  let model: ResolvedModelConfig;
  try {
    const architecture = inferIJepaArchitecture(file, { numHeads: flags.numHeads, predictorNumHeads: flags.predictorNumHeads });
    const config = ijepaConfigFromArchitecture(architecture, file.path);
    const encoder = config.encoder as ResolvedModelConfig['encoder'];
    model = { imageSize: config.imageSize, patchSize: config.patchSize, inChannels: config.inChannels!, encoder, predictor: config.predictor as ResolvedModelConfig['predictor'] };
  } catch (error) {
    throw toCliError(error, '--init-from: ');
  }
  const conflicts: string[] = [];
  const compare = (flag: string, given: number | string | undefined, actual: number | string) => {
    if (given !== undefined && given !== actual) conflicts.push(`${flag} ${given}, but the checkpoint has ${actual}`);
  };
  compare('--embed-dim', flags.embedDim, model.encoder.embedDim);
  compare('--depth', flags.depth, model.encoder.depth);
  compare('--patch-size', flags.patchSize, model.patchSize);
  compare('--image-size', flags.imageSize, model.imageSize);
  compare('--channels', flags.channels, model.inChannels);
  compare('--predictor-embed-dim', flags.predictorEmbedDim, model.predictor.embedDim);
  compare('--predictor-depth', flags.predictorDepth, model.predictor.depth);
  if (flags.preset !== undefined) conflicts.push(`--preset ${flags.preset}: the model's sizes come from the checkpoint`);
  if (conflicts.length > 0) {
    throw new CliError(`--init-from ${file.path} sets the model; these flags contradict it:\n  - ${conflicts.join('\n  - ')}\nDrop them (only --num-heads / --predictor-num-heads are needed, and only when no preset matches).`);
  }
  if (isMnist(dataset) && (model.imageSize !== 28 || model.inChannels !== 1)) {
    throw new CliError(
      `--init-from ${file.path}: its model takes ${model.imageSize} x ${model.imageSize} x ${model.inChannels} images, but MNIST is 28 x 28 x 1. ` +
        'Pass --dataset <folder> (images are resized to the model\'s size).',
    );
  }
  return { file, model };
}

/**
 * Loads the checkpoint into `trainable` (three modules strictly, AdamW moments when they line up)
 * and returns the step training goes on from: `epoch * stepsPerEpoch`, as the official trainer
 * skips `start_epoch * ipe` schedule steps. Writes nothing.
 */
export function applyInitCheckpoint(trainable: IJepaTrainable, init: InitCheckpoint, options: { stepsPerEpoch: number; totalSteps: number; log: TextStream }): number {
  let result;
  try {
    result = initTrainableFromCheckpoint(trainable, init.file);
  } catch (error) {
    if (error instanceof StateDictMismatchError) throw new CliError(error.message);
    throw error;
  }
  const startStep = result.epoch * options.stepsPerEpoch;
  if (startStep >= options.totalSteps) {
    throw new CliError(
      `--init-from: the checkpoint has completed ${result.epoch} epoch(s), i.e. step ${startStep} at ${options.stepsPerEpoch} steps per epoch on this data, ` +
        `but the run has ${options.totalSteps} steps. Ask for more: --epochs ${result.epoch + 1} or more, or --steps ${startStep + 1} or more (they count the whole run, as the official num_epochs).`,
    );
  }
  options.log.write(
    `--init-from ${init.file.path}: loaded encoder, predictor and target_encoder; ${result.optimizer.message}\n` +
      result.notes.map((n) => `note: ${n}\n`).join('') +
      `the checkpoint completed ${result.epoch} epoch(s): training continues at step ${startStep + 1} of ${options.totalSteps} (${options.stepsPerEpoch} steps per epoch)\n`,
  );
  return startStep;
}

/**
 * Saves the loaded state as the run's checkpoint `step-<startStep>`, so the trainer continues
 * from there (and `--resume` works as for any run).
 */
export async function writeStartCheckpoint(trainable: IJepaTrainable, runDir: string, startStep: number, stepsPerEpoch: number, totalSteps: number): Promise<void> {
  await writeTrainCheckpoint(checkpointsDirOf(runDir), await trainable.saveState(), {
    step: startStep,
    epoch: startStep === 0 ? 0 : Math.floor((startStep - 1) / stepsPerEpoch),
    totalSteps,
    loss: null,
    elapsedSeconds: 0,
    reason: 'periodic',
  });
}
