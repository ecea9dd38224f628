import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeRun, LENGTH_CHANGE_RULE, readRunConfig } from './run-config.js';
import { withRunScope } from './run-scope.js';
import { openRunFolder, refuseChangedSettings } from './run-folder.js';
import { RUN_LOCK_FILE } from './run-lock.js';

const cwd = mkdtempSync(join(tmpdir(), 'jepa-run-folder-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function writeConfig(folder: string, config: Record<string, unknown>): void {
  mkdirSync(join(cwd, folder), { recursive: true });
  writeFileSync(join(cwd, folder, 'config.json'), JSON.stringify(config));
}

describe('openRunFolder', () => {
  it('opens a new folder, and refuses one that holds a run unless resuming', async () => {
    const fresh = await openRunFolder({ kind: 'toy', out: 'runs/new', cwd });
    expect(fresh).toEqual({ dir: join(cwd, 'runs/new'), configPath: join(cwd, 'runs/new/config.json'), release: expect.any(Function) });
    await fresh.release();
    const dated = await openRunFolder({ kind: 'toy', cwd });
    expect(dated.dir).toMatch(/runs\/toy-\d{8}-\d{6}$/);
    await dated.release();
    writeConfig('runs/a', { format: 'jepa-run-config', version: 1, kind: 'toy', training: { lr: 1 }, data: {}, run: {} });
    await expect(openRunFolder({ kind: 'toy', out: 'runs/a', cwd })).rejects.toThrow('already holds a run. Pass --resume to continue it');
    mkdirSync(join(cwd, 'runs/b/checkpoints'), { recursive: true });
    await expect(openRunFolder({ kind: 'toy', out: 'runs/b', cwd })).rejects.toThrow('already holds a run');
    const resumed = await openRunFolder({ kind: 'toy', out: 'runs/a', resume: true, cwd });
    expect(resumed.previous?.training).toEqual({ lr: 1 });
    await resumed.release();
  });

  it('refuses --resume without --out, without a run, or of another kind', async () => {
    await expect(openRunFolder({ kind: 'toy', resume: true, cwd })).rejects.toThrow('--resume needs --out');
    await expect(openRunFolder({ kind: 'toy', out: 'runs/none', resume: true, cwd })).rejects.toThrow(/holds no config\.json, so it is not a run folder written by `jepa train toy`/);
    writeConfig('runs/other', { format: 'jepa-run-config', version: 1, kind: 'other', training: {}, data: {} });
    await expect(openRunFolder({ kind: 'toy', out: 'runs/other', resume: true, cwd })).rejects.toThrow(/holds a run of `jepa train other`.*jepa train other --out .* --resume/);
  });

  it.runIf(existsSync('/proc/self'))('refuses an --out where no folder can be made (/proc) instead of hanging in mkdir', async () => {
    await expect(openRunFolder({ kind: 'toy', out: '/proc/jepa-run/x', cwd })).rejects.toThrow(
      /^--out \/proc\/jepa-run\/x: cannot create the run folder \(the file system does not allow new folders there: cannot create \/proc\/jepa-run: .*\)\. Choose a writable --out\.$/,
    );
  });
});

describe('openRunFolder: one writer per run folder', () => {
  const config = { format: 'jepa-run-config', version: 1, kind: 'toy', training: {}, data: {}, run: {} };

  it('lets one of two writers have the folder; the second is told the folder and the holder pid', async () => {
    const first = await openRunFolder({ kind: 'toy', out: 'runs/locked', cwd });
    const lockPath = join(cwd, 'runs/locked', RUN_LOCK_FILE);
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    await expect(openRunFolder({ kind: 'toy', out: 'runs/locked', cwd })).rejects.toThrow(
      new RegExp(`^${join(cwd, 'runs/locked')} is in use by another jepa command: process ${process.pid} on ${hostname()}, started .* holds its lock .*\\.jepa-run\\.lock\\. Two commands writing one run folder would mix their checkpoints and metrics\\. Wait for it to finish \\(or stop it: kill ${process.pid}\\), or choose another --out\\.$`),
    );
    await first.release();
    expect(existsSync(lockPath)).toBe(false);
    expect(existsSync(join(cwd, 'runs/locked')), 'an untouched folder it created is removed').toBe(false);
    // two at once: exactly one wins
    writeConfig('runs/race', config);
    const both = await Promise.allSettled([0, 1].map(() => openRunFolder({ kind: 'toy', out: 'runs/race', resume: true, cwd })));
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(String((both.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).toMatch(/is in use by another jepa command: process \d+/);
    await (both.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  });

  it('takes over the lock of a process that is gone, and says so', async () => {
    writeConfig('runs/stale', config);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    writeFileSync(join(cwd, 'runs/stale', RUN_LOCK_FILE), JSON.stringify({ pid: deadPid, host: hostname(), startedAt: '2020-01-01T00:00:00.000Z', command: 'jepa train toy', token: 'old' }));
    let log = '';
    const folder = await openRunFolder({ kind: 'toy', out: 'runs/stale', resume: true, cwd, log: { write: (text: string) => (log += text) } });
    expect(log).toContain(`taking over the stale lock of ${join(cwd, 'runs/stale')}: process ${deadPid} on ${hostname()}, started 2020-01-01T00:00:00.000Z (jepa train toy) is no longer running`);
    expect(JSON.parse(readFileSync(join(cwd, 'runs/stale', RUN_LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await folder.release();
  });

  it('removes temp files of interrupted atomic writes (only those) on open, and says so', async () => {
    writeConfig('runs/temps', config);
    mkdirSync(join(cwd, 'runs/temps/checkpoints'), { recursive: true });
    const temp = '.step-000003.safetensors.4242.0123456789ab.tmp';
    writeFileSync(join(cwd, 'runs/temps/checkpoints', temp), 'partial');
    writeFileSync(join(cwd, 'runs/temps/checkpoints', 'notes.tmp'), 'mine');
    let log = '';
    const folder = await openRunFolder({ kind: 'toy', out: 'runs/temps', resume: true, cwd, log: { write: (text: string) => (log += text) } });
    expect(readdirSync(join(cwd, 'runs/temps/checkpoints'))).toEqual(['notes.tmp']);
    expect(log).toBe(`removed 1 temp file left by an interrupted write: ${join(cwd, 'runs/temps/checkpoints', temp)}\n`);
    await folder.release();
  });
});

describe('openRunFolder: a new run and a folder that is not a run', () => {
  it('refuses a non-empty folder without a run unless forced', async () => {
    mkdirSync(join(cwd, 'reports'), { recursive: true });
    for (const name of ['report.md', 'report.json', 'loss.png']) writeFileSync(join(cwd, 'reports', name), 'keep me');
    await expect(openRunFolder({ kind: 'toy', out: 'reports', cwd })).rejects.toThrow(
      `--out ${join(cwd, 'reports')}: the folder is not empty (loss.png, report.json, report.md) and holds no run (no config.json). ` +
        'A new run writes config.json, checkpoints/, metrics.jsonl, loss.png, loss.svg, predictions.png, report.md, report.json there and would overwrite files of those names. ' +
        'Choose a new or empty folder, or pass --force to write into this one anyway.',
    );
    const forced = await openRunFolder({ kind: 'toy', out: 'reports', cwd, force: true });
    await forced.release();
    expect(readFileSync(join(cwd, 'reports/report.md'), 'utf8')).toBe('keep me');
    mkdirSync(join(cwd, 'empty-but-hidden'), { recursive: true });
    writeFileSync(join(cwd, 'empty-but-hidden/.DS_Store'), '');
    await (await openRunFolder({ kind: 'toy', out: 'empty-but-hidden', cwd })).release();
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
    expect(() => refuseChangedSettings({ configPath: '/n/config.json' }, { training: { lr: 5 }, data: {} }, rules)).not.toThrow();
  });
});

describe('describeRun on a resume with a new length', () => {
  it('states the schedule rule in the log and records the change in config.json', async () => {
    const backend = { backend: 'cpu', requested: 'cpu', provider: 'test' };
    const previous = describeRun({ kind: 'toy', argv: [], training: { optimization: { steps: 3, warmupSteps: 0 } }, data: {}, run: {}, backend });
    expect(previous.lengthChanges).toBeUndefined();
    let log = '';
    const next = await withRunScope({ write: (text: string) => (log += text) }, async () =>
      describeRun({ kind: 'toy', argv: ['--resume', '--steps', '6'], previous, training: { optimization: { steps: 6, warmupSteps: 0 } }, data: {}, run: {}, backend }));
    expect(next.lengthChanges).toEqual([{ at: next.resumedAt, fromSteps: 3, toSteps: 6, schedule: LENGTH_CHANGE_RULE }]);
    expect(log).toBe(`--resume: the run now has 6 steps instead of 3: ${LENGTH_CHANGE_RULE} (recorded in config.json as lengthChanges).\n`);
    expect(LENGTH_CHANGE_RULE).toMatch(/^the warmup-cosine learning rate, the weight-decay and the EMA schedules become those of the new length, continued from the step the run reached/);
    const same = describeRun({ kind: 'toy', argv: [], previous: next, training: { optimization: { steps: 6 } }, data: {}, run: {}, backend });
    expect(same.lengthChanges).toHaveLength(1);
  });
});
