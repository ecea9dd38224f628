import type * as tf from '@tensorflow/tfjs';
import type { StateDictReport } from './state-dict-mismatch-error.js';
import { StateDictMismatchError } from './state-dict-mismatch-error.js';

/** Compares expected shapes with a state dict; `ok` when the keys and shapes match exactly. */
export function diffStateDict(expected: Record<string, readonly number[]>, dict: Record<string, { shape: readonly number[] }>): StateDictReport & {
  /** True when nothing is missing, unexpected or mismatched. */
  ok: boolean;
} {
  const missing: Array<{ key: string; shape: number[] }> = [];
  const mismatched: Array<{ key: string; expected: number[]; actual: number[] }> = [];
  for (const [key, shape] of Object.entries(expected)) {
    const given = dict[key];
    if (!given) missing.push({ key, shape: [...shape] });
    else if (given.shape.length !== shape.length || given.shape.some((d, i) => d !== shape[i])) {
      mismatched.push({ key, expected: [...shape], actual: [...given.shape] });
    }
  }
  const unexpected = Object.keys(dict).filter((k) => !(k in expected)).map((key) => ({ key, shape: [...dict[key]!.shape] }));
  return { missing, unexpected, mismatched, ok: !missing.length && !unexpected.length && !mismatched.length };
}

/** Something with a strict PyTorch-layout state dict (a `Module`). */
export interface StateDictHolder {
  /** The PyTorch-layout shape of every parameter, by dotted name. */
  stateDictShapes(): Record<string, number[]>;
  /**
   * Loads PyTorch-layout tensors by dotted name; throws (loading nothing) unless keys and shapes match
   * exactly.
   */
  loadStateDict(dict: Record<string, tf.Tensor>, source?: string): void;
}

/**
 * Loads `<prefix>.<key>` tensors into several modules at once (e.g. `encoder.`, `predictor.`,
 * `target_encoder.`), strictly: all modules are checked before any is written, and every missing,
 * unexpected or mismatched key of all of them is reported together.
 */
export function loadPrefixedStrict(parts: Record<string, StateDictHolder>, dict: Record<string, tf.Tensor>, source?: string): void {
  const expected: Record<string, number[]> = {};
  for (const [prefix, module] of Object.entries(parts)) {
    for (const [k, shape] of Object.entries(module.stateDictShapes())) expected[`${prefix}.${k}`] = shape;
  }
  const report = diffStateDict(expected, dict);
  if (!report.ok) throw new StateDictMismatchError(report, source);
  for (const [prefix, module] of Object.entries(parts)) {
    const own: Record<string, tf.Tensor> = {};
    const start = prefix.length + 1;
    for (const [key, t] of Object.entries(dict)) if (key.startsWith(`${prefix}.`)) own[key.slice(start)] = t;
    module.loadStateDict(own, source);
  }
}
