import { CliError } from '../cli-error.js';

/** The optimisation fields every family's config has, as the flags change them. */
export interface ScheduledOptimization {
  readonly steps: number;
  readonly batchSize: number;
  readonly warmupSteps?: number;
  readonly startLr?: number;
  readonly lr?: number;
}

/** `--steps`, `--batch-size`, `--lr` as given (undefined: not given). */
export interface OptimizationFlags {
  readonly steps?: number;
  readonly batchSize?: number;
  readonly lr?: number;
}

/**
 * The optimisation of a run: `base` (the recipe, or the resumed run's config) with `--steps`,
 * `--batch-size` and `--lr` applied the same way for every family:
 * - the warm-up keeps the base's length when the length is unchanged or the run is resumed, and
 *   otherwise the base's warm-up fraction of the new length;
 * - the start learning rate scales with the peak (`--lr`), keeping the base's ratio.
 * A resumed run then compares the result with its config.json (only `steps` may differ).
 */
export function applyOptimizationFlags<T extends ScheduledOptimization>(base: T, flags: OptimizationFlags, resuming: boolean): T {
  const steps = flags.steps ?? base.steps;
  const batchSize = flags.batchSize ?? base.batchSize;
  const lr = flags.lr ?? base.lr;
  const warmupSteps =
    base.warmupSteps === undefined ? undefined
      : resuming || steps === base.steps ? Math.min(base.warmupSteps, steps)
      : Math.round(steps * (base.warmupSteps / base.steps));
  const startLr = base.startLr !== undefined && base.lr !== undefined && lr !== undefined ? (base.startLr / base.lr) * lr : base.startLr;
  return {
    ...base,
    steps,
    batchSize,
    ...(warmupSteps !== undefined ? { warmupSteps } : {}),
    ...(lr !== undefined ? { lr } : {}),
    ...(startLr !== undefined ? { startLr } : {}),
  };
}

/** `--steps`, or `--epochs` x batches per epoch, or the base's; refuses both flags at once. */
export function resolveSteps(flags: { steps?: number; epochs?: number }, base: number, trainCount: number, batchSize: number): number {
  if (flags.steps !== undefined && flags.epochs !== undefined) throw new CliError('Give --steps or --epochs, not both.');
  if (flags.epochs === undefined) return flags.steps ?? base;
  const perEpoch = Math.floor(trainCount / batchSize);
  if (perEpoch < 1) throw new CliError(`--batch-size ${batchSize} exceeds the ${trainCount} train images, so an epoch has no full batch. Lower --batch-size.`);
  return flags.epochs * perEpoch;
}
