// @jepa/core/testing: helpers for parity tests against the official-code fixtures.
export { fixtureDir, loadFixtureTensors, maxAbs, maxAbsDiff } from './parity-fixtures.js';
