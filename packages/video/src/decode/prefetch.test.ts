import { describe, expect, it } from 'vitest';
import { prefetch } from './prefetch.js';

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    });
  });

describe('prefetch', () => {
  it('yields in input order while loading ahead with bounded concurrency', async () => {
    let running = 0;
    let maxRunning = 0;
    let started = 0;
    let consumed = 0;
    let maxAhead = 0;
    const out: number[] = [];
    for await (const value of prefetch(
      Array.from({ length: 12 }, (_, i) => i),
      async (i, signal) => {
        started++;
        maxAhead = Math.max(maxAhead, started - consumed);
        running++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(((i * 7) % 5) * 3, signal);
        running--;
        return i * 10;
      },
      { ahead: 4, concurrency: 3 },
    )) {
      consumed++;
      out.push(value);
      await sleep(2);
    }
    expect(out).toEqual(Array.from({ length: 12 }, (_, i) => i * 10));
    expect(maxRunning).toBe(3);
    expect(maxAhead).toBeLessThanOrEqual(5); // `ahead` waiting plus the one being consumed
  });

  it('overlaps loading with consumption', async () => {
    const started = performance.now();
    for await (const _ of prefetch([1, 2, 3, 4, 5, 6], () => sleep(20), { ahead: 2, concurrency: 2 })) await sleep(20);
    // serial would take 6 x 40 ms; overlapped about 6 x 20 + 20
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('throws a failed load at its place and aborts the others before throwing', async () => {
    const aborted: number[] = [];
    const settled: number[] = [];
    const seen: number[] = [];
    const run = async () => {
      for await (const value of prefetch(
        [0, 1, 2, 3, 4],
        async (i, signal) => {
          let done = false;
          signal.addEventListener('abort', () => done || aborted.push(i));
          try {
            if (i === 1) throw new Error('load 1 failed');
            await sleep(i === 0 ? 1 : 200, signal);
            return i;
          } finally {
            done = true;
            settled.push(i);
          }
        },
        { ahead: 4, concurrency: 4 },
      )) {
        seen.push(value);
      }
    };
    await expect(run()).rejects.toThrow('load 1 failed');
    expect(seen).toEqual([0]);
    expect(aborted.sort()).toEqual([2, 3, 4]);
    expect(settled.sort()).toEqual([0, 1, 2, 3, 4]); // nothing left running
  });

  it('aborts running loads when the consumer stops early', async () => {
    const settled: number[] = [];
    const aborted: number[] = [];
    for await (const value of prefetch(
      [0, 1, 2, 3],
      async (i, signal) => {
        let done = false;
        signal.addEventListener('abort', () => done || aborted.push(i));
        try {
          await sleep(i === 0 ? 1 : 500, signal);
        } catch {
          // aborted
        } finally {
          done = true;
          settled.push(i);
        }
        return i;
      },
      { ahead: 3, concurrency: 3 },
    )) {
      expect(value).toBe(0);
      break;
    }
    expect(aborted.sort()).toEqual([1, 2, 3]);
    expect(settled.sort()).toEqual([0, 1, 2, 3]);
  });

  it('checks its options', async () => {
    await expect(prefetch([1], async (x) => x, { ahead: 0 }).next()).rejects.toThrow(/ahead must be a positive integer, got 0/);
    await expect(prefetch([1], async (x) => x, { signal: AbortSignal.abort() }).next()).rejects.toThrow();
  });
});
