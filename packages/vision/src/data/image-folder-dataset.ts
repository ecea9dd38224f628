import { readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { decodeImage, ImageDecodeError, type ImageChannels } from './image.js';
import type { LabeledImages } from './labeled-images.js';

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
}

/** One image file of an image folder and its class index. */
export interface ImageFolderSample {
  readonly path: string;
  readonly label: number;
}

/** What {@link scanImageFolder} found. */
export interface ImageFolderIndex {
  /** The root, resolved to an absolute path. */
  readonly root: string;
  /** Class folder names sorted by code point; index = label. */
  readonly classNames: readonly string[];
  /** Images ordered by class, then by folder path and file name (as torchvision's `make_dataset`). */
  readonly samples: readonly ImageFolderSample[];
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const isHidden = (name: string) => name.startsWith('.');

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Image files under `directory`, recursively (following links once), in torchvision's order. */
async function listImages(directory: string, extensions: readonly string[]): Promise<string[]> {
  const groups: Array<{ directory: string; files: string[] }> = [];
  const seen = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const real = await realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    const files: string[] = [];
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (isHidden(entry.name)) continue;
      const path = join(dir, entry.name);
      let directoryEntry = entry.isDirectory();
      let fileEntry = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await stat(path).catch(() => undefined);
        directoryEntry = target?.isDirectory() ?? false;
        fileEntry = target?.isFile() ?? false;
      }
      if (directoryEntry) await walk(path);
      else if (fileEntry && extensions.some((ext) => entry.name.toLowerCase().endsWith(ext))) files.push(entry.name);
    }
    groups.push({ directory: dir, files: files.sort(byCodePoint) });
  };
  await walk(directory);
  groups.sort((a, b) => byCodePoint(a.directory, b.directory));
  return groups.flatMap((group) => group.files.map((file) => join(group.directory, file)));
}

/**
 * Indexes an ImageNet-style folder `root/<class>/<image>` (images may sit in subfolders of a class
 * folder). Classes are the sub-folders of `root` sorted by name; files directly in `root` and
 * hidden entries (names starting with `.`) are ignored. Throws when `root` is missing, has no class
 * folder, or a class folder has no image (unless `allowEmptyClasses`).
 */
export async function scanImageFolder(root: string, options: ScanImageFolderOptions = {}): Promise<ImageFolderIndex> {
  const extensions = (options.extensions ?? DEFAULT_IMAGE_EXTENSIONS).map((ext) => ext.toLowerCase());
  if (extensions.length === 0 || extensions.some((ext) => !ext.startsWith('.') || ext.length < 2)) {
    throw new RangeError(
      `scanImageFolder(${root}): extensions must be non-empty and each start with a dot (e.g. ".png"), ` +
        `got ${JSON.stringify(options.extensions)}.`,
    );
  }
  const absoluteRoot = resolve(root);
  if (!(await isDirectory(absoluteRoot))) {
    throw new Error(
      `scanImageFolder: image folder root ${absoluteRoot} does not exist or is not a directory. ` +
        'Fix: pass a folder laid out as root/<class>/<image>.',
    );
  }
  const entries = (await readdir(absoluteRoot, { withFileTypes: true })).filter((entry) => !isHidden(entry.name));
  const classNames: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectory(join(absoluteRoot, entry.name))))) {
      classNames.push(entry.name);
    }
  }
  classNames.sort(byCodePoint);
  if (classNames.length === 0) {
    const loose = entries.length;
    throw new Error(
      `scanImageFolder: no class folders in ${absoluteRoot}` +
        (loose > 0 ? ` (found ${loose} file(s) directly in it, which are ignored)` : ' (it is empty)') +
        '. Fix: lay the images out as root/<class>/<image>, one sub-folder per class.',
    );
  }

  const samples: ImageFolderSample[] = [];
  const empty: string[] = [];
  for (const [label, name] of classNames.entries()) {
    const files = await listImages(join(absoluteRoot, name), extensions);
    if (files.length === 0) empty.push(name);
    for (const path of files) samples.push({ path, label });
  }
  if (empty.length > 0 && !options.allowEmptyClasses) {
    throw new Error(
      `scanImageFolder: ${empty.length} class folder(s) in ${absoluteRoot} hold no image with an extension in ` +
        `${extensions.join(', ')}: ${empty.join(', ')}. Fix: add images, remove those folders, pass the files' ` +
        'extensions in `extensions`, or pass { allowEmptyClasses: true }.',
    );
  }
  return { root: absoluteRoot, classNames, samples };
}

/** A file that {@link loadImageFolder} skipped, and why. */
export interface SkippedImage {
  readonly path: string;
  readonly reason: string;
}

/** Progress of {@link loadImageFolder}, reported after each file (in completion order). */
export interface ImageFolderProgress {
  /** Files finished so far, decoded or skipped. */
  readonly done: number;
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

  const index = await scanImageFolder(root, options);
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
    skipped: failures.map(({ error }) => ({ path: error.path, reason: error.reason })),
  };
}
