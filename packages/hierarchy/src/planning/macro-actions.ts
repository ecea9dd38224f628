/**
 * Macro-actions of a level above: the primitive actions `[T, A]` (row-major) summed over
 * consecutive windows of `stepSkip` steps, `[floor(T / stepSkip), A]`. A trailing partial window is
 * dropped (a level-2 step stands for exactly `stepSkip` level-1 steps). For displacement actions,
 * the macro-action is the displacement the window intends, walls aside.
 */
export function sumMacroActions(actions: ArrayLike<number>, actionDim: number, stepSkip: number): Float32Array {
  const where = 'sumMacroActions';
  if (!Number.isInteger(actionDim) || actionDim < 1) throw new Error(`${where}: actionDim must be a positive integer, got ${String(actionDim)}.`);
  if (!Number.isInteger(stepSkip) || stepSkip < 1) throw new Error(`${where}: stepSkip must be a positive integer (primitive steps per macro-action), got ${String(stepSkip)}.`);
  if (actions.length % actionDim !== 0) throw new Error(`${where}: ${actions.length} entries are not a whole number of ${actionDim}-entry actions ([T, A] row-major).`);
  const windows = Math.floor(actions.length / actionDim / stepSkip);
  const out = new Float32Array(windows * actionDim);
  for (let w = 0; w < windows; w++) {
    for (let t = 0; t < stepSkip; t++) {
      const offset = (w * stepSkip + t) * actionDim;
      for (let a = 0; a < actionDim; a++) out[w * actionDim + a] += actions[offset + a]!;
    }
  }
  return out;
}
