import { describe, expect, it } from 'vitest';
import { minimizeLbfgs } from './lbfgs.js';
import type { Objective } from './lbfgs.js';

const rosenbrock: Objective = (x, g) => {
  const [a, b] = [x[0]!, x[1]!];
  g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
  g[1] = 200 * (b - a * a);
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
};

describe('minimizeLbfgs', () => {
  it('finds the minimum of the Rosenbrock function from (-1.2, 1)', () => {
    const start = Float64Array.from([-1.2, 1]);
    const result = minimizeLbfgs(rosenbrock, start, { maxIterations: 200, gradientTolerance: 1e-8, lossTolerance: 0 });
    expect(result.reason).toBe('gradient');
    expect(result.x[0]).toBeCloseTo(1, 5);
    expect(result.x[1]).toBeCloseTo(1, 5);
    expect(result.loss).toBeLessThan(1e-10);
    expect(Array.from(start)).toEqual([-1.2, 1]);
  });

  it('solves an ill-conditioned quadratic 0.5 xᵀAx - bᵀx (A diagonal, condition 1e3)', () => {
    const size = 50;
    const diag = Float64Array.from({ length: size }, (_, i) => 10 ** ((3 * i) / (size - 1)));
    const b = Float64Array.from({ length: size }, (_, i) => Math.sin(i + 1));
    const quadratic: Objective = (x, g) => {
      let f = 0;
      for (let i = 0; i < size; i++) {
        g[i] = diag[i]! * x[i]! - b[i]!;
        f += 0.5 * diag[i]! * x[i]! * x[i]! - b[i]! * x[i]!;
      }
      return f;
    };
    const result = minimizeLbfgs(quadratic, new Float64Array(size), {
      maxIterations: 500,
      gradientTolerance: 1e-6,
      lossTolerance: 0,
    });
    expect(result.reason).toBe('gradient');
    for (let i = 0; i < size; i++) expect(result.x[i]).toBeCloseTo(b[i]! / diag[i]!, 5);
  });

  it("reports 'max-iterations' when cut short and validates its config", () => {
    const result = minimizeLbfgs(rosenbrock, Float64Array.from([-1.2, 1]), { maxIterations: 3, lossTolerance: 0 });
    expect(result.reason).toBe('max-iterations');
    expect(result.iterations).toBe(3);
    expect(() => minimizeLbfgs(rosenbrock, new Float64Array(2), { memory: 0 })).toThrow(
      /memory must be a positive integer/
    );
    expect(() => minimizeLbfgs(() => Number.NaN, new Float64Array(2))).toThrow(/objective is NaN at the start/);
  });
});
