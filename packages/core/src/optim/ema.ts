import * as tf from '@tensorflow/tfjs';
import type { Module } from '../nn/module.js';

/**
 * Exponential moving average of one module into another of the same architecture:
 * `target = momentum * target + (1 - momentum) * online`, for every parameter (official JEPA).
 */
export function emaUpdate(target: Module, online: Module, momentum: number): void {
  if (!(momentum >= 0 && momentum <= 1)) throw new Error(`emaUpdate: momentum must be in [0, 1], got ${momentum}.`);
  const source = online.variables();
  for (const [name, p] of target.namedParameters()) {
    const q = source.get(name);
    if (!q) throw new Error(`emaUpdate: '${name}' exists in the target but not in the online module; they must share one architecture.`);
    tf.tidy(() => p.variable.assign(tf.add(tf.mul(p.variable, momentum), tf.mul(q, 1 - momentum))));
  }
}
