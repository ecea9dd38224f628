import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MNIST_IJEPA_RECIPE } from '@jepa/vision';
import { effectiveRecipe, readExport, writeExport } from './export-data.mjs';
import { main, preflight } from './compare.mjs';

const folders: string[] = [];
async function tempFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'official-ijepa-test-'));
  folders.push(folder);
  return folder;
}
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

describe('export format', () => {
  it('round-trips images, labels and the recipe', async () => {
    const folder = await tempFolder();
    const set = (count: number, offset: number) => ({
      images: Float32Array.from({ length: count * 2 * 3 }, (_, i) => (i + offset) / 7),
      labels: Int32Array.from({ length: count }, (_, i) => (i + offset) % 10),
      count,
      height: 2,
      width: 3,
      channels: 1,
    });
    const train = set(3, 0);
    const heldOut = set(2, 5);
    const recipe = effectiveRecipe(MNIST_IJEPA_RECIPE, undefined);
    await writeExport(folder, { recipe, train, heldOut });
    const back = await readExport(folder);
    expect(back.manifest.recipe).toEqual(JSON.parse(JSON.stringify(MNIST_IJEPA_RECIPE)));
    for (const [key, original] of Object.entries({ train, heldOut })) {
      expect(Array.from(back[key].images)).toEqual(Array.from(original.images));
      expect(Array.from(back[key].labels)).toEqual(Array.from(original.labels));
      expect(back[key].count).toBe(original.count);
    }
  });

  it('applies --steps as the CLI does (warm-up keeps its fraction) and resolves encoder presets', () => {
    const recipe = effectiveRecipe(MNIST_IJEPA_RECIPE, 200);
    const o = MNIST_IJEPA_RECIPE.optimization;
    expect(recipe.optimization.steps).toBe(200);
    expect(recipe.optimization.warmupSteps).toBe(Math.round(200 * (o.warmupSteps / o.steps)));
    expect(effectiveRecipe({ ...MNIST_IJEPA_RECIPE, model: { ...MNIST_IJEPA_RECIPE.model, encoder: 'tiny' } }, undefined).model.encoder)
      .toMatchObject({ embedDim: 192, depth: 12, numHeads: 3 });
  });
});

describe('skipping without torch or the official checkout', () => {
  it('skips with exit code 0 when --ijepa is missing', async () => {
    const lines: string[] = [];
    expect(await main(['--ijepa', join(tmpdir(), 'no-such-ijepa-checkout')], (line: string) => lines.push(line))).toBe(0);
    expect(lines.join('\n')).toMatch(/^skipped: .*is missing.*git clone https:\/\/github.com\/facebookresearch\/ijepa/s);
  });

  it('skips when the python has no torch', async () => {
    const folder = await tempFolder();
    await mkdir(join(folder, 'ijepa', 'src', 'models'), { recursive: true });
    await writeFile(join(folder, 'ijepa', 'src', 'models', 'vision_transformer.py'), '');
    const python = join(folder, 'python-without-torch');
    await writeFile(python, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n");
    await chmod(python, 0o755);
    expect(preflight({ ijepa: join(folder, 'ijepa'), python })).toEqual({ skip: expect.stringContaining('has no torch (ModuleNotFoundError') });
    const lines: string[] = [];
    expect(await main(['--ijepa', join(folder, 'ijepa'), '--python', python], (line: string) => lines.push(line))).toBe(0);
    expect(lines).toEqual([expect.stringMatching(/^skipped: .*has no torch/)]);
  });
});
