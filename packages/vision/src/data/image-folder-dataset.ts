import { type ImageChannels, type LabeledImages } from '@jepa/core';
import { scanClassFolder, type ClassFolderIndex } from '@jepa/core/node';
import { decodeImage, ImageDecodeError } from './decode-image.js';

/** File extensions read by default (lower case; matching ignores case): what sharp decodes. */
export const DEFAULT_IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif'];

/** Options for {@link scanImageFolder}. */
export interface ScanImageFolderOptions {
  /** File extensions to keep, with the dot, any case. Default {@link DEFAULT_IMAGE_EXTENSIONS}. */
  readonly extensions?: readonly string[];
  /**
   * Keep class folders that hold no image (their labels stay reserved). Default false: such a
   * folder is an error, as in torchvision's `ImageFolder`.
   */
  readonly allowEmptyClasses?: boolean;
  /** Leave out (and list in `unreadable`) entries with an image extension that cannot be read, e.g. dangling symbolic links. Default false: an `UnreadableFilesError` lists them. */
  readonly skipUnreadable?: boolean;
}

/**
 * Indexes an ImageNet-style folder `root/<class>/<image>` (images may sit in subfolders of a class
 * folder): `scanClassFolder` of @jepa/core with image extensions. Classes are the sub-folders of
 * `root` sorted by name; files directly in `root` and hidden entries are ignored. Throws when `root`
 * is missing, has no class folder, or a class folder has no image (unless `allowEmptyClasses`).
 */
export function scanImageFolder(root: string, options: ScanImageFolderOptions = {}): Promise<ClassFolderIndex> {
  return scanClassFolder(root, {
    extensions: options.extensions ?? DEFAULT_IMAGE_EXTENSIONS,
    allowEmptyClasses: options.allowEmptyClasses,
    skipUnreadable: options.skipUnreadable,
    fileKind: 'image',
    where: 'scanImageFolder',
  });
}

/** A file that {@link loadImageFolder} skipped, and why. */
export interface SkippedImage {
  /** The file. */
  readonly path: string;
  /** Why it was skipped (the decoder's error). */
  readonly reason: string;
}

/** Progress of {@link loadImageFolder}, reported after each file (in completion order). */
export interface ImageFolderProgress {
  /** Files finished so far, decoded or skipped. */
  readonly done: number;
  /** Files to load in all. */
  readonly total: number;
  /** The file just finished. */
  readonly path: string;
}

/** Options for {@link loadImageFolder}. */
export interface LoadImageFolderOptions extends ScanImageFolderOptions {
  /** Side of the square images: the shorter side is resized to it, then the centre is cropped. */
  readonly size: number;
  /** 3 (RGB, default) or 1 (greyscale). */
  readonly channels?: ImageChannels;
  /**
   * Skip files that fail to decode and list them in `skipped` (default false: the first corrupt
   * file, in sorted order, throws an {@link ImageDecodeError} naming it).
   */
  readonly skipCorrupt?: boolean;
  /** Files decoded at once (sharp runs them on its thread pool). Default 4. */
  readonly concurrency?: number;
  /** Called after every file. */
  readonly onProgress?: (progress: ImageFolderProgress) => void;
}

/** An image folder loaded into memory. */
export interface ImageFolderDataset extends LabeledImages {
  /** The root, absolute. */
  readonly root: string;
  /** `[count]` the file of each image. */
  readonly paths: readonly string[];
  /** Files that failed to decode (only ever non-empty with `skipCorrupt`). */
  readonly skipped: readonly SkippedImage[];
}

/**
 * Scans (see {@link scanImageFolder}) and decodes a whole image folder into one
 * `[count, size, size, channels]` buffer of 0..1 values: each image's shorter side is resized to
 * `size` and the centre square kept. Everything is held in memory (`count * size^2 * channels * 4`
 * bytes), so this suits small folders and subsets, not all of ImageNet.
 */
