import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { writeSafetensorsFile } from '@jepa/core/node';
import { convertCheckpointTensors, IJEPA_MODULES, type IJepaModuleName } from '@jepa/vision';
import { refuseNonFiniteWeights } from '../checkpoints/finite-weights.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../cli-context.js';
import { integerAtLeast } from '../option-parsers.js';
import { readCheckpointArgument } from '../checkpoints/checkpoint-argument.js';

/** The flags of `jepa convert`. */
export interface ConvertFlags {
  /** true: add `module.`; false: strip it; undefined: keep each module as in the input. */
  modulePrefix?: boolean;
  only?: IJepaModuleName[];
  numHeads?: number;
  force?: boolean;
  /** Copy weights that hold NaN/Inf (refused by default). */
  allowNonFinite?: boolean;
}

const EXAMPLES = `
Examples:
  $ jepa convert IN1K-vit.h.14-300e.pth.tar vith14.safetensors              # official names kept
  $ jepa convert ../shared/fixtures/ijepa-tiny/checkpoint.pth.tar tiny.safetensors --no-module-prefix --num-heads 3
  $ jepa convert IN1K-vit.h.14-300e.pth.tar target.safetensors --only target_encoder
  $ jepa convert runs/mnist official.safetensors --module-prefix              # a run of this library, for PyTorch

Keys stay the official ones: <module>.[module.]<state-dict key>, e.g. encoder.module.blocks.0.attn.qkv.weight
(a bare encoder state dict keeps its bare keys). Values are copied bit for bit (float16/bfloat16 become F32);
optimizer state is left out. The metadata records the epoch, lr, ... and, when the heads are known, the model
sizes, so \`jepa embed\` needs no --num-heads. Rebuild the official dict of state dicts in Python with
key.split('.', 1) (see the README section "Interop with PyTorch checkpoints").`;

function parseModules(value: string): IJepaModuleName[] {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(IJEPA_MODULES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(`Expected one or more of ${IJEPA_MODULES.join(', ')} (comma-separated)${unknown.length ? `, got ${unknown.join(', ')}` : ''}.`);
  }
  return names as IJepaModuleName[];
}

/** Registers `jepa convert IN OUT`. */
export function registerConvert(program: Command, context: CliContext): Command {
  return program
    .command('convert')
    .summary('convert a .pth/.pth.tar checkpoint (or a run of this library) to safetensors with the official names')
    .description(
      'Write the model weights of a checkpoint (an official I-JEPA .pth.tar, a bare encoder state dict, a run checkpoint or an export) ' +
        'to a .safetensors file under the official PyTorch parameter names, without executing anything in the input.',
    )
    .argument('<in>', '.pth, .pth.tar or .safetensors checkpoint, a run folder, or a run checkpoint\'s .json')
    .argument('<out>', 'the .safetensors file to write')
    .option('--module-prefix', "write every key with the DDP 'module.' prefix (encoder.module.blocks...), as official checkpoints have")
    .option('--no-module-prefix', "write every key without 'module.' (encoder.blocks...), as plain (non-DDP) models load them")
    .option('--only <modules>', `write only these modules (comma-separated: ${IJEPA_MODULES.join(', ')})`, parseModules)
    .option('--num-heads <n>', 'encoder heads to record in the metadata (they cannot be read from the weights)', integerAtLeast(1))
    .option('--force', 'overwrite <out> if it exists')
    .option('--allow-non-finite', 'copy weights that hold NaN or infinite values (refused by default)')
    .addHelpText('after', EXAMPLES)
    .action(async (input: string, output: string, flags: ConvertFlags) => {
      await convert(input, output, flags, context);
    });
}

const count = (n: number) => n.toLocaleString('en-US');

/** `jepa convert IN OUT`. */
export async function convert(input: string, output: string, flags: ConvertFlags, context: CliContext): Promise<void> {
  const { io } = context;
  const out = resolve(io.cwd, output);
  if (!out.endsWith('.safetensors')) throw new CliError(`OUT ${out}: the output is a safetensors file; give it a .safetensors name.`);
  if (out === resolve(io.cwd, input)) throw new CliError(`OUT ${out} is the input file; write to another file.`);
  if (!flags.force && (await stat(out).catch(() => undefined))) throw new CliError(`OUT ${out} already exists. Pass --force to overwrite it, or choose another name.`);
  const file = await readCheckpointArgument(input, io.cwd, 'IN');
  let converted;
  try {
    converted = convertCheckpointTensors(file, { modulePrefix: flags.modulePrefix, only: flags.only, numHeads: flags.numHeads });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  if (!flags.allowNonFinite) refuseNonFiniteWeights(converted.tensors, `IN ${file.path}`, '--allow-non-finite');
  await writeSafetensorsFile(out, converted.tensors, converted.metadata);
  const keys = [...converted.tensors.keys()];
  const parameters = [...converted.tensors.values()].reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
  const what = converted.metadata['jepa.modules'] ? converted.modules.join(', ') : 'bare encoder state dict';
  io.stdout.write(`wrote ${out}: ${count(keys.length)} tensors (${what}), ${count(parameters)} parameters; keys like ${keys[0]}\n`);
  for (const note of converted.notes) io.stdout.write(`note: ${note}\n`);
}
