/**
 * Two Rooms, end to end: generate offline trajectories of eb_jepa's Two Rooms world, train an
 * action-conditioned JEPA world model on them (TWO_ROOMS_RECIPE, the core trainer), then plan
 * evaluation episodes with CEM, MPPI and two oracles (the same CEM search, and the hierarchical
 * planner, through the true simulator), and report each success rate with its 95 % interval and the seconds per episode.
 *
 *   npm start -w apps/two-rooms                                   (training ~20 min, then planning)
 *   npm start -w apps/two-rooms -- --episodes 20 --ablation --out runs/two-rooms
 *   npm start -w apps/two-rooms -- --steps 100 --episodes 5 --out runs/quick
 *
 * --ablation also trains a model without inverse dynamics and plans it with CEM. Running again with
 * the same --out reuses the data and resumes (or skips) training. Everything here goes through the
 * public APIs of @jepa/core and @jepa/hierarchy (see two-rooms-example.ts).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runTwoRoomsExample } from './two-rooms-example.js';

const { values } = parseArgs({
  options: {
    episodes: { type: 'string', default: '100' },
    ablation: { type: 'boolean', default: false },
    steps: { type: 'string' },
    out: { type: 'string' },
  },
});

const positiveInteger = (name: string, text: string) => {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${text}.`);
  return value;
};

await runTwoRoomsExample({
  outDir: resolve(values.out ?? `runs/two-rooms-${Date.now()}`),
  episodes: positiveInteger('episodes', values.episodes!),
  ablation: values.ablation!,
  ...(values.steps !== undefined ? { steps: positiveInteger('steps', values.steps) } : {}),
});
