import { describe, expect, it } from 'vitest';
import { resolveTrainOptions, TRAIN_DEFAULTS, type TrainOptions } from './train-options.js';

describe('resolveTrainOptions', () => {
  it('fills in the documented defaults', () => {
    const resolved = resolveTrainOptions({ totalSteps: 95, outDir: 'runs/a' });
    expect(resolved).toMatchObject({
      totalSteps: 95,
      stepsPerEpoch: 95,
      checkpointEvery: 10, // ceil(95 / 10): about 10 checkpoints
      keepCheckpoints: TRAIN_DEFAULTS.keepCheckpoints,
      logEvery: 10,
      diagnosticsEvery: 10,
      resume: 'auto',
      progress: 'auto',
      callbacks: {},
      signal: undefined,
      stopAfterStep: undefined,
    });
    expect(resolved.stream).toBe(process.stderr);
    expect(resolveTrainOptions({ totalSteps: 3, outDir: 'x' }).checkpointEvery).toBe(1);
    expect(resolveTrainOptions({ epochs: 4, stepsPerEpoch: 25, outDir: 'x' })).toMatchObject({ totalSteps: 100, stepsPerEpoch: 25 });
    expect(resolveTrainOptions({ totalSteps: 100, epochs: 4, stepsPerEpoch: 25, outDir: 'x' }).totalSteps).toBe(100);
    expect(resolveTrainOptions({ totalSteps: 10, outDir: 'x', keepCheckpoints: Infinity, diagnosticsEvery: 0 })).toMatchObject({
      keepCheckpoints: Infinity,
      diagnosticsEvery: 0,
    });
  });

  it('rejects bad options, naming the option and the fix', () => {
    const cases: [unknown, RegExp][] = [
      [{ outDir: 'x' }, /give options.totalSteps, or options.epochs and options.stepsPerEpoch/],
      [{ totalSteps: 0, outDir: 'x' }, /options.totalSteps must be a positive integer, got 0/],
      [{ totalSteps: 1.5, outDir: 'x' }, /options.totalSteps must be a positive integer, got 1.5/],
      [{ totalSteps: 10 }, /options.outDir must be a folder path/],
      [{ epochs: 2, outDir: 'x' }, /epochs needs options.stepsPerEpoch/],
      [{ epochs: 2, stepsPerEpoch: 5, totalSteps: 11, outDir: 'x' }, /totalSteps \(11\) disagrees with epochs \* stepsPerEpoch \(2 \* 5 = 10\)/],
      [{ totalSteps: 10, outDir: 'x', keepCheckpoints: 0 }, /keepCheckpoints must be an integer >= 1 .* got 0/],
      [{ totalSteps: 10, outDir: 'x', checkpointEvery: -1 }, /checkpointEvery must be a positive integer/],
      [{ totalSteps: 10, outDir: 'x', diagnosticsEvery: -2 }, /diagnosticsEvery must be a non-negative integer \(0 turns diagnostics off\)/],
      [{ totalSteps: 10, outDir: 'x', resume: 'yes' }, /options.resume must be true, false or 'auto', got "yes"/],
      [{ totalSteps: 10, outDir: 'x', progress: 'fancy' }, /options.progress must be 'auto', 'bar', 'lines' or 'none'/],
      [{ totalSteps: 10, outDir: 'x', stream: {} }, /options.stream must have a write\(text\) method/],
      [{ totalSteps: 10, outDir: 'x', callbacks: { onstep: () => {} } }, /unknown callback 'onstep'; the callbacks are onStep, onCheckpoint and onEnd/],
      [{ totalSteps: 10, outDir: 'x', callbacks: { onEnd: 1 } }, /options.callbacks.onEnd must be a function/],
      [{ totalSteps: 10, outDir: 'x', signal: true }, /options.signal must be an AbortSignal/],
      [{ totalSteps: 10, outDir: 'x', checkpointevery: 5 }, /unknown option 'checkpointevery'; the options are totalSteps, .*checkpointEvery/],
    ];
    for (const [options, message] of cases) {
      expect(() => resolveTrainOptions(options as TrainOptions), JSON.stringify(options)).toThrow(message);
    }
  });
});
