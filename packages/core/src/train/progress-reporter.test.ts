import { describe, expect, it } from 'vitest';
import { formatProgressLine } from './progress-format.js';
import { createProgressReporter } from './progress-reporter.js';

function capture(isTTY?: boolean) {
  const chunks: string[] = [];
  return { stream: { isTTY, write: (t: string) => chunks.push(t) }, text: () => chunks.join('') };
}

const record = { step: 25, epoch: 1, loss: 0.123456789, lr: 0.00015, gradNorm: 2.5, elapsedSeconds: 75, stepsPerSecond: 0.5 };

describe('progress', () => {
  it('auto picks lines off a terminal and a bar on one; none writes nothing', () => {
    expect(createProgressReporter('auto', capture(false).stream).mode).toBe('lines');
    expect(createProgressReporter('auto', capture(undefined).stream).mode).toBe('lines');
    expect(createProgressReporter('auto', capture(true).stream).mode).toBe('bar');
    const none = capture(true);
    const silent = createProgressReporter('none', none.stream);
    silent.start(0, 10);
    silent.step(record, true);
    silent.message('hello');
    silent.stop();
    expect(none.text()).toBe('');
  });

  it('lines mode writes logged steps and messages only', () => {
    const out = capture();
    const reporter = createProgressReporter('lines', out.stream);
    reporter.start(0, 100);
    reporter.step({ ...record, step: 24 }, false);
    reporter.step(record, true);
    reporter.message('checkpoint step-000025 saved');
    reporter.stop();
    expect(out.text()).toBe(`${formatProgressLine(record, 100)}\n[train] checkpoint step-000025 saved\n`);
  });

  it('bar mode draws a cli-progress bar, shows messages beside it, and ends with a newline', () => {
    const out = capture(true);
    const reporter = createProgressReporter('bar', out.stream);
    reporter.message('before start');
    reporter.start(20, 100);
    reporter.step(record, false);
    reporter.message('checkpoint saved');
    reporter.stop();
    reporter.stop();
    reporter.message('after');
    const text = out.text();
    expect(text.startsWith('[train] before start\n')).toBe(true);
    expect(text).toMatch(/train \|█+░+\| 25% \| step 25\/100 \| loss 0\.12346 \| 0\.5 steps\/s .*\| checkpoint saved/);
    expect(text.endsWith('\n[train] after\n')).toBe(true);
  });
});
