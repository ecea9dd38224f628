import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { HostTensor } from '../io/safetensors.js';
import { toTfTensor } from '../io/safetensors.js';
import { ToyTrainable } from '../train/toy-trainable.js';
import type { StepMetrics } from '../train/trainable.js';
import { checkExactResume } from './check-exact-resume.js';
import { checkNoTensorLeaks } from './check-no-tensor-leaks.js';
import { checkStrictLoading } from './check-strict-loading.js';
import { checkTrainableConformance } from './check-trainable-conformance.js';

/** Restores everything but the RNG: the resumed run draws the noise of a fresh run again. */
class ForgetsRngOnLoad extends ToyTrainable {
  override loadState(tensors: Map<string, HostTensor>, meta: Record<string, unknown>): void {
    const rng = this.rng;
    super.loadState(tensors, meta);
    this.rng = rng;
  }
}

/** Keeps one tensor per update and never frees it. */
class LeaksPerStep extends ToyTrainable {
  readonly kept: tf.Tensor[] = [];
  override trainStep(step: number): StepMetrics {
    this.kept.push(tf.scalar(step));
    return super.trainStep(step);
  }
}

/** Drops keys it does not know instead of refusing them. */
class IgnoresUnexpectedTensors extends ToyTrainable {
  override loadState(tensors: Map<string, HostTensor>, meta: Record<string, unknown>): void {
    super.loadState(new Map([...tensors].filter(([key]) => key.startsWith('model.') || key.startsWith('optimizer.'))), meta);
  }
}

/** Assigns tensor after tensor and fails half-way, ignoring the kind. */
class LoadsPartially extends ToyTrainable {
  override loadState(tensors: Map<string, HostTensor>): void {
    for (const [key, variable] of Object.entries(this.variables())) {
      const host = tensors.get(key);
      if (!host) throw new Error(`tensor '${key}' is missing`);
      const value = toTfTensor(host, key);
      try {
        variable.assign(value);
      } catch {
        throw new Error(`tensor '${key}' does not fit`);
      } finally {
        value.dispose();
      }
    }
  }
}

describe('trainable conformance checks', () => {
  it('pass for the trainer\'s toy trainable, and leave no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const report = await checkTrainableConformance({ create: () => new ToyTrainable(), name: 'ToyTrainable' }, { exactResume: { steps: 6, resumeAfter: 4 } });
    expect(report).toEqual({ passed: ['exact resume', 'no tensor leaks', 'strict loading'], skipped: [] });
    const strict = await checkStrictLoading({ create: () => new ToyTrainable() });
    expect(strict.refused).toHaveLength(6); // 2 keys x (missing, mis-shaped), an unexpected tensor, another kind
    expect(tf.memory().numTensors).toBe(before);
  });

  it('catch a loadState that forgets the RNG: the resumed losses differ', async () => {
    await expect(checkExactResume({ create: () => new ForgetsRngOnLoad() })).rejects.toThrow(
      /checkExactResume\(ForgetsRngOnLoad\): resumed after update 2, update 3 had loss .* where the uninterrupted run had .*; saveState\(\)\/loadState\(\) miss part of the state/,
    );
  });

  it('catch a tensor leaked per update, naming the update', async () => {
    const before = tf.memory().numTensors;
    const destroy = (t: LeaksPerStep) => {
      t.dispose();
      tf.dispose(t.kept); // so that this test itself leaves nothing behind
    };
    await expect(checkNoTensorLeaks({ create: () => new LeaksPerStep(), destroy })).rejects.toThrow(/checkNoTensorLeaks\(LeaksPerStep\): trainStep\(2\) left 1 tensor\(s\) more \(\d+ -> \d+\); dispose what it creates/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('catch a loadState that accepts an unexpected tensor', async () => {
    await expect(checkStrictLoading({ create: () => new IgnoresUnexpectedTensors() })).rejects.toThrow(/a state with an unexpected tensor 'conformance_check.unexpected_tensor' was accepted/);
  });

  it('catch a loadState that changes weights before refusing, or ignores the kind', async () => {
    const error = await checkStrictLoading({ create: () => new LoadsPartially() }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/a state without tensor 'optimizer.velocity' was refused after changing the state: tensor 'model.weight' differs/);
    expect(message).toMatch(/a state of kind 'toy-other-kind' was accepted/);
    expect(message).not.toMatch(/without tensor 'model.weight'/); // refused before anything changed: fine
  });

  it('report every failing check at once', async () => {
    const error = await checkTrainableConformance({ create: () => new ForgetsRngOnLoad(), name: 'forgetful' }, { noTensorLeaks: false }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^checkTrainableConformance\(forgetful\): 2 of 2 checks failed:\n\nexact resume: checkExactResume\(forgetful\): resumed after update 2/);
    // Loading the intact state does not restore it either: the strict-loading check's last step sees the RNG.
    expect((error as Error).message).toMatch(/\n\nstrict loading: checkStrictLoading\(forgetful\)[\s\S]*the intact saved state loaded, but saveState\(\) then differs from it: meta is/);
  });
});
