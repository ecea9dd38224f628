/**
 * Test support: assembles pickles opcode by opcode and wraps them in torch.save-style zip
 * archives, so tests can build exactly the (hostile) files they need without Python.
 * Not exported from the package.
 */
import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../crc32.js';

const encoder = new TextEncoder();

/** Builds a pickle byte by byte; each method appends one opcode (and its argument). */
export class PickleBuilder {
  private readonly out: number[] = [];

  raw(...bytes: number[]): this {
    for (const byte of bytes) this.out.push(byte);
    return this;
  }

  /** The current length: the offset the next opcode will have. */
  get offset(): number {
    return this.out.length;
  }

  private u32(value: number): this {
    return this.raw(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
  }

  private u64(value: number | bigint): this {
    let v = BigInt(value);
    for (let i = 0; i < 8; i++, v >>= 8n) this.out.push(Number(v & 0xffn));
    return this;
  }

  proto(version = 2): this { return this.raw(0x80, version); }
  stop(): this { return this.raw(0x2e); }
  mark(): this { return this.raw(0x28); }
  none(): this { return this.raw(0x4e); }
  bool(value: boolean): this { return this.raw(value ? 0x88 : 0x89); }
  emptyTuple(): this { return this.raw(0x29); }
  tuple(): this { return this.raw(0x74); }
  tuple1(): this { return this.raw(0x85); }
  tuple2(): this { return this.raw(0x86); }
  tuple3(): this { return this.raw(0x87); }
  emptyList(): this { return this.raw(0x5d); }
  append(): this { return this.raw(0x61); }
  appends(): this { return this.raw(0x65); }
  emptyDict(): this { return this.raw(0x7d); }
  setitem(): this { return this.raw(0x73); }
  setitems(): this { return this.raw(0x75); }
  reduce(): this { return this.raw(0x52); }
  build(): this { return this.raw(0x62); }
  binpersid(): this { return this.raw(0x51); }
  binput(index: number): this { return this.raw(0x71, index); }
  binget(index: number): this { return this.raw(0x68, index); }
  memoize(): this { return this.raw(0x94); }
  frame(length: number): this { return this.raw(0x95).u64(length); }

  /** The smallest integer opcode Python would use (BININT1/BININT2/BININT/LONG1). */
  int(value: number | bigint): this {
    if (typeof value === 'number' && value >= 0 && value < 256) return this.raw(0x4b, value);
    if (typeof value === 'number' && value >= 0 && value < 65536) return this.raw(0x4d, value & 0xff, value >> 8);
    if (typeof value === 'number' && value >= -(2 ** 31) && value < 2 ** 31) return this.raw(0x4a).u32(value >>> 0);
    let v = BigInt(value);
    const bytes: number[] = [];
    for (;;) {
      bytes.push(Number(v & 0xffn));
      v >>= 8n;
      const sign = bytes[bytes.length - 1]! & 0x80;
      if ((v === 0n && !sign) || (v === -1n && sign)) break;
    }
    return this.raw(0x8a, bytes.length, ...bytes);
  }

  float(value: number): this {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value, false);
    return this.raw(0x47, ...new Uint8Array(view.buffer));
  }

  /** BINUNICODE (4-byte length). */
  str(value: string): this {
    const data = encoder.encode(value);
    return this.raw(0x58).u32(data.length).raw(...data);
  }

  shortStr(value: string): this {
    const data = encoder.encode(value);
    return this.raw(0x8c, data.length, ...data);
  }

  str8(value: string): this {
    const data = encoder.encode(value);
    return this.raw(0x8d).u64(data.length).raw(...data);
  }

  shortBytes(data: readonly number[]): this {
    return this.raw(0x43, data.length, ...data);
  }

  /** GLOBAL 'module\nname\n' (protocol 0-2 form). */
  global(module: string, name: string): this {
    return this.raw(0x63, ...encoder.encode(`${module}\n${name}\n`));
  }

  /** STACK_GLOBAL with module and name pushed as SHORT_BINUNICODE (protocol 4 form). */
  stackGlobal(module: string, name: string): this {
    return this.shortStr(module).shortStr(name).raw(0x93);
  }

  /** `collections.OrderedDict()` as torch writes it. */
  orderedDict(): this {
    return this.global('collections', 'OrderedDict').emptyTuple().reduce();
  }

