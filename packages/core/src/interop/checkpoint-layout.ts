import type { StateDictHolder } from '../nn/state-dict-diff.js';
import { diffStateDict } from '../nn/state-dict-diff.js';
import { StateDictMismatchError } from '../nn/state-dict-mismatch-error.js';
import type { CheckpointTensor } from './checkpoint-file.js';
import { withTfTensors, type ModuleTensors } from './module-weights.js';

/**
 * Helpers the official-checkpoint loaders of every model family share: reading sizes from tensor
 * shapes, counting numbered blocks, stripping wrapper prefixes, and loading one module strictly.
 * `where` always names the file (and module) for messages.
 */

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** The first names of a module's tensors, for messages: `a, b, c, ... (40 tensors)`. */
export function listTensorNames(weights: ModuleTensors): string {
  const names = [...weights.keys()];
  if (names.length === 0) return '(no tensors)';
  return names.slice(0, 6).join(', ') + (names.length > 6 ? `, ... (${names.length} tensors)` : '');
}

/** What a loader expects, for messages of {@link tensorShape}. */
export interface ExpectedModel {
  /** What to pass instead, e.g. `an I-JEPA checkpoint or a ViT encoder state dict`. */
  readonly pass: string;
  /** The model a shape belongs to, e.g. `an official I-JEPA ViT`. */
  readonly model: string;
  /** Extra advice for a tensor of the wrong rank (e.g. "a 4-D patch embedding is an image ViT"). */
  readonly rankHint?: (key: string, shape: readonly number[]) => string;
}

/**
 * The shape of `key`, checked to have `rank` positive dimensions. A missing tensor says which
 * size (`what`) cannot be read and lists what the module holds.
 */
export function tensorShape(weights: ModuleTensors, key: string, rank: number, where: string, what: string, expected: ExpectedModel): readonly number[] {
  const tensor = weights.get(key);
  if (!tensor) {
    throw new Error(`${where}: no '${key}' tensor, so the ${what} cannot be read from the weights (it holds ${listTensorNames(weights)}). Pass ${expected.pass}.`);
  }
  if (tensor.shape.length !== rank || tensor.shape.some((d) => !(d > 0))) {
    throw new Error(`${where}: '${key}' has shape ${fmt(tensor.shape)}; expected ${rank} positive dimensions for ${expected.model}.${expected.rankHint?.(key, tensor.shape) ?? ''}`);
  }
  return tensor.shape;
}

/**
 * How many `<prefix>.<i>` entries a module has (`blocks.0.`, `blocks.1.`, ...; with `dotAfter`
 * false, whole names such as `mask_tokens.0`), checked to be numbered 0..n-1. 0 when there are none.
 */
export function countNumbered(weights: ModuleTensors, prefix: string, where: string, dotAfter = true): number {
  const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)${dotAfter ? '\\.' : '$'}`);
  const indices = new Set<number>();
  for (const key of weights.keys()) {
    const match = pattern.exec(key);
    if (match) indices.add(Number(match[1]));
  }
  const sorted = [...indices].sort((a, b) => a - b);
  if (sorted.length > 0 && sorted[sorted.length - 1] !== sorted.length - 1) {
    throw new Error(`${where}: the '${prefix}.<i>' entries are numbered ${sorted.join(', ')}, not 0..${sorted.length - 1}; some are missing from the checkpoint.`);
  }
  return sorted.length;
}

/** {@link countNumbered} that must find at least one: the depth of `<prefix>.<i>.*` blocks. */
export function countBlocks(weights: ModuleTensors, prefix: string, where: string): number {
  const depth = countNumbered(weights, prefix, where);
  if (depth === 0) throw new Error(`${where}: no '${prefix}.<i>.*' tensors, so the depth cannot be read (it holds ${listTensorNames(weights)}).`);
  return depth;
}

/**
 * Strips the first of `prefixes` (give them longest first) that every key of `tensors` starts with
 * (DDP's `module.`, V-JEPA's `module.backbone.`, ...). A module whose keys disagree keeps them as they
 * are, so that strict loading lists the odd ones. `prefix` is '' when nothing was stripped.
 */
export function stripSharedPrefix(tensors: ModuleTensors, prefixes: readonly string[]): {
  /** The prefix stripped, '' when none. */
  prefix: string;
  /** The tensors under their stripped keys (the input itself when nothing was stripped). */
  tensors: ModuleTensors;
} {
  const keys = [...tensors.keys()];
  const prefix = keys.length === 0 ? '' : prefixes.find((p) => keys.every((k) => k.startsWith(p))) ?? '';
  return { prefix, tensors: prefix ? new Map([...tensors].map(([key, t]) => [key.slice(prefix.length), t] as [string, CheckpointTensor])) : tensors };
}

/**
 * Loads one module's checkpoint tensors strictly: shapes are compared first, every missing,
 * unexpected and mis-shaped key is listed in one {@link StateDictMismatchError} and nothing is
 * loaded; only then are the tensors converted (and disposed after loading).
 */
export function loadModuleStrict(module: StateDictHolder, tensors: ModuleTensors, source: string): void {
  const given: Record<string, { shape: readonly number[] }> = {};
  for (const [key, t] of tensors) given[key] = { shape: t.shape };
  const report = diffStateDict(module.stateDictShapes(), given);
  if (!report.ok) throw new StateDictMismatchError(report, source);
  withTfTensors(tensors, (dict) => module.loadStateDict(dict, source));
}
