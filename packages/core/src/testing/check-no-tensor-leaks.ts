import * as tf from '@tensorflow/tfjs';
import type { Trainable } from '../train/trainable.js';
import { destroyTrainable, trainableName, type TrainableHarness } from './trainable-harness.js';
import { snapshotState } from './trainable-snapshot.js';

/** Options of {@link checkNoTensorLeaks}. */
export interface NoTensorLeaksOptions {
  /** Updates after the first (which may allocate lazily) that must each leave the tensor count unchanged. Default 2. */
  readonly steps?: number;
}

/**
 * No tensor outlives its use: creates a trainable, runs an update (which may allocate state
 * lazily), then checks that each later phase leaves `tf.memory().numTensors` unchanged: `steps`
 * more updates, `saveState()` with its `dispose()`, `loadState()` of that state, `diagnostics()`
 * when present, one more update; finally, after destroying it, the count must equal the one
 * before it was created.
 *
 * @throws an Error naming the phase that leaked and by how many tensors.
 */
export async function checkNoTensorLeaks<T extends Trainable>(harness: TrainableHarness<T>, options: NoTensorLeaksOptions = {}): Promise<void> {
  const steps = options.steps ?? 2;
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`checkNoTensorLeaks: steps must be a positive integer, got ${steps}.`);
  const count = () => tf.memory().numTensors;
  const before = count();
  let who = harness.name ?? 'trainable';
  const trainable = await harness.create();
  let failure: Error | undefined;
  try {
    who = trainableName(harness, trainable);
    let step = 1;
    await trainable.trainStep(step);
    let settled = count();
    const phase = async (name: string, run: () => Promise<unknown>) => {
      await run();
      const now = count();
      if (now !== settled) {
        throw new Error(
          `checkNoTensorLeaks(${who}): ${name} ${now > settled ? 'left' : 'freed'} ${Math.abs(now - settled)} tensor(s) ${now > settled ? 'more' : 'it did not own'} ` +
            `(${settled} -> ${now}); dispose what it creates (tf.tidy for synchronous code, finally blocks for async code).`,
        );
      }
      settled = now;
    };
    for (let i = 0; i < steps; i++) {
      step += 1;
      await phase(`trainStep(${step})`, async () => trainable.trainStep(step));
    }
    let saved: Awaited<ReturnType<typeof snapshotState>> | undefined;
    await phase('saveState() followed by the state\'s dispose()', async () => {
      saved = await snapshotState(trainable);
    });
    await phase('loadState()', async () => trainable.loadState(saved!.tensors, saved!.meta));
    if (typeof trainable.diagnostics === 'function') await phase(`diagnostics(${step})`, async () => trainable.diagnostics!(step));
    step += 1;
    await phase(`trainStep(${step}) after loadState()`, async () => trainable.trainStep(step));
  } catch (error) {
    failure = error as Error;
  }
  await destroyTrainable(harness, trainable);
  if (failure) throw failure;
  const after = count();
  if (after !== before) {
    throw new Error(
      `checkNoTensorLeaks(${who}): ${after - before} tensor(s) remain after destroying it (${before} before it was created, ${after} after); ` +
        'dispose() (or close()) must free every variable and tensor the trainable owns.',
    );
  }
}
