import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryCheckpointStore } from './memory-checkpoint-store.js';
import type { MetricsRecord } from './metrics-record.js';
import type { ProgressReporter } from './progress-format.js';
import { ToyTrainable, type ToyTrainableOptions } from './toy-trainable.js';
import { runTrainingLoop } from './training-loop.js';
import { TrainingDivergedError } from './training-diverged-error.js';

/**
 * The training loop as a page runs it (issue 12): no files, no terminal. Records come through
 * `onStep` (a live loss curve), logged ones through a metrics sink, checkpoints go to memory as the
 * two files Node's `train` writes, and a run resumes from them exactly.
 */
const withoutTimings = (records: MetricsRecord[]) => records.map(({ elapsedSeconds: _e, stepsPerSecond: _r, ...rest }) => rest);

describe('runTrainingLoop', () => {
  let toys: ToyTrainable[];
  let tensorsBefore: number;
  const toy = (options: ToyTrainableOptions = {}) => {
    const t = new ToyTrainable(options);
    toys.push(t);
    return t;
  };
  beforeEach(() => {
    toys = [];
    tensorsBefore = tf.memory().numTensors;
  });
  afterEach(() => {
    for (const t of toys) t.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('runs with callbacks only: every step reaches onStep, logged steps the metrics sink, nothing is kept', async () => {
    const live: number[] = [];
    const logged: MetricsRecord[] = [];
    let opened: number | undefined;
    let closed = false;
    const result = await runTrainingLoop(toy(), {
      totalSteps: 7,
      logEvery: 3,
      diagnosticsEvery: 0,
      callbacks: { onStep: (record) => void live.push(record.loss) },
      metrics: (startStep) => {
        opened = startStep;
        return { append: (record) => void logged.push(record), close: () => void (closed = true) };
      },
    });
    expect(result).toMatchObject({ steps: 7, stepsRun: 7, stopReason: 'completed', lastCheckpoint: undefined });
    expect(live).toHaveLength(7);
    expect(live.every(Number.isFinite)).toBe(true);
    expect([opened, closed, logged.map((r) => r.step)]).toEqual([0, true, [3, 6, 7]]);
    expect(result.finalLoss).toBe(live[6]);
  });

  it('keeps checkpoints in memory (the newest keepCheckpoints) and resumes from them exactly', async () => {
    const reference = toy();
    const referenceRecords: MetricsRecord[] = [];
    await runTrainingLoop(reference, { totalSteps: 12, checkpointEvery: 4, callbacks: { onStep: (r) => void referenceRecords.push(r) } });

    const store = createMemoryCheckpointStore();
    const saved: string[] = [];
    const first = await runTrainingLoop(toy(), { totalSteps: 12, checkpointEvery: 2, keepCheckpoints: 2, checkpoints: store, stopAfterStep: 7, callbacks: { onCheckpoint: (c) => void saved.push(c.name) } });
    expect(first).toMatchObject({ steps: 7, stopReason: 'stopAfterStep', lastCheckpoint: { name: 'step-000006', step: 6, reason: 'periodic' } });
    expect(saved).toEqual(['step-000002', 'step-000004', 'step-000006']);
    expect(store.checkpoints.map((c) => c.name)).toEqual(['step-000004', 'step-000006']);

    // A later visit: the page kept the two files of step 6 (say in IndexedDB) and starts a new store from them.
    const kept = store.checkpoints[1]!;
    const later = createMemoryCheckpointStore({ checkpoints: [{ manifest: kept.manifest, tensors: new Blob([kept.tensors as Uint8Array<ArrayBuffer>]) }] });
    const resumedToy = toy({ initSeed: 99 });
    const records: MetricsRecord[] = [];
    const messages: string[] = [];
    const progress: ProgressReporter = { mode: 'lines', start() {}, step() {}, message: (text) => void messages.push(text), stop() {} };
    const resumed = await runTrainingLoop(resumedToy, { totalSteps: 12, checkpointEvery: 4, checkpoints: later, progress, callbacks: { onStep: (r) => void records.push(r) } });
    expect(resumed).toMatchObject({ steps: 12, stepsRun: 6, resumedFrom: { name: 'step-000006' }, lastCheckpoint: { name: 'step-000012', reason: 'final' } });
    expect(messages[0]).toBe('resumed from checkpoint step-000006 (step 6/12) in memory');
    expect(resumedToy.snapshot()).toEqual(reference.snapshot());
    expect(withoutTimings(records)).toEqual(withoutTimings(referenceRecords.slice(6)));
  });

  it('skips a corrupt checkpoint, and a divergence saves the last good state in the store', async () => {
    const store = createMemoryCheckpointStore();
    const error = (await runTrainingLoop(toy({ nonFiniteAtStep: 5 }), { totalSteps: 10, checkpointEvery: 3, checkpoints: store }).catch((e: unknown) => e)) as TrainingDivergedError;
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect(error).toMatchObject({ step: 5, weightsUnchanged: true, checkpoint: { name: 'step-000004', reason: 'diverged' } });
    expect(error.message).toContain('saved as checkpoint step-000004 (step-000004)');

    const newest = store.checkpoints.at(-1)!;
    const damaged = new Uint8Array(newest.tensors as Uint8Array);
    damaged[damaged.length - 1] ^= 0xff;
    const broken = createMemoryCheckpointStore({ checkpoints: [store.checkpoints[0]!, { manifest: newest.manifest, tensors: damaged }] });
    const messages: string[] = [];
    const progress: ProgressReporter = { mode: 'lines', start() {}, step() {}, message: (text) => void messages.push(text), stop() {} };
    const resumed = await runTrainingLoop(toy(), { totalSteps: 4, checkpoints: broken, progress });
    expect(resumed.resumedFrom?.name).toBe('step-000003');
    expect(messages[0]).toMatch(/^skipped unusable checkpoint step-000004: Checkpoint 'step-000004' is corrupt/);
  });

  it('without a store, a NonFiniteLossError still stops the loop, saying the trainable keeps the last good weights', async () => {
    const error = (await runTrainingLoop(toy({ nonFiniteAtStep: 3 }), { totalSteps: 5 }).catch((e: unknown) => e)) as TrainingDivergedError;
    expect(error).toMatchObject({ step: 3, weightsUnchanged: true, checkpoint: undefined });
    expect(error.message).toMatch(/still holds the weights of step 2 \(no checkpoint store keeps them\)/);
    await expect(runTrainingLoop(toy(), { totalSteps: 5, resume: true })).rejects.toThrow(/resume is true but there is no options\.checkpoints/);
    await expect(runTrainingLoop(toy(), { totalSteps: 5, outDir: 'x' } as never)).rejects.toThrow(/unknown option 'outDir'/);
  });
});
