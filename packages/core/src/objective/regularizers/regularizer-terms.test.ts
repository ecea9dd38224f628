import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../random/rng.js';
import { useBackendForThisFile } from '../../testing/use-backend.js';
import { covariance64, normalMatrix, relativeError, temporal64, varianceHinge64 } from './float64-reference.js';
import { regularizedLoss } from './regularized-loss.js';
import { EB_JEPA_TWO_ROOMS_REGULARIZERS, regularizerTerms } from './regularizer-terms.js';
import { sigregLoss } from './sigreg-loss.js';

useBackendForThisFile('cpu');

/** `[B][T][D]` latents with small per-feature scales, so the variance hinge is active. */
function latents(batch: number, time: number, width: number, seed: number): number[][][] {
  const flat = normalMatrix(batch * time, width, seed, 0.4);
  return Array.from({ length: batch }, (_, b) => flat.slice(b * time, (b + 1) * time));
}

function values(terms: ReturnType<typeof regularizerTerms>): Record<string, number> {
  return Object.fromEntries(terms.map((term) => [term.name, term.value.dataSync()[0]!]));
}

describe('regularizerTerms', () => {
  it('computes eb_jepa Two Rooms terms on [B, T, D] latents, pooling B x T samples for variance and covariance', () => {
    const z = latents(3, 4, 5, 1);
    const tensor = tf.tensor3d(z);
    const terms = regularizerTerms(tensor, EB_JEPA_TWO_ROOMS_REGULARIZERS);
    expect(terms.map((t) => [t.name, t.weight])).toEqual([['variance', 16], ['covariance', 8], ['temporal', 12]]);
    const got = values(terms);
    const pooled = z.flat();
    const expected = { variance: varianceHinge64(pooled), covariance: covariance64(pooled), temporal: temporal64(z) };
    for (const name of ['variance', 'covariance', 'temporal'] as const) {
      expect(relativeError([got[name]!], [expected[name]])).toBeLessThan(1e-5);
    }
    const { total } = regularizedLoss(terms);
    const expectedTotal = 16 * expected.variance + 8 * expected.covariance + 12 * expected.temporal;
    expect(relativeError([total.dataSync()[0]!], [expectedTotal])).toBeLessThan(1e-5);
    tf.dispose([tensor, total, ...terms.map((t) => t.value)]);
  });

  it('adds SIGReg with directions drawn from the rng, and accepts [M, D] features', () => {
    const x = tf.tensor2d(normalMatrix(20, 4, 2));
    const terms = regularizerTerms(x, { variance: { weight: 1, target: 2 }, sigreg: { weight: 0.05, numDirections: 8 } }, new Rng(3));
    expect(terms.map((t) => t.name)).toEqual(['variance', 'sigreg']);
    const direct = sigregLoss(x, { rng: new Rng(3), numDirections: 8 });
    expect(values(terms).sigreg).toBe(direct.dataSync()[0]);
    expect(values(terms).variance).toBeCloseTo(varianceHinge64(normalMatrix(20, 4, 2), 2), 5);
    tf.dispose([x, direct, ...terms.map((t) => t.value)]);
  });

  it('trains through tf.variableGrads with finite gradients and leaks nothing', () => {
    const z = tf.variable(tf.tensor3d(latents(2, 3, 4, 4)));
    const before = tf.memory().numTensors;
    const logged: Record<string, number> = {};
    const { value, grads } = tf.variableGrads(() => {
      const { total, parts } = regularizedLoss(regularizerTerms(z, { ...EB_JEPA_TWO_ROOMS_REGULARIZERS, sigreg: { weight: 0.1, numDirections: 4 } }, new Rng(5)));
      for (const [name, part] of Object.entries(parts)) logged[name] = part.dataSync()[0]!;
      return total;
    }, [z]);
    expect(Object.keys(logged)).toEqual(['variance', 'covariance', 'temporal', 'sigreg']);
    expect(Array.from(grads[z.name]!.dataSync()).every(Number.isFinite)).toBe(true);
    expect(value.dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    z.dispose();
  });

  it('refuses a temporal term without a time axis and SIGReg without an rng', () => {
    const x = tf.zeros([6, 3]) as tf.Tensor2D;
    expect(() => regularizerTerms(x, { temporal: { weight: 1 } })).toThrow(/temporal needs \[B, T, D\]/);
    expect(() => regularizerTerms(x, { sigreg: { weight: 1 } })).toThrow(/pass an rng/);
    const before = tf.memory().numTensors;
    expect(() => regularizerTerms(x, { variance: { weight: 1 }, covariance: { weight: 1 }, sigreg: { weight: 1, numKnots: 4 } }, new Rng(0))).toThrow(/odd integer/);
    expect(tf.memory().numTensors).toBe(before); // the terms made before the error are disposed
    x.dispose();
  });
});
