import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { initBackend, type BackendChoice } from '@jepa/core';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../cli-context.js';
import { loadIJepaCheckpoint, locateCheckpoint } from '../ijepa-checkpoint.js';
import { evaluateIJepa, protocolSentence } from '../ijepa-evaluation.js';
import { IJEPA_EVALUATION_DEFAULTS } from '@jepa/vision';
import { integerAtLeast, numberIn } from '../option-parsers.js';
import { readRunConfig } from '../run-config.js';
import { loadRunData, resolveDatasetPath, type DataSpec } from '../run-data.js';
import { formatProbeTable, seconds, writeProbeReport } from '../run-report.js';
import { checkpointKind } from '../vjepa-checkpoint.js';
import type { MovingMnistTask } from '../vjepa-run-data.js';
import { evalProbeVJepa } from './eval-probe-vjepa.js';
import { BACKEND_CHOICES } from './train-ijepa.js';

/** The flags of `jepa eval probe`. */
export interface EvalProbeFlags {
  checkpoint: string;
  encoder: 'target' | 'context';
  dataset?: string;
  shots: number;
  draws: number;
  full?: boolean;
  baselines?: boolean;
  trainLimit?: number;
  evalLimit?: number;
  heldOutFraction?: number;
  skipCorrupt?: boolean;
  /** Default 0 (I-JEPA), the run's seed (V-JEPA). */
  seed?: number;
  /** V-JEPA on Moving MNIST: the label probed. */
  task?: MovingMnistTask;
  backend?: BackendChoice;
  out?: string;
}

const EXAMPLES = `
Examples:
  $ jepa eval probe --checkpoint runs/mnist                     # newest checkpoint of a run folder
  $ jepa eval probe --checkpoint runs/mnist/checkpoints/step-000200.json --no-full
  $ jepa eval probe --checkpoint runs/mnist --baselines --out runs/mnist/probe.json
  $ jepa eval probe --checkpoint runs/photos --dataset other-photos/ --shots 5 --draws 10
  $ jepa eval probe --checkpoint runs/mm --baselines                 # a \`jepa train vjepa\` run: its probe table again
  $ jepa eval probe --checkpoint runs/mm --task direction            # Moving MNIST: probe the motion direction instead
  $ jepa eval probe --checkpoint runs/mm --dataset videos/index.csv --train-limit 400 --eval-limit 100

The data default to the run's (its config.json); the model is rebuilt from the config saved in the
checkpoint and its weights are loaded strictly: any missing, unexpected or mis-shaped key is listed.
V-JEPA runs (\`jepa train vjepa\`) are probed on their clips as at the end of training: Moving MNIST from the
run's data/train and data/test (--task digit: digits.csv, --task direction: directions.csv), or an index
of videos where the first --train-limit clips train and the next --eval-limit score (default: the run's counts).`;

/** Adds `probe` to the `eval` command group. */
export function registerEvalProbe(group: Command, context: CliContext): Command {
  return group
    .command('probe')
    .summary('linear-probe the frozen encoder of an I-JEPA or V-JEPA run checkpoint (low-shot and full-label)')
    .description(
      'Load a checkpoint written by `jepa train ijepa` or `jepa train vjepa`, extract average-pooled features of the train and held-out ' +
        'images (or clips) with its frozen encoder, and measure how well linear probes read the labels from them.',
    )
    .requiredOption('--checkpoint <path>', "a run folder (its newest checkpoint), its checkpoints/ folder, or one checkpoint's .json")
    .addOption(new Option('--encoder <which>', 'encoder to probe').choices(['target', 'context']).default('target'))
    .option('--dataset <mnist|folder|index>', "images (I-JEPA: mnist or a folder) or videos (V-JEPA: a Moving MNIST folder with train/ and test/, a folder with digits.csv/index.csv, or an index file) to probe on (default: the run's dataset, else mnist)")
    .addOption(new Option('--task <label>', 'V-JEPA on Moving MNIST: the label to probe (default digit)').choices(['digit', 'direction']))
    .option('--shots <n>', 'labelled train images per class in each low-shot draw', integerAtLeast(1), IJEPA_EVALUATION_DEFAULTS.shotsPerClass)
    .option('--draws <n>', 'low-shot draws (mean ± std over them)', integerAtLeast(1), IJEPA_EVALUATION_DEFAULTS.draws)
    .option('--full', 'also train the full-label probe on every train image (default)')
    .option('--no-full', 'low-shot probe only')
    .option('--baselines', 'also probe a random-weight encoder of the same architecture and raw pixels')
    .option('--train-limit <n>', 'probe-train on only this many train images (class-balanced); V-JEPA: train clips (the first n)', integerAtLeast(1))
    .option('--eval-limit <n>', 'score on only this many held-out images (class-balanced); V-JEPA: test clips (the next n)', integerAtLeast(1))
    .option('--held-out-fraction <x>', `image folders: fraction of each class held out (default ${IJEPA_EVALUATION_DEFAULTS.folderHeldOutFraction})`, numberIn(0, 0.9))
    .option('--skip-corrupt', 'image folders and videos: skip files that fail to decode')
    .option('--seed <n>', "seed of the low-shot draws and probe training (default 0; V-JEPA: the run's seed, as train vjepa)", integerAtLeast(0))
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (default: $JEPA_BACKEND, else auto)').choices(BACKEND_CHOICES))
    .option('--out <file>', 'also write the results as JSON to this file')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: EvalProbeFlags) => {
      await evalProbe(flags, context);
    });
}

