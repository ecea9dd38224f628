import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { MetricsRecord } from './metrics-record.js';

/** `metrics.jsonl` of a run (Node only; `@jepa/core/node`): one {@link MetricsRecord} per line. */

/**
 * Keeps the lines of the JSONL file at `path` whose `step` is at most `maxStep` and drops the rest,
 * including a half-written last line left by a crash (atomic rewrite; nothing happens when nothing
 * changes). A missing file is fine. Returns the number of lines dropped.
 */
export async function truncateMetricsLog(path: string, maxStep: number): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new Error(`train: cannot read the metrics log ${path} (${(error as Error).message}).`, { cause: error });
  }
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const kept: string[] = [];
  for (const line of lines) {
    let step: unknown;
    try {
      step = (JSON.parse(line) as { step?: unknown }).step;
    } catch {
      continue; // a line cut short by a crash
    }
    if (typeof step === 'number' && step <= maxStep) kept.push(line);
  }
  const next = kept.map((line) => `${line}\n`).join('');
  if (next !== text) await writeFileAtomic(path, next);
  return lines.length - kept.length;
}

/** Appends {@link MetricsRecord}s to a JSONL file, one line each, in order. */
export class MetricsLog {
  private constructor(
    /** The JSONL file. */
    readonly path: string,
    private handle: FileHandle | undefined,
  ) {}

  /**
   * Opens `path` for appending after cutting it back to the lines of steps `<= resumeStep`
   * (0 for a fresh run), so a resumed run never duplicates a step. Creates the folder if needed.
   */
  static async open(path: string, resumeStep: number): Promise<MetricsLog> {
    await mkdir(dirname(path), { recursive: true });
    await truncateMetricsLog(path, resumeStep);
    return new MetricsLog(path, await open(path, 'a'));
  }

  /** Appends one line. Non-finite numbers are written as `null` (JSON has no NaN). */
  async append(record: MetricsRecord): Promise<void> {
    if (!this.handle) throw new Error(`MetricsLog: ${this.path} is closed; open a new MetricsLog to append.`);
    await this.handle.write(`${JSON.stringify(record)}\n`);
  }

  /** Flushes and closes the file; safe to call twice. */
  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (!handle) return;
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

/** Reads a metrics JSONL file back (e.g. to plot or compare runs). */
export async function readMetricsLog(path: string): Promise<MetricsRecord[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      try {
        return JSON.parse(line) as MetricsRecord;
      } catch (error) {
        throw new Error(`readMetricsLog: line ${index + 1} of ${path} is not valid JSON (${(error as Error).message}).`);
      }
    });
}
