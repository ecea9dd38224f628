import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../io/checkpoint.js';
import type { CheckpointManifest } from '../io/checkpoint-codec.js';
import { toFloat32Array } from '../io/safetensors.js';
import { readMetricsLog } from './metrics-log.js';
import type { MetricsRecord } from './metrics-record.js';
import type { ProgressStream } from './progress-format.js';
import type { TrainCheckpoint } from './train-checkpoint.js';
import { listTrainCheckpoints } from './train-checkpoints.js';
import type { TrainOptions } from './train-options.js';
import { train } from './trainer.js';
import { TrainingDivergedError } from './training-diverged-error.js';
import { ToyTrainable, type ToyTrainableOptions } from './toy-trainable.js';

function captureStream(isTTY = false): ProgressStream & { text(): string } {
  const chunks: string[] = [];
  return {
    isTTY,
    columns: 120,
    write(text: string) {
      chunks.push(text);
      return true;
    },
    text: () => chunks.join(''),
  };
}

/** Records without their timing fields, which differ from run to run. */
function withoutTimings(records: MetricsRecord[]): Record<string, number>[] {
  return records.map(({ elapsedSeconds: _elapsed, stepsPerSecond: _rate, ...rest }) => rest);
}

describe('train', () => {
  let dir: string;
  let toys: ToyTrainable[];
  let tensorsBefore: number;

  function toy(options: ToyTrainableOptions = {}): ToyTrainable {
    const t = new ToyTrainable(options);
    toys.push(t);
    return t;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jepa-train-'));
    toys = [];
    tensorsBefore = tf.memory().numTensors;
  });

  afterEach(async () => {
    for (const t of toys) t.dispose();
    // (f) nothing leaks: every test ends with exactly the tensors it started with.
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    await rm(dir, { recursive: true, force: true });
  });

  const base = (outDir: string, extra: Partial<TrainOptions> = {}): TrainOptions => ({
    totalSteps: 20,
    outDir: join(dir, outDir),
    checkpointEvery: 4,
    logEvery: 3,
    diagnosticsEvery: 5,
    progress: 'none',
    ...extra,
  });

  it('(a) a run interrupted at step k and resumed ends with exactly the weights and metrics of an uninterrupted run', async () => {
    const reference = toy();
    const referenceResult = await train(reference, base('reference'));
    expect(referenceResult).toMatchObject({ steps: 20, stepsRun: 20, stopReason: 'completed', lastCheckpoint: { name: 'step-000020', reason: 'final' } });
    expect(referenceResult.resumedFrom).toBeUndefined();

    const first = toy();
    const interrupted = await train(first, base('run', { stopAfterStep: 11 }));
    expect(interrupted).toMatchObject({ steps: 11, stopReason: 'stopAfterStep', lastCheckpoint: { name: 'step-000008', step: 8 } });
    // The "crash" also cut a metrics line in half.
    await appendFile(join(dir, 'run', 'metrics.jsonl'), '{"step":12,"epo');

    const second = toy({ initSeed: 99 }); // different initial weights: the checkpoint must overwrite them
    const resumed = await train(second, base('run', { resume: true }));
    expect(resumed.resumedFrom).toMatchObject({ name: 'step-000008', step: 8, dir: join(dir, 'run', 'checkpoints') });
    expect(resumed).toMatchObject({ steps: 20, stepsRun: 12, stopReason: 'completed' });
    expect(second.calls).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(second.snapshot()).toEqual(reference.snapshot());
    expect(resumed.finalLoss).toBe(referenceResult.finalLoss);

    const referenceLines = await readMetricsLog(referenceResult.metricsPath);
    const resumedLines = await readMetricsLog(resumed.metricsPath);
    expect(resumedLines.map((r) => r.step)).toEqual([3, 5, 6, 9, 10, 12, 15, 18, 20]);
    expect(withoutTimings(resumedLines)).toEqual(withoutTimings(referenceLines));

    // The final checkpoints hold the same bytes and the same trainable meta.
    const read = async (run: string) =>
      JSON.parse(await readFile(join(dir, run, 'checkpoints', 'step-000020.json'), 'utf8')) as CheckpointManifest<{ state: unknown }>;
    const [a, b] = [await read('reference'), await read('run')];
    expect(b.tensors.sha256).toBe(a.tensors.sha256);
    expect(b.meta.state).toEqual(a.meta.state);
  });

  it('resumes from the newest checkpoint that verifies, skipping a corrupt one, and says so', async () => {
    const reference = toy();
    await train(reference, base('reference'));
    await train(toy(), base('run', { stopAfterStep: 18 })); // checkpoints 8, 12, 16 (keep 3)
    const path = join(dir, 'run', 'checkpoints', 'step-000016.safetensors');
    const bytes = await readFile(path);
    bytes[bytes.length - 1] ^= 0x55; // same size: only the SHA-256 check notices
    await writeFile(path, bytes);
    const stream = captureStream();
    const resumed = toy({ initSeed: 5 });
    const result = await train(resumed, base('run', { progress: 'lines', stream }));
    expect(result.resumedFrom?.name).toBe('step-000012');
    expect(stream.text()).toMatch(/skipped unusable checkpoint step-000016: Checkpoint 'step-000016' is corrupt/);
    expect(stream.text()).toContain('resumed from checkpoint step-000012 (step 12/20)');
    expect(resumed.snapshot()).toEqual(reference.snapshot());
  });

  it('(b) a non-finite loss at step k stops with TrainingDivergedError and leaves step k-1 as the newest checkpoint', async () => {
    const stream = captureStream();
    const diverging = toy({ nonFiniteAtStep: 7 });
    const error = (await train(diverging, base('run', { checkpointEvery: 5, progress: 'lines', stream })).catch((e: unknown) => e)) as TrainingDivergedError;
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect(error).toMatchObject({ name: 'TrainingDivergedError', step: 7, weightsUnchanged: true, checkpoint: { name: 'step-000006', step: 6, reason: 'diverged' } });
    expect(Number.isNaN(error.loss)).toBe(true);
    expect(error.checkpointPath).toBe(join(dir, 'run', 'checkpoints', 'step-000006.safetensors'));
    expect((error.cause as Error).name).toBe('NonFiniteLossError');
    expect(error.message).toMatch(/diverged at step 7 .*weights are those of step 6.*step-000006.*Lower the learning rate.*gradient clipping.*resume: true/);
    expect(stream.text()).toContain(`[train] ${error.message}`);

    const checkpoints = await listTrainCheckpoints(join(dir, 'run', 'checkpoints'));
    expect(checkpoints.map((c) => c.name)).toEqual(['step-000005', 'step-000006']);
    // Step 6's state, as an uninterrupted 6-step run computes it.
    const reference = toy();
    await train(reference, base('reference', { totalSteps: 6 }));
    const saved = await loadCheckpoint(join(dir, 'run', 'checkpoints'), 'step-000006');
    expect(Array.from(toFloat32Array(saved.tensors.get('model.weight')!))).toEqual(reference.snapshot().weight);
    expect(Array.from(toFloat32Array(saved.tensors.get('optimizer.velocity')!))).toEqual(reference.snapshot().velocity);
    expect((await readMetricsLog(join(dir, 'run', 'metrics.jsonl'))).map((r) => r.step)).toEqual([3, 5, 6]);

    // After "lowering the learning rate", training continues from the saved state.
    const retried = toy();
    const result = await train(retried, base('run', { checkpointEvery: 5, resume: true }));
    expect(result.resumedFrom?.name).toBe('step-000006');
    expect(retried.calls[0]).toBe(7);
  });

  it('(b) does not save again when step k-1 is already checkpointed, nor when trainStep returned NaN after updating', async () => {
    const saves: TrainCheckpoint[] = [];
    const onCheckpoint = (c: TrainCheckpoint) => void saves.push(c);
    const error = (await train(toy({ nonFiniteAtStep: 6 }), base('a', { checkpointEvery: 5, callbacks: { onCheckpoint } })).catch((e: unknown) => e)) as TrainingDivergedError;
    expect(error).toMatchObject({ step: 6, checkpoint: { name: 'step-000005', reason: 'periodic' } });
    expect(saves.map((c) => c.name)).toEqual(['step-000005']);

    const returned = (await train(toy({ returnNaNAtStep: 7 }), base('b', { checkpointEvery: 5 })).catch((e: unknown) => e)) as TrainingDivergedError;
    expect(returned).toBeInstanceOf(TrainingDivergedError);
    expect(returned).toMatchObject({ step: 7, weightsUnchanged: false, checkpoint: { name: 'step-000005' } });
    expect(returned.message).toMatch(/may already have changed the weights.*newest checkpoint is step-000005.*throw NonFiniteLossError/);
    expect((await listTrainCheckpoints(join(dir, 'b', 'checkpoints'))).map((c) => c.name)).toEqual(['step-000005']);

    const atFirst = (await train(toy({ nonFiniteAtStep: 1 }), base('c')).catch((e: unknown) => e)) as TrainingDivergedError;
    expect(atFirst).toMatchObject({ step: 1, checkpoint: { name: 'step-000000', step: 0 } });
  });

  it('(c) metrics.jsonl holds one valid JSON line per logged step, with epochs', async () => {
    const records: MetricsRecord[] = [];
    const result = await train(toy(), {
      epochs: 5,
      stepsPerEpoch: 5,
      outDir: join(dir, 'run'),
      logEvery: 4,
      diagnosticsEvery: 10,
      progress: 'none',
      callbacks: { onStep: (r) => void records.push(r) },
    });
    expect(result.steps).toBe(25);
    const text = await readFile(join(dir, 'run', 'metrics.jsonl'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line) as MetricsRecord);
    expect(lines.map((r) => [r.step, r.epoch])).toEqual([[4, 0], [8, 1], [10, 1], [12, 2], [16, 3], [20, 3], [24, 4], [25, 4]]);
    for (const line of lines) {
      expect(Object.keys(line).slice(0, 5)).toEqual(['step', 'epoch', 'loss', 'lr', 'gradNorm']);
      expect(Object.keys(line).slice(-2)).toEqual(['elapsedSeconds', 'stepsPerSecond']);
      expect(Number.isFinite(line.loss) && line.lr === 0.05 && line.elapsedSeconds >= 0 && line.stepsPerSecond > 0).toBe(true);
      expect('weightNorm' in line).toBe(line.step % 10 === 0);
    }
    // onStep sees every step; the logged ones equal the file's lines.
    expect(records.map((r) => r.step)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(records.filter((r) => lines.some((l) => l.step === r.step))).toEqual(lines);
  });

  it('(d) progress "lines" writes readable lines to the injected stream; "auto" picks lines off a TTY and a bar on one', async () => {
    const stream = captureStream();
    await train(toy(), base('lines', { totalSteps: 10, checkpointEvery: 5, logEvery: 5, progress: 'lines', stream }));
    const lines = stream.text().trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^step 5\/10 \(50%\) epoch 0 \| loss -?\d+(\.\d+)? \| lr 0\.05 gradNorm [\d.e-]+ weightNorm [\d.e-]+ \| [\d.e+]+ steps\/s \| elapsed [\d.]+s \| eta [\d.]+s$/);
    expect(lines[1]).toBe('[train] checkpoint step-000005 saved (step 5, periodic)');
    expect(lines[2]).toMatch(/^step 10\/10 \(100%\) epoch 0 \| loss /);
    expect(lines[3]).toBe('[train] checkpoint step-000010 saved (step 10, final)');
    expect(lines[4]).toMatch(/^\[train\] finished: step 10\/10 \(10 in this call\) in [\d.]+s, final loss [\d.e-]+; checkpoint step-000010\.$/);

    const auto = captureStream(false);
    await train(toy(), base('auto', { totalSteps: 4, logEvery: 2, progress: 'auto', stream: auto }));
    expect(auto.text()).toMatch(/^step 2\/4 \(50%\)/);

    const tty = captureStream(true);
    await train(toy(), base('tty', { totalSteps: 4, progress: 'auto', stream: tty }));
    expect(tty.text()).toContain('\u2588');
    expect(tty.text()).toMatch(/step 4\/4 \| loss [\d.]+/);
    expect(tty.text()).toContain('[train] finished: step 4/4');

    const none = captureStream();
    await train(toy(), base('none', { totalSteps: 4, progress: 'none', stream: none }));
    expect(none.text()).toBe('');
  });

  it('(e) prunes old checkpoints to keepCheckpoints, keeping the newest', async () => {
    const saves: string[] = [];
    await train(toy(), base('run', { totalSteps: 13, checkpointEvery: 2, keepCheckpoints: 2, callbacks: { onCheckpoint: (c) => void saves.push(c.name) } }));
    expect(saves).toEqual(['step-000002', 'step-000004', 'step-000006', 'step-000008', 'step-000010', 'step-000012', 'step-000013']);
    expect((await readdir(join(dir, 'run', 'checkpoints'))).sort()).toEqual([
      'step-000012.json',
      'step-000012.safetensors',
      'step-000013.json',
      'step-000013.safetensors',
    ]);
    // Default: the 3 newest.
    await train(toy(), base('default', { totalSteps: 10, checkpointEvery: 2 }));
    expect((await listTrainCheckpoints(join(dir, 'default', 'checkpoints'))).map((c) => c.step)).toEqual([6, 8, 10]);
  });

  it('stops cleanly on the abort signal, saves a checkpoint there, and resumes from it', async () => {
    const controller = new AbortController();
    const ends: unknown[] = [];
    const result = await train(
      toy(),
      base('run', {
        signal: controller.signal,
        callbacks: { onStep: (r) => (r.step === 6 ? controller.abort() : undefined), onEnd: (r) => void ends.push(r) },
      }),
    );
    expect(result).toMatchObject({ steps: 6, stepsRun: 6, stopReason: 'aborted', lastCheckpoint: { name: 'step-000006', reason: 'aborted' } });
    expect(ends).toEqual([result]);
    const reference = toy();
    await train(reference, base('reference'));
    const resumed = toy();
    await train(resumed, base('run'));
    expect(resumed.calls[0]).toBe(7);
    expect(resumed.snapshot()).toEqual(reference.snapshot());
  });

  it("says how to continue in the caller's words when given a resumeHint", async () => {
    const controller = new AbortController();
    const stream = captureStream();
    await train(toy(), base('hinted', {
      progress: 'lines', stream, signal: controller.signal, resumeHint: 'jepa train toy --out runs/a --resume',
      callbacks: { onStep: (r) => (r.step === 2 ? controller.abort() : undefined) },
    }));
    expect(stream.text()).toContain('stopped by the abort signal after step 2/20; checkpoint step-000002; continue with: jepa train toy --out runs/a --resume');
    expect(stream.text()).not.toContain("resume: 'auto'");
  });

  it('does nothing more when resumed at the end, and refuses to mix runs or resume from nothing', async () => {
    const first = await train(toy(), base('run'));
    const again = toy();
    const result = await train(again, base('run'));
    expect(again.calls).toEqual([]);
    expect(result).toMatchObject({ steps: 20, stepsRun: 0, finalLoss: first.finalLoss, stopReason: 'completed', resumedFrom: { name: 'step-000020' } });
    await expect(train(toy(), base('run', { resume: false }))).rejects.toThrow(
      /checkpoints already holds 3 checkpoint\(s\) \(newest step-000020, step 20\).*resume: 'auto'.*empty outDir/,
    );
    await expect(train(toy(), base('run', { totalSteps: 10 }))).rejects.toThrow(/step-000020 .* is at step 20, past options.totalSteps \(10\)/);
    await expect(train(toy(), base('empty', { resume: true }))).rejects.toThrow(/resume is true but .*holds no loadable checkpoint \(none was written yet\)/);
  });

  it('reports malformed trainables and step results clearly', async () => {
    await expect(train({} as never, base('x'))).rejects.toThrow(/no trainStep, saveState, loadState method/);
    const t = toy();
    const bad = { trainStep: () => ({ value: 1 }), saveState: () => t.saveState(), loadState: () => {} };
    await expect(train(bad as never, base('bad'))).rejects.toThrow(/trainStep\(1\) must return \{ loss: number, ... \}, got \{"value":1\}/);
    const reserved = { ...bad, trainStep: () => ({ loss: 1, step: 3 }) };
    await expect(train(reserved as never, base('reserved'))).rejects.toThrow(/metric named 'step', which the trainer sets itself/);
    // A trainable that reports its own epoch overrides the trainer's count, in place.
    const ownEpoch = { ...bad, trainStep: (step: number) => ({ loss: 1, epoch: 10 + step }) };
    const result = await train(ownEpoch as never, base('epoch', { totalSteps: 3, logEvery: 1 }));
    const lines = await readMetricsLog(result.metricsPath);
    expect(lines.map((r) => Object.keys(r).slice(0, 3))).toEqual([['step', 'epoch', 'loss'], ['step', 'epoch', 'loss'], ['step', 'epoch', 'loss']]);
    expect(lines.map((r) => r.epoch)).toEqual([11, 12, 13]);
    expect((await listTrainCheckpoints(join(dir, 'epoch', 'checkpoints'))).at(-1)?.meta.trainer.epoch).toBe(13);
    const failing = { ...bad, trainStep: (step: number) => { if (step === 3) throw new Error('out of data'); return { loss: 1 }; } };
    const stream = captureStream();
    await expect(train(failing as never, base('failing', { checkpointEvery: 2, progress: 'lines', stream }))).rejects.toThrow('out of data');
    expect(stream.text()).toContain("[train] step 3 failed: out of data (the newest checkpoint is step-000002 (step 2); rerun with resume: 'auto'");
  });
});
