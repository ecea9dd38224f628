import * as tf from '@tensorflow/tfjs';
import { measureCollapse } from '../eval/collapse.js';
import { toTfTensor, type HostTensor } from '../io/safetensors.js';
import type { StateDict } from '../nn/module.js';
import type { AdamW } from '../optim/adamw.js';
import type { TrainableState } from './trainable.js';

/** A model whose weights are one prefixed, strict state dict (e.g. `encoder.`, `predictor.`, `target_encoder.`). */
export interface StateDictModel {
  stateDict(): StateDict;
  loadStateDict(dict: StateDict, source?: string): void;
}

const OPTIMIZER_PREFIX = 'optimizer.';

/**
 * A training checkpoint of a model and its AdamW: the weights under their own names, the moments
 * under `optimizer.<param>.exp_avg(_sq)`, and `{kind, config, optimizerStep}` as metadata. The
 * config goes through JSON so the metadata is plain JSON (no undefined fields).
 */
export function saveModelTrainingState(kind: string, config: unknown, model: StateDictModel, optimizer: AdamW): TrainableState {
  const tensors: Record<string, tf.Tensor> = model.stateDict();
  const opt = optimizer.stateDict();
  for (const [key, t] of Object.entries(opt.tensors)) tensors[`${OPTIMIZER_PREFIX}${key}`] = t;
  return {
    tensors,
    meta: { kind, config: JSON.parse(JSON.stringify(config)), optimizerStep: opt.step },
    dispose: () => tf.dispose(Object.values(tensors)),
  };
}

/**
 * Restores {@link saveModelTrainingState} output strictly: a checkpoint of another kind, or weights
 * or moments that do not match, throw before anything is changed (the model's strict state-dict
 * load checks every key; AdamW checks its moments).
 */
export function loadModelTrainingState(kind: string, model: StateDictModel, optimizer: AdamW, tensors: Map<string, HostTensor>, meta: Record<string, unknown>, source = 'checkpoint'): void {
  if (meta.kind !== undefined && meta.kind !== kind) throw new Error(`${source}: a ${String(meta.kind)} checkpoint, not a ${kind} one; point at a ${kind} run.`);
  const weights: StateDict = {};
  const moments: StateDict = {};
  try {
    for (const [key, host] of tensors) {
      if (key.startsWith(OPTIMIZER_PREFIX)) moments[key.slice(OPTIMIZER_PREFIX.length)] = toTfTensor(host, key);
      else weights[key] = toTfTensor(host, key);
    }
    model.loadStateDict(weights, source);
    optimizer.loadStateDict({ step: Number(meta.optimizerStep ?? 0), tensors: moments }, source);
  } finally {
    tf.dispose([...Object.values(weights), ...Object.values(moments)]);
  }
}

/** The collapse diagnostic as trainer metrics: mean and min per-dimension std, effective rank. */
export function collapseMetrics(features: Float32Array, dim: number): Record<string, number> {
  const report = measureCollapse(features, dim);
  return { featureStdMean: report.meanStd, featureStdMin: report.minStd, effectiveRank: report.effectiveRank };
}
