import * as tf from '@tensorflow/tfjs';
import { fromTfTensor, type HostTensor } from '../io/safetensors.js';
import type { Trainable, TrainableState } from '../train/trainable.js';

/** A trainable's saved state in host memory: what `saveState()` returned, copied, with its temporaries freed. */
export interface StateSnapshot {
  /** The state's tensors by name, copied to host memory. */
  readonly tensors: Map<string, HostTensor>;
  /** The state's JSON metadata. */
  readonly meta: Record<string, unknown>;
}

function isHostTensor(value: tf.Tensor | HostTensor): value is HostTensor {
  return ArrayBuffer.isView((value as HostTensor).data);
}

/** A host copy of one state tensor. */
function hostCopy(value: tf.Tensor | HostTensor, key: string): HostTensor {
  if (!isHostTensor(value)) return fromTfTensor(value, key);
  return { ...value, shape: [...value.shape], data: value.data.slice() } as HostTensor;
}

/**
 * Calls `saveState()`, copies its tensors to the host and its meta through JSON (as a checkpoint
 * stores it), then calls the state's `dispose()`.
 */
export async function snapshotState(trainable: Trainable): Promise<StateSnapshot> {
  const state: TrainableState = await trainable.saveState();
  try {
    const tensors = new Map<string, HostTensor>();
    for (const [key, value] of Object.entries(state.tensors)) tensors.set(key, hostCopy(value, key));
    return { tensors, meta: JSON.parse(JSON.stringify(state.meta)) as Record<string, unknown> };
  } finally {
    state.dispose?.();
  }
}

function bytesOf(tensor: HostTensor): Buffer {
  return Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
}

function describeDifference(key: string, expected: HostTensor, actual: HostTensor): string {
  if (expected.dtype !== actual.dtype || expected.shape.join(',') !== actual.shape.join(',')) {
    return `'${key}' is ${actual.dtype} [${actual.shape.join(', ')}], expected ${expected.dtype} [${expected.shape.join(', ')}]`;
  }
  let differing = 0;
  let largest = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const a = Number(expected.data[i]);
    const b = Number(actual.data[i]);
    if (!Object.is(a, b)) {
      differing += 1;
      largest = Math.max(largest, Math.abs(a - b));
    }
  }
  return `'${key}' differs in ${differing} of ${expected.data.length} values (largest |difference| ${largest})`;
}

/**
 * Every way `actual` differs from `expected`, bit for bit: missing, unexpected or different
 * tensors, then the meta (compared as JSON). `[]` when identical.
 */
export function diffSnapshots(expected: StateSnapshot, actual: StateSnapshot): string[] {
  const problems: string[] = [];
  for (const [key, tensor] of expected.tensors) {
    const other = actual.tensors.get(key);
    if (!other) problems.push(`tensor '${key}' is missing`);
    else if (other.dtype !== tensor.dtype || other.shape.join(',') !== tensor.shape.join(',') || !bytesOf(other).equals(bytesOf(tensor))) {
      problems.push(`tensor ${describeDifference(key, tensor, other)}`);
    }
  }
  for (const key of actual.tensors.keys()) if (!expected.tensors.has(key)) problems.push(`tensor '${key}' is unexpected`);
  const metaExpected = JSON.stringify(expected.meta);
  const metaActual = JSON.stringify(actual.meta);
  if (metaExpected !== metaActual) problems.push(`meta is ${metaActual}, expected ${metaExpected}`);
  return problems;
}

/** The first `limit` lines of a list, with a count of the rest. */
export function firstLines(lines: readonly string[], limit = 5): string {
  const shown = lines.slice(0, limit).join('; ');
  return lines.length > limit ? `${shown}; and ${lines.length - limit} more` : shown;
}
