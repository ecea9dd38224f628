/** Validation of planner options, with messages that name the option and say what to pass. */

export function checkInteger(where: string, key: string, value: number, min: number, max = Infinity): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new Error(`${where}: ${key} must be an integer ${range}, got ${String(value)}.`);
  }
  return value;
}

export function checkPositive(where: string, key: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${where}: ${key} must be a finite number > 0, got ${String(value)}.`);
  }
  return value;
}

export function checkNonNegative(where: string, key: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${where}: ${key} must be a finite number >= 0, got ${String(value)}.`);
  }
  return value;
}

export function checkFinite(where: string, key: string, value: number): number {
  if (!Number.isFinite(value)) {
    throw new Error(`${where}: ${key} must be a finite number, got ${String(value)}.`);
  }
  return value;
}

/** `null` (no clipping) or a positive finite norm. */
export function checkMaxNorm(where: string, key: string, value: number | null): number | null {
  return value === null ? null : checkPositive(where, `${key} (or null for no clipping)`, value);
}
