import { createRequire } from 'node:module';
import type { ProgressMode } from '@jepa/core';
import type { TextStream } from '../cli-io.js';

/** Progress over a known number of items (images embedded, ...). */
export interface ItemProgress {
  /** `done` items of the total are finished; `note` says something about the last one (shown on its line, or beside the bar). */
  update(done: number, note?: string): void;
  /** Ends the display (a bar is finished with a newline); idempotent. */
  stop(): void;
}

/** The part of cli-progress's SingleBar used here (the package ships no types). */
interface SingleBar {
  start(total: number, startValue: number, payload?: Record<string, unknown>): void;
  update(value: number, payload?: Record<string, unknown>): void;
  stop(): void;
}

/** `require` that works in the ESM sources and in the CommonJS bundle (cli-progress is CommonJS). */
function localRequire(): NodeRequire {
  const url = (import.meta as { url?: string }).url;
  return createRequire(url ?? __filename);
}

/**
 * A progress display for `total` items labelled `label`: a cli-progress bar on a terminal (or
 * with `bar`), plain lines in logs (`lines`: about 20, or one every `options.linesEvery` items),
 * or nothing (`none`). `auto` picks a bar on a TTY.
 */
export function createItemProgress(mode: ProgressMode, stream: TextStream, label: string, total: number, unit: string, options: { readonly linesEvery?: number } = {}): ItemProgress {
  const resolved = mode === 'auto' ? (stream.isTTY === true ? 'bar' : 'lines') : mode;
  if (resolved === 'none' || total === 0) return { update() {}, stop() {} };
  const started = performance.now();
  if (resolved === 'lines') {
    const every = options.linesEvery ?? Math.max(1, Math.ceil(total / 20));
    let next = every;
    return {
      update(done, note) {
        if (done < next && done < total) return;
        next = (Math.floor(done / every) + 1) * every;
        const seconds = (performance.now() - started) / 1000;
        stream.write(`${label} ${done}/${total} ${unit} (${Math.floor((100 * done) / total)}%, ${(done / Math.max(seconds, 1e-9)).toFixed(1)} ${unit}/s)${note ? `: ${note}` : ''}\n`);
      },
      stop() {},
    };
  }
  // cli-progress is CommonJS and comes with @jepa/core (whose training bar uses it too).
  const { SingleBar } = localRequire()('cli-progress') as { SingleBar: new (options: Record<string, unknown>) => SingleBar };
  const bar = new SingleBar({
    stream,
    format: `${label} |{bar}| {percentage}% | {value}/{total} ${unit} | eta {eta_formatted}{note}`,
    barCompleteChar: '\u2588',
    barIncompleteChar: '\u2591',
    hideCursor: false,
    noTTYOutput: true,
    notTTYSchedule: 10_000,
  });
  bar.start(total, 0, { note: '' });
  let stopped = false;
  return {
    update(done, note) {
      if (!stopped) bar.update(done, { note: note ? ` | ${note}` : '' });
    },
    stop() {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}
