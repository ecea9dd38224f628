import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { clipToRawFrames, defaultVideoEncoder, encodeVideo } from '../decode/ffmpeg-adapter.js';
import { prefetch } from '../decode/prefetch.js';
import {
  MOVING_MNIST_DIRECTIONS_4,
  MOVING_MNIST_DIRECTIONS_8,
  movingMnistClips,
  requireDigits,
  type MovingMnistClipsOptions,
} from './moving-mnist.js';

/** Moving MNIST written as video files through ffmpeg (Node only; `@jepa/video/node`); the clips are moving-mnist.ts's. */

/** Options for {@link writeMovingMnistDataset}. */
export interface WriteMovingMnistOptions extends MovingMnistClipsOptions {
  /** Frames per second written into the files. Default 10. */
  readonly fps?: number;
  /** Encoder (see `encodeVideo`): `auto` = libx264 when present, else mpeg4. Default `auto`. */
  readonly codec?: 'auto' | 'libx264' | 'mpeg4' | 'ffv1' | (string & {});
  /** libx264 CRF / mpeg4 q (see `encodeVideo`). Default libx264 CRF 18. */
  readonly quality?: number;
  /** ffmpeg processes at once. Default 2. */
  readonly concurrency?: number;
  /** Stops writing: the running ffmpeg processes are killed. */
  readonly signal?: AbortSignal;
}

/** One written video and its labels (as in `labels.json`). */
export interface MovingMnistRecord {
  /** Path relative to the dataset folder, e.g. `videos/000000.mp4`. */
  readonly file: string;
  /** The MNIST class of each digit in the video. */
  readonly digits: readonly number[];
  /** The first digit's class (`digits.csv`). */
  readonly digitLabel: number;
  /** `10 * first + second` with two digits, else the digit (`pairs.csv`). */
  readonly pairLabel: number;
  /** The first digit's direction class (`directions.csv`). */
  readonly directionLabel: number;
  /** The first digit's starting velocity `[vx, vy]`, pixels per frame. */
  readonly velocity: readonly [number, number];
}

/** What {@link writeMovingMnistDataset} wrote. */
export interface MovingMnistDataset {
  /** The dataset folder (absolute). */
  readonly directory: string;
  /** Absolute paths of the videos. */
  readonly videos: readonly string[];
  /** Index files in the official `path label` format (paths relative to `directory`). */
  readonly indexFiles: {
    /** `digits.csv`: labels by the first digit's class. */
    readonly digit: string;
    /** `directions.csv`: labels by the first digit's direction. */
    readonly direction: string;
    /** `pairs.csv`: labels by the pair of digits. */
    readonly pair: string;
  };
  /** `labels.json`: every label of every video, class names and options. */
  readonly labelsFile: string;
  /** Every video and its labels, in order. */
  readonly records: readonly MovingMnistRecord[];
  /** The encoder used. */
  readonly codec: string;
  /** Names of the direction classes, index = label. */
  readonly directionClassNames: readonly string[];
}

/**
 * Writes Moving MNIST as real video files, so that training exercises the real decoding path:
 * `dir/videos/000000.mp4 ...` (raw grey frames piped into ffmpeg: libx264 when the binary has it,
 * else mpeg4; `codec: 'ffv1'` writes lossless `.mkv`), plus index files in the official
 * `path label` format (paths relative to `dir`, so `loadVideoIndex` finds them):
 * `digits.csv` (first digit's class), `directions.csv` (first digit's initial direction, see
 * `directionClass`), `pairs.csv` (ordered digit pair), and `labels.json` with all labels.
 */
export async function writeMovingMnistDataset(dir: string, options: WriteMovingMnistOptions): Promise<MovingMnistDataset> {
  const directory = resolve(dir);
  const extension = options.codec === 'ffv1' ? 'mkv' : 'mp4';
  const fps = options.fps ?? 10;
  const directionClasses = options.directionClasses ?? 8;
  const directionClassNames = directionClasses === 4 ? MOVING_MNIST_DIRECTIONS_4 : MOVING_MNIST_DIRECTIONS_8;
  await mkdir(join(directory, 'videos'), { recursive: true });
  requireDigits(options.digits, 'writeMovingMnistDataset');
  const clips = movingMnistClips(options);

  const codec = !options.codec || options.codec === 'auto' ? await defaultVideoEncoder() : options.codec;
  const records: MovingMnistRecord[] = [];
  let i = 0;
  const jobs = (function* () {
    for (const sample of clips) yield { sample, file: `videos/${String(i++).padStart(6, '0')}.${extension}` };
  })();
  const concurrency = options.concurrency ?? 2;
  for await (const written of prefetch(
    jobs,
    async ({ sample, file }, signal) => {
      await encodeVideo(join(directory, file), clipToRawFrames(sample.clip), {
        width: sample.clip.width,
        height: sample.clip.height,
        pixelFormat: 'gray',
        fps,
        codec,
        quality: options.quality,
        signal,
      });
      return { sample, file };
    },
    { ahead: 2 * concurrency, concurrency, signal: options.signal },
  )) {
    const { sample, file } = written;
    records.push({
      file,
      digits: sample.digits,
      digitLabel: sample.digitLabel,
      pairLabel: sample.pairLabel,
      directionLabel: sample.directionLabel,
      velocity: sample.velocities[0],
    });
  }

  const index = (label: (record: MovingMnistRecord) => number) => records.map((record) => `${record.file} ${label(record)}\n`).join('');
  const indexFiles = {
    digit: join(directory, 'digits.csv'),
    direction: join(directory, 'directions.csv'),
    pair: join(directory, 'pairs.csv'),
  };
  await writeFile(indexFiles.digit, index((record) => record.digitLabel));
  await writeFile(indexFiles.direction, index((record) => record.directionLabel));
  await writeFile(indexFiles.pair, index((record) => record.pairLabel));
  const labelsFile = join(directory, 'labels.json');
  const { digits: _digits, signal: _signal, ...recorded } = options;
  await writeFile(
    labelsFile,
    JSON.stringify(
      {
        generator: 'writeMovingMnistDataset (@jepa/video)',
        options: { ...recorded, fps, codec, directionClasses },
        classNames: { digit: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], direction: directionClassNames },
        directionRule: 'class k is centred on k * 360 / classes degrees counter-clockwise from right, of the first digit\'s initial velocity (y up on screen)',
        samples: records,
      },
      null,
      2,
    ) + '\n',
  );
  return {
    directory,
    videos: records.map((record) => join(directory, record.file)),
    indexFiles,
    labelsFile,
    records,
    codec,
    directionClassNames,
  };
}
