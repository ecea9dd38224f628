import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFiles, scanClassFolder, UnreadableFilesError, type UnreadableFile } from './class-folder.js';

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

describe('symbolic links (issue 11, item 9)', () => {
  it('follows links to files (an image kept elsewhere belongs to the folder), without --skip-corrupt', async () => {
    const folder = join(base, 'linked');
    await mkdir(join(folder, 'cats'), { recursive: true });
    await writeFile(join(base, 'elsewhere.clip'), 'x');
    await symlink(join(base, 'elsewhere.clip'), join(folder, 'cats', 'linked.clip'));
    await writeFile(join(folder, 'cats', 'plain.clip'), 'x');
    expect((await findFiles(folder, ['.clip'])).map((path) => path.slice(folder.length + 1))).toEqual([join('cats', 'linked.clip'), join('cats', 'plain.clip')]);
    const index = await scanClassFolder(folder, { extensions: ['.clip'], fileKind: 'clip' });
    expect(index.samples).toHaveLength(2);
  });
});

describe('entries that cannot be read (issue 11, item 9)', () => {
  it('dangling symbolic links with a wanted extension are reported (count and first names), never dropped silently', async () => {
    const folder = join(base, 'links');
    await mkdir(join(folder, 'cats'), { recursive: true });
    await writeFile(join(folder, 'cats', 'real.clip'), 'x');
    for (const name of ['gone-1.clip', 'gone-2.clip', 'gone-3.clip', 'gone-4.clip', 'gone-5.clip', 'gone-6.clip']) {
      await symlink(join(base, 'nowhere', name), join(folder, 'cats', name));
    }
    await symlink(join(base, 'nowhere', 'readme'), join(folder, 'cats', 'readme.txt')); // not a wanted extension: not reported
    const error = await findFiles(folder, ['.clip'], { fileKind: 'clip' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreadableFilesError);
    expect((error as UnreadableFilesError).files).toHaveLength(6);
    expect((error as Error).message).toBe(
      `${folder}: 6 clip entries cannot be read: ` +
        [1, 2, 3, 4, 5].map((i) => `${join(folder, 'cats', `gone-${i}.clip`)} (a symbolic link to ${join(base, 'nowhere', `gone-${i}.clip`)}, which does not exist)`).join(', ') +
        ', and 1 more. Fix: restore or remove them, or pass { skipUnreadable: true } to leave them out (they are listed).',
    );
    const unreadable: UnreadableFile[] = [];
    expect(await findFiles(folder, ['.clip'], { skipUnreadable: true, unreadable })).toEqual([join(folder, 'cats', 'real.clip')]);
    expect(unreadable.map((u) => u.path)).toEqual([1, 2, 3, 4, 5, 6].map((i) => join(folder, 'cats', `gone-${i}.clip`)));

    await expect(scanClassFolder(folder, { extensions: ['.clip'], fileKind: 'clip', where: 'test' })).rejects.toThrow(/^test: .*links: 6 clip entries cannot be read: /);
    const index = await scanClassFolder(folder, { extensions: ['.clip'], skipUnreadable: true });
    expect(index.samples.map((s) => s.path)).toEqual([join(folder, 'cats', 'real.clip')]);
    expect(index.unreadable).toHaveLength(6);
  });
});
