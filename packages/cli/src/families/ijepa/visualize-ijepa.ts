import { resolve } from 'node:path';
import { takeBalanced, type LabeledImages, type MultiBlockMaskConfig } from '@jepa/core';
import {
  createIJepaFromCheckpoint,
  IJEPA_DEFAULTS,
  IJEPA_EVALUATION_DEFAULTS,
  IMAGENET_MEAN,
  IMAGENET_STD,
  predictionFigure,
  trainPatchDecoder,
  type IJepaModel,
  type Normalization,
} from '@jepa/vision';
import { writePng } from '@jepa/vision/node';
import { CliError } from '../../cli-error.js';
import type { CliContext } from '../../cli-context.js';
import type { TextStream } from '../../cli-io.js';
import { seconds } from '../../report/probe-report.js';
import { readRunConfig } from '../../run-folder/run-config.js';
import type { VisualizeRequest } from '../model-family.js';
import { loadIJepaRunCheckpoint } from './eval-probe-ijepa.js';
import type { IJepaRunConfig } from './ijepa-run-settings.js';
import { loadRunData, resolveDatasetPath, type DataSpec } from './image-run-data.js';
import type { PredictionPictureSummary } from './prediction-picture-summary.js';

export type { PredictionPictureSummary } from './prediction-picture-summary.js';

/** Images whose tokens train the patch decoder (class-balanced, from the train split). */
export const DECODER_TRAIN_IMAGES = 1024;

/** Options of {@link drawPredictions}. */
export interface DrawPredictionsOptions {
  readonly masks: Omit<MultiBlockMaskConfig, 'grid'>;
  readonly normalization?: Normalization;
  readonly count: number;
  readonly seed: number;
  readonly decoderSteps?: number;
  readonly log?: TextStream;
}

/**
 * Trains a patch decoder on the frozen target encoder's tokens of (up to 1,024 class-balanced)
 * `train` images, draws the prediction figure for the first `count` class-balanced `heldOut`
 * images and writes it to `out` as PNG. The decoder is disposed before it returns.
 */
export async function drawPredictions(model: IJepaModel, train: LabeledImages, heldOut: LabeledImages, out: string, options: DrawPredictionsOptions): Promise<PredictionPictureSummary> {
  const started = performance.now();
  const log = options.log;
  log?.write('training the patch decoder for the picture of predictions...\n');
  const { decoder, mse, meanPatchMse, steps } = await trainPatchDecoder(model, takeBalanced(train, DECODER_TRAIN_IMAGES), {
    steps: options.decoderSteps,
    seed: options.seed,
    normalization: options.normalization,
    onProgress: (step, total, loss) => log?.write(`  decoder step ${step}/${total}: MSE ${loss.toPrecision(4)}\n`),
    progressEvery: 500,
  });
  try {
    const figure = predictionFigure(model, decoder, takeBalanced(heldOut, options.count), {
      count: options.count,
      masks: options.masks,
      seed: options.seed,
      normalization: options.normalization,
    });
    await writePng(out, figure);
    return { file: out, rows: figure.rows, decoderSteps: steps, decoderMse: mse, meanPatchMse, seconds: (performance.now() - started) / 1000 };
  } finally {
    decoder.dispose();
  }
}

/** The line the commands print about a picture they wrote. */
export function predictionsLine(summary: PredictionPictureSummary): string {
  return `${summary.file} (${summary.rows} held-out images; patch decoder MSE ${summary.decoderMse.toPrecision(3)} vs ${summary.meanPatchMse.toPrecision(3)} for the mean patch, ` +
    `${summary.decoderSteps} steps; ${seconds(summary.seconds)})`;
}

/**
 * `jepa visualize` for I-JEPA: a `jepa train ijepa` run (its masks, normalisation and held-out
 * images, or `--images`), or an official training checkpoint with all three modules (`--images`
 * needed; I-JEPA's default masks; ImageNet normalisation for RGB, the images' own statistics for
 * greyscale).
 */
export async function visualizeIJepa(request: VisualizeRequest, context: CliContext, kind: string): Promise<void> {
  const { io } = context;
  const log = io.stderr;
  const { flags, out } = request;
  let model: IJepaModel;
  let masks: Omit<MultiBlockMaskConfig, 'grid'>;
  let normalization: Normalization | undefined;
  let spec: DataSpec;
  let loaded: string;
  const imagesSpec = (imageSize: number, channels: number): DataSpec => ({
    dataset: resolveDatasetPath(flags.images!, io.cwd),
    imageSize,
    channels,
    heldOutFraction: IJEPA_EVALUATION_DEFAULTS.folderHeldOutFraction,
    skipCorrupt: flags.skipCorrupt ?? false,
  });
  if ('run' in request.source) {
    const location = request.source.run;
    const recorded = location.runDir ? await readRunConfig(location.runDir).catch(() => undefined) : undefined;
    const run = recorded?.kind === kind ? (recorded as IJepaRunConfig) : undefined;
    const checkpoint = await loadIJepaRunCheckpoint(location, kind);
    model = checkpoint.model;
    masks = checkpoint.config.masks;
    normalization = checkpoint.config.normalization;
    loaded = `${checkpoint.tensorsPath}${checkpoint.step === undefined ? '' : ` (step ${checkpoint.step})`}`;
    const { imageSize, inChannels } = checkpoint.config.model;
    spec = flags.images !== undefined
      ? imagesSpec(imageSize, inChannels ?? 3)
      : {
          dataset: run?.data.dataset ?? 'mnist',
          imageSize,
          channels: inChannels ?? 3,
          trainLimit: run?.data.trainLimit,
          evalLimit: run?.data.evalLimit,
          heldOutFraction: run?.data.heldOutFraction ?? IJEPA_EVALUATION_DEFAULTS.folderHeldOutFraction,
          skipCorrupt: flags.skipCorrupt ?? run?.data.skipCorrupt ?? false,
        };
  } else {
    const file = request.source.file;
    if (flags.images === undefined) {
      throw new CliError(`--checkpoint ${file.path}: is not a run of \`jepa train ijepa\`, so there are no held-out images of its own. Pass --images <folder of <class>/<image> files>.`);
    }
    try {
      model = createIJepaFromCheckpoint(file, { numHeads: flags.numHeads }).model;
    } catch (error) {
      throw new CliError(
        `--checkpoint ${file.path}: cannot build an I-JEPA with its predictor from it (${(error as Error).message}). ` +
          'jepa visualize needs a training checkpoint with encoder, predictor and target_encoder (an official .pth.tar or a run of jepa train ijepa); pass --num-heads when it matches no preset.',
        1,
        { cause: error },
      );
    }
    masks = { ...IJEPA_DEFAULTS.masks, minKeep: 0 };
    loaded = file.path;
    spec = imagesSpec(model.config.imageSize, model.config.inChannels);
  }
  try {
    log.write(`loaded ${loaded}\n`);
    const data = await loadRunData(spec, log);
    if (!('run' in request.source)) normalization = model.config.inChannels === 3 ? { mean: [...IMAGENET_MEAN], std: [...IMAGENET_STD] } : data.statistics;
    const summary = await drawPredictions(model, data.train, data.heldOut, resolve(io.cwd, out), { masks, normalization, count: flags.count, seed: flags.seed, decoderSteps: flags.decoderSteps, log });
    io.stdout.write(`predictions ${predictionsLine(summary)}\n`);
  } finally {
    model.dispose();
  }
}
