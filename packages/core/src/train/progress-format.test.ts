import { describe, expect, it } from 'vitest';
import { formatDuration, formatNumber, formatProgressLine } from './progress-format.js';

const record = { step: 25, epoch: 1, loss: 0.123456789, lr: 0.00015, gradNorm: 2.5, elapsedSeconds: 75, stepsPerSecond: 0.5 };

describe('progress format', () => {
  it('formats numbers, durations and a progress line for humans', () => {
    expect([formatNumber(3), formatNumber(0.00015), formatNumber(2.345678), formatNumber(1234567.8), formatNumber(Number.NaN)]).toEqual([
      '3',
      '1.500e-4',
      '2.346',
      '1.235e+6',
      'NaN',
    ]);
    expect([formatDuration(4.25), formatDuration(42.4), formatDuration(192), formatDuration(7500), formatDuration(Infinity)]).toEqual([
      '4.3s',
      '42s',
      '3m12s',
      '2h05m',
      '?',
    ]);
    expect(formatProgressLine(record, 100)).toBe(
      'step 25/100 (25%) epoch 1 | loss 0.1234568 | lr 1.500e-4 gradNorm 2.5 | 0.5 steps/s | elapsed 1m15s | eta 2m30s',
    );
  });
});
