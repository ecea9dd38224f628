import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TWO_ROOMS_RECIPE } from '@jepa/hierarchy';
import { readTwoRoomsDatasetFile } from '@jepa/hierarchy/node';
import { runCli } from '../../run-cli.js';
import { captureIo } from '../../test-io.js';

const cwd = mkdtempSync(join(tmpdir(), 'jepa-train-world-model-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** A world model of a few thousand weights on 16 x 16 frames: seconds on the cpu backend. */
const TINY = ['--image-size', '16', '--encoder-stages', '4,8', '--latent-dim', '8', '--trajectories', '12', '--batch-size', '2', '--backend', 'cpu', '--progress', 'lines'];

async function jepa(...argv: string[]) {
  const capture = captureIo(cwd);
  const code = await runCli(argv, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

/** Runs the CLI and presses Ctrl-C (aborts its signal) as soon as stderr says `when`. */
async function jepaInterrupted(when: string, ...argv: string[]) {
  const capture = captureIo(cwd);
  const controller = new AbortController();
  const stderr = capture.io.stderr;
  const io = { ...capture.io, stderr: { write: (text: string) => (stderr.write(text), text.includes(when) && controller.abort()) } };
  const code = await runCli(argv, { ...io, signal: controller.signal });
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

type Metrics = Record<string, number>;
const readMetrics = (run: string): Metrics[] => readFileSync(join(cwd, run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Metrics);
/** A metrics line without its timing fields, which differ between runs. */
const withoutTimes = ({ elapsedSeconds: _elapsed, stepsPerSecond: _rate, ...rest }: Metrics) => rest;
const readJson = (...path: string[]) => JSON.parse(readFileSync(join(cwd, ...path), 'utf8'));

describe('jepa train world-model (tiny Two Rooms run)', () => {
  let first: Awaited<ReturnType<typeof jepa>>;
  beforeAll(async () => {
    first = await jepa('train', 'world-model', '--env', 'two-rooms', ...TINY, '--steps', '4', '--checkpoint-every', '1', '--log-every', '1', '--out', 'runs/wm');
  });

  it('writes the run folder: data, config, checkpoints, metrics with each loss part and the collapse diagnostic, loss plot, reports', async () => {
    expect(first.code, first.stderr).toBe(0);
    const run = join(cwd, 'runs', 'wm');
    expect(readdirSync(run).sort()).toEqual(['checkpoints', 'config.json', 'data', 'loss.png', 'loss.svg', 'metrics.jsonl', 'report.json', 'report.md']);
    const dataset = await readTwoRoomsDatasetFile(join(run, 'data', 'two-rooms.safetensors'));
    expect(dataset.trajectories).toBe(12);
    const config = readJson('runs/wm/config.json');
    expect(config).toMatchObject({ kind: 'world-model', data: { env: 'two-rooms', trajectories: 12, file: 'data/two-rooms.safetensors' }, run: { checkpointEvery: 1, diagnosticsEvery: 1 } });
    expect(config.training.model).toMatchObject({ imageSize: 16, encoder: { stages: [4, 8], latentDim: 8 }, predictor: { kind: 'gru' } });
    expect(config.training.model.inverseDynamics).not.toBeNull();
    const metrics = readMetrics('runs/wm');
    expect(metrics.map((m) => m.step)).toEqual([1, 2, 3, 4]);
    for (const field of ['prediction', 'variance', 'covariance', 'temporal', 'inverseDynamics', 'effectiveRank', 'featureStdMean']) expect(Number.isFinite(metrics[3]![field]), field).toBe(true);

    const report = readJson('runs/wm/report.json');
    expect(report.training).toMatchObject({ steps: 4, stepsThisRun: 4, resumedFromStep: null, batchSize: 2, windowLength: config.training.windowLength });
    expect(report.training.finalLoss).toBe(metrics[3]!.loss);
    expect(report.training.secondsPerStep).toBeGreaterThan(0);
    expect(report.training.lossParts.map((p: { name: string }) => p.name)).toEqual(['prediction', 'variance', 'covariance', 'temporal', 'inverseDynamics']);
    expect(report.training.lossParts[0]).toEqual({ name: 'prediction', value: metrics[3]!.prediction, weight: 1 });
    expect(report.collapse).toEqual({ step: 4, featureStdMean: metrics[3]!.featureStdMean, featureStdMin: metrics[3]!.featureStdMin, effectiveRank: metrics[3]!.effectiveRank });
    expect(report.data).toMatchObject({ trajectories: 12, actionsPerTrajectory: dataset.steps });
    expect(Object.keys(report.model.parameters)).toEqual(['encoder', 'predictor', 'inverse_dynamics']);
    expect(report.next).toBe('jepa plan --checkpoint runs/wm --planner cem --episodes 100 --out runs/wm-plan');
    expect(readFileSync(join(run, 'report.md'), 'utf8')).toMatch(new RegExp(`\\| inverseDynamics \\| [\\d.]+ \\| ${TWO_ROOMS_RECIPE.training.loss.inverseDynamicsWeight} \\|`)); // value and the recipe's weight
    expect(first.stdout).toContain('next: jepa plan --checkpoint runs/wm');
    expect(first.stdout).toMatch(/collapse diagnostic: effective rank [\d.]+ of 8/);
  });

  it('stopped by Ctrl-C and resumed, repeats an uninterrupted run exactly, then lengthens it with --steps', async () => {
    const stopped = await jepaInterrupted('step 2/4', 'train', 'world-model', ...TINY, '--steps', '4', '--checkpoint-every', '1', '--log-every', '1', '--out', 'runs/resumed');
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('continue with: jepa train world-model --out');
    expect(readMetrics('runs/resumed').length).toBeLessThan(4);
    const resumed = await jepa('train', 'world-model', '--out', 'runs/resumed', '--resume', '--backend', 'cpu', '--progress', 'none');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('read from');
    expect(readMetrics('runs/resumed').map(withoutTimes)).toEqual(readMetrics('runs/wm').map(withoutTimes));

    const longer = await jepa('train', 'world-model', '--out', 'runs/resumed', '--resume', '--steps', '5', '--backend', 'cpu', '--progress', 'none');
    expect(longer.code, longer.stderr).toBe(0);
    expect(readMetrics('runs/resumed').map((m) => m.step)).toEqual([1, 2, 3, 4, 5]);
    expect(readJson('runs/resumed/report.json').training).toMatchObject({ steps: 5, stepsThisRun: 1, resumedFromStep: 4 });
    expect(readJson('runs/resumed/config.json').training.optimization.steps).toBe(5);
  });

  it('refuses a resume that changes the learning rate or the model, naming each setting, and a new run in a run folder', async () => {
    const before = readFileSync(join(cwd, 'runs/wm/metrics.jsonl'), 'utf8');
    const changed = await jepa('train', 'world-model', '--out', 'runs/wm', '--resume', '--steps', '6', '--lr', '0.01', '--latent-dim', '16', '--no-inverse-dynamics', '--backend', 'cpu');
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('--resume: these settings differ from');
    expect(changed.stderr).toContain('training.optimization.lr: 0.001 -> 0.01');
    expect(changed.stderr).toContain('training.model.encoder.latentDim: 8 -> 16');
    expect(changed.stderr).toContain('training.model.inverseDynamics');
    expect(changed.stderr).toContain('training.loss.inverseDynamicsWeight');
    expect(changed.stderr).not.toContain('training.optimization.steps');
    expect(readFileSync(join(cwd, 'runs/wm/metrics.jsonl'), 'utf8')).toBe(before);
    const clash = await jepa('train', 'world-model', ...TINY, '--steps', '1', '--out', 'runs/wm');
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('already holds a run');
  });

  it('trains the ablation without inverse dynamics, with the block-causal predictor', async () => {
    const ablation = await jepa('train', 'world-model', ...TINY, '--steps', '1', '--predictor', 'block-causal', '--no-inverse-dynamics', '--out', 'runs/ablation');
    expect(ablation.code, ablation.stderr).toBe(0);
    const config = readJson('runs/ablation/config.json');
    expect(config.training.model.inverseDynamics).toBeNull();
    expect(config.training.model.predictor).toEqual({ kind: 'block-causal' });
    expect(config.training.loss.inverseDynamicsWeight).toBe(0);
    const report = readJson('runs/ablation/report.json');
    expect(report.training.lossParts.map((p: { name: string }) => p.name)).not.toContain('inverseDynamics');
    expect(Object.keys(report.model.parameters)).toEqual(['encoder', 'predictor']);
    const inspected = await jepa('inspect', 'runs/ablation');
    expect(inspected.code, inspected.stderr).toBe(0);
    expect(inspected.stdout).toContain('world-model run checkpoint of `jepa train world-model` (step 1) (encoder, predictor; AdamW moments under optimizer.)');
    expect(inspected.stdout).toMatch(/model {5}frame encoder: 2 stride-2 stages \[4, 8\] on 16 x 16 x 2 frames .*block-causal transformer predictor .*; no inverse dynamics/);
    expect(inspected.stdout).toMatch(/\npredictor +\d+ +[\d,]+\n/);
  });

  it('says which flag to change when the frames do not fit the encoder, before writing a run', async () => {
    const small = await jepa('train', 'world-model', ...TINY, '--image-size', '8', '--out', 'runs/small');
    expect(small.code).toBe(1);
    expect(small.stderr).toContain('--image-size: imageSize must be an integer in 16..1024');
    const odd = await jepa('train', 'world-model', ...TINY, '--image-size', '20', '--encoder-stages', '4,8,8', '--out', 'runs/odd');
    expect(odd.code).toBe(1);
    expect(odd.stderr).toMatch(/Cannot build this world model: .*imageSize 20 must be a multiple of 8/);
    expect(existsSync(join(cwd, 'runs/odd/config.json'))).toBe(false);
    const list = await jepa('train', 'world-model', '--encoder-stages', '4,x');
    expect(list.code).not.toBe(0);
    expect(list.stderr).toContain('comma-separated list of integers');
  });

  it('says that probes, embeddings and pictures of predictions do not apply to a world-model run', async () => {
    const probe = await jepa('eval', 'probe', '--checkpoint', 'runs/wm');
    expect(probe.code).toBe(1);
    expect(probe.stderr).toContain('error: --checkpoint runs/wm: is a world model run (`jepa train world-model`), which `jepa eval probe` does not take');
    expect(probe.stderr).toContain('evaluate it by planning with `jepa plan --checkpoint runs/wm`');
    mkdirSync(join(cwd, 'images'), { recursive: true });
    const embed = await jepa('embed', '--checkpoint', 'runs/wm', '--input', 'images', '--out', 'features.safetensors');
    expect(embed.code).toBe(1);
    expect(embed.stderr).toContain('which `jepa embed` does not take');
    expect(embed.stderr).toContain('jepa plan --checkpoint runs/wm');
    const visualize = await jepa('visualize', '--checkpoint', 'runs/wm', '--out', 'wm.png');
    expect(visualize.code).toBe(1);
    expect(visualize.stderr).toContain('error: --checkpoint runs/wm: is a world model run (`jepa train world-model`), which `jepa visualize` does not take');
    expect(visualize.stderr).toContain('jepa plan --checkpoint runs/wm');
    expect(existsSync(join(cwd, 'wm.png'))).toBe(false);
  });
});
