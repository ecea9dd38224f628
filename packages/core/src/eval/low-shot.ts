import { resolveProtocol, trainAndScore } from './evaluation-protocol.js';
import type { ProtocolConfig } from './evaluation-protocol.js';
import { selectRows } from './labelled-features.js';
import type { LabelledFeatures } from './labelled-features.js';
import { mulberry32 } from '../random/mulberry32.js';
import { uniformInt } from '../random/uniform-source.js';

/** Settings of {@link lowShotProbe}; every field is optional. */
export interface LowShotConfig extends ProtocolConfig {
  /** Labelled examples drawn per class for each draw. Default 10. */
  readonly shotsPerClass?: number;
  /** Independent draws (each trains and scores one probe). Default 5. */
  readonly draws?: number;
}

/** Defaults of {@link LowShotConfig}. */
export const LOW_SHOT_DEFAULTS = {
  /** {@inheritDoc LowShotConfig.shotsPerClass} */
  shotsPerClass: 10,
  /** {@inheritDoc LowShotConfig.draws} */
  draws: 5,
  /** Seed of the draws. */
  seed: 0,
} as const;

/** Result of {@link lowShotProbe}. */
export interface LowShotResult {
  /** Mean test accuracy over draws. */
  readonly mean: number;
  /** Sample standard deviation (`draws - 1`) of the test accuracy over draws; 0 for one draw. */
  readonly std: number;
  /** Test accuracy of each draw, in order. */
  readonly accuracies: number[];
}

/**
 * Low-shot probe evaluation: for each of `draws` draws, picks `shotsPerClass` examples of every
 * class from `train` (without replacement, seeded), trains a probe on them and scores it on the
 * whole `test` set. Same seed, same subsets and same result.
 */
export async function lowShotProbe(
  train: LabelledFeatures,
  test: LabelledFeatures,
  config: LowShotConfig = {}
): Promise<LowShotResult> {
  const shotsPerClass = config.shotsPerClass ?? LOW_SHOT_DEFAULTS.shotsPerClass;
  const draws = config.draws ?? LOW_SHOT_DEFAULTS.draws;
  if (!Number.isInteger(shotsPerClass) || shotsPerClass < 1) {
    throw new RangeError(`lowShotProbe: shotsPerClass must be a positive integer; got ${shotsPerClass}.`);
  }
  if (!Number.isInteger(draws) || draws < 1) {
    throw new RangeError(`lowShotProbe: draws must be a positive integer; got ${draws}.`);
  }
  const { trainer, numClasses, seed } = resolveProtocol(train, test, config, 'lowShotProbe');

  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < train.labels.length; i++) byClass[train.labels[i]!]!.push(i);
  const short = byClass.flatMap((members, c) =>
    members.length < shotsPerClass ? [`class ${c}: ${members.length}`] : []
  );
  if (short.length > 0) {
    throw new RangeError(
      `lowShotProbe: ${short.length} of ${numClasses} classes have fewer than shotsPerClass=${shotsPerClass} train ` +
        `examples (${short.slice(0, 5).join(', ')}${
          short.length > 5 ? ', ...' : ''
        }); lower shotsPerClass or add examples.`
    );
  }

  const random = mulberry32(seed);
  const accuracies: number[] = [];
  for (let draw = 0; draw < draws; draw++) {
    const picked: number[] = [];
    for (const members of byClass) {
      // Partial Fisher-Yates on a copy: the first `shotsPerClass` entries are a uniform sample.
      const pool = members.slice();
      for (let k = 0; k < shotsPerClass; k++) {
        const j = k + uniformInt(random, 0, pool.length - k);
        [pool[k], pool[j]] = [pool[j]!, pool[k]!];
        picked.push(pool[k]!);
      }
    }
    const subset = selectRows(train, picked);
    const drawSeed = uniformInt(random, 0, 2 ** 31);
    const { accuracy } = await trainAndScore(
      trainer,
      subset,
      test,
      { seed: drawSeed, numClasses },
      false,
      'lowShotProbe'
    );
    accuracies.push(accuracy);
  }

  const mean = accuracies.reduce((a, b) => a + b, 0) / draws;
  const variance = draws > 1 ? accuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws - 1) : 0;
  return { mean, std: Math.sqrt(variance), accuracies };
}
