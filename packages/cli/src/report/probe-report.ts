import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { TextStream } from '../cli-io.js';

/** `0.9312` -> `93.1 %`. */
export function percent(fraction: number): string {
  return `${(100 * fraction).toFixed(1)} %`;
}

/** `12.3 s`, `4 min 05 s`. */
export function seconds(value: number): string {
  if (value < 60) return `${value.toFixed(1)} s`;
  const s = Math.round(value);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/**
 * Writes the JSON results of `jepa eval probe --out FILE` (format `jepa-probe-report`), creating
 * its folder; `wallSeconds` is rounded to milliseconds. Logs the path written.
 */
export async function writeProbeReport(file: string, cwd: string, fields: Record<string, unknown> & { wallSeconds: number }, log: TextStream): Promise<void> {
  const out = resolve(cwd, file);
  await mkdir(dirname(out), { recursive: true });
  const result = { format: 'jepa-probe-report', version: 1, createdAt: new Date().toISOString(), ...fields, wallSeconds: Math.round(fields.wallSeconds * 1000) / 1000 };
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  log.write(`wrote ${out}\n`);
}
