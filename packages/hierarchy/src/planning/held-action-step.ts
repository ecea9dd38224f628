/**
 * A simulator step that holds one action for `times` steps of `step`: the true dynamics of a
 * macro-step whose macro-action is a displacement held `times` steps (what a level above a
 * simulator, `simulatorWorldModel({ step: heldActionStep(step, k) })`, plans with).
 */
export function heldActionStep(
  step: (state: Float32Array, action: Float32Array) => Float32Array,
  times: number,
): (state: Float32Array, action: Float32Array) => Float32Array {
  if (!Number.isInteger(times) || times < 1) throw new Error(`heldActionStep: times must be a positive integer (steps the action is held), got ${String(times)}.`);
  return (state, action) => {
    let next = state;
    for (let t = 0; t < times; t++) next = step(next, action);
    return next;
  };
}
