import type { UniformSource } from './uniform-source.js';

/**
 * One draw from the von Mises distribution on the circle, `VonMises(mean, kappa)`, by the
 * Best-Fisher (1979) rejection algorithm, the one `torch.distributions.VonMises.sample` uses
 * (three uniforms per attempt; the mean acceptance rate is above 65 % for every `kappa`).
 *
 * @param rng the uniform source to draw from (e.g. `new Rng(seed)`); nothing else is consulted.
 * @param mean the mean direction in radians (any finite value).
 * @param kappa the concentration, `>= 0`: 0 is the uniform distribution on the circle, large values
 *   approach a normal with variance `1 / kappa`.
 * @returns an angle in radians in `[mean - pi, mean + pi)`, i.e. `mean` plus a deviation in `[-pi, pi)`
 *   (torch wraps the sum into `[-pi, pi)` instead; take it modulo `2 pi` if you need a fixed range).
 */
export function sampleVonMises(rng: UniformSource, mean: number, kappa: number): number {
  if (!Number.isFinite(mean)) throw new RangeError(`sampleVonMises: mean must be a finite angle in radians; got ${mean}.`);
  if (!(kappa >= 0) || !Number.isFinite(kappa)) {
    throw new RangeError(`sampleVonMises: kappa must be a finite number >= 0 (0 is uniform on the circle); got ${kappa}.`);
  }
  if (kappa === 0) return mean + Math.PI * (2 * rng.uniform() - 1);
  const r = proposalR(kappa);
  for (;;) {
    const u1 = rng.uniform();
    const u2 = rng.uniform();
    const u3 = rng.uniform();
    const z = Math.cos(Math.PI * u1);
    const f = (1 + r * z) / (r + z);
    const c = kappa * (r - f);
    if (c * (2 - c) - u2 > 0 || Math.log(c / u2) + 1 - c >= 0) {
      // acos(f) is in [0, pi]; the third uniform picks the side. f can leave [-1, 1] by rounding.
      const deviation = Math.acos(Math.min(1, Math.max(-1, f)));
      return mean + (u3 < 0.5 ? -deviation : deviation);
    }
  }
}

/** Best-Fisher's envelope parameter `r` (torch's `_proposal_r`, with its Taylor form for tiny kappa). */
function proposalR(kappa: number): number {
  if (kappa < 1e-5) return 1 / kappa + kappa;
  const tau = 1 + Math.sqrt(1 + 4 * kappa * kappa);
  const rho = (tau - Math.sqrt(2 * tau)) / (2 * kappa);
  return (1 + rho * rho) / (2 * rho);
}
