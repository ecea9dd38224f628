import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSafetensorsFile, writeSafetensorsFile } from './safetensors-file.js';
import { parseSafetensors, serializeSafetensors, type HostTensor } from './safetensors.js';

/** `shared/fixtures/ijepa-tiny/case.safetensors` found above this file, or in /work/shared. */
function findFixture(): string | undefined {
  const rel = join('fixtures', 'ijepa-tiny', 'case.safetensors');
  const candidates = process.env.JEPA_FIXTURES ? [join(process.env.JEPA_FIXTURES, 'ijepa-tiny', 'case.safetensors')] : [];
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    candidates.push(join(d, 'shared', rel));
    if (dirname(d) === d) break;
  }
  candidates.push(resolve('/work/shared', rel));
  return candidates.find((c) => existsSync(c));
}
const FIXTURE = findFixture();

const f32 = (shape: number[], values: number[]): HostTensor => ({ dtype: 'F32', shape, data: Float32Array.from(values) });

describe('safetensors files', () => {
  it('writes atomically and reads back; a missing file names its path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jepa-st-'));
    try {
      const path = join(dir, 'w.safetensors');
      await writeSafetensorsFile(path, { w: f32([1], [4]) }, { a: 'b' });
      const { tensors, metadata } = await readSafetensorsFile(path);
      expect(tensors.get('w')).toEqual(f32([1], [4]));
      expect(metadata).toEqual({ a: 'b' });
      await expect(readSafetensorsFile(join(dir, 'nope.safetensors'))).rejects.toThrow(/nope\.safetensors: cannot read the file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe.skipIf(!FIXTURE)('the Python-written I-JEPA fixture', () => {
    it('reads its tensors and survives a re-serialise/parse round trip unchanged', async () => {
      const { tensors, metadata } = await readSafetensorsFile(FIXTURE!);
      expect(metadata).toEqual({});
      expect(tensors.size).toBe(347);
      const images = tensors.get('step1.images')!;
      expect([images.dtype, images.shape, images.data.length]).toEqual(['F32', [4, 3, 32, 32], 4 * 3 * 32 * 32]);
      expect(tensors.get('step1.expected.loss')!.shape).toEqual([1]);
      const loss = tensors.get('step1.expected.loss')!.data[0] as number;
      expect(Number.isFinite(loss) && loss > 0).toBe(true);
      const mask = tensors.get('step1.masks_enc.0')!;
      expect([mask.dtype, mask.shape]).toEqual(['I32', [4, 15]]);
      expect([...mask.data].every((v) => Number(v) >= 0 && Number(v) < 64)).toBe(true);

      const again = parseSafetensors(serializeSafetensors(tensors), 'reserialised');
      expect(again.tensors.size).toBe(tensors.size);
      const bytesOf = (t: HostTensor) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      for (const [key, t] of tensors) {
        const b = again.tensors.get(key)!;
        expect([b.dtype, b.shape, bytesOf(b).equals(bytesOf(t))], key).toEqual([t.dtype, t.shape, true]);
      }

      // Our per-tensor header entry is byte-identical to Python's for the same tensor.
      const raw = await readFile(FIXTURE!);
      const n = Number(raw.readBigUInt64LE(0));
      const text = raw.subarray(8, 8 + n).toString('utf8');
      // Python pads the compact JSON with spaces to the next multiple of 8, as our writer does.
      const json = text.trimEnd();
      expect(text.slice(json.length)).toMatch(/^ {0,7}$/);
      expect(n).toBe(Math.ceil(json.length / 8) * 8);
      expect(json).not.toMatch(/": |, /);
      const ours = new TextDecoder().decode(serializeSafetensors({ 'step1.expected.loss': tensors.get('step1.expected.loss')! }));
      expect(ours).toContain('"step1.expected.loss":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}');
      expect(text).toContain('"step1.expected.loss":{"dtype":"F32","shape":[1],"data_offsets":[');
    });
  });
});
