import type * as tf from '@tensorflow/tfjs';

/**
 * What an objective's update needs from an optimizer: apply one step of gradients given by
 * parameter name. The optimizer owns the variables (it was built with them) and any state (moments);
 * learning rate and weight decay come with each step so schedules stay outside. `AdamW` is one.
 */
export interface Optimizer {
  /**
   * Applies one update.
   *
   * @param grads gradient per parameter name, shaped as the parameter; parameters without an entry
   *   are left alone. The caller keeps ownership of the tensors.
   */
  step(grads: Record<string, tf.Tensor>, lr: number, weightDecay: number): void;
}
