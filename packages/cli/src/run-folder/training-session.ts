import { join } from 'node:path';
import { type MetricsRecord, type ProgressMode, type Trainable } from '@jepa/core';
import { readMetricsLog, train, type TrainResult } from '@jepa/core/node';
import type { CliContext } from '../cli-context.js';
import { writeLossPlot } from '../report/loss-plot.js';

/** What {@link runTrainingSession} needs. */
export interface TrainingSessionOptions {
  /** The family's kind, for the resume hint (`jepa train <kind> --out ... --resume`). */
  readonly kind: string;
  readonly trainable: Trainable;
  readonly runDir: string;
  readonly totalSteps: number;
  readonly stepsPerEpoch?: number;
  readonly checkpointEvery: number;
  readonly logEvery?: number;
  /** Steps between calls of the trainable's `diagnostics` (collapse measures); default the trainer's (`checkpointEvery`). */
  readonly diagnosticsEvery?: number;
  /** `auto` to continue from the newest checkpoint in the run folder. */
  readonly resume: 'auto' | false;
  readonly progress: ProgressMode;
  /** Title of `loss.png` / `loss.svg`, given the steps trained. */
  readonly lossTitle: (steps: number) => string;
}

/** What a training session did. */
export interface TrainingSession {
  readonly result: TrainResult;
  /** Every line of `metrics.jsonl` (all invocations of the run). */
  readonly metrics: MetricsRecord[];
  /** Ctrl-C stopped it: the caller skips evaluation (the exit status is already 130). */
  readonly aborted: boolean;
}

/**
 * The part of `jepa train <kind>` that every family shares: runs the trainer in the run folder
 * (checkpoints, metrics.jsonl, progress on stderr, Ctrl-C through `context.signal`), then plots
 * the loss curve. Its messages say how to continue with `--resume`; when stopped by Ctrl-C it sets exit status 130.
 */
export async function runTrainingSession(options: TrainingSessionOptions, context: CliContext): Promise<TrainingSession> {
  const { io } = context;
  const result = await train(options.trainable, {
    outDir: options.runDir,
    totalSteps: options.totalSteps,
    ...(options.stepsPerEpoch !== undefined ? { stepsPerEpoch: options.stepsPerEpoch } : {}),
    checkpointEvery: options.checkpointEvery,
    ...(options.logEvery !== undefined ? { logEvery: options.logEvery } : {}),
    ...(options.diagnosticsEvery !== undefined ? { diagnosticsEvery: options.diagnosticsEvery } : {}),
    resume: options.resume,
    resumeHint: `jepa train ${options.kind} --out ${options.runDir} --resume`,
    progress: options.progress,
    stream: io.stderr,
    signal: context.signal,
  });
  const metrics = await readMetricsLog(result.metricsPath);
  await writeLossPlot(metrics.map((m) => ({ step: m.step, loss: m.loss })), join(options.runDir, 'loss'), { title: options.lossTitle(result.steps) });
  const aborted = result.stopReason === 'aborted';
  if (aborted) {
    context.exitCode = 130;
  }
  return { result, metrics, aborted };
}
