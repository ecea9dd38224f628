import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ShortVideoError, type ClipPlacement } from './clip-sampler.js';
import type { ClipDecodeRequest, ClipDecodeResponse, ClipDecodeWorkerData, SerializedDecodeError } from './clip-decode-protocol.js';
import type { VideoProbe } from './ffmpeg-adapter.js';
import type { VideoClipOptions, VideoClips } from './read-video-clips.js';
import { VideoDecodeError } from './video-decode-error.js';

/** Options of {@link ClipDecodeThread.start}. */
export interface ClipDecodeThreadOptions {
  /** ffmpeg processes the worker runs at once. Default 2. */
  readonly concurrency?: number;
}

/** Per-call options of {@link ClipDecodeThread.read}. */
export interface ClipDecodeThreadRead {
  /** Seeds the clip-start draw (`new Rng(seed)`, as `readVideoClips` with that rng would draw). */
  readonly seed?: number;
  /** Default `random` when `seed` is given, else `center`. */
  readonly placement?: ClipPlacement;
  /** Cancels this read: its ffmpeg process is killed and the promise rejects with an `aborted` error. */
  readonly signal?: AbortSignal;
  /** The file's probe, when known (the worker then does not probe it again). */
  readonly probe?: VideoProbe;
}

/** What {@link ClipDecodeThread.read} resolves to: the clips (null when skipped as too short) and the file's probe. */
export interface ClipDecodeThreadResult {
  /** The clips, or null when the video was skipped as too short. */
  readonly clips: VideoClips | null;
  /** The file's probe. */
  readonly probe: VideoProbe;
}

function rebuildError(error: SerializedDecodeError): Error {
  switch (error.kind) {
    case 'VideoDecodeError':
      return new VideoDecodeError(error.path, error.failure, error.detail, error.stderrTail);
    case 'ShortVideoError':
      return new ShortVideoError(error.path, error.frameCount, error.clipLength);
    default: {
      const rebuilt = error.kind === 'RangeError' ? new RangeError(error.message) : new Error(error.message);
      if (error.stack) rebuilt.stack = error.stack;
      return rebuilt;
    }
  }
}

/**
 * Where the worker script is: in a build, `dist/node/clip-decode-worker.js`, beside the
 * `@jepa/video/node` entry that bundles this module in ESM (the CommonJS build's `import.meta.url`
 * shim names the shared chunk in `dist/` instead, hence the second place); or the TypeScript source
 * when this module runs from source (tests, `--conditions=@jepa/source`), then loaded through tsx,
 * which must be installed (it is a dev dependency of this repository).
 */
