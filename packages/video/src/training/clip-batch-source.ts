import { subsetDecodedClips, type DecodedClips } from './decoded-clips.js';

/**
 * Where the training clips of a V-JEPA run come from: clips held in memory
 * ({@link decodedClipSource}) or decoded while training (`streamDatasetClips`). Samples are
 * numbered `0..count-1`; the trainable decides which ones each update uses.
 */
export interface ClipBatchSource {
  /** Samples to draw batches from. */
  readonly count: number;
  /** Frames `T` per clip. */
  readonly numFrames: number;
  /** Rows `H` of a frame. */
  readonly height: number;
  /** Columns `W` of a frame. */
  readonly width: number;
  /** Channels `C` of a frame. */
  readonly channels: number;
  /**
   * Batches the trainable asks for ahead of the one it trains on, so that loading them overlaps
   * the running updates. 0 for sources that answer at once.
   */
  readonly prefetchBatches: number;
  /**
   * The clips of samples `indices` for update `step`, `[indices.length, T, H, W, C]` float32 in
   * `0..1`. The same `(step, indices)` must give the same clips (exact resume). `signal` fires when
   * the training stops before this batch is used.
   */
  load(step: number, indices: Int32Array, signal: AbortSignal): Float32Array | Promise<Float32Array>;
  /** Stops background work (decoders) and waits for it. */
  close?(): Promise<void>;
}

/** True for a {@link ClipBatchSource} (as opposed to {@link DecodedClips}). */
export function isClipBatchSource(value: DecodedClips | ClipBatchSource): value is ClipBatchSource {
  return typeof (value as ClipBatchSource).load === 'function';
}

/** Clips decoded once and held in memory, as a batch source: each update copies its clips out. */
export function decodedClipSource(clips: DecodedClips): ClipBatchSource {
  const { count, numFrames, height, width, channels } = clips;
  return {
    count,
    numFrames,
    height,
    width,
    channels,
    prefetchBatches: 0,
    load: (_step, indices) => subsetDecodedClips(clips, indices).data,
  };
}
