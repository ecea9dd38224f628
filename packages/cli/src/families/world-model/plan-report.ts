import type { PlanningEpisodeResult, PlanningEpisodeSummary } from '@jepa/hierarchy';
import { percent, seconds } from '../../report/probe-report.js';
import { formatMarkdownTable } from '../../report/text-table.js';
import type { WorldModelEnvironment } from './world-model-run.js';

/** `plan-report.json` of `jepa plan`. Rates are fractions in [0, 1]; distances world pixels; times seconds. */
export interface PlanReport extends PlanningEpisodeSummary {
  /** Marks the file as a plan report. */
  readonly format: 'jepa-plan-report';
  /** Version of the file format. */
  readonly version: 1;
  /** When the report was written (ISO 8601). */
  readonly createdAt: string;
  /** The environment planned in. */
  readonly env: WorldModelEnvironment;
  /** The checkpoint planned with (the oracle reads only its meta) and its training step. */
  readonly checkpoint: {
    /** The checkpoint's `.json`. */
    readonly path: string;
    /** The training step it was saved at, when known. */
    readonly step: number | null;
    /** Its run folder, when it is in one. */
    readonly runDir: string | null;
  };
  /** `cem`, `mppi` or `oracle`. */
  readonly planner: string;
  /** As the evaluation names it: `cem`, `mppi (oracle)`, ... */
  readonly plannerLabel: string;
  /** The search (`cem`/`mppi`), the horizon and replanning, and every resolved option of the planner. */
  readonly plannerOptions: Readonly<Record<string, unknown>>;
  /** How the episodes were drawn and scored. */
  readonly protocol: {
    /** Seed of the episodes and of the planner's sampling. */
    readonly seed: number;
    /** Index of the first episode. */
    readonly firstEpisode: number;
    /** Actions an episode may take, in words (`200 actions`; Four Rooms: per task, `maxSteps` of each result). */
    readonly budget: string;
    /** An episode succeeds when it ends this close to the goal, world pixels. */
    readonly successDistance: number;
    /** Frame side the model observes (null for the oracle, which observes positions). */
    readonly imageSize: number | null;
  };
  /** Episodes asked for (`--episodes`). */
  readonly requestedEpisodes: number;
  /** Ctrl-C stopped it: `episodes` is fewer than `requestedEpisodes`. */
  readonly stoppedEarly: boolean;
  /** Wall time of the whole command. */
  readonly wallSeconds: number;
  /** The files written beside the report: PNGs of the first episodes, and one animated GIF (of the first drawn episode that succeeded, else the first). */
  readonly pictures: {
    /** The PNG files. */
    readonly png: readonly string[];
    /** The GIF file, or null when no episode was drawn. */
    readonly gif: string | null;
    /** The episode the GIF shows. */
    readonly gifEpisode: number | null;
  };
  /** Every episode, without its path. */
  readonly results: ReadonlyArray<Omit<PlanningEpisodeResult<unknown>, 'path'> & {
    /** The episode's layout in words (wall and door, or the closed door). */
    readonly layoutText: string;
  }>;
}

const ENVIRONMENT_LABELS: Record<string, string> = { 'two-rooms': 'Two Rooms', 'four-rooms': 'Four Rooms' };
const fmt = (value: number, digits = 1) => value.toFixed(digits);
const count = (value: number) => Math.round(value).toLocaleString('en-US');

/** `plan-report.md`: the summary table, the planner, the pictures and every episode. */
export function renderPlanReport(report: PlanReport): string {
  const summary = formatMarkdownTable(
    ['planner', 'episodes', 'success rate', '95 % interval', 'final distance (mean)', 's / episode', 'plans / episode', 'rollout calls / episode', 'predicted steps / episode'],
    [[
      report.plannerLabel,
      String(report.episodes),
      `${percent(report.successRate)} (${report.successes}/${report.episodes})`,
      `${percent(report.ci95[0])} - ${percent(report.ci95[1])}`,
      `${fmt(report.meanFinalDistance)} px`,
      fmt(report.secondsPerEpisode, 2),
      fmt(report.plansPerEpisode),
      fmt(report.rolloutCallsPerEpisode),
      count(report.predictedStepsPerEpisode),
    ]],
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const options = Object.entries(report.plannerOptions).map(([key, value]) => `${key} ${JSON.stringify(value)}`).join(', ');
  const episodes = formatMarkdownTable(
    ['episode', 'result', 'start distance', 'final distance', 'layout', 'actions allowed', 'plans', 's'],
    report.results.map((r) => [String(r.index), r.success ? 'reached' : 'missed', `${fmt(r.startDistance)} px`, `${fmt(r.finalDistance)} px`, r.layoutText, String(r.maxSteps), String(r.plans), fmt(r.seconds, 2)]),
    ['right', 'left', 'right', 'right', 'left', 'right', 'right', 'right'],
  );
  const pictures = [
    ...report.pictures.png.map((name) => `![${name}](${name})`),
    ...(report.pictures.gif ? [`\nEpisode ${report.pictures.gifEpisode}, animated:\n\n![${report.pictures.gif}](${report.pictures.gif})`] : []),
  ].join('\n');
  const checkpoint = `\`${report.checkpoint.path}\` (step ${report.checkpoint.step ?? '?'})`;
  const source =
    report.planner !== 'oracle'
      ? `the world model of ${checkpoint}`
      : report.plannerOptions.oracleCost === 'encoder'
        ? `the true simulator (oracle), scored by the encoder of ${checkpoint} (its predictor is not used)`
        : 'the true simulator (oracle; the checkpoint is not used)';
  return (
    `# Planning in ${ENVIRONMENT_LABELS[report.env] ?? report.env}\n\n` +
    `Planned through ${source}: ${report.episodes} episodes (seed ${report.protocol.seed}), ${report.protocol.budget}; ` +
    `success when the final distance to the goal is below ${report.protocol.successDistance} px. ` +
    `Wall time ${seconds(report.wallSeconds)}.${report.stoppedEarly ? ` Stopped early: ${report.episodes} of ${report.requestedEpisodes} episodes.` : ''}\n\n` +
    `${summary}\n\nPlanner options: ${options}.\n\n` +
    `## Pictures\n\n` +
    (report.pictures.png.length > 0
      ? `Walls dark, start green, goal red inside its success ring, the executed path blue ending in a dark blue dot.\n\n${pictures}\n\n`
      : 'None drawn (--pictures 0).\n\n') +
    `## Episodes\n\n${episodes}\n`
  );
}
