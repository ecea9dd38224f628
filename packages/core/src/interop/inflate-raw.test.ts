import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateRawAsync } from './inflate-raw.js';

describe('inflateRawAsync', () => {
  const data = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) % 251);
  const deflated = new Uint8Array(deflateRawSync(data));

  it('inflates a raw deflate stream with DecompressionStream', async () => {
    expect(await inflateRawAsync(deflated, data.length)).toEqual(data);
  });

  it('stops one byte past the limit, so a length check refuses a stream that inflates to more than it declared', async () => {
    expect((await inflateRawAsync(deflated, 1000)).length).toBe(1001);
  });

  it('rejects a damaged stream', async () => {
    await expect(inflateRawAsync(Uint8Array.of(0xff, 0xff, 0xff, 0xff), 10)).rejects.toThrow();
  });
});
