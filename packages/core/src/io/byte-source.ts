/**
 * Random access to bytes that need not be in memory: a `Blob` or `File` in a browser, bytes in
 * memory, or (from `@jepa/core/node`) a file on disk. The checkpoint readers take one, so a
 * multi-GB file is read piece by piece wherever it lives. Browser-safe.
 */

/** What a byte reader takes: a `Blob` (a browser `File` too), an `ArrayBuffer`, or a view of one (`Uint8Array`). */
export type BinaryInput = Blob | ArrayBuffer | ArrayBufferView;

/** Bytes read at given positions, like a file handle. */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Copies up to `length` bytes starting at `position` into `target` at `offset`, and resolves with
   * how many were copied (fewer only at the end, 0 past it).
   */
  read(target: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** Releases what the source holds (a file handle); safe to call twice. */
  close(): Promise<void>;
}

/** A source over bytes held in memory (no copy). */
export function bytesByteSource(input: ArrayBuffer | ArrayBufferView): ByteSource {
  const bytes = ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input);
  return {
    size: bytes.length,
    read: async (target, offset, length, position) => {
      const piece = bytes.subarray(position, Math.min(bytes.length, position + length));
      target.set(piece, offset);
      return piece.length;
    },
    close: async () => undefined,
  };
}

/** A source over a `Blob` (or browser `File`): each read slices the blob, so only what is asked for is loaded. */
export function blobByteSource(blob: Blob): ByteSource {
  return {
    size: blob.size,
    read: async (target, offset, length, position) => {
      const piece = new Uint8Array(await blob.slice(position, Math.min(blob.size, position + length)).arrayBuffer());
      target.set(piece, offset);
      return piece.length;
    },
    close: async () => undefined,
  };
}

function isBlob(input: unknown): input is Blob {
  return typeof Blob !== 'undefined' && input instanceof Blob;
}

/** The source for any {@link BinaryInput}; throws naming `where` on anything else. */
export function byteSourceOf(input: BinaryInput, where = 'input'): ByteSource {
  if (isBlob(input)) return blobByteSource(input);
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) return bytesByteSource(input);
  const got = input === null ? 'null' : typeof input === 'object' ? (input as object).constructor?.name ?? 'an object' : typeof input;
  throw new TypeError(`${where} must be a Blob/File, an ArrayBuffer or a Uint8Array, got ${got}.`);
}

/** The whole input as bytes: views and buffers as they are (no copy), a Blob read once. */
export async function bytesOf(input: BinaryInput, where = 'input'): Promise<Uint8Array> {
  if (isBlob(input)) return new Uint8Array(await input.arrayBuffer());
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  byteSourceOf(input, where); // throws with the message
  throw new TypeError(`${where}: unreadable input.`);
}