export async function loadImageFolder(root: string, options: LoadImageFolderOptions): Promise<ImageFolderDataset> {
  const { size, skipCorrupt = false, concurrency = 4, onProgress } = options ?? ({} as LoadImageFolderOptions);
  const channels = options?.channels ?? 3;
  if (!Number.isInteger(size) || size <= 0) {
    throw new RangeError(`loadImageFolder(${root}): size must be a positive integer (the square side in pixels), got ${String(size)}.`);
  }
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`loadImageFolder(${root}): channels must be 1 or 3, got ${String(channels)}.`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`loadImageFolder(${root}): concurrency must be a positive integer, got ${String(concurrency)} (default 4).`);
  }

  // Unreadable entries (dangling links) are failures like undecodable files: an error, or skipped and listed with skipCorrupt.
  const index = await scanImageFolder(root, { ...options, skipUnreadable: skipCorrupt });
  const total = index.samples.length;
  const imageSize = size * size * channels;
  let images: Float32Array;
  try {
    images = new Float32Array(total * imageSize);
  } catch (error) {
    const gib = ((total * imageSize * 4) / 2 ** 30).toFixed(1);
    throw new RangeError(
      `loadImageFolder(${index.root}): ${total} images of ${size}x${size}x${channels} need ${gib} GiB in one buffer, ` +
        'more than can be allocated. Fix: use a smaller size, fewer channels or a subset of the folder.',
      { cause: error },
    );
  }

  const ok = new Uint8Array(total);
  const failures: Array<{ index: number; error: ImageDecodeError }> = [];
  let next = 0;
  let done = 0;
  let stop = false;
  const worker = async (): Promise<void> => {
    while (!stop && next < total) {
      const i = next++;
      const { path } = index.samples[i];
      try {
        const image = await decodeImage(path, { channels, size });
        if (image.height !== size || image.width !== size || image.channels !== channels) {
          throw new ImageDecodeError(path, `decoded to ${image.height}x${image.width}x${image.channels}, expected ${size}x${size}x${channels}`);
        }
        images.set(image.data, i * imageSize);
        ok[i] = 1;
      } catch (error) {
        if (!(error instanceof ImageDecodeError)) throw error;
        failures.push({ index: i, error });
        if (!skipCorrupt) stop = true;
      }
      done++;
      onProgress?.({ done, total, path });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));

  failures.sort((a, b) => a.index - b.index);
  if (!skipCorrupt && failures.length > 0) {
    const { error } = failures[0];
    throw new ImageDecodeError(error.path, error.reason, {
      cause: error,
      fix:
        'pass { skipCorrupt: true } to loadImageFolder to skip unreadable files (they are listed in `skipped`), ' +
        'or re-export or remove the file',
    });
  }

  const kept = ok.reduce((sum, flag) => sum + flag, 0);
  if (kept === 0) {
    const { error } = failures[0];
    throw new ImageDecodeError(error.path, `${error.reason} (and every other one of the ${total} files in ${index.root} failed too)`, {
      cause: error,
      fix: 'check that the folder holds real images of a format sharp reads',
    });
  }
  const labels = new Int32Array(kept);
  const paths: string[] = [];
  let compact = images;
  if (kept < total) {
    compact = new Float32Array(kept * imageSize);
  }
  for (let i = 0, j = 0; i < total; i++) {
    if (!ok[i]) continue;
    if (compact !== images) compact.set(images.subarray(i * imageSize, (i + 1) * imageSize), j * imageSize);
    labels[j] = index.samples[i].label;
    paths.push(index.samples[i].path);
    j++;
  }
  return {
    images: compact,
    labels,
    count: kept,
    height: size,
    width: size,
    channels,
    classNames: index.classNames,
    root: index.root,
    paths,
    skipped: [...index.unreadable, ...failures.map(({ error }) => ({ path: error.path, reason: error.reason }))],
  };
}
