import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { readCheckpointArgument } from '../checkpoints/checkpoint-argument.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../cli-context.js';
import { backendOption, progressOption, startBackend } from '../common-options.js';
import type { EmbedFlags } from '../families/model-family.js';
import { familyOfCheckpoint, familyOfInputFile, inputFileNouns, MODEL_FAMILIES, unsupportedCommand } from '../families/registry.js';
import { integerAtLeast, numberIn } from '../option-parsers.js';
import { refuseNonFiniteWeights } from '../checkpoints/finite-weights.js';

import { refuseForeignFeaturesOutputs } from '../report/features-file.js';

export { FEATURES_FORMAT } from '../report/features-file.js';

const EXAMPLES = `
Examples:
  $ jepa embed --checkpoint IN1K-vit.h.14-300e.pth.tar --input photos/ --out features.safetensors
  $ jepa embed --checkpoint ../shared/fixtures/ijepa-tiny/checkpoint.pth.tar --num-heads 3 --input photos/ --out tiny.safetensors
  $ jepa embed --checkpoint runs/photos --input batch.safetensors --out features.safetensors --encoder context
  $ jepa embed --checkpoint vitl16.pth.tar --input videos/ --out video-features.safetensors --frame-step 4 --num-clips 2
  $ jepa embed --checkpoint runs/mm --input runs/mm/data/test/videos --out mm-test.safetensors
  $ jepa embed --checkpoint ../shared/fixtures/vjepa-tiny/checkpoint.pth.tar --num-heads 3 --input clips.safetensors --out clips-features.safetensors

${MODEL_FAMILIES.flatMap((family) => (family.embedHelp ? [family.embedHelp.text] : [])).join('\n\n')}

The output holds 'features' [n, D] (float32, the encoder's tokens averaged, as the I-JEPA evaluation does; for
video over the whole tubelet grid); the names are in its metadata ("files", JSON) and in a sidecar <out>.json.`;

/** Registers `jepa embed`. */
export function registerEmbed(program: Command, context: CliContext): Command {
  return program
    .command('embed')
    .summary('average-pooled encoder features of images or videos (or a preprocessed tensor), as safetensors')
    .description(
      'Run the frozen encoder of a checkpoint (an official I-JEPA or V-JEPA .pth.tar, a bare encoder state dict, an export, or a run of this ' +
        'library) over every image of a folder, every video of a folder (or one video), or an already preprocessed images/clips tensor, ' +
        'and write the average-pooled features.',
    )
    .requiredOption('--checkpoint <file>', '.pth.tar / .pth / .safetensors checkpoint, a run folder, or a run checkpoint\'s .json')
    .requiredOption(
      '--input <dir|file>',
      "a folder of images (I-JEPA) or videos (V-JEPA), a video file, or a .safetensors file with an 'images' [B, C, H, W] or 'clips' [B, C, T, H, W] tensor (preprocessed)",
    )
    .requiredOption('--out <file>', 'the .safetensors file to write, with its sidecar <name>.json; an earlier jepa embed output there is replaced, any other file is refused')
    .option('--num-heads <n>', 'encoder attention heads, when the checkpoint matches no preset and does not record them', integerAtLeast(1))
    .addOption(new Option('--encoder <which>', 'target: the EMA target encoder (the paper\'s evaluation choice); context: the context encoder').choices(['target', 'context']).default('target'))
    .option('--batch-size <n>', `${MODEL_FAMILIES.flatMap((family) => (family.embedHelp ? [family.embedHelp.batch] : [])).join(' or ')} per forward pass`, integerAtLeast(1))
    .option('--skip-corrupt', 'folder input: skip images or videos that fail to decode (listed in the output metadata) instead of stopping')
    .option('--num-frames <n>', 'video: frames per clip, when the checkpoint cannot tell (its pos_embed is no sin-cos table)', integerAtLeast(1))
    .option('--frame-step <n>', 'video: frames between sampled frames (the official sampling_rate; default 4)', integerAtLeast(1))
    .option('--fps <x>', 'video: sample frames at about this rate instead of --frame-step', numberIn(0))
    .option('--num-clips <n>', 'video: clips per video (each centred in its own segment), features averaged over them', integerAtLeast(1), 1)
    .option('--allow-non-finite', 'use weights that hold NaN or infinite values (refused by default: their features are NaN)')
    .addOption(backendOption())
    .addOption(progressOption())
    .addHelpText('after', EXAMPLES)
    .action(async (flags: EmbedFlags) => {
      await embed(flags, context);
    });
}

/**
 * `jepa embed`: checks `--out` and `--input`, reads the checkpoint (only the encoder asked for, when
 * the file has modules), and hands the work to the model family whose encoder the file holds.
 */
export async function embed(flags: EmbedFlags, context: CliContext): Promise<void> {
  const { io } = context;
  const out = resolve(io.cwd, flags.out);
  if (!out.endsWith('.safetensors')) throw new CliError(`--out ${out}: the features are written as safetensors; give the file a .safetensors name.`);
  await refuseForeignFeaturesOutputs(out);
  const input = resolve(io.cwd, flags.input);
  const inputInfo = await stat(input).catch(() => undefined);
  const inputKind = !inputInfo ? undefined : inputInfo.isDirectory() ? 'folder' : input.endsWith('.safetensors') ? 'tensor' : familyOfInputFile(input) ? 'file' : undefined;
  if (!inputKind) {
    const files = inputFileNouns();
    throw new CliError(
      `--input ${input}: ${inputInfo ? `is neither a folder, ${files.join(', ')}${files.length ? ' ' : ''}nor a .safetensors file` : 'no such file or folder'}. ` +
        "Pass a folder of images (or videos), a video file, or a .safetensors file with an 'images' tensor [B, C, H, W] (or 'clips' [B, C, T, H, W]).",
    );
  }
  // Only the encoder asked for is read when the file has it (an official training checkpoint's other modules and optimizer state are skipped).
  const file = await readCheckpointArgument(flags.checkpoint, io.cwd, '--checkpoint', { only: [flags.encoder === 'context' ? 'encoder' : 'target_encoder'] });
  if (!flags.allowNonFinite) refuseNonFiniteWeights(file.tensors, `--checkpoint ${file.path}`, '--allow-non-finite');
  const family = familyOfCheckpoint(file);
  if (!family.embed) throw unsupportedCommand(family, 'jepa embed', flags.checkpoint, 'it writes the average-pooled features of an image or video encoder');
  await startBackend(flags.backend, io);
  if (inputKind === 'file' && !family.embedInputFile?.accepts(input)) {
    const owner = familyOfInputFile(input)!;
    throw new CliError(`--input ${input}: ${owner.embedInputFile!.noun} needs a ${owner.label} checkpoint; ${file.path} holds ${family.encoderNoun}. Pass a folder or a .safetensors tensor instead.`);
  }
  await family.embed({ file, input, inputKind, out, flags }, context);
}
