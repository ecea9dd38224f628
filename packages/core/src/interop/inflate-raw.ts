/**
 * Inflates a raw-deflate stream (a zip entry's method 8) with the runtime's
 * `DecompressionStream('deflate-raw')` (browsers; Node >= 20), stopping as soon as the output
 * exceeds `maxOutputLength`, so a forged entry cannot make it allocate more than it declared: the
 * result is then one byte longer than allowed and the caller's length check refuses it.
 * Browser-safe.
 * @throws when the stream is damaged or the runtime has no DecompressionStream.
 */
export async function inflateRawAsync(data: Uint8Array, maxOutputLength: number): Promise<Uint8Array> {
  if (typeof DecompressionStream !== 'function') throw new Error('this runtime has no DecompressionStream');
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  const pieces: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pieces.push(value);
      length += value.length;
      if (length > maxOutputLength) break; // enough to know it is too long
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const kept = Math.min(length, maxOutputLength + 1);
  const out = new Uint8Array(kept);
  let offset = 0;
  for (const piece of pieces) {
    if (offset >= kept) break;
    const part = piece.subarray(0, kept - offset);
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
