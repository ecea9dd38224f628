import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QUICK_STACKING_SETTINGS, runStackingExample, type StackingReport } from './stacking-example.js';

const out = mkdtempSync(join(tmpdir(), 'stacking-example-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('apps/stacking-moving-mnist', () => {
  it('trains both levels in quick mode and probes motion direction on pixels, level-1 and level-2 features', async () => {
    const lines: string[] = [];
    const report = await runStackingExample({ outDir: out, settings: QUICK_STACKING_SETTINGS, backend: 'cpu', progress: 'none', log: (line) => lines.push(line) });
    expect(report.rows.map((r) => r.level)).toEqual(['pixels', 'level 1', 'level 1', 'level 1', 'level 2', 'level 2', 'level 2']);
    const { numFrames, frameSize } = QUICK_STACKING_SETTINGS.data;
    const windows = numFrames / QUICK_STACKING_SETTINGS.level2.model.stepSkip;
    const d1 = QUICK_STACKING_SETTINGS.level1.encoder.embedDim;
    const d2 = QUICK_STACKING_SETTINGS.level2.model.embedDim!;
    // Level 2 reads every frame's tokens in quick mode: (32 / 8)^2 = 16 tokens of d1.
    expect(report.rows.map((r) => r.dim)).toEqual([numFrames * frameSize * frameSize, d1, numFrames * d1, 16 * d1, d2, windows * d2, d2]);
    for (const row of report.rows) {
      expect(row.lowShot.accuracies).toHaveLength(QUICK_STACKING_SETTINGS.probe.draws);
      for (const accuracy of [row.lowShot.mean, row.full!.accuracy]) {
        expect(accuracy).toBeGreaterThanOrEqual(0);
        expect(accuracy).toBeLessThanOrEqual(1);
      }
    }
    expect(report.level1.steps).toBe(QUICK_STACKING_SETTINGS.level1.steps);
    expect(report.level1.firstLoss).toBeGreaterThan(0);
    expect(report.level2.steps).toBe(QUICK_STACKING_SETTINGS.level2.steps);
    expect(Number.isFinite(report.level2.finalLoss)).toBe(true);
    expect(report.directionClasses).toHaveLength(8);
    const written = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as StackingReport;
    expect(written.format).toBe('stacking-moving-mnist-report');
    expect(written.rows).toHaveLength(7);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/\| level 2 \| temporal level, mean over windows \| 8 \| [\d.]+ % ± [\d.]+ % \| [\d.]+ % \|/);
    expect(existsSync(join(out, 'level1', 'metrics.jsonl'))).toBe(true);
    expect(lines.some((line) => line.startsWith('level 2 (temporal JEPA'))).toBe(true);
  });
});
