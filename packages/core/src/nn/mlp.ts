import * as tf from '@tensorflow/tfjs';
import { Linear } from './linear.js';
import { Module } from './module.js';

/** Two-layer MLP with exact GELU: `fc2(gelu(fc1(x)))`. */
export class Mlp extends Module {
  /** `dim -> hiddenDim`. */
  readonly fc1: Linear;
  /** `hiddenDim -> dim`. */
  readonly fc2: Linear;

  constructor(dim: number, hiddenDim: number) {
    super();
    this.fc1 = this.addModule('fc1', new Linear(dim, hiddenDim));
    this.fc2 = this.addModule('fc2', new Linear(hiddenDim, dim));
  }

  /** `fc2(gelu(fc1(x)))` over the last dimension. @param x `[B, N, D]` */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => this.fc2.apply(this.fc1.applyGelu(x)));
  }
}
