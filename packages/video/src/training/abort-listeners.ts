/**
 * Lets `signal` take any number of listeners without Node's MaxListenersExceededWarning (one
 * listener per clip being decoded ahead is more than its default 10). Node's `events` module is
 * read through `process.getBuiltinModule`, which no bundler follows; elsewhere (a browser) there
 * is no such warning and nothing is done. Browser-safe.
 */
export function allowManyAbortListeners(signal: AbortSignal): void {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const events = proc?.getBuiltinModule?.('node:events') as { setMaxListeners?: (n: number, ...targets: EventTarget[]) => void } | undefined;
  events?.setMaxListeners?.(0, signal);
}
