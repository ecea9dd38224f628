// @jepa/cli public API: the `jepa` program for embedding and tests, and the MNIST recipe.
export { runCli, type RunCliOptions } from './run-cli.js';
export { createProgram } from './program.js';
export { CliError } from './cli-error.js';
export type { CliContext } from './cli-context.js';
export type { CliIo, TextStream } from './cli-io.js';
export type { RunConfig, RunSettings, ResolvedTrainingConfig } from './run-config.js';
export type { RunReport, ModelSummary } from './run-report.js';
export type { ProbeRow, CollapseSummary } from './probe-suite.js';
export type { DataSpec, DataSummary } from './run-data.js';
