import { Command } from 'commander';
import type { CliContext } from './cli-context.js';
import { registerConvert } from './commands/convert.js';
import { registerEmbed } from './commands/embed.js';
import { registerEvalProbe } from './commands/eval-probe.js';
import { registerInspect } from './commands/inspect.js';
import { registerPlan } from './commands/plan.js';
import { registerTrain } from './commands/train.js';
import { registerVisualize } from './commands/visualize.js';
import { runtimeVersions } from './run-folder/run-config.js';

const EXAMPLES = `
Examples:
  $ jepa train ijepa                                   # train an I-JEPA on MNIST (embedded), probe it, write a report
  $ jepa train ijepa --dataset photos/ --image-size 64 --patch-size 8 --channels 3
  $ jepa train ijepa --out runs/mnist --resume         # continue a run from its newest checkpoint
  $ jepa eval probe --checkpoint runs/mnist            # linear-probe a trained encoder
  $ jepa visualize --checkpoint runs/mnist --out predictions.png   # a picture of what its predictor predicts
  $ jepa train vjepa --out runs/mm                     # V-JEPA on Moving MNIST (written as mp4, decoded by ffmpeg), probed
  $ jepa eval probe --checkpoint runs/mm --task direction   # probe the V-JEPA run's motion direction instead of the digit
  $ jepa train world-model --env two-rooms --out runs/two-rooms   # an action-conditioned world model on Two Rooms trajectories
  $ jepa plan --checkpoint runs/two-rooms --planner cem --episodes 100 --out runs/two-rooms-plan   # its planning success rate
  $ jepa inspect IN1K-vit.h.14-300e.pth.tar            # what an official PyTorch checkpoint holds (nothing is executed)
  $ jepa convert IN1K-vit.h.14-300e.pth.tar vith14.safetensors   # to safetensors, official names kept
  $ jepa embed --checkpoint IN1K-vit.h.14-300e.pth.tar --input photos/ --out features.safetensors
  $ jepa embed --checkpoint runs/mm --input runs/mm/data/test/videos --out mm-test.safetensors   # video features
  $ jepa help train ijepa                              # every option of a command

Backends: --backend auto picks @tensorflow/tfjs-node-gpu, then tfjs-node, then wasm, then cpu
(JEPA_BACKEND sets the default). JEPA_DEBUG=1 prints stack traces of unexpected errors.`;

/**
 * The `jepa` command line: `train <kind>` for every model family of the registry
 * (`families/registry.ts`), `eval probe`, `plan`, `inspect`, `convert`, `embed` and `visualize` (one file per
 * command in `commands/`; what differs between families lives in `families/<kind>/`).
 * Commander's output goes through `context.io`, and it throws instead of exiting (see `runCli`).
 */
export function createProgram(context: CliContext): Command {
  const { io } = context;
  const program = new Command('jepa')
    .description('Train and evaluate JEPA (joint-embedding predictive architecture) models, and plan with JEPA world models, with TensorFlow.js.')
    .version(runtimeVersions()['@jepa/cli']!, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      getOutHelpWidth: () => io.stdout.columns ?? 100,
      getErrHelpWidth: () => io.stderr.columns ?? 100,
    })
    .exitOverride()
    .addHelpText('after', EXAMPLES);
  // Subcommands copy these settings (output, exitOverride) when they are created below.

  registerTrain(program, context);

  const evaluate = program
    .command('eval')
    .summary('evaluate a trained model (probe)')
    .description('Evaluate trained JEPA checkpoints.');
  registerEvalProbe(evaluate, context);
  registerPlan(program, context);

  registerInspect(program, context);
  registerConvert(program, context);
  registerEmbed(program, context);
  registerVisualize(program, context);

  return program;
}
