import * as tf from '@tensorflow/tfjs';
import type { HostTensor } from '../io/safetensors.js';
import { toTfTensor } from '../io/safetensors.js';
import { Rng } from '../random/rng.js';
import { NonFiniteLossError } from '../objective/jepa.js';
import type { StepMetrics, Trainable, TrainableState } from './trainable.js';

/** The `kind` tag of a {@link ToyTrainable}'s state. */
export const TOY_KIND = 'toy';

/** Options of {@link ToyTrainable}. */
export interface ToyTrainableOptions {
  /** Seed of the data/noise stream. Default 1. */
  seed?: number;
  /** Seed of the initial weights (a resumed run may start from different ones). Default 2. */
  initSeed?: number;
  /** Learning rate. Default 0.05. */
  lr?: number;
  /** Throw NonFiniteLossError at this step (after drawing its noise, before any update). */
  nonFiniteAtStep?: number;
  /** Update the weights to NaN and return a NaN loss at this step (a trainable that does not throw). */
  returnNaNAtStep?: number;
}

/**
 * A tiny deterministic Trainable for the trainer's tests (not part of the public API): SGD with
 * momentum on `|w|^2` plus seeded noise, a bias pulled towards noise, and a JSON-side counter.
 * Everything that changes is in `saveState`, so resuming is bit-exact, and `loadState` is strict;
 * it passes the `@jepa/core/testing` conformance checks.
 */
export class ToyTrainable implements Trainable {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly velocity: tf.Variable;
  rng: Rng;
  stepsSeen = 0;
  /** Steps passed to trainStep, in order (to check the trainer's numbering). */
  readonly calls: number[] = [];
  private readonly lr: number;

  constructor(private readonly options: ToyTrainableOptions = {}) {
    const init = new Rng(options.initSeed ?? 2);
    // tidy disposes the initial values; variables survive it.
    this.weight = tf.tidy(() => tf.variable(tf.tensor2d(Array.from({ length: 6 }, () => init.normal()), [2, 3])));
    this.bias = tf.tidy(() => tf.variable(tf.tensor1d([init.normal(), init.normal()])));
    this.velocity = tf.tidy(() => tf.variable(tf.zeros([2, 3])));
    this.rng = new Rng(options.seed ?? 1);
    this.lr = options.lr ?? 0.05;
  }

  trainStep(step: number): StepMetrics {
    this.calls.push(step);
    const noise = Array.from({ length: 6 }, () => this.rng.normal(0, 0.1));
    if (step === this.options.nonFiniteAtStep) throw new NonFiniteLossError(Number.NaN, Number.NaN);
    const poison = step === this.options.returnNaNAtStep ? Number.NaN : 0;
    const gradNorm = tf.tidy(() => {
      const grad = this.weight.mul(2).add(tf.tensor2d(noise, [2, 3])).add(poison);
      this.velocity.assign(this.velocity.mul(0.9).add(grad));
      this.weight.assign(this.weight.sub(this.velocity.mul(this.lr)));
      this.bias.assign(this.bias.mul(0.99).add(tf.tensor1d(noise.slice(0, 2))));
      return grad.square().sum().sqrt().dataSync()[0]!;
    });
    this.stepsSeen += 1;
    const loss = tf.tidy(() => this.weight.square().sum().add(this.bias.square().sum().mul(0.1)).dataSync()[0]!);
    return { loss, lr: this.lr, gradNorm };
  }

  /** The variables by their checkpoint names. */
  protected variables(): Record<string, tf.Variable> {
    return { 'model.weight': this.weight, 'model.bias': this.bias, 'optimizer.velocity': this.velocity };
  }

  saveState(): TrainableState {
    return { tensors: this.variables(), meta: { kind: TOY_KIND, rng: this.rng.getState(), stepsSeen: this.stepsSeen } };
  }

  /** Strict: another kind, a missing, unexpected or mis-shaped tensor, or a bad RNG state throw naming it, and nothing is loaded. */
  loadState(tensors: Map<string, HostTensor>, meta: Record<string, unknown>): void {
    if (meta.kind !== TOY_KIND) throw new Error(`ToyTrainable.loadState: a ${String(meta.kind)} state, not a ${TOY_KIND} one; nothing was loaded.`);
    const targets = this.variables();
    const problems: string[] = [];
    for (const [key, variable] of Object.entries(targets)) {
      const host = tensors.get(key);
      if (!host) problems.push(`missing ${key}`);
      else if (host.shape.join(',') !== variable.shape.join(',')) problems.push(`${key}: expected [${variable.shape}], got [${host.shape}]`);
    }
    for (const key of tensors.keys()) if (!(key in targets)) problems.push(`unexpected ${key}`);
    if (!Number.isSafeInteger(meta.stepsSeen)) problems.push(`meta.stepsSeen must be an integer, got ${JSON.stringify(meta.stepsSeen)}`);
    if (problems.length > 0) throw new Error(`ToyTrainable.loadState: the state does not match; nothing was loaded:\n  ${problems.join('\n  ')}`);
    const rng = Rng.fromState(meta.rng as number[]);
    const values = Object.keys(targets).map((key) => toTfTensor(tensors.get(key)!, key));
    try {
      Object.values(targets).forEach((variable, i) => variable.assign(values[i]!));
    } finally {
      tf.dispose(values);
    }
    this.rng = rng;
    this.stepsSeen = meta.stepsSeen as number;
  }

  diagnostics(): Record<string, number> {
    return { weightNorm: tf.tidy(() => this.weight.square().sum().sqrt().dataSync()[0]!) };
  }

  /** The variables' values, for exact comparisons. */
  snapshot(): Record<string, number[]> {
    return {
      weight: Array.from(this.weight.dataSync()),
      bias: Array.from(this.bias.dataSync()),
      velocity: Array.from(this.velocity.dataSync()),
    };
  }

  dispose(): void {
    tf.dispose([this.weight, this.bias, this.velocity]);
  }
}
