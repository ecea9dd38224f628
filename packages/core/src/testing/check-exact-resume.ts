import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLatestTrainCheckpoint, writeTrainCheckpoint } from '../train/train-checkpoints.js';
import type { Trainable } from '../train/trainable.js';
import { trainableName, withTrainable, type TrainableHarness } from './trainable-harness.js';
import { diffSnapshots, firstLines, snapshotState, type StateSnapshot } from './trainable-snapshot.js';

/** Options of {@link checkExactResume}. */
export interface ExactResumeOptions {
  /** Updates of the uninterrupted run, N. Default 4. */
  readonly steps?: number;
  /** The interrupted run saves after update k and stops; a fresh trainable loads it and runs k+1..N. Default `floor(N / 2)`. */
  readonly resumeAfter?: number;
}

async function runSteps(trainable: Trainable, from: number, to: number, who: string): Promise<number[]> {
  const losses: number[] = [];
  for (let step = from; step <= to; step++) {
    const metrics = await trainable.trainStep(step);
    if (typeof metrics?.loss !== 'number') throw new Error(`checkExactResume(${who}): trainStep(${step}) returned no numeric loss (got ${JSON.stringify(metrics)}).`);
    losses.push(metrics.loss);
  }
  return losses;
}

/**
 * Exact resume through the real checkpoint path: an uninterrupted run of N updates; a run of k
 * updates whose `saveState()` is written with `writeTrainCheckpoint`; a fresh trainable that
 * reads it back with `loadLatestTrainCheckpoint`, `loadState`s it and runs updates k+1..N. The
 * losses of every update and the final state (every tensor bit for bit, and the meta) must be
 * those of the uninterrupted run.
 *
 * @throws an Error naming the first update whose loss differs, or the tensors and meta that do.
 */
export async function checkExactResume<T extends Trainable>(harness: TrainableHarness<T>, options: ExactResumeOptions = {}): Promise<void> {
  const steps = options.steps ?? 4;
  const resumeAfter = options.resumeAfter ?? Math.floor(steps / 2);
  if (!Number.isInteger(steps) || !Number.isInteger(resumeAfter) || resumeAfter < 1 || resumeAfter >= steps) {
    throw new Error(`checkExactResume: needs integers 1 <= resumeAfter < steps, got steps ${steps} and resumeAfter ${resumeAfter}.`);
  }
  let who = harness.name ?? 'trainable';
  const dir = await mkdtemp(join(tmpdir(), 'jepa-exact-resume-'));
  try {
    const straight = await withTrainable(harness, async (trainable) => {
      who = trainableName(harness, trainable);
      const losses = await runSteps(trainable, 1, steps, who);
      return { losses, state: await snapshotState(trainable) };
    });
    const interrupted = await withTrainable(harness, async (trainable) => {
      const losses = await runSteps(trainable, 1, resumeAfter, who);
      const state = await trainable.saveState();
      await writeTrainCheckpoint(dir, state, { step: resumeAfter, epoch: 0, totalSteps: steps, loss: losses.at(-1)!, elapsedSeconds: 0, reason: 'periodic' });
      return losses;
    });
    interrupted.forEach((loss, i) => {
      if (!Object.is(loss, straight.losses[i])) {
        throw new Error(
          `checkExactResume(${who}): two fresh trainables gave different losses at update ${i + 1} (${straight.losses[i]} vs ${loss}); ` +
            'create() must give the same configuration, data and seed every time, and every random choice must come from the seed.',
        );
      }
    });
    const resumed = await withTrainable(harness, async (trainable) => {
      const point = await loadLatestTrainCheckpoint(dir);
      if (!point) throw new Error(`checkExactResume(${who}): the checkpoint written after update ${resumeAfter} could not be read back from ${dir}.`);
      await trainable.loadState(point.loaded.tensors, point.loaded.meta.state);
      const losses = await runSteps(trainable, resumeAfter + 1, steps, who);
      return { losses, state: await snapshotState(trainable) };
    });
    resumed.losses.forEach((loss, i) => {
      const step = resumeAfter + 1 + i;
      const expected = straight.losses[step - 1];
      if (!Object.is(loss, expected)) {
        throw new Error(
          `checkExactResume(${who}): resumed after update ${resumeAfter}, update ${step} had loss ${loss} where the uninterrupted run had ${expected}; ` +
            'saveState()/loadState() miss part of the state (weights, optimizer moments, RNG state or data position).',
        );
      }
    });
    checkSameState(straight.state, resumed.state, who, steps, resumeAfter);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function checkSameState(straight: StateSnapshot, resumed: StateSnapshot, who: string, steps: number, resumeAfter: number): void {
  const problems = diffSnapshots(straight, resumed);
  if (problems.length > 0) {
    throw new Error(
      `checkExactResume(${who}): after ${steps} updates, the run resumed after update ${resumeAfter} is not bit-for-bit the uninterrupted one: ` +
        `${firstLines(problems)}. saveState()/loadState() must capture everything that changes while training.`,
    );
  }
}
