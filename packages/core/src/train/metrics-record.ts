/** One line of `metrics.jsonl`: the step's metrics plus the trainer's bookkeeping. */
export interface MetricsRecord {
  /** 1-based step. */
  step: number;
  /** 0-based epoch of the step. */
  epoch: number;
  /** The step's loss. */
  loss: number;
  /** Training time so far (summed over resumed runs), seconds. */
  elapsedSeconds: number;
  /** Steps per second since the previous line (or since this run started). */
  stepsPerSecond: number;
  /** Everything else `trainStep` returned (`lr`, `gradNorm`, ...) and diagnostics, when computed. */
  [name: string]: number;
}
