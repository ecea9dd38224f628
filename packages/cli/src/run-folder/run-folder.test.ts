import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunConfig } from './run-config.js';
import { openRunFolder, refuseChangedSettings } from './run-folder.js';

const cwd = mkdtempSync(join(tmpdir(), 'jepa-run-folder-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function writeConfig(folder: string, config: Record<string, unknown>): void {
  mkdirSync(join(cwd, folder), { recursive: true });
  writeFileSync(join(cwd, folder, 'config.json'), JSON.stringify(config));
}

describe('openRunFolder', () => {
  it('opens a new folder, and refuses one that holds a run unless resuming', async () => {
    const fresh = await openRunFolder({ kind: 'toy', out: 'runs/new', cwd });
    expect(fresh).toEqual({ dir: join(cwd, 'runs/new'), configPath: join(cwd, 'runs/new/config.json') });
    expect((await openRunFolder({ kind: 'toy', cwd })).dir).toMatch(/runs\/toy-\d{8}-\d{6}$/);
    writeConfig('runs/a', { format: 'jepa-run-config', version: 1, kind: 'toy', training: { lr: 1 }, data: {}, run: {} });
    await expect(openRunFolder({ kind: 'toy', out: 'runs/a', cwd })).rejects.toThrow('already holds a run. Pass --resume to continue it');
    mkdirSync(join(cwd, 'runs/b/checkpoints'), { recursive: true });
    await expect(openRunFolder({ kind: 'toy', out: 'runs/b', cwd })).rejects.toThrow('already holds a run');
    expect((await openRunFolder({ kind: 'toy', out: 'runs/a', resume: true, cwd })).previous?.training).toEqual({ lr: 1 });
  });

  it('refuses --resume without --out, without a run, or of another kind', async () => {
    await expect(openRunFolder({ kind: 'toy', resume: true, cwd })).rejects.toThrow('--resume needs --out');
    await expect(openRunFolder({ kind: 'toy', out: 'runs/none', resume: true, cwd })).rejects.toThrow(/holds no config\.json, so it is not a run folder written by `jepa train toy`/);
    writeConfig('runs/other', { format: 'jepa-run-config', version: 1, kind: 'other', training: {}, data: {} });
    await expect(openRunFolder({ kind: 'toy', out: 'runs/other', resume: true, cwd })).rejects.toThrow(/holds a run of `jepa train other`.*jepa train other --out .* --resume/);
  });
});

describe('readRunConfig', () => {
  it('reads configs of earlier versions with the kind their format implies, and refuses what is not a run config', async () => {
    writeConfig('runs/old-video', { format: 'jepa-vjepa-run-config', version: 1, training: {}, data: { dataset: 'moving-mnist' }, run: { checkpointEvery: 5 } });
    expect(await readRunConfig(join(cwd, 'runs/old-video'))).toMatchObject({ format: 'jepa-run-config', kind: 'vjepa', run: { checkpointEvery: 5 } });
    writeConfig('runs/old-image', { format: 'jepa-run-config', version: 1, training: {}, data: {} });
    expect((await readRunConfig(join(cwd, 'runs/old-image')))?.kind).toBe('ijepa');
    expect(await readRunConfig(join(cwd, 'runs/nothing-here'))).toBeUndefined();
    writeConfig('runs/foreign', { name: 'something else' });
    await expect(readRunConfig(join(cwd, 'runs/foreign'))).rejects.toThrow(/is not a run config written by `jepa train`/);
    mkdirSync(join(cwd, 'runs/broken'), { recursive: true });
    writeFileSync(join(cwd, 'runs/broken/config.json'), '{ "format": ');
    await expect(readRunConfig(join(cwd, 'runs/broken'))).rejects.toThrow(/is not valid JSON/);
  });
});

describe('refuseChangedSettings', () => {
  it('names every changed setting with its old and new value, except those the rules allow', () => {
    const folder = { dir: '/r', configPath: '/r/config.json', previous: { format: 'jepa-run-config', version: 1, kind: 'toy', command: '', createdAt: '', training: { lr: 1, steps: 10, model: { depth: 2 } }, data: { limit: 5 }, run: {} } as const };
    const rules = { mayChange: ['training.steps', 'data.limit'], changeFlags: '--steps' };
    expect(() => refuseChangedSettings(folder, { training: { lr: 1, steps: 20, model: { depth: 2 } }, data: { limit: 9 } }, rules)).not.toThrow();
    expect(() => refuseChangedSettings(folder, { training: { lr: 2, steps: 20, model: { depth: 3 } }, data: { limit: 5 } }, rules)).toThrow(
      /--resume: these settings differ from \/r\/config\.json:\n {2}- training\.lr: 1 -> 2\n {2}- training\.model\.depth: 2 -> 3\n.*only --steps may grow it/,
    );
    expect(() => refuseChangedSettings({ dir: '/n', configPath: '/n/config.json' }, { training: { lr: 5 }, data: {} }, rules)).not.toThrow();
  });
});
