/** Width, depth and heads of a ViT (image or video: the transformer body is the same). */
export interface VitSize {
  /** Token width. */
  readonly embedDim: number;
  /** Number of transformer blocks. */
  readonly depth: number;
  /** Attention heads per block. */
  readonly numHeads: number;
  /** MLP hidden width / `embedDim`. Default 4. */
  readonly mlpRatio?: number;
}

/** The name of an official ViT size. */
export type VitPresetName = 'tiny' | 'small' | 'base' | 'large' | 'huge' | 'giant';

/**
 * The official ViT sizes (facebookresearch/ijepa and /jepa `vit_tiny` ... `vit_giant`):
 *
 * | preset | embedDim | depth | numHeads | mlpRatio |
 * |---|---:|---:|---:|---:|
 * | tiny | 192 | 12 | 3 | 4 |
 * | small | 384 | 12 | 6 | 4 |
 * | base | 768 | 12 | 12 | 4 |
 * | large | 1024 | 24 | 16 | 4 |
 * | huge | 1280 | 32 | 16 | 4 |
 * | giant | 1408 | 40 | 16 | 48 / 11 |
 */
export const VIT_PRESETS: Readonly<Record<VitPresetName, VitSize>> = {
  tiny: { embedDim: 192, depth: 12, numHeads: 3 },
  small: { embedDim: 384, depth: 12, numHeads: 6 },
  base: { embedDim: 768, depth: 12, numHeads: 12 },
  large: { embedDim: 1024, depth: 24, numHeads: 16 },
  huge: { embedDim: 1280, depth: 32, numHeads: 16 },
  giant: { embedDim: 1408, depth: 40, numHeads: 16, mlpRatio: 48 / 11 },
};

/** Resolves a preset name or explicit sizes into a {@link VitSize}. */
export function resolveVitSize(size: VitPresetName | VitSize): VitSize {
  if (typeof size === 'string') {
    const preset = VIT_PRESETS[size];
    if (!preset) throw new Error(`Unknown ViT preset '${size}'; use one of ${Object.keys(VIT_PRESETS).join(', ')} or give embedDim/depth/numHeads.`);
    return preset;
  }
  return size;
}

/** The MLP hidden width a ratio gives (as the official `int(dim * mlp_ratio)`, rounded like our blocks). */
const hiddenOf = (dim: number, ratio: number) => Math.round(dim * ratio);

/** The official preset with this width, depth and MLP ratio, if any (heads cannot be read from weights; a preset implies them). */
export function matchVitPreset(embedDim: number, depth: number, mlpRatio = 4): VitPresetName | undefined {
  for (const [name, preset] of Object.entries(VIT_PRESETS) as Array<[VitPresetName, VitSize]>) {
    const presetRatio = preset.mlpRatio ?? 4;
    if (preset.embedDim === embedDim && preset.depth === depth && hiddenOf(embedDim, presetRatio) === hiddenOf(embedDim, mlpRatio)) return name;
  }
  return undefined;
}
