import * as tf from '@tensorflow/tfjs';
import { hasKernel } from '../ops/has-kernel.js';
import { ADAMW_KERNEL, type AdamWScalars } from './fused-updates.js';
import type { Optimizer } from './optimizer.js';

/** Options of {@link AdamW}; defaults are PyTorch's. */
export interface AdamWOptions {
  /** Decay of the first-moment average (default 0.9). */
  readonly beta1?: number;
  /** Decay of the second-moment average (default 0.999). */
  readonly beta2?: number;
  /** Added to the bias-corrected root of the second moment (default 1e-8). */
  readonly eps?: number;
  /**
   * Which parameters receive weight decay. Default: the official JEPA groups, i.e. every
   * parameter whose name has no `bias` and whose rank is not 1.
   */
  readonly decays?: (name: string, variable: tf.Variable) => boolean;
}

/** Official JEPA weight-decay grouping: no decay on biases and 1-D parameters (norms). */
export function decaysByDefault(name: string, variable: tf.Variable): boolean {
  return !name.includes('bias') && variable.rank !== 1;
}

interface Slot {
  readonly variable: tf.Variable;
  readonly decay: boolean;
  m: tf.Variable;
  v: tf.Variable;
}

/**
 * AdamW with PyTorch semantics (`torch.optim.AdamW`): decoupled decay `p *= 1 - lr * wd` applied
 * before the bias-corrected Adam update, `eps` added to the corrected root of the second moment.
 * Learning rate and weight decay are passed on every step so schedules stay outside.
 */
export class AdamW implements Optimizer {
  private readonly slots = new Map<string, Slot>();
  private steps = 0;
  /** Decay of the first-moment average. */
  readonly beta1: number;
  /** Decay of the second-moment average. */
  readonly beta2: number;
  /** Added to the bias-corrected root of the second moment. */
  readonly eps: number;

  constructor(parameters: ReadonlyArray<readonly [string, tf.Variable]>, options: AdamWOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    const decays = options.decays ?? decaysByDefault;
    for (const [name, variable] of parameters) {
      if (this.slots.has(name)) throw new Error(`AdamW: parameter '${name}' is given twice.`);
      this.slots.set(name, {
        variable,
        decay: decays(name, variable),
        m: zeroSlot(variable),
        v: zeroSlot(variable),
      });
    }
  }

  /** Number of updates applied so far (PyTorch's `state['step']`). */
  get stepCount(): number {
    return this.steps;
  }

  /** Names of the parameters, in order, and whether each is decayed. */
  groups(): Array<{
    /** Parameter name. */
    name: string;
    /** Whether weight decay applies to it. */
    decay: boolean;
  }> {
    return [...this.slots].map(([name, s]) => ({ name, decay: s.decay }));
  }

  /** Applies one update. `grads` maps parameter names to gradients (missing ones are skipped). */
  step(grads: Record<string, tf.Tensor>, lr: number, weightDecay: number): void {
    // Checked before any parameter changes, so a bad gradient leaves the model as it was.
    for (const [name, slot] of this.slots) {
      const g = grads[name];
      if (g && g.shape.join(',') !== slot.variable.shape.join(',')) throw new Error(`AdamW: the gradient of '${name}' is [${g.shape}], the parameter [${slot.variable.shape}]; nothing was updated.`);
    }
    this.steps += 1;
    const t = this.steps;
    const bias1 = 1 - this.beta1 ** t;
    const bias2 = 1 - this.beta2 ** t;
    const stepSize = lr / bias1;
    const sqrtBias2 = Math.sqrt(bias2);
    // One fused kernel per parameter where the backend has it (same bits, see fused-updates.ts).
    const fused = hasKernel(ADAMW_KERNEL);
    const scalars: Omit<AdamWScalars, 'decay'> = {
      decayFactor: 1 - lr * weightDecay,
      beta1: this.beta1,
      oneMinusBeta1: 1 - this.beta1,
      beta2: this.beta2,
      oneMinusBeta2: 1 - this.beta2,
      sqrtBias2,
      eps: this.eps,
      stepSize,
    };
    for (const [name, slot] of this.slots) {
      const g = grads[name];
      if (!g) continue;
      if (fused) {
        tf.tidy(() => {
          const attrs = { ...scalars, decay: slot.decay && weightDecay !== 0 } satisfies AdamWScalars;
          const [p, m, v] = tf.engine().runKernel(ADAMW_KERNEL, { p: slot.variable, m: slot.m, v: slot.v, g }, attrs) as tf.Tensor[];
          slot.m.assign(m!);
          slot.v.assign(v!);
          slot.variable.assign(p!);
        });
        continue;
      }
      tf.tidy(() => {
        const decayed = slot.decay && weightDecay !== 0 ? tf.mul(slot.variable, 1 - lr * weightDecay) : slot.variable;
        const m = tf.add(tf.mul(slot.m, this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(slot.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        const denom = tf.add(tf.div(tf.sqrt(v), sqrtBias2), this.eps);
        slot.m.assign(m);
        slot.v.assign(v);
        slot.variable.assign(tf.sub(decayed, tf.mul(tf.div(m, denom), stepSize)));
      });
    }
  }

  /** Moments by `<name>.exp_avg` / `<name>.exp_avg_sq` (copies; the caller disposes) and the step count. */
  stateDict(): {
    /** Updates applied so far. */
    step: number;
    /** The moments, `<name>.exp_avg` and `<name>.exp_avg_sq`. */
    tensors: Record<string, tf.Tensor>;
  } {
    const tensors: Record<string, tf.Tensor> = {};
    for (const [name, s] of this.slots) {
      tensors[`${name}.exp_avg`] = tf.clone(s.m);
      tensors[`${name}.exp_avg_sq`] = tf.clone(s.v);
    }
    return { step: this.steps, tensors };
  }

  /** Restores {@link stateDict} output exactly; checks every key and shape before changing anything. */
  loadStateDict(state: { step: number; tensors: Record<string, tf.Tensor> }, source = 'optimizer state'): void {
    const problems: string[] = [];
    for (const [name, s] of this.slots) {
      for (const key of [`${name}.exp_avg`, `${name}.exp_avg_sq`]) {
        const t = state.tensors[key];
        if (!t) problems.push(`missing ${key}`);
        else if (t.shape.join(',') !== s.variable.shape.join(',')) problems.push(`${key}: expected [${s.variable.shape}], got [${t.shape}]`);
      }
    }
    if (problems.length) throw new Error(`AdamW: ${source} does not match the parameters; nothing was loaded:\n  ${problems.join('\n  ')}`);
    for (const [name, s] of this.slots) {
      s.m.assign(state.tensors[`${name}.exp_avg`]!);
      s.v.assign(state.tensors[`${name}.exp_avg_sq`]!);
    }
    this.steps = state.step;
  }

  /** Disposes the moment tensors; the optimizer cannot step afterwards. */
  dispose(): void {
    for (const s of this.slots.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.slots.clear();
  }
}

/** A non-trainable zero variable shaped like `like` (the zeros tensor itself is released). */
function zeroSlot(like: tf.Variable): tf.Variable {
  const zeros = tf.zerosLike(like);
  const slot = tf.variable(zeros, false);
  zeros.dispose();
  return slot;
}
