/**
 * H-JEPA stacking on Moving MNIST: a frozen I-JEPA embeds every frame (level 1), a temporal JEPA
 * level over its per-frame latents predicts the next window's latent (level 2), and linear probes
 * of the motion direction compare raw pixels, level-1 and level-2 features (see stacking-example.ts).
 *
 *   npm start -w apps/stacking-moving-mnist                                  (about 10 minutes on 2 CPU cores)
 *   npm start -w apps/stacking-moving-mnist -- --quick --out runs/quick      (tiny sizes, seconds)
 *
 * Everything here goes through the public APIs of @jepa/core, @jepa/vision, @jepa/video and @jepa/hierarchy.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { QUICK_STACKING_SETTINGS, runStackingExample, STACKING_SETTINGS } from './stacking-example.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: 'runs/stacking-moving-mnist' },
  },
});

await runStackingExample({
  outDir: resolve(values.out!),
  settings: values.quick ? QUICK_STACKING_SETTINGS : STACKING_SETTINGS,
});
