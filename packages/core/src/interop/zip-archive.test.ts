import { describe, expect, it } from 'vitest';
import { crc32, crc32Portable } from './crc32.js';
import { TorchCheckpointError } from './torch-checkpoint-error.js';
import { openZipArchive } from './zip-archive.js';
import { buildZip, type ZipInput } from './testing/torch-file-builder.js';

const text = (s: string) => new TextEncoder().encode(s);
const files: ZipInput[] = [
  { name: 'a/one.txt', data: text('first entry') },
  { name: 'a/data/0', data: Uint8Array.from({ length: 1000 }, (_, i) => i % 251) },
  { name: 'a/empty', data: new Uint8Array(0) },
];

/** A plain (non-zip64) archive and the offsets tests patch. */
function plain(input: readonly ZipInput[] = files) {
  const bytes = buildZip(input, { zip64: false });
  const view = new DataView(bytes.buffer);
  const eocd = bytes.length - 22;
  const cd = view.getUint32(eocd + 16, true);
  return { bytes, view, eocd, cd };
}

function expectError(run: () => unknown, pattern: RegExp): TorchCheckpointError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TorchCheckpointError);
    expect((error as Error).message).toMatch(pattern);
    return error as TorchCheckpointError;
  }
  throw new Error(`expected an error matching ${pattern}`);
}

describe('openZipArchive', () => {
  it.each([true, false])('reads stored entries (zip64 records: %s), as views without copying', (zip64) => {
    const bytes = buildZip(files, { zip64 });
    const archive = openZipArchive(bytes, { source: 'x.zip' });
    expect([...archive.entries.keys()]).toEqual(files.map((f) => f.name));
    for (const file of files) expect(archive.read(file.name)).toEqual(file.data);
    const data = archive.read('a/data/0');
    expect(data.buffer).toBe(bytes.buffer);
    expect(archive.entries.get('a/data/0')!.dataOffset % 64).toBe(0); // padded like torch's writer
  });

  it('inflates deflated entries and checks their CRC', () => {
    const big = Uint8Array.from({ length: 50_000 }, (_, i) => i % 7);
    const archive = openZipArchive(buildZip([{ name: 'd', data: big, deflate: true }]));
    expect(archive.entries.get('d')!.method).toBe(8);
    expect(archive.entries.get('d')!.compressedSize).toBeLessThan(1000);
    expect(archive.read('d')).toEqual(big);
  });

  it('refuses a deflated entry that claims more than deflate can produce (a zip bomb)', () => {
    const { bytes, view, cd } = plain([{ name: 'd', data: new Uint8Array(100), deflate: true }]);
    view.setUint32(cd + 24, 0xfffffff0, true);
    expectError(() => openZipArchive(bytes), /deflated entry 'd' claims 4294967280 bytes from \d+; deflate cannot expand that much/);
  });

  it('refuses a deflated entry whose stream is longer than declared, without inflating past it', () => {
    const { bytes, view, cd } = plain([{ name: 'd', data: new Uint8Array(5000), deflate: true }]);
    view.setUint32(cd + 24, 100, true);
    const error = expectError(() => openZipArchive(bytes).read('d'), /deflate stream is damaged/);
    expect(error.entry).toBe('d');
  });

  it('refuses truncation anywhere, naming the problem', () => {
    const bytes = buildZip(files);
    expectError(() => openZipArchive(bytes.subarray(0, 10)), /only 10 bytes, too short/);
    for (const cut of [1, 5, 30, 100, bytes.length - 400]) {
      expectError(() => openZipArchive(bytes.subarray(0, bytes.length - cut)), /no zip end-of-central-directory record/);
    }
  });

  it('refuses a central directory that points outside the file', () => {
    const { bytes, view, eocd } = plain();
    view.setUint32(eocd + 16, bytes.length, true);
    expectError(() => openZipArchive(bytes), /central directory \[\d+, \d+\) runs past the end record/);
  });

  it('refuses more entries than the central directory can hold', () => {
    const { bytes, view, eocd } = plain();
    view.setUint16(eocd + 8, 60000, true);
    view.setUint16(eocd + 10, 60000, true);
    expectError(() => openZipArchive(bytes), /60000 entries cannot fit/);
  });

  it('refuses local headers that disagree with the central directory', () => {
    const { bytes, view, cd } = plain();
    view.setUint32(cd + 42, 5, true); // first entry's local header offset
    expectError(() => openZipArchive(bytes), /local header of 'a\/one\.txt' has a bad signature/);
    const renamed = plain();
    renamed.bytes[30] = 'b'.charCodeAt(0); // first local header's name
    expectError(() => openZipArchive(renamed.bytes), /does not name 'a\/one\.txt'/);
  });

  it('refuses entries whose data runs into the central directory, or into each other', () => {
    const { bytes, view, cd } = plain();
    view.setUint32(cd + 20, 1_000_000, true);
    view.setUint32(cd + 24, 1_000_000, true);
    expectError(() => openZipArchive(bytes), /data of 'a\/one\.txt' .* runs into the central directory/);
    const overlap = plain();
    overlap.view.setUint32(overlap.cd + 20, 200, true); // 'a/one.txt' now swallows the next entry
    overlap.view.setUint32(overlap.cd + 24, 200, true);
    expectError(() => openZipArchive(overlap.bytes), /entries 'a\/one\.txt' and 'a\/data\/0' overlap/);
  });

  it('refuses duplicate names, encryption and unknown compression methods', () => {
    expectError(() => openZipArchive(buildZip([files[0]!, files[0]!])), /'a\/one\.txt' appears twice/);
    const encrypted = plain();
    encrypted.view.setUint16(encrypted.cd + 8, 1, true);
    expectError(() => openZipArchive(encrypted.bytes), /encrypted/);
    const lzma = plain();
    lzma.view.setUint16(lzma.cd + 10, 14, true);
    expectError(() => openZipArchive(lzma.bytes), /compression method 14/);
  });

  it('checks CRC-32 on read, and can skip it', () => {
    const { bytes } = plain();
    const archive = openZipArchive(bytes);
    const at = archive.entries.get('a/data/0')!.dataOffset;
    bytes[at + 3] ^= 1;
    expectError(() => openZipArchive(bytes).read('a/data/0'), /CRC-32 mismatch/);
    expect(openZipArchive(bytes, { verifyCrc: false }).read('a/data/0')[3]).toBe(3 ^ 1);
    expectError(() => archive.read('a/missing'), /no entry 'a\/missing'/);
  });

  it('refuses a zip64 record that points past its locator', () => {
    const bytes = buildZip(files);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(bytes.length - 22 - 20 + 8, BigInt(bytes.length), true);
    expectError(() => openZipArchive(bytes), /zip64 end-of-central-directory offset/);
  });
});

describe('crc32', () => {
  it('matches the standard check value and the native implementation', () => {
    expect(crc32Portable(text('123456789'))).toBe(0xcbf43926);
    const data = Uint8Array.from({ length: 4096 }, (_, i) => (i * 31) & 0xff);
    expect(crc32Portable(data)).toBe(crc32(data));
  });
});
