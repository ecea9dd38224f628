import { InvalidMaskConfigError } from './mask-config-error.js';

/** A `[min, max]` range of a mask configuration. */
export type NumberRange = readonly [number, number];

/**
 * Validates a `[min, max]` range: `0 < min <= max`, and `max <= 1` for scales (fractions of the
 * grid). `where` names the config key in the message.
 */
export function checkRange(range: NumberRange, where: string, isScale: boolean): NumberRange {
  if (!Array.isArray(range) || range.length !== 2 || !range.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new InvalidMaskConfigError(`${where}: expected [min, max] numbers, got ${JSON.stringify(range)}.`);
  }
  const [lo, hi] = range;
  if (!(lo > 0) || lo > hi || (isScale && hi > 1)) {
    const bound = isScale ? '0 < min <= max <= 1' : '0 < min <= max';
    throw new InvalidMaskConfigError(`${where}: need ${bound}, got [${lo}, ${hi}].`);
  }
  return [lo, hi];
}

/** Validates an integer `>= min`; `where` names the config key in the message. */
export function checkInteger(value: number, where: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidMaskConfigError(`${where}: expected an integer >= ${min}, got ${String(value)}.`);
  }
  return value;
}
