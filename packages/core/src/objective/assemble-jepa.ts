import type { Encoder, Predictor } from '../model/contracts.js';
import { jepaModuleState } from '../model/jepa-modules.js';
import type { Module, StateDict } from '../nn/module.js';
import { Jepa, type JepaParts } from './jepa.js';

/** What {@link assembleJepa} builds: the three modules, the objective over them, and checkpoint-style state. */
export interface AssembledJepa<Input, Condition, E extends Encoder<Input> & Module, P extends Predictor<Condition> & Module> {
  /** The encoder the objective trains. */
  readonly contextEncoder: E;
  /** A second encoder of the same architecture, starting as a copy of the context encoder. */
  readonly targetEncoder: E;
  /** The predictor, built for the context encoder's grid and width. */
  readonly predictor: P;
  /** The objective over the three modules. */
  readonly jepa: Jepa<Input, Condition>;
  /** All weights with the official checkpoint prefixes `encoder.`, `predictor.`, `target_encoder.` (PyTorch layout). */
  stateDict(): StateDict;
  /** Strict load of {@link stateDict}-style keys: lists every difference and loads nothing on error. */
  loadStateDict(dict: StateDict, source?: string): void;
  /** Disposes the three modules. */
  dispose(): void;
}

/** How to build the parts of a JEPA, for {@link assembleJepa}. */
export interface JepaAssembly<Input, Condition, E extends Encoder<Input> & Module, P extends Predictor<Condition> & Module> {
  /** Builds one encoder; called twice (context, then target), so the initial weights draw in the official order. */
  readonly createEncoder: () => E;
  /** Builds the predictor for the context encoder's grid and width (called after both encoders). */
  readonly createPredictor: (contextEncoder: E) => P;
  /** The objective's other parts: loss, target normalisation, conditions, target update. */
  readonly objective?: Omit<JepaParts<Input, Condition>, 'contextEncoder' | 'targetEncoder' | 'predictor'>;
}

/**
 * Builds a JEPA the way every family does: a context encoder, a target encoder of the same
 * architecture that starts as its copy, a predictor, and the {@link Jepa} objective over them. On
 * any error the modules built so far are disposed before it is rethrown.
 */
export function assembleJepa<Input, Condition, E extends Encoder<Input> & Module, P extends Predictor<Condition> & Module>(
  assembly: JepaAssembly<Input, Condition, E, P>,
): AssembledJepa<Input, Condition, E, P> {
  const built: Module[] = [];
  try {
    const contextEncoder = assembly.createEncoder();
    built.push(contextEncoder);
    const targetEncoder = assembly.createEncoder();
    built.push(targetEncoder);
    targetEncoder.copyFrom(contextEncoder);
    const predictor = assembly.createPredictor(contextEncoder);
    built.push(predictor);
    const jepa = new Jepa<Input, Condition>({ ...assembly.objective, contextEncoder, targetEncoder, predictor });
    return { contextEncoder, targetEncoder, predictor, jepa, ...jepaModuleState({ contextEncoder, targetEncoder, predictor }) };
  } catch (error) {
    for (const module of built) module.dispose();
    throw error;
  }
}
