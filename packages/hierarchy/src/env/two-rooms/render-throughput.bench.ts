/**
 * Rendering throughput of renderTwoRoomsFrames (frames per second) at 32, 64 and 65 px, batches of
 * 256 frames into one preallocated array, normalised, a layout per 17-frame window.
 * Run: npx tsx --conditions=@jepa/source packages/hierarchy/src/env/two-rooms/render-throughput.bench.ts
 */
import { Rng } from '@jepa/core/random';
import { renderTwoRoomsFrames } from './render-frames.js';

const batchFrames = 17 * 16;
const rng = new Rng(0);
const positions = Float32Array.from({ length: batchFrames * 2 }, () => 5 + 54 * rng.uniform());
const layouts = Int32Array.from({ length: (batchFrames / 17) * 2 }, (_, i) => (i % 2 === 0 ? rng.int(20, 45) : rng.int(10, 55)));

for (const imageSize of [32, 64, 65]) {
  const out = new Float32Array(batchFrames * imageSize * imageSize * 2);
  for (let i = 0; i < 20; i++) renderTwoRoomsFrames({ positions, layouts, imageSize, out }); // warm up
  let frames = 0;
  const start = performance.now();
  while (performance.now() - start < 2000) {
    renderTwoRoomsFrames({ positions, layouts, imageSize, out });
    frames += batchFrames;
  }
  const seconds = (performance.now() - start) / 1000;
  console.log(`${imageSize} px: ${Math.round(frames / seconds).toLocaleString('en-US')} frames/s (${((seconds / frames) * 1e6).toFixed(1)} us/frame)`);
}
