import { elementCount, type CheckpointFile, type HeadsOptions } from '@jepa/core';
import {
  checkpointEpoch,
  DDP_PREFIX,
  IJEPA_MODULES,
  inferIJepaArchitecture,
  splitModuleWeights,
  type IJepaArchitecture,
  type IJepaModuleName,
} from './official-ijepa-checkpoint.js';

/** What a checkpoint file is. */
export type CheckpointKind =
  /** Official I-JEPA training checkpoint: encoder, predictor, target_encoder (and usually opt, epoch...). */
  | 'ijepa-training-checkpoint'
  /** Some of the I-JEPA modules under their top-level names, but not a full training checkpoint. */
  | 'ijepa-modules'
  /** One ViT encoder's state dict on its own (`pos_embed`, `patch_embed.proj.weight`, `blocks.0...`). */
  | 'encoder-state-dict'
  /** A safetensors file written by `exportOfficialSafetensors` / `jepa convert`. */
  | 'jepa-export'
  /** A checkpoint of a `jepa train ijepa` run (`<run>/checkpoints/step-N.safetensors`). */
  | 'jepa-run-checkpoint'
  | 'unknown';

/** What {@link describeCheckpoint} tells about a file. */
export interface CheckpointDescription {
  /** What sort of file it is. */
  readonly kind: CheckpointKind;
  /** One line, e.g. "I-JEPA full training checkpoint (encoder, predictor, target_encoder, optimizer state opt; keys prefixed 'module.')". */
  readonly summary: string;
  /** The I-JEPA modules present. */
  readonly modules: readonly IJepaModuleName[];
  /** Modules whose keys carry the DDP `module.` prefix. */
  readonly prefixed: readonly IJepaModuleName[];
  /** The model, when the shapes say what it is. */
  readonly architecture?: IJepaArchitecture;
  /** The model in words, e.g. "I-JEPA ViT with width 48, depth 2, patch 4, image 32 ...; heads: ...". */
  readonly model?: string;
  /** Why no architecture could be read (for I-JEPA-like files). */
  readonly problem?: string;
  /** The recorded `epoch` (epochs completed), if any. */
  readonly epoch?: number;
  /** Elements of every tensor, per top-level group (`encoder`, `opt`, ...; `(root)` for bare state dicts). */
  readonly parameters: Readonly<Record<string, number>>;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const ratio = (value: number) => String(Number(value.toFixed(4)));

/** Top-level group of a key: its first segment (`encoder`, `opt`, ...), or `(root)` for bare keys. */
export function topLevelGroup(key: string, bare: boolean): string {
  if (bare) return '(root)';
  const dot = key.indexOf('.');
  return dot < 0 ? key : key.slice(0, dot);
}

/** The heads part of a model description. */
function headsText(architecture: IJepaArchitecture, flag: string): string {
  const heads = architecture.numHeads;
  if (heads === undefined) return `heads: not inferable (matches no preset) — pass ${flag}`;
  const from = architecture.headsFrom === 'preset' ? `preset ${architecture.preset}` : architecture.headsFrom === 'file' ? 'recorded in the file' : 'given';
  const width = architecture.encoder.embedDim;
  return `heads: ${heads} (${from})${width % heads === 0 ? '' : ` — but ${heads} does not divide the width ${width}, so the model cannot be built with it`}`;
}

/**
 * The model of an architecture in words: "I-JEPA ViT with width 48, depth 2, patch 4, image 32
 * (8 x 8 tokens), 3 channels, MLP ratio 4; heads: not inferable (matches no preset) — pass
 * --num-heads", and a predictor clause when there is one.
 */
export function formatArchitecture(architecture: IJepaArchitecture, options: { headsFlag?: string } = {}): string {
  const e = architecture.encoder;
  const preset = architecture.preset ? ` (ViT-${architecture.preset} size)` : '';
  let text =
    `I-JEPA ViT with width ${e.embedDim}, depth ${e.depth}, patch ${e.patchSize}, image ${e.imageSize} (${e.gridSize} x ${e.gridSize} tokens), ` +
    `${plural(e.inChannels, 'channel')}, MLP ratio ${ratio(e.mlpRatio)}${preset}; ${headsText(architecture, options.headsFlag ?? '--num-heads')}`;
  const p = architecture.predictor;
  if (p) {
    const heads = architecture.predictorNumHeads === undefined ? "the encoder's" : String(architecture.predictorNumHeads);
    text += `. Predictor: width ${p.embedDim}, depth ${p.depth}, MLP ratio ${ratio(p.mlpRatio)}, heads ${heads}`;
  }
  return text;
}

/**
 * Recognises what a checkpoint file is (an official I-JEPA training checkpoint, a bare encoder
 * state dict, one of our exports or run checkpoints, or unknown), reads its model from the tensor
 * shapes where it can, and counts the parameters of each top-level group.
 */
export function describeCheckpoint(file: CheckpointFile, options: HeadsOptions & { headsFlag?: string } = {}): CheckpointDescription {
  const weights = splitModuleWeights(file);
  const modules = IJEPA_MODULES.filter((m) => weights.modules.has(m));
  const prefixed = modules.filter((m) => weights.prefixed.has(m));
  const bare = weights.layout === 'bare-encoder';
  const parameters: Record<string, number> = {};
  for (const [key, tensor] of file.tensors) {
    const group = topLevelGroup(key, bare || weights.layout === 'none');
    parameters[group] = (parameters[group] ?? 0) + elementCount(tensor.shape);
  }
  const otherGroups = [...new Set([...weights.other.keys()].map((k) => topLevelGroup(k, false)))];
  const format = file.metadata.format;
  let kind: CheckpointKind;
  if (format === 'jepa-checkpoint') kind = 'jepa-run-checkpoint';
  else if (format === 'jepa-official-export') kind = 'jepa-export';
  else if (bare) kind = 'encoder-state-dict';
  else if (modules.length === IJEPA_MODULES.length) kind = 'ijepa-training-checkpoint';
  else if (modules.length > 0) kind = 'ijepa-modules';
  else kind = 'unknown';

  const prefixNote = prefixed.length === 0 ? '' : prefixed.length === modules.length ? `; keys prefixed '${DDP_PREFIX}'` : `; '${DDP_PREFIX}' prefix on ${prefixed.join(', ')}`;
  const extra = otherGroups.length > 0 ? `, ${otherGroups.map((g) => (g === 'opt' || g === 'optimizer' ? `optimizer state ${g}` : g)).join(', ')}` : '';
  const step = (file.manifest?.meta as { trainer?: { step?: unknown } } | undefined)?.trainer?.step;
  const summaries: Record<CheckpointKind, string> = {
    'ijepa-training-checkpoint': `I-JEPA full training checkpoint (${modules.join(', ')}${extra}${prefixNote})`,
    'ijepa-modules': `I-JEPA modules ${modules.join(', ')} (not a full training checkpoint: ${IJEPA_MODULES.filter((m) => !modules.includes(m)).join(', ')} missing${prefixNote})`,
    'encoder-state-dict': `bare ViT encoder state dict (which of encoder/target_encoder it was is not recorded${prefixed.length ? `; keys prefixed '${DDP_PREFIX}'` : ''})`,
    'jepa-export': `safetensors export with official I-JEPA names (${bare ? 'one bare module' : modules.join(', ')}${prefixNote})`,
    'jepa-run-checkpoint': `checkpoint of a \`jepa train ijepa\` run${typeof step === 'number' ? ` (step ${step})` : ''} (${modules.join(', ')}${extra})`,
    unknown: `not an I-JEPA checkpoint this library recognises (${plural(file.tensors.size, 'tensor')}; no encoder/predictor/target_encoder group and no 'patch_embed.proj.weight')`,
  };

  let architecture: IJepaArchitecture | undefined;
  let problem: string | undefined;
  if (kind !== 'unknown' && (modules.includes('encoder') || modules.includes('target_encoder'))) {
    try {
      architecture = inferIJepaArchitecture(file, options);
    } catch (error) {
      problem = (error as Error).message;
    }
  }
  const epoch = checkpointEpoch(file);
  return {
    kind,
    summary: summaries[kind],
    modules,
    prefixed,
    ...(architecture ? { architecture, model: formatArchitecture(architecture, { headsFlag: options.headsFlag }) } : {}),
    ...(problem ? { problem } : {}),
    ...(epoch !== undefined ? { epoch } : {}),
    parameters,
  };
}
