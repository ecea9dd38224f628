import type { MetricsRecord } from '@jepa/core';
import type { WorldModelTrainingConfig } from '@jepa/hierarchy';
import { seconds } from '../../report/probe-report.js';
import { formatMarkdownTable } from '../../report/text-table.js';
import { describeWorldModelConfig, type WorldModelDataSpec } from './world-model-run.js';

/** The collapse diagnostic of the encoder, from the last `metrics.jsonl` line that has one. */
export interface WorldModelCollapse {
  readonly step: number;
  /** Mean over latent dimensions of the per-dimension std over the probe frames. */
  readonly featureStdMean: number;
  readonly featureStdMin: number;
  /** Effective rank of the probe latents (out of the latent width). */
  readonly effectiveRank: number;
}

/** `report.json` of a `jepa train world-model` run. Times in seconds. */
export interface WorldModelRunReport {
  /** Marks the file as a world-model run report. */
  readonly format: 'jepa-world-model-run-report';
  /** Version of the file format. */
  readonly version: 1;
  /** When the report was written (ISO 8601). */
  readonly createdAt: string;
  /** The run folder. */
  readonly runDir: string;
  /** The tfjs backend this invocation ran on. */
  readonly backend: string;
  /** The offline data. */
  readonly data: WorldModelDataSpec & {
    /** Actions per trajectory. */
    readonly actionsPerTrajectory: number;
    /** Whether this invocation generated the data (else it was read from the run folder). */
    readonly generatedThisRun: boolean;
  };
  /** The architecture, in words and in parameters per module. */
  readonly model: WorldModelTrainingConfig['model'] & {
    /** One line describing the model. */
    readonly description: string;
    /** Parameters of each module (`encoder`, `predictor`, `inverse_dynamics`). */
    readonly parameters: Readonly<Record<string, number>>;
  };
  /** What the training did. */
  readonly training: {
    /** Steps completed in all (including those before a resume). */
    readonly steps: number;
    /** Steps this invocation ran. */
    readonly stepsThisRun: number;
    /** The step it resumed from, or null for a fresh run. */
    readonly resumedFromStep: number | null;
    /** Windows per update. */
    readonly batchSize: number;
    /** Frames per window. */
    readonly windowLength: number;
    /** Wall time of this invocation's training. */
    readonly wallSeconds: number;
    /** Mean seconds per update of this invocation. */
    readonly secondsPerStep: number;
    /** Training time summed over every invocation of the run (from the trainer). */
    readonly totalTrainingSeconds: number;
    /** The loss of the last update, or null when no update ran. */
    readonly finalLoss: number | null;
    /** Each unweighted part of the loss at the last logged step (`prediction`, `variance`, ...), and its weight. */
    readonly lossParts: ReadonlyArray<{
      /** The part's name. */
      readonly name: string;
      /** Its unweighted value. */
      readonly value: number;
      /** Its weight in the loss, or null when the config gives none. */
      readonly weight: number | null;
    }>;
    /** The last checkpoint's `.json`, relative to the run folder, or null when none was written. */
    readonly checkpoint: string | null;
  };
  /** The last collapse diagnostic of the encoder, or null when none was logged. */
  readonly collapse: WorldModelCollapse | null;
  /** The command that plans with this run. */
  readonly next: string;
}

/** Fields of a metrics line that are not parts of the loss. */
const NOT_LOSS_PARTS = new Set(['step', 'epoch', 'loss', 'elapsedSeconds', 'stepsPerSecond', 'gradNorm', 'lr', 'featureStdMean', 'featureStdMin', 'effectiveRank']);

/** The weight of a loss part in `config.loss` (`prediction` 1, regularisers their weight, `inverseDynamics` its weight). */
function partWeight(name: string, config: WorldModelTrainingConfig): number | null {
  if (name === 'prediction') return 1;
  if (name === 'inverseDynamics') return config.loss.inverseDynamicsWeight;
  const term = (config.loss.regularizers as Record<string, { weight?: number } | undefined>)[name];
  return typeof term?.weight === 'number' ? term.weight : null;
}