  /** Pushes a persistent storage id `('storage', torch.<type>, key, 'cpu', numel)` loaded by BINPERSID. */
  storage(type: string, key: string, numel: number | bigint): this {
    return this.mark().str('storage').global('torch', type).str(key).str('cpu').int(numel).tuple().binpersid();
  }

  /** `_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())`, as torch writes it. */
  tensor(type: string, key: string, numel: number | bigint, offset: number, shape: readonly number[], stride: readonly number[]): this {
    this.global('torch._utils', '_rebuild_tensor_v2').mark().storage(type, key, numel).int(offset);
    this.mark();
    for (const s of shape) this.int(s);
    this.tuple().mark();
    for (const s of stride) this.int(s);
    return this.tuple().bool(false).orderedDict().tuple().reduce();
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/** One file to put in a zip. */
export interface ZipInput {
  readonly name: string;
  readonly data: Uint8Array;
  /** Store the entry deflate-compressed (torch.save never does; other zip tools do). */
  readonly deflate?: boolean;
}

/**
 * A zip (entries stored unless `deflate` is set) with the zip64 end records torch's writer emits,
 * and local headers without data descriptors. `align` pads each entry's data to that many bytes, as torch does (64).
 */
export function buildZip(files: readonly ZipInput[], { zip64 = true, align = 64 }: { zip64?: boolean; align?: number } = {}): Uint8Array {
  const chunks: number[] = [];
  const central: number[] = [];
  const le = (target: number[], value: number | bigint, bytes: number) => {
    let v = BigInt(value);
    for (let i = 0; i < bytes; i++, v >>= 8n) target.push(Number(v & 0xffn));
  };
  for (const file of files) {
    const name = encoder.encode(file.name);
    const offset = chunks.length;
    const crc = crc32(file.data);
    const method = file.deflate ? 8 : 0;
    const stored = file.deflate ? new Uint8Array(deflateRawSync(file.data)) : file.data;
    const headerEnd = offset + 30 + name.length;
    const pad = align > 1 ? (align - ((headerEnd + 4) % align)) % align : 0;
    const extraLength = align > 1 ? 4 + pad : 0;
    le(chunks, 0x04034b50, 4); le(chunks, 20, 2); le(chunks, 0, 2); le(chunks, method, 2); le(chunks, 0, 4);
    le(chunks, crc, 4); le(chunks, stored.length, 4); le(chunks, file.data.length, 4);
    le(chunks, name.length, 2); le(chunks, extraLength, 2); chunks.push(...name);
    if (align > 1) { le(chunks, 0x4246, 2); le(chunks, pad, 2); for (let i = 0; i < pad; i++) chunks.push(0x5a); }
    for (let i = 0; i < stored.length; i++) chunks.push(stored[i]!);
    le(central, 0x02014b50, 4); le(central, 20, 2); le(central, 20, 2); le(central, 0, 2); le(central, method, 2);
    le(central, 0, 4); le(central, crc, 4); le(central, stored.length, 4); le(central, file.data.length, 4);
    le(central, name.length, 2); le(central, 0, 2); le(central, 0, 2); le(central, 0, 2); le(central, 0, 2);
    le(central, 0, 4); le(central, offset, 4); central.push(...name);
  }
  const cdOffset = chunks.length;
  for (const byte of central) chunks.push(byte);
  if (zip64) {
    const z64 = chunks.length;
    le(chunks, 0x06064b50, 4); le(chunks, 44, 8); le(chunks, 45, 2); le(chunks, 45, 2); le(chunks, 0, 4); le(chunks, 0, 4);
    le(chunks, files.length, 8); le(chunks, files.length, 8); le(chunks, central.length, 8); le(chunks, cdOffset, 8);
    le(chunks, 0x07064b50, 4); le(chunks, 0, 4); le(chunks, z64, 8); le(chunks, 1, 4);
  }
  le(chunks, 0x06054b50, 4); le(chunks, 0, 2); le(chunks, 0, 2); le(chunks, files.length, 2); le(chunks, files.length, 2);
  le(chunks, central.length, 4); le(chunks, cdOffset, 4); le(chunks, 0, 2);
  return Uint8Array.from(chunks);
}

/** A torch.save-style archive: `<prefix>/data.pkl`, `<prefix>/data/<key>`, `version`, `byteorder`. */
export function buildTorchZip(pickle: Uint8Array, storages: Record<string, Uint8Array> = {}, prefix = 'archive'): Uint8Array {
  return buildZip([
    { name: `${prefix}/data.pkl`, data: pickle },
    { name: `${prefix}/byteorder`, data: encoder.encode('little') },
    ...Object.entries(storages).map(([key, data]) => ({ name: `${prefix}/data/${key}`, data })),
    { name: `${prefix}/version`, data: encoder.encode('3\n') },
  ]);
}

/** Little-endian bytes of a typed array (the way torch writes storages). */
export function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength).slice();
}

