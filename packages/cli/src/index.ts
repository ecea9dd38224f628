/**
 * The `jepa` command as a library: the program (to embed it, or to run it in tests), the
 * model-family registry, and the types of the files a run folder holds (`config.json`,
 * `report.json`, `plan-report.json`).
 *
 * @module @jepa/cli
 */
export { runCli, type RunCliOptions } from './run-cli.js';
export { createProgram } from './program.js';
export { CliError } from './cli-error.js';
export type { CliContext } from './cli-context.js';
export type { CliIo, TextStream } from './cli-io.js';
export type { RunConfig } from './run-folder/run-config.js';
export { MODEL_FAMILIES } from './families/registry.js';
export type { ModelFamily, EvalProbeFlags, EmbedFlags, EmbedRequest, CheckpointSummary, PlanCapability, PlanFlags, PlanRequest } from './families/model-family.js';
export type { IJepaRunConfig, RunSettings, ResolvedTrainingConfig } from './families/ijepa/ijepa-run-settings.js';
export type { RunReport, ModelSummary } from './families/ijepa/ijepa-run-report.js';
export type { ProbeRow, CollapseSummary } from './families/ijepa/probe-suite.js';
export type { DataSpec, DataSummary } from './families/ijepa/image-run-data.js';
export type { VJepaRunConfig } from './families/vjepa/train-vjepa.js';
export type { WorldModelRunConfig, WorldModelDataSpec, WorldModelRunSettings } from './families/world-model/world-model-run.js';
export type { WorldModelRunReport } from './families/world-model/world-model-run-report.js';
export type { PlanReport } from './families/world-model/plan-report.js';
