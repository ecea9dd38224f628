import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { MODEL_FAMILIES } from '../families/registry.js';
import { currentRunScope } from '../run-folder/run-scope.js';

/** `--force` of every `jepa train <kind>` (read by the run-folder code through the run scope). */
const FORCE_HELP =
  'write a new run into a non-empty --out folder that holds no run (files named like the run\'s own, e.g. report.md or loss.png, are overwritten); ' +
  'without it such a folder is refused. A folder holding a run is never overwritten: continue it with --resume';

/** Registers `jepa train <kind>`: one subcommand per model family in the registry. */
export function registerTrain(program: Command, context: CliContext): Command {
  const train = program
    .command('train')
    .summary(`train a model (${MODEL_FAMILIES.map((family) => family.kind).join(', ')})`)
    .description('Train a JEPA self-supervised; each run writes one folder (config, checkpoints, metrics, loss plot, report).');
  for (const family of MODEL_FAMILIES) {
    family
      .registerTrain(train, context)
      .option('--force', FORCE_HELP)
      .hook('preAction', (command) => {
        const scope = currentRunScope();
        if (scope) scope.force = command.opts<{ force?: boolean }>().force === true;
      });
  }
  return train;
}
