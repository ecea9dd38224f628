/** Where in a checkpoint a problem was found. Every field is optional; the message says the rest. */
export interface TorchCheckpointLocation {
  /** The file path (or the `source` label given to the parser). */
  readonly source?: string;
  /** The zip entry involved, e.g. `archive/data.pkl` or `archive/data/3`. */
  readonly entry?: string;
  /** Byte offset: inside `entry` when one is named, else inside the whole file. */
  readonly offset?: number;
  /** Dotted key path of the value being built, when known (e.g. `encoder.module.pos_embed`). */
  readonly key?: string;
}

/**
 * Thrown for every problem met while reading a `torch.save` file: a damaged zip container, a
 * malformed or hostile pickle (forbidden globals, unknown opcodes, stack underflow), storages that
 * do not back the tensors that use them, or a size/recursion limit. The message names what was
 * wrong, where (file, entry, byte offset, key) and how to fix it; the same facts are fields.
 * Nothing is returned when it is thrown: a checkpoint is never loaded partially.
 */
export class TorchCheckpointError extends Error {
  /** {@inheritDoc TorchCheckpointLocation.source} */
  readonly source?: string;
  /** {@inheritDoc TorchCheckpointLocation.entry} */
  readonly entry?: string;
  /** {@inheritDoc TorchCheckpointLocation.offset} */
  readonly offset?: number;
  /** {@inheritDoc TorchCheckpointLocation.key} */
  readonly key?: string;

  constructor(problem: string, where: TorchCheckpointLocation = {}, fix?: string) {
    const parts: string[] = [];
    if (where.source !== undefined) parts.push(where.source);
    if (where.entry !== undefined) parts.push(`entry '${where.entry}'`);
    if (where.offset !== undefined) parts.push(`offset ${where.offset}`);
    if (where.key !== undefined) parts.push(`key '${where.key}'`);
    const prefix = parts.length > 0 ? `${parts.join(', ')}: ` : '';
    super(`${prefix}${problem}${fix ? ` Fix: ${fix}` : ''}`);
    this.name = 'TorchCheckpointError';
    this.source = where.source;
    this.entry = where.entry;
    this.offset = where.offset;
    this.key = where.key;
  }
}
