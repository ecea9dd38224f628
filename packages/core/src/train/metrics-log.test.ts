import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetricsLog, readMetricsLog, truncateMetricsLog } from './metrics-log.js';
import type { MetricsRecord } from './metrics-record.js';

const record = (step: number, loss = step / 10): MetricsRecord => ({ step, epoch: 0, loss, elapsedSeconds: step, stepsPerSecond: 1 });

describe('MetricsLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jepa-metrics-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends one JSON line per record, creating the folder, and reads them back', async () => {
    const path = join(dir, 'run', 'metrics.jsonl');
    const log = await MetricsLog.open(path, 0);
    await log.append(record(1));
    await log.append({ ...record(2), gradNorm: Number.NaN });
    await log.close();
    await log.close();
    await expect(log.append(record(3))).rejects.toThrow(/is closed/);
    expect(await readFile(path, 'utf8')).toBe(
      '{"step":1,"epoch":0,"loss":0.1,"elapsedSeconds":1,"stepsPerSecond":1}\n' +
        '{"step":2,"epoch":0,"loss":0.2,"elapsedSeconds":2,"stepsPerSecond":1,"gradNorm":null}\n',
    );
    expect((await readMetricsLog(path)).map((r) => r.step)).toEqual([1, 2]);
  });

  it('cuts the file back to a resumed step, dropping later and half-written lines, then appends', async () => {
    const path = join(dir, 'metrics.jsonl');
    await writeFile(path, [1, 2, 3, 4].map((s) => JSON.stringify(record(s))).join('\n') + '\n{"step":5,"lo');
    expect(await truncateMetricsLog(path, 2)).toBe(3);
    expect((await readMetricsLog(path)).map((r) => r.step)).toEqual([1, 2]);
    expect(await truncateMetricsLog(path, 2)).toBe(0);
    const log = await MetricsLog.open(path, 1);
    await log.append(record(2, 9));
    await log.close();
    expect((await readMetricsLog(path)).map((r) => [r.step, r.loss])).toEqual([[1, 0.1], [2, 9]]);
    expect(await readdir(dir)).toEqual(['metrics.jsonl']);
    expect(await truncateMetricsLog(join(dir, 'missing.jsonl'), 0)).toBe(0);
  });

  it('says which line of a metrics file is not JSON', async () => {
    const path = join(dir, 'bad.jsonl');
    await writeFile(path, '{"step":1}\nnot json\n');
    await expect(readMetricsLog(path)).rejects.toThrow(/line 2 of .*bad\.jsonl is not valid JSON/);
  });
});
