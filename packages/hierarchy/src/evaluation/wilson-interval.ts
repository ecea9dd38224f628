/**
 * The Wilson score interval of a success rate (`successes` of `trials`) at the normal quantile `z`
 * (1.96: 95 %). Unlike the normal approximation it stays inside [0, 1] and is sensible at 0 or 100 %.
 */
export function wilsonInterval(successes: number, trials: number, z = 1.96): [number, number] {
  if (!Number.isInteger(trials) || trials < 1 || !Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`wilsonInterval: need integers 0 <= successes <= trials, trials >= 1; got ${successes} of ${trials}.`);
  }
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
