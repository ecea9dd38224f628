import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint, readSafetensorsFile, writeSafetensorsFile } from '@jepa/core/node';
import { fixtureDir } from '@jepa/core/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IJepaRunConfig as RunConfig } from './ijepa-run-settings.js';
import { runCli } from '../../run-cli.js';
import { captureIo } from '../../test-io.js';

const cwd = mkdtempSync(join(tmpdir(), 'jepa-init-from-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const fixture = fixtureDir('ijepa-tiny');
const CHECKPOINT = fixture ? join(fixture, 'checkpoint.pth.tar') : '';
// 24 images in 2 classes: 20 train images (10% held out per class), 5 steps per epoch at batch 4.
const RUN = ['--dataset', 'photos', '--batch-size', '4', '--min-keep', '4', '--no-eval', '--no-visualize', '--progress', 'lines', '--backend', 'wasm'];

async function jepa(...argv: string[]) {
  const capture = captureIo(cwd);
  const code = await runCli(argv, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

const bytes = (data: ArrayBufferView) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

describe.skipIf(!fixture)('jepa train ijepa --init-from <official checkpoint>', () => {
  beforeAll(async () => {
    for (const name of ['cats', 'dogs']) {
      mkdirSync(join(cwd, 'photos', name), { recursive: true });
      for (let i = 0; i < 12; i++) {
        const data = Buffer.alloc(32 * 32 * 3);
        for (let j = 0; j < data.length; j++) data[j] = (j * (i + 3) + (name === 'cats' ? 0 : 90)) % 251;
        await sharp(data, { raw: { width: 32, height: 32, channels: 3 } }).png().toFile(join(cwd, 'photos', name, `${i}.png`));
      }
    }
  });

  it('builds the model from the checkpoint, loads its weights and AdamW state, and goes on at epoch x steps-per-epoch', async () => {
    const { code, stderr } = await jepa('train', 'ijepa', '--init-from', CHECKPOINT, '--num-heads', '3', '--steps', '12', '--out', 'run', ...RUN);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('loaded encoder, predictor and target_encoder; optimizer state loaded: AdamW moments of 59 parameters at update 2.');
    expect(stderr).toContain('the checkpoint completed 2 epoch(s): training continues at step 11 of 12 (5 steps per epoch)');
    const run = join(cwd, 'run');
    const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as RunConfig;
    expect(config.training.model).toEqual({ imageSize: 32, patchSize: 4, inChannels: 3, encoder: { embedDim: 48, depth: 2, numHeads: 3 }, predictor: { embedDim: 24, depth: 2, numHeads: 3 } });
    expect(config.training.normalization.mean).toEqual([0.485, 0.456, 0.406]);
    expect(readdirSync(join(run, 'checkpoints')).filter((f) => f.endsWith('.json')).sort()).toEqual(['step-000010.json', 'step-000012.json']);
    const steps = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line).step);
    expect(steps).toEqual([11, 12]);

    // The starting checkpoint holds the official weights bit for bit, and the official moments.
    const start = await loadCheckpoint<{ state: { optimizerStep: number } }>(join(run, 'checkpoints'), 'step-000010');
    expect(start.meta.state.optimizerStep).toBe(2);
    const init = (await readSafetensorsFile(join(fixture!, 'case.safetensors'))).tensors;
    for (const [key, t] of start.tensors) {
      if (key.startsWith('optimizer.')) continue;
      expect(bytes(t.data).equals(bytes(init.get(`init.${key}`)!.data)), key).toBe(true);
    }

    // It is an ordinary run folder from then on.
    const resumed = await jepa('train', 'ijepa', '--steps', '13', '--out', 'run', '--resume', ...RUN);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resumed from checkpoint step-000012 (step 12/13)');
  });

  it('refuses what cannot work, before writing anything', async () => {
    const heads = await jepa('train', 'ijepa', '--init-from', CHECKPOINT, '--steps', '12', '--out', 'no-heads', ...RUN);
    expect(heads.code).toBe(1);
    expect(heads.stderr).toMatch(/--init-from: .*checkpoint\.pth\.tar: the number of attention heads cannot be read from the weights.*--num-heads N/);

    const short = await jepa('train', 'ijepa', '--init-from', CHECKPOINT, '--num-heads', '3', '--steps', '8', '--out', 'short', ...RUN);
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('the checkpoint has completed 2 epoch(s), i.e. step 10 at 5 steps per epoch on this data, but the run has 8 steps. Ask for more: --epochs 3 or more, or --steps 11 or more');

    const sizes = await jepa('train', 'ijepa', '--init-from', CHECKPOINT, '--num-heads', '3', '--embed-dim', '64', '--patch-size', '8', '--out', 'sizes', ...RUN);
    expect(sizes.code).toBe(1);
    expect(sizes.stderr).toContain('these flags contradict it:\n  - --embed-dim 64, but the checkpoint has 48\n  - --patch-size 8, but the checkpoint has 4');

    const mnist = await jepa('train', 'ijepa', '--init-from', CHECKPOINT, '--num-heads', '3', '--out', 'mnist');
    expect(mnist.stderr).toContain('its model takes 32 x 32 x 3 images, but MNIST is 28 x 28 x 1. Pass --dataset <folder>');

    const both = await jepa('train', 'ijepa', '--init-from', CHECKPOINT, '--out', 'run', '--resume');
    expect(both.stderr).toContain('--init-from starts a new run from a checkpoint; --resume continues a run folder. Pass one of them.');

    for (const dir of ['no-heads', 'short', 'sizes', 'mnist']) expect(existsSync(join(cwd, dir)), dir).toBe(false);
  });
});

describe('jepa train ijepa --init-from a file that is no I-JEPA checkpoint', () => {
  it('says what the file is in a sentence that reads', async () => {
    await writeSafetensorsFile(join(cwd, 'other.safetensors'), { 'head.weight': { dtype: 'F32', shape: [2, 2], data: new Float32Array(4) } });
    const { code, stderr } = await jepa('train', 'ijepa', '--init-from', 'other.safetensors', '--out', 'other');
    expect(code).toBe(1);
    expect(stderr).toMatch(/other\.safetensors: the file is not an I-JEPA checkpoint this library recognises \(1 tensor;/);
    expect(stderr).not.toContain('is a not');
  });
});
