import type { Module, StateDict } from '../nn/module.js';
import { loadPrefixedStrict } from '../nn/state-dict-diff.js';

/** The three modules of a JEPA, whatever the modality. */
export interface JepaModuleSet {
  readonly contextEncoder: Module;
  readonly targetEncoder: Module;
  readonly predictor: Module;
}

/** The modules under their official checkpoint names: `encoder`, `predictor`, `target_encoder`. */
export function jepaCheckpointParts(modules: JepaModuleSet): { encoder: Module; predictor: Module; target_encoder: Module } {
  return { encoder: modules.contextEncoder, predictor: modules.predictor, target_encoder: modules.targetEncoder };
}

/**
 * Checkpoint-style state for a {@link JepaModuleSet}: `stateDict()` with `encoder.`, `predictor.`
 * and `target_encoder.` prefixes (PyTorch layout), a strict `loadStateDict` that checks all three
 * modules before writing any, and `dispose()` of all three.
 */
export function jepaModuleState(modules: JepaModuleSet): { stateDict(): StateDict; loadStateDict(dict: StateDict, source?: string): void; dispose(): void } {
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
