/**
 * Indices of the `count` lowest costs, lowest first (ties keep sample order; NaN counts as the
 * highest cost, so a diverged rollout is never an elite while finite ones remain).
 */
export function lowestCostIndices(costs: ArrayLike<number>, count: number): number[] {
  const key = (i: number): number => (Number.isNaN(costs[i]!) ? Infinity : costs[i]!);
  const order = Array.from({ length: costs.length }, (_, i) => i);
  order.sort((a, b) => key(a) - key(b) || a - b);
  return order.slice(0, count);
}
