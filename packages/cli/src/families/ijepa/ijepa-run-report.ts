import { PREDICTION_FIGURE_CAPTION } from '@jepa/vision';
import { percent, seconds } from '../../report/probe-report.js';
import { formatMarkdownTable, formatTextTable, type Align } from '../../report/text-table.js';
import type { DataSummary } from './image-run-data.js';
import type { ProbeRow } from './probe-suite.js';
import type { PredictionPictureSummary } from './prediction-picture-summary.js';

/** Facts about the trained model recorded in the report. */
export interface ModelSummary {
  /** Side of the square input images, in pixels. */
  readonly imageSize: number;
  /** Side of a patch, in pixels. */
  readonly patchSize: number;
  /** Channels of the input images. */
  readonly inChannels: number;
  /** The encoder's sizes. */
  readonly encoder: {
    /** Token width. */
    readonly embedDim: number;
    /** Transformer blocks. */
    readonly depth: number;
    /** Attention heads. */
    readonly numHeads: number;
  };
  /** The predictor's sizes. */
  readonly predictor: {
    /** Token width. */
    readonly embedDim: number;
    /** Transformer blocks. */
    readonly depth: number;
    /** Attention heads. */
    readonly numHeads: number;
  };
  /** Parameters of one encoder (the context and target encoders have the same). */
  readonly encoderParameters: number;
  /** Parameters of the predictor. */
  readonly predictorParameters: number;
}

/** `report.json` of a `jepa train ijepa` run. Accuracies are fractions in [0, 1]; times in seconds. */
export interface RunReport {
  /** Marks the file as an I-JEPA run report. */
  readonly format: 'jepa-run-report';
  /** Version of the file format. */
  readonly version: 1;
  /** When the report was written (ISO 8601). */
  readonly createdAt: string;
  /** The run folder. */
  readonly runDir: string;
  /** The backend this invocation ran on. */
  readonly backend: {
    /** The tfjs backend that ran (`tensorflow`, `wasm`, `cpu`, ...). */
    readonly backend: string;
    /** What was asked for (`--backend`, `JEPA_BACKEND`, or `auto`). */
    readonly requested: string;
    /** The package that provided it. */
    readonly provider: string;
  };
  /** The trained model's sizes. */
  readonly model: ModelSummary;
  /** The images trained and probed on. */
  readonly data: DataSummary;
  /** What the training did. */
  readonly training: {
    /** Steps completed in all (including those before a resume). */
    readonly steps: number;
    /** Steps this invocation ran. */
    readonly stepsThisRun: number;
    /** The step it resumed from, or null for a fresh run. */
    readonly resumedFromStep: number | null;
    /** Images per update. */
    readonly batchSize: number;
    /** The loss of the last update, or null when no update ran. */
    readonly finalLoss: number | null;
    /** Wall time of this invocation's training. */
    readonly wallSeconds: number;
    /** Training time summed over every invocation of the run (from the trainer). */
    readonly totalTrainingSeconds: number;
    /** Updates per second of this invocation. */
    readonly stepsPerSecond: number;
    /** The last checkpoint's `.json`, relative to the run folder, or null when none was written. */
    readonly checkpoint: string | null;
  };
  /** Null with `--no-eval`. */
  readonly evaluation: {
    /** Wall time of the evaluation. */
    readonly wallSeconds: number;
    /** Labelled images per class in each low-shot draw. */
    readonly shotsPerClass: number;
    /** Low-shot draws. */
    readonly draws: number;
    /** Whether the full-label probe was trained too. */
    readonly full: boolean;
    /** The protocol in one sentence. */
    readonly protocol: string;
    /** The I-JEPA target encoder, then the baselines. */
    readonly rows: readonly ProbeRow[];
  } | null;
  /** Collapse diagnostics of the trained target encoder's features on the held-out images (null with `--no-eval`). */
  readonly collapse: ProbeRow['collapse'] | null;
  /** The picture of predictions in the run folder (null with `--no-visualize`; absent in reports written before it existed). */
  readonly predictions?: (Omit<PredictionPictureSummary, 'file'> & {
    /** Relative to the run folder. */
    readonly file: string;
  }) | null;
}

const PROBE_ALIGN: Align[] = ['left', 'right', 'right', 'right', 'right', 'right'];

/** Header and rows of the probe table (shared by the terminal summary, report.md and `eval probe`). */
export function probeTable(rows: readonly ProbeRow[], shotsPerClass: number, draws: number): { header: string[]; cells: string[][] } {
  const header = ['features', 'dim', `low-shot (${shotsPerClass}/class, ${draws} draws)`, 'full-label', 'eff. rank', 'feature std'];
  const cells = rows.map((row) => [
    row.label,
    String(row.dim),
    `${percent(row.lowShot.mean)} ± ${(100 * row.lowShot.std).toFixed(1)}`,
    row.full ? percent(row.full.accuracy) : '-',
    row.collapse.effectiveRank.toFixed(1),
    row.collapse.featureStdMean.toPrecision(3),
  ]);
  return { header, cells };
}

/** The probe table as terminal text. */
export function formatProbeTable(rows: readonly ProbeRow[], shotsPerClass: number, draws: number): string {
  const { header, cells } = probeTable(rows, shotsPerClass, draws);
  return formatTextTable(header, cells, PROBE_ALIGN);
}

