import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import type * as vegaLite from 'vega-lite';

/** One point of the loss curve. */
export interface LossPoint {
  readonly step: number;
  readonly loss: number;
}

/** Options of {@link renderLossPlot}. */
export interface LossPlotOptions {
  readonly title?: string;
  /** Plot area in CSS pixels (default 640 x 320); the PNG is drawn at `scale` times that. */
  readonly width?: number;
  readonly height?: number;
  /** PNG pixels per SVG pixel (default 2). */
  readonly scale?: number;
}

/** Centred moving average over `window` points (shorter at the ends). */
function movingAverage(values: readonly number[], window: number): number[] {
  const half = Math.floor(window / 2);
  return values.map((_, i) => {
    const from = Math.max(0, i - half);
    const to = Math.min(values.length, i + half + 1);
    let sum = 0;
    for (let j = from; j < to; j++) sum += values[j]!;
    return sum / (to - from);
  });
}

/** The Vega-Lite spec of a loss curve: the logged losses, and their moving average when there are many. */
export function lossPlotSpec(points: readonly LossPoint[], options: LossPlotOptions = {}): vegaLite.TopLevelSpec {
  const finite = points.filter((p) => Number.isFinite(p.loss));
  const window = Math.max(1, Math.round(finite.length / 20));
  const smooth = movingAverage(finite.map((p) => p.loss), window);
  const values = finite.flatMap((p, i) => [
    { step: p.step, loss: p.loss, series: 'logged loss' },
    ...(window > 1 ? [{ step: p.step, loss: smooth[i], series: `moving average (${window} points)` }] : []),
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? 'Training loss',
    width: options.width ?? 640,
    height: options.height ?? 320,
    background: 'white',
    data: { values },
    mark: { type: 'line', point: finite.length <= 30, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step', scale: { nice: false } },
      y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'top-right', labelLimit: 400, fillColor: 'white', padding: 4 } },
    },
  };
}

/** Renders the loss curve to an SVG document and a PNG image of it. */
export async function renderLossPlot(points: readonly LossPoint[], options: LossPlotOptions = {}): Promise<{ svg: string; png: Buffer }> {
  // Loaded when a plot is drawn, not when the CLI loads: vega is ESM-only with top-level await, so a
  // static import would make `require('@jepa/cli')` throw ERR_REQUIRE_ASYNC_MODULE (an `import()`
  // works from the CommonJS build too).
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile(lossPlotSpec(points, options)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const png = await sharp(Buffer.from(svg), { density: 72 * (options.scale ?? 2) }).png().toBuffer();
    return { svg, png };
  } finally {
    view.finalize();
  }
}

/** Writes `<base>.svg` and `<base>.png`; returns their paths. */
export async function writeLossPlot(points: readonly LossPoint[], base: string, options: LossPlotOptions = {}): Promise<{ svgPath: string; pngPath: string }> {
  const { svg, png } = await renderLossPlot(points, options);
  const svgPath = `${base}.svg`;
  const pngPath = `${base}.png`;
  await writeFile(svgPath, svg);
  await writeFile(pngPath, png);
  return { svgPath, pngPath };
}
