import type { ClipPlacement } from './clip-sampler.js';
import type { VideoProbe } from './ffmpeg-adapter.js';
import type { VideoClipOptions, VideoClips } from './read-video-clips.js';
import type { VideoDecodeFailure } from './video-decode-error.js';

/**
 * The messages between {@link ClipDecodeThread} (main thread) and its worker
 * (`clip-decode-worker.ts`). Plain data only: they cross a `postMessage`.
 */

/** Start settings of the worker (its `workerData`). */
export interface ClipDecodeWorkerData {
  /** `readVideoClips` calls (ffmpeg processes) running at once. */
  readonly concurrency: number;
}

/** Main thread -> worker. */
export type ClipDecodeRequest =
  | {
      readonly type: 'read';
      readonly id: number;
      readonly path: string;
      readonly options: VideoClipOptions;
      /** Seeds the clip-start draw (`new Rng(seed)`) for `random` placement. */
      readonly seed?: number;
      readonly placement?: ClipPlacement;
      /** The file's probe when the caller has one (datasets cache them): the worker then does not probe. */
      readonly probe?: VideoProbe;
    }
  | { readonly type: 'cancel'; readonly id: number }
  | { readonly type: 'close' };

/** An error as it crosses the thread boundary, rebuilt as the same class on the main thread. */
export type SerializedDecodeError =
  | { readonly kind: 'VideoDecodeError'; readonly path: string; readonly failure: VideoDecodeFailure; readonly detail: string; readonly stderrTail: string }
  | { readonly kind: 'ShortVideoError'; readonly path: string; readonly frameCount: number; readonly clipLength: number }
  | { readonly kind: 'RangeError' | 'Error'; readonly message: string; readonly stack?: string };

/** Worker -> main thread. */
export type ClipDecodeResponse =
  | { readonly type: 'ready' }
  /** `clips` null: the video was too short and `shortVideo` is `skip` (`probe` says how long it is). */
  | { readonly type: 'result'; readonly id: number; readonly clips: VideoClips | null; readonly probe: VideoProbe }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedDecodeError }
  | { readonly type: 'closed' };
