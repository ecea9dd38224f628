import { access, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { decodeDatasetClips, subsetDecodedClips, type DecodedClips, type VJepaModelConfig } from '@jepa/video';
import { loadVideoIndex, type SkippedVideo } from '@jepa/video/node';
import { CliError, withCliErrors } from '../../cli-error.js';
import { indexRange, modelClipOptions } from './model-clip-options.js';
import type { TextStream } from '../../cli-io.js';
import { readRunConfig } from '../../run-folder/run-config.js';

/** The parts of a `jepa train vjepa` run's `config.json` read when evaluating it. */
export interface VJepaRunData {
  /** `moving-mnist` (written into `<run>/data/train` and `<run>/data/test`), or an index file or folder (absolute). */
  readonly dataset: string;
  readonly trainClips: number;
  readonly testClips: number;
}

/** The Moving MNIST label a probe reads, and the index file that holds it (see `writeMovingMnistDataset`). */
export const MOVING_MNIST_TASKS = { digit: 'digits.csv', direction: 'directions.csv' } as const;
export type MovingMnistTask = keyof typeof MOVING_MNIST_TASKS;

const exists = (path: string) => access(path).then(() => true, () => false);

/** The `data` of a run folder's `config.json` when it is a run of `kind`; undefined when it holds none (or another kind of run). */
export async function readVJepaRunData(runDir: string, kind: string): Promise<VJepaRunData | undefined> {
  const config = await readRunConfig(runDir).catch(() => undefined);
  return config?.kind === kind ? (config.data as VJepaRunData) : undefined;
}

/** What to decode for a V-JEPA probe. */
export interface VJepaProbeDataSpec {
  /** `moving-mnist` (needs `runDir`), or a path: a folder with `train/` and `test/` Moving MNIST folders, a folder with an index file, or an index file. */
  readonly dataset: string;
  /** The run folder (for `moving-mnist`). */
  readonly runDir?: string;
  /** Moving MNIST label; undefined: `digit` (and index files other than Moving MNIST's allowed). */
  readonly task?: MovingMnistTask;
  readonly trainClips: number;
  readonly testClips: number;
  /** The model's clip: frames, side, channels. */
  readonly model: Pick<VJepaModelConfig, 'numFrames' | 'imageSize' | 'inChannels'>;
  /** Frames between sampled frames, as in training (the run's `frameStep`). */
  readonly frameStep: number;
  readonly skipCorrupt: boolean;
}

/** Clips decoded for a probe, and where they came from. */
export interface VJepaProbeData {
  readonly train: DecodedClips;
  readonly test: DecodedClips;
  /** In words, e.g. `Moving MNIST of runs/mm (digits.csv)`. */
  readonly source: string;
  /** `digit`, `direction`, or `index labels`. */
  readonly task: string;
  readonly skipped: readonly SkippedVideo[];
}

/** The index file of a folder for `task`: the Moving MNIST task file, else (no task asked) `index.csv`. */
async function indexInFolder(folder: string, task: MovingMnistTask | undefined, what: string): Promise<string> {
  const taskFile = MOVING_MNIST_TASKS[task ?? 'digit'];
  if (await exists(join(folder, taskFile))) return join(folder, taskFile);
  if (task === undefined && (await exists(join(folder, 'index.csv')))) return join(folder, 'index.csv');
  throw new CliError(
    `${what} ${folder}: holds no ${taskFile}${task === undefined ? ' nor index.csv' : ` (--task ${task} reads it)`}. ` +
      'Pass a Moving MNIST folder written by `jepa train vjepa` (digits.csv, directions.csv) or an index file of "path label" lines.',
  );
}

/**
 * Decodes the clips a V-JEPA run is probed on, as `jepa train vjepa` decoded them (one centred clip
 * per video at the model's frames, size and channels):
 * - Moving MNIST (`moving-mnist`, or a folder holding `train/` and `test/` and no index of its own): every clip of `train/`
 *   (at most `trainClips`) trains the probes and every clip of `test/` (at most `testClips`) scores
 *   them; `task` picks the labels (`digits.csv` or `directions.csv`);
 * - an index file, or a folder holding one: the first `trainClips` readable clips train and the next
 *   `testClips` score.
 */
export async function loadVJepaProbeData(spec: VJepaProbeDataSpec, log?: TextStream): Promise<VJepaProbeData> {
  const decodeOptions = { ...modelClipOptions(spec.model, spec.frameStep), skipCorrupt: spec.skipCorrupt };
  let moving: string | undefined;
  if (spec.dataset === 'moving-mnist') {
    if (!spec.runDir) throw new CliError("--checkpoint: the run's data is Moving MNIST in its run folder, but the checkpoint is not inside a run folder. Pass --dataset <folder|index>.");
    moving = join(spec.runDir, 'data');
  } else {
    const info = await stat(spec.dataset).catch(() => undefined);
    if (!info) throw new CliError(`--dataset ${spec.dataset}: no such file or folder.`);
    if (info.isDirectory()) {
      const has = (name: string) => exists(join(spec.dataset, name));
      const ownIndex = (await has(MOVING_MNIST_TASKS[spec.task ?? 'digit'])) || (await has('index.csv'));
      if (!ownIndex && (await has('train')) && (await has('test'))) moving = spec.dataset;
    }
  }
  if (moving !== undefined) {
    const task = spec.task ?? 'digit';
    const file = MOVING_MNIST_TASKS[task];
    const [trainIndex, testIndex] = ['train', 'test'].map((split) => join(moving!, split, file));
    for (const index of [trainIndex!, testIndex!]) {
      if (!(await exists(index))) {
        throw new CliError(`${index}: no such file; the Moving MNIST data of the run is missing or incomplete. Pass --dataset <folder|index> with the videos to probe on.`);
      }
    }
    const trainSet = await withCliErrors(() => loadVideoIndex(trainIndex!, decodeOptions));
    const testSet = await withCliErrors(() => loadVideoIndex(testIndex!, decodeOptions));
    log?.write(`decoding ${Math.min(trainSet.length, spec.trainClips)} train + ${Math.min(testSet.length, spec.testClips)} test clips of ${moving} (${file})...\n`);
    const a = await withCliErrors(() => decodeDatasetClips(trainSet, { indices: indexRange(Math.min(trainSet.length, spec.trainClips)) }));
    const b = await withCliErrors(() => decodeDatasetClips(testSet, { indices: indexRange(Math.min(testSet.length, spec.testClips)) }));
    return {
      train: a.clips,
      test: b.clips,
      source: `Moving MNIST ${resolve(moving)} (${file})`,
      task,
      skipped: [...trainSet.skipped, ...testSet.skipped],
    };
  }

  const info = await stat(spec.dataset);
  const index = info.isDirectory() ? await indexInFolder(spec.dataset, spec.task, '--dataset') : spec.dataset;
  const taskOfIndex = Object.entries(MOVING_MNIST_TASKS).find(([, name]) => basename(index) === name)?.[0];
  if (spec.task !== undefined && taskOfIndex === undefined) {
    throw new CliError(`--task ${spec.task}: chooses between the index files of a Moving MNIST folder (digits.csv, directions.csv); ${index} is another index. Leave --task out.`);
  }
  const dataset = await withCliErrors(() => loadVideoIndex(index, { ...decodeOptions, shortVideo: 'pad' }));
  const want = Math.min(dataset.length, spec.trainClips + spec.testClips);
  log?.write(`decoding ${want} clips of ${index}...\n`);
  const all = await withCliErrors(() => decodeDatasetClips(dataset, { indices: indexRange(want) }));
  const nTrain = Math.min(spec.trainClips, all.clips.count - 1);
  if (nTrain < 1) throw new CliError(`--dataset ${index}: fewer than 2 readable videos; the probes need train and test clips.`);
  const task = taskOfIndex ?? 'index labels';
  return {
    train: subsetDecodedClips(all.clips, indexRange(nTrain)),
    test: subsetDecodedClips(all.clips, Int32Array.from({ length: all.clips.count - nTrain }, (_, i) => nTrain + i)),
    source: `${index}: the first ${nTrain} clips train, the next ${all.clips.count - nTrain} score`,
    task,
    skipped: dataset.skipped,
  };
}
