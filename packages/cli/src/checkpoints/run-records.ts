import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../cli-error.js';
import { readRunConfig, RUN_CONFIG_FILE } from '../run-folder/run-config.js';

/**
 * A run records its model in several places: every checkpoint manifest (`meta.state.config.model`),
 * the run folder's `config.json` (`training.model`) and, once training ended, `report.json`
 * (`model`). Heads cannot be read from weights, so a manifest edited to say 16 heads where training
 * used 2 would be believed; when the records disagree, the model is not built and the files are named.
 */

/** The sizes report.json records under `model` that the model config has under the same path. */
const REPORTED_SIZES = [
  'imageSize', 'patchSize', 'inChannels', 'numFrames', 'tubeletSize', 'numMaskTokens',
  ...['encoder', 'predictor'].flatMap((part) => ['embedDim', 'depth', 'numHeads', 'mlpRatio'].map((size) => `${part}.${size}`)),
];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isLeaf = (value: unknown) => value === null || ['string', 'number', 'boolean'].includes(typeof value);

/** Primitive values by dotted path (arrays by index). */
function leaves(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value)) value.forEach((item, i) => leaves(item, `${prefix}${i}.`, out));
  else if (isRecord(value)) for (const [key, item] of Object.entries(value)) leaves(item, `${prefix}${key}.`, out);
  else if (isLeaf(value)) out.set(prefix.slice(0, -1), value);
  return out;
}

/** The first path (of `paths`, or every path both hold) where two records hold different primitive values. */
function firstDifference(a: unknown, b: unknown, paths?: readonly string[]): { path: string; a: unknown; b: unknown } | undefined {
  const left = leaves(a);
  const right = leaves(b);
  for (const path of paths ?? [...left.keys()]) {
    if (!left.has(path) || !right.has(path)) continue;
    if (left.get(path) !== right.get(path)) return { path, a: left.get(path), b: right.get(path) };
  }
  return undefined;
}

/**
 * Refuses a checkpoint whose recorded model config disagrees with its run folder's `config.json`
 * (`training.model`, every value both record) or `report.json` (`model`: sizes and heads): a
 * {@link CliError} naming both files, the field and both values. Runs without these files (or of
 * another kind) pass.
 * @param model the checkpoint's `meta.state.config.model`.
 * @param metaPath the checkpoint manifest that records it.
 * @param runDir the run folder holding the checkpoint, when it sits in `<run>/checkpoints/`.
 */
export async function refuseDisagreeingRunRecords(model: unknown, metaPath: string, runDir: string | undefined, kind: string): Promise<void> {
  if (runDir === undefined || !isRecord(model)) return;
  const refuse = (file: string, where: string, difference: { path: string; a: unknown; b: unknown }): never => {
    throw new CliError(
      `${metaPath} and ${file} disagree about the model: the checkpoint records meta.state.config.model.${difference.path} ${JSON.stringify(difference.a)}, ` +
        `${file} records ${where}.${difference.path} ${JSON.stringify(difference.b)}. One of them was edited or copied from another run; ` +
        'the weights cannot tell which is right (attention heads are not in them), so nothing was loaded. Restore the file that was changed.',
    );
  };
  const configPath = join(runDir, RUN_CONFIG_FILE);
  const config = await readRunConfig(runDir).catch(() => undefined);
  if (config?.kind === kind && isRecord(config.training) && isRecord(config.training.model)) {
    const difference = firstDifference(model, config.training.model);
    if (difference) refuse(configPath, 'training.model', difference);
  }
  const reportPath = join(runDir, 'report.json');
  const report = await readFile(reportPath, 'utf8').then((text) => JSON.parse(text) as unknown, () => undefined);
  if (isRecord(report) && isRecord(report.model)) {
    const difference = firstDifference(model, report.model, REPORTED_SIZES);
    if (difference) refuse(reportPath, 'model', difference);
  }
}
