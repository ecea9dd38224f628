import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MetricsLog } from './metrics-log.js';
import { createProgressReporter } from './progress-reporter.js';
import { folderCheckpointStore } from './train-checkpoints.js';
import { resolveTrainOptions, type TrainOptions, type TrainResult } from './train-options.js';
import type { Trainable } from './trainable.js';
import { runTrainingLoop } from './training-loop.js';

/** The folder of a run's checkpoints. */
export function checkpointsDirOf(outDir: string): string {
  return join(outDir, 'checkpoints');
}

/** The metrics file of a run. */
export function metricsPathOf(outDir: string): string {
  return join(outDir, 'metrics.jsonl');
}

/**
 * Runs `trainable` from its current state (or from the newest checkpoint in `outDir`, see
 * `options.resume`) up to `totalSteps` in a run folder (Node only; `@jepa/core/node`): the training
 * loop of `runTrainingLoop`, writing a line to `<outDir>/metrics.jsonl` every `logEvery` steps,
 * checkpoints to `<outDir>/checkpoints/step-NNNNNN.*` every `checkpointEvery` steps and at the end
 * (keeping the `keepCheckpoints` newest), and progress (a bar or lines) to `options.stream`.
 *
 * Resuming is exact: a run interrupted after any step and resumed produces the same weights and the
 * same metrics lines (apart from timings) as an uninterrupted run, provided the trainable's
 * `saveState`/`loadState` capture its whole state.
 *
 * @throws TrainingDivergedError when a step's loss is NaN/Inf. If the step threw
 *   `NonFiniteLossError` (weights untouched), the current state is first saved as checkpoint
 *   `step-<k-1>` unless that step is already saved, so the newest checkpoint is the last good state.
 * @throws the trainable's own errors unchanged (after a line saying which checkpoint to resume from).
 */
export async function train(trainable: Trainable, options: TrainOptions): Promise<TrainResult> {
  const resolved = resolveTrainOptions(options);
  const { outDir, progress, stream, callbacks, ...loop } = resolved;
  await mkdir(outDir, { recursive: true });
  const metricsPath = metricsPathOf(outDir);
  const result = await runTrainingLoop(trainable, {
    ...loop,
    checkpoints: folderCheckpointStore(checkpointsDirOf(outDir)),
    metrics: (startStep) => MetricsLog.open(metricsPath, startStep),
    progress: createProgressReporter(progress, stream),
    callbacks: {
      ...(callbacks.onStep ? { onStep: callbacks.onStep } : {}),
      ...(callbacks.onCheckpoint ? { onCheckpoint: callbacks.onCheckpoint } : {}),
    },
  });
  const withPath: TrainResult = { ...result, metricsPath };
  if (result.stopReason !== 'stopAfterStep') await callbacks.onEnd?.(withPath);
  return withPath;
}
