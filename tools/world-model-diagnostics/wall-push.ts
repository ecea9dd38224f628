// What does a Two Rooms world model predict when the agent pushes into the wall? For a few hand-made
// layouts, starts pressed against a wall face (or 6 px away) and 15 equal actions into the wall, prints
// the believed x (nearest encoded frame on a 1 px grid) after 1, 2, 3, 5, 10 and 15 steps; the truth
// stays at the wall.
// Usage: npx tsx tools/world-model-diagnostics/wall-push.ts RUN_DIR
import * as tf from '@tensorflow/tfjs';
import { loadRunModel } from './load-run-model.js';
import { encodeGrid, nearestGridIndices } from './position-lookup.js';
import { renderTwoRoomsFrame } from '@jepa/hierarchy';
const run = process.argv[2] ?? 'runs/two-rooms';
const { model, config } = await loadRunModel(run);
const S = config.model.imageSize;
const rows: string[] = [];
for (const [wallX, doorY, y] of [[30, 45, 15], [38, 15, 45], [25, 30, 50], [42, 50, 20]] as const) {
  const L = { wallX, doorY };
  const grid: Array<[number, number]> = []; for (let x = 5; x <= 59; x += 1) for (let yy = y - 6; yy <= y + 6; yy += 1) grid.push([x, yy]);
  const gridLat = encodeGrid(model, L, grid, S);
  for (const [startX, a] of [[wallX - 1.3, 1], [wallX - 1.3, 2.45], [wallX - 6, 1], [wallX + 1.3, -1], [wallX + 1.3, -2.45]] as const) {
    const H = 15;
    const bel = tf.tidy(() => {
      const z0 = model.encode(renderTwoRoomsFrame(L, [startX, y], { imageSize: S }));
      const pred = tf.reshape(model.rollout(z0, tf.tensor3d(Array.from({ length: H * 2 }, (_, i) => (i % 2 === 0 ? a : 0)), [1, H, 2])), [H, -1]);
      return nearestGridIndices(pred as tf.Tensor2D, gridLat);
    });
    rows.push(`wall ${wallX} door ${doorY} y ${y}: start x ${startX.toFixed(1)} action ${a}: believed x after 1,2,3,5,10,15: ${[1, 2, 3, 5, 10, 15].map((k) => grid[bel[k - 1]!]![0]).join(', ')}`);
  }
  gridLat.dispose();
}
console.log(rows.join('\n'));
