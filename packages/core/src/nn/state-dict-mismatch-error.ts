/** One key whose shape differs between a state dict and the model it is loaded into. */
export interface ShapeMismatch {
  /** Dotted parameter name. */
  readonly key: string;
  /** Shape the model has. */
  readonly expected: readonly number[];
  /** Shape the state dict has. */
  readonly actual: readonly number[];
}

/** A report of every difference between a state dict and a model; loading nothing was loaded. */
export interface StateDictReport {
  /** Keys the model has and the state dict lacks, with the model's shape. */
  readonly missing: ReadonlyArray<{
    /** Dotted parameter name. */
    key: string;
    /** Shape in the model (PyTorch layout). */
    shape: readonly number[];
  }>;
  /** Keys the state dict has and the model lacks, with the dict's shape. */
  readonly unexpected: ReadonlyArray<{
    /** Dotted parameter name. */
    key: string;
    /** Shape in the state dict. */
    shape: readonly number[];
  }>;
  /** Keys present in both with different shapes. */
  readonly mismatched: readonly ShapeMismatch[];
}

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * Thrown when a state dict does not match a model exactly. Lists every missing, unexpected and
 * mismatched key with shapes. Nothing is loaded when it is thrown.
 */
export class StateDictMismatchError extends Error {
  /** Every difference found, for programs that want more than the message. */
  readonly report: StateDictReport;

  constructor(report: StateDictReport, source?: string) {
    const lines: string[] = [];
    const where = source ? ` from ${source}` : '';
    lines.push(`State dict${where} does not match the model; nothing was loaded.`);
    if (report.missing.length > 0) {
      lines.push(`  missing (${report.missing.length}): in the model, not in the file:`);
      for (const m of report.missing) lines.push(`    ${m.key} ${fmt(m.shape)}`);
    }
    if (report.unexpected.length > 0) {
      lines.push(`  unexpected (${report.unexpected.length}): in the file, not in the model:`);
      for (const u of report.unexpected) lines.push(`    ${u.key} ${fmt(u.shape)}`);
    }
    if (report.mismatched.length > 0) {
      lines.push(`  shape mismatch (${report.mismatched.length}):`);
      for (const m of report.mismatched) lines.push(`    ${m.key}: model ${fmt(m.expected)}, file ${fmt(m.actual)}`);
    }
    lines.push('  Fix: build the model with the sizes the checkpoint was trained with, or strip/add a key prefix (e.g. "module.").');
    super(lines.join('\n'));
    this.name = 'StateDictMismatchError';
    this.report = report;
  }
}
