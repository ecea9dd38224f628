/**
 * Helpers for parity tests against the official-code fixtures, and the conformance checks any
 * `Trainable` can run (exact resume, no tensor leaks, strict loading): plain async functions that
 * throw, no test framework.
 *
 * @module @jepa/core/testing
 */
export { fixtureDir, loadFixtureTensors, maxAbs, maxAbsDiff } from './parity-fixtures.js';
export { checkExactResume, type ExactResumeOptions } from './check-exact-resume.js';
export { checkNoTensorLeaks, type NoTensorLeaksOptions } from './check-no-tensor-leaks.js';
export { checkStrictLoading, type StrictLoadingOptions, type StrictLoadingReport } from './check-strict-loading.js';
export { checkTrainableConformance, type TrainableConformanceOptions, type TrainableConformanceReport } from './check-trainable-conformance.js';
export { destroyTrainable, withTrainable, type TrainableHarness } from './trainable-harness.js';
export { diffSnapshots, snapshotState, type StateSnapshot } from './trainable-snapshot.js';
