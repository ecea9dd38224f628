import { open } from 'node:fs/promises';

/**
 * Checks whether an ISO base media file (mp4, mov, m4v, 3gp: a `ftyp` box first) is cut short,
 * by walking its top-level boxes: a box declared longer than what is left of the file, or no
 * `moov` box at all, means the file is truncated. Returns a description of the problem, or
 * undefined when the file is not such a file or its boxes are whole. Reads only box headers.
 */
export async function findMp4Truncation(path: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = (await handle.stat()).size;
    const header = Buffer.alloc(16);
    const read = async (offset: number) => (await handle.read(header, 0, 16, offset)).bytesRead;
    if ((await read(0)) < 8 || header.toString('latin1', 4, 8) !== 'ftyp') return undefined;
    let offset = 0;
    let moov = false;
    const boxes: string[] = [];
    while (offset < size) {
      const got = await read(offset);
      if (got < 8) return `the file ends inside a box header at byte ${offset} of ${size}`;
      const type = header.toString('latin1', 4, 8);
      let length = header.readUInt32BE(0);
      if (length === 1) {
        if (got < 16) return `the file ends inside the header of its '${type}' box at byte ${offset}`;
        length = Number(header.readBigUInt64BE(8));
      } else if (length === 0) {
        length = size - offset; // runs to the end of the file
      }
      if (length < 8) return undefined; // not a box structure we understand; leave it to ffmpeg
      if (offset + length > size) {
        return `the file ends inside its '${type}' box (declared ${length} bytes at byte ${offset}, only ${size - offset} present)`;
      }
      if (type === 'moov') moov = true;
      boxes.push(type);
      offset += length;
    }
    if (!moov) return `it has no 'moov' index box (top-level boxes: ${boxes.join(', ')}): the end of the file is missing`;
    return undefined;
  } finally {
    await handle.close();
  }
}
