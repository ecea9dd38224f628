import * as tf from '@tensorflow/tfjs';
import type { HostTensor } from '../io/safetensors.js';
import type { Trainable } from '../train/trainable.js';
import { trainableName, withTrainable, type TrainableHarness } from './trainable-harness.js';
import { diffSnapshots, firstLines, snapshotState, type StateSnapshot } from './trainable-snapshot.js';

/** Options of {@link checkStrictLoading}. */
export interface StrictLoadingOptions {
  /** Keys to drop and to mis-shape, one at a time. Default: the first and the last key of the saved state. */
  readonly keys?: readonly string[];
}

/** What {@link checkStrictLoading} tried. */
export interface StrictLoadingReport {
  /** The corrupted states that were refused as they should be. */
  readonly refused: string[];
  /** Cases that could not be built, with the reason (e.g. no `kind` tag in the meta). */
  readonly skipped: string[];
}

interface Corruption {
  readonly label: string;
  /** What the error message must contain. */
  readonly names: string;
  readonly tensors: Map<string, HostTensor>;
  readonly meta: Record<string, unknown>;
}

const UNEXPECTED_KEY = 'conformance_check.unexpected_tensor';

/** A zero-filled host tensor of `tensor`'s dtype with one more element along its last axis (`[2]` for a scalar). */
function misShaped(tensor: HostTensor): HostTensor {
  const shape = tensor.shape.length === 0 ? [2] : [...tensor.shape.slice(0, -1), tensor.shape.at(-1)! + 1];
  const size = shape.reduce((a, b) => a * b, 1);
  const Typed = tensor.data.constructor as new (length: number) => HostTensor['data'];
  return { dtype: tensor.dtype, shape, data: new Typed(size) } as HostTensor;
}

function corruptions(saved: StateSnapshot, keys: readonly string[], skipped: string[]): Corruption[] {
  const out: Corruption[] = [];
  const variant = (change: (tensors: Map<string, HostTensor>) => void) => {
    const tensors = new Map(saved.tensors);
    change(tensors);
    return tensors;
  };
  for (const key of keys) {
    const tensor = saved.tensors.get(key);
    if (!tensor) throw new Error(`checkStrictLoading: options.keys names '${key}', which the saved state does not hold (it holds ${saved.tensors.size} keys, e.g. '${[...saved.tensors.keys()][0]}').`);
    out.push({ label: `a state without tensor '${key}'`, names: key, tensors: variant((t) => t.delete(key)), meta: saved.meta });
    const wrong = misShaped(tensor);
    out.push({ label: `a state whose '${key}' is [${wrong.shape.join(', ')}] instead of [${tensor.shape.join(', ')}]`, names: key, tensors: variant((t) => t.set(key, wrong)), meta: saved.meta });
  }
  const extra: HostTensor = { dtype: 'F32', shape: [1], data: new Float32Array(1) };
  out.push({ label: `a state with an unexpected tensor '${UNEXPECTED_KEY}'`, names: UNEXPECTED_KEY, tensors: variant((t) => t.set(UNEXPECTED_KEY, extra)), meta: saved.meta });
  if (typeof saved.meta.kind === 'string') {
    const other = `${saved.meta.kind}-other-kind`;
    out.push({ label: `a state of kind '${other}'`, names: other, tensors: saved.tensors, meta: { ...saved.meta, kind: other } });
  } else {
    skipped.push('another kind: the saved meta has no string `kind` tag');
  }
  return out;
}

/**
 * Strict loading: a trainable that has trained one update saves its state; a fresh one must then
 * refuse, with an error naming the offending key (or kind), a state with one tensor missing, one
 * mis-shaped, one unexpected tensor, and one with another `kind` in its meta (when the meta has a
 * `kind`), and after each refusal its state (every tensor and the meta) must be unchanged, with no
 * tensor leaked. Finally the intact state must load and reproduce the saved one exactly.
 *
 * @throws an Error listing every corrupted state that was accepted, refused without naming the
 *   key, or refused after changing the state.
 */
export async function checkStrictLoading<T extends Trainable>(harness: TrainableHarness<T>, options: StrictLoadingOptions = {}): Promise<StrictLoadingReport> {
  let who = harness.name ?? 'trainable';
  const saved = await withTrainable(harness, async (trainable) => {
    who = trainableName(harness, trainable);
    await trainable.trainStep(1);
    return snapshotState(trainable);
  });
  const savedKeys = [...saved.tensors.keys()];
  if (savedKeys.length === 0) throw new Error(`checkStrictLoading(${who}): saveState() returned no tensors; a trainable that trains must save its weights.`);
  const keys = options.keys ?? [...new Set([savedKeys[0]!, savedKeys.at(-1)!])];
  const skipped: string[] = [];
  const cases = corruptions(saved, keys, skipped);
  const refused: string[] = [];
  const failures: string[] = [];
  for (const corruption of cases) {
    // A fresh trainable per case, so a case that wrongly changed the state does not spill into the next.
    await withTrainable(harness, async (trainable) => {
      const pristine = await snapshotState(trainable);
      const tensorsBefore = tf.memory().numTensors;
      let error: unknown;
      try {
        await trainable.loadState(corruption.tensors, corruption.meta);
      } catch (caught) {
        error = caught;
      }
      const leaked = tf.memory().numTensors - tensorsBefore;
      const changed = diffSnapshots(pristine, await snapshotState(trainable));
      const message = error instanceof Error ? error.message : String(error);
      const problems: string[] = [];
      if (error === undefined) problems.push(`${corruption.label} was accepted`);
      else if (!message.includes(corruption.names)) problems.push(`${corruption.label} was refused, but the error does not name '${corruption.names}': ${JSON.stringify(message.slice(0, 300))}`);
      if (changed.length > 0) problems.push(`${corruption.label} ${error === undefined ? 'was loaded' : 'was refused after changing the state'}: ${firstLines(changed, 3)}`);
      if (leaked !== 0) problems.push(`loading ${corruption.label} changed the tensor count by ${leaked}`);
      if (problems.length === 0) refused.push(corruption.label);
      failures.push(...problems);
    });
  }
  await withTrainable(harness, async (trainable) => {
    try {
      await trainable.loadState(saved.tensors, saved.meta);
    } catch (error) {
      failures.push(`the intact saved state was refused: ${(error as Error)?.message ?? String(error)}`);
      return;
    }
    const restored = diffSnapshots(saved, await snapshotState(trainable));
    if (restored.length > 0) failures.push(`the intact saved state loaded, but saveState() then differs from it: ${firstLines(restored, 3)}`);
  });
  if (failures.length > 0) {
    throw new Error(
      `checkStrictLoading(${who}): loadState() must refuse a state that does not match, name what is wrong, and load nothing then:\n  - ${failures.join('\n  - ')}`,
    );
  }
  return { refused, skipped };
}
