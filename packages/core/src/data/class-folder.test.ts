import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFiles, scanClassFolder } from './class-folder.js';

let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'jepa-class-folder-'));
  root = join(base, 'root');
  // b/ before a/, loose files and hidden entries: order must come from sorting.
  for (const dir of ['b', join('a', 'deep'), '.hidden']) await mkdir(join(root, dir), { recursive: true });
  for (const file of [join('b', 'z.clip'), join('b', 'Y.CLIP'), join('a', 'm.clip'), join('a', 'deep', 'a.clip'), join('a', 'notes.txt'), join('.hidden', 'x.clip'), 'loose.clip']) {
    await writeFile(join(root, file), 'x');
  }
});
afterAll(() => rm(base, { recursive: true, force: true }));

describe('findFiles', () => {
  it('lists matching files of any case, folder by folder in sorted order, without hidden entries', async () => {
    const files = (await findFiles(root, ['.clip'])).map((path) => path.slice(root.length + 1));
    expect(files).toEqual(['loose.clip', join('a', 'm.clip'), join('a', 'deep', 'a.clip'), join('b', 'Y.CLIP'), join('b', 'z.clip')]);
    await expect(findFiles(root, ['clip'])).rejects.toThrow(/start with a dot/);
  });
});

describe('scanClassFolder', () => {
  it('labels classes by sorted folder name and names the kind of file in its errors', async () => {
    const index = await scanClassFolder(root, { extensions: ['.clip'], fileKind: 'clip', where: 'test' });
    expect(index.classNames).toEqual(['a', 'b']);
    expect(index.samples.map((s) => [s.path.slice(root.length + 1), s.label])).toEqual([
      [join('a', 'm.clip'), 0],
      [join('a', 'deep', 'a.clip'), 0],
      [join('b', 'Y.CLIP'), 1],
      [join('b', 'z.clip'), 1],
    ]);
    await expect(scanClassFolder(join(base, 'missing'), { extensions: ['.clip'], fileKind: 'clip', where: 'test' })).rejects.toThrow(
      /^test: clip folder root .*missing does not exist.*root\/<class>\/<clip>/,
    );
    await expect(scanClassFolder(root, { extensions: ['.txt'], fileKind: 'note' })).rejects.toThrow(/1 class folder\(s\) .* hold no note .*: b\./);
  });
});
