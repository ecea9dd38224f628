import { join } from 'node:path';
import { stat, access } from 'node:fs/promises';
import { loadMnist } from '@jepa/vision/node';
import {
  clipStatistics,
  decodeDatasetClips,
  MOVING_MNIST_VJEPA_DATA,
  type DecodedClips,
  type VJepaModelConfig,
} from '@jepa/video';
import {
  loadVideoIndex,
  streamDatasetClips,
  writeMovingMnistDataset,
  type StreamedClips,
  type VideoClipDataset,
} from '@jepa/video/node';
import { CliError, withCliErrors } from '../../cli-error.js';
import { indexRange, modelClipOptions } from './model-clip-options.js';
import type { TextStream } from '../../cli-io.js';

/** How training clips reach the model: decoded once into memory, or decoded while training on a worker thread. */
export type ClipDecodeMode = 'once' | 'stream';

/** The `data` part of a `jepa train vjepa` run's config.json. */
export interface VJepaDataSpec {
  /** `moving-mnist` (written into the run folder) or an absolute index file / folder. */
  readonly dataset: string;
  readonly trainClips: number;
  readonly testClips: number;
  /** Default `once` (runs written before this option existed). */
  readonly decode?: ClipDecodeMode;
}

/** The clips of a run: what trains, what the probes train on, what they are scored on. */
export interface VJepaTrainingData {
  /** Training clips: in memory, or a streaming source (close it when done). */
  readonly train: DecodedClips | StreamedClips;
  /** Centred train clips for the probes (decoded on demand in stream mode). */
  probeTrain(): Promise<DecodedClips>;
  readonly test: DecodedClips;
  /** Per-channel mean/std of the training clips (of up to 256 of them in stream mode). */
  readonly statistics: { mean: number[]; std: number[] };
  /** Decoded frames per second of the up-front decoding. */
  readonly upFrontFramesPerSecond: number;
}

const exists = (path: string) => access(path).then(() => true, () => false);

/** The index file of `--dataset`: the file itself, or `digits.csv`/`index.csv` in a folder. */
async function resolveIndex(dataset: string): Promise<string> {
  const info = await stat(dataset).catch(() => null);
  if (!info) throw new CliError(`--dataset ${dataset}: no such file or folder.`);
  if (info.isFile()) return dataset;
  for (const name of ['digits.csv', 'index.csv']) if (await exists(join(dataset, name))) return join(dataset, name);
  throw new CliError(`--dataset ${dataset}: the folder holds neither digits.csv nor index.csv. Pass an index file of "path label" lines.`);
}

/**
 * Prepares the clips of a `jepa train vjepa` run: writes Moving MNIST into `<runDir>/data` (or
 * reads an index), then either decodes every training clip once (`once`) or opens a stream that
 * decodes random clips on a worker thread while training (`stream`). Test clips are decoded once.
 */
export async function prepareVJepaTrainingData(
  spec: VJepaDataSpec,
  model: Pick<VJepaModelConfig, 'numFrames' | 'imageSize' | 'inChannels'>,
  options: { runDir: string; frameStep: number; seed: number; signal?: AbortSignal; log: TextStream },
): Promise<VJepaTrainingData> {
  const decodeOptions = modelClipOptions(model, options.frameStep);
  const mode = spec.decode ?? 'once';
  const started = performance.now();
  let trainSet: VideoClipDataset;
  let trainIndices: Int32Array;
  let test: DecodedClips;
  let decodedFrames = 0;
  if (spec.dataset === 'moving-mnist') {
    const d = MOVING_MNIST_VJEPA_DATA;
    const { train: digits, heldOut } = loadMnist({ heldOutPerClass: 200 });
    const write = (name: string, count: number, seed: number, source: typeof digits) =>
      writeMovingMnistDataset(join(options.runDir, 'data', name), { count, numFrames: model.numFrames, size: d.videoSize, numDigits: d.numDigits, directionClasses: d.directionClasses, seed, digits: source, signal: options.signal });
    const written = await write('train', spec.trainClips, d.trainSeed, digits);
    const writtenTest = await write('test', spec.testClips, d.testSeed, heldOut);
    options.log.write(`wrote ${spec.trainClips + spec.testClips} Moving MNIST videos (${written.codec}) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    trainSet = await withCliErrors(() => loadVideoIndex(written.indexFiles.digit, decodeOptions));
    trainIndices = indexRange(trainSet.length);
    const testSet = await withCliErrors(() => loadVideoIndex(writtenTest.indexFiles.digit, decodeOptions));
    test = (await withCliErrors(() => decodeDatasetClips(testSet, { signal: options.signal }))).clips;
  } else {
    const index = await resolveIndex(spec.dataset);
    trainSet = await withCliErrors(() => loadVideoIndex(index, decodeOptions));
    const nTrain = Math.min(spec.trainClips, trainSet.length - 1);
    if (nTrain < 1) throw new CliError(`--dataset ${spec.dataset}: fewer than 2 videos; training and the probes need train and test clips.`);
    trainIndices = indexRange(nTrain);
    const nTest = Math.min(spec.testClips, trainSet.length - nTrain);
    test = (await withCliErrors(() => decodeDatasetClips(trainSet, { indices: indexRange(nTest, nTrain), signal: options.signal }))).clips;
  }
  decodedFrames += test.count * model.numFrames;

  if (mode === 'once') {
    const train = (await withCliErrors(() => decodeDatasetClips(trainSet, { indices: trainIndices, signal: options.signal }))).clips;
    decodedFrames += train.count * model.numFrames;
    const seconds = (performance.now() - started) / 1000;
    options.log.write(`decoded ${decodedFrames} frames once (${train.count} train + ${test.count} test clips)\n`);
    return { train, probeTrain: async () => train, test, statistics: clipStatistics(train), upFrontFramesPerSecond: decodedFrames / Math.max(seconds, 1e-9) };
  }

  // Stream: statistics from the first clips, probe clips decoded after training.
  const sample = (await withCliErrors(() => decodeDatasetClips(trainSet, { indices: trainIndices.subarray(0, Math.min(256, trainIndices.length)), signal: options.signal }))).clips;
  decodedFrames += sample.count * model.numFrames;
  const seconds = (performance.now() - started) / 1000;
  const train = await withCliErrors(() => streamDatasetClips(trainSet, { seed: options.seed, indices: trainIndices, signal: options.signal }));
  options.log.write(`decoded ${decodedFrames} frames up front (${test.count} test clips, ${sample.count} clips for statistics); training clips are decoded while training\n`);
  return {
    train,
    probeTrain: async () =>
      sample.count === trainIndices.length ? sample : (await withCliErrors(() => decodeDatasetClips(trainSet, { indices: trainIndices, signal: options.signal }))).clips,
    test,
    statistics: clipStatistics(sample),
    upFrontFramesPerSecond: decodedFrames / Math.max(seconds, 1e-9),
  };
}
