import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs module without types
import { runPytorchBench } from './pytorch-bench.mjs';

const base = { python: '/usr/bin/python3', config: {}, steps: 1, warmup: 0, threads: 1, embedBatch: 2 };
const made: string[] = [];
afterEach(() => made.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('runPytorchBench', () => {
  it('skips, saying how to run it, when no official checkout is given', () => {
    const result = runPytorchBench({ ...base, checkout: undefined });
    expect(result.skipped).toMatch(/--pytorch <path of a facebookresearch\/ijepa checkout>/);
  });

  it('skips a folder that is not an ijepa checkout, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'not-ijepa-'));
    made.push(dir);
    expect(runPytorchBench({ ...base, checkout: dir }).skipped).toContain(`${dir} is not a facebookresearch/ijepa checkout`);
  });

  it('skips when the python cannot import torch, naming the python', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-ijepa-'));
    made.push(dir);
    mkdirSync(join(dir, 'src', 'models'), { recursive: true });
    writeFileSync(join(dir, 'src', 'models', 'vision_transformer.py'), '');
    const result = runPytorchBench({ ...base, checkout: dir, python: join(dir, 'no-such-python') });
    expect(result.skipped).toContain(`${join(dir, 'no-such-python')} cannot import torch`);
  });
});
