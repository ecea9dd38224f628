import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../run-cli.js';
import { captureIo } from '../../test-io.js';

const cwd = mkdtempSync(join(tmpdir(), 'jepa-train-vjepa-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const TINY = [
  '--train-clips', '24', '--test-clips', '12', '--num-frames', '4', '--image-size', '16', '--patch-size', '4',
  '--embed-dim', '16', '--depth', '1', '--num-heads', '2', '--predictor-embed-dim', '16', '--predictor-depth', '1',
  '--batch-size', '4', '--shots', '1', '--draws', '2', '--backend', 'cpu', '--progress', 'none',
];

async function jepa(...argv: string[]) {
  const capture = captureIo(cwd);
  const code = await runCli(argv, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

describe('jepa train vjepa (tiny Moving MNIST run)', () => {
  const run = join(cwd, 'runs', 'tiny');
  let first: Awaited<ReturnType<typeof jepa>>;
  beforeAll(async () => {
    first = await jepa('train', 'vjepa', ...TINY, '--steps', '2', '--out', 'runs/tiny');
  });

  it('writes mp4 files, trains, probes and writes the run folder', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(readdirSync(run).sort()).toEqual(['checkpoints', 'config.json', 'data', 'loss.png', 'loss.svg', 'metrics.jsonl', 'report.json', 'report.md']);
    expect(readdirSync(join(run, 'data', 'train', 'videos'))).toHaveLength(24);
    expect(readdirSync(join(run, 'checkpoints'))).toContain('step-000002.json');
    const report = JSON.parse(readFileSync(join(run, 'report.json'), 'utf8'));
    expect(report.training.steps).toBe(2);
    expect(Number.isFinite(report.training.finalLoss)).toBe(true);
    expect(report.data.upFrontDecodedFramesPerSecond).toBeGreaterThan(0);
    expect(report.data).toMatchObject({ decode: 'once', frameStep: 1 });
    expect(report.evaluation.rows.map((r: { name: string }) => r.name)).toEqual(['vjepa', 'random-encoder', 'pixels']);
    for (const row of report.evaluation.rows) expect(row.full.accuracy).toBeGreaterThanOrEqual(0);
    expect(first.stdout).toMatch(/\| vjepa \|/);
  });

  it('refuses a resume that changes the learning rate, batch size or frame step, naming each setting, as train ijepa does', async () => {
    const before = readFileSync(join(run, 'metrics.jsonl'), 'utf8');
    const changed = await jepa('train', 'vjepa', '--out', 'runs/tiny', '--resume', '--steps', '3', '--lr', '0.01', '--batch-size', '2', '--frame-step', '2', '--backend', 'cpu', '--progress', 'none');
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('--resume: these settings differ from');
    expect(changed.stderr).toContain('training.optimization.lr: 0.001 -> 0.01');
    expect(changed.stderr).toContain('training.optimization.batchSize: 4 -> 2');
    expect(changed.stderr).toContain('training.frameStep: 1 -> 2');
    expect(changed.stderr).not.toContain('training.optimization.steps');
    expect(readFileSync(join(run, 'metrics.jsonl'), 'utf8')).toBe(before);
    const otherKind = await jepa('train', 'ijepa', '--out', 'runs/tiny', '--resume', '--backend', 'cpu');
    expect(otherKind.code).toBe(1);
    expect(otherKind.stderr).toContain('holds a run of `jepa train vjepa`');
  });

  it('resumes the run to more steps, and refuses to overwrite it', async () => {
    const again = await jepa('train', 'vjepa', '--out', 'runs/tiny', '--steps', '3', '--resume', '--no-eval', '--backend', 'cpu', '--progress', 'none');
    expect(again.code, again.stderr).toBe(0);
    const metrics = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number });
    expect(metrics.map((m) => m.step)).toEqual([1, 2, 3]);
    const clash = await jepa('train', 'vjepa', ...TINY, '--steps', '1', '--out', 'runs/tiny');
    expect(clash.code).not.toBe(0);
    expect(clash.stderr).toMatch(/already holds a run/);
  });

  it('--decode stream trains on clips decoded while training and reports the decode rate and the waits', async () => {
    const streamed = await jepa('train', 'vjepa', ...TINY, '--steps', '3', '--decode', 'stream', '--no-eval', '--out', 'runs/stream');
    expect(streamed.code, streamed.stderr).toBe(0);
    expect(streamed.stderr).toContain('decoded while training, on a worker thread');
    const dir = join(cwd, 'runs', 'stream');
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.data).toMatchObject({ decode: 'stream', frameStep: 1, trainClips: 24 });
    // 3 updates of 4 clips, plus up to two batches requested ahead (stopped by the end of the run).
    expect(report.data.decodedWhileTraining.clips).toBeGreaterThanOrEqual(12);
    expect(report.data.decodedWhileTraining.framesPerSecond).toBeGreaterThan(0);
    expect(report.data.meanDataWaitSeconds).toBeGreaterThanOrEqual(0);
    const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { dataWait?: number });
    expect(metrics.every((m) => typeof m.dataWait === 'number')).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).data.decode).toBe('stream');
  });
});
