import { resolveProtocol, trainAndScore } from './evaluation-protocol.js';
import type { ProtocolConfig } from './evaluation-protocol.js';
import type { LabelledFeatures } from './labelled-features.js';
import type { Probe } from './probe.js';

/** Result of {@link fullProbe}. */
export interface FullProbeResult {
  /** Accuracy on the whole test set. */
  readonly accuracy: number;
  /** The trained probe; the caller owns it (call `dispose?.()` when done). */
  readonly probe: Probe;
}

/**
 * Standard probe evaluation: trains a probe on the whole train set, scores it on the whole test
 * set. Both are frozen features `[n, D]` with labels; see {@link ProtocolConfig}.
 */
export async function fullProbe(
  train: LabelledFeatures,
  test: LabelledFeatures,
  config: ProtocolConfig = {}
): Promise<FullProbeResult> {
  const { trainer, numClasses, seed } = resolveProtocol(train, test, config, 'fullProbe');
  return trainAndScore(trainer, train, test, { seed, numClasses }, true, 'fullProbe');
}
