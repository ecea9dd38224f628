import * as tf from '@tensorflow/tfjs';
import { matMul2d } from '../ops/mat-mul.js';
import { uniformInit } from './init.js';
import { Module } from './module.js';
import { LINEAR } from './parameter-layout.js';

/**
 * One step of a gated recurrent unit with PyTorch's `nn.GRUCell` semantics and names
 * (`weight_ih` `[3H, I]`, `weight_hh` `[3H, H]`, `bias_ih`, `bias_hh`; gates in the order reset,
 * update, new):
 *
 * ```
 * r = sigmoid(x W_ir + b_ir + h W_hr + b_hr)
 * u = sigmoid(x W_iz + b_iz + h W_hz + b_hz)
 * n = tanh(x W_in + b_in + r * (h W_hn + b_hn))
 * h' = (1 - u) * n + u * h
 * ```
 *
 * Weights are stored `[in, 3H]` (transposed on import/export, like `Linear`) and initialised as
 * PyTorch does, uniform in `+-1/sqrt(H)`. Shape legend: `B` batch, `I` input size, `H` hidden size.
 */
export class GruCell extends Module {
  /** Input-to-hidden weights `[I, 3H]` (PyTorch `weight_ih` `[3H, I]`). */
  readonly weightIh: tf.Variable;
  /** Hidden-to-hidden weights `[H, 3H]` (PyTorch `weight_hh` `[3H, H]`). */
  readonly weightHh: tf.Variable;
  /** Input-side gate biases `[3H]` (`bias_ih`). */
  readonly biasIh: tf.Variable;
  /** Hidden-side gate biases `[3H]` (`bias_hh`). */
  readonly biasHh: tf.Variable;

  /** @param inputSize Input features `I` per step. @param hiddenSize State width `H`. */
  constructor(readonly inputSize: number, readonly hiddenSize: number) {
    super();
    for (const [name, value] of Object.entries({ inputSize, hiddenSize })) {
      if (!Number.isInteger(value) || value <= 0) throw new Error(`GruCell: ${name} must be a positive integer, got ${value}.`);
    }
    const bound = 1 / Math.sqrt(hiddenSize);
    this.weightIh = this.addParameter('weight_ih', uniformInit([inputSize, 3 * hiddenSize], bound), LINEAR);
    this.weightHh = this.addParameter('weight_hh', uniformInit([hiddenSize, 3 * hiddenSize], bound), LINEAR);
    this.biasIh = this.addParameter('bias_ih', uniformInit([3 * hiddenSize], bound));
    this.biasHh = this.addParameter('bias_hh', uniformInit([3 * hiddenSize], bound));
  }

  /** @param x `[B, I]` input @param h `[B, H]` state @returns `[B, H]` the next state */
  apply(x: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
    const H = this.hiddenSize;
    if (x.shape[1] !== this.inputSize || h.shape[1] !== H || x.shape[0] !== h.shape[0]) {
      throw new Error(`GruCell: expected x [B, ${this.inputSize}] and h [B, ${H}], got [${x.shape.join(', ')}] and [${h.shape.join(', ')}].`);
    }
    return tf.tidy(() => {
      const gi = tf.add(matMul2d(x, this.weightIh as tf.Tensor2D), this.biasIh);
      const gh = tf.add(matMul2d(h, this.weightHh as tf.Tensor2D), this.biasHh);
      const gate = (t: tf.Tensor, k: number) => tf.slice(t, [0, k * H], [-1, H]);
      const reset = tf.sigmoid(tf.add(gate(gi, 0), gate(gh, 0)));
      const update = tf.sigmoid(tf.add(gate(gi, 1), gate(gh, 1)));
      const candidate = tf.tanh(tf.add(gate(gi, 2), tf.mul(reset, gate(gh, 2))));
      // (1 - u) * n + u * h = n + u * (h - n)
      return tf.add(candidate, tf.mul(update, tf.sub(h, candidate))) as tf.Tensor2D;
    });
  }
}
