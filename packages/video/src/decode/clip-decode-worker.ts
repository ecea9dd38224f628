/**
 * The worker of {@link ClipDecodeThread}: runs `probeVideo` + `readVideoClips` (ffmpeg child
 * processes) on its own event loop, so pipes are drained and new ffmpeg processes start while the
 * main thread is busy in a synchronous training step. Clip buffers are transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Rng } from '@jepa/core';
import { ShortVideoError } from './clip-sampler.js';
import type { ClipDecodeRequest, ClipDecodeResponse, ClipDecodeWorkerData, SerializedDecodeError } from './clip-decode-protocol.js';
import { probeVideo, type VideoProbe } from './ffmpeg-adapter.js';
import { readVideoClips } from './read-video-clips.js';
import { VideoDecodeError } from './video-decode-error.js';

const port = parentPort;
if (!port) throw new Error('clip-decode-worker: must run as a worker thread (started by ClipDecodeThread).');
const { concurrency } = workerData as ClipDecodeWorkerData;

const probes = new Map<string, Promise<VideoProbe>>();
const probe = (path: string, signal: AbortSignal): Promise<VideoProbe> => {
  let cached = probes.get(path);
  if (!cached) {
    cached = probeVideo(path, { signal });
    probes.set(path, cached);
    cached.catch(() => probes.delete(path));
  }
  return cached;
};

const serialize = (error: unknown): SerializedDecodeError => {
  if (error instanceof VideoDecodeError) return { kind: 'VideoDecodeError', path: error.path, failure: error.failure, detail: error.detail, stderrTail: error.stderrTail };
  if (error instanceof ShortVideoError) return { kind: 'ShortVideoError', path: error.path, frameCount: error.frameCount, clipLength: error.clipLength };
  const e = error instanceof Error ? error : new Error(String(error));
  return { kind: e instanceof RangeError ? 'RangeError' : 'Error', message: e.message, stack: e.stack };
};

const send = (message: ClipDecodeResponse, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

type Read = Extract<ClipDecodeRequest, { type: 'read' }>;
const queue: Read[] = [];
const running = new Map<number, AbortController>();
let closing = false;

async function run(request: Read, controller: AbortController): Promise<void> {
  try {
    const info = request.probe ?? (await probe(request.path, controller.signal));
    const rng = request.seed === undefined ? undefined : new Rng(request.seed);
    const clips = await readVideoClips(request.path, request.options, { probe: info, rng, placement: request.placement, signal: controller.signal });
    send({ type: 'result', id: request.id, clips, probe: info }, clips ? clips.clips.map((clip) => clip.data.buffer as ArrayBuffer) : []);
  } catch (error) {
    send({ type: 'error', id: request.id, error: serialize(error) });
  }
}

function pump(): void {
  while (!closing && running.size < concurrency && queue.length > 0) {
    const request = queue.shift()!;
    const controller = new AbortController();
    running.set(request.id, controller);
    void run(request, controller).finally(() => {
      running.delete(request.id);
      pump();
      if (closing && running.size === 0) send({ type: 'closed' });
    });
  }
}

port.on('message', (request: ClipDecodeRequest) => {
  if (request.type === 'read') {
    queue.push(request);
    pump();
  } else if (request.type === 'cancel') {
    const queued = queue.findIndex((r) => r.id === request.id);
    if (queued >= 0) {
      queue.splice(queued, 1);
      send({ type: 'error', id: request.id, error: { kind: 'VideoDecodeError', path: '', failure: 'aborted', detail: 'cancelled before it started', stderrTail: '' } });
    }
    running.get(request.id)?.abort(new Error('cancelled'));
  } else if (request.type === 'close') {
    closing = true;
    queue.length = 0;
    for (const controller of running.values()) controller.abort(new Error('the decode thread is closing'));
    if (running.size === 0) send({ type: 'closed' });
  }
});
send({ type: 'ready' });
