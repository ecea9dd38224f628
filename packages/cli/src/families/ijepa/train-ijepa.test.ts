import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IJepaRunConfig as RunConfig } from './ijepa-run-settings.js';
import type { RunReport } from './ijepa-run-report.js';
import { runCli } from '../../run-cli.js';
import { captureIo } from '../../test-io.js';

const cwd = mkdtempSync(join(tmpdir(), 'jepa-train-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const TINY = [
  '--embed-dim', '16', '--depth', '1', '--num-heads', '2', '--predictor-embed-dim', '16', '--predictor-depth', '1',
  '--batch-size', '8', '--train-limit', '200', '--eval-limit', '100', '--backend', 'wasm',
];

async function jepa(...argv: string[]) {
  const capture = captureIo(cwd);
  const started = performance.now();
  const code = await runCli(argv, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr(), seconds: (performance.now() - started) / 1000 };
}

const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;
const readMetrics = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { step: number; loss: number });

describe('jepa train ijepa (tiny MNIST run)', () => {
  const run = join(cwd, 'runs', 'tiny');
  let first: Awaited<ReturnType<typeof jepa>>;

  beforeAll(async () => {
    first = await jepa('train', 'ijepa', ...TINY, '--steps', '3', '--out', 'runs/tiny', '--progress', 'lines');
    console.info(`tiny train + eval: ${first.seconds.toFixed(1)} s`);
  });

  it('exits 0 and writes every file of the run folder', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(readdirSync(run).sort()).toEqual(['checkpoints', 'config.json', 'loss.png', 'loss.svg', 'metrics.jsonl', 'predictions.png', 'report.json', 'report.md']);
    expect(readdirSync(join(run, 'checkpoints'))).toContain('step-000003.json');
  });

  it('records the resolved config, backend and versions', () => {
    const config = readJson<RunConfig>(join(run, 'config.json'));
    expect(config.training.model).toEqual({ imageSize: 28, patchSize: 7, inChannels: 1, patchEmbedInitStd: 1 / 7, encoder: { embedDim: 16, depth: 1, numHeads: 2 }, predictor: { embedDim: 16, depth: 1, numHeads: 2 } });
    expect(config.training.optimization).toMatchObject({ steps: 3, batchSize: 8, lr: 5e-4 });
    expect(config.data).toMatchObject({ dataset: 'mnist', trainLimit: 200, evalLimit: 100 });
    expect(config.backend?.backend).toBe('wasm');
    expect(config.versions?.['@tensorflow/tfjs']).toMatch(/^\d+\.\d+/);
    expect(config.command).toContain('jepa train ijepa');
  });

  it('logs every step to metrics.jsonl and prints progress', () => {
    const metrics = readMetrics(run);
    expect(metrics.map((m) => m.step)).toEqual([1, 2, 3]);
    for (const m of metrics) expect(m.loss).toBeGreaterThan(0);
    expect(first.stderr).toMatch(/step 3\/3 \(100%\)/);
  });

  it('plots the loss as SVG and a real PNG', async () => {
    expect(readFileSync(join(run, 'loss.svg'), 'utf8')).toMatch(/^<svg/);
    const png = await sharp(readFileSync(join(run, 'loss.png'))).metadata();
    expect(png.format).toBe('png');
    expect(png.width).toBeGreaterThan(600);
    expect(png.width).toBeLessThan(3000);
    expect(png.height).toBeGreaterThan(300);
  });

  it('reports probe accuracies of the encoder and both baselines, timings and collapse diagnostics', () => {
    const report = readJson<RunReport>(join(run, 'report.json'));
    expect(report.training).toMatchObject({ steps: 3, stepsThisRun: 3, resumedFromStep: null, batchSize: 8 });
    expect(report.training.finalLoss).toBeCloseTo(readMetrics(run)[2]!.loss, 10);
    expect(report.training.wallSeconds).toBeGreaterThan(0);
    expect(report.backend.backend).toBe('wasm');
    expect(report.data).toMatchObject({ kind: 'mnist', trainImages: 200, heldOutImages: 100 });
    const rows = report.evaluation!.rows;
    expect(rows.map((r) => r.name)).toEqual(['ijepa', 'random-encoder', 'pixels']);
    for (const row of rows) {
      for (const accuracy of [row.lowShot.mean, row.full!.accuracy, ...row.lowShot.accuracies]) {
        expect(accuracy).toBeGreaterThanOrEqual(0);
        expect(accuracy).toBeLessThanOrEqual(1);
      }
      expect(row.lowShot.accuracies).toHaveLength(5);
    }
    expect(rows[2]!.full!.accuracy).toBeGreaterThan(0.3); // pixels read MNIST well even from 200 images
    expect(report.evaluation!.wallSeconds).toBeGreaterThan(0);
    expect(report.collapse!.effectiveRank).toBeGreaterThanOrEqual(1);
    expect(report.collapse!.effectiveRank).toBeLessThanOrEqual(16);
    expect(report.collapse!.featureStdMean).toBeGreaterThan(0);
    const markdown = readFileSync(join(run, 'report.md'), 'utf8');
    expect(markdown).toContain('![training loss](loss.png)');
    expect(markdown).toContain('| random-weight encoder | 16 |');
  });

  it('prints a summary table', () => {
    expect(first.stdout).toMatch(/I-JEPA target encoder\s+16\s+\d+\.\d % ± \d+\.\d\s+\d+\.\d %/);
    expect(first.stdout).toContain('raw pixels');
    expect(first.stdout).toContain('final loss');
  });

  it('refuses to start a second run in the same folder', async () => {
    const again = await jepa('train', 'ijepa', ...TINY, '--steps', '3', '--out', 'runs/tiny');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds a run. Pass --resume to continue it');
  });

  it('--resume continues from the newest checkpoint, and refuses changed settings', async () => {
    const changed = await jepa('train', 'ijepa', ...TINY, '--depth', '2', '--steps', '5', '--out', 'runs/tiny', '--resume');
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('training.model.encoder.depth: 1 -> 2');
    const lr = await jepa('train', 'ijepa', ...TINY, '--lr', '0.002', '--steps', '5', '--out', 'runs/tiny', '--resume');
    expect(lr.code).toBe(1);
    expect(lr.stderr).toContain('training.optimization.lr: 0.0005 -> 0.002');

    const resumed = await jepa('train', 'ijepa', ...TINY, '--steps', '5', '--out', 'runs/tiny', '--resume', '--no-eval', '--progress', 'lines');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resumed from checkpoint step-000003 (step 3/5)');
    expect(readMetrics(run).map((m) => m.step)).toEqual([1, 2, 3, 4, 5]);
    const report = readJson<RunReport>(join(run, 'report.json'));
    expect(report.training).toMatchObject({ steps: 5, stepsThisRun: 2, resumedFromStep: 3 });
    expect(report.evaluation).toBeNull();
    expect(readJson<RunConfig>(join(run, 'config.json')).training.optimization.steps).toBe(5);
  });
});

