import { InvalidArgumentError } from 'commander';

/**
 * Integers must be written plainly, in decimal digits (`1000`, not `1e3`, `0x3e8`, `1000.0` or
 * `1_000`): JavaScript's `Number()` takes all of those, which would let a typo or a float pass as
 * an integer.
 */
const PLAIN_INTEGER = /^[+-]?\d+$/;

/** A commander argument parser for an integer `>= min` written in decimal digits (the message names the bound). */
export function integerAtLeast(min: number): (value: string) => number {
  return (value: string) => {
    const text = value.trim();
    const parsed = Number(text);
    if (!PLAIN_INTEGER.test(text) || !Number.isSafeInteger(parsed) || parsed < min) {
      const plain = PLAIN_INTEGER.test(text) ? '' : ` written in decimal digits (e.g. 1000, not 1e3), got '${value}'`;
      throw new InvalidArgumentError(`${min === 1 ? 'Expected a positive integer' : `Expected an integer >= ${min}`}${plain}.`);
    }
    return parsed;
  };
}

/** A commander argument parser for a finite number in `(lowExclusive, highInclusive]`. */
export function numberIn(lowExclusive: number, highInclusive = Infinity): (value: string) => number {
  return (value: string) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= lowExclusive || parsed > highInclusive) {
      const high = highInclusive === Infinity ? '' : ` and <= ${highInclusive}`;
      throw new InvalidArgumentError(`Expected a number > ${lowExclusive}${high} (e.g. 1e-3).`);
    }
    return parsed;
  };
}

/** A commander argument parser for a comma-separated list of integers `>= min` (`8,16,32`). */
export function integerListAtLeast(min: number): (value: string) => number[] {
  return (value: string) => {
    const parts = value.split(',').map((part) => part.trim());
    const parsed = parts.map(Number);
    if (parts.some((part) => !PLAIN_INTEGER.test(part)) || parsed.some((n) => !Number.isSafeInteger(n) || n < min)) {
      throw new InvalidArgumentError(`Expected a comma-separated list of integers >= ${min} (e.g. 16,32,32).`);
    }
    return parsed;
  };
}
