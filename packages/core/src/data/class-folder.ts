import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Options for {@link scanClassFolder}. */
export interface ScanClassFolderOptions {
  /** File extensions to keep, with the dot, any case (e.g. `['.png', '.jpg']`). */
  readonly extensions: readonly string[];
  /**
   * Keep class folders that hold no matching file (their labels stay reserved). Default false: such
   * a folder is an error, as in torchvision's `ImageFolder`.
   */
  readonly allowEmptyClasses?: boolean;
  /** What the files are, for messages: `image`, `video`. Default `file`. */
  readonly fileKind?: string;
  /** Who is asking, for messages (e.g. `scanImageFolder`). Default `scanClassFolder`. */
  readonly where?: string;
  /**
   * Leave out entries with a wanted extension that cannot be read (dangling symbolic links, entries
   * that are not regular files, files whose metadata cannot be read) and list them in `unreadable`.
   * Default false: they are an {@link UnreadableFilesError}.
   */
  readonly skipUnreadable?: boolean;
}

/** An entry with a wanted extension that is not a readable file, and why. */
export interface UnreadableFile {
  /** The entry's path. */
  readonly path: string;
  /** Why it cannot be read (e.g. a dangling symbolic link). */
  readonly reason: string;
}

/** Options for {@link findFiles}. */
export interface FindFilesOptions {
  /** See {@link ScanClassFolderOptions.skipUnreadable}; the entries left out are pushed to `unreadable`. */
  readonly skipUnreadable?: boolean;
  /** Filled with the entries left out when `skipUnreadable` is true. */
  readonly unreadable?: UnreadableFile[];
  /** What the files are, for messages: `image`, `video`. Default `file`. */
  readonly fileKind?: string;
}

/**
 * Entries under a folder that have a wanted extension but cannot be read (e.g. a symbolic link to a
 * file that no longer exists): {@link findFiles} throws this instead of leaving them out silently.
 */
export class UnreadableFilesError extends Error {
  constructor(
    /** The folder that was scanned. */
    readonly directory: string,
    /** Every unreadable entry found. */
    readonly files: readonly UnreadableFile[],
    kind = 'file',
  ) {
    const shown = files.slice(0, 5).map((f) => `${f.path} (${f.reason})`).join(', ');
    super(
      `${directory}: ${files.length} ${kind} entr${files.length === 1 ? 'y' : 'ies'} cannot be read: ${shown}${files.length > 5 ? `, and ${files.length - 5} more` : ''}. ` +
        'Fix: restore or remove them, or pass { skipUnreadable: true } to leave them out (they are listed).',
    );
    this.name = 'UnreadableFilesError';
  }
}

/** Why an entry with a wanted extension is not a readable file (undefined when it is one). */
async function unreadableReason(path: string): Promise<string | undefined> {
  const link = await lstat(path).catch(() => undefined);
  if (link?.isSymbolicLink()) {
    const target = await readlink(path).catch(() => '?');
    const resolved = await stat(path).catch((error: NodeJS.ErrnoException) => error);
    if (resolved instanceof Error) {
      return resolved.code === 'ENOENT' ? `a symbolic link to ${target}, which does not exist` : `a symbolic link to ${target}, which cannot be read (${resolved.code ?? resolved.message})`;
    }
    return resolved.isFile() ? undefined : `a symbolic link to ${target}, which is not a regular file`;
  }
  if (!link) return 'its metadata cannot be read';
  return link.isFile() ? undefined : 'not a regular file';
}

/** One file of a class folder and its class index. */
export interface ClassFolderSample {
  /** Absolute path of the file. */
  readonly path: string;
  /** Index of its class in the sorted class names. */
  readonly label: number;
}

