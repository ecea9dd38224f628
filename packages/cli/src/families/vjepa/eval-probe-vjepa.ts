import { resolve } from 'node:path';
import { createVJepa, MOVING_MNIST_VJEPA_DATA, VJEPA_DEFAULTS, type VJepaModel, type VJepaTrainingConfig } from '@jepa/video';
import { CliError } from '../../cli-error.js';
import type { CliContext } from '../../cli-context.js';
import type { CheckpointLocation } from '../../checkpoints/checkpoint-location.js';
import { seconds, writeProbeReport } from '../../report/probe-report.js';
import { loadRunCheckpoint, type LoadedRunCheckpoint } from '../../checkpoints/run-checkpoint.js';
import { field, predictorClaims, recordedVitSize, vitModuleClaims, type ShapeClaim } from '../../checkpoints/model-shape-claims.js';
import { evaluateVJepa, formatVJepaProbeTable, vjepaShotsPerClass } from './vjepa-evaluation.js';
import { loadVJepaProbeData, readVJepaRunData } from './vjepa-probe-data.js';
import type { EvalProbeFlags } from '../model-family.js';

/** A V-JEPA rebuilt from a `jepa train vjepa` checkpoint. */
export type LoadedVJepa = LoadedRunCheckpoint<VJepaModel, VJepaTrainingConfig>;

/**
 * Loads a V-JEPA checkpoint written by `jepa train vjepa`: `createVJepa(config.model)` from the
 * config in its metadata, the three modules loaded strictly (see {@link loadRunCheckpoint}).
 */
export function loadVJepaRunCheckpoint(location: CheckpointLocation, kind: string): Promise<LoadedVJepa> {
  return loadRunCheckpoint(location, { kind, label: 'V-JEPA', command: `jepa train ${kind}`, build: (config: VJepaTrainingConfig) => createVJepa(config.model), shapeClaims: vjepaShapeClaims });
}

/** The tensor shapes a V-JEPA run config implies (both encoders, the predictor, its mask tokens), checked before the model is built. */
export function vjepaShapeClaims(config: VJepaTrainingConfig, where: string): ShapeClaim[] {
  const model = config.model;
  const size = recordedVitSize(model.encoder, where);
  const tubelet = model.tubeletSize ?? VJEPA_DEFAULTS.tubeletSize;
  const patch = { size: model.patchSize, from: field('model.patchSize', model.patchSize) };
  const side = model.imageSize / model.patchSize;
  const tokens = {
    size: (model.numFrames / tubelet) * side * side,
    from: `${field('model.numFrames', model.numFrames)} / tubelet ${tubelet} x (${field('model.imageSize', model.imageSize)} / ${field('model.patchSize', model.patchSize)})^2`,
  };
  const channels = model.inChannels ?? 3;
  const kernel = [{ size: tubelet, from: field('model.tubeletSize', tubelet) }, patch, patch];
  const inChannels = { size: channels, from: field('model.inChannels', channels) };
  const predictor = { embedDim: model.predictor?.embedDim ?? VJEPA_DEFAULTS.predictorEmbedDim, depth: model.predictor?.depth ?? VJEPA_DEFAULTS.predictorDepth, mlpRatio: size.mlpRatio };
  const maskTokens = model.numMaskTokens ?? VJEPA_DEFAULTS.masks.length;
  const width = { size: predictor.embedDim, from: field('model.predictor.embedDim', predictor.embedDim) };
  return [
    ...vitModuleClaims('target_encoder', size, inChannels, kernel, tokens),
    ...vitModuleClaims('encoder', size, inChannels, kernel, tokens),
    ...predictorClaims(predictor, size.embedDim, tokens),
    maskTokens === 1
      ? { key: 'predictor.mask_token', shape: [{ size: 1 }, { size: 1 }, width] }
      : { prefix: 'predictor.mask_tokens', count: { size: maskTokens, from: field('model.numMaskTokens', maskTokens) } },
  ];
}

/** The sentence that says how the V-JEPA probes were run. */
function protocolSentence(shotsPerClass: number, draws: number, full: boolean): string {
  return (
    'Linear probes on frozen features (the encoder\'s tokens averaged over the whole tubelet grid, one centred clip per video): ' +
    `low-shot with ${shotsPerClass} labelled train clips per class (${draws} random draws), ${full ? 'and full-label with every train clip, ' : ''}scored on the test clips.`
  );
}

