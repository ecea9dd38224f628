import { InvalidArgumentError } from 'commander';

/** A commander argument parser for an integer `>= min` (the message names the bound). */
export function integerAtLeast(min: number): (value: string) => number {
  return (value: string) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isSafeInteger(parsed) || parsed < min) {
      throw new InvalidArgumentError(min === 1 ? 'Expected a positive integer.' : `Expected an integer >= ${min}.`);
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
    if (parts.some((part) => part === '') || parsed.some((n) => !Number.isSafeInteger(n) || n < min)) {
      throw new InvalidArgumentError(`Expected a comma-separated list of integers >= ${min} (e.g. 16,32,32).`);
    }
    return parsed;
  };
}
