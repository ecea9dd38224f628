import type { VJepaModelConfig } from '@jepa/video';
import type { VideoClipOptions } from '@jepa/video/node';

/** The decode options of a V-JEPA's clips: its frames and frame size, grey for 1 channel, RGB otherwise. */
export function modelClipOptions(model: Pick<VJepaModelConfig, 'numFrames' | 'imageSize' | 'inChannels'>, frameStep: number): VideoClipOptions {
  return { numFrames: model.numFrames, frameStep, size: model.imageSize, pixelFormat: (model.inChannels ?? 3) === 1 ? 'gray' : 'rgb' };
}

/** `[from, from + n)` as sample indices. */
export function indexRange(n: number, from = 0): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => from + i);
}
