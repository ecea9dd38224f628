import * as tf from '@tensorflow/tfjs';
import { type AdamW, type CheckpointTensor, checkpointTensorValues, fromTorchLayout, isTorchTensor, type Parameter, type TorchTensor } from '@jepa/core';
import type { IJepaModel } from '../model/ijepa.js';
import type { ModuleWeights } from './official-ijepa-checkpoint.js';

/** What {@link importOfficialOptimizerState} did. */
export interface OptimizerStateImport {
  /** True when the AdamW moments and step count were loaded; false: the optimizer is untouched (fresh moments). */
  readonly loaded: boolean;
  /** The update count restored (PyTorch's per-parameter `state[i]['step']`). */
  readonly step?: number;
  /** Why nothing was loaded, or notes on what was (e.g. different betas). */
  readonly message: string;
}

type Dict = Record<string, unknown>;

const asDict = (value: unknown): Dict | undefined => {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), v]));
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isTorchTensor(value) ? (value as Dict) : undefined;
};

const scalar = (value: unknown): number | undefined => {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (isTorchTensor(value) && value.data.length === 1) return Number(value.data[0]);
  return undefined;
};

/** One parameter in the official optimizer's order. */
interface OfficialParam {
  readonly name: string;
  readonly shape: readonly number[];
}

/**
 * The parameters in the order of the official `init_opt` groups: encoder parameters with weight
 * decay (no `bias` in the name, not 1-D), the predictor's, then the encoder's excluded ones and
 * the predictor's. Within a group, `named_parameters()` order, which is the order of the saved
 * state dict.
 */
function officialOrder(weights: ModuleWeights): OfficialParam[][] {
  const decays = (name: string, shape: readonly number[]) => !name.includes('bias') && shape.length !== 1;
  const of = (module: 'encoder' | 'predictor', decay: boolean) =>
    [...weights.modules.get(module)!].filter(([name, t]) => decays(name, t.shape) === decay).map(([name, t]) => ({ name: `${module}.${name}`, shape: t.shape }));
  return [of('encoder', true), of('predictor', true), of('encoder', false), of('predictor', false)];
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * Loads the AdamW moments of an official I-JEPA checkpoint's `opt` (a `torch.optim.AdamW` state
 * dict over the four `init_opt` groups) into `optimizer`, when they line up with the model:
 * four groups of the expected sizes, a state with `exp_avg`/`exp_avg_sq` of the right PyTorch
 * shape for every trainable parameter, and one common `step`. Moments are converted to this
 * library's layout (linear weights transposed, patch-embedding weights permuted). When anything
 * does not line up, the optimizer is left untouched (fresh moments) and `message` says why.
 *
 * @param opt the checkpoint's `opt` value (from `CheckpointFile.value`).
 * @param weights the checkpoint's split weights (their key order gives the official parameter order).
 */
