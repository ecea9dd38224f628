import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { channelStatistics, splitHeldOut, takeBalanced, type LabeledImages } from '@jepa/core';
import { IJEPA_EVALUATION_DEFAULTS, MNIST_IMAGE_SIZE } from '@jepa/vision';
import { ImageDecodeError, loadImageFolder, loadMnist } from '@jepa/vision/node';
import { CliError } from '../../cli-error.js';
import type { TextStream } from '../../cli-io.js';

/** What data a run uses: recorded in `config.json` so `--resume` and `eval probe` reload the same. */
export interface DataSpec {
  /** `mnist` (the embedded digits) or an image folder `root/<class>/<image>` (absolute once resolved). */
  readonly dataset: string;
  /** Side of the square images the model takes. */
  readonly imageSize: number;
  /** 1 (greyscale) or 3 (RGB). */
  readonly channels: number;
  /** Train images used (class-balanced prefix); all when undefined. */
  readonly trainLimit?: number;
  /** Held-out images used for evaluation (class-balanced prefix); all when undefined. */
  readonly evalLimit?: number;
  /** Image folders only: fraction of each class held out for evaluation. */
  readonly heldOutFraction: number;
  /** Image folders only: skip files that fail to decode (they are counted in the report). */
  readonly skipCorrupt: boolean;
}

/** A file of an image folder that could not be decoded. */
export interface SkippedFile {
  readonly path: string;
  readonly reason: string;
}

/** What the report says about the data. */
export interface DataSummary {
  /** The embedded MNIST digits, or an image folder. */
  readonly kind: 'mnist' | 'folder';
  /** `mnist`, or the folder's absolute path. */
  readonly source: string;
  /** Side of the images as trained on, in pixels. */
  readonly imageSize: number;
  /** Channels of the images. */
  readonly channels: number;
  /** Class names, index = label. */
  readonly classNames: readonly string[];
  /** Images trained on. */
  readonly trainImages: number;
  /** Images held out for the probes. */
  readonly heldOutImages: number;
  /** How the held-out images were chosen. */
  readonly split: string;
  /** Files skipped by `--skip-corrupt` (0 for MNIST). */
  readonly skippedCorrupt: number;
  /** The skipped files and why. */
  readonly skippedFiles: readonly SkippedFile[];
}

/** The train and held-out sets of a run. */
export interface RunData {
  readonly train: LabeledImages;
  readonly heldOut: LabeledImages;
  /** Per-channel mean/std of the train images (what a folder run normalises with). */
  readonly statistics: { mean: number[]; std: number[] };
  readonly summary: DataSummary;
}

/** True for the embedded MNIST digits. */
export function isMnist(dataset: string): boolean {
  return dataset.toLowerCase() === 'mnist';
}

/** `mnist` stays `mnist`; a folder path is made absolute against `cwd`. */
export function resolveDatasetPath(dataset: string, cwd: string): string {
  return isMnist(dataset) ? 'mnist' : resolve(cwd, dataset);
}

/**
 * Loads the data of `spec`: MNIST split as {@link loadMnist} does (200 held-out digits per class),
 * or an image folder resized to `imageSize`, split per class by {@link splitHeldOut}. Then
 * `trainLimit`/`evalLimit` keep class-balanced prefixes. Every mistake is a {@link CliError}.
 */
export async function loadRunData(spec: DataSpec, log?: TextStream): Promise<RunData> {
  let train: LabeledImages;
  let heldOut: LabeledImages;
  let kind: DataSummary['kind'];
  let split: string;
  let skippedFiles: SkippedFile[] = [];
  if (isMnist(spec.dataset)) {
    if (spec.imageSize !== MNIST_IMAGE_SIZE || spec.channels !== 1) {
      throw new CliError(
        `MNIST images are ${MNIST_IMAGE_SIZE} x ${MNIST_IMAGE_SIZE} x 1, but the model takes ${spec.imageSize} x ${spec.imageSize} x ${spec.channels}. ` +
          `Fix: drop --image-size/--channels (or set --image-size ${MNIST_IMAGE_SIZE} --channels 1) for MNIST, or pass --dataset <folder>.`,
      );
    }
    ({ train, heldOut } = loadMnist({ heldOutPerClass: IJEPA_EVALUATION_DEFAULTS.mnistHeldOutPerClass }));
    kind = 'mnist';
    split = `the last ${IJEPA_EVALUATION_DEFAULTS.mnistHeldOutPerClass} digits of each class of the 10,000 in the \`mnist\` package`;
  } else {
    const root = spec.dataset;
    const info = await stat(root).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new CliError(
        `--dataset ${root}: ${info ? 'is a file, not a folder' : 'no such folder'}. ` +
          'Fix: pass --dataset mnist (embedded, no download) or a folder laid out as <root>/<class name>/<image file>.',
      );
    }
    if (spec.channels !== 1 && spec.channels !== 3) throw new CliError(`--channels must be 1 (greyscale) or 3 (RGB), got ${spec.channels}.`);
    log?.write(`loading images from ${root} (${spec.imageSize} x ${spec.imageSize} x ${spec.channels})...\n`);
    let folder;
    try {
      folder = await loadImageFolder(root, { size: spec.imageSize, channels: spec.channels as 1 | 3, skipCorrupt: spec.skipCorrupt });
    } catch (error) {
      if (error instanceof ImageDecodeError && !spec.skipCorrupt) {
        throw new CliError(`Cannot decode image ${error.path}: ${error.reason}. Fix: pass --skip-corrupt to skip unreadable files (the report counts them), or re-export or remove the file.`, 1, { cause: error });
      }
      throw new CliError(`--dataset ${root}: ${(error as Error).message}`);
    }
    skippedFiles = folder.skipped.map(({ path, reason }) => ({ path, reason }));
    if (skippedFiles.length > 0) log?.write(`skipped ${skippedFiles.length} unreadable file(s) (--skip-corrupt), e.g. ${skippedFiles[0]!.path}: ${skippedFiles[0]!.reason}\n`);
    ({ train, heldOut } = splitHeldOut(folder, spec.heldOutFraction));
    if (heldOut.count === 0) {
      throw new CliError(`--dataset ${root}: no class has two or more images, so nothing can be held out for evaluation. Fix: add images, or pass --no-eval.`);
    }
    kind = 'folder';
    split = `the last ${Math.round(spec.heldOutFraction * 100)} % of each class folder (sorted by file name)`;
  }
  train = takeBalanced(train, spec.trainLimit);
  heldOut = takeBalanced(heldOut, spec.evalLimit);
  if (spec.trainLimit !== undefined || spec.evalLimit !== undefined) split += '; --train-limit/--eval-limit keep class-balanced prefixes';
  return {
    train,
    heldOut,
    statistics: channelStatistics(train),
    summary: {
      kind,
      source: isMnist(spec.dataset) ? 'mnist' : spec.dataset,
      imageSize: spec.imageSize,
      channels: spec.channels,
      classNames: train.classNames,
      trainImages: train.count,
      heldOutImages: heldOut.count,
      split,
      skippedCorrupt: skippedFiles.length,
      skippedFiles,
    },
  };
}
