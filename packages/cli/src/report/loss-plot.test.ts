import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { lossPlotSpec, renderLossPlot } from './loss-plot.js';

describe('renderLossPlot', () => {
  it('draws a loss curve as SVG and a PNG of plausible size', async () => {
    const points = Array.from({ length: 50 }, (_, i) => ({ step: (i + 1) * 10, loss: 0.5 * Math.exp(-i / 20) + 0.1 }));
    const { svg, png } = await renderLossPlot(points, { title: 'test run' });
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('test run');
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBeGreaterThan(1000);
    expect(meta.width).toBeLessThan(2000);
    expect(meta.height).toBeGreaterThan(500);
  });

  it('adds a moving average only when there are many points, and drops non-finite losses', () => {
    const few = lossPlotSpec([{ step: 1, loss: 1 }, { step: 2, loss: Number.NaN }]) as { data: { values: unknown[] } };
    expect(few.data.values).toEqual([{ step: 1, loss: 1, series: 'logged loss' }]);
    const many = lossPlotSpec(Array.from({ length: 100 }, (_, i) => ({ step: i, loss: 1 }))) as { data: { values: Array<{ series: string }> } };
    expect(new Set(many.data.values.map((v) => v.series)).size).toBe(2);
  });
});
