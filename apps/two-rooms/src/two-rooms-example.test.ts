import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TWO_ROOMS_RECIPE } from '@jepa/hierarchy';
import { runTwoRoomsExample, type TwoRoomsRecipe } from './two-rooms-example.js';

const out = mkdtempSync(join(tmpdir(), 'two-rooms-example-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** TWO_ROOMS_RECIPE shrunk to seconds: 16 x 16 frames, a tiny encoder, 2 steps of 2 windows. */
const tiny: TwoRoomsRecipe = {
  dataset: { trajectories: 8, seed: 1 },
  training: {
    ...TWO_ROOMS_RECIPE.training,
    model: { ...TWO_ROOMS_RECIPE.training.model, imageSize: 16, encoder: { stages: [4, 8], latentDim: 8 }, inverseDynamics: { hiddenDim: 8 } },
    optimization: { ...TWO_ROOMS_RECIPE.training.optimization, steps: 2, batchSize: 2, warmupSteps: 0 },
  },
};
const search = { samples: 4, iterations: 1, elites: 2, actionRepeat: 5 };

describe('apps/two-rooms', () => {
  it('trains, plans with CEM, MPPI and both oracles, and the ablation with CEM, and reports each success rate', async () => {
    const lines: string[] = [];
    const report = await runTwoRoomsExample({
      outDir: out,
      episodes: 1,
      ablation: true,
      recipe: tiny,
      planning: {
        horizon: 20,
        replanEvery: 50,
        cost: 'final',
        cem: search,
        mppi: search,
        hierarchical: { stepSkip: 10, levelHorizon: 4, levelSearch: { samples: 8, iterations: 2, elites: 2 }, horizon: 20, search, replanEvery: 50 },
      },
      backend: 'cpu',
      progress: 'none',
      log: (line) => lines.push(line),
    });
    expect(report.rows.map((r) => [r.name, r.model])).toEqual([
      ['CEM', 'world model'],
      ['MPPI', 'world model'],
      ['oracle (CEM)', 'simulator'],
      ['oracle (hierarchical)', 'simulator'],
      ['CEM', 'no inverse dynamics'],
    ]);
    for (const row of report.rows) {
      expect(row.episodes).toBe(1);
      expect(row.successRate).toBe(row.successes);
      expect(row.ci95[0]).toBeLessThanOrEqual(row.successRate);
      expect(row.ci95[1]).toBeGreaterThanOrEqual(row.successRate);
      expect(row.secondsPerEpisode).toBeGreaterThan(0);
      expect(row.plansPerEpisode).toBe(10);
    }
    expect(report.training.map((t) => [t.model, t.steps])).toEqual([['world model', 2], ['no inverse dynamics', 2]]);
    const ablation = JSON.parse(readFileSync(join(out, 'train-no-inverse-dynamics', 'checkpoints', 'step-000002.json'), 'utf8')).meta.state.config;
    expect(ablation.model.inverseDynamics).toBeNull();
    expect(ablation.loss.inverseDynamicsWeight).toBe(0);
    expect(existsSync(join(out, 'train', 'checkpoints', 'step-000002.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).rows).toHaveLength(5);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/\| oracle \(CEM\) \| simulator \| [\d.]+ % \(\d\/1\) \|/);
    expect(lines.some((line) => line.includes('planning 1 episodes: MPPI'))).toBe(true);
  });
});