describe('jepa train ijepa --dataset <folder>', () => {
  const root = join(cwd, 'shapes');

  beforeAll(async () => {
    // Two classes of 16 x 16 images (bright square top-left vs bottom-right) and one corrupt file.
    for (const [label, corner] of [['a', 0], ['b', 8]] as const) {
      mkdirSync(join(root, label), { recursive: true });
      for (let i = 0; i < 8; i++) {
        const pixels = Buffer.alloc(16 * 16, 20 + i);
        for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) pixels[(corner + y) * 16 + corner + x] = 230;
        await sharp(pixels, { raw: { width: 16, height: 16, channels: 1 } }).png().toFile(join(root, label, `${i}.png`));
      }
    }
    writeFileSync(join(root, 'b', 'broken.png'), 'not an image');
  });

  const folderArgs = ['--dataset', 'shapes', '--image-size', '16', '--patch-size', '2', '--channels', '1', '--embed-dim', '16', '--depth', '1', '--num-heads', '2',
    '--predictor-embed-dim', '16', '--predictor-depth', '1', '--batch-size', '4', '--steps', '2', '--shots', '2', '--draws', '2', '--backend', 'wasm', '--progress', 'none'];

  it('names the corrupt file and suggests --skip-corrupt', async () => {
    const { code, stderr } = await jepa('train', 'ijepa', ...folderArgs, '--out', 'runs/corrupt');
    expect(code).toBe(1);
    expect(stderr).toContain('broken.png');
    expect(stderr).toContain('--skip-corrupt');
  });

  it('trains on the folder with --skip-corrupt and counts the skipped file', async () => {
    const { code, stderr } = await jepa('train', 'ijepa', ...folderArgs, '--skip-corrupt', '--out', 'runs/shapes');
    expect(code, stderr).toBe(0);
    const report = readJson<RunReport>(join(cwd, 'runs', 'shapes', 'report.json'));
    expect(report.data).toMatchObject({ kind: 'folder', classNames: ['a', 'b'], trainImages: 12, heldOutImages: 4, skippedCorrupt: 1 });
    expect(report.data.skippedFiles[0]!.path).toContain('broken.png');
    const config = readJson<RunConfig>(join(cwd, 'runs', 'shapes', 'config.json'));
    expect(config.training.normalization.mean[0]).toBeGreaterThan(0);
    expect(readFileSync(join(cwd, 'runs', 'shapes', 'report.md'), 'utf8')).toContain('| corrupt files skipped | 1 |');
  });
});
