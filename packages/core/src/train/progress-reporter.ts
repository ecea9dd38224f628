import { createRequire } from 'node:module';
import type { MetricsRecord } from './metrics-record.js';
import { formatNumber, formatProgressLine, type ProgressMode, type ProgressReporter, type ProgressStream } from './progress-format.js';

/** The progress displays of Node's `train` (Node only; `@jepa/core/node`): a cli-progress bar, or lines. */

/** Picks the display for `mode` on `stream` (`auto`: a bar on a TTY, lines otherwise). */
export function createProgressReporter(mode: ProgressMode, stream: ProgressStream): ProgressReporter {
  const resolved = mode === 'auto' ? (stream.isTTY === true ? 'bar' : 'lines') : mode;
  if (resolved === 'none') return new SilentReporter();
  if (resolved === 'lines') return new LinesReporter(stream);
  return new BarReporter(stream);
}

class SilentReporter implements ProgressReporter {
  readonly mode = 'none' as const;
  start(): void {}
  step(): void {}
  message(): void {}
  stop(): void {}
}

class LinesReporter implements ProgressReporter {
  readonly mode = 'lines' as const;
  private totalSteps = 0;
  constructor(private readonly stream: ProgressStream) {}
  start(_startStep: number, totalSteps: number): void {
    this.totalSteps = totalSteps;
  }
  step(record: MetricsRecord, logged: boolean): void {
    if (logged) this.stream.write(`${formatProgressLine(record, this.totalSteps)}\n`);
  }
  message(text: string): void {
    this.stream.write(`[train] ${text}\n`);
  }
  stop(): void {}
}

/** The part of cli-progress's SingleBar used here (the package ships no types). */
interface SingleBar {
  start(total: number, startValue: number, payload?: Record<string, unknown>): void;
  update(value: number, payload?: Record<string, unknown>): void;
  stop(): void;
}
interface CliProgress {
  SingleBar: new (options: Record<string, unknown>) => SingleBar;
}

/** `require` that works in the ESM sources and in a CommonJS bundle (cli-progress is CommonJS). */
function localRequire(): NodeRequire {
  const url = (import.meta as { url?: string }).url;
  return createRequire(url ?? __filename);
}

class BarReporter implements ProgressReporter {
  readonly mode = 'bar' as const;
  private bar: SingleBar | undefined;
  private payload: Record<string, string> = { loss: '-', rate: '-', note: '' };
  constructor(private readonly stream: ProgressStream) {}

  start(startStep: number, totalSteps: number): void {
    const { SingleBar } = localRequire()('cli-progress') as CliProgress;
    this.bar = new SingleBar({
      stream: this.stream,
      format: 'train |{bar}| {percentage}% | step {value}/{total} | loss {loss} | {rate} steps/s | eta {eta_formatted} {note}',
      barCompleteChar: '\u2588',
      barIncompleteChar: '\u2591',
      hideCursor: false,
      // Keep the bar visible even when the stream is not a terminal (progress: 'bar' forced).
      noTTYOutput: true,
      notTTYSchedule: 10_000,
      etaBuffer: 50,
    });
    this.bar.start(totalSteps, startStep, this.payload);
  }

  step(record: MetricsRecord): void {
    this.payload = { ...this.payload, loss: String(Number(record.loss.toPrecision(5))), rate: formatNumber(record.stepsPerSecond) };
    this.bar?.update(record.step, this.payload);
  }

  message(text: string): void {
    if (this.bar) {
      this.payload = { ...this.payload, note: `| ${text}` };
      this.bar.update((this.bar as unknown as { value: number }).value, this.payload);
    } else {
      this.stream.write(`[train] ${text}\n`);
    }
  }

  stop(): void {
    const bar = this.bar;
    this.bar = undefined;
    bar?.stop();
  }
}
