import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type HostTensor, toTfTensor } from '@jepa/core';
import { readCheckpointFile, readSafetensorsFile, writeSafetensorsFile } from '@jepa/core/node';
import { fixtureDir } from '@jepa/core/testing';
import { IMAGENET_MEAN, IMAGENET_STD } from '@jepa/vision';
import { createVideoEncoderFromCheckpoint, type VideoTransformer } from '@jepa/video';
import { patternFrame, readVideoClips, writePatternVideo } from '@jepa/video/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../run-cli.js';
import { captureIo } from '../../test-io.js';

const cwd = mkdtempSync(join(tmpdir(), 'jepa-embed-video-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const fixture = fixtureDir('vjepa-tiny');
const CHECKPOINT = fixture ? join(fixture, 'checkpoint.pth.tar') : '';
const imageFixture = fixtureDir('ijepa-tiny');
/** The tiny fixture: 8 frames of 16 x 16 RGB, tubelets 2 x 4 x 4, a 48-wide 2-deep ViT with 3 heads. */
const DIM = 48;

async function jepa(...argv: string[]) {
  const capture = captureIo(cwd);
  const code = await runCli(argv, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

const features = async (name: string) => (await readSafetensorsFile(join(cwd, name))).tensors.get('features')!;
const rows = (tensor: HostTensor) => Array.from({ length: tensor.shape[0]! }, (_, i) => (tensor.data as Float32Array).slice(i * DIM, (i + 1) * DIM));
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);
const bits = (t: HostTensor) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);

/** ImageNet-normalised channels-last clips `[n, 8, 16, 16, 3]` in 0..1, encoded and averaged over every token: `[n, D]`. */
function pooled(encoder: VideoTransformer, clips: Float32Array, n: number): Float32Array {
  const normalised = clips.map((v, i) => (v - IMAGENET_MEAN[i % 3]!) / IMAGENET_STD[i % 3]!);
  return tf.tidy(() => tf.mean(encoder.encode(tf.tensor5d(normalised, [n, 8, 16, 16, 3])), 1).dataSync() as Float32Array);
}

describe.skipIf(!fixture)('jepa embed with a V-JEPA checkpoint', () => {
  let encoder: VideoTransformer;
  beforeAll(async () => {
    mkdirSync(join(cwd, 'videos', 'more'), { recursive: true });
    // Lossless, exactly one clip long at frame step 1: the decoded clip is patternFrame(0..7).
    await writePatternVideo(join(cwd, 'videos', 'a.mkv'), { frames: 8, width: 16, height: 16, codec: 'ffv1' });
    // Lossy, another size (resized to cover 16 x 16, centre-cropped), long enough for two clips.
    await writePatternVideo(join(cwd, 'videos', 'more', 'b.mp4'), { frames: 40, width: 24, height: 20, fps: 10 });
    writeFileSync(join(cwd, 'videos', 'notes.txt'), 'not a video');
    // The reference encoder, built here from the official checkpoint (not by the command).
    encoder = createVideoEncoderFromCheckpoint(await readCheckpointFile(CHECKPOINT), { numHeads: 3 }).encoder;
  });
  afterAll(() => encoder?.dispose());

  it('embeds every video of a folder: one centred clip, ImageNet-normalised, tokens averaged over the tubelet grid', async () => {
    const { code, stdout, stderr } = await jepa(
      'embed', '--checkpoint', CHECKPOINT, '--num-heads', '3', '--input', 'videos', '--out', 'videos.safetensors', '--frame-step', '1', '--batch-size', '1', '--progress', 'lines', '--backend', 'cpu',
    );
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('encoder: target_encoder of');
    expect(stderr).toContain('(video ViT 48x2, 3 heads, tubelet 2x4x4, clip 8x16x16 (frames from the checkpoint\'s pos_embed), grid 4x4x4)');
    expect(stderr).toContain('2 videos under');
    expect(stderr).toContain('normalisation: ImageNet mean/std');
    expect(stderr).toMatch(/embed 2\/2 videos \(100%/);
    expect(stdout).toContain('videos.safetensors: features [2, 48] (float32) from the target encoder; video names in its metadata');

    const read = await readSafetensorsFile(join(cwd, 'videos.safetensors'));
    expect(JSON.parse(read.metadata.files!)).toEqual(['a.mkv', 'more/b.mp4']);
    expect(JSON.parse(read.metadata.sampling!)).toMatchObject({ numFrames: 8, frameStep: 1, numClips: 1, size: 16, pixelFormat: 'rgb', placement: 'center' });
    const sidecar = JSON.parse(readFileSync(join(cwd, 'videos.json'), 'utf8'));
    expect(sidecar.files).toEqual(['a.mkv', 'more/b.mp4']);
    expect(sidecar.features).toEqual({ shape: [2, 48], dtype: 'F32' });
    expect(sidecar.normalization).toEqual({ mean: [...IMAGENET_MEAN], std: [...IMAGENET_STD] });
    expect(sidecar.model).toMatchObject({ numFrames: 8, tubeletSize: 2, imageSize: 16, patchSize: 4, inChannels: 3, embedDim: 48, depth: 2, numHeads: 3, grid: [4, 4, 4] });

    const [a, b] = rows(read.tensors.get('features')!);
    // a.mkv by hand: the test pattern's frames 0..7 (ffv1 is lossless), bytes / 255.
    const frames = new Float32Array(8 * 16 * 16 * 3);
    for (let t = 0; t < 8; t++) frames.set(Array.from(patternFrame(t, 16, 16), (v) => v / 255), t * 16 * 16 * 3);
    expect(maxDiff(a!, pooled(encoder, frames, 1))).toBeLessThan(1e-5);
    // b.mp4: the same decoded clip (centred, 8 frames 1 apart, 16 x 16), encoded here.
    const clip = (await readVideoClips(join(cwd, 'videos', 'more', 'b.mp4'), { numFrames: 8, frameStep: 1, size: 16 }, { placement: 'center' }))!;
    expect(maxDiff(b!, pooled(encoder, clip.clips[0]!.data, 1))).toBeLessThan(1e-5);
    expect(maxDiff(a!, b!)).toBeGreaterThan(1e-3);
  });

  it('averages the features of several clips of one video file (--num-clips), frames picked by --fps', async () => {
    const { code, stderr } = await jepa(
      'embed', '--checkpoint', CHECKPOINT, '--num-heads', '3', '--input', 'videos/more/b.mp4', '--out', 'b.safetensors', '--num-clips', '2', '--fps', '5', '--progress', 'none', '--backend', 'cpu',
    );
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('2 centred clips of 8 frames per video (about 5 frames/s)');
    const read = await readSafetensorsFile(join(cwd, 'b.safetensors'));
    expect(JSON.parse(read.metadata.files!)).toEqual(['b.mp4']);
    expect(read.metadata.pooling).toContain('then over the 2 clips of each video');
    // 10 fps video at --fps 5: every 2nd frame; two clips, one per half of the video.
    const clips = (await readVideoClips(join(cwd, 'videos', 'more', 'b.mp4'), { numFrames: 8, frameStep: 2, numClips: 2, size: 16 }, { placement: 'center' }))!;
    expect(clips.indices[0]).not.toEqual(clips.indices[1]);
    const both = new Float32Array(2 * clips.clips[0]!.data.length);
    clips.clips.forEach((c, i) => both.set(c.data, i * c.data.length));
    const perClip = pooled(encoder, both, 2);
    const mean = Array.from({ length: DIM }, (_, d) => (perClip[d]! + perClip[DIM + d]!) / 2);
    const [row] = rows(read.tensors.get('features')!);
    expect(maxDiff(row!, mean)).toBeLessThan(1e-5);
    expect(maxDiff(row!, perClip.subarray(0, DIM))).toBeGreaterThan(1e-4);
  });

  it("reproduces the official target encoder on a preprocessed 'clips' tensor [B, C, T, H, W], leaking no tensor", async () => {
    const case_ = await readSafetensorsFile(join(fixture!, 'case.safetensors'));
    await writeSafetensorsFile(join(cwd, 'clips.safetensors'), { clips: case_.tensors.get('step1.clips')! });
    const run = () => jepa('embed', '--checkpoint', CHECKPOINT, '--num-heads', '3', '--input', 'clips.safetensors', '--out', 'clips-features.safetensors', '--batch-size', '2', '--progress', 'none', '--backend', 'cpu');
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('input: clips [3, 3, 8, 16, 16] of');
    expect(first.stdout).toContain('features [3, 48] (float32) from the target encoder; clip names');
    const read = await readSafetensorsFile(join(cwd, 'clips-features.safetensors'));
    expect(JSON.parse(read.metadata.files!)).toEqual(['clips[0]', 'clips[1]', 'clips[2]']);
    expect(read.metadata.normalization).toBeUndefined();
    const ours = toTfTensor(read.tensors.get('features')!);
    const expected = tf.tidy(() => tf.mean(toTfTensor(case_.tensors.get('step1.expected.target_full')!), 1));
    try {
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(ours, expected))).dataSync()[0]!)).toBeLessThan(1e-4);
    } finally {
      tf.dispose([ours, expected]);
    }
    const before = tf.memory().numTensors;
    expect((await run()).code).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads safetensors exports and bare encoder state dicts; takes the frames from the clips when the checkpoint cannot tell', async () => {
    const reference = await features('clips-features.safetensors');
    // An export with the official keys (target_encoder.module.backbone.*).
    const official = await readCheckpointFile(CHECKPOINT);
    const exported: Record<string, HostTensor> = {};
    for (const [key, t] of official.tensors) if (key.startsWith('target_encoder.')) exported[key] = { dtype: 'F32', shape: [...t.shape], data: Float32Array.from(t.data as Float32Array) };
    await writeSafetensorsFile(join(cwd, 'export.safetensors'), exported);
    const fromExport = await jepa('embed', '--checkpoint', 'export.safetensors', '--num-heads', '3', '--input', 'clips.safetensors', '--out', 'e.safetensors', '--progress', 'none', '--backend', 'cpu');
    expect(fromExport.code, fromExport.stderr).toBe(0);
    expect(bits(await features('e.safetensors')).equals(bits(reference))).toBe(true);

    // A bare state dict (patch_embed.proj.weight, blocks.0...: the fixture's init.target_encoder.* weights).
    const case_ = await readSafetensorsFile(join(fixture!, 'case.safetensors'));
    const bare: Record<string, HostTensor> = {};
    for (const [key, t] of case_.tensors) if (key.startsWith('init.target_encoder.')) bare[key.slice('init.target_encoder.'.length)] = t;
    await writeSafetensorsFile(join(cwd, 'bare.safetensors'), bare);
    const fromBare = await jepa('embed', '--checkpoint', 'bare.safetensors', '--num-heads', '3', '--input', 'clips.safetensors', '--out', 'b.safetensors', '--progress', 'none', '--backend', 'cpu');
    expect(fromBare.code, fromBare.stderr).toBe(0);
    expect(fromBare.stderr).toContain('encoder: encoder (bare state dict) of');
    expect(maxDiff((await features('b.safetensors')).data as Float32Array, reference.data as Float32Array)).toBeLessThan(1e-6);

    // pos_embed that is no sin-cos table: the frames cannot be read from the weights.
    const pos = Float32Array.from(bare.pos_embed!.data as Float32Array);
    pos[0] = 0.5;
    await writeSafetensorsFile(join(cwd, 'learned-pos.safetensors'), { ...bare, pos_embed: { dtype: 'F32', shape: [1, 64, 48], data: pos } });
    const fromClips = await jepa('embed', '--checkpoint', 'learned-pos.safetensors', '--num-heads', '3', '--input', 'clips.safetensors', '--out', 'p.safetensors', '--progress', 'none', '--backend', 'cpu');
    expect(fromClips.code, fromClips.stderr).toBe(0);
    expect(fromClips.stderr).toContain("clip 8x16x16 (frames from the 'clips' tensor)");
    const videos = await jepa('embed', '--checkpoint', 'learned-pos.safetensors', '--num-heads', '3', '--input', 'videos', '--out', 'x.safetensors', '--backend', 'cpu');
    expect(videos.code).toBe(1);
    expect(videos.stderr).toMatch(/the frames per clip cannot be read from 'pos_embed' \[1, 64, 48\].*On the command line: --num-frames N\./);
    const given = await jepa('embed', '--checkpoint', 'learned-pos.safetensors', '--num-heads', '3', '--num-frames', '8', '--input', 'videos', '--out', 'x.safetensors', '--progress', 'none', '--backend', 'cpu');
    expect(given.code, given.stderr).toBe(0);
    expect(given.stderr).toContain('(frames from --num-frames)');
  });

  it('explains wrong clips tensors, missing heads and other inputs', async () => {
    const embed = (input: string, ...extra: string[]) => jepa('embed', '--checkpoint', CHECKPOINT, '--num-heads', '3', '--input', input, '--out', 'x.safetensors', '--backend', 'cpu', ...extra);
    await writeSafetensorsFile(join(cwd, 'small.safetensors'), { clips: { dtype: 'F32', shape: [2, 3, 8, 8, 8], data: new Float32Array(2 * 3 * 8 * 8 * 8) } });
    const small = await embed('small.safetensors');
    expect(small.code).toBe(1);
    expect(small.stderr).toContain("small.safetensors: 'clips' is [2, 3, 8, 8, 8], but the model takes [B, 3, 8, 16, 16] (NCTHW, as PyTorch).");
    await writeSafetensorsFile(join(cwd, 'flat.safetensors'), { clips: { dtype: 'F32', shape: [2, 3, 16, 16], data: new Float32Array(2 * 3 * 16 * 16) } });
    expect((await embed('flat.safetensors')).stderr).toContain("'clips' is [2, 3, 16, 16]; expected 5 positive dimensions [B, C, T, H, W]");
    await writeSafetensorsFile(join(cwd, 'images.safetensors'), { images: { dtype: 'F32', shape: [1, 3, 16, 16], data: new Float32Array(3 * 16 * 16) } });
    expect((await embed('images.safetensors')).stderr).toContain("images.safetensors: has no 'clips' tensor (it holds images). A V-JEPA checkpoint embeds clips");
    writeFileSync(join(cwd, 'notes.txt'), 'text');
    expect((await embed('notes.txt')).stderr).toContain('notes.txt: is neither a folder, a video file nor a .safetensors file');
    expect((await embed('videos', '--frame-step', '2', '--fps', '5')).stderr).toContain('--frame-step and --fps both choose how frames are spaced; give one of them.');

    const heads = await jepa('embed', '--checkpoint', CHECKPOINT, '--input', 'clips.safetensors', '--out', 'x.safetensors', '--backend', 'cpu');
    expect(heads.code).toBe(1);
    expect(heads.stderr).toMatch(/the number of attention heads cannot be read from the weights.*On the command line: --num-heads N\./);

    if (imageFixture) {
      const images = await jepa('embed', '--checkpoint', join(imageFixture, 'checkpoint.pth.tar'), '--num-heads', '3', '--input', 'videos/a.mkv', '--out', 'x.safetensors', '--backend', 'cpu');
      expect(images.code).toBe(1);
      expect(images.stderr).toContain('a.mkv: a video file needs a V-JEPA checkpoint');
    }
  });

  it('stops on a video that fails to decode, or skips it with --skip-corrupt', async () => {
    writeFileSync(join(cwd, 'videos', 'broken.mp4'), Buffer.from('not a video at all'));
    try {
      const embed = (...extra: string[]) =>
        jepa('embed', '--checkpoint', CHECKPOINT, '--num-heads', '3', '--input', 'videos', '--out', 'skip.safetensors', '--frame-step', '1', '--progress', 'none', '--backend', 'cpu', ...extra);
      const stopped = await embed();
      expect(stopped.code).toBe(1);
      expect(stopped.stderr).toMatch(/broken\.mp4: (corrupt|cannot decode|unsupported|truncated)[\s\S]*\(or pass --skip-corrupt to leave such files out\)/);
      const skipped = await embed('--skip-corrupt');
      expect(skipped.code, skipped.stderr).toBe(0);
      expect(skipped.stdout).toContain('features [2, 48]');
      expect(skipped.stdout).toContain('skipped 1 file(s) that failed to decode: broken.mp4');
      const read = await readSafetensorsFile(join(cwd, 'skip.safetensors'));
      expect(JSON.parse(read.metadata.files!)).toEqual(['a.mkv', 'more/b.mp4']);
      expect(JSON.parse(read.metadata.skipped!)[0].file).toBe('broken.mp4');
      expect(maxDiff(read.tensors.get('features')!.data as Float32Array, (await features('videos.safetensors')).data as Float32Array)).toBeLessThan(1e-5);
    } finally {
      rmSync(join(cwd, 'videos', 'broken.mp4'));
    }
  });
});
