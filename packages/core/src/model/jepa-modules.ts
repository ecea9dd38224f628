import type { Module, StateDict } from '../nn/module.js';
import { loadPrefixedStrict } from '../nn/state-dict-diff.js';

/** The three modules of a JEPA, whatever the modality. */
export interface JepaModuleSet {
  /** The encoder trained by gradients (official `encoder`). */
  readonly contextEncoder: Module;
  /**
   * The encoder that gives the targets (official `target_encoder`, usually an EMA of the context encoder).
   */
  readonly targetEncoder: Module;
  /** Predicts target tokens from context tokens (official `predictor`). */
  readonly predictor: Module;
}

/** The modules under their official checkpoint names: `encoder`, `predictor`, `target_encoder`. */
export function jepaCheckpointParts(modules: JepaModuleSet): {
  /** The context encoder. */
  encoder: Module;
  /** The predictor. */
  predictor: Module;
  /** The target encoder. */
  target_encoder: Module;
} {
  return { encoder: modules.contextEncoder, predictor: modules.predictor, target_encoder: modules.targetEncoder };
}

/**
 * Checkpoint-style state for a {@link JepaModuleSet}: `stateDict()` with `encoder.`, `predictor.`
 * and `target_encoder.` prefixes (PyTorch layout), a strict `loadStateDict` that checks all three
 * modules before writing any, and `dispose()` of all three.
 */
export function jepaModuleState(modules: JepaModuleSet): {
  /** Every tensor of the three modules under `encoder.`, `predictor.` and `target_encoder.` keys, PyTorch layout. */
  stateDict(): StateDict;
  /** Loads such a dict strictly: every key of all three modules is checked before any is written. */
  loadStateDict(dict: StateDict, source?: string): void;
  /** Disposes the three modules. */
  dispose(): void;
} {
  const parts = jepaCheckpointParts(modules);
  return {
    stateDict() {
      const out: StateDict = {};
      for (const [prefix, module] of Object.entries(parts)) {
        for (const [key, tensor] of Object.entries(module.stateDict())) out[`${prefix}.${key}`] = tensor;
      }
      return out;
    },
    loadStateDict(dict: StateDict, source?: string) {
      loadPrefixedStrict(parts, dict, source);
    },
    dispose() {
      for (const module of Object.values(parts)) module.dispose();
    },
  };
}
