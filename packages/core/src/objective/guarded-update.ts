import * as tf from '@tensorflow/tfjs';
import type { Optimizer } from '../optim/optimizer.js';
import { clipGradientsPerModule, globalNorm } from './gradient-clipping.js';

/**
 * Trainable variables by parameter name, e.g. `[['predictor.proj.weight', variable], ...]`: the
 * names the optimizer was built with. `Module.trainableParameters(prefix)` gives them (map each
 * entry to its `.variable`).
 */
export type NamedVariables = ReadonlyArray<readonly [string, tf.Variable]>;

/**
 * The loss and its gradients with respect to `parameters`, by name. `loss` runs under the gradient
 * tape inside `tf.tidy`: only the scalar it returns is kept. Variables outside `parameters` (a
 * frozen encoder, a target encoder) are read but get no gradient. Parameters the loss does not
 * reach get no entry. The caller disposes `loss` and every gradient.
 */
export function namedGradients(loss: () => tf.Scalar, parameters: NamedVariables): {
  /** The loss value. */
  loss: tf.Scalar;
  /** The gradient of each parameter the loss reaches, by name. */
  grads: Record<string, tf.Tensor>;
} {
  if (!Array.isArray(parameters) || parameters.length === 0) {
    throw new Error('namedGradients: no parameters to differentiate; pass [name, variable] pairs, e.g. module.trainableParameters(\'predictor.\').map(([name, p]) => [name, p.variable]).');
  }
  const { value, grads } = tf.variableGrads(() => tf.tidy(loss), parameters.map(([, v]) => v));
  const byName: Record<string, tf.Tensor> = {};
  for (const [name, v] of parameters) {
    const g = grads[v.name];
    if (g) byName[name] = g;
  }
  return { loss: value, grads: byName };
}

/** Hyper-parameters of one optimizer update. */
export interface UpdateHyperParameters {
  /** Learning rate of this update. */
  readonly lr: number;
  /** Decoupled weight decay of this update (applied to the parameters the optimizer decays). */
  readonly weightDecay: number;
  /**
   * Clip the gradient norm of each module to this value, a module being the first segment of the
   * parameter names (`encoder.`, `predictor.`), as the official V-JEPA clips its encoder and
   * predictor separately (see `clipGradientsPerModule`). Off when undefined.
   */
  readonly clipGradNorm?: number;
}

/** What {@link guardedUpdate} trains and how. */
export interface GuardedUpdateOptions extends UpdateHyperParameters {
  /** The variables to update, by the names `optimizer` knows them under. */
  readonly parameters: NamedVariables;
  /** The optimizer that applies the update (e.g. {@link AdamW}). */
  readonly optimizer: Optimizer;
}

/** What one {@link guardedUpdate} did. */
export interface GuardedUpdateResult {
  /** The loss before the update (read back). */
  readonly loss: number;
  /** Global norm of all gradients before clipping. */
  readonly gradNorm: number;
}

/**
 * One guarded optimizer update, the training step of any objective: gradients of `loss` with
 * respect to `options.parameters` ({@link namedGradients}), their global norm, a
 * {@link NonFiniteLossError} before any weight changes when the loss or that norm is NaN or
 * infinite, optional per-module clipping, then `optimizer.step`. Every tensor it made is disposed,
 * also when it throws. Whatever should follow the update (an EMA target) is the caller's.
 *
 * @param loss builds the scalar loss from the current weights (runs inside `tf.tidy`)
 */
export function guardedUpdate(loss: () => tf.Scalar, options: GuardedUpdateOptions): GuardedUpdateResult {
  const { parameters, optimizer, lr, weightDecay, clipGradNorm } = options;
  if (!optimizer || typeof optimizer.step !== 'function') {
    throw new Error('guardedUpdate: options.optimizer has no step(grads, lr, weightDecay); pass an Optimizer such as new AdamW(parameters).');
  }
  const result = namedGradients(loss, parameters);
  const grads = result.grads;
  try {
    const gradNorm = globalNorm(Object.values(grads));
    const lossValue = result.loss.dataSync()[0]!;
    if (!Number.isFinite(lossValue) || !Number.isFinite(gradNorm)) {
      throw new NonFiniteLossError(lossValue, gradNorm);
    }
    if (clipGradNorm !== undefined) clipGradientsPerModule(grads, clipGradNorm);
    optimizer.step(grads, lr, weightDecay);
    return { loss: lossValue, gradNorm };
  } finally {
    result.loss.dispose();
    for (const g of Object.values(grads)) g.dispose();
  }
}

/** Thrown before an update whose loss or gradients are NaN or infinite; no weight was changed. */
export class NonFiniteLossError extends Error {
  /**
   * @param loss The loss read back before the update. @param gradNorm The global gradient norm before
   * clipping.
   */
  constructor(readonly loss: number, readonly gradNorm: number) {
    super(`Non-finite training signal (loss ${loss}, gradient norm ${gradNorm}); the update was skipped and the weights are unchanged. Lower the learning rate, enable gradient clipping, or check the input data for NaN.`);
    this.name = 'NonFiniteLossError';
  }
}
