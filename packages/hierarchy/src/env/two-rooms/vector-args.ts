import type { TwoRoomsVector } from './world.js';

/**
 * Reads a 2-vector argument (`[x, y]`, a typed array of length 2, ...) and checks that both
 * entries are finite numbers; the message names `where` and `name` (internal helper).
 */
export function readVector2(value: ArrayLike<number>, where: string, name: string): TwoRoomsVector {
  if (value === null || typeof value !== 'object' || value.length !== 2) {
    throw new TypeError(`${where}: ${name} must be [x, y] in world pixels (an array of 2 numbers); got ${describe(value)}.`);
  }
  const x = value[0]!;
  const y = value[1]!;
  if (!Number.isFinite(x) || !Number.isFinite(y)) {
    throw new RangeError(`${where}: ${name} must hold finite numbers (world pixels); got [${x}, ${y}].`);
  }
  return [x, y];
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  const length = (value as { length?: unknown }).length;
  return typeof length === 'number' ? `an array of length ${length}` : 'an object without a length';
}
