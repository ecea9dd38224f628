import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTrainCheckpoint } from '@jepa/core/node';
import { runCli } from '../../run-cli.js';
import { captureIo } from '../../test-io.js';

const cwd = mkdtempSync(join(tmpdir(), 'jepa-plan-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function jepa(...argv: string[]) {
  return jepaUntil(undefined, ...argv);
}

/** Runs the CLI; with `when`, presses Ctrl-C (aborts its signal) as soon as stderr says it. */
async function jepaUntil(when: string | undefined, ...argv: string[]) {
  const capture = captureIo(cwd);
  const controller = new AbortController();
  const stderr = capture.io.stderr;
  const io = { ...capture.io, stderr: { write: (text: string) => (stderr.write(text), when !== undefined && text.includes(when) && controller.abort()) } };
  const code = await runCli(argv, { ...io, signal: controller.signal });
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

const readJson = (...path: string[]) => JSON.parse(readFileSync(join(cwd, ...path), 'utf8'));

/** A tiny search: 200 actions, 20 per plan (the horizon caps --replan-every), 2 iterations of 6 samples each. */
const PLAN = ['--episodes', '2', '--horizon', '20', '--replan-every', '50', '--samples', '6', '--iterations', '2', '--elites', '2', '--action-repeat', '5', '--pictures', '2', '--backend', 'cpu', '--progress', 'lines'];

/** The report folder's files and the report, checked for what every plan report holds. */
function checkReport(dir: string, planner: string) {
  const files = readdirSync(join(cwd, dir)).sort();
  const report = readJson(dir, 'plan-report.json');
  expect(files).toEqual(['episode-000.png', 'episode-001.png', report.pictures.gif, 'plan-report.json', 'plan-report.md'].sort());
  expect(report.pictures).toEqual({ png: ['episode-000.png', 'episode-001.png'], gif: expect.stringMatching(/^episode-00[01]\.gif$/), gifEpisode: expect.any(Number) });
  expect(report).toMatchObject({ format: 'jepa-plan-report', env: 'two-rooms', planner, episodes: 2, requestedEpisodes: 2, stoppedEarly: false });
  expect(report.successRate).toBe(report.successes / 2);
  expect(report.ci95[0]).toBeLessThanOrEqual(report.successRate);
  expect(report.ci95[1]).toBeGreaterThanOrEqual(report.successRate);
  expect(report.secondsPerEpisode).toBeGreaterThan(0);
  // 10 plans of 2 iterations, plus the returned mean scored once: 3 rollouts and 2 x 6 x 20 + 20 predicted steps each.
  expect(report).toMatchObject({ plansPerEpisode: 10, rolloutCallsPerEpisode: 30, predictedStepsPerEpisode: 10 * (2 * 6 * 20 + 20) });
  expect(report.plannerOptions).toMatchObject({ search: 'cem', horizon: 20, replanEvery: 50, samples: 6, iterations: 2, elites: 2, actionRepeat: 5 });
  expect(report.protocol).toMatchObject({ seed: 0, budget: '200 actions', successDistance: 4.5 });
  expect(report.checkpoint).toMatchObject({ step: 3, runDir: join(cwd, 'runs/wm') });
  expect(report.results.map((r: { index: number }) => r.index)).toEqual([0, 1]);
  for (const result of report.results) {
    expect(result).not.toHaveProperty('path');
    expect(result).toMatchObject({ plans: 10, maxSteps: 200, success: result.finalDistance < 4.5, layoutText: `wall x ${result.layout.wallX}, door y ${result.layout.doorY}` });
  }
  const markdown = readFileSync(join(cwd, dir, 'plan-report.md'), 'utf8');
  expect(markdown).toContain('| planner | episodes | success rate | 95 % interval |');
  expect(markdown).toContain('![episode-000.png](episode-000.png)');
  expect(markdown).toContain(`![${report.pictures.gif}](${report.pictures.gif})`);
  return report;
}

describe('jepa plan', () => {
  beforeAll(async () => {
    const trained = await jepa('train', 'world-model', '--image-size', '16', '--encoder-stages', '4,8', '--latent-dim', '8', '--trajectories', '8', '--batch-size', '2', '--steps', '3', '--backend', 'cpu', '--progress', 'none', '--out', 'runs/wm');
    expect(trained.code, trained.stderr).toBe(0);
  });

  it('plans with the oracle (the search through the true simulator) and writes both reports and the pictures', async () => {
    const oracle = await jepa('plan', '--checkpoint', 'runs/wm', '--planner', 'oracle', ...PLAN, '--cost', 'sum', '--out', 'plans/oracle');
    expect(oracle.code, oracle.stderr).toBe(0);
    const report = checkReport('plans/oracle', 'oracle');
    expect(report.plannerOptions.cost).toBe('sum');
    expect(report.plannerLabel).toBe('cem (oracle)');
    expect(report.protocol.imageSize).toBeNull();
    expect(oracle.stderr.match(/^planning \(oracle, cem\) \d\/2 episodes .*success \d\/\d/gm)).toHaveLength(2);
    expect(oracle.stdout).toMatch(/cem \(oracle\): \d\/2 episodes reached the goal/);
    const sharp = (await import('sharp')).default;
    expect(await sharp(join(cwd, 'plans/oracle/episode-000.png')).metadata()).toMatchObject({ format: 'png', width: 260, height: 260 });
    const gif = await sharp(join(cwd, 'plans/oracle', report.pictures.gif), { animated: true }).metadata();
    expect(gif.format).toBe('gif');
    expect(gif.pages).toBeGreaterThan(10);
  });

  it('plans with the oracle scored by the run\'s encoder (--oracle-cost encoder) and says so in both reports', async () => {
    const scored = await jepa('plan', '--checkpoint', 'runs/wm', '--planner', 'oracle', '--oracle-cost', 'encoder', ...PLAN, '--out', 'plans/encoder-oracle');
    expect(scored.code, scored.stderr).toBe(0);
    const report = checkReport('plans/encoder-oracle', 'oracle');
    expect(report.plannerLabel).toBe('cem (oracle, encoder cost)');
    expect(report.plannerOptions).toMatchObject({ oracleCost: 'encoder', cost: 'final' });
    expect(report.protocol.imageSize).toBe(16);
    expect(scored.stderr).toContain(`oracle: planning through the true simulator, scored by the encoder of ${join(cwd, 'runs/wm/checkpoints/step-000003.json')} (step 3)`);
    expect(readFileSync(join(cwd, 'plans/encoder-oracle/plan-report.md'), 'utf8')).toContain('scored by the encoder of');
  });

  it('plans hierarchically through the true simulator (--oracle-planner hierarchical) and refuses costs it does not use', async () => {
    const run = await jepa('plan', '--checkpoint', 'runs/wm', '--planner', 'oracle', '--oracle-planner', 'hierarchical', '--episodes', '1', '--samples', '6', '--iterations', '2', '--elites', '2', '--replan-every', '50', '--pictures', '0', '--backend', 'cpu', '--progress', 'lines', '--out', 'plans/hierarchical');
    expect(run.code, run.stderr).toBe(0);
    const report = readJson('plans/hierarchical', 'plan-report.json');
    expect(report).toMatchObject({ planner: 'oracle', plannerLabel: 'hierarchical-cem-2-levels (oracle)', episodes: 1 });
    expect(report.plannerOptions).toMatchObject({ search: 'hierarchical', levels: 2, stepSkip: 15, levelHorizon: 10, horizon: 15, samples: 6, iterations: 2, replanEvery: 50 });
    // 200 actions, 15 per plan: 14 plans, each with a level-2 and a level-1 search.
    expect(report.plansPerEpisode).toBe(14);
    expect(run.stderr).toContain('hierarchical: level 2 CEM 400 samples x 20 iterations over up to 10 macro-steps of 15 steps of the level below, level 1 CEM 6 x 2 over 15 actions toward its subgoal');
    const encoder = await jepa('plan', '--checkpoint', 'runs/wm', '--planner', 'oracle', '--oracle-planner', 'hierarchical', '--oracle-cost', 'encoder', '--out', 'plans/bad-h');
    expect(encoder.code).toBe(1);
    expect(encoder.stderr).toContain('does not take --oracle-cost encoder');
    const notOracle = await jepa('plan', '--checkpoint', 'runs/wm', '--planner', 'cem', '--oracle-planner', 'hierarchical', '--out', 'plans/bad-o');
    expect(notOracle.code).toBe(1);
    expect(notOracle.stderr).toContain('--oracle-planner hierarchical sets how the oracle plans; it needs --planner oracle (got --planner cem)');
  });

  it('plans with CEM over the world model loaded strictly from the checkpoint, and refuses to overwrite a report', async () => {
    const cem = await jepa('plan', '--checkpoint', 'runs/wm', '--planner', 'cem', ...PLAN, '--out', 'plans/cem');
    expect(cem.code, cem.stderr).toBe(0);
    const report = checkReport('plans/cem', 'cem');
    expect(report.plannerLabel).toBe('cem');
    expect(report.plannerOptions.cost).toBe('final'); // the recipe's default
    expect(report.protocol.imageSize).toBe(16);
    expect(report.checkpoint.path).toBe(join(cwd, 'runs/wm/checkpoints/step-000003.json'));
    const again = await jepa('plan', '--checkpoint', 'runs/wm', ...PLAN, '--out', 'plans/cem');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds a plan report (plan-report.json). Choose another --out, or pass --force');
    const tooFew = await jepa('plan', '--checkpoint', 'runs/wm', '--samples', '3', '--elites', '4', '--out', 'plans/bad', '--backend', 'cpu');
    expect(tooFew.code).toBe(1);
    expect(tooFew.stderr).toMatch(/elites .* On the command line: --samples, --iterations, --elites, --action-repeat/);
  });

  it('refuses a checkpoint whose weights do not fit the model its meta records, listing the keys, and writes nothing', async () => {
    cpSync(join(cwd, 'runs/wm'), join(cwd, 'runs/mismatch'), { recursive: true });
    const manifest = join(cwd, 'runs/mismatch/checkpoints/step-000003.json');
    const json = JSON.parse(readFileSync(manifest, 'utf8'));
    json.meta.state.config.model.encoder.latentDim = 16;
    writeFileSync(manifest, JSON.stringify(json));
    // Edited alone, the manifest disagrees with the run's config.json.
    const edited = await jepa('plan', '--checkpoint', 'runs/mismatch', ...PLAN, '--out', 'plans/mismatch');
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('config.json records training.model.encoder.latentDim 8');
    // Edited everywhere, the strict load still refuses weights that do not fit.
    for (const file of ['config.json', 'report.json']) {
      const path = join(cwd, 'runs/mismatch', file);
      const record = JSON.parse(readFileSync(path, 'utf8'));
      (file === 'config.json' ? record.training.model : record.model).encoder.latentDim = 16;
      writeFileSync(path, JSON.stringify(record));
    }
    const mismatch = await jepa('plan', '--checkpoint', 'runs/mismatch', ...PLAN, '--out', 'plans/mismatch');
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain('does not match the model; nothing was loaded');
    expect(mismatch.stderr).toContain('encoder.head.weight: model [16, 128], file [8, 128]');
    expect(existsSync(join(cwd, 'plans/mismatch'))).toBe(false);
  });

  it('stops after the current episode on Ctrl-C and reports the episodes done', async () => {
    const stopped = await jepaUntil('1/3 episodes', 'plan', '--checkpoint', 'runs/wm', '--planner', 'mppi', ...PLAN, '--episodes', '3', '--out', 'plans/stopped');
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('stopped after 1 of 3 episodes');
    const report = readJson('plans/stopped', 'plan-report.json');
    expect(report).toMatchObject({ planner: 'mppi', plannerLabel: 'mppi', episodes: 1, requestedEpisodes: 3, stoppedEarly: true });
    expect(report.plannerOptions).toMatchObject({ search: 'mppi', name: 'mppi', samples: 6 });
    expect(readFileSync(join(cwd, 'plans/stopped/plan-report.md'), 'utf8')).toContain('Stopped early: 1 of 3 episodes.');
  });

  it('says that an I-JEPA run cannot plan', async () => {
    await writeTrainCheckpoint(join(cwd, 'runs/image/checkpoints'), { tensors: { x: { dtype: 'F32', shape: [1], data: new Float32Array(1) } }, meta: { kind: 'ijepa' } }, { step: 1, epoch: 0, totalSteps: 1, loss: 1, elapsedSeconds: 0, reason: 'final' });
    const image = await jepa('plan', '--checkpoint', 'runs/image', '--out', 'plans/image');
    expect(image.code).toBe(1);
    expect(image.stderr).toContain('error: --checkpoint runs/image: is an I-JEPA run (`jepa train ijepa`), which `jepa plan` does not take (it plans with world models and their levels, written by `jepa train world-model` or `jepa train level`)');
  });

  it('lists the plan command and its options in the help', async () => {
    const help = await jepa('--help');
    expect(help.stdout).toMatch(/plan \[options\]\s+plan episodes with a trained world model/);
    const plan = await jepa('plan', '--help');
    for (const flag of ['--checkpoint', '--planner', '--oracle-planner', '--oracle-cost', '--episodes', '--seed', '--horizon', '--replan-every', '--samples', '--iterations', '--elites', '--action-repeat', '--cost', '--pictures', '--out', '--force', '--backend', '--progress']) {
      expect(plan.stdout).toContain(flag);
    }
    expect(plan.stdout).toContain('TWO_ROOMS_PLANNING');
  });
});