/** Each loss part of the last metrics line, with its weight. */
export function lossParts(last: MetricsRecord | undefined, config: WorldModelTrainingConfig): WorldModelRunReport['training']['lossParts'] {
  if (!last) return [];
  return Object.entries(last)
    .filter(([name, value]) => !NOT_LOSS_PARTS.has(name) && typeof value === 'number')
    .map(([name, value]) => ({ name, value, weight: partWeight(name, config) }));
}

/** The collapse diagnostic of the last metrics line that carries one. */
export function lastCollapse(metrics: readonly MetricsRecord[]): WorldModelCollapse | null {
  for (let i = metrics.length - 1; i >= 0; i--) {
    const m = metrics[i]!;
    if (typeof m.effectiveRank === 'number') return { step: m.step, featureStdMean: m.featureStdMean!, featureStdMin: m.featureStdMin!, effectiveRank: m.effectiveRank };
  }
  return null;
}

const num = (value: number) => (Math.abs(value) >= 1e-3 || value === 0 ? value.toFixed(4) : value.toExponential(3));

/** The collapse line in words. */
function collapseSentence(collapse: WorldModelCollapse | null, latentDim: number): string {
  if (!collapse) return 'no collapse diagnostic was logged';
  return `effective rank ${collapse.effectiveRank.toFixed(1)} of ${latentDim}, per-dimension std mean ${collapse.featureStdMean.toPrecision(3)} (min ${collapse.featureStdMin.toPrecision(3)}) at step ${collapse.step}`;
}

/** `report.md` of a world-model run. */
export function renderWorldModelReport(report: WorldModelRunReport): string {
  const t = report.training;
  const parts = formatMarkdownTable(
    ['loss part', 'value (unweighted)', 'weight'],
    t.lossParts.map((p) => [p.name, num(p.value), p.weight === null ? '-' : String(p.weight)]),
    ['left', 'right', 'right'],
  );
  const parameters = Object.entries(report.model.parameters).map(([name, n]) => `${name} ${n.toLocaleString('en-US')}`).join(', ');
  return (
    `# World model run (${report.data.env})\n\n` +
    `- data: ${report.data.trajectories.toLocaleString('en-US')} offline trajectories of ${report.data.actionsPerTrajectory} actions (seed ${report.data.seed}), \`${report.data.file}\`\n` +
    `- model: ${report.model.description}\n` +
    `- parameters: ${parameters}\n` +
    `- training: ${t.steps} steps of ${t.batchSize} windows of ${t.windowLength} frames; ${seconds(t.wallSeconds)} this run (${t.secondsPerStep} s/step), ${seconds(t.totalTrainingSeconds)} in all` +
    `${t.resumedFromStep !== null ? `, resumed from step ${t.resumedFromStep}` : ''}\n` +
    `- final loss: ${t.finalLoss === null ? '-' : num(t.finalLoss)}\n` +
    `- collapse diagnostic: ${collapseSentence(report.collapse, report.model.encoder.latentDim)}\n\n` +
    `${parts}\n\n![loss](loss.png)\n\nNext, plan with it:\n\n\`\`\`sh\n${report.next}\n\`\`\`\n`
  );
}

/** The short summary printed at the end of `jepa train world-model`. */
export function formatWorldModelSummary(report: WorldModelRunReport): string {
  const t = report.training;
  const parts = t.lossParts.map((p) => `${p.name} ${num(p.value)}`).join(', ');
  return (
    `world model trained: ${t.steps} steps, ${seconds(t.wallSeconds)} this run (${t.secondsPerStep} s/step); ` +
    `final loss ${t.finalLoss === null ? '-' : num(t.finalLoss)}${parts ? ` (${parts})` : ''}\n` +
    `collapse diagnostic: ${collapseSentence(report.collapse, report.model.encoder.latentDim)}\n` +
    `report: ${report.runDir}/report.md\n` +
    `next: ${report.next}\n`
  );
}
