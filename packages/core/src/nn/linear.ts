import * as tf from '@tensorflow/tfjs';
import { matMul2d, matMul2dBias, matMul2dBiasGelu } from '../ops/mat-mul.js';
import { gelu } from './gelu.js';
import { truncatedNormal } from './init.js';
import { Module } from './module.js';
import { LINEAR, type ParameterLayout } from './parameter-layout.js';

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Add a learned bias (default true). */
  readonly bias?: boolean;
  /** Std of the truncated-normal weight init (official JEPA: 0.02). */
  readonly initStd?: number;
  /** How the weight maps to PyTorch (default `linear`; patch embeddings use `conv`). */
  readonly layout?: ParameterLayout;
}

/**
 * `y = x W + b`. The weight is stored `[in, out]` (PyTorch name `weight`, layout `[out, in]`).
 */
export class Linear extends Module {
  /** Weight `[in, out]` (PyTorch `weight` `[out, in]`), truncated-normal initialised. */
  readonly weight: tf.Variable;
  /** Bias `[out]`, zero-initialised; null when built with `bias: false`. */
  readonly bias: tf.Variable | null;

  /**
   * @param inFeatures Width of the input's last dimension. @param outFeatures Width of the output's last
   * dimension.
   */
  constructor(readonly inFeatures: number, readonly outFeatures: number, options: LinearOptions = {}) {
    super();
    if (!Number.isInteger(inFeatures) || inFeatures <= 0 || !Number.isInteger(outFeatures) || outFeatures <= 0) {
      throw new Error(`Linear: sizes must be positive integers, got in=${inFeatures}, out=${outFeatures}.`);
    }
    this.weight = this.addParameter('weight', truncatedNormal([inFeatures, outFeatures], options.initStd ?? 0.02), options.layout ?? LINEAR);
    this.bias = options.bias === false ? null : this.addParameter('bias', tf.zeros([outFeatures]));
  }

  /** @param x `[..., in]` @returns `[..., out]` */
  apply<T extends tf.Tensor>(x: T): T {
    return tf.tidy(() => {
      const { flat, lead } = this.rows(x);
      return tf.reshape(this.product(flat), [...lead, this.outFeatures]) as T;
    });
  }

  /**
   * `gelu(this.apply(x))`: one kernel call where the fast wasm kernels can fuse it (no gradient
   * recorded, a bias); the same values either way, up to the order in which the product is summed
   * (small products alone go to XNNPACK).
   */
  applyGelu<T extends tf.Tensor>(x: T): T {
    return tf.tidy(() => {
      const { flat, lead } = this.rows(x);
      const y = (this.bias && matMul2dBiasGelu(flat, this.weight as tf.Tensor2D, this.bias)) || gelu(this.product(flat));
      return tf.reshape(y, [...lead, this.outFeatures]) as T;
    });
  }

  /** `x` as `[rows, in]` and its leading dimensions; throws on another last dimension. */
  private rows(x: tf.Tensor): { flat: tf.Tensor2D; lead: number[] } {
    const lead = x.shape.slice(0, -1);
    if (x.shape[x.shape.length - 1] !== this.inFeatures) {
      throw new Error(`Linear: expected last dimension ${this.inFeatures}, got input shape [${x.shape.join(', ')}].`);
    }
    return { flat: tf.reshape(x, [lead.reduce((a, b) => a * b, 1), this.inFeatures]) as tf.Tensor2D, lead };
  }

  /** `flat W (+ b)` for `[rows, in]`. */
  private product(flat: tf.Tensor2D): tf.Tensor {
    return this.bias ? matMul2dBias(flat, this.weight as tf.Tensor2D, this.bias) : matMul2d(flat, this.weight as tf.Tensor2D);
  }
}
