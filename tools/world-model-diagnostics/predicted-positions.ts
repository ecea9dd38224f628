// Where does a Two Rooms world model believe the agent is after planning-like actions?
// Usage: npx tsx tools/world-model-diagnostics/predicted-positions.ts RUN_DIR [LAYOUTS=8]   (MAXNORM=2.45)
// For LAYOUTS evaluation layouts, 64 sequences of 3 held segments x 15 steps (random heading, norm up to
// MAXNORM) are rolled out by the model and by the true simulator (evaluation physics, no noise). The
// believed position is the grid position (1.5 px) whose encoded frame is nearest to the predicted latent.
// Prints median and 90th-percentile errors after 15/30/45 steps, and the share of sequences that end
// believed more than 6 px on the wrong side of the wall.
import * as tf from '@tensorflow/tfjs';
import { loadRunModel } from './load-run-model.js';
import { encodeGrid, nearestGridIndices } from './position-lookup.js';
import { Rng } from '@jepa/core';
import { stepWithEvalCollision, TwoRoomsEpisode } from '@jepa/hierarchy';
const run = process.argv[2] ?? 'runs/two-rooms';
const layoutsN = Number(process.argv[3] ?? 8);
const maxNorm = Number(process.env.MAXNORM ?? 2.45);
const { model, config } = await loadRunModel(run);
const S = config.model.imageSize; const rng = new Rng(7);
const errs: Record<number, number[]> = { 15: [], 30: [], 45: [] }; const side: Record<number, number> = { 15: 0, 30: 0, 45: 0 }; let count = 0;
for (let e = 0; e < layoutsN; e++) {
  const ep = new TwoRoomsEpisode({ seed: 0, imageSize: S }).reset(100 + e);
  const L = ep.layout;
  const grid: Array<[number, number]> = []; for (let x = 5; x <= 59; x += 1.5) for (let y = 5; y <= 59; y += 1.5) if (!(Math.abs(x - L.wallX) <= 1.2 && Math.abs(y - L.doorY) > 4)) grid.push([x, y]);
  const gridLat = encodeGrid(model, L, grid, S);
  const N = 64; const H = 45; const acts = new Float32Array(N * H * 2); const truth: Array<Array<[number, number]>> = [];
  for (let n = 0; n < N; n++) {
    let p: readonly [number, number] = ep.start; const tr: Array<[number, number]> = [];
    for (let s = 0; s < 3; s++) { const th = 2 * Math.PI * rng.uniform(); const r = 0.5 + (maxNorm - 0.5) * rng.uniform();
      for (let k = 0; k < 15; k++) { const t = s * 15 + k; acts[(n * H + t) * 2] = r * Math.cos(th); acts[(n * H + t) * 2 + 1] = r * Math.sin(th); p = stepWithEvalCollision(L, p, [r * Math.cos(th), r * Math.sin(th)], { uniform: () => 0 }); tr.push([p[0], p[1]]); } }
    truth.push(tr);
  }
  const believed = tf.tidy(() => {
    const z0 = model.encode(ep.observe());
    const pred = model.rollout(tf.tile(z0, [N, 1, 1]) as tf.Tensor3D, tf.tensor3d(acts, [N, H, 2]));
    const out: number[][] = [];
    for (const t of [15, 30, 45]) { const zt = tf.reshape(tf.slice(pred, [0, t - 1, 0, 0], [N, 1, -1, -1]), [N, -1]);
      out.push(nearestGridIndices(zt as tf.Tensor2D, gridLat)); }
    return out;
  });
  [15, 30, 45].forEach((t, j) => { for (let n = 0; n < N; n++) { const b = grid[believed[j]![n]!]!; const tr = truth[n]![t - 1]!; errs[t]!.push(Math.hypot(b[0] - tr[0], b[1] - tr[1])); if ((b[0] < L.wallX) !== (tr[0] < L.wallX) && Math.abs(b[0] - L.wallX) > 6) side[t]!++; } });
  count += N; gridLat.dispose();
}
const med = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]!; };
const p90 = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length * 0.9)]!; };
console.log(JSON.stringify({ run, maxNorm, ...Object.fromEntries([15, 30, 45].map((t) => [`t${t}`, { median: +med(errs[t]!).toFixed(1), p90: +p90(errs[t]!).toFixed(1), wrongSide: +(side[t]! / count).toFixed(3) }])) }));
