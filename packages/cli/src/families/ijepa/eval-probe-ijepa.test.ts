import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint } from '@jepa/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../run-cli.js';
import { captureIo } from '../../test-io.js';

const cwd = mkdtempSync(join(tmpdir(), 'jepa-probe-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function jepa(...argv: string[]) {
  const capture = captureIo(cwd);
  const code = await runCli(argv, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

describe('jepa eval probe', () => {
  beforeAll(async () => {
    const trained = await jepa(
      'train', 'ijepa', '--embed-dim', '16', '--depth', '1', '--num-heads', '2', '--predictor-embed-dim', '16', '--predictor-depth', '1',
      '--steps', '2', '--batch-size', '8', '--train-limit', '100', '--eval-limit', '50', '--backend', 'wasm', '--no-eval', '--no-visualize', '--progress', 'none', '--out', 'run',
    );
    expect(trained.code, trained.stderr).toBe(0);
  });

  it('probes the newest checkpoint of a run folder on the run\'s data and prints accuracies', async () => {
    const { code, stdout, stderr } = await jepa('eval', 'probe', '--checkpoint', 'run', '--backend', 'wasm', '--draws', '3', '--out', 'probe.json');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('step-000002.safetensors (step 2)');
    expect(stdout).toContain('probes trained on 100 images, scored on 50 held-out images');
    expect(stdout).toMatch(/I-JEPA target encoder\s+16\s+\d+\.\d % ± \d+\.\d\s+\d+\.\d %/);
    const written = JSON.parse(readFileSync(join(cwd, 'probe.json'), 'utf8'));
    expect(written.step).toBe(2);
    expect(written.rows).toHaveLength(1);
    expect(written.rows[0].lowShot.accuracies).toHaveLength(3);
    expect(written.rows[0].full.accuracy).toBeGreaterThanOrEqual(0);
    expect(written.rows[0].full.accuracy).toBeLessThanOrEqual(1);
  });

  it('takes one checkpoint file, the context encoder, and baselines', async () => {
    const { code, stdout, stderr } = await jepa(
      'eval', 'probe', '--checkpoint', 'run/checkpoints/step-000001.json', '--encoder', 'context', '--no-full', '--draws', '1', '--baselines', '--backend', 'wasm',
    );
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('(step 1)');
    expect(stdout).toMatch(/I-JEPA context encoder\s+16\s+\d+\.\d % ± 0\.0\s+-/);
    expect(stdout).toContain('random-weight encoder');
    expect(stdout).toMatch(/raw pixels\s+784/);
  });

  it('lists the mismatched keys of a checkpoint that does not fit its model, loading nothing', async () => {
    const dir = join(cwd, 'run', 'checkpoints');
    const good = await loadCheckpoint<Record<string, unknown>>(dir, 'step-000002');
    const tensors = Object.fromEntries(good.tensors);
    delete tensors['target_encoder.norm.weight'];
    tensors['target_encoder.extra.bias'] = tensors['target_encoder.norm.bias']!;
    await saveCheckpoint(join(cwd, 'broken'), 'step-000002', { tensors, meta: good.meta });
    const { code, stderr } = await jepa('eval', 'probe', '--checkpoint', 'broken/step-000002.json', '--backend', 'wasm');
    expect(code).toBe(1);
    expect(stderr).toContain('does not match the model; nothing was loaded');
    expect(stderr).toMatch(/missing \(1\)[\s\S]*target_encoder\.norm\.weight/);
    expect(stderr).toMatch(/unexpected \(1\)[\s\S]*target_encoder\.extra\.bias/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses non-finite weights (issue 11, item 5), naming the tensor and its count', async () => {
    cpSync(join(cwd, 'run'), join(cwd, 'nan'), { recursive: true });
    const dir = join(cwd, 'nan', 'checkpoints');
    const good = await loadCheckpoint<Record<string, unknown>>(dir, 'step-000002');
    const tensors = Object.fromEntries(good.tensors);
    const norm = tensors['target_encoder.norm.weight']!;
    const values = Float32Array.from(norm.data as Float32Array);
    values[3] = Number.NaN;
    values[5] = Number.POSITIVE_INFINITY;
    tensors['target_encoder.norm.weight'] = { dtype: 'F32', shape: norm.shape, data: values };
    await saveCheckpoint(dir, 'step-000002', { tensors, meta: good.meta });
    const { code, stderr } = await jepa('eval', 'probe', '--checkpoint', 'nan', '--backend', 'wasm');
    expect(code).toBe(1);
    expect(stderr).toContain(`${join(dir, 'step-000002.safetensors')}: 1 weight tensor holds non-finite values: target_encoder.norm.weight (1 NaN, 1 infinite).`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('says when a folder holds no checkpoint', async () => {
    const { code, stderr } = await jepa('eval', 'probe', '--checkpoint', '.', '--backend', 'wasm');
    expect(code).toBe(1);
    expect(stderr).toContain('no valid training checkpoint');
  });
});