/**
 * `jepa eval probe` for a checkpoint of `jepa train vjepa` (the caller has read `meta.state.kind`):
 * rebuilds the V-JEPA from the config in the checkpoint, decodes the run's clips (or `--dataset`'s)
 * and prints the probe table of `jepa train vjepa`.
 */
export async function evalProbeVJepa(location: CheckpointLocation, flags: EvalProbeFlags, context: CliContext, kind: string): Promise<void> {
  const { io } = context;
  const log = io.stderr;
  if (flags.heldOutFraction !== undefined) {
    throw new CliError('--held-out-fraction applies to image folders; a V-JEPA run probes on its train and test clips (use --train-limit / --eval-limit to take fewer).');
  }
  const run = location.runDir ? await readVJepaRunData(location.runDir, kind) : undefined;
  if (flags.dataset === undefined && !run) {
    throw new CliError(`--checkpoint: ${location.dir} is not inside a run folder of \`jepa train vjepa\` (no config.json with its data). Pass --dataset <folder|index> with the videos to probe on.`);
  }
  const started = performance.now();
  const { model, config, step, tensorsPath } = await loadVJepaRunCheckpoint(location, kind);
  try {
    log.write(`loaded ${tensorsPath}${step === undefined ? '' : ` (step ${step})`}\n`);
    const data = await loadVJepaProbeData(
      {
        dataset: flags.dataset === undefined ? run!.dataset : resolve(io.cwd, flags.dataset),
        runDir: location.runDir,
        task: flags.task,
        trainClips: flags.trainLimit ?? run?.trainClips ?? MOVING_MNIST_VJEPA_DATA.trainClips,
        testClips: flags.evalLimit ?? run?.testClips ?? MOVING_MNIST_VJEPA_DATA.testClips,
        model: config.model,
        frameStep: config.frameStep ?? 4,
        skipCorrupt: flags.skipCorrupt === true,
      },
      log,
    );
    const full = flags.full !== false;
    const encoder = flags.encoder === 'context' ? model.contextEncoder : model.targetEncoder;
    const seed = flags.seed ?? config.seed;
    const rows = await evaluateVJepa(encoder, config, data.train, data.test, {
      shots: flags.shots,
      draws: flags.draws,
      seed,
      full,
      baselines: flags.baselines === true,
      name: flags.encoder === 'context' ? 'vjepa (context encoder)' : 'vjepa',
      log,
    });
    const shotsPerClass = vjepaShotsPerClass(data.train, flags.shots);
    const protocol = protocolSentence(shotsPerClass, flags.draws, full);
    const wallSeconds = (performance.now() - started) / 1000;
    const e = model.config.encoder;
    io.stdout.write(
      `\ncheckpoint ${tensorsPath}${step === undefined ? '' : ` (step ${step})`}\n` +
        `encoder    V-JEPA ${flags.encoder} encoder: video ViT ${e.embedDim}x${e.depth}, ${e.numHeads} heads, grid ${model.grid.join('x')}\n` +
        `data       ${data.source}: probes trained on ${data.train.count} clips, scored on ${data.test.count} clips (task: ${data.task})\n` +
        (data.skipped.length > 0 ? `skipped    ${data.skipped.length} unreadable video(s): ${data.skipped.slice(0, 5).map((s) => s.path).join(', ')}${data.skipped.length > 5 ? ', ...' : ''}\n` : '') +
        `\n${formatVJepaProbeTable(rows)}\n\n${protocol} Seed ${seed}. Took ${seconds(wallSeconds)}.\n`,
    );
    if (flags.out !== undefined) {
      await writeProbeReport(flags.out, io.cwd, {
        model: kind,
        checkpoint: tensorsPath,
        step: step ?? null,
        encoder: flags.encoder,
        data: { source: data.source, task: data.task, trainClips: data.train.count, testClips: data.test.count, skipped: data.skipped },
        shotsPerClass,
        draws: flags.draws,
        full,
        seed,
        protocol,
        rows,
        wallSeconds,
      }, log);
    }
  } finally {
    model.dispose();
  }
}
