import type { JepaPredictorCondition, Masks, MaskSet } from '@jepa/core';

/**
 * V-JEPA pairs masks by generator: `context[i]` goes with `target[i]` (what
 * `MultiBlock3dMaskSampler` returns). This turns them into one `MaskSet` per generator, the form
 * `Jepa` takes for one context pass per generator, each with its own predictor mask token
 * (condition `{ maskTokenIndex: i }`). The tensors are shared, not copied: dispose `masks` as before.
 */
export function pairedMaskSets(masks: Masks): MaskSet<JepaPredictorCondition>[] {
  if (masks.context.length !== masks.target.length || masks.context.length === 0) {
    throw new Error(`pairedMaskSets: ${masks.context.length} context and ${masks.target.length} target masks; V-JEPA masks come in pairs, one per mask generator (MultiBlock3dMaskSampler).`);
  }
  return masks.context.map((context, i) => ({ context: [context], target: [masks.target[i]!], condition: { maskTokenIndex: i } }));
}
