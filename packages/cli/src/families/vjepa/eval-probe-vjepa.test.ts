import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { toTfTensor } from '@jepa/core';
import { loadCheckpoint, readSafetensorsFile, saveCheckpoint } from '@jepa/core/node';
import { createVJepa, type VJepaTrainingConfig } from '@jepa/video';
import { readVideoClips } from '@jepa/video/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../run-cli.js';
import { captureIo } from '../../test-io.js';

const cwd = mkdtempSync(join(tmpdir(), 'jepa-probe-vjepa-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
/**
 * As train-vjepa.test.ts: Moving MNIST clips of 4 frames at 16 x 16 grey, a 16-wide 1-deep video ViT. 26 train clips:
 * the first with every digit and every one of the 8 directions (the low-shot probe needs each class), 12 test clips.
 */
const TINY = [
  '--train-clips', '26', '--test-clips', '12', '--num-frames', '4', '--image-size', '16', '--patch-size', '4',
  '--embed-dim', '16', '--depth', '1', '--num-heads', '2', '--predictor-embed-dim', '16', '--predictor-depth', '1',
  '--batch-size', '4', '--backend', 'cpu', '--progress', 'none',
];

async function jepa(...argv: string[]) {
  const capture = captureIo(cwd);
  const code = await runCli(argv, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

/** The rows of a V-JEPA probe table (`| vjepa | 40.0% ± 5.0% (1/class) | 50.0% |`). */
const tableRows = (text: string) => text.split('\n').filter((line) => /^\| (vjepa|random-encoder|pixels)/.test(line));

describe('jepa eval probe on a V-JEPA run (tiny Moving MNIST)', () => {
  let trained: Awaited<ReturnType<typeof jepa>>;
  beforeAll(async () => {
    trained = await jepa('train', 'vjepa', ...TINY, '--steps', '2', '--shots', '1', '--draws', '2', '--out', 'run');
    expect(trained.code, trained.stderr).toBe(0);
  });

  it('rebuilds the V-JEPA from its checkpoint and prints the probe table of train vjepa, number for number', async () => {
    const { code, stdout, stderr } = await jepa('eval', 'probe', '--checkpoint', 'run', '--baselines', '--shots', '1', '--draws', '2', '--backend', 'cpu');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('step-000002.safetensors (step 2)');
    expect(stdout).toContain('V-JEPA target encoder: video ViT 16x1, 2 heads, grid 2x4x4');
    expect(stdout).toMatch(/Moving MNIST .*data \(digits\.csv\): probes trained on 26 clips, scored on 12 clips \(task: digit\)/);
    const rows = tableRows(stdout);
    expect(rows.map((r) => r.split(' | ')[0])).toEqual(['| vjepa', '| random-encoder', '| pixels']);
    expect(rows).toEqual(tableRows(trained.stdout));
    expect(stdout).toContain('| features | low-shot (mean ± std) | full-label |');
  });

  it('probes the motion direction, one checkpoint file, the context encoder, low-shot only; writes JSON; leaks no tensor', async () => {
    const probe = () =>
      jepa('eval', 'probe', '--checkpoint', 'run/checkpoints/step-000001.json', '--task', 'direction', '--encoder', 'context', '--no-full', '--draws', '1', '--out', 'probe.json', '--backend', 'cpu');
    const first = await probe();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('(step 1)');
    expect(first.stdout).toContain('(directions.csv)');
    expect(first.stdout).toMatch(/\| vjepa \(context encoder\) \| \d+\.\d% ± 0\.0% \(\d+\/class\) \| - \|/);
    const written = JSON.parse(readFileSync(join(cwd, 'probe.json'), 'utf8'));
    expect(written).toMatchObject({ format: 'jepa-probe-report', model: 'vjepa', step: 1, encoder: 'context', full: false, draws: 1 });
    expect(written.data).toMatchObject({ task: 'direction', trainClips: 26, testClips: 12 });
    expect(written.rows).toHaveLength(1);
    expect(written.rows[0].full).toBeUndefined();
    expect(written.rows[0].lowShot.accuracies).toHaveLength(1);
    // Direction labels are not digit labels: the train clips' labels come from directions.csv.
    const directions = readFileSync(join(cwd, 'run', 'data', 'train', 'directions.csv'), 'utf8');
    const digits = readFileSync(join(cwd, 'run', 'data', 'train', 'digits.csv'), 'utf8');
    expect(directions).not.toEqual(digits);
    const before = tf.memory().numTensors;
    expect((await probe()).code).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('takes another dataset: an index file whose first --train-limit clips train and next --eval-limit score', async () => {
    // The first 23 train clips hold every digit, so the 3 after them are classes the probe knows.
    const { code, stdout, stderr } = await jepa(
      'eval', 'probe', '--checkpoint', 'run', '--dataset', 'run/data/train/digits.csv', '--train-limit', '23', '--eval-limit', '3', '--draws', '1', '--backend', 'cpu',
    );
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('digits.csv: the first 23 clips train, the next 3 score: probes trained on 23 clips, scored on 3 clips (task: digit)');
    expect(tableRows(stdout)).toHaveLength(1);
  });

  it('explains options that do not apply, and lists the keys of a checkpoint that does not fit its model', async () => {
    const fraction = await jepa('eval', 'probe', '--checkpoint', 'run', '--held-out-fraction', '0.3', '--backend', 'cpu');
    expect(fraction.code).toBe(1);
    expect(fraction.stderr).toContain('--held-out-fraction applies to image folders');
    const task = await jepa('eval', 'probe', '--checkpoint', 'run', '--dataset', 'run/data/test/labels.json', '--task', 'direction', '--backend', 'cpu');
    expect(task.code).toBe(1);
    expect(task.stderr).toContain('--task direction: chooses between the index files of a Moving MNIST folder');

    const good = await loadCheckpoint<Record<string, unknown>>(join(cwd, 'run', 'checkpoints'), 'step-000002');
    const tensors = Object.fromEntries(good.tensors);
    delete tensors['target_encoder.norm.weight'];
    await saveCheckpoint(join(cwd, 'broken'), 'step-000002', { tensors, meta: good.meta });
    const broken = await jepa('eval', 'probe', '--checkpoint', 'broken/step-000002.json', '--dataset', 'run/data', '--backend', 'cpu');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('does not match the model; nothing was loaded');
    expect(broken.stderr).toMatch(/missing \(1\)[\s\S]*target_encoder\.norm\.weight/);
    const outside = await jepa('eval', 'probe', '--checkpoint', 'broken/step-000002.json', '--backend', 'cpu');
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('is not inside a run folder of `jepa train vjepa`');
  });

  it('jepa embed reads the run checkpoint: heads, frames and normalisation from its config, grey clips', async () => {
    const { code, stdout, stderr } = await jepa('embed', '--checkpoint', 'run', '--input', 'run/data/test/videos', '--out', 'mm.safetensors', '--progress', 'none', '--backend', 'cpu');
    expect(code, stderr).toBe(0);
    expect(stderr).toContain("(video ViT 16x1, 2 heads, tubelet 2x4x4, clip 4x16x16 (frames from the run's config), grid 2x4x4)");
    expect(stderr).toContain("16 x 16 grey; normalisation: the run's normalisation");
    expect(stdout).toContain('features [12, 16]');
    const read = await readSafetensorsFile(join(cwd, 'mm.safetensors'));
    expect(JSON.parse(read.metadata.files!)[0]).toBe('000000.mp4');

    // By hand: the V-JEPA of the checkpoint's config with its weights, the first video's centred clip
    // (4 frames at the run's frame step 1, 16 x 16 grey), the run's normalisation, tokens averaged.
    const checkpoint = await loadCheckpoint<{ state: { config: VJepaTrainingConfig } }>(join(cwd, 'run', 'checkpoints'), 'step-000002');
    const config = checkpoint.meta.state.config;
    const model = createVJepa(config.model);
    const weights = Object.fromEntries([...checkpoint.tensors].filter(([key]) => !key.startsWith('optimizer.')).map(([key, t]) => [key, toTfTensor(t, key)]));
    try {
      model.loadStateDict(weights);
      expect(config.frameStep).toBe(1);
      const clip = (await readVideoClips(join(cwd, 'run', 'data', 'test', 'videos', '000000.mp4'), { numFrames: 4, frameStep: 1, size: 16, pixelFormat: 'gray' }, { placement: 'center' }))!;
      expect(clip.indices).toEqual([[0, 1, 2, 3]]); // every frame of the 4-frame video, not frame 0 and three copies of frame 3
      const { mean, std } = config.normalization!;
      const input = clip.clips[0]!.data.map((v) => (v - mean[0]!) / std[0]!);
      const expected = tf.tidy(() => tf.mean(model.targetEncoder.encode(tf.tensor5d(input, [1, 4, 16, 16, 1])), 1).dataSync());
      const row = (read.tensors.get('features')!.data as Float32Array).subarray(0, 16);
      for (let d = 0; d < 16; d++) expect(Math.abs(row[d]! - expected[d]!)).toBeLessThan(1e-5);
    } finally {
      tf.dispose(Object.values(weights));
      model.dispose();
    }
  });
});
