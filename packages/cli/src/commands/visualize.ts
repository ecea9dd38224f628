import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { readCheckpointArgument } from '../checkpoints/checkpoint-argument.js';
import { locateCheckpoint } from '../checkpoints/checkpoint-location.js';
import { runCheckpointKind } from '../checkpoints/run-checkpoint.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../cli-context.js';
import { backendOption, startBackend } from '../common-options.js';
import type { ModelFamily, VisualizeFlags, VisualizeRequest } from '../families/model-family.js';
import { familyOfCheckpoint, familyOfKind, unsupportedCommand } from '../families/registry.js';
import { integerAtLeast } from '../option-parsers.js';

const EXAMPLES = `
Examples:
  $ jepa visualize --checkpoint runs/mnist-ijepa --out predictions.png          # a run's own held-out images
  $ jepa visualize --checkpoint runs/mnist-ijepa --count 4 --seed 1 --out other-masks.png
  $ jepa visualize --checkpoint IN1K-vit.h.14-300e.pth.tar --images photos/ --out photos.png   # an official checkpoint

A small MLP (the patch decoder) learns to render each patch from the frozen target encoder's layer-normed token,
the space the predictor predicts; it then renders the target tokens and the predictor's predictions of them.
Columns: the image, the context (other patches dimmed), the target blocks (one colour each), the decoded targets
and the decoded predictions (grey: not a target). Masks are sampled as in training (--seed picks them).`;

const exists = async (path: string) => (await stat(path).catch(() => undefined)) !== undefined;

/** Registers `jepa visualize`. */
export function registerVisualize(program: Command, context: CliContext): Command {
  return program
    .command('visualize')
    .summary('a PNG of what an I-JEPA predictor predicts for held-out images (decoded targets and predictions)')
    .description(
      'Train a small patch decoder on the frozen target encoder of an I-JEPA run or checkpoint, then draw, for held-out images, the image, ' +
        'the context, the target blocks, the decoded target tokens and the decoded predictions side by side.',
    )
    .requiredOption('--checkpoint <path>', "a `jepa train ijepa` run folder (its newest checkpoint), one checkpoint's .json, or an official I-JEPA .pth.tar (with --images)")
    .option('--images <folder>', "a folder of <class>/<image> files to draw from (default: the run's own held-out images; needed for official checkpoints)")
    .option('--count <n>', 'held-out images drawn, one per row', integerAtLeast(1), 8)
    .option('--decoder-steps <n>', 'updates of the patch decoder (default 1500)', integerAtLeast(1))
    .option('--seed <n>', 'seed of the decoder and of the masks', integerAtLeast(0), 0)
    .option('--num-heads <n>', 'official checkpoints: attention heads, when the file matches no preset and does not record them', integerAtLeast(1))
    .option('--skip-corrupt', '--images: skip files that fail to decode')
    .requiredOption('--out <file.png>', 'the PNG to write')
    .addOption(backendOption())
    .addHelpText('after', EXAMPLES)
    .action(async (flags: VisualizeFlags) => {
      await visualize(flags, context);
    });
}

/**
 * `jepa visualize`: finds the checkpoint (a run's, by the kind its manifest records, or a file by
 * what it holds) and hands it to its model family, which refuses it when it draws no predictions.
 */
export async function visualize(flags: VisualizeFlags, context: CliContext): Promise<void> {
  const { io } = context;
  const out = resolve(io.cwd, flags.out);
  if (!out.toLowerCase().endsWith('.png')) throw new CliError(`--out ${out}: the picture is written as PNG; give the file a .png name.`);
  if (!(await exists(dirname(out)))) throw new CliError(`--out ${out}: the folder ${dirname(out)} does not exist; create it first.`);
  const absolute = resolve(io.cwd, flags.checkpoint);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) {
    throw new CliError(`--checkpoint ${absolute}: no such file or folder. Pass a run folder written by \`jepa train ijepa\`, a checkpoint's .json, or an official I-JEPA .pth.tar.`);
  }
  // A run checkpoint is a folder, a .json, or a .safetensors with its .json beside it; anything else is a checkpoint file read whole.
  const isRun = info.isDirectory() || absolute.endsWith('.json') || (absolute.endsWith('.safetensors') && (await exists(join(dirname(absolute), `${basename(absolute, '.safetensors')}.json`))));
  let family: ModelFamily;
  let source: VisualizeRequest['source'];
  if (isRun) {
    const location = await locateCheckpoint(absolute, io.cwd);
    family = familyOfKind(await runCheckpointKind(location), `--checkpoint ${join(location.dir, `${location.name}.json`)}`);
    source = { run: location };
  } else {
    const file = await readCheckpointArgument(absolute, io.cwd, '--checkpoint', { only: ['encoder', 'predictor', 'target_encoder'] });
    family = familyOfCheckpoint(file);
    source = { file };
  }
  if (!family.visualize) throw unsupportedCommand(family, 'jepa visualize', flags.checkpoint, 'it draws what an I-JEPA predictor predicts from image patches');
  await startBackend(flags.backend, io);
  await family.visualize({ source, out, flags }, context);
}
