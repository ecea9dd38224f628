import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { fixtureDir } from '@jepa/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../families/ijepa/ijepa-run-report.js';
import { runCli } from '../run-cli.js';
import { captureIo } from '../test-io.js';

const cwd = mkdtempSync(join(tmpdir(), 'jepa-visualize-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const TINY = [
  '--embed-dim', '16', '--depth', '1', '--num-heads', '2', '--predictor-embed-dim', '16', '--predictor-depth', '1',
  '--batch-size', '8', '--train-limit', '100', '--eval-limit', '50', '--backend', 'wasm', '--no-eval', '--progress', 'none',
];

async function jepa(...argv: string[]) {
  const capture = captureIo(cwd);
  const code = await runCli(argv, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

describe('pictures of predictions', () => {
  let trained: Awaited<ReturnType<typeof jepa>>;
  beforeAll(async () => {
    trained = await jepa('train', 'ijepa', ...TINY, '--steps', '2', '--decoder-steps', '30', '--out', 'runs/tiny');
  });

  it('jepa train ijepa writes predictions.png and shows it in report.md', async () => {
    expect(trained.code, trained.stderr).toBe(0);
    const png = await sharp(readFileSync(join(cwd, 'runs/tiny/predictions.png'))).metadata();
    expect(png).toMatchObject({ format: 'png', width: 5 * 84 + 6 * 6, height: 8 * 84 + 9 * 6 });
    expect(readFileSync(join(cwd, 'runs/tiny/report.md'), 'utf8')).toContain('![predictions](predictions.png)');
    const report = JSON.parse(readFileSync(join(cwd, 'runs/tiny/report.json'), 'utf8')) as RunReport;
    expect(report.predictions).toMatchObject({ file: 'predictions.png', rows: 8, decoderSteps: 30 });
    expect(report.predictions!.decoderMse).toBeGreaterThan(0);
    expect(trained.stdout).toContain('runs/tiny/predictions.png (patch decoder MSE');
  });

  it('--no-visualize skips it', async () => {
    const run = await jepa('train', 'ijepa', ...TINY, '--steps', '1', '--no-visualize', '--out', 'runs/plain');
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(cwd, 'runs/plain/predictions.png'))).toBe(false);
    expect(readFileSync(join(cwd, 'runs/plain/report.md'), 'utf8')).not.toContain('predictions.png');
  });

  it('jepa visualize draws a run checkpoint into a PNG and prints where it went and the decoder MSE', async () => {
    const result = await jepa('visualize', '--checkpoint', 'runs/tiny', '--count', '3', '--decoder-steps', '30', '--out', 'pic.png', '--backend', 'wasm');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^predictions ${join(cwd, 'pic.png')} \\(3 held-out images; patch decoder MSE [0-9.]+ vs [0-9.]+ for the mean patch, 30 steps`));
    const png = await sharp(readFileSync(join(cwd, 'pic.png'))).metadata();
    expect(png).toMatchObject({ format: 'png', width: 5 * 84 + 6 * 6, height: 3 * 84 + 4 * 6 });
  });

  it('refuses a missing checkpoint and a non-PNG output, naming the path', async () => {
    const missing = await jepa('visualize', '--checkpoint', 'runs/none', '--out', 'x.png');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`--checkpoint ${join(cwd, 'runs/none')}: no such file or folder`);
    const jpeg = await jepa('visualize', '--checkpoint', 'runs/tiny', '--out', 'x.jpg');
    expect(jpeg.code).toBe(1);
    expect(jpeg.stderr).toContain(`--out ${join(cwd, 'x.jpg')}: the picture is written as PNG`);
  });

  const fixture = fixtureDir('ijepa-tiny');
  it.skipIf(!fixture)('draws an official checkpoint with --images, and asks for --images without it', async () => {
    const checkpoint = join(fixture!, 'checkpoint.pth.tar');
    const noImages = await jepa('visualize', '--checkpoint', checkpoint, '--num-heads', '3', '--out', 'official.png');
    expect(noImages.code).toBe(1);
    expect(noImages.stderr).toContain(`--checkpoint ${checkpoint}: is not a run of \`jepa train ijepa\``);
    expect(noImages.stderr).toContain('--images');
    for (const [name, colour] of [['red', { r: 220, g: 30, b: 30 }], ['blue', { r: 30, g: 30, b: 220 }]] as const) {
      mkdirSync(join(cwd, 'photos', name), { recursive: true });
      for (let i = 0; i < 3; i++) {
        await sharp({ create: { width: 40, height: 40, channels: 3, background: colour } }).composite([{ input: { create: { width: 10 + 5 * i, height: 10, channels: 3, background: { r: 255, g: 255, b: 255 } } }, left: 5, top: 5 + 5 * i }]).png().toFile(join(cwd, 'photos', name, `${i}.png`));
      }
    }
    const result = await jepa('visualize', '--checkpoint', checkpoint, '--num-heads', '3', '--images', 'photos', '--count', '2', '--decoder-steps', '20', '--out', 'official.png', '--backend', 'wasm');
    expect(result.code, result.stderr).toBe(0);
    const png = await sharp(readFileSync(join(cwd, 'official.png'))).metadata();
    expect(png).toMatchObject({ format: 'png', width: 5 * 96 + 6 * 6, height: 2 * 96 + 3 * 6 });
  });
});
