import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { collectTensors } from '@jepa/core';
import { readSafetensorsFile, readTorchFile, saveCheckpoint, writeSafetensorsFile } from '@jepa/core/node';
import { fixtureDir } from '@jepa/core/testing';
import { createIJepa } from '@jepa/vision';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { refuseForeignFeaturesOutputs } from '../report/features-file.js';
import { captureIo } from '../test-io.js';

const cwd = mkdtempSync(join(tmpdir(), 'jepa-convert-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const fixture = fixtureDir('ijepa-tiny');
const CHECKPOINT = fixture ? join(fixture, 'checkpoint.pth.tar') : '';

async function jepa(...argv: string[]) {
  const capture = captureIo(cwd);
  const code = await runCli(argv, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

const bytes = (data: ArrayBufferView) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

describe.skipIf(!fixture)('jepa convert', () => {
  /** The checkpoint's model tensors (not opt.*), by official name. */
  let official: Map<string, { shape: number[]; data: ArrayBufferView }>;
  beforeAll(async () => {
    const all = collectTensors(await readTorchFile(CHECKPOINT));
    official = new Map([...all].filter(([k]) => !k.startsWith('opt.')).map(([k, t]) => [k, { shape: t.shape, data: t.data }]));
  });

  it('writes the model weights with the official names, bit for bit, and the epoch and lr as metadata', async () => {
    const { code, stdout, stderr } = await jepa('convert', CHECKPOINT, 'tiny.safetensors');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('tiny.safetensors: 90 tensors (encoder, predictor, target_encoder), 142,560 parameters; keys like encoder.module.pos_embed');
    expect(stdout).toContain('note: left out 177 tensor(s) that are not model weights (opt: optimizer state)');
    const read = await readSafetensorsFile(join(cwd, 'tiny.safetensors'));
    expect([...read.tensors.keys()].sort()).toEqual([...official.keys()].sort());
    for (const [key, t] of official) {
      const written = read.tensors.get(key)!;
      expect(written.shape).toEqual(t.shape);
      expect(bytes(written.data).equals(bytes(t.data)), key).toBe(true);
    }
    expect(read.metadata).toMatchObject({ format: 'jepa-official-export', epoch: '2', lr: '0.001', loss: '0.43212032318115234', 'jepa.modulePrefix': 'true' });
  });

  it('--no-module-prefix --only target_encoder --num-heads records a plain target encoder with its sizes', async () => {
    const { code, stdout, stderr } = await jepa('convert', CHECKPOINT, 'target.safetensors', '--no-module-prefix', '--only', 'target_encoder', '--num-heads', '3');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('29 tensors (target_encoder), 62,064 parameters; keys like target_encoder.pos_embed');
    expect(stdout).toContain('note: left out module(s) encoder, predictor (--only)');
    const read = await readSafetensorsFile(join(cwd, 'target.safetensors'));
    expect(read.tensors.has('target_encoder.blocks.1.attn.qkv.weight')).toBe(true);
    expect(JSON.parse(read.metadata['jepa.model']!)).toEqual({ imageSize: 32, patchSize: 4, inChannels: 3, encoder: { embedDim: 48, depth: 2, numHeads: 3 } });
    // A flat export gets the prefix back with --module-prefix.
    const back = await jepa('convert', 'target.safetensors', 'prefixed.safetensors', '--module-prefix');
    expect(back.code, back.stderr).toBe(0);
    const prefixed = await readSafetensorsFile(join(cwd, 'prefixed.safetensors'));
    expect([...prefixed.tensors.keys()].sort()).toEqual([...official.keys()].filter((k) => k.startsWith('target_encoder.')).sort());
    expect(prefixed.metadata['jepa.model']).toBe(read.metadata['jepa.model']);
  });

  it('hands a run of this library back with official names, leaving its optimizer moments out', async () => {
    const model = createIJepa({ imageSize: 16, patchSize: 4, encoder: { embedDim: 16, depth: 1, numHeads: 2 }, predictor: { embedDim: 8, depth: 1, numHeads: 2 } }, { seed: 0 });
    const state = model.stateDict();
    try {
      await saveCheckpoint(join(cwd, 'run', 'checkpoints'), 'step-000003', {
        tensors: { ...state, 'optimizer.encoder.norm.weight.exp_avg': tf.zeros([16]) },
        meta: { trainer: { step: 3, epoch: 0 }, state: { kind: 'ijepa', config: { model: model.config } } },
      });
      const { code, stdout, stderr } = await jepa('convert', 'run', 'from-run.safetensors', '--module-prefix');
      expect(code, stderr).toBe(0);
      expect(stdout).toContain('keys like encoder.module.');
      const read = await readSafetensorsFile(join(cwd, 'from-run.safetensors'));
      expect(read.tensors.size).toBe(Object.keys(state).length);
      expect(read.tensors.has('predictor.module.predictor_embed.weight')).toBe(true);
      expect(bytes(read.tensors.get('encoder.module.blocks.0.attn.qkv.weight')!.data).equals(bytes(state['encoder.blocks.0.attn.qkv.weight']!.dataSync()))).toBe(true);
      expect(JSON.parse(read.metadata['jepa.model']!).encoder.numHeads).toBe(2);
    } finally {
      tf.dispose(Object.values(state));
      model.dispose();
    }
  });

  it('refuses to overwrite without --force, and names bad arguments', async () => {
    const again = await jepa('convert', CHECKPOINT, 'tiny.safetensors');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/error: OUT .*tiny\.safetensors already exists\. Pass --force to overwrite it/);
    expect((await jepa('convert', CHECKPOINT, 'tiny.safetensors', '--force')).code).toBe(0);
    const badOnly = await jepa('convert', CHECKPOINT, 'x.safetensors', '--only', 'decoder');
    expect(badOnly.code).toBe(1);
    expect(badOnly.stderr).toContain('Expected one or more of encoder, predictor, target_encoder (comma-separated), got decoder');
    const badOut = await jepa('convert', CHECKPOINT, 'x.pt');
    expect(badOut.stderr).toContain('give it a .safetensors name');
    const absent = await jepa('convert', 'target.safetensors', 'y.safetensors', '--only', 'encoder');
    expect(absent.code).toBe(1);
    expect(absent.stderr).toMatch(/has no encoder module \(it holds target_encoder\)\. Pick --only from those/);
  });
});

describe.skipIf(!fixture)('non-finite weights', () => {
  it('convert and embed refuse weights holding NaN/Inf, naming the tensors and counts, unless --allow-non-finite', async () => {
    expect((await jepa('convert', CHECKPOINT, 'clean.safetensors')).code).toBe(0);
    const clean = await readSafetensorsFile(join(cwd, 'clean.safetensors'));
    const tensors = new Map(clean.tensors);
    const qkv = 'target_encoder.module.blocks.0.attn.qkv.weight';
    const poisoned = Float32Array.from(tensors.get(qkv)!.data as Float32Array);
    poisoned[0] = NaN;
    poisoned[5] = Infinity;
    tensors.set(qkv, { dtype: 'F32', shape: tensors.get(qkv)!.shape, data: poisoned });
    await writeSafetensorsFile(join(cwd, 'nan.safetensors'), tensors, clean.metadata);

    const refused = await jepa('convert', 'nan.safetensors', 'copy.safetensors');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `error: IN ${join(cwd, 'nan.safetensors')}: 1 weight tensor holds non-finite values: ${qkv} (1 NaN, 1 infinite). ` +
        'A model with them computes NaN; the training that wrote it diverged or the file is damaged. Use an earlier checkpoint, or pass --allow-non-finite to use these weights anyway.\n',
    );
    expect(existsSync(join(cwd, 'copy.safetensors'))).toBe(false);
    expect((await jepa('convert', 'nan.safetensors', 'copy.safetensors', '--allow-non-finite')).code).toBe(0);

    mkdirSync(join(cwd, 'photos'), { recursive: true });
    const embed = await jepa('embed', '--checkpoint', 'nan.safetensors', '--num-heads', '3', '--input', 'photos', '--out', 'f.safetensors');
    expect(embed.code).toBe(1);
    expect(embed.stderr).toContain(`error: --checkpoint ${join(cwd, 'nan.safetensors')}: 1 weight tensor holds non-finite values: ${qkv} (1 NaN, 1 infinite).`);
  });
});

describe('jepa embed --out never lands on files it did not write', () => {
  it("refuses an --out whose file or sidecar exists and is not an earlier embed output (a run's config.json)", async () => {
    mkdirSync(join(cwd, 'run'), { recursive: true });
    writeFileSync(join(cwd, 'run/config.json'), '{"format": "jepa-run-config"}');
    mkdirSync(join(cwd, 'in'), { recursive: true });
    const { code, stderr } = await jepa('embed', '--checkpoint', 'run', '--input', 'in', '--out', 'run/config.safetensors');
    expect(code).toBe(1);
    expect(stderr).toBe(
      `error: --out ${join(cwd, 'run/config.safetensors')}: would overwrite ${join(cwd, 'run/config.json')}, which is not an earlier output of jepa embed (no "format": "jepa-features" in it). ` +
        'jepa embed writes <name>.safetensors and its sidecar <name>.json and replaces only its own earlier outputs. Choose another --out.\n',
    );
    expect(readFileSync(join(cwd, 'run/config.json'), 'utf8')).toBe('{"format": "jepa-run-config"}');
    // an earlier embed output may be replaced
    writeFileSync(join(cwd, 'old.json'), '{"format": "jepa-features"}');
    await writeSafetensorsFile(join(cwd, 'old.safetensors'), { features: { dtype: 'F32', shape: [1, 1], data: new Float32Array(1) } }, { format: 'jepa-features' });
    await expect(refuseForeignFeaturesOutputs(join(cwd, 'old.safetensors'))).resolves.toBeUndefined();
    await expect(refuseForeignFeaturesOutputs(join(cwd, 'brand-new.safetensors'))).resolves.toBeUndefined();
  });
});
