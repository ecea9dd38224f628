import { VIT_PRESETS, type VitPresetName } from '@jepa/core';
import { fanInPatchInitStd, type IJepaModelConfig, MNIST_IJEPA_RECIPE } from '@jepa/vision';
import { CliError } from '../../cli-error.js';

/** The model flags of `jepa train ijepa`; undefined means "not given". */
export interface ModelFlags {
  preset?: string;
  embedDim?: number;
  depth?: number;
  numHeads?: number;
  patchSize?: number;
  imageSize?: number;
  predictorEmbedDim?: number;
  predictorDepth?: number;
  predictorNumHeads?: number;
}

/** An I-JEPA model config with every size spelled out (what `config.json` records). */
export interface ResolvedModelConfig extends IJepaModelConfig {
  readonly imageSize: number;
  readonly patchSize: number;
  readonly inChannels: number;
  readonly encoder: { readonly embedDim: number; readonly depth: number; readonly numHeads: number; readonly mlpRatio?: number };
  readonly predictor: { readonly embedDim: number; readonly depth: number; readonly numHeads: number };
}

/** The model sizes flags start from: the recipe's, or a resumed run's. */
export interface BaseModelSizes {
  readonly imageSize: number;
  readonly patchSize: number;
  /** When set, the run uses the fan-in patch init (recomputed for the resolved patch size and channels). */
  readonly patchEmbedInitStd?: number;
  readonly encoder: { readonly embedDim: number; readonly depth: number; readonly numHeads: number; readonly mlpRatio?: number };
  readonly predictor: { readonly embedDim: number; readonly depth: number; readonly numHeads: number };
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
/** Widths must be multiples of both the heads and 4 (the sin-cos table). */
const widthStep = (heads: number) => (heads * 4) / gcd(heads, 4);

const divisorsOf = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);

/** The multiples of `step` nearest to `value` (below and above), for "use e.g." hints. */
function nearestMultiples(value: number, step: number): number[] {
  const below = Math.floor(value / step) * step;
  return [...new Set([below, below + step].filter((v) => v > 0))];
}

/**
 * The model of a run: the recipe, then `--preset`, then the explicit size flags on top (so
 * `--preset small --depth 6` is a 6-deep ViT-small). Unless `--predictor-num-heads` is given, the
 * predictor's heads follow the encoder's when those changed and divide the predictor's width.
 * Checks every size at once and throws a {@link CliError} naming the flags to change.
 */
export function resolveModelConfig(flags: ModelFlags, inChannels: number, recipe: BaseModelSizes = MNIST_IJEPA_RECIPE.model): ResolvedModelConfig {
  let encoder: { embedDim: number; depth: number; numHeads: number; mlpRatio?: number } = { ...recipe.encoder };
  if (flags.preset !== undefined) {
    const preset = (VIT_PRESETS as Record<string, (typeof VIT_PRESETS)[VitPresetName] | undefined>)[flags.preset];
    if (!preset) {
      throw new CliError(`Unknown --preset '${flags.preset}'. Use one of ${Object.keys(VIT_PRESETS).join(', ')}, or give --embed-dim, --depth and --num-heads.`);
    }
    encoder = { ...preset };
  }
  if (flags.embedDim !== undefined) encoder.embedDim = flags.embedDim;
  if (flags.depth !== undefined) encoder.depth = flags.depth;
  if (flags.numHeads !== undefined) encoder.numHeads = flags.numHeads;

  const predictorWidth = flags.predictorEmbedDim ?? recipe.predictor.embedDim;
  // Official predictors use the encoder's heads: follow them when they changed and fit the predictor width.
  const followsEncoder = encoder.numHeads !== recipe.encoder.numHeads && predictorWidth % encoder.numHeads === 0;
  const predictor = {
    embedDim: predictorWidth,
    depth: flags.predictorDepth ?? recipe.predictor.depth,
    numHeads: flags.predictorNumHeads ?? (followsEncoder ? encoder.numHeads : recipe.predictor.numHeads),
  };
  const imageSize = flags.imageSize ?? recipe.imageSize;
  const patchSize = flags.patchSize ?? recipe.patchSize;

  const problems: string[] = [];
  const encoderFrom = flags.preset !== undefined ? ` (from --preset ${flags.preset})` : '';
  if (encoder.embedDim % encoder.numHeads !== 0) {
    const heads = divisorsOf(encoder.embedDim).filter((d) => d <= 32);
    problems.push(
      `the encoder width ${encoder.embedDim}${encoderFrom} is not divisible by its ${encoder.numHeads} heads: each head gets width / heads channels. ` +
        `Fix: --num-heads one of ${heads.join(', ')}, or --embed-dim a multiple of ${encoder.numHeads} (e.g. ${nearestMultiples(encoder.embedDim, widthStep(encoder.numHeads)).join(' or ')}).`,
    );
  }
  if (encoder.embedDim % 4 !== 0) {
    problems.push(`the encoder width ${encoder.embedDim} must be a multiple of 4 (the 2-D sin-cos position table splits it in four). Fix: --embed-dim ${nearestMultiples(encoder.embedDim, 4).join(' or ')}.`);
  }
  if (predictor.embedDim % predictor.numHeads !== 0) {
    const heads = divisorsOf(predictor.embedDim).filter((d) => d <= 32);
    problems.push(
      `the predictor width ${predictor.embedDim} is not divisible by its ${predictor.numHeads} heads. ` +
        `Fix: --predictor-num-heads one of ${heads.join(', ')}, or --predictor-embed-dim a multiple of ${predictor.numHeads}.`,
    );
  }
  if (predictor.embedDim % 4 !== 0) {
    problems.push(`the predictor width ${predictor.embedDim} must be a multiple of 4 (sin-cos positions). Fix: --predictor-embed-dim ${nearestMultiples(predictor.embedDim, 4).join(' or ')}.`);
  }
  if (imageSize % patchSize !== 0) {
    const patches = divisorsOf(imageSize).filter((d) => d < imageSize);
    problems.push(
      `--patch-size ${patchSize} does not divide --image-size ${imageSize}, so the image cannot be cut into whole patches. ` +
        `Fix: --patch-size one of ${patches.join(', ')}, or an --image-size that is a multiple of ${patchSize}.`,
    );
  } else if (imageSize / patchSize < 2) {
    problems.push(`--patch-size ${patchSize} leaves a 1 x 1 token grid on ${imageSize}-pixel images; masks need a grid of at least 2 x 2 (7 x 7 or more works best). Fix: a smaller --patch-size.`);
  }
  if (problems.length === 1) throw new CliError(`Invalid model: ${problems[0]}`);
  if (problems.length > 1) throw new CliError(`Invalid model:\n  - ${problems.join('\n  - ')}`);
  const patchEmbedInitStd = recipe.patchEmbedInitStd === undefined ? undefined : fanInPatchInitStd(patchSize, inChannels);
  return { imageSize, patchSize, inChannels, ...(patchEmbedInitStd === undefined ? {} : { patchEmbedInitStd }), encoder, predictor };
}
