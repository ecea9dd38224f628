/** An SVG polyline `points` attribute for `values` in a `width x height` box (y up, min..max scaled). */
export function lossPolyline(values: readonly number[], width: number, height: number, pad = 4): { points: string; min: number; max: number } {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { points: '', min: 0, max: 0 };
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const span = max - min || 1;
  const stepX = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  const points = values
    .map((v, i) => (Number.isFinite(v) ? `${(pad + i * stepX).toFixed(1)},${(height - pad - ((v - min) / span) * (height - 2 * pad)).toFixed(1)}` : ''))
    .filter((p) => p !== '')
    .join(' ');
  return { points, min, max };
}

/** Renders the loss curve into `svg` (replacing its content), with the first, last and smallest values written out. */
export function renderLossChart(svg: SVGSVGElement, values: readonly number[]): void {
  const width = svg.viewBox.baseVal?.width || 480;
  const height = svg.viewBox.baseVal?.height || 160;
  const { points, min, max } = lossPolyline(values, width, height);
  const ns = 'http://www.w3.org/2000/svg';
  svg.replaceChildren();
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', points);
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', '#4363d8');
  line.setAttribute('stroke-width', '1.5');
  svg.append(line);
  const label = (text: string, x: number, y: number, anchor: string) => {
    const t = document.createElementNS(ns, 'text');
    t.setAttribute('x', String(x));
    t.setAttribute('y', String(y));
    t.setAttribute('font-size', '11');
    t.setAttribute('text-anchor', anchor);
    t.setAttribute('fill', '#555');
    t.textContent = text;
    svg.append(t);
  };
  if (values.length > 0) {
    label(max.toFixed(4), 6, 12, 'start');
    label(min.toFixed(4), 6, height - 6, 'start');
    label(`step ${values.length}: ${values[values.length - 1]!.toFixed(4)}`, width - 6, 12, 'end');
  }
}
