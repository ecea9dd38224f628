import type * as tf from '@tensorflow/tfjs';
import { diffStateDict, type StateDictHolder } from '../nn/state-dict-diff.js';
import { StateDictMismatchError } from '../nn/state-dict-mismatch-error.js';
import { checkpointTensorToTf, type CheckpointTensor } from './checkpoint-file.js';

/** Tensors of one model module, keyed by their names inside it (`blocks.0.attn.qkv.weight`). */
export type ModuleTensors = ReadonlyMap<string, CheckpointTensor>;

/** Converts checkpoint tensors to tf tensors, calls `load` with them, and disposes them whatever happens. */
export function withTfTensors(entries: Iterable<readonly [string, CheckpointTensor]>, load: (dict: Record<string, tf.Tensor>) => void): void {
  const dict: Record<string, tf.Tensor> = {};
  try {
    for (const [key, tensor] of entries) dict[key] = checkpointTensorToTf(tensor, key);
    load(dict);
  } finally {
    for (const t of Object.values(dict)) t.dispose();
  }
}

/**
 * Loads checkpoint tensors into several modules at once, strictly: shapes of every module are
 * checked against `<module>.<key>` names before any tensor is converted, every missing,
 * unexpected and mis-shaped key is listed in one {@link StateDictMismatchError}, and then nothing
 * was loaded.
 *
 * @param parts the modules by their checkpoint names (`encoder`, `predictor`, `target_encoder`)
 * @param tensors each module's tensors (a module absent from `tensors` counts as all missing)
 */
export function loadModuleTensorsStrict(parts: Record<string, StateDictHolder>, tensors: ReadonlyMap<string, ModuleTensors>, source: string): void {
  const expected: Record<string, number[]> = {};
  for (const [name, module] of Object.entries(parts)) {
    for (const [key, shape] of Object.entries(module.stateDictShapes())) expected[`${name}.${key}`] = shape;
  }
  const entries: Array<[string, CheckpointTensor]> = [];
  for (const [name, moduleTensors] of tensors) for (const [key, t] of moduleTensors) entries.push([`${name}.${key}`, t]);
  const report = diffStateDict(expected, Object.fromEntries(entries.map(([key, t]) => [key, { shape: t.shape }])));
  if (!report.ok) throw new StateDictMismatchError(report, source);
  withTfTensors(entries, (dict) => {
    for (const [name, module] of Object.entries(parts)) {
      const own: Record<string, tf.Tensor> = {};
      for (const key of Object.keys(module.stateDictShapes())) own[key] = dict[`${name}.${key}`]!;
      module.loadStateDict(own, source);
    }
  });
}

/** The `epoch` a checkpoint's metadata records (official: epochs completed), if it is a whole number. */
export function recordedEpoch(metadata: Record<string, unknown>): number | undefined {
  const raw = metadata.epoch;
  const value = typeof raw === 'string' || typeof raw === 'bigint' ? Number(raw) : raw;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Groups checkpoint tensors by their first dotted component when it names a module (`encoder.`,
 * `predictor.`, `target_encoder.`): `groups` maps each module to its tensors keyed without that
 * component; everything else (optimizer state, ...) goes to `other` under its full key.
 */
export function groupTensorsByModule<Name extends string>(
  tensors: Iterable<readonly [string, CheckpointTensor]>,
  moduleNames: readonly Name[],
): {
  /** Each module present, with its tensors keyed without the module name. */
  groups: Map<Name, Map<string, CheckpointTensor>>;
  /** Every other tensor, under its full key. */
  other: Map<string, CheckpointTensor>;
} {
  const groups = new Map<Name, Map<string, CheckpointTensor>>();
  const other = new Map<string, CheckpointTensor>();
  for (const [key, tensor] of tensors) {
    const dot = key.indexOf('.');
    const head = dot < 0 ? key : key.slice(0, dot);
    if (dot > 0 && (moduleNames as readonly string[]).includes(head)) {
      const name = head as Name;
      if (!groups.has(name)) groups.set(name, new Map());
      groups.get(name)!.set(key.slice(dot + 1), tensor);
    } else {
      other.set(key, tensor);
    }
  }
  return { groups, other };
}
