let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

type NodeZlibCrc = (data: Uint8Array, value?: number) => number;

function nodeCrc32(): NodeZlibCrc | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const zlib = proc?.getBuiltinModule?.('node:zlib') as { crc32?: NodeZlibCrc } | undefined;
  return typeof zlib?.crc32 === 'function' ? zlib.crc32 : undefined;
}

const native = nodeCrc32();

/**
 * CRC-32 (IEEE 802.3, as zip uses) of `data`. Uses node's zlib when the runtime has it
 * (node >= 20.16), else a portable table-driven loop, so it also runs in browsers.
 */
export function crc32(data: Uint8Array): number {
  return native ? native(data) >>> 0 : crc32Portable(data);
}

/** The portable implementation, exposed so tests can check it against the native one. */
export function crc32Portable(data: Uint8Array): number {
  const t = crcTable();
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
