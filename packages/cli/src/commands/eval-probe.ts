import { Option, type Command } from 'commander';
import { IJEPA_EVALUATION_DEFAULTS } from '@jepa/vision';
import { locateCheckpoint } from '../checkpoints/checkpoint-location.js';
import { runCheckpointKind } from '../checkpoints/run-checkpoint.js';
import type { CliContext } from '../cli-context.js';
import { backendOption, startBackend } from '../common-options.js';
import type { EvalProbeFlags } from '../families/model-family.js';
import { familyOfKind, unsupportedCommand } from '../families/registry.js';
import { integerAtLeast, numberIn } from '../option-parsers.js';

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
    .addOption(backendOption())
    .option('--out <file>', 'also write the results as JSON to this file')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: EvalProbeFlags) => {
      await evalProbe(flags, context);
    });
}

/**
 * `jepa eval probe`: finds the checkpoint, reads the run kind its manifest records, and hands it to
 * that model family (which rebuilds the model strictly and runs its probes).
 */
export async function evalProbe(flags: EvalProbeFlags, context: CliContext): Promise<void> {
  const location = await locateCheckpoint(flags.checkpoint, context.io.cwd);
  const family = familyOfKind(await runCheckpointKind(location), `--checkpoint ${location.dir}/${location.name}.json`);
  if (!family.evalProbe) throw unsupportedCommand(family, 'jepa eval probe', flags.checkpoint, 'it probes the frozen encoder of an I-JEPA or V-JEPA run with labelled images or clips');
  await startBackend(flags.backend, context.io);
  await family.evalProbe(location, flags, context);
}
