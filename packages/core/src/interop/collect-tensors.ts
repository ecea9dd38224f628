import { TorchCheckpointError } from './torch-checkpoint-error.js';
import { isTorchTensor, type TorchTensor } from './torch-tensor.js';

/** Bounds for {@link collectTensors}. */
export interface CollectTensorsOptions {
  /** Deepest nesting followed. Default 1000. */
  readonly maxDepth?: number;
  /** Most containers and values visited (shared sub-trees count each time). Default 10,000,000. */
  readonly maxVisits?: number;
}

/**
 * Flattens the tensors in a value read by `parseTorchCheckpoint` into an ordered map from dotted
 * names to tensors, the way PyTorch names state-dict entries: `{encoder: {'module.pos_embed': t}}`
 * gives `encoder.module.pos_embed`. Dicts (plain objects or `Map`s) contribute their keys; lists
 * and tuples their indices (`opt.state.0.exp_avg`). Other values (numbers, strings, None, ...)
 * are skipped. A tensor reachable under two names appears under both.
 *
 * @param prefix prepended to every name with a dot (`collectTensors(ckpt.encoder, 'encoder')`).
 * @throws TorchCheckpointError on a reference cycle or when a bound is exceeded.
 */
export function collectTensors(value: unknown, prefix = '', options: CollectTensorsOptions = {}): Map<string, TorchTensor> {
  const maxDepth = options.maxDepth ?? 1000;
  const maxVisits = options.maxVisits ?? 10_000_000;
  const out = new Map<string, TorchTensor>();
  const path = new Set<object>();
  let visits = 0;

  const visit = (node: unknown, name: string, depth: number): void => {
    if (++visits > maxVisits) {
      throw new TorchCheckpointError(`more than ${maxVisits} values to visit.`, { key: name }, 'raise options.maxVisits.');
    }
    if (isTorchTensor(node)) {
      if (out.has(name)) {
        throw new TorchCheckpointError('two tensors flatten to the same name.', { key: name },
          'rename one of the keys; dotted keys and nested dicts can collide.');
      }
      out.set(name, node);
      return;
    }
    if (typeof node !== 'object' || node === null || ArrayBuffer.isView(node) || node instanceof Set) return;
    if (depth >= maxDepth) {
      throw new TorchCheckpointError(`values nest deeper than ${maxDepth} levels.`, { key: name }, 'raise options.maxDepth.');
    }
    if (path.has(node)) {
      throw new TorchCheckpointError('the value contains itself (a reference cycle).', { key: name },
        'collect tensors from a sub-value without the cycle.');
    }
    path.add(node);
    const child = (key: unknown) => (name === '' ? String(key) : `${name}.${String(key)}`);
    if (Array.isArray(node)) node.forEach((item, index) => visit(item, child(index), depth + 1));
    else if (node instanceof Map) for (const [key, item] of node) visit(item, child(key), depth + 1);
    else for (const key of Object.keys(node)) visit((node as Record<string, unknown>)[key], child(key), depth + 1);
    path.delete(node);
  };

  visit(value, prefix, 0);
  return out;
}
