/**
 * Rescales every per-step action (`A` consecutive entries of `actions`) onto the L2 ball of radius
 * `maxNorm`, in place, with the reference's formula `a * min(|a|, maxNorm) / (|a| + 1e-6)` (eb_jepa
 * CEM's `max_norms`). Norms below `maxNorm` shrink by the factor `|a| / (|a| + 1e-6)` as there.
 */
export function clipActionNorms(actions: Float32Array, actionDim: number, maxNorm: number): Float32Array {
  if (actions.length % actionDim !== 0) {
    throw new Error(`clipActionNorms: ${actions.length} entries are not a whole number of ${actionDim}-entry actions.`);
  }
  for (let start = 0; start < actions.length; start += actionDim) {
    let squared = 0;
    for (let k = 0; k < actionDim; k++) squared += actions[start + k]! * actions[start + k]!;
    const norm = Math.sqrt(squared);
    const factor = Math.min(norm, maxNorm) / (norm + 1e-6);
    for (let k = 0; k < actionDim; k++) actions[start + k] = actions[start + k]! * factor;
  }
  return actions;
}
