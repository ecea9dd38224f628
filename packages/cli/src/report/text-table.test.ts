import { describe, expect, it } from 'vitest';
import { formatMarkdownTable, formatTextTable } from './text-table.js';

describe('formatTextTable', () => {
  it('pads columns and aligns right where asked', () => {
    expect(formatTextTable(['name', 'acc'], [['pixels', '0.5'], ['i-jepa', '0.75']], ['left', 'right'])).toBe(
      ['name     acc', '------  ----', 'pixels   0.5', 'i-jepa  0.75'].join('\n'),
    );
  });
});

describe('formatMarkdownTable', () => {
  it('writes a GitHub table with alignment and escaped pipes', () => {
    expect(formatMarkdownTable(['a', 'b'], [['x|y', '1']], ['left', 'right'])).toBe(['| a | b |', '|:---|---:|', '| x\\|y | 1 |'].join('\n'));
  });
});
