import * as tf from '@tensorflow/tfjs';
import { fromTorchLayout, PLAIN, torchShape, toTorchLayout, type ParameterLayout } from './parameter-layout.js';
import { diffStateDict } from './state-dict-diff.js';
import { StateDictMismatchError } from './state-dict-mismatch-error.js';

/** A named trainable (or frozen) tensor of a module. */
export interface Parameter {
  /** The tensor that holds the values, in this library's layout. */
  readonly variable: tf.Variable;
  /** How the values convert to and from PyTorch's layout in state dicts. */
  readonly layout: ParameterLayout;
  /** False for fixed tables (sin-cos positions): saved and loaded, never optimised. */
  readonly trainable: boolean;
}

/** Tensors by PyTorch-compatible dotted name (`blocks.0.attn.qkv.weight`), in PyTorch layout. */
export type StateDict = Record<string, tf.Tensor>;

let nextVariableId = 0;

/**
 * Base of every layer: owns its variables and children under PyTorch-compatible names, converts
 * to and from PyTorch-layout state dicts, and disposes what it owns.
 */
export abstract class Module {
  private readonly ownParameters = new Map<string, Parameter>();
  private readonly children = new Map<string, Module>();

  /** Registers a variable initialised from `init` (which is taken over and disposed). */
  protected addParameter(name: string, init: tf.Tensor, layout: ParameterLayout = PLAIN, trainable = true): tf.Variable {
    if (this.ownParameters.has(name) || this.children.has(name)) {
      throw new Error(`${this.constructor.name}: '${name}' is registered twice.`);
    }
    const variable = tf.variable(init, trainable, `${name}_${nextVariableId++}`);
    init.dispose();
    this.ownParameters.set(name, { variable, layout, trainable });
    return variable;
  }

  /** Registers a child module under `name` (its parameters become `name.<child key>`). */
  protected addModule<M extends Module>(name: string, module: M): M {
    if (this.ownParameters.has(name) || this.children.has(name)) {
      throw new Error(`${this.constructor.name}: '${name}' is registered twice.`);
    }
    this.children.set(name, module);
    return module;
  }

  /** Every parameter of this module and its children, with dotted names, in registration order. */
  namedParameters(prefix = ''): Array<[string, Parameter]> {
    const out: Array<[string, Parameter]> = [];
    for (const [name, p] of this.ownParameters) out.push([prefix + name, p]);
    for (const [name, child] of this.children) out.push(...child.namedParameters(`${prefix}${name}.`));
    return out;
  }

  /** The trainable parameters, by dotted name, in registration order. */
  trainableParameters(prefix = ''): Array<[string, Parameter]> {
    return this.namedParameters(prefix).filter(([, p]) => p.trainable);
  }

  /** The variables, by dotted name. */
  variables(): Map<string, tf.Variable> {
    return new Map(this.namedParameters().map(([name, p]) => [name, p.variable]));
  }

  /** Total number of scalar parameters. */
  numParameters(): number {
    return this.namedParameters().reduce((sum, [, p]) => sum + p.variable.size, 0);
  }

  /** Copies of every parameter in PyTorch layout. The caller owns (and disposes) the tensors. */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, p] of this.namedParameters()) out[name] = toTorchLayout(p.variable, p.layout);
    return out;
  }

  /** The PyTorch-layout shape of every parameter, by name. */
  stateDictShapes(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const [name, p] of this.namedParameters()) out[name] = torchShape(p.variable.shape, p.layout);
    return out;
  }

  /**
   * Loads a PyTorch-layout state dict. Strict: any missing, unexpected or mismatched key throws a
   * {@link StateDictMismatchError} listing all of them, and then nothing has been loaded. The
   * tensors in `dict` are not disposed.
   */
  loadStateDict(dict: StateDict, source?: string): void {
    const params = this.namedParameters();
    const report = diffStateDict(this.stateDictShapes(), dict);
    if (!report.ok) throw new StateDictMismatchError(report, source);
    for (const [name, p] of params) {
      tf.tidy(() => p.variable.assign(fromTorchLayout(dict[name]!.toFloat(), p.layout)));
    }
  }

  /** Copies every parameter value from a module of the same structure (same names and shapes). */
  copyFrom(other: Module): void {
    const source = other.variables();
    const targets = this.namedParameters();
    for (const [name, p] of targets) {
      const v = source.get(name);
      if (!v || !sameShape(v.shape, p.variable.shape)) {
        throw new Error(`copyFrom: '${name}' is missing or has another shape in the source module; both must have the same architecture.`);
      }
    }
    for (const [name, p] of targets) p.variable.assign(source.get(name)!);
  }

  /** Disposes every variable this module and its children own. */
  dispose(): void {
    for (const p of this.ownParameters.values()) p.variable.dispose();
    for (const child of this.children.values()) child.dispose();
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
