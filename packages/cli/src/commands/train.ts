import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { MODEL_FAMILIES } from '../families/registry.js';

/** Registers `jepa train <kind>`: one subcommand per model family in the registry. */
export function registerTrain(program: Command, context: CliContext): Command {
  const train = program
    .command('train')
    .summary(`train a model (${MODEL_FAMILIES.map((family) => family.kind).join(', ')})`)
    .description('Train a JEPA self-supervised; each run writes one folder (config, checkpoints, metrics, loss plot, report).');
  for (const family of MODEL_FAMILIES) family.registerTrain(train, context);
  return train;
}
