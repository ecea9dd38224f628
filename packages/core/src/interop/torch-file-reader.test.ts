import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureDir } from '../testing/parity-fixtures.js';
import { readCheckpointFile } from './read-checkpoint-file.js';
import { collectTensors } from './collect-tensors.js';
import { parseTorchCheckpoint } from './torch-checkpoint.js';
import { readTorchFile } from './torch-file.js';
import { TorchCheckpointError } from './torch-checkpoint-error.js';
import type { TorchTensor } from './torch-tensor.js';
import { buildSparseZip, buildTorchZip, bytesOf, PickleBuilder } from './testing/torch-file-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'jepa-torch-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixtures = (['ijepa-tiny', 'vjepa-tiny'] as const).map((name) => {
  const found = fixtureDir(name);
  return { name, path: found ? join(found, 'checkpoint.pth.tar') : '' };
});
const IJEPA = fixtures[0]!.path;

const bitsOf = (t: TorchTensor) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);

/** Same keys in the same order, same dtypes and shapes, same bytes. */
function expectSameTensors(actual: unknown, expected: unknown): void {
  const a = collectTensors(actual) as Map<string, TorchTensor>;
  const e = collectTensors(expected) as Map<string, TorchTensor>;
  expect([...a.keys()]).toEqual([...e.keys()]);
  for (const [key, tensor] of e) {
    const got = a.get(key)!;
    expect({ key, dtype: got.dtype, shape: got.shape, type: got.data.constructor.name })
      .toEqual({ key, dtype: tensor.dtype, shape: tensor.shape, type: tensor.data.constructor.name });
    expect(Buffer.from(bitsOf(got)).equals(Buffer.from(bitsOf(tensor))), key).toBe(true);
  }
}

async function expectRejection(run: Promise<unknown>, ...fragments: (string | RegExp)[]): Promise<TorchCheckpointError> {
  const caught = await run.then(() => undefined, (error: unknown) => error);
  expect(caught, 'expected an error').toBeInstanceOf(TorchCheckpointError);
  for (const fragment of fragments) expect((caught as Error).message).toMatch(fragment);
  return caught as TorchCheckpointError;
}

describe.each(fixtures)('readTorchFile (random access) on the official $name checkpoint', ({ path }) => {
  it.skipIf(!path)('returns exactly what the in-memory parser returns, bit for bit', async () => {
    const fromFile = await readTorchFile(path);
    const inMemory = parseTorchCheckpoint(readFileSync(path), path);
    expectSameTensors(fromFile, inMemory);
    expect(fromFile).toEqual(inMemory); // every non-tensor value too
    const asMaps = await readTorchFile(path, { dicts: 'map' });
    expect(asMaps).toEqual(parseTorchCheckpoint(readFileSync(path), path, { dicts: 'map' }));
  });

  it.skipIf(!path)('gives each tensor a buffer of its own', async () => {
    const tensors = [...collectTensors(await readTorchFile(path)).values()] as TorchTensor[];
    const buffers = new Set(tensors.filter((t) => t.data.byteLength > 0).map((t) => t.data.buffer));
    expect(buffers.size).toBe(tensors.filter((t) => t.data.byteLength > 0).length);
  });
});

describe.skipIf(!IJEPA)('readTorchFile with options.only', () => {
  it('rebuilds only the selected modules, keeping the non-tensor entries', async () => {
    const full = parseTorchCheckpoint(readFileSync(IJEPA), IJEPA) as Record<string, unknown>;
    const part = (await readTorchFile(IJEPA, { only: ['target_encoder'] })) as Record<string, unknown>;
    expect(Object.keys(part)).not.toContain('encoder');
    expect(Object.keys(part)).not.toContain('opt');
    expect(part.epoch).toEqual(full.epoch);
    expectSameTensors(part.target_encoder, full.target_encoder);
    const keys = [...collectTensors(part).keys()];
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => key.startsWith('target_encoder.'))).toBe(true);
  });

  it('names the modules the checkpoint has when asked for one it lacks', async () => {
    await expectRejection(readTorchFile(IJEPA, { only: ['teacher'] }), /options\.only names 'teacher'/, /it has: .*target_encoder/);
  });

  it('is available through readCheckpointFile', async () => {
    const file = await readCheckpointFile(IJEPA, { only: ['target_encoder'] });
    expect([...file.tensors.keys()].every((key) => key.startsWith('target_encoder.'))).toBe(true);
    expect(file.metadata.epoch).toBeDefined();
  });
});

