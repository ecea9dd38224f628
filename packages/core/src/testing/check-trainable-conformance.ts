import type { Trainable } from '../train/trainable.js';
import { checkExactResume, type ExactResumeOptions } from './check-exact-resume.js';
import { checkNoTensorLeaks, type NoTensorLeaksOptions } from './check-no-tensor-leaks.js';
import { checkStrictLoading, type StrictLoadingOptions } from './check-strict-loading.js';
import type { TrainableHarness } from './trainable-harness.js';

/** Options of {@link checkTrainableConformance}: each check's own options, or `false` to leave it out. */
export interface TrainableConformanceOptions {
  /** Options of {@link checkExactResume}, or `false` to skip it. */
  readonly exactResume?: ExactResumeOptions | false;
  /** Options of {@link checkNoTensorLeaks}, or `false` to skip it. */
  readonly noTensorLeaks?: NoTensorLeaksOptions | false;
  /** Options of {@link checkStrictLoading}, or `false` to skip it. */
  readonly strictLoading?: StrictLoadingOptions | false;
}

/** What {@link checkTrainableConformance} found when every check passed. */
export interface TrainableConformanceReport {
  /** The checks that ran and passed (`exact resume`, `no tensor leaks`, `strict loading`). */
  readonly passed: string[];
  /** What was not checked, and why. */
  readonly skipped: string[];
}

/**
 * Runs the conformance checks every {@link Trainable} should pass: {@link checkExactResume},
 * {@link checkNoTensorLeaks} and {@link checkStrictLoading}. Plain async code with no test
 * framework: call it from any test and let it throw.
 *
 * @example
 * it('conforms', () => checkTrainableConformance({ create: () => new MyTrainable(config, data) }));
 * @throws one Error whose message holds the message of every check that failed.
 */
export async function checkTrainableConformance<T extends Trainable>(harness: TrainableHarness<T>, options: TrainableConformanceOptions = {}): Promise<TrainableConformanceReport> {
  const passed: string[] = [];
  const skipped: string[] = [];
  const failures: string[] = [];
  const run = async (name: string, setting: object | false | undefined, check: () => Promise<unknown>) => {
    if (setting === false) {
      skipped.push(`${name}: turned off by the options`);
      return;
    }
    try {
      await check();
      passed.push(name);
    } catch (error) {
      failures.push(`${name}: ${(error as Error)?.message ?? String(error)}`);
    }
  };
  const { exactResume, noTensorLeaks, strictLoading } = options;
  await run('exact resume', exactResume, () => checkExactResume(harness, exactResume || {}));
  await run('no tensor leaks', noTensorLeaks, () => checkNoTensorLeaks(harness, noTensorLeaks || {}));
  await run('strict loading', strictLoading, async () => {
    const report = await checkStrictLoading(harness, strictLoading || {});
    skipped.push(...report.skipped.map((reason) => `strict loading, ${reason}`));
  });
  if (failures.length > 0) {
    throw new Error(`checkTrainableConformance(${harness.name ?? 'trainable'}): ${failures.length} of ${failures.length + passed.length} checks failed:\n\n${failures.join('\n\n')}`);
  }
  return { passed, skipped };
}
