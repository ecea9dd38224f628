import { createIJepa, IJEPA_DEFAULTS, IJEPA_EVALUATION_DEFAULTS, type IJepaModel } from '@jepa/vision';
import type { CheckpointLocation } from '../../checkpoints/checkpoint-location.js';
import { loadRunCheckpoint, type LoadedRunCheckpoint } from '../../checkpoints/run-checkpoint.js';
import { field, predictorClaims, recordedVitSize, vitModuleClaims, type ShapeClaim } from '../../checkpoints/model-shape-claims.js';
import { CliError } from '../../cli-error.js';
import type { CliContext } from '../../cli-context.js';
import { seconds, writeProbeReport } from '../../report/probe-report.js';
import { readRunConfig } from '../../run-folder/run-config.js';
import type { EvalProbeFlags } from '../model-family.js';
import { evaluateIJepa, protocolSentence } from './ijepa-evaluation.js';
import { formatProbeTable } from './ijepa-run-report.js';
import type { IJepaRunConfig, ResolvedTrainingConfig } from './ijepa-run-settings.js';
import { loadRunData, resolveDatasetPath, type DataSpec } from './image-run-data.js';

/** An I-JEPA rebuilt from a `jepa train ijepa` checkpoint. */
export type LoadedIJepa = LoadedRunCheckpoint<IJepaModel, ResolvedTrainingConfig>;

/**
 * Loads an I-JEPA checkpoint written by `jepa train ijepa`: `createIJepa(config.model)` from the
 * config in its metadata, weights loaded strictly (see {@link loadRunCheckpoint}).
 */
export function loadIJepaRunCheckpoint(location: CheckpointLocation, kind: string): Promise<LoadedIJepa> {
  return loadRunCheckpoint(location, { kind, label: 'I-JEPA', command: `jepa train ${kind}`, build: (config: ResolvedTrainingConfig) => createIJepa(config.model), shapeClaims: ijepaShapeClaims });
}

/** The tensor shapes an I-JEPA run config implies (both encoders and the predictor), checked before the model is built. */
export function ijepaShapeClaims(config: ResolvedTrainingConfig, where: string): ShapeClaim[] {
  const model = config.model;
  const size = recordedVitSize(model.encoder, where);
  const patch = { size: model.patchSize, from: field('model.patchSize', model.patchSize) };
  const side = model.imageSize / model.patchSize;
  const tokens = { size: side * side, from: `${field('model.imageSize', model.imageSize)} / ${field('model.patchSize', model.patchSize)}` };
  const channels = model.inChannels ?? 3;
  const inChannels = { size: channels, from: field('model.inChannels', channels) };
  const predictor = { embedDim: model.predictor?.embedDim ?? IJEPA_DEFAULTS.predictorEmbedDim, depth: model.predictor?.depth ?? IJEPA_DEFAULTS.predictorDepth, mlpRatio: (model.predictor as { mlpRatio?: number } | undefined)?.mlpRatio };
  return [
    ...vitModuleClaims('target_encoder', size, inChannels, [patch, patch], tokens),
    ...vitModuleClaims('encoder', size, inChannels, [patch, patch], tokens),
    ...predictorClaims(predictor, size.embedDim, tokens),
  ];
}

/**
 * `jepa eval probe` for a checkpoint of `jepa train ijepa`: average-pooled features of the run's
 * train and held-out images (or `--dataset`'s) through the frozen encoder, low-shot and full-label
 * linear probes, optionally next to a random-weight encoder and raw pixels.
 */
export async function evalProbeIJepa(location: CheckpointLocation, flags: EvalProbeFlags, context: CliContext, kind: string): Promise<void> {
  const { io } = context;
  const log = io.stderr;
  if (flags.task !== undefined) throw new CliError('--task chooses the label of a V-JEPA Moving MNIST run; this is an I-JEPA checkpoint. Leave --task out.');
  const recorded = location.runDir ? await readRunConfig(location.runDir).catch(() => undefined) : undefined;
  const run = recorded?.kind === kind ? (recorded as IJepaRunConfig) : undefined;
  const started = performance.now();
  const { model, config, step, tensorsPath } = await loadIJepaRunCheckpoint(location, kind);
  try {
    log.write(`loaded ${tensorsPath}${step === undefined ? '' : ` (step ${step})`}\n`);
    const spec: DataSpec = {
      dataset: flags.dataset === undefined ? run?.data.dataset ?? 'mnist' : resolveDatasetPath(flags.dataset, io.cwd),
      imageSize: config.model.imageSize,
      channels: config.model.inChannels,
      trainLimit: flags.trainLimit ?? run?.data.trainLimit,
      evalLimit: flags.evalLimit ?? run?.data.evalLimit,
      heldOutFraction: flags.heldOutFraction ?? run?.data.heldOutFraction ?? IJEPA_EVALUATION_DEFAULTS.folderHeldOutFraction,
      skipCorrupt: flags.skipCorrupt ?? run?.data.skipCorrupt ?? false,
    };
    const data = await loadRunData(spec, log);
    const full = flags.full !== false;
    const encoder = flags.encoder === 'context' ? model.contextEncoder : model.targetEncoder;
    const rows = await evaluateIJepa(encoder, config, data, {
      shotsPerClass: flags.shots,
      draws: flags.draws,
      full,
      seed: flags.seed ?? 0,
      baselines: flags.baselines === true,
      label: `I-JEPA ${flags.encoder} encoder`,
      log,
    });
    const wallSeconds = (performance.now() - started) / 1000;
    io.stdout.write(
      `\ncheckpoint ${tensorsPath}${step === undefined ? '' : ` (step ${step})`}\n` +
        `data       ${data.summary.source}: probes trained on ${data.train.count} images, scored on ${data.heldOut.count} held-out images\n\n` +
        `${formatProbeTable(rows, flags.shots, flags.draws)}\n\n` +
        `${protocolSentence({ shotsPerClass: flags.shots, draws: flags.draws, full })} Took ${seconds(wallSeconds)}.\n`,
    );
    if (flags.out !== undefined) {
      await writeProbeReport(flags.out, io.cwd, {
        checkpoint: tensorsPath,
        step: step ?? null,
        encoder: flags.encoder,
        data: data.summary,
        shotsPerClass: flags.shots,
        draws: flags.draws,
        full,
        protocol: protocolSentence({ shotsPerClass: flags.shots, draws: flags.draws, full }),
        rows,
        wallSeconds,
      }, log);
    }
  } finally {
    model.dispose();
  }
}
