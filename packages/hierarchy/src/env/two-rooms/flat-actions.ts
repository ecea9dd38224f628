import { readVector2 } from './vector-args.js';

/**
 * Actions as a flat `[T * 2]` array of finite numbers, from either accepted form: flat numbers
 * (`[dx0, dy0, dx1, ...]`, e.g. a `Float32Array`, returned as it is) or a list of `[dx, dy]` pairs
 * (copied into a new `Float64Array`). Throws naming `where` and the action to fix (internal: the
 * replay functions of both environments read their actions with it).
 */
export function flattenActions(actions: ArrayLike<number> | ReadonlyArray<ArrayLike<number>>, where: string): ArrayLike<number> {
  if (actions === null || typeof actions !== 'object' || typeof actions.length !== 'number') {
    throw new TypeError(`${where}: actions must be [T, 2] displacements (flat numbers or [dx, dy] pairs); got ${String(actions)}.`);
  }
  if (actions.length > 0 && typeof actions[0] === 'object') {
    const rows = actions as ReadonlyArray<ArrayLike<number>>;
    const out = new Float64Array(rows.length * 2);
    rows.forEach((row, t) => {
      const [dx, dy] = readVector2(row, where, `actions[${t}]`);
      out[2 * t] = dx;
      out[2 * t + 1] = dy;
    });
    return out;
  }
  const flat = actions as ArrayLike<number>;
  if (flat.length % 2 !== 0) throw new RangeError(`${where}: flat actions must hold [T, 2] values (dx, dy pairs); got ${flat.length} values.`);
  for (let i = 0; i < flat.length; i++) {
    if (!Number.isFinite(flat[i])) throw new RangeError(`${where}: action ${Math.floor(i / 2)} must hold finite numbers (world pixels); got ${flat[i]}.`);
  }
  return flat;
}
