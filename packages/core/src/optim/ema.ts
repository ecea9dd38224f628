import * as tf from '@tensorflow/tfjs';
import type { Module } from '../nn/module.js';
import { hasKernel } from '../ops/has-kernel.js';
import { EMA_KERNEL } from './fused-updates.js';

/**
 * Exponential moving average of one module into another of the same architecture:
 * `target = momentum * target + (1 - momentum) * online`, for every parameter (official JEPA).
 */
export function emaUpdate(target: Module, online: Module, momentum: number): void {
  if (!(momentum >= 0 && momentum <= 1)) throw new Error(`emaUpdate: momentum must be in [0, 1], got ${momentum}.`);
  const source = online.variables();
  // One fused kernel per parameter where the backend has it (same bits, see fused-updates.ts).
  const fused = hasKernel(EMA_KERNEL);
  for (const [name, p] of target.namedParameters()) {
    const q = source.get(name);
    if (!q) throw new Error(`emaUpdate: '${name}' exists in the target but not in the online module; they must share one architecture.`);
    if (q.shape.join(',') !== p.variable.shape.join(',')) throw new Error(`emaUpdate: '${name}' is [${p.variable.shape}] in the target but [${q.shape}] in the online module; they must share one architecture.`);
    if (fused) tf.tidy(() => p.variable.assign(tf.engine().runKernel(EMA_KERNEL, { target: p.variable, online: q }, { momentum }) as tf.Tensor));
    else tf.tidy(() => p.variable.assign(tf.add(tf.mul(p.variable, momentum), tf.mul(q, 1 - momentum))));
  }
}
