import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** Where {@link resolveFfmpegPath} found the ffmpeg binary. */
export type FfmpegSource = 'FFMPEG_PATH' | 'PATH' | '@ffmpeg-installer/ffmpeg';

/** An ffmpeg binary and how it was found. */
export interface FfmpegBinary {
  /** Absolute path of the executable. */
  readonly path: string;
  /** Where it was found: `FFMPEG_PATH`, the `PATH`, or the installer package. */
  readonly source: FfmpegSource;
}

/** Options for {@link resolveFfmpegPath}; the defaults read the real environment. */
export interface ResolveFfmpegOptions {
  /** Environment to read `FFMPEG_PATH` and `PATH` from. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Try the optional `@ffmpeg-installer/ffmpeg` package as a last resort. Default true. */
  readonly useInstaller?: boolean;
  /** Skip the per-process cache (the default answer is cached after the first call). Default false. */
  readonly fresh?: boolean;
}

/** No ffmpeg binary could be found; the message lists what was tried and how to install one. */
export class FfmpegNotFoundError extends Error {
  /** @param tried Every place looked in, with why it did not serve. */
  constructor(readonly tried: readonly string[]) {
    super(
      'ffmpeg-path: no ffmpeg binary found (tried: ' +
        tried.join('; ') +
        '). Fix: install ffmpeg on the PATH (e.g. `apt-get install ffmpeg`, `brew install ffmpeg`), ' +
        'or `npm install @ffmpeg-installer/ffmpeg` (ships a static binary, works offline), ' +
        'or set FFMPEG_PATH to an ffmpeg executable.',
    );
    this.name = 'FfmpegNotFoundError';
  }
}

const BINARY = process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `require` for optional CommonJS packages; works in the ESM sources and in a CommonJS bundle. */
function localRequire(): NodeRequire {
  const url = (import.meta as { url?: string }).url;
  if (url) return createRequire(url);
  return createRequire(__filename);
}

/** The binary of the optional `@ffmpeg-installer/ffmpeg` package, or why it is unusable. */
function installerBinary(): { path?: string; why: string } {
  let loaded: { path?: unknown };
  try {
    loaded = localRequire()('@ffmpeg-installer/ffmpeg') as { path?: unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const missing = /Cannot find module '@ffmpeg-installer\/ffmpeg'/.test(message);
    return { why: missing ? '@ffmpeg-installer/ffmpeg is not installed' : `@ffmpeg-installer/ffmpeg failed to load: ${message}` };
  }
  if (typeof loaded.path !== 'string') return { why: '@ffmpeg-installer/ffmpeg exports no `path`' };
  if (!isExecutableFile(loaded.path)) return { why: `@ffmpeg-installer/ffmpeg's binary ${loaded.path} is not an executable file` };
  return { path: loaded.path, why: '' };
}

let cached: FfmpegBinary | undefined;

/**
 * Finds the ffmpeg executable, in this order:
 * 1. `FFMPEG_PATH` (must name an executable file; a wrong value is an error, not skipped);
 * 2. `ffmpeg` in a folder of `PATH`;
 * 3. the optional dependency `@ffmpeg-installer/ffmpeg`, loaded only when needed.
 *
 * Throws {@link FfmpegNotFoundError} saying how to install one. The answer for the real
 * environment is cached per process (pass `fresh: true` to look again).
 */
export function resolveFfmpegPath(options: ResolveFfmpegOptions = {}): FfmpegBinary {
  const defaults = options.env === undefined && options.useInstaller === undefined;
  if (defaults && !options.fresh && cached) return cached;
  const env = options.env ?? process.env;
  const tried: string[] = [];

  const fromEnv = env.FFMPEG_PATH;
  if (fromEnv !== undefined && fromEnv !== '') {
    const path = resolve(fromEnv);
    if (!isExecutableFile(path)) {
      throw new Error(
        `ffmpeg-path: FFMPEG_PATH is set to ${fromEnv}, which is not an executable file. ` +
          'Fix: point FFMPEG_PATH at an ffmpeg binary, or unset it to use the one on the PATH or @ffmpeg-installer/ffmpeg.',
      );
    }
    return remember({ path, source: 'FFMPEG_PATH' }, defaults);
  }
  tried.push('FFMPEG_PATH (unset)');

  const folders = (env.PATH ?? '').split(delimiter).filter((folder) => folder !== '' && isAbsolute(folder));
  for (const folder of folders) {
    const path = join(folder, BINARY);
    if (isExecutableFile(path)) return remember({ path, source: 'PATH' }, defaults);
  }
  tried.push(`${BINARY} on the PATH (${folders.length} folder(s))`);

  if (options.useInstaller ?? true) {
    const installer = installerBinary();
    if (installer.path) return remember({ path: installer.path, source: '@ffmpeg-installer/ffmpeg' }, defaults);
    tried.push(installer.why);
  }
  throw new FfmpegNotFoundError(tried);
}

function remember(binary: FfmpegBinary, defaults: boolean): FfmpegBinary {
  if (defaults) cached = binary;
  return binary;
}