/** The short summary printed at the end of `jepa train ijepa`. */
export function formatRunSummary(report: RunReport): string {
  const t = report.training;
  const lines = [
    '',
    `run        ${report.runDir}`,
    `backend    ${report.backend.backend} (${report.backend.provider})`,
    `training   ${t.steps} steps of ${t.batchSize} images in ${seconds(t.wallSeconds)}` +
      (t.resumedFromStep !== null ? ` (resumed at step ${t.resumedFromStep}; ${seconds(t.totalTrainingSeconds)} in all)` : '') +
      `, final loss ${t.finalLoss === null ? '-' : t.finalLoss.toPrecision(5)}`,
  ];
  const e = report.evaluation;
  if (e) {
    lines.push(`evaluation ${seconds(e.wallSeconds)} on ${report.data.heldOutImages} held-out images (probes trained on ${report.data.trainImages})`);
    lines.push('', formatProbeTable(e.rows, e.shotsPerClass, e.draws));
  } else {
    lines.push('evaluation skipped (--no-eval)');
  }
  const p = report.predictions;
  if (p) lines.push('', `predictions ${report.runDir}/${p.file} (patch decoder MSE ${p.decoderMse.toPrecision(3)} vs ${p.meanPatchMse.toPrecision(3)} for the mean patch; ${seconds(p.seconds)})`);
  lines.push('', `report     ${report.runDir}/report.md`);
  return `${lines.join('\n')}\n`;
}

/** `report.md`: the same facts as `report.json`, for people. */
export function renderReportMarkdown(report: RunReport): string {
  const t = report.training;
  const m = report.model;
  const d = report.data;
  const e = report.evaluation;
  const out: string[] = [];
  out.push(`# I-JEPA run report`, '');
  out.push(`Run folder \`${report.runDir}\`, written ${report.createdAt}. Every number below was measured by this run.`, '');
  out.push('## Setup', '');
  out.push(
    formatMarkdownTable(
      ['', ''],
      [
        ['backend', `${report.backend.backend} (${report.backend.provider}; asked for ${report.backend.requested})`],
        ['data', `${d.kind === 'mnist' ? 'MNIST (embedded)' : `image folder \`${d.source}\``}, ${d.imageSize} x ${d.imageSize} x ${d.channels}, ${d.classNames.length} classes`],
        ['train / held-out images', `${d.trainImages} / ${d.heldOutImages} (held out: ${d.split})`],
        ...(d.kind === 'folder' ? [['corrupt files skipped', String(d.skippedCorrupt)]] : []),
        ['encoder', `ViT ${m.encoder.embedDim} wide, ${m.encoder.depth} deep, ${m.encoder.numHeads} heads, patch ${m.patchSize} (${(m.imageSize / m.patchSize) ** 2} tokens); ${m.encoderParameters.toLocaleString('en-US')} parameters`],
        ['predictor', `${m.predictor.embedDim} wide, ${m.predictor.depth} deep, ${m.predictor.numHeads} heads; ${m.predictorParameters.toLocaleString('en-US')} parameters`],
      ],
    ),
    '',
  );
  out.push('## Training', '');
  out.push(
    formatMarkdownTable(
      ['steps', 'batch', 'final loss', 'wall time', 'steps/s', 'resumed from'],
      [[
        String(t.steps),
        String(t.batchSize),
        t.finalLoss === null ? '-' : t.finalLoss.toPrecision(5),
        seconds(t.wallSeconds) + (t.resumedFromStep !== null ? ` (this invocation; ${seconds(t.totalTrainingSeconds)} in all)` : ''),
        t.stepsPerSecond.toPrecision(3),
        t.resumedFromStep === null ? '-' : `step ${t.resumedFromStep}`,
      ]],
      ['right', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
    '![training loss](loss.png)',
    '',
  );
  out.push('## Evaluation', '');
  if (!e) {
    out.push('Skipped (`--no-eval`). Run `jepa eval probe --checkpoint <this folder>` to evaluate later.', '');
  } else {
    out.push(`${e.protocol} Evaluation took ${seconds(e.wallSeconds)}.`, '');
    const { header, cells } = probeTable(e.rows, e.shotsPerClass, e.draws);
    out.push(formatMarkdownTable(header, cells, PROBE_ALIGN), '');
    out.push('Low-shot accuracy is the mean ± standard deviation over the draws; eff. rank is the RankMe effective rank of the held-out features (between 1 and their dim) and feature std their mean per-dimension standard deviation; an effective rank near 1 or a std near 0 means collapsed features.', '');
    out.push('Low-shot accuracy of each draw:', '');
    for (const row of e.rows) out.push(`- ${row.label}: ${row.lowShot.accuracies.map((a) => percent(a)).join(', ')}`);
    out.push('');
  }
  const p = report.predictions;
  if (p) {
    out.push('## What the predictor predicts', '');
    out.push(
      `${PREDICTION_FIGURE_CAPTION} The renderer is a small MLP trained for ${p.decoderSteps} steps on the frozen target encoder's tokens ` +
        `of train images (MSE ${p.decoderMse.toPrecision(3)} in normalised pixel units, against ${p.meanPatchMse.toPrecision(3)} for the mean patch; ${seconds(p.seconds)}).`,
      '',
      `![predictions](${p.file})`,
      '',
    );
  }
  if (d.skippedFiles.length > 0) {
    out.push('## Skipped files', '');
    for (const f of d.skippedFiles.slice(0, 50)) out.push(`- \`${f.path}\`: ${f.reason}`);
    if (d.skippedFiles.length > 50) out.push(`- ... and ${d.skippedFiles.length - 50} more (see report.json)`);
    out.push('');
  }
  return out.join('\n');
}
