/** Column alignment of {@link formatTextTable}. */
export type Align = 'left' | 'right';

/**
 * A plain-text table for terminals: a header, a rule, then the rows, columns padded to their widest
 * cell (numbers usually right-aligned). Cells are strings; format numbers before.
 */
export function formatTextTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, align: readonly Align[] = []): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (align[c] === 'right' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The same table in GitHub Markdown (`|` in cells escaped). */
export function formatMarkdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, align: readonly Align[] = []): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const row = (cells: readonly string[]) => `| ${cells.map(escape).join(' | ')} |`;
  const rule = `|${header.map((_, c) => (align[c] === 'right' ? '---:' : ':---')).join('|')}|`;
  return [row(header), rule, ...rows.map(row)].join('\n');
}
