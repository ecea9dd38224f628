import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { toTfTensor } from '@jepa/core';
import { readCheckpointFile, readSafetensorsFile, writeSafetensorsFile } from '@jepa/core/node';
import { fixtureDir } from '@jepa/core/testing';
import { createEncoderFromCheckpoint, IMAGENET_MEAN, IMAGENET_STD, normalize } from '@jepa/vision';
import { decodeImage } from '@jepa/vision/node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../run-cli.js';
import { captureIo } from '../../test-io.js';

const cwd = mkdtempSync(join(tmpdir(), 'jepa-embed-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const fixture = fixtureDir('ijepa-tiny');
const CHECKPOINT = fixture ? join(fixture, 'checkpoint.pth.tar') : '';

async function jepa(...argv: string[]) {
  const capture = captureIo(cwd);
  const code = await runCli(argv, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

/** A small RGB image of `width` x `height` with a pattern that depends on `seed`. */
async function writeImage(path: string, width: number, height: number, seed: number): Promise<void> {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * (seed + 3) + seed * 40) % 251;
  const image = sharp(data, { raw: { width, height, channels: 3 } });
  await (path.endsWith('.jpg') ? image.jpeg() : image.png()).toFile(path);
}

describe.skipIf(!fixture)('jepa embed', () => {
  beforeAll(async () => {
    mkdirSync(join(cwd, 'photos', 'more'), { recursive: true });
    await writeImage(join(cwd, 'photos', 'b.png'), 40, 32, 1);
    await writeImage(join(cwd, 'photos', 'a.png'), 32, 48, 2);
    await writeImage(join(cwd, 'photos', 'more', 'c.jpg'), 64, 64, 3);
    writeFileSync(join(cwd, 'photos', 'notes.txt'), 'not an image');
  });

  it("reproduces the official target encoder on a preprocessed 'images' tensor [B, C, H, W]", async () => {
    const case_ = await readSafetensorsFile(join(fixture!, 'case.safetensors'));
    await writeSafetensorsFile(join(cwd, 'batch.safetensors'), { images: case_.tensors.get('step1.images')! });
    const { code, stdout, stderr } = await jepa(
      'embed', '--checkpoint', CHECKPOINT, '--num-heads', '3', '--input', 'batch.safetensors', '--out', 'batch-features.safetensors', '--batch-size', '3', '--progress', 'lines', '--backend', 'cpu',
    );
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('batch-features.safetensors: features [4, 48] (float32) from the target encoder');
    expect(stderr).toContain('input: images [4, 3, 32, 32] of');
    expect(stderr).toMatch(/embed 4\/4 images \(100%/);
    const read = await readSafetensorsFile(join(cwd, 'batch-features.safetensors'));
    const features = toTfTensor(read.tensors.get('features')!);
    const expected = tf.tidy(() => tf.mean(toTfTensor(case_.tensors.get('step1.expected.target_full')!), 1));
    try {
      expect(features.shape).toEqual([4, 48]);
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(features, expected))).dataSync()[0]!)).toBeLessThan(1e-4);
    } finally {
      tf.dispose([features, expected]);
    }
    expect(JSON.parse(read.metadata.files!)).toEqual(['images[0]', 'images[1]', 'images[2]', 'images[3]']);
    expect(read.metadata).toMatchObject({ format: 'jepa-features', encoder: 'target_encoder' });
  });

  it('embeds every image of a folder (resized, centre-cropped, ImageNet-normalised), names alongside', async () => {
    const { code, stdout, stderr } = await jepa('embed', '--checkpoint', CHECKPOINT, '--num-heads', '3', '--input', 'photos', '--out', 'photos.safetensors', '--batch-size', '2', '--progress', 'none', '--backend', 'cpu');
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('normalisation: ImageNet mean/std');
    expect(stdout).toContain('features [3, 48]');
    const read = await readSafetensorsFile(join(cwd, 'photos.safetensors'));
    const names = JSON.parse(read.metadata.files!);
    expect(names).toEqual(['a.png', 'b.png', 'more/c.jpg']);
    // A second run leaves no tensor behind (the first one chose the backend).
    const before = tf.memory().numTensors;
    expect((await jepa('embed', '--checkpoint', CHECKPOINT, '--num-heads', '3', '--input', 'photos', '--out', 'again.safetensors', '--progress', 'none', '--backend', 'cpu')).code).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    const sidecar = JSON.parse(readFileSync(join(cwd, 'photos.json'), 'utf8'));
    expect(sidecar.files).toEqual(names);
    expect(sidecar.features).toEqual({ shape: [3, 48], dtype: 'F32' });
    expect(sidecar.normalization).toEqual({ mean: [...IMAGENET_MEAN], std: [...IMAGENET_STD] });

    // The same pipeline by hand for b.png: decode to 32 x 32 (shorter side, centre crop), normalise, encode, average.
    const { encoder } = createEncoderFromCheckpoint(await readCheckpointFile(CHECKPOINT), { numHeads: 3 });
    const image = normalize(await decodeImage(join(cwd, 'photos', 'b.png'), { size: 32 }), IMAGENET_MEAN, IMAGENET_STD);
    const expected = tf.tidy(() => tf.mean(encoder.encode(tf.tensor4d(image.data, [1, 32, 32, 3])), 1).dataSync());
    encoder.dispose();
    const row = (read.tensors.get('features')!.data as Float32Array).subarray(48, 96);
    for (let i = 0; i < 48; i++) expect(Math.abs(row[i]! - expected[i]!)).toBeLessThan(1e-5);
  });

  it('stops on an image that fails to decode, or skips it with --skip-corrupt', async () => {
    writeFileSync(join(cwd, 'photos', 'broken.png'), Buffer.from('not a png at all'));
    try {
      const stopped = await jepa('embed', '--checkpoint', CHECKPOINT, '--num-heads', '3', '--input', 'photos', '--out', 'x.safetensors', '--progress', 'none', '--backend', 'cpu');
      expect(stopped.code).toBe(1);
      expect(stopped.stderr).toMatch(/Cannot decode image .*broken\.png.*\(or pass --skip-corrupt to leave such files out\)/);
      const skipped = await jepa('embed', '--checkpoint', CHECKPOINT, '--num-heads', '3', '--input', 'photos', '--out', 'x.safetensors', '--progress', 'none', '--backend', 'cpu', '--skip-corrupt');
      expect(skipped.code, skipped.stderr).toBe(0);
      expect(skipped.stdout).toContain('features [3, 48]');
      expect(skipped.stdout).toContain('skipped 1 file(s) that failed to decode: broken.png');
      const read = await readSafetensorsFile(join(cwd, 'x.safetensors'));
      expect(JSON.parse(read.metadata.skipped!)[0].file).toBe('broken.png');
    } finally {
      rmSync(join(cwd, 'photos', 'broken.png'));
    }
  });

  it('reports a dangling symbolic link among the images instead of skipping it silently; --skip-corrupt counts and lists it (issue 11, item 9)', async () => {
    symlinkSync(join(cwd, 'moved-away.png'), join(cwd, 'photos', 'link.png'));
    try {
      const stopped = await jepa('embed', '--checkpoint', CHECKPOINT, '--num-heads', '3', '--input', 'photos', '--out', 'x.safetensors', '--progress', 'none', '--backend', 'cpu');
      expect(stopped.code).toBe(1);
      expect(stopped.stderr).toContain(
        `error: ${join(cwd, 'photos')}: 1 image entry cannot be read: ${join(cwd, 'photos', 'link.png')} (a symbolic link to ${join(cwd, 'moved-away.png')}, which does not exist). ` +
          'Fix: restore or remove them, or pass --skip-corrupt to leave them out (they are counted and listed).',
      );
      const skipped = await jepa('embed', '--checkpoint', CHECKPOINT, '--num-heads', '3', '--input', 'photos', '--out', 'x.safetensors', '--progress', 'none', '--backend', 'cpu', '--skip-corrupt');
      expect(skipped.code, skipped.stderr).toBe(0);
      expect(skipped.stdout).toContain('features [3, 48]');
      expect(skipped.stdout).toContain('link.png');
      const read = await readSafetensorsFile(join(cwd, 'x.safetensors'));
      expect(JSON.parse(read.metadata.skipped!)[0]).toEqual({ file: 'link.png', reason: `a symbolic link to ${join(cwd, 'moved-away.png')}, which does not exist` });
    } finally {
      rmSync(join(cwd, 'photos', 'link.png'));
    }
  });

  it('takes the heads from an export, and explains missing heads, modules and mis-sized inputs', async () => {
    const heads = await jepa('embed', '--checkpoint', CHECKPOINT, '--input', 'photos', '--out', 'x.safetensors', '--backend', 'cpu');
    expect(heads.code).toBe(1);
    expect(heads.stderr).toMatch(/the number of attention heads cannot be read from the weights.*--num-heads N/);

    expect((await jepa('convert', CHECKPOINT, 'target.safetensors', '--only', 'target_encoder', '--num-heads', '3')).code).toBe(0);
    const exported = await jepa('embed', '--checkpoint', 'target.safetensors', '--input', 'photos', '--out', 'from-export.safetensors', '--progress', 'none', '--backend', 'cpu');
    expect(exported.code, exported.stderr).toBe(0);
    const a = (await readSafetensorsFile(join(cwd, 'photos.safetensors'))).tensors.get('features')!.data;
    const b = (await readSafetensorsFile(join(cwd, 'from-export.safetensors'))).tensors.get('features')!.data;
    expect(Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(Buffer.from(a.buffer, a.byteOffset, a.byteLength))).toBe(true);

    const context = await jepa('embed', '--checkpoint', 'target.safetensors', '--encoder', 'context', '--input', 'photos', '--out', 'x.safetensors', '--backend', 'cpu');
    expect(context.code).toBe(1);
    expect(context.stderr).toContain("has no 'encoder' module (it holds target_encoder). Ask for the target encoder (--encoder target) instead.");

    await writeSafetensorsFile(join(cwd, 'small.safetensors'), { images: { dtype: 'F32', shape: [2, 3, 16, 16], data: new Float32Array(2 * 3 * 16 * 16) } });
    const small = await jepa('embed', '--checkpoint', 'target.safetensors', '--input', 'small.safetensors', '--out', 'x.safetensors', '--backend', 'cpu');
    expect(small.code).toBe(1);
    expect(small.stderr).toContain("'images' is [2, 3, 16, 16], but the model takes [B, 3, 32, 32] (NCHW, as PyTorch). Resize/crop to 32 x 32 with 3 channels in your pipeline.");

    await writeSafetensorsFile(join(cwd, 'other.safetensors'), { pixels: { dtype: 'F32', shape: [1], data: new Float32Array(1) } });
    const other = await jepa('embed', '--checkpoint', 'target.safetensors', '--input', 'other.safetensors', '--out', 'x.safetensors', '--backend', 'cpu');
    expect(other.stderr).toContain("has no 'images' tensor (it holds pixels)");
  });
});
