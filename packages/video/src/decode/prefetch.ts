/** Options for {@link prefetch}. */
export interface PrefetchOptions {
  /**
   * Results kept ready ahead of the consumer (started or finished, not yet taken). Default 4.
   * Bounds memory: at most `ahead` results exist besides the one being used.
   */
  readonly ahead?: number;
  /** Loads running at once (each one an ffmpeg process for video). Default `min(ahead, 2)`. */
  readonly concurrency?: number;
  /** Stops the iteration: running loads get an aborted signal (ffmpeg is killed) and it throws. */
  readonly signal?: AbortSignal;
}

/** A load function: gets the item and a signal that fires when the iteration stops early. */
export type PrefetchLoad<I, O> = (item: I, signal: AbortSignal) => Promise<O>;

const isPositiveInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value > 0;

/**
 * Loads `items` ahead of the consumer with bounded concurrency and yields the results **in input
 * order**, so decoding overlaps training:
 *
 * ```ts
 * for await (const clips of prefetch(paths, (path, signal) => readVideoClips(path, opts, { signal }), { ahead: 8 })) train(clips);
 * ```
 *
 * A failed load throws at its place in the order. When the consumer stops early (`break`), a load
 * fails, or `options.signal` fires, every running load's signal is aborted and the iterator waits
 * for them to settle before returning/throwing (no ffmpeg outlives the iteration).
 */
export async function* prefetch<I, O>(
  items: Iterable<I> | AsyncIterable<I>,
  load: PrefetchLoad<I, O>,
  options: PrefetchOptions = {},
): AsyncGenerator<O, void, undefined> {
  const ahead = options.ahead ?? 4;
  if (!isPositiveInt(ahead)) throw new RangeError(`prefetch: ahead must be a positive integer, got ${ahead}.`);
  const concurrency = options.concurrency ?? Math.min(ahead, 2);
  if (!isPositiveInt(concurrency)) throw new RangeError(`prefetch: concurrency must be a positive integer, got ${concurrency}.`);
  options.signal?.throwIfAborted();

  const controller = new AbortController();
  const stop = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stop, { once: true });

  // A FIFO semaphore: loads start in input order as slots free up.
  let running = 0;
  const waiting: Array<() => void> = [];
  const acquire = (): Promise<void> => {
    if (running < concurrency) {
      running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };

  type Settled = { ok: true; value: O } | { ok: false; error: unknown };
  const queue: Array<Promise<Settled>> = [];
  const start = (item: I): Promise<Settled> =>
    (async (): Promise<Settled> => {
      await acquire();
      try {
        controller.signal.throwIfAborted();
        return { ok: true, value: await load(item, controller.signal) };
      } catch (error) {
        return { ok: false, error };
      } finally {
        release();
      }
    })();

  const iterator = Symbol.asyncIterator in items ? (items as AsyncIterable<I>)[Symbol.asyncIterator]() : (items as Iterable<I>)[Symbol.iterator]();
  let exhausted = false;
  const fill = async () => {
    while (!exhausted && queue.length < ahead && !controller.signal.aborted) {
      const next = await iterator.next();
      if (next.done) exhausted = true;
      else queue.push(start(next.value));
    }
  };

  try {
    await fill();
    while (queue.length > 0) {
      const settled = await queue.shift()!;
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('prefetch: aborted');
      if (!settled.ok) throw settled.error;
      await fill();
      yield settled.value;
    }
  } finally {
    options.signal?.removeEventListener('abort', stop);
    if (queue.length > 0 || !exhausted) {
      controller.abort(new Error('prefetch: the iteration stopped'));
      await Promise.allSettled(queue);
      if (!exhausted) await iterator.return?.();
    }
  }
}