/** One file of a {@link buildSparseZip} layout, optionally placed at a chosen offset. */
export interface PlacedZipInput {
  readonly name: string;
  readonly data: Uint8Array;
  /** Where its local header starts; must be past the previous entry. Default: right after it. */
  readonly at?: number;
}

/**
 * A stored zip64 archive whose entries may sit at arbitrary (e.g. > 4 GiB) offsets, returned as
 * the pieces to write at their offsets: the gaps between them are left as holes, so written into
 * a file truncated to `size` it takes almost no disk space. Offsets and sizes at or above
 * 0xFFFFFFFF go in zip64 extra fields, as torch's writer (miniz) does for large files.
 */
export function buildSparseZip(files: readonly PlacedZipInput[]): { size: number; pieces: Array<{ offset: number; bytes: Uint8Array }> } {
  const le = (target: number[], value: number | bigint, bytes: number) => {
    let v = BigInt(value);
    for (let i = 0; i < bytes; i++, v >>= 8n) target.push(Number(v & 0xffn));
  };
  const pieces: Array<{ offset: number; bytes: Uint8Array }> = [];
  const central: number[] = [];
  let end = 0;
  for (const file of files) {
    const offset = file.at ?? end;
    if (offset < end) throw new Error(`entry ${file.name} at ${offset} overlaps the previous one (ends at ${end})`);
    const name = encoder.encode(file.name);
    const local: number[] = [];
    le(local, 0x04034b50, 4); le(local, 45, 2); le(local, 0, 2); le(local, 0, 2); le(local, 0, 4);
    le(local, crc32(file.data), 4); le(local, file.data.length, 4); le(local, file.data.length, 4);
    le(local, name.length, 2); le(local, 0, 2); local.push(...name);
    const bytes = new Uint8Array(local.length + file.data.length);
    bytes.set(local);
    bytes.set(file.data, local.length);
    pieces.push({ offset, bytes });
    end = offset + bytes.length;
    const big = offset >= 0xffffffff;
    le(central, 0x02014b50, 4); le(central, 45, 2); le(central, 45, 2); le(central, 0, 2); le(central, 0, 2);
    le(central, 0, 4); le(central, crc32(file.data), 4); le(central, file.data.length, 4); le(central, file.data.length, 4);
    le(central, name.length, 2); le(central, big ? 12 : 0, 2); le(central, 0, 2); le(central, 0, 2); le(central, 0, 2);
    le(central, 0, 4); le(central, big ? 0xffffffff : offset, 4); central.push(...name);
    if (big) { le(central, 0x0001, 2); le(central, 8, 2); le(central, offset, 8); }
  }
  const cdOffset = end;
  const tail: number[] = [...central];
  const z64 = cdOffset + central.length;
  le(tail, 0x06064b50, 4); le(tail, 44, 8); le(tail, 45, 2); le(tail, 45, 2); le(tail, 0, 4); le(tail, 0, 4);
  le(tail, files.length, 8); le(tail, files.length, 8); le(tail, central.length, 8); le(tail, cdOffset, 8);
  le(tail, 0x07064b50, 4); le(tail, 0, 4); le(tail, z64, 8); le(tail, 1, 4);
  le(tail, 0x06054b50, 4); le(tail, 0, 2); le(tail, 0, 2); le(tail, files.length, 2); le(tail, files.length, 2);
  le(tail, central.length, 4); le(tail, Math.min(cdOffset, 0xffffffff), 4); le(tail, 0, 2);
  pieces.push({ offset: cdOffset, bytes: Uint8Array.from(tail) });
  return { size: cdOffset + tail.length, pieces };
}
