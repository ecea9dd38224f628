import * as tf from '@tensorflow/tfjs';
import { fromTfTensorAsync, Module, TransformerEncoder, type HostTensor } from '@jepa/core';
import type { IJepaModel } from '../model/ijepa.js';
import { PatchEmbed2d } from '../model/patch-embed.js';
import type { CheckpointFile, CheckpointTensor, HeadsOptions } from '@jepa/core';
import {
  DDP_PREFIX,
  IJEPA_MODULES,
  ijepaConfigFromArchitecture,
  inferIJepaArchitecture,
  splitModuleWeights,
  type IJepaModuleName,
} from './official-ijepa-checkpoint.js';

/**
 * Writing weights with the official I-JEPA parameter names. A safetensors file is flat, so the
 * official checkpoint's dict of state dicts becomes dotted keys: `encoder.blocks.0.attn.qkv.weight`,
 * or with the DDP prefix `encoder.module.blocks.0.attn.qkv.weight`. In Python,
 * `key.split('.', 1)` gives back the module name and its state-dict key (see the README).
 */

/** `format` in the metadata of the files written here. */
export const OFFICIAL_EXPORT_FORMAT = 'jepa-official-export';

/** Options of {@link officialStateDict}, {@link officialExportMetadata} and `exportOfficialSafetensors`. */
export interface OfficialExportOptions {
  /** Modules of an I-JEPA to write (default all three). Ignored for a single module. */
  readonly modules?: readonly IJepaModuleName[];
  /**
   * Insert `module.` after the module name (`encoder.module.blocks.0...`), as the official
   * checkpoints saved from DDP-wrapped models are; `load_state_dict` on a DDP-wrapped model wants
   * it, a plain model does not. Default false.
   */
  readonly modulePrefix?: boolean;
  /**
   * A single module (e.g. a ViT) only: the top-level name to write it under (`target_encoder.blocks...`).
   * Omitted: bare state-dict keys (`blocks.0...`), what `vit.load_state_dict` takes directly.
   */
  readonly moduleName?: IJepaModuleName;
  /** Recorded as metadata `epoch` (epochs completed, as the official checkpoints count). */
  readonly epoch?: number;
  /** More `__metadata__` strings. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Something that can be exported: a whole I-JEPA, or one module of it (a ViT, the predictor). */
export type ExportSource = IJepaModel | Module;

const isModule = (source: ExportSource): source is Module => source instanceof Module;

function checkModules(modules: readonly string[]): void {
  const unknown = modules.filter((m) => !(IJEPA_MODULES as readonly string[]).includes(m));
  if (unknown.length > 0 || modules.length === 0) {
    throw new Error(`modules must be a non-empty list of ${IJEPA_MODULES.join(', ')}; got [${modules.join(', ')}].`);
  }
}

/** The parts of `source` to write, as (key prefix, module). */
function partsOf(source: ExportSource, options: OfficialExportOptions): Array<[string, Module]> {
  const ddp = options.modulePrefix ? DDP_PREFIX : '';
  if (isModule(source)) {
    if (options.moduleName !== undefined) checkModules([options.moduleName]);
    return [[options.moduleName ? `${options.moduleName}.${ddp}` : ddp, source]];
  }
  const modules = options.modules ?? IJEPA_MODULES;
  checkModules(modules);
  const byName: Record<IJepaModuleName, Module> = { encoder: source.contextEncoder, predictor: source.predictor, target_encoder: source.targetEncoder };
  return modules.map((m) => [`${m}.${ddp}`, byName[m]]);
}

/**
 * The weights of an I-JEPA (or of one module) as host tensors under their official names, in
 * PyTorch layout (Linear `[out, in]`, patch embedding `[D, C, p, p]`), float32. Read with
 * `await data()`, so it works on every backend.
 */
export async function officialStateDict(source: ExportSource, options: OfficialExportOptions = {}): Promise<Map<string, HostTensor>> {
  const out = new Map<string, HostTensor>();
  for (const [prefix, module] of partsOf(source, options)) {
    const dict = module.stateDict();
    try {
      for (const [name, tensor] of Object.entries(dict)) out.set(`${prefix}${name}`, await fromTfTensorAsync(tensor, `${prefix}${name}`));
    } finally {
      tf.dispose(Object.values(dict));
    }
  }
  return out;
}

/** The sizes of what is exported, when they are known (recorded so readers need no `--num-heads`). */
function modelRecord(source: ExportSource): Record<string, unknown> | undefined {
  if (!isModule(source)) return { ...source.config };
  if (source instanceof TransformerEncoder && source.embedding instanceof PatchEmbed2d) {
    const { imageSize, patchSize, inChannels, embedDim } = source.embedding.options;
    const { depth, numHeads, mlpRatio } = source.options;
    return { imageSize, patchSize, inChannels, encoder: { embedDim, depth, numHeads, ...(mlpRatio !== undefined && mlpRatio !== 4 ? { mlpRatio } : {}) } };
  }
  return undefined;
}

/** What `exportOfficialSafetensors` (`@jepa/vision/node`) wrote. */
export interface OfficialExport {
  /** The file written. */
  readonly path: string;
  /** The keys written, in the model's order. */
  readonly keys: readonly string[];
  /** The safetensors metadata written: the format tag, the modules, whether `module.` is kept, the model sizes when known, the epoch when given. */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * The safetensors metadata of an official-name export of `source` (see {@link OfficialExportOptions}):
 * the format, the modules, the prefix, the model sizes (`jepa.model`, JSON) and the epoch when
 * given. With {@link officialStateDict}, what `serializeSafetensors` needs to make the file's bytes
 * in a page; `exportOfficialSafetensors` (`@jepa/vision/node`) writes it to a path.
 */
export function officialExportMetadata(source: ExportSource, options: OfficialExportOptions = {}): Record<string, string> {
  const model = modelRecord(source);
  const modules = isModule(source) ? (options.moduleName ? [options.moduleName] : []) : options.modules ?? IJEPA_MODULES;
  return {
    format: OFFICIAL_EXPORT_FORMAT,
    'jepa.modules': modules.join(','),
    'jepa.modulePrefix': String(options.modulePrefix === true),
    ...(model ? { 'jepa.model': JSON.stringify(model) } : {}),
    ...(options.epoch !== undefined ? { epoch: String(options.epoch) } : {}),
    ...options.metadata,
  };
}

/** Options of {@link convertCheckpointTensors}. */
export interface ConvertCheckpointOptions extends HeadsOptions {
  /**
   * `true`: every module's keys get `module.` (`encoder.module.blocks...`); `false`: none do;
   * undefined (default): each module keeps what the file had.
   */
  readonly modulePrefix?: boolean;
  /** Keep only these modules (default: every I-JEPA module in the file). */
  readonly only?: readonly IJepaModuleName[];
}

/** What {@link convertCheckpointTensors} produced. */
export interface ConvertedCheckpoint {
  /** The model weights under official names (`<module>.[module.]<name>`, or bare for a bare encoder). */
  readonly tensors: Map<string, HostTensor>;
  /**
   * Metadata for the safetensors header: the format tag, the modules, whether `module.` is kept, the
   * source file's name, the checkpoint's scalar entries (`epoch`, `lr`, ...) and, when known, the model sizes.
   */
  readonly metadata: Record<string, string>;
  /** The modules written. */
  readonly modules: readonly IJepaModuleName[];
  /** What was left out or changed, for the user (optimizer state, float16 widened, ...). */
  readonly notes: readonly string[];
}

/** A checkpoint tensor as a host tensor (float16/bfloat16 come widened to F32; `widened` says so). */
function toHost(tensor: CheckpointTensor): { host: HostTensor; widened: boolean } {
  if (!('kind' in tensor)) return { host: tensor, widened: false };
  const shape = [...tensor.shape];
  switch (tensor.dtype) {
    case 'float32':
    case 'float16':
    case 'bfloat16':
      return { host: { dtype: 'F32', shape, data: tensor.data as Float32Array }, widened: tensor.dtype !== 'float32' };
    case 'float64':
      return { host: { dtype: 'F64', shape, data: tensor.data as Float64Array }, widened: false };
    case 'int64':
      return { host: { dtype: 'I64', shape, data: tensor.data as BigInt64Array }, widened: false };
    case 'int32':
      return { host: { dtype: 'I32', shape, data: tensor.data as Int32Array }, widened: false };
    case 'int16':
      return { host: { dtype: 'I16', shape, data: tensor.data as Int16Array }, widened: false };
    case 'int8':
      return { host: { dtype: 'I8', shape, data: tensor.data as Int8Array }, widened: false };
    case 'uint8':
      return { host: { dtype: 'U8', shape, data: tensor.data as Uint8Array }, widened: false };
    case 'bool':
      return { host: { dtype: 'BOOL', shape, data: tensor.data as Uint8Array }, widened: false };
  }
}

const scalarText = (value: unknown): string | undefined =>
  typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || typeof value === 'string' ? String(value) : undefined;

/**
 * The model weights of a checkpoint (official `.pth.tar`, bare encoder state dict, run checkpoint
 * or export) under official names, ready for `writeSafetensorsFile`: values are copied bit for
 * bit, the `module.` prefix follows `options.modulePrefix`, optimizer state is left out, and
 * top-level numbers (`epoch`, `loss`, `lr`, ...) go into the metadata.
 */
export function convertCheckpointTensors(file: CheckpointFile, options: ConvertCheckpointOptions = {}): ConvertedCheckpoint {
  const weights = splitModuleWeights(file);
  if (weights.layout === 'none') {
    throw new Error(`${file.path}: holds no I-JEPA modules (encoder, predictor, target_encoder) and no ViT state dict ('patch_embed.proj.weight'); nothing to convert. \`jepa inspect\` shows what it holds.`);
  }
  const present = IJEPA_MODULES.filter((m) => weights.modules.has(m));
  const only = options.only ?? present;
  checkModules(only);
  const absent = only.filter((m) => !weights.modules.has(m));
  if (absent.length > 0) {
    throw new Error(`${file.path}: has no ${absent.join(', ')} module (it holds ${present.join(', ')}). Pick --only from those.`);
  }
  const bare = weights.layout === 'bare-encoder';
  const tensors = new Map<string, HostTensor>();
  const widened = new Set<string>();
  for (const module of only) {
    const keepPrefix = options.modulePrefix ?? weights.prefixed.has(module);
    const head = (bare ? '' : `${module}.`) + (keepPrefix ? DDP_PREFIX : '');
    for (const [name, tensor] of weights.modules.get(module)!) {
      const { host, widened: w } = toHost(tensor);
      if (w) widened.add(tensor.dtype);
      tensors.set(`${head}${name}`, host);
    }
  }
  const notes: string[] = [];
  const left = [...new Set([...weights.other.keys()].map((k) => k.split('.')[0]!))];
  if (left.length > 0) notes.push(`left out ${weights.other.size} tensor(s) that are not model weights (${left.join(', ')}: optimizer state)`);
  const dropped = present.filter((m) => !only.includes(m));
  if (dropped.length > 0) notes.push(`left out module(s) ${dropped.join(', ')} (--only)`);
  if (widened.size > 0) notes.push(`${[...widened].join('/')} tensors were written as F32 (exact)`);

  const metadata: Record<string, string> = {
    format: OFFICIAL_EXPORT_FORMAT,
    'jepa.modules': bare ? '' : only.join(','),
    'jepa.modulePrefix': String(only.every((m) => options.modulePrefix ?? weights.prefixed.has(m))),
    'jepa.source': file.path.split(/[\\/]/).pop() ?? file.path,
  };
  if (file.format === 'torch') {
    for (const [key, value] of Object.entries(file.metadata)) {
      const text = scalarText(value);
      if (text !== undefined && !key.startsWith('jepa.') && key !== 'format') metadata[key] = text;
    }
  } else if (file.metadata.epoch !== undefined) {
    metadata.epoch = String(file.metadata.epoch);
  }
  try {
    const architecture = inferIJepaArchitecture(file, options);
    if (architecture.numHeads !== undefined) {
      const e = architecture.encoder;
      const encoder = { embedDim: e.embedDim, depth: e.depth, numHeads: architecture.numHeads, ...(Math.abs(e.mlpRatio - 4) > 1e-9 ? { mlpRatio: e.mlpRatio } : {}) };
      const model = architecture.predictor && only.includes('predictor')
        ? (() => {
            try {
              return ijepaConfigFromArchitecture(architecture, file.path);
            } catch {
              return { imageSize: e.imageSize, patchSize: e.patchSize, inChannels: e.inChannels, encoder };
            }
          })()
        : { imageSize: e.imageSize, patchSize: e.patchSize, inChannels: e.inChannels, encoder };
      metadata['jepa.model'] = JSON.stringify(model);
    } else {
      notes.push('the attention heads are not recorded (they cannot be read from the weights); pass --num-heads to convert to record them, or to embed to use the file');
    }
  } catch (error) {
    notes.push(`model sizes not recorded: ${(error as Error).message}`);
  }
  return { tensors, metadata, modules: only, notes };
}