function workerScript(): { script: string | URL; eval: boolean; execArgv?: string[] } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    const places = [new URL('./clip-decode-worker.js', here), new URL('./node/clip-decode-worker.js', here)];
    return { script: places.find((place) => existsSync(place)) ?? places[0]!, eval: false };
  }
  const source = new URL('./clip-decode-worker.ts', here).href;
  let api: string;
  try {
    api = import.meta.resolve('tsx/esm/api');
  } catch {
    throw new Error('ClipDecodeThread: running @jepa/video from its TypeScript sources needs tsx to load the decode worker; install tsx or use the built package.');
  }
  const bootstrap = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)}));`;
  return { script: bootstrap, eval: true, execArgv: ['--conditions=@jepa/source'] };
}

/**
 * Decodes clips on a worker thread, so that decoding keeps going while the main thread runs a
 * synchronous training step (TensorFlow.js on wasm/cpu blocks the event loop for the whole step).
 * The worker probes each file once (cached by path), runs up to `concurrency` ffmpeg processes,
 * and transfers the decoded buffers back. Errors arrive as the same classes as in-process
 * (`VideoDecodeError`, `ShortVideoError`) naming the file. {@link close} kills running ffmpeg
 * processes and waits for them before the worker ends.
 *
 * ```ts
 * const thread = await ClipDecodeThread.start({ concurrency: 2 });
 * try {
 *   const { clips } = await thread.read('clip.mp4', { numFrames: 16, size: 224 }, { seed: 7 });
 * } finally {
 *   await thread.close();
 * }
 * ```
 */
export class ClipDecodeThread {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (result: ClipDecodeThreadResult) => void; reject: (error: Error) => void }>();
  private closed: Promise<void> | null = null;
  private failure: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: ClipDecodeResponse) => this.receive(message));
    worker.on('error', (error) => this.fail(new Error(`ClipDecodeThread: the decode worker failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`ClipDecodeThread: the decode worker exited (code ${code}) before close().`));
    });
  }

  /** Starts the worker and waits until it is ready. */
  static async start(options: ClipDecodeThreadOptions = {}): Promise<ClipDecodeThread> {
    const concurrency = options.concurrency ?? 2;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`ClipDecodeThread: concurrency must be a positive integer, got ${concurrency}.`);
    const { script, eval: isEval, execArgv } = workerScript();
    const workerData: ClipDecodeWorkerData = { concurrency };
    const worker = new Worker(script, { eval: isEval, workerData, ...(execArgv ? { execArgv } : {}) });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: ClipDecodeResponse) => {
        if (message.type !== 'ready') return;
        cleanup();
        resolve();
      };
      const onError = (error: Error) => {
        cleanup();
        reject(new Error(`ClipDecodeThread: the decode worker did not start: ${error.message}`, { cause: error }));
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`ClipDecodeThread: the decode worker exited (code ${code}) while starting.`));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
    });
    return new ClipDecodeThread(worker);
  }

  /** Reads the clips of one video (see `readVideoClips`) on the worker. */
  read(path: string, options: VideoClipOptions, call: ClipDecodeThreadRead = {}): Promise<ClipDecodeThreadResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('ClipDecodeThread: read() after close().'));
    if (call.signal?.aborted) return Promise.reject(new VideoDecodeError(path, 'aborted', 'aborted before decoding started'));
    const id = this.nextId++;
    return new Promise<ClipDecodeThreadResult>((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.delete(id)) return;
        this.post({ type: 'cancel', id });
        reject(new VideoDecodeError(path, 'aborted', 'the read was aborted; its ffmpeg process was killed'));
      };
      call.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (result) => {
          call.signal?.removeEventListener('abort', onAbort);
          resolve(result);
        },
        reject: (error) => {
          call.signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      const placement = call.placement ?? (call.seed === undefined ? 'center' : 'random');
      this.post({ type: 'read', id, path, options, placement, ...(call.seed === undefined ? {} : { seed: call.seed }), ...(call.probe ? { probe: call.probe } : {}) });
    });
  }

  /** Reads still running or queued. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Cancels every read (each rejects with an `aborted` error), waits for the worker to kill its
   * ffmpeg processes, then ends the worker. Safe to call more than once.
   */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    for (const [id, { reject }] of this.pending) reject(new VideoDecodeError('(decode thread)', 'aborted', `read ${id} cancelled: the decode thread was closed`));
    this.pending.clear();
    this.closed = (async () => {
      if (!this.failure) {
        await new Promise<void>((resolve) => {
          const onMessage = (message: ClipDecodeResponse) => {
            if (message.type === 'closed') {
              this.worker.off('message', onMessage);
              resolve();
            }
          };
          this.worker.on('message', onMessage);
          this.worker.once('exit', () => resolve());
          this.worker.postMessage({ type: 'close' } satisfies ClipDecodeRequest);
        });
      }
      await this.worker.terminate();
    })();
    return this.closed;
  }

  private post(message: ClipDecodeRequest): void {
    this.worker.postMessage(message);
  }

  private receive(message: ClipDecodeResponse): void {
    if (message.type !== 'result' && message.type !== 'error') return;
    const waiting = this.pending.get(message.id);
    if (!waiting) return; // cancelled: the worker's late answer is dropped
    this.pending.delete(message.id);
    if (message.type === 'result') waiting.resolve({ clips: message.clips, probe: message.probe });
    else waiting.reject(rebuildError(message.error));
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}