/** `jepa eval probe`. */
export async function evalProbe(flags: EvalProbeFlags, context: CliContext): Promise<void> {
  const { io } = context;
  const log = io.stderr;
  const location = await locateCheckpoint(flags.checkpoint, io.cwd);
  const vjepa = (await checkpointKind(location)) === 'vjepa';
  const run = location.runDir && !vjepa ? await readRunConfig(location.runDir).catch(() => undefined) : undefined;
  try {
    await initBackend({ backend: flags.backend, env: io.env });
  } catch (error) {
    throw new CliError(`${(error as Error).message} (--backend ${flags.backend ?? io.env.JEPA_BACKEND ?? 'auto'})`);
  }
  if (vjepa) {
    await evalProbeVJepa(location, flags, context);
    return;
  }
  if (flags.task !== undefined) throw new CliError('--task chooses the label of a V-JEPA Moving MNIST run; this is an I-JEPA checkpoint. Leave --task out.');
  const started = performance.now();
  const { model, config, step, tensorsPath } = await loadIJepaCheckpoint(location);
  try {
    log.write(`loaded ${tensorsPath}${step === undefined ? '' : ` (step ${step})`}\n`);
    const spec: DataSpec = {
      dataset: flags.dataset === undefined ? run?.data.dataset ?? 'mnist' : resolveDatasetPath(flags.dataset, io.cwd),
      imageSize: config.model.imageSize,
      channels: config.model.inChannels,
      trainLimit: flags.trainLimit ?? run?.data.trainLimit,
      evalLimit: flags.evalLimit ?? run?.data.evalLimit,
      heldOutFraction: flags.heldOutFraction ?? run?.data.heldOutFraction ?? IJEPA_EVALUATION_DEFAULTS.folderHeldOutFraction,
      skipCorrupt: flags.skipCorrupt ?? run?.data.skipCorrupt ?? false,
    };
    const data = await loadRunData(spec, log);
    const full = flags.full !== false;
    const encoder = flags.encoder === 'context' ? model.contextEncoder : model.targetEncoder;
    const rows = await evaluateIJepa(encoder, config, data, {
      shotsPerClass: flags.shots,
      draws: flags.draws,
      full,
      seed: flags.seed ?? 0,
      baselines: flags.baselines === true,
      label: `I-JEPA ${flags.encoder} encoder`,
      log,
    });
    const wallSeconds = (performance.now() - started) / 1000;
    io.stdout.write(
      `\ncheckpoint ${tensorsPath}${step === undefined ? '' : ` (step ${step})`}\n` +
        `data       ${data.summary.source}: probes trained on ${data.train.count} images, scored on ${data.heldOut.count} held-out images\n\n` +
        `${formatProbeTable(rows, flags.shots, flags.draws)}\n\n` +
        `${protocolSentence({ shotsPerClass: flags.shots, draws: flags.draws, full })} Took ${seconds(wallSeconds)}.\n`,
    );
    if (flags.out !== undefined) {
      await writeProbeReport(flags.out, io.cwd, {
        checkpoint: tensorsPath,
        step: step ?? null,
        encoder: flags.encoder,
        data: data.summary,
        shotsPerClass: flags.shots,
        draws: flags.draws,
        full,
        protocol: protocolSentence({ shotsPerClass: flags.shots, draws: flags.draws, full }),
        rows,
        wallSeconds,
      }, log);
    }
  } finally {
    model.dispose();
  }
}