/** What {@link scanClassFolder} found. */
export interface ClassFolderIndex {
  /** The root, resolved to an absolute path. */
  readonly root: string;
  /** Class folder names sorted by code point; index = label. */
  readonly classNames: readonly string[];
  /** Files ordered by class, then by folder path and file name (as torchvision's `make_dataset`). */
  readonly samples: readonly ClassFolderSample[];
  /** Entries left out because they cannot be read (only ever non-empty with `skipUnreadable`). */
  readonly unreadable: readonly UnreadableFile[];
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const isHidden = (name: string) => name.startsWith('.');

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Lower-cased extensions, checked to be non-empty and dotted. */
export function normalizeExtensions(extensions: readonly string[], where: string): string[] {
  const lower = extensions.map((ext) => ext.toLowerCase());
  if (lower.length === 0 || lower.some((ext) => !ext.startsWith('.') || ext.length < 2)) {
    throw new RangeError(`${where}: extensions must be non-empty and each start with a dot (e.g. ".png"), got ${JSON.stringify(extensions)}.`);
  }
  return lower;
}

/**
 * Files under `directory` whose names end in one of `extensions` (any case), recursively
 * (following links once, skipping hidden entries), in torchvision's order: folders sorted by path,
 * files sorted by name within each folder. Entries with a wanted extension that are not readable
 * files (a dangling symbolic link, a socket) are never dropped silently: an
 * {@link UnreadableFilesError} lists them (count and first names), or with
 * `options.skipUnreadable` they are left out and pushed to `options.unreadable`.
 */
export async function findFiles(directory: string, extensions: readonly string[], options: FindFilesOptions = {}): Promise<string[]> {
  const wanted = normalizeExtensions(extensions, `findFiles(${directory})`);
  const groups: Array<{ directory: string; files: string[] }> = [];
  const seen = new Set<string>();
  const unreadable: UnreadableFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    const real = await realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    const files: string[] = [];
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (isHidden(entry.name)) continue;
      const path = join(dir, entry.name);
      let directoryEntry = entry.isDirectory();
      let fileEntry = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await stat(path).catch(() => undefined);
        directoryEntry = target?.isDirectory() ?? false;
        fileEntry = target?.isFile() ?? false;
      }
      if (directoryEntry) await walk(path);
      else if (wanted.some((ext) => entry.name.toLowerCase().endsWith(ext))) {
        const reason = fileEntry ? undefined : await unreadableReason(path);
        if (reason === undefined) files.push(entry.name);
        else unreadable.push({ path, reason });
      }
    }
    groups.push({ directory: dir, files: files.sort(byCodePoint) });
  };
  await walk(directory);
  unreadable.sort((a, b) => byCodePoint(a.path, b.path));
  if (unreadable.length > 0) {
    if (!options.skipUnreadable) throw new UnreadableFilesError(directory, unreadable, options.fileKind);
    options.unreadable?.push(...unreadable);
  }
  groups.sort((a, b) => byCodePoint(a.directory, b.directory));
  return groups.flatMap((group) => group.files.map((file) => join(group.directory, file)));
}

/**
 * Indexes an ImageNet-style folder `root/<class>/<file>` of any kind of file (files may sit in
 * sub-folders of a class folder). Classes are the sub-folders of `root` sorted by name, label =
 * index; files directly in `root` and hidden entries (names starting with `.`) are ignored. Throws
 * when `root` is missing, has no class folder, or a class folder has no matching file (unless
 * `allowEmptyClasses`).
 */
export async function scanClassFolder(root: string, options: ScanClassFolderOptions): Promise<ClassFolderIndex> {
  const where = options.where ?? 'scanClassFolder';
  const kind = options.fileKind ?? 'file';
  const extensions = normalizeExtensions(options.extensions, `${where}(${root})`);
  const absoluteRoot = resolve(root);
  if (!(await isDirectory(absoluteRoot))) {
    throw new Error(`${where}: ${kind} folder root ${absoluteRoot} does not exist or is not a directory. Fix: pass a folder laid out as root/<class>/<${kind}>.`);
  }
  const entries = (await readdir(absoluteRoot, { withFileTypes: true })).filter((entry) => !isHidden(entry.name));
  const classNames: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectory(join(absoluteRoot, entry.name))))) classNames.push(entry.name);
  }
  classNames.sort(byCodePoint);
  if (classNames.length === 0) {
    const loose = entries.length;
    throw new Error(
      `${where}: no class folders in ${absoluteRoot}` +
        (loose > 0 ? ` (found ${loose} file(s) directly in it, which are ignored)` : ' (it is empty)') +
        `. Fix: lay the ${kind}s out as root/<class>/<${kind}>, one sub-folder per class.`,
    );
  }
  const samples: ClassFolderSample[] = [];
  const empty: string[] = [];
  const unreadable: UnreadableFile[] = [];
  for (const [label, name] of classNames.entries()) {
    const files = await findFiles(join(absoluteRoot, name), extensions, { skipUnreadable: true, unreadable });
    if (files.length === 0) empty.push(name);
    for (const path of files) samples.push({ path, label });
  }
  if (unreadable.length > 0 && !options.skipUnreadable) throw new UnreadableFilesError(`${where}: ${absoluteRoot}`, unreadable, kind);
  if (empty.length > 0 && !options.allowEmptyClasses) {
    throw new Error(
      `${where}: ${empty.length} class folder(s) in ${absoluteRoot} hold no ${kind} with an extension in ` +
        `${extensions.join(', ')}: ${empty.join(', ')}. Fix: add ${kind}s, remove those folders, pass the files' ` +
        'extensions in `extensions`, or pass { allowEmptyClasses: true }.',
    );
  }
  return { root: absoluteRoot, classNames, samples, unreadable };
}
