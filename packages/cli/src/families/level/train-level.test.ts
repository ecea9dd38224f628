import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../run-cli.js';
import { captureIo } from '../../test-io.js';

const cwd = mkdtempSync(join(tmpdir(), 'jepa-level-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function jepa(...argv: string[]) {
  const capture = captureIo(cwd);
  const code = await runCli(argv, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}
const readJson = (...path: string[]) => JSON.parse(readFileSync(join(cwd, ...path), 'utf8'));
const QUIET = ['--backend', 'cpu', '--progress', 'none'];
/** A tiny level: 4 updates of 4 windows of 2 macro-steps. */
const LEVEL = ['--steps', '4', '--batch-size', '4', '--rollout-steps', '2', ...QUIET];

describe('jepa train level and jepa plan --planner hierarchical', () => {
  beforeAll(async () => {
    const trained = await jepa('train', 'world-model', '--env', 'four-rooms', '--image-size', '16', '--encoder-stages', '4,8', '--latent-dim', '8', '--trajectories', '6', '--batch-size', '2', '--steps', '2', ...QUIET, '--out', 'runs/wm');
    expect(trained.code, trained.stderr).toBe(0);
    expect(readJson('runs/wm', 'config.json').data).toMatchObject({ env: 'four-rooms', trajectories: 6, file: null });
  });

  it('stacks a level 2 on a Four Rooms world model and a level 3 on it, each recording what it stands on', async () => {
    const level2 = await jepa('train', 'level', '--checkpoint', 'runs/wm', '--step-skip', '5', ...LEVEL, '--out', 'runs/l2');
    expect(level2.code, level2.stderr).toBe(0);
    expect(level2.stderr).toMatch(/encoded 6 trajectories of 91 frames/);
    const config2 = readJson('runs/l2', 'config.json');
    expect(config2).toMatchObject({ kind: 'level', data: { env: 'four-rooms', stepSkip: 5, below: [], worldModel: { checkpoint: '../wm/checkpoints/step-000002.json', step: 2 } } });
    expect(config2.training.model).toMatchObject({ latentDim: 8, actionDim: 2, stepSkip: 5, macroAction: 'mean' });
    const report2 = readJson('runs/l2', 'report.json');
    expect(report2).toMatchObject({ level: 2, training: { steps: 4, rolloutSteps: 2 } });
    expect(Number.isFinite(report2.training.finalLoss)).toBe(true);
    expect(report2.next).toBe('jepa plan --checkpoint runs/l2 --planner hierarchical --episodes 100 --out runs/l2-plan');

    // Level 3: 3 level-2 steps per step, so 15 actions per step, trained on the same world-model latents.
    const level3 = await jepa('train', 'level', '--checkpoint', 'runs/l2', '--step-skip', '3', ...LEVEL, '--out', 'runs/l3');
    expect(level3.code, level3.stderr).toBe(0);
    const config3 = readJson('runs/l3', 'config.json');
    expect(config3.data).toMatchObject({ stepSkip: 3, below: [{ runDir: '../l2', checkpoint: '../l2/checkpoints/step-000004.json' }], worldModel: { runDir: '../wm' } });
    expect(config3.training.model.stepSkip).toBe(15);
    expect(readJson('runs/l3', 'report.json').level).toBe(3);
  });

  it('plans with every level of the stack above the world model, and flat with the world model of a level run', async () => {
    const SEARCH = ['--episodes', '1', '--samples', '6', '--iterations', '2', '--elites', '2', '--replan-every', '40', '--pictures', '1', ...QUIET];
    const LEVEL_SEARCH = ['--level-samples', '12', '--level-iterations', '2'];
    const planned = await jepa('plan', '--checkpoint', 'runs/l3', '--planner', 'hierarchical', ...SEARCH, ...LEVEL_SEARCH, '--out', 'plans/three-levels');
    expect(planned.code, planned.stderr).toBe(0);
    const report = readJson('plans/three-levels', 'plan-report.json');
    expect(report).toMatchObject({ env: 'four-rooms', planner: 'hierarchical', plannerLabel: 'hierarchical-cem-3-levels', episodes: 1 });
    expect(report.plannerOptions).toMatchObject({ search: 'hierarchical', levels: 3, stepSkip: [5, 3], levelSearch: { samples: 12, iterations: 2, elites: 10 }, levelCheckpoint: join(cwd, 'runs/l3/checkpoints/step-000004.json') });
    expect(report.checkpoint.path).toBe(join(cwd, 'runs/wm/checkpoints/step-000002.json'));
    expect(report.results[0].maxSteps).toBeGreaterThan(20);
    expect(report.protocol.budget).toMatch(/2\.8 x/);
    expect(readFileSync(join(cwd, 'plans/three-levels/plan-report.md'), 'utf8')).toContain('# Planning in Four Rooms');
    expect(planned.stderr).toContain('with 2 levels above it');
    expect(planned.stderr).toContain('hierarchical: levels 2, 3 each CEM 12 samples x 2 iterations over up to 10 macro-steps of 5 / 3 steps of the level below');

    const flat = await jepa('plan', '--checkpoint', 'runs/l2', '--planner', 'cem', '--horizon', '20', ...SEARCH, '--out', 'plans/flat');
    expect(flat.code, flat.stderr).toBe(0);
    const misplaced = await jepa('plan', '--checkpoint', 'runs/l2', '--planner', 'cem', ...SEARCH, ...LEVEL_SEARCH, '--out', 'plans/misplaced');
    expect(misplaced.code).toBe(1);
    expect(misplaced.stderr).toContain('--level-samples and --level-iterations set the search above level 1');
    expect(readJson('plans/flat', 'plan-report.json')).toMatchObject({ plannerLabel: 'cem', checkpoint: { path: join(cwd, 'runs/wm/checkpoints/step-000002.json') } });
  });

  it('refuses --planner hierarchical on a world-model run, and a level whose world model moved', async () => {
    const flatRun = await jepa('plan', '--checkpoint', 'runs/wm', '--planner', 'hierarchical', '--episodes', '1', ...QUIET, '--out', 'plans/none');
    expect(flatRun.code).toBe(1);
    expect(flatRun.stderr).toContain('jepa train level --checkpoint runs/wm');
    renameSync(join(cwd, 'runs/wm'), join(cwd, 'runs/wm-moved'));
    try {
      const moved = await jepa('plan', '--checkpoint', 'runs/l2', '--planner', 'hierarchical', '--episodes', '1', ...QUIET, '--out', 'plans/moved');
      expect(moved.code).toBe(1);
      expect(moved.stderr).toContain(`names its world model ${join(cwd, 'runs/wm/checkpoints/step-000002.json')}`);
      expect(moved.stderr).toContain('Keep the runs of a stack where they were trained');
    } finally {
      renameSync(join(cwd, 'runs/wm-moved'), join(cwd, 'runs/wm'));
    }
  });
});