describe('readTorchFile on built files', () => {
  it('rebuilds strided, offset and shared-storage views like the in-memory parser', async () => {
    const values = Float32Array.from({ length: 24 }, (_, i) => i * 0.5 - 3);
    const half = Uint16Array.from({ length: 6 }, (_, i) => 0x3c00 + i * 0x100);
    const p = new PickleBuilder().proto(2).emptyDict().mark()
      .str('whole').tensor('FloatStorage', '0', 24, 0, [4, 6], [6, 1])
      .str('transposed').tensor('FloatStorage', '0', 24, 0, [6, 4], [1, 6])
      .str('slice').tensor('FloatStorage', '0', 24, 3, [2, 2], [6, 2])
      .str('half').tensor('HalfStorage', '1', 6, 0, [2, 3], [3, 1])
      .str('expanded').tensor('HalfStorage', '1', 6, 2, [3, 2], [0, 1])
      .setitems().stop().bytes();
    const path = join(dir, 'views.pt');
    const bytes = buildTorchZip(p, { '0': bytesOf(values), '1': bytesOf(half) });
    writeFileSync(path, bytes);
    const fromFile = await readTorchFile(path);
    expectSameTensors(fromFile, parseTorchCheckpoint(bytes, path));
    expect(Array.from((fromFile as Record<string, TorchTensor>).transposed.data as Float32Array).slice(0, 4)).toEqual([-3, 0, 3, 6]);
  });

  it('reads a zip64 file larger than 4 GiB whose storage lies beyond the 4 GiB mark (sparse file)', async () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    const pickle = new PickleBuilder().proto(2).emptyDict().str('w').tensor('FloatStorage', '0', 1000, 0, [10, 100], [100, 1]).setitem().stop().bytes();
    const far = 2 ** 32 + 4096;
    const layout = buildSparseZip([
      { name: 'archive/data.pkl', data: pickle },
      { name: 'archive/byteorder', data: new TextEncoder().encode('little') },
      { name: 'archive/data/0', data: bytesOf(values), at: far },
      { name: 'archive/version', data: new TextEncoder().encode('3\n') },
    ]);
    const path = join(dir, 'huge.pth.tar');
    const fd = openSync(path, 'w');
    try {
      ftruncateSync(fd, layout.size); // a hole: takes no disk space
      for (const piece of layout.pieces) writeSync(fd, piece.bytes, 0, piece.bytes.length, piece.offset);
    } finally {
      closeSync(fd);
    }
    expect(statSync(path).size).toBeGreaterThan(2 ** 32);
    const value = (await readTorchFile(path)) as Record<string, TorchTensor>;
    expect(value.w.shape).toEqual([10, 100]);
    expect(value.w.data).toEqual(values);
    const file = await readCheckpointFile(path);
    expect(file.format).toBe('torch');
    expect(file.byteLength).toBe(layout.size);
    expect(file.tensors.get('w')?.data).toEqual(values);
    // damaging the far storage is caught by its CRC
    const bad = openSync(path, 'r+');
    try {
      writeSync(bad, Uint8Array.of(0xff), 0, 1, layout.pieces[2]!.offset + layout.pieces[2]!.bytes.length - 1);
    } finally {
      closeSync(bad);
    }
    await expectRejection(readTorchFile(path), /huge\.pth\.tar/, /entry 'archive\/data\/0'/, /CRC-32 mismatch/);
    rmSync(path);
  });
});

describe('readTorchFile refuses damaged files with the in-memory parser\'s errors', () => {
  const sample = buildTorchZip(new PickleBuilder().proto(2).tensor('FloatStorage', '0', 20_000, 0, [20_000], [1]).stop().bytes(),
    { '0': new Uint8Array(80_000) });
  const source = IJEPA ? readFileSync(IJEPA) : sample;

  /** The message the in-memory parser gives for `bytes` under the label `path`. */
  function inMemoryMessage(bytes: Uint8Array, path: string): string {
    try {
      parseTorchCheckpoint(bytes, path);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('the in-memory parser accepted the damaged bytes');
  }

  async function expectSameError(bytes: Uint8Array, name: string, ...fragments: (string | RegExp)[]): Promise<void> {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    const error = await expectRejection(readTorchFile(path), ...fragments);
    expect(error.message).toBe(inMemoryMessage(bytes, path));
  }

  it('truncated copies', async () => {
    for (const length of [source.length - 1, Math.floor(source.length / 2), 100, 10, 0]) {
      await expectSameError(source.subarray(0, length), `cut-${length}.pth`, /cut-\d+\.pth[:,] /, length >= 22 ? /end-of-central-directory/ : /./);
    }
  });

  it('a damaged central directory', async () => {
    const bad = Uint8Array.from(source);
    const view = new DataView(bad.buffer);
    const z64 = Number(view.getBigUint64(bad.length - 22 - 20 + 8, true));
    const cd = Number(view.getBigUint64(z64 + 48, true));
    bad[cd] = 0;
    await expectSameError(bad, 'bad-cd.pth', /central directory record 0 has a bad signature/, `offset ${cd}`);
  });

  it('a damaged local header and a storage whose bytes were altered', async () => {
    const bad = Uint8Array.from(source);
    bad[source.length > 100_000 ? 30_000 : 70_000] ^= 0xff;
    await expectSameError(bad, 'bad-crc.pth', /CRC-32 mismatch/);
    const header = Uint8Array.from(source);
    header[0] = 0x51; // the first local header's signature
    const path = join(dir, 'bad-header.pth');
    writeFileSync(path, header);
    await expectRejection(readTorchFile(path), /not a torch\.save file/);
  });

  it('legacy, bare-pickle and non-zip files, and a directory', async () => {
    const legacy = new PickleBuilder().proto(2).int(0x1950a86a20f9469cfc6cn).stop().bytes();
    await expectSameError(legacy, 'legacy.pt', /legacy \(pre-1\.6, non-zip\) torch\.save format/);
    await expectSameError(new PickleBuilder().proto(2).none().stop().bytes(), 'bare.pt', /bare pickle/);
    await expectSameError(new TextEncoder().encode('{"not": "torch"}'), 'json.pt', /not a torch\.save file/);
    await expectRejection(readTorchFile(dir), /cannot read the file/);
  });
});
