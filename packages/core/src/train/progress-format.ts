import type { MetricsRecord } from './metrics-record.js';

/**
 * How `train` shows progress: `bar` a cli-progress bar, `lines` one plain line per logged step
 * (good for log files and CI), `none` nothing, `auto` a bar when the stream is a TTY, else lines.
 */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

/** Where progress goes: `process.stderr` by default; anything with `write` works (tests pass a fake). */
export interface ProgressStream {
  /** Writes `text` as it is. */
  write(text: string): unknown;
  /** True for a terminal: `auto` then draws a bar. */
  isTTY?: boolean;
  /** Terminal width, for the bar. */
  columns?: number;
}

/** What the trainer tells the progress display. */
export interface ProgressReporter {
  /** The mode actually used (`auto` resolved). */
  readonly mode: Exclude<ProgressMode, 'auto'>;
  /** Training starts at `startStep + 1` and ends at `totalSteps`. */
  start(startStep: number, totalSteps: number): void;
  /** After every step; `logged` is true when the step's line went to metrics.jsonl. */
  step(record: MetricsRecord, logged: boolean): void;
  /** A notice (resume, checkpoint, warning): a line in `lines` mode, a note beside the bar in `bar` mode. */
  message(text: string): void;
  /** Ends the display (the bar is finished with a newline); idempotent. Messages after it are plain lines. */
  stop(): void;
}

const RESERVED = new Set(['step', 'epoch', 'loss', 'elapsedSeconds', 'stepsPerSecond']);

/** A number for humans: 4 significant digits, exponent notation for very small or large values. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6)) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/** `42s`, `3m12s`, `2h05m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * One readable progress line, e.g.
 * `step 10/100 (10%) epoch 0 | loss 0.1234567 | lr 0.001 gradNorm 0.5123 | 12.3 steps/s | elapsed 1.2s | eta 7.3s`.
 */
export function formatProgressLine(record: MetricsRecord, totalSteps: number): string {
  const percent = Math.floor((100 * record.step) / totalSteps);
  const extras = Object.entries(record)
    .filter(([name]) => !RESERVED.has(name))
    .map(([name, value]) => `${name} ${formatNumber(value)}`);
  const eta = record.stepsPerSecond > 0 ? (totalSteps - record.step) / record.stepsPerSecond : Number.NaN;
  return [
    `step ${record.step}/${totalSteps} (${percent}%) epoch ${record.epoch}`,
    `loss ${Number.isFinite(record.loss) ? Number(record.loss.toPrecision(7)) : record.loss}`,
    ...(extras.length > 0 ? [extras.join(' ')] : []),
    `${formatNumber(record.stepsPerSecond)} steps/s`,
    `elapsed ${formatDuration(record.elapsedSeconds)}`,
    `eta ${formatDuration(eta)}`,
  ].join(' | ');
}