export function importOfficialOptimizerState(opt: unknown, weights: ModuleWeights, model: IJepaModel, optimizer: AdamW): OptimizerStateImport {
  const fresh = (why: string): OptimizerStateImport => ({ loaded: false, message: `optimizer state not loaded (${why}); AdamW starts with fresh moments.` });
  const dict = asDict(opt);
  if (!dict) return fresh(opt === undefined || opt === null ? 'the checkpoint has no opt entry' : 'opt is not an optimizer state dict');
  const state = asDict(dict.state);
  const groups = Array.isArray(dict.param_groups) ? (dict.param_groups as unknown[]).map(asDict) : undefined;
  if (!state || !groups || groups.some((g) => !g || !Array.isArray(g.params))) return fresh('opt has no state / param_groups of a torch optimizer');
  if (!weights.modules.has('encoder') || !weights.modules.has('predictor')) return fresh('the checkpoint has no encoder or predictor weights to order the parameters by');

  const order = officialOrder(weights);
  const sizes = groups.map((g) => (g!.params as unknown[]).length);
  if (sizes.length !== order.length || sizes.some((n, i) => n !== order[i]!.length)) {
    return fresh(`its ${sizes.length} param_groups hold [${sizes.join(', ')}] parameters, but the official init_opt groups of these weights hold [${order.map((g) => g.length).join(', ')}]`);
  }
  const indexed = new Map<number, OfficialParam>();
  let position = 0;
  for (const [g, group] of groups.entries()) {
    for (const [j, raw] of (group!.params as unknown[]).entries()) {
      const index = scalar(raw);
      if (index === undefined) return fresh(`param_groups[${g}].params[${j}] is not an index`);
      indexed.set(index, order[g]![j]!);
      position++;
    }
  }
  if (indexed.size !== position) return fresh('param_groups list a parameter index twice');

  const layouts = new Map<string, Parameter>([...model.contextEncoder.namedParameters('encoder.'), ...model.predictor.namedParameters('predictor.')]);
  const byName = new Map<string, { exp_avg: CheckpointTensor; exp_avg_sq: CheckpointTensor; step: number }>();
  const steps = new Set<number>();
  for (const [key, entry] of Object.entries(state)) {
    const param = indexed.get(Number(key));
    const slot = asDict(entry);
    if (!param || !slot) return fresh(`opt.state.${key} belongs to no parameter of param_groups`);
    const m = slot.exp_avg;
    const v = slot.exp_avg_sq;
    const step = scalar(slot.step);
    if (!isTorchTensor(m) || !isTorchTensor(v) || step === undefined) return fresh(`opt.state.${key} (${param.name}) has no exp_avg / exp_avg_sq / step`);
    for (const [name, t] of [['exp_avg', m], ['exp_avg_sq', v]] as Array<[string, TorchTensor]>) {
      if (!sameShape(t.shape, param.shape)) return fresh(`opt.state.${key}.${name} has shape ${fmt(t.shape)} but ${param.name} is ${fmt(param.shape)}`);
    }
    byName.set(param.name, { exp_avg: m, exp_avg_sq: v, step });
    steps.add(step);
  }
  const trainable = optimizer.groups().map((g) => g.name);
  const withoutState = trainable.filter((name) => !byName.has(name));
  if (withoutState.length > 0) {
    return fresh(`no moments for ${withoutState.length} trainable parameter(s): ${withoutState.slice(0, 4).join(', ')}${withoutState.length > 4 ? ', ...' : ''}`);
  }
  if (steps.size !== 1) return fresh(`its parameters have different step counts (${[...steps].join(', ')})`);
  const step = [...steps][0]!;

  const tensors: Record<string, tf.Tensor> = {};
  try {
    for (const name of trainable) {
      const parameter = layouts.get(name);
      const slot = byName.get(name)!;
      if (!parameter) return fresh(`${name} is not a parameter of the model`);
      for (const which of ['exp_avg', 'exp_avg_sq'] as const) {
        const values = checkpointTensorValues(slot[which], `opt ${name}.${which}`);
        tensors[`${name}.${which}`] = tf.tidy(() => fromTorchLayout(tf.tensor(values, slot[which].shape, 'float32'), parameter.layout));
      }
    }
    optimizer.loadStateDict({ step, tensors }, 'the official opt state');
  } finally {
    tf.dispose(Object.values(tensors));
  }
  const notes: string[] = [];
  const group = groups[0]!;
  const betas = Array.isArray(group.betas) ? (group.betas as unknown[]).map(scalar) : [];
  if (betas.length === 2 && (betas[0] !== optimizer.beta1 || betas[1] !== optimizer.beta2)) {
    notes.push(`the checkpoint used betas (${betas.join(', ')}), this run uses (${optimizer.beta1}, ${optimizer.beta2})`);
  }
  const eps = scalar(group.eps);
  if (eps !== undefined && eps !== optimizer.eps) notes.push(`the checkpoint used eps ${eps}, this run ${optimizer.eps}`);
  return {
    loaded: true,
    step,
    message: `optimizer state loaded: AdamW moments of ${trainable.length} parameters at update ${step}${notes.length ? `; note: ${notes.join('; ')}` : ''}.`,
  };
}
