import { stat, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { VideoClipDataset, type SkippedVideo, type VideoDatasetOptions, type VideoSample } from './video-dataset.js';

/** A parsed index file: samples with resolved paths and the class names. */
export interface VideoIndex {
  /** The videos in file order, paths resolved. */
  readonly samples: readonly VideoSample[];
  /** Class names, index = label. */
  readonly classNames: readonly string[];
}

/** Options for {@link parseVideoIndex}. */
export interface ParseVideoIndexOptions {
  /** Folder that relative paths are resolved against. Default: the current folder. */
  readonly baseDirectory?: string;
  /** Names the index in errors. Default `video index`. */
  readonly source?: string;
  /**
   * Class names, index = label, for integer labels. Default: `'0'..'max'`. With non-integer labels
   * (class names in the file), classes are the distinct names sorted, and this must not be given.
   */
  readonly classNames?: readonly string[];
}

/** Options for {@link loadVideoIndex}. */
export interface LoadVideoIndexOptions extends VideoDatasetOptions, Omit<ParseVideoIndexOptions, 'baseDirectory' | 'source'> {
  /** Probe every file now (see `VideoClipDataset.validate`). Default false: files are read lazily. */
  readonly validate?: boolean;
}

const LINE = /^(.+?)\s*[,\s]\s*([^,\s]+)$/;
const INTEGER = /^\d+$/;

/**
 * Parses an index as the official V-JEPA code reads it (`pd.read_csv(path, header=None,
 * delimiter=" ")`): one `path label` line per video. Also accepted: comma-separated `path,label`
 * lines, paths with spaces (the label is the last field), blank lines, `#` comments, a header line
 * (a first line named like `path label`, or whose label alone is not an integer), and class names
 * as labels.
 * Relative paths are resolved against `baseDirectory`.
 */
export function parseVideoIndex(text: string, options: ParseVideoIndexOptions = {}): VideoIndex {
  const source = options.source ?? 'video index';
  const base = options.baseDirectory ?? process.cwd();
  const rows: Array<{ path: string; label: string; line: number }> = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = LINE.exec(line);
    if (!match) {
      throw new Error(
        `${source}: line ${i + 1} ${JSON.stringify(raw)} is not "path label". Fix: write one "path label" (space- or comma-separated) per line.`,
      );
    }
    rows.push({ path: match[1].replace(/,$/, '').trim(), label: match[2], line: i + 1 });
  });
  const headerLike = /^(path|paths|video|videos|file|filename|video_path|name)$/i.test(rows[0]?.path ?? '');
  if (rows.length > 1 && !INTEGER.test(rows[0].label) && (headerLike || rows.slice(1).every((row) => INTEGER.test(row.label)))) rows.shift();
  if (rows.length === 0) throw new Error(`${source}: no "path label" lines found. Fix: list one video per line as "path label".`);

  const numeric = rows.every((row) => INTEGER.test(row.label));
  let classNames: readonly string[];
  let labelOf: (label: string) => number;
  if (numeric) {
    const max = Math.max(...rows.map((row) => Number(row.label)));
    classNames = options.classNames ?? Array.from({ length: max + 1 }, (_, k) => String(k));
    if (max >= classNames.length) {
      const row = rows.find((r) => Number(r.label) >= classNames.length)!;
      throw new RangeError(
        `${source}: line ${row.line} has label ${row.label}, but only ${classNames.length} class names were given. Fix: pass every class name, or fix the label.`,
      );
    }
    labelOf = Number;
  } else {
    if (options.classNames) {
      throw new Error(`${source}: labels are class names (e.g. ${JSON.stringify(rows.find((r) => !INTEGER.test(r.label))!.label)}), so classNames must not be given; labels follow the sorted names.`);
    }
    const names = [...new Set(rows.map((row) => row.label))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const lookup = new Map(names.map((name, k) => [name, k]));
    classNames = names;
    labelOf = (label) => lookup.get(label)!;
  }
  const samples = rows.map((row) => ({ path: isAbsolute(row.path) ? row.path : resolve(base, row.path), label: labelOf(row.label) }));
  return { samples, classNames };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * A dataset from an index file of `path label` lines (see {@link parseVideoIndex}); relative paths
 * are resolved against the index file's folder. Files listed but missing are an error listing them
 * (or, with `skipCorrupt`, dropped and listed in `skipped`); unreadable videos throw a
 * `VideoDecodeError` naming the file when read, or are skipped with `skipCorrupt`.
 */
export async function loadVideoIndex(indexPath: string, options: LoadVideoIndexOptions): Promise<VideoClipDataset> {
  const { classNames, validate, ...datasetOptions } = options;
  const file = resolve(indexPath);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`loadVideoIndex: cannot read the index file ${file}: ${(error as Error).message}. Fix: check the path.`, { cause: error });
  }
  const source = `loadVideoIndex(${file})`;
  const index = parseVideoIndex(text, { baseDirectory: dirname(file), source, classNames });
  const present = await Promise.all(index.samples.map((sample) => isFile(sample.path)));
  const missing = index.samples.filter((_, i) => !present[i]);
  if (missing.length > 0 && !options.skipCorrupt) {
    throw new Error(
      `${source}: ${missing.length} of ${index.samples.length} listed video(s) do not exist: ` +
        missing.slice(0, 5).map((sample) => sample.path).join(', ') +
        (missing.length > 5 ? `, ... (${missing.length - 5} more)` : '') +
        '. Fix: relative paths resolve against the index file\'s folder; correct them, or pass { skipCorrupt: true } to drop and list missing files.',
    );
  }
  const skipped: SkippedVideo[] = missing.map((sample) => ({ path: sample.path, reason: 'missing: no such file' }));
  const dataset = new VideoClipDataset(index.samples.filter((_, i) => present[i]), index.classNames, datasetOptions, source, skipped);
  if (validate) await dataset.validate();
  return dataset;
}
