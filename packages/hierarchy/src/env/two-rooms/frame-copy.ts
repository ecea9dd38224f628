/**
 * A copy of `frame`, an observation `[S, S, 2]` (`S = imageSize`): written into `out` when given
 * (which must hold as many values), else a new array. Throws naming `where` (internal: the
 * episodes of both environments hand out their cached goal frame with it).
 */
export function copyFrame(frame: Float32Array, imageSize: number, where: string, out?: Float32Array): Float32Array {
  if (!out) return frame.slice();
  if (out.length !== frame.length) {
    throw new RangeError(`${where}: out must hold ${frame.length} values ([${imageSize}, ${imageSize}, 2]); got ${out.length}.`);
  }
  out.set(frame);
  return out;
}
